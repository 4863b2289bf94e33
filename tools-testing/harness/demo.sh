#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo [KCONFIG=...]: boot the (non-debug) kernel with isolcpus=nohz,domain,2-3 and
# run the demo suite; print what the guest reported.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
flavour=${2:-}
lock_workspace
set_arch_vars "$arch" "$flavour"
"$TOP/tools-testing/harness/boot.sh" "$arch" $flavour demo
echo
echo "======== task isolation demo ($arch) ========"
grep -v '=== END OF RUN ===' "$OUT/demo.results"
echo "============================================="
echo "(full console log: ${OUT#"$TOP"/}/demo.console)"
grep -q '^Result: zero' "$OUT/demo.results" || die "the demo did not show isolation holding (see its Result line above)"
