#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Text-poke race suite, not part of make test: the "Oops: int3" scenario
# of the real-kernels issue with no task isolation at all.  CPU 0 flips
# the sched_switch tracepoint (a jump label and a static call in
# __schedule(), patched with int3 and sync IPIs) for 60 s while CPUs 1-3
# sleep 1 ms in a loop (each wakeup runs __schedule()).  No prctl: no CPU's
# task isolation state word is ever set, so no sync is ever deferred, and
# on a CONFIG_TASK_ISOLATION=n kernel none of the series' code exists.
# Run it on a loaded host with QEMU's multi-threaded TCG, then with
# TCG_THREAD=single (Documentation/design.md, session 15):
#   tools-testing/harness/boot.sh x86_64 debian textpoke-race
#   OUT_DIR=build/x86_64-debian-noti tools-testing/harness/boot.sh x86_64 debian textpoke-race
# The Oops panics the guest: the harness reports it from the console.
. /guest/tap.sh
echo "TAP version 13"
ev=/sys/kernel/tracing/events/sched/sched_switch/enable
taskset -c 0 sh -c "while :; do echo 1 > $ev; echo 0 > $ev; done" &
flip=$!
for c in 1 2 3; do taskset -c $c sh -c 'while :; do usleep 1000; done' & done
sleep 60
kill $flip
echo 0 > $ev
tap_ok "no Oops in 60 s of sched_switch flips against CPUs that sleep 1 ms" \
	sh -c '! dmesg | grep -q Oops'
tap_plan
