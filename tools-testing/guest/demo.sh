#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo: what isolation this guest offers, in plain words.  A task spins
# in user mode on isolated CPU 2 three times: with nohz_full only, with task
# isolation, and with task isolation while another process is started on
# CPU 2 (the break is caught, signalled and explained).  Exits non-zero
# when task isolation does not do what the demo says.
cpu=/sys/devices/system/cpu
echo "Kernel:        $(uname -r) ($(uname -m))"
echo "Command line:  $(cat /proc/cmdline)"
echo "CPUs online:   $(cat $cpu/online)"
echo "nohz_full:     $(cat $cpu/nohz_full)   (no scheduler tick while one task runs)"
echo "isolated:      $(cat $cpu/isolated)   (no load balancing onto these CPUs)"
if [ ! -s $cpu/task_isolation ]; then
	echo "task isolation: not available in this kernel (no $cpu/task_isolation)"
	exit 1
fi
echo "task isolation: available on CPUs $(cat $cpu/task_isolation)"

val() { sed -n "s/^$1: //p" /tmp/count; }
irqs() { sed -n 's/^irq \(.*\): \(.*\)/      interrupts on CPU 2: \2 x \1/p' /tmp/count; }

echo
echo "1. nohz_full only: a task spins in user mode on CPU 2 for 5 s."
/guest/isol-count 2 5 > /tmp/count || { echo "isol-count failed"; exit 1; }
echo "   kernel entries on CPU 2: $(val kernel_entries)"
irqs
echo "   (the task is never told when the kernel interrupts it)"

echo
echo "2. Task isolation: the same task first calls"
echo "   prctl(PR_TASK_ISOLATION, PR_TASK_ISOLATION_ENABLE | PR_TASK_ISOLATION_SET_SIG(SIGUSR1))."
/guest/isol-count -i 2 5 > /tmp/count || { echo "isol-count -i failed"; exit 1; }
quiet=$(val kernel_entries)
echo "   isolated after $(val isolate_attempts) prctl() call(s) (EAGAIN until the CPU is quiet)"
echo "   kernel entries on CPU 2 in 5 s: $quiet"
irqs
echo "   breaks of isolation: $(val breaks)"

echo
echo "3. Task isolation, and 2.5 s into the run another process is started on CPU 2."
dmesg -c > /dev/null 2>&1
/guest/isol-count -i -d 2 5 > /tmp/count || { echo "isol-count -i -d failed"; exit 1; }
breaks=$(val breaks)
echo "   breaks of isolation: $breaks"
sed -n 's/^break \(.*\): \(.*\)/      \2 x cause "\1" (si_errno of the SIGUSR1 the task received)/p' /tmp/count
echo "   the kernel's report (task_isolation_debug on the command line):"
dmesg | grep 'isolation broken' | sed -E 's/^(\[[^]]*\] *)?/      /'
echo "   the task caught SIGUSR1, isolated again, and spun on."

echo
if [ "$quiet" = 0 ] && [ "$breaks" = 1 ]; then
	echo "Result: zero kernel entries while isolated; the one disturbance was caught and explained."
else
	echo "Result: UNEXPECTED: $quiet kernel entries while isolated (want 0), $breaks breaks when disturbed (want 1)."
	exit 1
fi
