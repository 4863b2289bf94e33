#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bench suite: for each stressor, run it on the housekeeping CPUs (0-1)
# while isol-count measures isolated CPU 2 for ti.duration= seconds, twice:
# a task spinning with nohz_full only, then one with task isolation (which
# isolates again after each break).  Prints "bench: STRESSOR: KEY: VALUE"
# lines for the host's report (the second run's keys start with "ti "),
# and a TAP line per stressor.
# ti.stressors=a,b,... picks stressors (default: all of them that this
# kernel has; the host passes its list).
dur=$(sed -n 's/.*ti\.duration=\([0-9]*\).*/\1/p' /proc/cmdline)
list=$(sed -n 's/.*ti\.stressors=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
: "${dur:=5}"
hk=0-1
tr=/sys/kernel/tracing
ev=$tr/events/signal/signal_generate/enable
cg=/sys/fs/cgroup
# Today's stressors, then those only a full kernel has (KCONFIG=debian|rt).
basic="mprotect fork timer lru membarrier drop_caches sync textpatch stat_refresh affinity"
full="bpf kprobe ftrace perf schedstats module cgroup udp veth hotplug compact threads"
module=$(find /lib/modules -name dummy.ko 2>/dev/null | head -n 1)

available() {	# available STRESSOR: this kernel has what it uses
	case "$1" in
	bpf)		[ -e /proc/sys/kernel/unprivileged_bpf_disabled ];;
	kprobe)		[ -e $tr/kprobe_events ];;
	ftrace)		grep -qw function $tr/available_tracers 2>/dev/null;;
	perf)		[ -e /proc/sys/kernel/perf_event_paranoid ];;
	schedstats)	[ -e /proc/sys/kernel/sched_schedstats ];;
	module)		[ -n "$module" ];;
	cgroup)		grep -qw cgroup2 /proc/filesystems;;
	udp|veth)	[ -d /proc/sys/net/ipv4 ];;
	hotplug)	[ -e /sys/devices/system/cpu/cpu1/online ];;
	compact)	[ -e /proc/sys/vm/compact_memory ];;
	*)		return 0;;
	esac
}
: "${list:=idle $basic $(for f in $full; do available $f && echo $f; done) all}"

start() {	# start STRESSOR: in the background, on the housekeeping CPUs
	available "$1" || { echo "bench: $1: error: not available on this kernel"; return 1; }
	case "$1" in
	idle) ;;
	mprotect|fork|timer|lru|membarrier|bpf|perf|threads|veth)
		taskset -c $hk /guest/stress "$1" & ;;
	udp)
		ip link set lo up
		taskset -c $hk /guest/stress udp & ;;
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
	kprobe)		# a kprobe armed and disarmed: int3 text patching.  Defined
		# once: removing a probe event resets every trace buffer,
		# isol-count's too.
		echo 'p:ti_kp vfs_read' > $tr/kprobe_events || return 1
		taskset -c $hk sh -c "while :; do echo 1 > $tr/events/kprobes/ti_kp/enable &&
			echo 0 > $tr/events/kprobes/ti_kp/enable || exit 1; done" & ;;
	ftrace)		# the function tracer on and off, for the vfs_* functions:
		# their call sites patched (all of them would take minutes per
		# toggle under TCG, with a trace of every kernel function).
		# In its own instance: a tracer change resets its instance's
		# buffer, which must not be isol-count's.
		mkdir -p $tr/instances/ti-ftrace || return 1
		echo 'vfs_*' > $tr/instances/ti-ftrace/set_ftrace_filter || return 1
		taskset -c $hk sh -c "while :; do echo function > $tr/instances/ti-ftrace/current_tracer &&
			echo nop > $tr/instances/ti-ftrace/current_tracer || exit 1; done" & ;;
	schedstats)	# a static key flipped by a sysctl
		taskset -c $hk sh -c 'while :; do echo 1 > /proc/sys/kernel/sched_schedstats &&
			echo 0 > /proc/sys/kernel/sched_schedstats || exit 1; done' & ;;
	module)		# load and unload: alternatives and jump labels patched, text freed
		taskset -c $hk sh -c "while :; do insmod $module && rmmod dummy || exit 1; done" & ;;
	cgroup)		# a memory cgroup created, charged with page cache, destroyed
		mountpoint -q $cg || mount -t cgroup2 none $cg
		echo +memory > $cg/cgroup.subtree_control
		taskset -c $hk sh -c "while :; do mkdir $cg/ti &&
			sh -c 'echo \$\$ > $cg/ti/cgroup.procs && exec dd if=/dev/zero of=/tmp/cg bs=64k count=16 2>/dev/null' &&
			rm -f /tmp/cg && rmdir $cg/ti || exit 1; done" & ;;
	hotplug)	# housekeeping CPU 1 offline and online again (stop_machine)
		taskset -c 0 sh -c 'while :; do echo 0 > /sys/devices/system/cpu/cpu1/online &&
			echo 1 > /sys/devices/system/cpu/cpu1/online || exit 1; done' & ;;
	compact)
		taskset -c $hk sh -c 'while :; do echo 1 > /proc/sys/vm/compact_memory || exit 1; done' & ;;
	all)
		# every other stressor of this run at once (sh has no local
		# variables: not "s", the caller's loop uses it)
		for one in $list; do
			case $one in idle|all) ;; *) available $one && start $one;; esac
		done;;
	*)	echo "bench: $1: error: unknown stressor"; return 1;;
	esac
}

