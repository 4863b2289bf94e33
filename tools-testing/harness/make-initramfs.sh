#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The guest's initramfs, made with the kernel's own usr/gen_init_cpio (no
# root needed): busybox, tools-testing/guest/, and the static test programs
# built from tools-testing/guest/*.c and the tree's task_isolation kselftests
# into $OUT/guest-bin.
#   make-initramfs.sh x86_64|arm64 [debug]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

set_arch_vars "${1:?usage: make-initramfs.sh x86_64|arm64 [debug]}" "${2:-}"
gen=$BUILD/gen_init_cpio
if [ ! -x "$gen" ] || [ "$TREE/usr/gen_init_cpio.c" -nt "$gen" ]; then
	gcc -O2 -o "$gen" "$TREE/usr/gen_init_cpio.c" || die "cannot build usr/gen_init_cpio"
fi
case "$GARCH" in
x86_64) busybox=/bin/busybox;;
arm64)  busybox=$CACHE/arm64/bin/busybox;;
esac
[ -x "$busybox" ] || die "no static busybox for $GARCH at $busybox: run 'make deps'"
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	die "$busybox is not statically linked"

# The guest programs (tools-testing/guest/*.c) and the series' kselftests
# (whose kselftest_harness.h comes from the tree): static, against the
# patched tree's uapi headers; always rebuilt (they are small, and a header
# may have changed).
# build_guest_bin SRC [CFLAGS...]
build_guest_bin() {
	local c=$1
	shift
	"$CC_TARGET" -static -O2 -Wall -Werror -isystem "$OUT/usr/include" "$@" \
		-o "$OUT/guest-bin/$(basename "$c" .c)" "$c" ||
		die "cannot build $(basename "$c") for $GARCH"
}
rm -rf "$OUT/guest-bin"
mkdir -p "$OUT/guest-bin"
for c in "$TOP"/tools-testing/guest/*.c; do
	[ -e "$c" ] || continue
	build_guest_bin "$c"
done
for c in "$TREE"/tools/testing/selftests/task_isolation/*.c; do
	[ -e "$c" ] || continue
	build_guest_bin "$c" -pthread -I "$TREE/tools/testing/selftests"
done
# The task-isolation library's tool and examples (the library suite).
"$TOP/tools-testing/harness/build-library.sh" "$GARCH" "$OUT/guest-bin"

list=$OUT/initramfs.list
{
	for d in /dev /proc /sys /tmp /bin /sbin /usr /usr/bin /usr/sbin /guest /root; do
		echo "dir $d 755 0 0"
	done
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "file /bin/busybox $busybox 755 0 0"
	echo "slink /bin/sh busybox 777 0 0"
	echo "file /init $TOP/tools-testing/guest/init 755 0 0"
	for f in "$TOP"/tools-testing/guest/*; do
		case "$f" in */init|*.c|*.h|*/Makefile) continue;; esac
		echo "file /guest/$(basename "$f") $f 755 0 0"
	done
	if [ -d "$OUT/guest-bin" ]; then
		for f in "$OUT"/guest-bin/*; do
			[ -f "$f" ] && echo "file /guest/$(basename "$f") $f 755 0 0"
		done
	fi
	# The modules of the debian and rt flavours (build-kernel.sh installs
	# them into $OUT/modules), for insmod with their path (no depmod).
	if [ -d "$OUT/modules/lib/modules" ]; then
		(cd "$OUT/modules" && find lib -type d | sort) | while IFS= read -r d; do
			echo "dir /$d 755 0 0"
		done
		(cd "$OUT/modules" && find lib -type f | sort) | while IFS= read -r f; do
			echo "file /$f $OUT/modules/$f 644 0 0"
		done
	fi
} > "$list"
"$gen" "$list" | gzip -9n > "$OUT/initramfs.cpio.gz" || die "gen_init_cpio failed"
