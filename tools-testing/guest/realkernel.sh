#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Real-kernel suite, for the debian and rt guests (Debian's own
# configuration: jump labels, MCE, perf, BPF, cgroups, networking): what
# the tiny guests cannot show.
#  - On an idle system the prctl succeeds, and a 5 s isolated run takes
#    no kernel entry at all (x86: the machine-check poll timer is held
#    back while the task is isolated).
#  - x86: the machine-check poll timer stays off an isolated CPU, and
#    polls its banks again once isolation ends (a machine check raised on
#    it: the machinecheck suite).
#  - A CPU that enters and leaves isolation in a loop while another CPU
#    flips a tracepoint's static key (text patching with int3 and sync
#    IPIs) survives it: the "Oops: int3" regression of the real-kernels
#    issue.  The host fails the run on any Oops in the console.
. /guest/tap.sh
echo "TAP version 13"
tr=/sys/kernel/tracing

# mcp CPU: the machine-check poll count of CPU ("MCP:" in /proc/interrupts;
# its column is the header's "CPUn", online CPUs only)
mcp() {
	awk -v want="CPU$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) c = i + 1 }
		$1 == "MCP:" && c { print $c; found = 1 } END { if (!found) print "none" }' /proc/interrupts
}

/guest/isol-count -i 2 5 > /tmp/quiet 2>&1
tap_eq "isol-count -i 2 5 on an idle system exits 0" "$?" 0
sed 's/^/# /' /tmp/quiet
tap_eq "the isolated run took no kernel entry" \
	"$(sed -n 's/^kernel_entries: //p' /tmp/quiet)" 0
tap_eq "the isolated run had no break" "$(sed -n 's/^breaks: //p' /tmp/quiet)" 0
attempts=$(sed -n 's/^isolate_attempts: //p' /tmp/quiet)
# Before the machine-check patch every call failed with EAGAIN, and
# isol-count gave up after 30 s.  How many calls it takes is timing (the
# tick stops some time after the task arrives), so it is shown, not bound.
tap_ok "the prctl succeeded (isolate_attempts: ${attempts:-none})" test -n "$attempts"

# x86: the poll timer, every 2 s here, is held back on CPU 2 for a 5 s
# isolated run (no entry, no poll there) and polls CPU 2's banks once the
# isolation has ended.
mc=/sys/devices/system/machinecheck/machinecheck2/check_interval
if [ -e $mc ]; then
	interval=$(cat $mc)
	echo 2 > $mc
	sleep 3		# every CPU has polled at least once at the new interval
	# The control: with nohz_full only, the timer polls CPU 2 in 5 s.
	/guest/isol-count 2 5 > /tmp/mce-nohz 2>&1
	polls=$(sed -n 's/^irq MCP: //p' /tmp/mce-nohz)
	tap_ok "with nohz_full only, CPU 2 is polled in 5 s (MCP +${polls:-0})" test "${polls:-0}" -gt 0
	before=$(mcp 2)
	/guest/isol-count -i 2 5 > /tmp/mce 2>&1
	tap_eq "a 5 s isolated run with check_interval 2 takes no kernel entry" \
		"$(sed -n 's/^kernel_entries: //p' /tmp/mce)" 0
	polls=$(sed -n 's/^irq MCP: //p' /tmp/mce)
	tap_eq "and no machine-check poll on CPU 2 in its window" "${polls:-0}" 0
	sleep 3
	after=$(mcp 2)
	tap_ok "CPU 2's banks are polled again after isolation ends (MCP $before -> $after)" \
		test "$after" -gt "$before"
	echo "$interval" > $mc
fi

# The int3 regression: 20 s of tracepoint flips against prctl churn on CPU 3.
ev=$tr/events/sched/sched_switch/enable
taskset -c 0 sh -c "while :; do echo 1 > $ev; echo 0 > $ev; done" &
flip=$!
/guest/stress prctl 3 > /tmp/churn 2>&1 &
churn=$!
sleep 20
kill $flip
kill -TERM $churn
wait $churn
tap_eq "prctl churn on CPU 3 survives 20 s of sched_switch flips" "$?" 0
sed 's/^/# /' /tmp/churn
echo 0 > $ev
isolated=$(sed -n 's/^isolated: //p' /tmp/churn)
tap_ok "and isolated CPU 3 (${isolated:-0} times)" test "${isolated:-0}" -gt 0
tap_plan
