#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The harness must fail loudly, naming the problem, on each failure mode:
# a patch that does not apply, a config option that does not survive
# olddefconfig, a disk too small for a build, a guest that never prints
# the end marker, and logs with a failed test, a kernel warning or no end
# marker; and no Debian source in the machine's apt configuration.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
H=$TOP/tools-testing/harness
st=$BUILD/selftest
rm -rf "$st"
mkdir -p "$st"
bad=0

# expect_fail NAME PATTERN COMMAND...: COMMAND must fail and say PATTERN.
expect_fail() {
	local name=$1 pat=$2
	shift 2
	if "$@" >"$st/out" 2>&1; then
		echo "FAIL: $name: succeeded"; bad=1
	elif ! grep -qE -- "$pat" "$st/out"; then
		echo "FAIL: $name: failed without saying /$pat/:"; tail -n 5 "$st/out"; bad=1
	else
		echo "ok: $name: $(grep -E -m1 -- "$pat" "$st/out")"
	fi
}

# 1. A patch that does not apply is named.
cat > "$st/bad.patch" <<'PATCH'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Harness Self-Test <selftest@invalid>
Date: Sat, 21 Nov 2026 00:00:00 +0000
Subject: [PATCH] selftest: a patch whose context is not in the tree

---
 kernel/fork.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/kernel/fork.c b/kernel/fork.c
--- a/kernel/fork.c
+++ b/kernel/fork.c
@@ -1,3 +1,4 @@
 this line is not in kernel/fork.c
+nor is this one
 and neither is this
 or this
PATCH
{ series_files; echo "${st#"$TOP"/}/bad.patch"; } > "$st/series"
wt=$BUILD/wt-check
clean_worktree "$wt"
expect_fail "bad patch" "does not apply: build/selftest/bad.patch" \
	env SERIES="$st/series" "$H/apply-series.sh" "$wt"

# 2. A config option with an unmet dependency (VIRTIO_BLK needs BLOCK,
#    which tinyconfig leaves out) is named.
echo 'CONFIG_VIRTIO_BLK=y' > "$st/unmet.config"
expect_fail "missing config option" "CONFIG_VIRTIO_BLK=y .*is not in .config" \
	env OUT_DIR="$st/config" EXTRA_FRAGMENTS="$st/unmet.config" CONFIG_ONLY=1 \
	"$H/build-kernel.sh" x86_64

# 2b. A disk without room for a build is named before the build starts
#     (a full disk fails the linker, git and ccache with errors that do
#     not say so).
expect_fail "disk too small for a build" "build needs 1000000 GiB free in build/selftest/disk, the disk has [0-9.]+ GiB" \
	env OUT_DIR="$st/disk" DISK_MIN_GB=1000000 "$H/build-kernel.sh" x86_64

# 3. A guest that never prints the end marker times out with its console.
for arch in x86_64 arm64; do
	set_arch_vars "$arch" debug
	[ -f "$OUT/$KIMAGE_PATH" ] && break
done
if [ -f "$OUT/$KIMAGE_PATH" ]; then
	expect_fail "hung guest ($GARCH)" "did not power off within 20s" \
		env TIMEOUT=20 "$H/boot.sh" "$GARCH" debug hang
	grep -q "last 30 console lines" "$st/out" || { echo "FAIL: hung guest: no console tail"; bad=1; }
	# and says where each vCPU was, by kernel symbol (qemu-cpu-state.py)
	grep -Eq '^CPU[0-9]+ (RIP|PC)=[0-9a-f]+ [A-Za-z_.]' "$st/out" ||
		{ echo "FAIL: hung guest: no vCPU program counters"; bad=1; }
	# A guest that hangs before /init is booted once more, loudly, and
	# still fails when it hangs again (2 s is too short to reach /init).
	expect_fail "guest hung before /init ($GARCH)" "hung before /init.*booting once more" \
		env TIMEOUT=2 "$H/boot.sh" "$GARCH" debug smoke
	grep -q 'did not power off within 2s' "$st/out" || { echo "FAIL: early hang: no final failure"; bad=1; }
else
	echo "FAIL: hung guest: no debug kernel built to boot"; bad=1
fi

# 4. check-run.py judges logs: a clean run passes, each defect fails.
ktap='KTAP version 1
1..1
    KTAP version 1
    # Subtest: selftest_suite
    1..1
    ok 1 selftest_case
