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
# TCG_THREAD=single runs the guest's vCPUs in one host thread (QEMU's
# default is one thread each): a diagnosis knob, to tell a kernel bug from
# a multi-threaded TCG one (Documentation/design.md, the int3 Oops).
set_arch_vars() {
	GARCH=$1
	OUT=${OUT_DIR:-$BUILD/$1${2:+-$2}}
	case "$1" in
	x86_64)
		KARCH=x86_64; CROSS=; KIMAGE=bzImage; KIMAGE_PATH=arch/x86/boot/bzImage
		CC_TARGET=gcc
		QEMU=(qemu-system-x86_64 -accel "tcg,thread=${TCG_THREAD:-multi}" -M q35 -cpu max)
		CONSOLE=ttyS0;;
	arm64)
		KARCH=arm64; CROSS=aarch64-linux-gnu-; KIMAGE=Image; KIMAGE_PATH=arch/arm64/boot/Image
		CC_TARGET=aarch64-linux-gnu-gcc
		QEMU=(qemu-system-aarch64 -accel "tcg,thread=${TCG_THREAD:-multi}" -M virt,gic-version=3
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

# need_disk DIR GIB WHAT: fail, naming both figures, unless the filesystem
# of DIR has GIB GiB free (a fraction is fine: 0.5).  A full disk makes
# the linker, git or ccache fail with an error that names none of it.
need_disk() {
	local dir=$1 want=$2 what=$3 have
	mkdir -p "$dir"
	have=$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')
	awk -v h="$have" -v w="$want" 'BEGIN { exit !(h >= w * 1048576) }' && return
	die "$what needs ${want} GiB free in ${dir#"$TOP"/}, the disk has $(awk -v h="$have" 'BEGIN { printf "%.1f", h / 1048576 }') GiB (df -h ${dir#"$TOP"/}; make clean frees build/<arch>*)"
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

# debian_mirror: the URI of the machine's Debian archive, read from its own
# apt configuration (a deb822 source in /etc/apt/sources.list.d/*.sources,
# else /etc/apt/sources.list), so that no script names a host and a local
# mirror is used where the machine has one.  The Debian archive is the
# source that carries the release's own suite (VERSION_CODENAME of
# /etc/os-release: bookworm, trixie, ...), not -security or a third party.
# DEBIAN_MIRROR overrides it; APT_ETC and OS_RELEASE (for the harness's
# self-tests) the files it reads.
debian_mirror() {
	[ -n "${DEBIAN_MIRROR:-}" ] && { echo "${DEBIAN_MIRROR%/}"; return; }
	local etc=${APT_ETC:-/etc/apt} codename uri
	codename=$(. "${OS_RELEASE:-/etc/os-release}" 2>/dev/null && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "cannot tell the Debian release: ${OS_RELEASE:-/etc/os-release} has no VERSION_CODENAME (set DEBIAN_MIRROR)"
	uri=$(awk -v want="$codename" '
		function flush() {
			if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") && uris != "" && !found) {
				split(uris, u, " "); print u[1]; found = 1
			}
			types = ""; suites = ""; uris = ""
		}
		FNR == 1 { flush() }
		/^[[:space:]]*#/ { next }
		/^[[:space:]]*$/ { flush(); next }
		tolower($1) == "types:"  { $1 = ""; types = $0 }
		tolower($1) == "suites:" { $1 = ""; suites = $0 }
		tolower($1) == "uris:"   { $1 = ""; uris = $0; sub(/^ +/, "", uris) }
		END { flush() }' "$etc"/sources.list.d/*.sources 2>/dev/null)
	if [ -z "$uri" ] && [ -f "$etc/sources.list" ]; then
		# one-line form: deb [options] URI SUITE COMPONENT...
		uri=$(sed -E 's/\[[^]]*\]//' "$etc/sources.list" |
			awk -v want="$codename" '$1 == "deb" && $3 == want { print $2; exit }')
	fi
	[ -n "$uri" ] || die "no Debian source for '$codename' in $etc/sources.list.d/*.sources or $etc/sources.list: configure one (or set DEBIAN_MIRROR)"
	echo "${uri%/}"
}

# apt_private NAME SUITE [ARCH]: set APT_O to the apt-get/apt-cache options
# of a private apt state in $CACHE/apt-NAME for SUITE of the machine's
# Debian mirror (for ARCH, default the host's), and update its lists.  The
# host's own apt state and sources are not touched.
apt_private() {
	local st=$CACHE/apt-$1 suite=$2 arch=${3:-} mirror
	mirror=$(debian_mirror) || exit 1
	mkdir -p "$st/lists/partial" "$st/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
		> "$st/sources.list"
	APT_O=(-o Dir::Etc::sourcelist="$st/sources.list" -o Dir::Etc::sourceparts=/nonexistent
	       -o Dir::State::Lists="$st/lists" -o Dir::Cache="$st/cache" -o APT::Sandbox::User=root)
	[ -n "$arch" ] && APT_O+=(-o APT::Architecture="$arch" -o APT::Architectures::="$arch")
	apt-get "${APT_O[@]}" update -qq || die "apt-get update of $suite ($mirror${arch:+, $arch}) failed"
}

# flavour_kconfig FLAVOUR: the base configuration of a build flavour
# ([debian|rt][-debug], or "debug"): tiny, debian or rt.
flavour_kconfig() {
	case "${1%-debug}" in
	""|debug) echo tiny;;
	debian|rt) echo "${1%-debug}";;
	*) die "unknown flavour '$1' (KCONFIG is tiny, debian or rt)";;
	esac
}
# flavour_fragments ARCH FLAVOUR: the kernel-config/ fragments of a build,
# in merge order (a later one overrides an earlier one).
flavour_fragments() {
	local k=$TOP/kernel-config f
	if [ "$(flavour_kconfig "$2")" = tiny ]; then f="$k/tiny.config"; else f="$k/debian.config"; fi
	[ "$(flavour_kconfig "$2")" = tiny ] || debug_info_kept || f="$f $k/debian-no-debug-info.config"
	f="$f $k/task-isolation.config $k/guest-common.config $k/qemu-$1.config"
	if flavour_debug "$2"; then
		f="$f $k/debug.config"
		[ -f "$k/debug-$1.config" ] && f="$f $k/debug-$1.config"
		[ "$(flavour_kconfig "$2")" = tiny ] || f="$f $k/debug-full.config"
	fi
	echo "$f"
}

