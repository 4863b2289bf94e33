#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what building, booting and checking the series needs.  Idempotent:
# every step first checks whether its result is already there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

apt_pkgs=(build-essential bc bison flex libelf-dev libssl-dev cpio ccache dwarves busybox-static
	  gcc-aarch64-linux-gnu libc6-dev-arm64-cross libclang-19-dev rsync
	  xz-utils python3-venv python3-ply python3-git perl file pkgconf)
bpo_pkgs=(qemu-system-x86 qemu-system-arm)
bpo_list=/etc/apt/sources.list.d/bookworm-backports.list

missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			printf '%s\n' "$p"
	done
}

# apt-get install, quiet on success, the tail of its output on failure.
apt_install() {
	local log=$CACHE/apt-install.log
	if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"$@" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "apt-get install $* failed (full log: $log)"
	fi
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=$(missing_pkgs "${apt_pkgs[@]}" "${bpo_pkgs[@]}")
if [ -n "$need" ]; then
	if [ ! -f "$bpo_list" ]; then
		mirror=$(debian_mirror) || exit 1
		echo "deb $mirror bookworm-backports main" | as_root tee "$bpo_list" >/dev/null
	fi
	stage "deps: apt-get install $(echo $need)"
	as_root apt-get update -qq || die "apt-get update failed"
	# shellcheck disable=SC2046
	apt_install $(missing_pkgs "${apt_pkgs[@]}")
	bpo_need=$(missing_pkgs "${bpo_pkgs[@]}")
	if [ -n "$bpo_need" ]; then
		# shellcheck disable=SC2086
		apt_install -t bookworm-backports $bpo_need
	fi
	need=$(missing_pkgs "${apt_pkgs[@]}" "${bpo_pkgs[@]}")
	[ -z "$need" ] || die "packages still missing after install: $need"
fi

command -v rustup >/dev/null || die "rustup not found: install a Rust toolchain (rustc >= 1.85) first"
if [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
	stage "deps: rustup component add rust-src"
	rustup component add rust-src >/dev/null || die "rustup component add rust-src failed"
fi
for c in rustfmt clippy; do
	rustup component list --installed 2>/dev/null | grep -q "^$c" ||
		rustup component add "$c" >/dev/null || die "rustup component add $c failed"
done
# The task-isolation library's guest programs (build-library.sh): static
# musl binaries, and the static library the C example links, for both arches.
for t in x86_64-unknown-linux-musl aarch64-unknown-linux-musl aarch64-unknown-linux-gnu; do
	rustup target list --installed 2>/dev/null | grep -qx "$t" || {
		stage "deps: rustup target add $t"
		rustup target add "$t" >/dev/null || die "rustup target add $t failed"
	}
done

if ! bindgen --version 2>/dev/null | grep -q '0\.72\.1'; then
	stage "deps: cargo install bindgen-cli 0.72.1"
	LIBCLANG_PATH=$LIBCLANG_PATH cargo install --locked bindgen-cli --version 0.72.1 -q ||
		die "cargo install bindgen-cli failed"
fi

# busybox for the arm64 guest: Debian's busybox-static for arm64, extracted
# (never installed), through a private apt state so the host's apt is untouched.
if [ ! -x "$CACHE/arm64/bin/busybox" ]; then
	stage "deps: busybox-static (arm64)"
	apt_private arm64 bookworm arm64
	mkdir -p "$CACHE/arm64"
	(cd "$CACHE/apt-arm64" && apt-get "${APT_O[@]}" download busybox-static) ||
		die "apt-get download busybox-static:arm64 failed"
	dpkg-deb -x "$CACHE"/apt-arm64/busybox-static_*_arm64.deb "$CACHE/arm64"
	[ -x "$CACHE/arm64/bin/busybox" ] || die "no bin/busybox in busybox-static:arm64"
fi

# b4 (optional for the build, used by the mbox test) in a private venv.
if [ ! -x "$CACHE/venv/bin/b4" ]; then
	stage "deps: b4 (PyPI) into $CACHE/venv"
	python3 -m venv "$CACHE/venv" && "$CACHE/venv/bin/pip" install -q 'b4==0.16.*' ||
		warn "b4 could not be installed; the mbox test will apply with git am only"
fi

for t in gcc aarch64-linux-gnu-gcc qemu-system-x86_64 qemu-system-aarch64 ccache \
	 bindgen rustc bc flex bison cpio rsync; do
	command -v "$t" >/dev/null || die "deps: '$t' is still missing"
done
[ -e "$LIBCLANG_PATH/libclang.so" ] || ls "$LIBCLANG_PATH"/libclang*.so* >/dev/null 2>&1 ||
	die "deps: no libclang in LIBCLANG_PATH=$LIBCLANG_PATH"
touch "$CACHE/deps.ok"
