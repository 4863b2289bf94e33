#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make test: the series checks, the guest kernels built and booted (KUnit,
# guest suites, a short bench): both tiny debug guests and x86_64's debian
# flavour, and the harness's own failure-mode tests.  make test-flavours:
# the guests of Debian's other kernels (x86_64 rt, arm64 debian and rt).
# Ends with the line "N passed, N failed[, N skipped]"; exits non-zero on
# any failure.
#   ARCHES="x86_64 arm64" (default both)   GUESTS="ARCH:FLAVOUR ..." (below)
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

# crate_checks NAME DIR TARGET: one userspace crate of the repository
# (DIR, relative to it): cargo test, then rustfmt and clippy, built in
# build/TARGET.
crate_checks() {
	local name=$1 m=$TOP/$2 target=$BUILD/$3
	check "$name: cargo test ($2)" env CARGO_TARGET_DIR="$target" \
		cargo test --release --locked --manifest-path "$m/Cargo.toml"
	check "$name: rustfmt and clippy clean" env CARGO_TARGET_DIR="$target" bash -c \
		"cargo fmt --manifest-path '$m/Cargo.toml' --check &&
		 cargo clippy --release --locked --all-targets --manifest-path '$m/Cargo.toml' -- -D warnings"
}

# The exhaustive model of the deferral protocol (loom: every interleaving
# and every weak-memory outcome of a sender, the isolated CPU's exit and
# entry, and NMIs); its "broken" cases must fail, or the model proves
# nothing.
model_checks() {
	crate_checks "loom model of the deferral protocol" rust/task-isolation-model model-target
}

# clippy_check: the series' Rust object rebuilt through clippy (make
# CLIPPY=1) in the x86_64 debug tree, KUnit tests included; any warning
# fails.
clippy_check() {
	local log
	touch "$TREE/kernel/task_isolation.rs"
	log=$(kmake CLIPPY=1 kernel/task_isolation.o 2>&1) || { echo "$log"; return 1; }
	echo "$log"
	! grep -q 'warning' <<<"$log"
}

# window_checks LABEL KCONFIG: no code patched after boot runs in an x86
# entry before its deferred sync, or in an exit after its USER store
# (check-entry-windows.py reads $OUT/vmlinux); with jump labels, also
# that the check sees the entry window: kvm_async_pf_enabled, tested by
# exc_page_fault() before irqentry_enter(), is reported when taken as
# writable.
window_checks() {
	check "$1: no run-time patched code in the task isolation entry and exit windows" \
		"$H/check-entry-windows.py" "$OUT/vmlinux" || true
	[ "$2" = tiny ] && return
	check "$1: the window check reports a writable key tested before the entry's sync" \
		window_check_fails_on_kvm_async_pf_enabled || true
}
window_check_fails_on_kvm_async_pf_enabled() {
	local out
	out=$("$H/check-entry-windows.py" --writable kvm_async_pf_enabled "$OUT/vmlinux" 2>&1) && return 1
	echo "$out"
	grep -q "entry window: exc_page_fault+0x[0-9a-f]*: static branch on kvm_async_pf_enabled" <<<"$out"
}

# The task-isolation library for applications: its unit tests on the
# host, clippy and rustfmt; its programs run in the guests (suite library).
library_checks() {
	crate_checks "task-isolation library" rust/userspace/task-isolation lib-target
	check "task-isolation library: install.sh installs a pkg-config package a C program builds with" \
		env CARGO_TARGET_DIR="$BUILD/lib-target" bash "$H/tests/library-installs.sh"
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
		"#   "*)	# a failed case's diagnostics (check-run.py)
			echo "$line";;
		esac
	done < "$res/$1-$2.tap"
}

