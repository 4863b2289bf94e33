#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo: what isolation this guest offers, in plain words.  Once the task
# isolation series is in the tree, the demo program runs an isolated task.
cpu=/sys/devices/system/cpu
echo "Kernel:        $(uname -r) ($(uname -m))"
echo "Command line:  $(cat /proc/cmdline)"
echo "CPUs online:   $(cat $cpu/online)"
echo "nohz_full:     $(cat $cpu/nohz_full)   (no scheduler tick while one task runs)"
echo "isolated:      $(cat $cpu/isolated)   (no load balancing onto these CPUs)"
echo
if [ -e $cpu/task_isolation ]; then
	echo "task isolation: available on CPUs $(cat $cpu/task_isolation)"
else
	echo "task isolation: not in this kernel yet."
fi
echo
echo "A task spins in user mode on CPU 2 for 5 s with nohz_full only:"
/guest/isol-count 2 5 > /tmp/count || { echo "isol-count failed"; exit 1; }
entries=$(sed -n 's/^kernel_entries: //p' /tmp/count)
echo "  kernel entries on CPU 2 while it ran: $entries"
sed -n 's/^irq \(.*\): \(.*\)/  interrupts on CPU 2: \2 x \1/p' /tmp/count
if [ "$entries" -gt 0 ] 2>/dev/null; then
	echo "nohz_full stopped most of the tick, but the kernel still entered the"
	echo "CPU $entries times, and the task was never told."
else
	echo "No kernel entry this time; nohz_full still gives no guarantee, and a"
	echo "task is never told when the kernel does interrupt it."
fi
