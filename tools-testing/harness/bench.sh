#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot the (non-debug) kernel, run the bench suite, and write
# the report as JSON and markdown.
#   bench.sh ARCH [debug]      DURATION=5 STRESSORS=a,b (default: all)
#   REPORT_DIR=dir (default Documentation/results; make test uses build/)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: bench.sh x86_64|arm64 [debug]}
lock_workspace
flavour=${2:-}
set_arch_vars "$arch" "$flavour"
dur=${DURATION:-5}
[[ "$dur" =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a whole number of seconds, got '$dur'"
stressors=${STRESSORS:-}
n=$(tr ',' '\n' <<<"${stressors:-x,x,x,x,x,x,x,x,x,x,x,x}" | wc -l)
dir=${REPORT_DIR:-$TOP/Documentation/results}
mkdir -p "$dir"

CMDLINE_EXTRA="ti.duration=$dur${stressors:+ ti.stressors=$stressors}" \
TIMEOUT=$((120 + n * (dur + 5) * 4)) \
	"$TOP/tools-testing/harness/boot.sh" "$arch" $flavour bench
cmd="make bench ARCH=$arch DURATION=$dur${stressors:+ STRESSORS=$stressors}"
"$TOP/tools-testing/harness/bench-report.py" "$arch" "$OUT/bench.results" \
	"$dir/bench-$arch.json" "$dir/bench-$arch.md" "$cmd" \
	"${stressors:-idle,mprotect,fork,timer,lru,membarrier,drop_caches,sync,textpatch,stat_refresh,affinity,all}"
cat "$dir/bench-$arch.md"