# guest_run ARCH FLAVOUR: build one guest kernel and run its suites; its
# counts go under the tag ARCH (the tiny debug guests) or ARCH-KCONFIG.
guest_run() {
	local arch=$1 flavour=$2 kconfig TAG label suite
	kconfig=$(flavour_kconfig "$flavour") || return 1
	TAG=$arch
	[ "$kconfig" = tiny ] || TAG=$arch-$kconfig
	label="$arch${flavour:+ ($flavour)}"
	local clean="objtool clean"
	[ "$kconfig" = tiny ] || clean="objtool clean in the series' files"
	timed "build $label" check "$label: kernel builds, every config option honoured, $clean" \
		"$H/build-kernel.sh" "$arch" "$flavour" || { summary "$TAG: " $(sum "$TAG"); return; }
	set_arch_vars "$arch" "$flavour"
	[ "$arch" = x86_64 ] && window_checks "$label" "$kconfig"
	local suites="smoke selftests library"
	[ "$kconfig" = tiny ] || suites="$suites realkernel partition"
	[ "$kconfig" = tiny ] || [ "$arch" != x86_64 ] || suites="$suites machinecheck"
	for suite in $suites; do
		# A debug kernel of Debian's configurations is slow enough for
		# multi-threaded TCG's stale-instruction race to show in
		# realkernel's text-patching test ("Oops: int3", also with
		# CONFIG_TASK_ISOLATION=n; Documentation/design.md): that suite
		# runs its vCPUs in one host thread there.
		local tcg=${TCG_THREAD:-multi}
		[ "$suite" = realkernel ] && [ "$kconfig" != tiny ] && flavour_debug "$flavour" && tcg=single
		timed "$suite $label" check "$label: guest boots and powers off (suite $suite)" \
			env TCG_THREAD="$tcg" "$H/boot.sh" "$arch" "$flavour" "$suite" || true
		judge "$TAG" "$suite" 1
	done
	timed "bench $label (short)" check "$label: short bench (idle, textpatch) reports a row for each stressor" \
		env DURATION=1 STRESSORS=idle,textpatch REPORT_DIR="$res/bench-$TAG" "$H/bench.sh" "$arch" "$flavour" || true
	judge "$TAG" bench 0
	summary "$TAG: " $(sum "$TAG")
}

# The guests, ARCH:FLAVOUR (build-kernel.sh): CI's are the tiny debug
# guests of both arches and x86_64's debian flavour (the kernel make bench
# measures).  The other flavours of Debian's kernels do not fit CI's time
# (with x86_64:rt too, a fresh clone took 3707 s, over the 60 minutes it
# must stay under): `make test-flavours` runs them, as
# GUESTS="x86_64:rt arm64:debian arm64:rt" HOST_CHECKS=0.  Not in either:
# the debug kernels of Debian's configurations (lockdep, DEBUG_ENTRY,
# NOINSTR_VALIDATION; objtool warnings fail them in the series' files
# only): GUESTS=x86_64:debian-debug HOST_CHECKS=0 make test (about 25
# minutes with the build), or x86_64:rt-debug, whose quiet-run selftest
# was broken once by a local timer interrupt (Documentation/design.md).
# GUESTS replaces the list; ARCHES keeps the guests of those arches only;
# HOST_CHECKS=0 leaves out the series checks, the model, rustfmt and the
# harness self-tests, which do not depend on the guests.
guests=${GUESTS:-"x86_64:debug arm64:debug x86_64:debian"}
host_checks=${HOST_CHECKS:-1}
echo "TAP version 13"
if [ "$host_checks" = 1 ]; then
	timed "series checks" series_checks
	timed "protocol model" model_checks
	timed "library" library_checks
fi
for g in $guests; do
	case "$g" in
	x86_64:*|arm64:*) ;;
	*) TAG=host check "GUESTS entry '$g' is ARCH:FLAVOUR (x86_64 or arm64)" false; continue;;
	esac
	case " ${ARCHES:-x86_64 arm64} " in *" ${g%%:*} "*) ;; *) continue;; esac
	guest_run "${g%%:*}" "${g#*:}"
done
if [ "$host_checks" = 1 ]; then
	set_arch_vars x86_64 debug
	[ -f "$OUT/.config" ] &&
		{ check "rustfmt: the Rust code of the tree is rustfmt-clean" kmake rustfmtcheck || true; }
	[ -f "$OUT/kernel/task_isolation.o" ] &&
		{ check "clippy: kernel/task_isolation.rs is clippy-clean (CLIPPY=1)" clippy_check || true; }
	timed "harness self-tests" check "harness fails loudly: bad patch, missing config option, disk too small, hung guest, bad logs" \
		"$H/tests/failure-modes.sh"
fi

read -r p f s < <(sum)
echo "1..$n"
echo "--- total: $((SECONDS - t_start)) s"
summary "" "$p" "$f" "$s"
[ "$f" = 0 ]
