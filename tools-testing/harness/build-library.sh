#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the task-isolation library's guest programs (rust/userspace/
# task-isolation) for one arch into a directory: the command-line tool
# `task-isolation` and the Rust example `spin` (static, musl), and the C
# example `spin-c` (task_isolation.h against the static library, linked
# statically with the guest's C compiler and glibc).
#   build-library.sh x86_64|arm64 OUTDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

set_arch_vars "$1"
dest=$2
crate=$TOP/rust/userspace/task-isolation
case "$GARCH" in
x86_64) musl=x86_64-unknown-linux-musl; gnu=x86_64-unknown-linux-gnu;;
arm64) musl=aarch64-unknown-linux-musl; gnu=aarch64-unknown-linux-gnu
	# Cross linkers: the guest's C compiler drives them.
	export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=$CC_TARGET
	export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=$CC_TARGET;;
esac
export CARGO_TARGET_DIR=$BUILD/lib-target
cargo=(cargo build --release --locked --quiet --manifest-path "$crate/Cargo.toml")
"${cargo[@]}" --target "$musl" --bin task-isolation --example spin ||
	die "cannot build the task-isolation library for $musl (rustup target add $musl)"
"${cargo[@]}" --target "$gnu" --lib ||
	die "cannot build the task-isolation static library for $gnu (rustup target add $gnu)"
mkdir -p "$dest"
cp "$CARGO_TARGET_DIR/$musl/release/task-isolation" "$dest/task-isolation"
cp "$CARGO_TARGET_DIR/$musl/release/examples/spin" "$dest/spin"
# glibc's static link warns about the NSS functions that std refers to
# (getaddrinfo, getpwuid_r) and the example never calls: the linker's
# output is shown only when the link fails.
log=$dest/spin-c.link.log
"$CC_TARGET" -static -s -O2 -Wall -Werror -I "$crate/include" -o "$dest/spin-c" \
	"$crate/examples/spin.c" "$CARGO_TARGET_DIR/$gnu/release/libtask_isolation.a" \
	-lpthread -lm -ldl > "$log" 2>&1 || {
	cat "$log" >&2
	die "cannot link the C example against libtask_isolation.a for $GARCH"
}
rm -f "$log"
