#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the built kernel in QEMU (TCG) and run one guest suite.
#   boot.sh x86_64|arm64 [debug] SUITE
# Writes $OUT/SUITE.console (serial console: the kernel, KUnit) and
# $OUT/SUITE.results (the suite's own output).  A guest that does not power
# off within TIMEOUT seconds (default 300) fails the boot, with the last 50
# console lines shown.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

set_arch_vars "$1" "${3:+$2}"
suite=${3:-$2}
timeout=${TIMEOUT:-300}
kimg=$OUT/$KIMAGE_PATH
[ -f "$kimg" ] || die "no kernel at $kimg: run 'make build ARCH=$GARCH' first"
con=$OUT/$suite.console
res=$OUT/$suite.results
rm -f "$con" "$res"	# never judge an earlier run's logs
"$TOP/tools-testing/harness/make-initramfs.sh" "$GARCH" "${3:+$2}"

cmdline="console=$CONSOLE isolcpus=nohz,domain,2-3 task_isolation_debug panic=-1 ti.suite=$suite ${CMDLINE_EXTRA:-}"
run_qemu() {
	rc=0
	timeout --foreground -k 5 "$timeout" "${QEMU[@]}" -smp 4 -m 1024 -nographic -no-reboot \
		-kernel "$kimg" -initrd "$OUT/initramfs.cpio.gz" -append "$cmdline" \
		-device virtio-serial-pci -chardev file,id=results,path="$res" \
		-device virtconsole,chardev=results \
		</dev/null >"$con" 2>&1 || rc=$?
}

stage "boot $GARCH: suite '$suite' (timeout ${timeout}s)"
run_qemu
# A guest that hangs before it runs /init hangs in the boot of a kernel
# that none of the series' code has run in yet: seen once in 20-odd TCG
# boots.  Retry that case once, loudly, keeping the hung console; a hang
# after /init started is always a failure.
if { [ "$rc" = 124 ] || [ "$rc" = 137 ]; } && ! grep -q 'Run /init as init process' "$con"; then
	mv "$con" "$con.hung-before-init"
	warn "guest $GARCH hung before /init (console kept in ${con#"$TOP"/}.hung-before-init: $(tail -n 1 "$con.hung-before-init")); booting once more"
	rm -f "$res"
	run_qemu
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "---- last 50 console lines ($con) ----" >&2
	tail -n 50 "$con" >&2
	die "guest $GARCH did not power off within ${timeout}s (suite '$suite')"
fi
[ "$rc" = 0 ] || { tail -n 50 "$con" >&2; die "qemu exited with $rc"; }
grep -q '=== END OF RUN ===' "$res" 2>/dev/null || {
	echo "---- last 50 console lines ($con) ----" >&2
	tail -n 50 "$con" >&2
	die "guest $GARCH powered off without the end marker (suite '$suite')"
}
