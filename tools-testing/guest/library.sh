#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Library suite: the task-isolation library (rust/userspace/task-isolation)
# as an application uses it, on isolated CPU 2: its Rust example (spin)
# and its C example (spin-c, through task_isolation.h) spin isolated with
# no kernel entry in their loop and decode a break, and keep what each
# mode promises for a syscall; a forced EAGAIN (a
# runnable task on the CPU) is reported with its reason; the command-line
# tool names the CPUs, the reason and the breaks.
. /guest/tap.sh
T=/sys/kernel/tracing
cpu=2
echo "TAP version 13"

# trace_on: a clean trace buffer with kernel entries (user_exit) and the
# task isolation events.
trace_on() {
	echo 0 > $T/tracing_on
	echo > $T/trace
	echo 1 > $T/events/context_tracking/user_exit/enable
	echo 1 > $T/events/task_isolation/enable
	echo 1 > $T/tracing_on
}
trace_off() {
	echo 0 > $T/tracing_on
	echo 0 > $T/events/context_tracking/user_exit/enable
	echo 0 > $T/events/task_isolation/enable
}
# entries_while_isolated: the kernel entries CPU 2 took from the
# successful PR_TASK_ISOLATION (task_isolation_begin) to the request that
# left (task_isolation_leave with error=0), that request's own included.
entries_while_isolated() {
	awk -v c="[00$cpu]" 'index($0, c) && /task_isolation_begin:/ { on = 1; n = 0; next }
		on && index($0, c) && /user_exit/ { n++ }
		on && index($0, c) && /task_isolation_leave: error=0/ { print n; exit }' $T/trace
}

for prog in spin spin-c; do
	trace_on
	/guest/$prog $cpu > /tmp/$prog.out 2>&1
	rc=$?
	trace_off
	sed 's/^/# /' /tmp/$prog.out
	tap_eq "$prog: enters isolation on CPU $cpu, spins, leaves (exit 0)" "$rc" 0
	tap_ok "$prog: no break in its loop, still isolated after it" \
		grep -q '0 breaks, still isolated: true' /tmp/$prog.out
	# After isolating, the example makes three syscalls, all allowed:
	# PR_GET_TASK_ISOLATION, its GET_STATS, and the request that leaves.
	# Anything more is a kernel entry in the loop.
	tap_eq "$prog: CPU $cpu took no kernel entry in the loop (3: its three prctls)" \
		"$(entries_while_isolated)" 3

	/guest/$prog $cpu 1000 --break > /tmp/$prog.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/$prog.out
	tap_eq "$prog --break: a syscall while isolated is decoded as that syscall (exit 0)" "$rc" 0
	tap_ok "$prog --break: the break's cause is syscall" grep -q '^break: syscall' /tmp/$prog.out
done

# The modes: soft keeps isolation across the syscall, log counts it as a
# break without a signal, soft-log does both (the examples check their
# counters, PR_TASK_ISOLATION_GET_STATS, and exit 0 when the mode's
# promise held).
for prog in spin spin-c; do
	for mode in soft log soft-log; do
		/guest/$prog $cpu 1000 --break --mode $mode > /tmp/$prog-$mode.out 2>&1
		rc=$?
		sed 's/^/# /' /tmp/$prog-$mode.out
		tap_eq "$prog --break --mode $mode: what the mode promises (exit 0)" "$rc" 0
	done
	tap_ok "$prog --mode soft: the syscall is no break" \
		grep -qx 'break: none, syscalls allowed' /tmp/$prog-soft.out
	tap_ok "$prog --mode log: the syscall is a break, logged, not signalled" \
		grep -q '^break: logged syscall detail=' /tmp/$prog-log.out
	tap_ok "$prog --mode log: counted once" grep -q '^stats: isolated [0-9]*, breaks 1$' /tmp/$prog-log.out
done

# The command-line tool.
/guest/task-isolation cpus > /tmp/cpus.out 2>&1
tap_eq "task-isolation cpus exits 0" "$?" 0
sed 's/^/# /' /tmp/cpus.out
tap_ok "task-isolation cpus lists CPUs 2-3" grep -qx 'task isolation CPUs: 2-3' /tmp/cpus.out
tap_ok "task-isolation cpus: cpu0 cannot isolate, and why" \
	grep -q '^cpu0: cannot isolate: not nohz_full, in the scheduler domains' /tmp/cpus.out
