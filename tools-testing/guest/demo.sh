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
if [ -x /guest/isolation-demo ]; then
	/guest/isolation-demo
elif [ -e $cpu/task_isolation ]; then
	echo "task isolation: available on CPUs $(cat $cpu/task_isolation)"
else
	echo "task isolation: not in this kernel yet: these CPUs get nohz_full's"
	echo "soft isolation only (the tick stops, but IPIs and other kernel"
	echo "entries still interrupt a task there, and nobody tells it)."
fi