# debug_info_kept: true when the debian and rt guests keep Debian's DWARF
# and BTF (DEBIAN_DEBUG_INFO=1); kernel-config/debian-no-debug-info.config
# says why they do not by default.
debug_info_kept() { [ "${DEBIAN_DEBUG_INFO:-0}" = 1 ]; }

# flavour_debug FLAVOUR: true for the debug builds.
flavour_debug() { case "$1" in debug|*-debug) return 0;; esac; return 1; }

# config_delta DEBIAN_CONFIG CONFIG: every option whose value differs
# between Debian's file and the built .config, one "OPTION: debian -> ours"
# line each; Debian's modules that are off count as one summary line.
config_delta() {
	awk '
	function val(line,   v) {
		if (line ~ /^CONFIG_/) { v = line; sub(/^[^=]*=/, "", v); return v }
		return "n"
	}
	function opt(line,   o) {
		o = line; sub(/^# /, "", o); sub(/[= ].*/, "", o); return o
	}
	/^CONFIG_|^# CONFIG_.* is not set$/ {
		if (FNR == NR) { d[opt($0)] = val($0) } else { c[opt($0)] = val($0) }
	}
	END {
		for (o in d) if (!(o in c)) c[o] = "n"
		for (o in c) if (!(o in d)) d[o] = "n"
		for (o in d) {
			if (d[o] == c[o]) continue
			if (d[o] == "m" && c[o] == "n") { mods++; continue }
			printf "%s: %s -> %s\n", o, d[o], c[o]
		}
		printf "(and %d options Debian builds as modules: off)\n", mods
	}' "$1" "$2" | sort
}
