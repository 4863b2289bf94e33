#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot the (non-debug) kernel, run the bench suite, and write
# the report as JSON and markdown.
#   bench.sh ARCH [FLAVOUR]    DURATION=5 STRESSORS=a,b (default: all)
#   FLAVOUR: [debian|rt][-debug] or debug (build-kernel.sh); the report of a
#   debian or rt kernel is bench-<arch>-<kconfig>.{json,md}.
#   REPORT_DIR=dir (default Documentation/results; make test uses build/)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: bench.sh x86_64|arm64 [FLAVOUR]}
lock_workspace
flavour=${2:-}
set_arch_vars "$arch" "$flavour"
kconfig=$(flavour_kconfig "$flavour")
dur=${DURATION:-5}
[[ "$dur" =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a whole number of seconds, got '$dur'"
# Every stressor of the kernel: tools-testing/guest/bench.sh lists what
# each needs; the tiny guests have today's, the debian and rt ones all.
basic=idle,mprotect,fork,timer,lru,membarrier,drop_caches,sync,textpatch,stat_refresh,affinity
full=bpf,kprobe,ftrace,perf,schedstats,module,cgroup,udp,veth,hotplug,compact,threads
# The debian and rt default has no "all" row: under TCG, every stressor at
# once on two vCPUs starves the measuring process past the guest's time
# limit (STRESSORS=...,all asks for it).
if [ "$kconfig" = tiny ]; then all=$basic,all; else all=$basic,$full; fi
stressors=${STRESSORS:-$all}
n=$(tr ',' '\n' <<<"$stressors" | wc -l)
dir=${REPORT_DIR:-$TOP/Documentation/results}
mkdir -p "$dir"
name=bench-$arch
[ "$kconfig" = tiny ] || name=bench-$arch-$kconfig

CMDLINE_EXTRA="ti.duration=$dur ti.stressors=$stressors" \
TIMEOUT=$((120 + n * (dur + 5) * 4)) \
	"$TOP/tools-testing/harness/boot.sh" "$arch" $flavour bench
cmd="make bench ARCH=$arch$([ "$kconfig" = tiny ] || echo " KCONFIG=$kconfig") DURATION=$dur${STRESSORS:+ STRESSORS=$STRESSORS}"
"$TOP/tools-testing/harness/bench-report.py" "$arch" "$OUT/bench.results" \
	"$dir/$name.json" "$dir/$name.md" "$cmd" "$stressors"
if [ "$kconfig" != tiny ]; then
	read -r -a frags <<<"$(flavour_fragments "$arch" "$flavour")"
	"$TOP/tools-testing/harness/config-report.py" "$arch" "$kconfig" \
		"$("$TOP/tools-testing/harness/debian-config.sh" "$arch" "$kconfig")" \
		"$OUT/config-delta.txt" "$OUT/config-toolchain.txt" \
		"$dir/config-$arch-$kconfig.md" "${frags[@]}"
fi
cat "$dir/$name.md"
