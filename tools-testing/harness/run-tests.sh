#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make test: the series checks, both debug kernels built and booted (KUnit,
# guest suites), and the harness's own failure-mode tests.  Ends with the
# line "N passed, N failed[, N skipped]"; exits non-zero on any failure.
#   ARCHES="x86_64 arm64" (default both)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
H=$TOP/tools-testing/harness

lock_workspace	# before anything in build/ is touched
res=$BUILD/results
rm -rf "$res"
mkdir -p "$res"
counts=$res/counts
: > "$counts"
t_start=$SECONDS
n=0

# check NAME COMMAND...: one TAP line for COMMAND; its output goes to a log
# that is shown when it fails.
check() {
	local name=$1 log
	shift
	n=$((n + 1))
	log=$res/check-$n.log
	if "$@" >"$log" 2>&1; then
		echo "ok $n $name"
		grep '^WARNING: ' "$log" | sed 's/^/#   /'	# passed, but say what happened
		echo "${TAG:-host} 1 0 0" >> "$counts"
	else
		echo "not ok $n $name"
		sed 's/^/#   /' "$log" | tail -n 40
		echo "${TAG:-host} 0 1 0" >> "$counts"
		return 1
	fi
}
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; echo "${TAG:-host} 0 0 1" >> "$counts"; }
timed() {
	local name=$1 t=$SECONDS rc=0
	shift
	stage "$name"
	"$@" || rc=$?
	echo "--- $name: $((SECONDS - t)) s"
	return $rc
}

series_checks() {
	check "series applies with git am on a clean v7.3.4 and gives build/linux's tree" \
		"$H/tests/series-applies.sh"
	check "make export reproduces the repository's patches byte for byte" \
		"$H/tests/export-roundtrip.sh"
	if [ -n "$(series_files)" ]; then
		check "make mbox: the mbox applies with git am (and b4 shazam) on a clean base" \
			"$H/tests/mbox-applies.sh"
		local f
		for f in $(series_files); do
			check "checkpatch --strict --no-signoff: $f" \
				bash -c "cd '$TREE' && PATH=/usr/bin:\$PATH scripts/checkpatch.pl --strict --no-signoff -q '$TOP/$f'"
		done
	else
		skip "make mbox applies" "the series has no patches yet"
	fi
}

# sum [TAG]: "passed failed skipped" over the counts (of TAG only).
sum() {
	awk -v t="${1:-}" 't == "" || $1 == t {p += $2; f += $3; s += $4}
		END {print p + 0, f + 0, s + 0}' "$counts"
}
summary() {	# summary PREFIX P F S
	local line="$1$2 passed, $3 failed"
	[ "$4" -gt 0 ] && line="$line, $4 skipped"
	echo "$line"
}

# judge ARCH SUITE KUNIT_MIN: check-run.py's verdict on one boot's logs, as
# lines of our TAP stream (renumbered), counted for ARCH.
judge() {
	local line rc=0
	KUNIT_PY=$TREE/tools/testing/kunit/kunit.py "$H/check-run.py" --kunit-min "$3" \
		--counts "$counts" "$1 $2" "$OUT/$2.console" "$OUT/$2.results" \
		> "$res/$1-$2.tap" 2>&1 || rc=$?
	if [ "$rc" -gt 1 ]; then	# check-run.py itself broke: that is a failure too
		TAG=$1 check "$1 $2: check-run.py judged the logs" false
		sed 's/^/#   /' "$res/$1-$2.tap" | tail -n 20
		return
	fi
	while IFS= read -r line; do
		case "$line" in
		"ok "*|"not ok "*)
			n=$((n + 1))
			echo "$line" | sed -E "s/^(not ok|ok) [0-9]+/\\1 $n/";;
		esac
	done < "$res/$1-$2.tap"
}

arch_run() {
	local arch=$1 TAG=$1
	timed "build $arch (debug)" check "$arch: debug kernel builds, every config option honoured, objtool clean" \
		"$H/build-kernel.sh" "$arch" debug || { summary "$arch: " $(sum "$arch"); return; }
	set_arch_vars "$arch" debug
	timed "boot $arch" check "$arch: guest boots and powers off (suite smoke)" \
		"$H/boot.sh" "$arch" debug smoke || true
	judge "$arch" smoke 1
	timed "selftests $arch" check "$arch: guest boots and powers off (suite selftests)" \
		"$H/boot.sh" "$arch" debug selftests || true
	judge "$arch" selftests 1
	timed "bench $arch (short)" check "$arch: short bench (idle, textpatch) reports a row for each stressor" \
		env DURATION=1 STRESSORS=idle,textpatch REPORT_DIR="$res/bench" "$H/bench.sh" "$arch" debug || true
	judge "$arch" bench 0
	summary "$arch: " $(sum "$arch")
}

echo "TAP version 13"
timed "series checks" series_checks
for arch in ${ARCHES:-x86_64 arm64}; do
	arch_run "$arch"
done
set_arch_vars x86_64 debug
[ -f "$OUT/.config" ] &&
	{ check "rustfmt: the Rust code of the tree is rustfmt-clean" kmake rustfmtcheck || true; }
timed "harness self-tests" check "harness fails loudly: bad patch, missing config option, hung guest, bad logs" \
	"$H/tests/failure-modes.sh"

read -r p f s < <(sum)
echo "1..$n"
echo "--- total: $((SECONDS - t_start)) s"
summary "" "$p" "$f" "$s"
[ "$f" = 0 ]