tap_ok "task-isolation cpus: cpu2 can isolate" grep -q '^cpu2: can isolate' /tmp/cpus.out
tap_ok "task-isolation cpus: cpu2's RCU callbacks are offloaded (the boot log says so)" \
	grep -q '^cpu2: can isolate; RCU callbacks offloaded' /tmp/cpus.out
tap_ok "task-isolation cpus: the clocksource" grep -q '^clocksource: [a-z_]* (available: ' /tmp/cpus.out
/guest/task-isolation why x > /dev/null 2>&1
tap_eq "task-isolation why x: bad usage is an error (exit 1)" "$?" 1
/guest/task-isolation frobnicate > /dev/null 2>&1
tap_eq "task-isolation frobnicate: unknown command (exit 2)" "$?" 2

# threads: a thread that isolates in the log mode, seen from outside.
/guest/spin $cpu 1000000000000 --mode log > /dev/null 2>&1 &
spin=$!
seen=
for i in $(seq 40); do
	/guest/task-isolation threads > /tmp/threads.out 2>&1
	grep -q "^pid $spin tid $spin (spin) cpu$cpu: isolated, mode log, isolated [1-9]" /tmp/threads.out &&
		{ seen=1; break; }
	sleep 0.5
done
sed 's/^/# /' /tmp/threads.out
tap_eq "task-isolation threads: shows the spinning thread isolated in the log mode" "$seen" 1
kill $spin
wait $spin 2>/dev/null

# watch sees a break, by cause, while an example breaks on purpose.
/guest/task-isolation watch 4 > /tmp/watch.out 2>&1 &
watch=$!
sleep 1
/guest/spin $cpu 1000 --break > /dev/null 2>&1
wait $watch
tap_eq "task-isolation watch 4 exits 0" "$?" 0
sed 's/^/# /' /tmp/watch.out
tap_ok "task-isolation watch: prints the break as it happens" \
	grep -q "cpu$cpu .*-[0-9]* break cause=syscall detail=" /tmp/watch.out
tap_ok "task-isolation watch: totals by cause" grep -qx 'total: breaks: 1 (syscall 1); .*' /tmp/watch.out
tap_ok "task-isolation watch: removes its tracefs instance" \
	sh -c "! ls $T/instances | grep -q task-isolation-watch"

# A forced EAGAIN: another task runnable on the CPU.  The examples give
# up after 200 attempts (about 1 s) and say why.
taskset -c $cpu sh -c 'while :; do :; done' &
hog=$!
sleep 1
for prog in spin spin-c; do
	/guest/$prog $cpu > /tmp/$prog.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/$prog.out
	tap_eq "$prog: with a runnable task on CPU $cpu it gives up (exit 3)" "$rc" 3
	# The kernel's reason (PR_TASK_ISOLATION_GET_NOT_QUIET), then the task.
	tap_ok "$prog: and gives the kernel's reason and the task" \
		grep -q "not quiet: CPU $cpu not quiet after 200 attempts: the kernel says another task is runnable; another runnable task on the CPU: sh (tid $hog)" /tmp/$prog.out
done
/guest/task-isolation why $cpu > /tmp/why.out 2>&1
sed 's/^/# /' /tmp/why.out
tap_ok "task-isolation why $cpu: the kernel says another task is runnable" \
	grep -q "^cpu$cpu: not quiet after 20 attempts: the kernel says another task is runnable" /tmp/why.out
tap_ok "task-isolation why $cpu names the runnable task" grep -q "^cpu$cpu: runnable task sh (tid $hog)" /tmp/why.out
kill $hog
wait $hog 2>/dev/null
/guest/task-isolation why $cpu > /tmp/why.out 2>&1
sed 's/^/# /' /tmp/why.out
tap_ok "task-isolation why $cpu on the idle CPU: a task can isolate there" \
	grep -q "^cpu$cpu: quiet: a task can isolate there now" /tmp/why.out
/guest/spin 1 > /tmp/spin.out 2>&1
tap_eq "spin on housekeeping CPU 1 is refused (exit 2)" "$?" 2
tap_ok "and says why" grep -q 'CPU 1 cannot host an isolated task: not nohz_full not domain-isolated' /tmp/spin.out
tap_plan
