# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the workspace scripts; sourced, never run.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
CACHE=${CACHE:-$TOP/build/cache}
TREE=$BUILD/linux
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm-19/lib}
export PATH=$HOME/.cargo/bin:$PATH
mkdir -p "$CACHE"

die()   { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
warn()  { printf 'WARNING: %s\n' "$*" >&2; }
stage() { printf '==> [%s] %s\n' "$(date +%T)" "$*"; }

# series_files [SERIES]: the patch files of a series file (default
# patches/series), in order, as paths relative to $TOP.
series_files() {
	grep -v '^[[:space:]]*#' "${1:-$TOP/patches/series}" | grep -v '^[[:space:]]*$' || true
}

# set_arch_vars ARCH [FLAVOUR]: the kbuild and QEMU settings of one guest.
set_arch_vars() {
	GARCH=$1
	OUT=${OUT_DIR:-$BUILD/$1${2:+-$2}}
	case "$1" in
	x86_64)
		KARCH=x86_64; CROSS=; KIMAGE=bzImage; KIMAGE_PATH=arch/x86/boot/bzImage
		CC_TARGET=gcc
		QEMU=(qemu-system-x86_64 -accel tcg,thread=multi -M q35 -cpu max)
		CONSOLE=ttyS0;;
	arm64)
		KARCH=arm64; CROSS=aarch64-linux-gnu-; KIMAGE=Image; KIMAGE_PATH=arch/arm64/boot/Image
		CC_TARGET=aarch64-linux-gnu-gcc
		QEMU=(qemu-system-aarch64 -accel tcg,thread=multi -M virt,gic-version=3
		      -cpu max,pauth-impdef=on)
		CONSOLE=ttyAMA0;;
	*) die "unknown ARCH '$1' (expected x86_64 or arm64)";;
	esac
}

# kmake ARGS...: make in the kernel tree for $GARCH, out of tree in $OUT.
kmake() {
	# ccache through its masquerade directory: a plain word in CC/HOSTCC
	# keeps working where kbuild passes them on (rustc -Clinker=$(HOSTCC)).
	PATH=/usr/lib/ccache:$PATH CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache} \
		make -C "$TREE" O="$OUT" ARCH="$KARCH" ${CROSS:+CROSS_COMPILE=$CROSS} "$@"
}

# check_config CONFIG FRAGMENT...: every option the fragments set must be set
# the same way in CONFIG; name each one that is not.  As in merge_config.sh,
# a later fragment overrides an earlier one.
check_config() {
	local cfg=$1 frag line opt val bad=0 later
	shift
	for frag in "$@"; do
		shift
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=*|"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%%[= ]*}
				for later in "$@"; do
					grep -qE "^$opt=|^# $opt is not set" "$later" && continue 2
				done;;
			esac
			case "$line" in
			CONFIG_*=*) opt=${line%%=*}; val=${line#*=}
				grep -qxF "$opt=$val" "$cfg" || {
					printf 'ERROR: %s=%s (from %s) is not in .config (now: %s)\n' "$opt" "$val" \
						"${frag#"$TOP"/}" "$(grep -E "^$opt=|^# $opt is not set" "$cfg" || echo unset)" >&2
					bad=1; };;
			"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
				! grep -q "^$opt=" "$cfg" || {
					printf 'ERROR: %s must be unset (from %s)\n' "$opt" "${frag#"$TOP"/}" >&2; bad=1; };;
			esac
		done < "$frag"
	done
	[ "$bad" = 0 ] || die "config fragments not honoured (missing dependencies?): see above"
}

# clean_worktree DIR: a detached worktree of $TREE at v7.3.4 in DIR, used to
# apply the series to a pristine base.  An existing one is reset (much
# faster than checking out 90000 files again).
clean_worktree() {
	if git -C "$1" rev-parse --git-dir >/dev/null 2>&1 &&
	   [ "$(git -C "$1" rev-parse --git-common-dir)" = "$TREE/.git" ]; then
		git -C "$1" am --abort >/dev/null 2>&1 || true
		git -C "$1" checkout -q -f --detach v7.3.4 && git -C "$1" clean -q -f -d && return
	fi
	rm -rf "$1"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$1" v7.3.4 || die "cannot make a worktree at $1"
}

# lock_workspace: one make test/bench/demo at a time; they share build/
# (results, worktree, guest logs).  Nested calls inherit the lock.
lock_workspace() {
	[ -n "${TI_WORKSPACE_LOCKED:-}" ] && return
	exec 9>"$BUILD/.lock"
	flock -n 9 || die "another make test, bench or demo is running in $TOP (lock: $BUILD/.lock)"
	export TI_WORKSPACE_LOCKED=1
}