ok 1 selftest_suite'
printf '%s\n' "$ktap" > "$st/good.console"
printf 'TAP version 13\nok 1 fine\n1..1\n=== END OF RUN ===\n' > "$st/good.results"
export KUNIT_PY=$TREE/tools/testing/kunit/kunit.py
if "$H/check-run.py" selftest "$st/good.console" "$st/good.results" > "$st/out" 2>&1; then
	echo "ok: clean logs pass: $(tail -n1 "$st/out")"
else
	echo "FAIL: clean logs judged failed:"; cat "$st/out"; bad=1
fi
printf 'TAP version 13\nnot ok 1 broken\n1..1\n=== END OF RUN ===\n' > "$st/notok.results"
expect_fail "TAP not ok" "not ok .*guest broken" \
	"$H/check-run.py" selftest "$st/good.console" "$st/notok.results"
{ printf '%s\n' "$ktap"; echo '[    1.0] WARNING: CPU: 2 PID: 1 at kernel/foo.c:1 bar+0x0/0x10'; } > "$st/warn.console"
expect_fail "kernel WARNING" "kernel WARNING" \
	"$H/check-run.py" selftest "$st/warn.console" "$st/good.results"
printf 'TAP version 13\nok 1 fine\n1..1\n' > "$st/nomarker.results"
expect_fail "missing end marker" "not ok .*end marker" \
	"$H/check-run.py" selftest "$st/good.console" "$st/nomarker.results"
printf 'TAP version 13\nnot ok 1 diff # got 1, want 2\n1..1\n=== END OF RUN ===\n' > "$st/hash.results"
expect_fail "not ok with a '#' comment" "not ok .*guest diff" \
	"$H/check-run.py" selftest "$st/good.console" "$st/hash.results"
printf 'TAP version 13\nok 1 fine\n=== END OF RUN ===\n' > "$st/noplan.results"
expect_fail "suite cut short (no plan)" "not ok .*no 1\.\.N plan" \
	"$H/check-run.py" selftest "$st/good.console" "$st/noplan.results"
printf 'TAP version 13\nok 1 fine\nok 2 fine too\n1..3\n=== END OF RUN ===\n' > "$st/short.results"
expect_fail "fewer results than planned" "not ok .*plan says 3 results, 2" \
	"$H/check-run.py" selftest "$st/good.console" "$st/short.results"
printf 'TAP version 13\n#  RUN isol.x ...\n# test.c:12:x:Expected 0 (0) == after - before (2)\n# test.c:12:x:interrupts on CPU 2: 2\nnot ok 1 isol.x\nnot ok - guest: suite '"'selftests'"' exited with status 1\n1..1\n=== END OF RUN ===\n' > "$st/why.results"
expect_fail "a failed case shows its TH_LOG lines" "^#   # test.c:12:x:interrupts on CPU 2: 2" \
	"$H/check-run.py" selftest "$st/good.console" "$st/why.results"
if grep -q "plan says" "$st/out"; then
	echo "FAIL: the guest's own exit-status line counted as a planned result"; bad=1
fi
printf 'KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n    1..1\n    not ok 1 c\nnot ok 1 s\n' > "$st/kfail.console"
expect_fail "KUnit not ok" "not ok .*KUnit s\.c" \
	"$H/check-run.py" selftest "$st/kfail.console" "$st/good.results"

# 5. Packages come from the machine's own Debian mirror: a local one is
#    used, and no Debian source at all is an error naming what is missing.
apt=$st/apt
mkdir -p "$apt/sources.list.d"
printf 'VERSION_CODENAME=bookworm\n' > "$st/os-release"
printf 'Types: deb\nURIs: http://security.invalid/debian-security\nSuites: bookworm-security\n\nTypes: deb\nURIs: http://mirror.invalid/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n' \
	> "$apt/sources.list.d/debian.sources"
got=$(env -u DEBIAN_MIRROR APT_ETC="$apt" OS_RELEASE="$st/os-release" bash -c ". '$H/lib.sh'; debian_mirror" 2>&1)
if [ "$got" = http://mirror.invalid/debian ]; then
	echo "ok: the mirror of the release's deb822 source is used: $got"
else
	echo "FAIL: deb822 mirror: got '$got'"; bad=1
fi
rm "$apt/sources.list.d/debian.sources"
expect_fail "no Debian source configured" "no Debian source for 'bookworm' in .*sources.list" \
	env -u DEBIAN_MIRROR APT_ETC="$apt" OS_RELEASE="$st/os-release" bash -c ". '$H/lib.sh'; debian_mirror"

exit $bad
