#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bench suite: for each stressor, run it on the housekeeping CPUs (0-1)
# while isol-count measures isolated CPU 2 for ti.duration= seconds, twice:
# a task spinning with nohz_full only, then one with task isolation (which
# isolates again after each break).  Prints "bench: STRESSOR: KEY: VALUE"
# lines for the host's report (the second run's keys start with "ti "),
# and a TAP line per stressor.
# ti.stressors=a,b,... picks stressors (default: all of them).
dur=$(sed -n 's/.*ti\.duration=\([0-9]*\).*/\1/p' /proc/cmdline)
list=$(sed -n 's/.*ti\.stressors=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
: "${dur:=5}"
: "${list:=idle mprotect fork timer lru membarrier drop_caches sync textpatch stat_refresh affinity all}"
hk=0-1
ev=/sys/kernel/tracing/events/signal/signal_generate/enable

start() {	# start STRESSOR: in the background, on the housekeeping CPUs
	case "$1" in
	idle) ;;
	mprotect|fork|timer|lru|membarrier)
		taskset -c $hk /guest/stress "$1" & ;;
	drop_caches)	# 4 once: no console message from then on; 3 = page cache and slab
		echo 4 > /proc/sys/vm/drop_caches
		taskset -c $hk sh -c 'while :; do echo 3 > /proc/sys/vm/drop_caches; done' & ;;
	sync)
		taskset -c $hk sh -c 'while :; do sync; done' & ;;
	textpatch)	# a tracepoint on and off: a static key, patched kernel text
		taskset -c $hk sh -c "while :; do echo 1 > $ev; echo 0 > $ev; done" & ;;
	stat_refresh)
		taskset -c $hk sh -c 'while :; do cat /proc/sys/vm/stat_refresh; done' >/dev/null 2>&1 & ;;
	affinity)	# move a busy task between the housekeeping CPUs
		taskset -c 0 sh -c 'while :; do :; done' &
		taskset -c $hk sh -c "while :; do taskset -p -c 0 $! ; taskset -p -c 1 $! ; done" >/dev/null & ;;
	all)
		# (sh has no local variables: not "s", the caller's loop uses it)
		for one in mprotect fork timer lru membarrier drop_caches sync textpatch stat_refresh affinity; do
			start $one
		done;;
	*)	return 1;;
	esac
}

n=0
echo "TAP version 13"
for s in $list; do
	n=$((n + 1))
	# Stressors write nowhere: the results channel is a device whose
	# interrupts would land in the table.
	if ! start "$s" >/dev/null 2>&1; then
		echo "bench: $s: error: unknown stressor"
		echo "not ok $n bench $s"
		continue
	fi
	if /guest/isol-count 2 "$dur" > /tmp/count 2>&1 &&
	   /guest/isol-count -i 2 "$dur" > /tmp/count-ti 2>&1; then
		sed "s/^/bench: $s: /" /tmp/count
		sed "s/^/bench: $s: ti /" /tmp/count-ti
		# A stressor that died early would make its row look quiet.
		if jobs | grep -qv Running; then
			echo "bench: $s: error: a stressor stopped early: $(jobs | grep -v Running | head -n 1)"
			echo "not ok $n bench $s"
		else
			echo "ok $n bench $s"
		fi
	else
		echo "bench: $s: error: $(tail -q -n 1 /tmp/count /tmp/count-ti 2>/dev/null | grep isol-count | head -n 1)"
		echo "not ok $n bench $s"
	fi
	pids=$(jobs -p)
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null
	echo 0 > $ev
done
echo "1..$n"
