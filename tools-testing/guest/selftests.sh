#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Selftests suite: the series' kselftests (tools/testing/selftests/
# task_isolation), whose kselftest_harness output is TAP already.
cpu=/sys/devices/system/cpu
echo "# task_isolation CPUs: $(cat $cpu/task_isolation 2>/dev/null || echo none)"
exec /guest/task_isolation_test
