#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Partition suite, real kernels (CPUSETS): boot.sh boots it with
# isolcpus=nohz,2-3, nohz_full without the domain flag, so that no CPU can
# host an isolated task until a cgroup v2 isolated partition takes one out
# of the scheduler domains.  The kselftests' partition cases check the
# rst's promises: such a CPU is not eligible, the partition makes it
# eligible, and dissolving the partition breaks the task on it at once
# with cause AFFINITY.  They skip on a kernel without cpusets; here a skip
# is a failure.
. /guest/tap.sh
echo "TAP version 13"
echo "# nohz_full: $(cat /sys/devices/system/cpu/nohz_full 2>/dev/null)," \
	"task_isolation: $(cat /sys/devices/system/cpu/task_isolation 2>/dev/null)"
/guest/task_isolation_test -f partition > /tmp/partition 2>&1
tap_eq "task_isolation_test -f partition exits 0" "$?" 0
sed 's/^/# /' /tmp/partition
for t in nohz_cpu_in_the_domains_is_einval \
	isolated_partition_makes_the_cpu_eligible \
	dissolved_partition_breaks_with_cause_affinity; do
	tap_ok "partition.$t passed (not skipped)" \
		grep -q "^ok [0-9]* partition\.$t\$" /tmp/partition
done
tap_plan
