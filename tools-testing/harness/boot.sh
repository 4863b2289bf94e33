#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the built kernel in QEMU (TCG) and run one guest suite.
#   boot.sh x86_64|arm64 [debug] SUITE
# Writes $OUT/SUITE.console (serial console: the kernel, KUnit) and
# $OUT/SUITE.results (the suite's own output).  A guest that does not power
# off within TIMEOUT seconds (default 300) fails the boot, with where its
# vCPUs were (the symbol of each program counter) and the last 30 console
# lines shown.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

set_arch_vars "$1" "${3:+$2}"
suite=${3:-$2}
timeout=${TIMEOUT:-300}
# The machinecheck suite raises an uncorrected machine check.  QEMU's TCG
# "max" CPU is an AMD model without SUCCOR, on which Linux treats every
# uncorrected error as fatal; with the Intel vendor the kernel takes the
# Intel severity table, where a signaled, action-optional error is logged
# and survived.
if [ "$GARCH" = x86_64 ] && [ "$suite" = machinecheck ]; then
	QEMU=("${QEMU[@]/#max/max,vendor=GenuineIntel}")
fi
kimg=$OUT/$KIMAGE_PATH
[ -f "$kimg" ] || die "no kernel at $kimg: run 'make build ARCH=$GARCH' first"
con=$OUT/$suite.console
res=$OUT/$suite.results
rm -f "$con" "$res"	# never judge an earlier run's logs
"$TOP/tools-testing/harness/make-initramfs.sh" "$GARCH" "${3:+$2}"

# nokaslr: the addresses a guest reports (a hung guest's program counters,
# task_isolation_debug's stacks) are System.map's; Debian's configurations
# randomize the kernel's base otherwise.
# The partition suite's CPUs are nohz_full only: an isolated cgroup
# partition takes them out of the scheduler domains at run time.
isolcpus=nohz,domain,2-3
[ "$suite" = partition ] && isolcpus=nohz,2-3
cmdline="console=$CONSOLE isolcpus=$isolcpus task_isolation_debug nokaslr panic=-1 ti.suite=$suite ${CMDLINE_EXTRA:-}"
# host_requests: what the guest asked the host to do, on lines
# "# host: REQUEST" of its results, each done once, in order, with the
# monitor's answer in $con.host.  The one request: "mce CPU", an
# uncorrected machine check (MCi_STATUS VAL|UC|EN|S, MCG_STATUS
# MCIP|RIPV: a recoverable one) raised on CPU, whose effect the guest
# then checks (realkernel.sh).
host_requests() {
	local n line
	[ -s "$res" ] || return 0
	n=$(grep -c '^# host: ' "$res") || return 0
	while [ "$handled" -lt "$n" ]; do
		handled=$((handled + 1))
		# The results channel is a tty: its lines end in \r\n.
		line=$(grep '^# host: ' "$res" | sed -n "${handled}p" | tr -d '\r')
		echo "$line" >> "$con.host"
		case "$line" in
		"# host: mce "[0-9]|"# host: mce "[0-9][0-9])
			"$TOP/tools-testing/harness/qemu_monitor.py" "$mon" \
				"mce ${line##* } 1 0xb100000000000000 0x5 0 0" >> "$con.host" 2>&1 || true;;
		*)	echo "boot.sh: unknown host request" >> "$con.host";;
		esac
	done
}

# run_qemu: boot once; rc is QEMU's status, 124 when it ran past the
# timeout.  A guest past its time is frozen through its monitor and asked
# where each vCPU is (qemu-cpu-state.py, into $con.cpus), then ended.
run_qemu() {
	local pid deadline handled=0
	mon=$OUT/$suite.monitor
	rc=0
	rm -f "$mon" "$con.cpus" "$con.host"
	"${QEMU[@]}" -smp 4 -m 1024 -nographic -no-reboot \
		-kernel "$kimg" -initrd "$OUT/initramfs.cpio.gz" -append "$cmdline" \
		-device virtio-serial-pci -chardev file,id=results,path="$res" \
		-device virtconsole,chardev=results \
		-monitor unix:"$mon",server=on,wait=off \
		</dev/null >"$con" 2>&1 &
	pid=$!
	# Microseconds (EPOCHREALTIME), polled every 0.2 s: a short TIMEOUT
	# means what it says.
	deadline=$(( ${EPOCHREALTIME/./} + timeout * 1000000 ))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "${EPOCHREALTIME/./}" -ge "$deadline" ]; then
			"$TOP/tools-testing/harness/qemu-cpu-state.py" "$mon" "$OUT/System.map" \
				>"$con.cpus" 2>&1 || true
			kill "$pid" 2>/dev/null || true
			sleep 2
			kill -9 "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
			rc=124
			rm -f "$mon"
			return
		fi
		host_requests
		sleep 0.2
	done
	wait "$pid" || rc=$?
	rm -f "$mon"
}

stage "boot $GARCH: suite '$suite' (timeout ${timeout}s)"
run_qemu
# A guest that hangs before it runs /init hangs in the boot of a kernel
# that none of the series' code has run in yet: seen once in 20-odd TCG
# boots.  Retry that case once, loudly, keeping the hung console; a hang
# after /init started is always a failure.
if [ "$rc" = 124 ] && ! grep -q 'Run /init as init process' "$con"; then
	mv "$con" "$con.hung-before-init"
	[ -f "$con.cpus" ] && mv "$con.cpus" "$con.hung-before-init.cpus"
	warn "guest $GARCH hung before /init (console kept in ${con#"$TOP"/}.hung-before-init: $(tail -n 1 "$con.hung-before-init"); vCPUs: $(tr '\n' ';' < "$con.hung-before-init.cpus" 2>/dev/null)); booting once more"
	rm -f "$res"
	run_qemu
fi
if [ "$rc" = 124 ]; then
	# Where the vCPUs were first, and 30 console lines: make test shows
	# the last 40 lines of a failure, CI's report the first of those.
	echo "---- where the vCPUs were ($con.cpus) ----" >&2
	cat "$con.cpus" >&2
	echo "---- last 30 console lines ($con) ----" >&2
	tail -n 30 "$con" >&2
	die "guest $GARCH did not power off within ${timeout}s (suite '$suite')"
fi
[ "$rc" = 0 ] || { tail -n 50 "$con" >&2; die "qemu exited with $rc"; }
grep -q '=== END OF RUN ===' "$res" 2>/dev/null || {
	echo "---- last 50 console lines ($con) ----" >&2
	tail -n 50 "$con" >&2
	die "guest $GARCH powered off without the end marker (suite '$suite')"
}
