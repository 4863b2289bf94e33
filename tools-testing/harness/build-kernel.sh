#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build the patched tree for one QEMU guest:
#   build-kernel.sh x86_64|arm64 [debug]
# The config is tinyconfig plus the fragments of kernel-config/; an option a
# fragment asks for that does not end up in .config is an error naming it
# (merge_config.sh drops options with unmet dependencies silently).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-kernel.sh x86_64|arm64 [debug]}
flavour=${2:-}
set_arch_vars "$arch" "$flavour"
[ -d "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"

frags=("$TOP/kernel-config/task-isolation.config" "$TOP/kernel-config/guest-common.config"
       "$TOP/kernel-config/qemu-$arch.config")
if [ "$flavour" = debug ]; then
	frags+=("$TOP/kernel-config/debug.config")
	[ -f "$TOP/kernel-config/debug-$arch.config" ] && frags+=("$TOP/kernel-config/debug-$arch.config")
fi
read -r -a extra <<<"${EXTRA_FRAGMENTS:-}"	# space-separated, for the harness's tests
frags+=("${extra[@]}")

mkdir -p "$OUT"
log=$OUT/build.log
stage "build $arch${flavour:+ ($flavour)}: config in ${OUT#"$TOP"/}"
kmake tinyconfig >"$log" 2>&1 || { tail -n 30 "$log"; die "make tinyconfig failed"; }
(cd "$TREE" && scripts/kconfig/merge_config.sh -m -O "$OUT" "$OUT/.config" "${frags[@]}") >>"$log" 2>&1 ||
	{ tail -n 30 "$log"; die "merge_config.sh failed"; }
kmake olddefconfig >>"$log" 2>&1 || { tail -n 30 "$log"; die "make olddefconfig failed"; }
check_config "$OUT/.config" "${frags[@]}"
[ "${CONFIG_ONLY:-0}" = 1 ] && exit 0

if ! grep -q '^CONFIG_RUST=y' "$OUT/.config"; then
	kmake rustavailable || true
fi

stage "build $arch${flavour:+ ($flavour)}: $KIMAGE (log: ${log#"$TOP"/})"
if ! kmake -j"$(nproc)" "$KIMAGE" headers >>"$log" 2>&1; then
	grep -E 'error|Error|warning:' "$log" | tail -n 40 >&2
	tail -n 20 "$log" >&2
	die "kernel build failed for $arch${flavour:+ ($flavour)}; see $log"
fi
if grep -E '(^|: )warning: objtool:|objtool: .*warning' "$log" >&2; then
	die "objtool warnings in the $arch build (see above)"
fi
stage "build $arch${flavour:+ ($flavour)}: done, $(du -h "$OUT/$KIMAGE_PATH" | cut -f1) $KIMAGE_PATH"