# stop_all: stop the row's stressors, and their children (an insmod, a dd
# in flight), then undo what they may have left behind for the next row.
stop_all() {
	pids=$(jobs -p)
	for p in $pids; do
		pkill -P "$p" 2>/dev/null
	done
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null
	pkill -x stress 2>/dev/null
	echo 0 > $ev
	[ -e /sys/devices/system/cpu/cpu1/online ] && echo 1 > /sys/devices/system/cpu/cpu1/online 2>/dev/null
	if [ -e $tr/instances/ti-ftrace ]; then
		echo nop > $tr/instances/ti-ftrace/current_tracer
		rmdir $tr/instances/ti-ftrace
	fi
	if [ -e $tr/events/kprobes/ti_kp ]; then
		echo 0 > $tr/events/kprobes/ti_kp/enable
		echo > $tr/kprobe_events
	fi
	ip link del tiveth0 2>/dev/null
	for try in 1 2 3; do
		{ ! grep -q '^dummy ' /proc/modules 2>/dev/null || rmmod dummy 2>/dev/null; } &&
		{ [ ! -d $cg/ti ] || rmdir $cg/ti 2>/dev/null; } && break
		sleep 1
	done
}

n=0
echo "TAP version 13"
for s in $list; do
	n=$((n + 1))
	# Stressors write nowhere: the results channel is a device whose
	# interrupts would land in the table.
	if ! start "$s" > /tmp/start 2>&1; then
		grep '^bench: ' /tmp/start || echo "bench: $s: error: the stressor did not start"
		echo "not ok $n bench $s"
		stop_all
		continue
	fi
	if /guest/isol-count 2 "$dur" > /tmp/count 2>&1 &&
	   /guest/isol-count -i 2 "$dur" > /tmp/count-ti 2>&1; then
		sed "s/^/bench: $s: /" /tmp/count
		sed "s/^/bench: $s: ti /" /tmp/count-ti
		# A stressor that died early would make its row look quiet.
		if jobs | grep -qv Running; then
			echo "bench: $s: error: a stressor stopped early: $(jobs | grep -v Running | head -n 1) $(tail -n 1 /tmp/start)"
			echo "not ok $n bench $s"
		else
			echo "ok $n bench $s"
		fi
	else
		echo "bench: $s: error: $(tail -q -n 1 /tmp/count /tmp/count-ti 2>/dev/null | grep isol-count | head -n 1)"
		echo "not ok $n bench $s"
	fi
	stop_all
done
echo "1..$n"
