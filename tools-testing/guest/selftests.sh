#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Selftests suite: the series' kselftests (tools/testing/selftests/
# task_isolation), whose kselftest_harness output is TAP already.  Both
# guest kernels have the feature and boot with isolcpus=nohz,domain, so no
# isolation CPU is a failure here, not the kselftests' SKIP.
cpu=/sys/devices/system/cpu
cpus=$(cat $cpu/task_isolation 2>/dev/null)
echo "# task_isolation CPUs: ${cpus:-none}"
if [ -z "$cpus" ]; then
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 no CPU in $cpu/task_isolation: kernel without TASK_ISOLATION, or booted without isolcpus=nohz,domain"
	exit 1
fi
# ti.test=NAME[,NAME...] (boot.sh CMDLINE_EXTRA) runs only those cases.
only=$(sed -n 's/.*ti\.test=\([^ ]*\).*/\1/p' /proc/cmdline)
set --
for t in $(echo "$only" | tr ',' ' '); do set -- "$@" -t "$t"; done
exec /guest/task_isolation_test "$@"
