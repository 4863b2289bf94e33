#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build the patched tree for one QEMU guest:
#   build-kernel.sh x86_64|arm64 [FLAVOUR]
# FLAVOUR is [debian|rt][-debug] ("debug" alone for the tiny debug guest),
# the output directory build/<arch>[-FLAVOUR].  The tiny guests start from
# tinyconfig; "debian" and "rt" from Debian's own configuration of the base
# (debian-config.sh: the cloud and the rt flavour), with every module turned
# off but those kernel-config/debian.config names.  Then the fragments of
# kernel-config/; an option a fragment asks for that does not end up in
# .config is an error naming it (merge_config.sh drops options with unmet
# dependencies silently).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-kernel.sh x86_64|arm64 [FLAVOUR]}
flavour=${2:-}
set_arch_vars "$arch" "$flavour"
[ -d "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"
base=$(flavour_kconfig "$flavour")

read -r -a frags <<<"$(flavour_fragments "$arch" "$flavour")"
read -r -a extra <<<"${EXTRA_FRAGMENTS:-}"	# space-separated, for the harness's tests
frags+=("${extra[@]}")

# What a build needs on disk, with room to spare (measured sizes: README.md,
# "Build time and disk"); DISK_MIN_GB overrides it.
if [ "${CONFIG_ONLY:-0}" = 1 ]; then need=0.1
elif [ "$base" = tiny ]; then need=2
elif debug_info_kept; then need=9
else need=3
fi
need_disk "$OUT" "${DISK_MIN_GB:-$need}" "the $arch${flavour:+ ($flavour)} build"
mkdir -p "$OUT"
log=$OUT/build.log
stage "build $arch${flavour:+ ($flavour)}: config in ${OUT#"$TOP"/}"
if [ "$base" = tiny ]; then
	kmake tinyconfig >"$log" 2>&1 || { tail -n 30 "$log"; die "make tinyconfig failed"; }
else
	dcfg=$("$TOP/tools-testing/harness/debian-config.sh" "$arch" "$base")
	: >"$log"
	# Debian's modules off: "=m" becomes "is not set" (debian.config
	# turns the few the guest uses back on).
	sed -E 's/^(CONFIG_[A-Za-z0-9_]+)=m$/# \1 is not set/' "$dcfg" > "$OUT/.config"
fi
(cd "$TREE" && scripts/kconfig/merge_config.sh -m -O "$OUT" "$OUT/.config" "${frags[@]}") >>"$log" 2>&1 ||
	{ tail -n 30 "$log"; die "merge_config.sh failed"; }
kmake olddefconfig >>"$log" 2>&1 || { tail -n 30 "$log"; die "make olddefconfig failed"; }
check_config "$OUT/.config" "${frags[@]}"
if [ "$base" != tiny ]; then
	# What differs from Debian's file: all of it (config-delta.txt), and
	# what olddefconfig alone changes with this machine's toolchain
	# (gcc 12, not Debian's gcc 14) in config-toolchain.txt.
	config_delta "$dcfg" "$OUT/.config" > "$OUT/config-delta.txt"
	mkdir -p "$OUT/debian-as-is"
	cp "$dcfg" "$OUT/debian-as-is/.config"
	OUT=$OUT/debian-as-is kmake olddefconfig >>"$log" 2>&1 ||
		{ tail -n 30 "$log"; die "make olddefconfig of Debian's config as it is failed"; }
	config_delta "$dcfg" "$OUT/debian-as-is/.config" | grep -v '^(and ' > "$OUT/config-toolchain.txt" || true
fi
[ "${CONFIG_ONLY:-0}" = 1 ] && exit 0

if ! grep -q '^CONFIG_RUST=y' "$OUT/.config"; then
	kmake rustavailable || true
fi

stage "build $arch${flavour:+ ($flavour)}: $KIMAGE (log: ${log#"$TOP"/})"
targets=("$KIMAGE" headers)
grep -q '^CONFIG_MODULES=y' "$OUT/.config" && targets+=(modules)
if ! kmake -j"$(nproc)" "${targets[@]}" >>"$log" 2>&1; then
	grep -E 'error|Error|warning:' "$log" | tail -n 40 >&2
	tail -n 20 "$log" >&2
	need_disk "$OUT" 0.5 "the end of the $arch${flavour:+ ($flavour)} build (it failed)"
	die "kernel build failed for $arch${flavour:+ ($flavour)}; see $log"
fi
# objtool warnings fail the build: every one in a tiny guest, and in a
# debian or rt guest those in files the series touches (Debian's code
# built with gcc 12 is not the series' to fix; the others are shown).
if grep -E '(^|: )warning: objtool:|objtool: .*warning' "$log" > "$OUT/objtool.log"; then
	if [ "$base" = tiny ]; then
		cat "$OUT/objtool.log" >&2
		die "objtool warnings in the $arch build (see above)"
	fi
	# A warning is the series' when its object is built from a file the
	# series touches (a Rust object: any .rs file of the series), or when
	# a function it names (the one warned about, or the callee of a
	# "call to X() leaves .noinstr.text") is named in one; compiler
	# suffixes (.constprop.0, .isra.0, .cold) stripped.
	mapfile -t touched < <(git -C "$TREE" diff --name-only v7.3.4 HEAD)
	[ "${#touched[@]}" -gt 0 ] || touched=(/dev/null)
	bad=0
	while IFS= read -r w; do
		obj=${w%%:*}
		mine=0
		if printf '%s\n' "${touched[@]}" | grep -qxE "${obj%.o}\.(c|S)"; then
			mine=1
		elif [[ "$obj" == rust/* ]] && printf '%s\n' "${touched[@]}" | grep -q '\.rs$'; then
			mine=1
		else
			for fn in $(sed -nE 's/.*objtool: ([A-Za-z0-9_.]+)(\+0x[0-9a-f]+)?: .*/\1/p' <<<"$w") \
				  $(sed -nE 's/.*call to ([A-Za-z0-9_.]+)\(\).*/\1/p' <<<"$w"); do
				fn=${fn%%.*}
				[ -n "$fn" ] && git -C "$TREE" grep -qw -e "$fn" HEAD -- "${touched[@]}" && mine=1
			done
		fi
		if [ "$mine" = 1 ]; then
			echo "$w" >&2; bad=1
		else
			warn "objtool, not the series' code: $w"
		fi
	done < "$OUT/objtool.log"
	[ "$bad" = 0 ] || die "objtool warnings in files of the series in the $arch build (see above)"
fi
rm -rf "$OUT/modules"
if grep -q '^CONFIG_MODULES=y' "$OUT/.config"; then
	kmake INSTALL_MOD_PATH="$OUT/modules" INSTALL_MOD_STRIP=1 modules_install >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "make modules_install failed for $arch${flavour:+ ($flavour)}"; }
fi
stage "build $arch${flavour:+ ($flavour)}: done, $(du -h "$OUT/$KIMAGE_PATH" | cut -f1) $KIMAGE_PATH"
