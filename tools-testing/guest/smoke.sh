#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Smoke suite: the guest booted as asked, with the CPUs isolated that the
# command line names (isolcpus=nohz,domain,2-3 implies nohz_full in 7.3).
. /guest/tap.sh
cpu=/sys/devices/system/cpu
want=$(sed -n 's/.*isolcpus=nohz,domain,\([^ ]*\).*/\1/p' /proc/cmdline)
echo "TAP version 13"
tap_eq "four CPUs online" "$(cat $cpu/online)" "0-3"
tap_eq "isolcpus= on the command line names 2-3" "$want" "2-3"
tap_eq "nohz_full CPUs are $want" "$(cat $cpu/nohz_full)" "$want"
tap_eq "domain-isolated CPUs are $want" "$(cat $cpu/isolated)" "$want"
tap_ok "tracefs is mounted" test -e /sys/kernel/tracing/trace
tap_ok "context_tracking:user_exit tracepoint exists" \
	test -d /sys/kernel/tracing/events/context_tracking/user_exit
# The counting tool of the demo (and of the bench) works on this kernel.
/guest/isol-count 2 1 > /tmp/count 2>&1
tap_eq "isol-count measures a 1 s window on CPU 2" "$?" 0
tap_ok "isol-count reports a kernel entry count" grep -qE '^kernel_entries: [0-9]+$' /tmp/count
sed 's/^/# /' /tmp/count
tap_plan
