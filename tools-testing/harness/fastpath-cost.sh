#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make fastpath: what the series adds to the entry and exit code every task
# runs.  Builds the non-debug kernel with CONFIG_TASK_ISOLATION=y (the usual
# build/ARCH) and =n (build/ARCH-noti), counts the instructions of the
# syscall, exception and interrupt entry functions in each vmlinux with
# objdump, and writes the table to REPORT_DIR/fastpath-ARCH.md
# (default Documentation/results).  With KCONFIG=debian or rt (FLAVOUR
# debian|rt), Debian's configuration: build/ARCH-FLAVOUR and
# build/ARCH-FLAVOUR-noti, fastpath-ARCH-FLAVOUR.md.
#   fastpath-cost.sh x86_64|arm64 [FLAVOUR]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
H=$TOP/tools-testing/harness

arch=${1:?usage: fastpath-cost.sh x86_64|arm64 [FLAVOUR]}
flavour=${2:-}
flavour_debug "$flavour" && die "make fastpath measures the non-debug kernels (no DEBUG=1)"
lock_workspace
set_arch_vars "$arch" "$flavour"
objdump=${CROSS}objdump
case "$arch" in
x86_64)	funcs="do_syscall_64 irqentry_enter irqentry_exit irqentry_nmi_enter exc_page_fault sysvec_call_function_single";;
arm64)	funcs="el0t_64_sync_handler el0_svc do_el0_svc el0_da el0_interrupt irqentry_nmi_enter";;
esac
command -v "$objdump" >/dev/null || die "$objdump not found: run 'make deps'"
dir=${REPORT_DIR:-$TOP/Documentation/results}
mkdir -p "$dir"

"$H/build-kernel.sh" "$arch" "$flavour"
y=$OUT/vmlinux
noti=$OUT-noti
OUT_DIR=$noti EXTRA_FRAGMENTS=$TOP/kernel-config/no-task-isolation.config \
	"$H/build-kernel.sh" "$arch" "$flavour"
n=$noti/vmlinux

# count VMLINUX FUNC: instructions in FUNC (inlined callees included).
count() {
	local c
	c=$("$objdump" -d --no-show-raw-insn --disassemble="$2" "$1" | grep -cE '^ *[0-9a-f]+:[[:space:]]') || true
	[ "$c" -gt 0 ] || die "no function $2 in ${1#"$TOP"/}"
	echo "$c"
}

out=$dir/fastpath-$arch${flavour:+-$flavour}.md
{
	echo "# Entry code size with and without task isolation, $arch"
	echo
	echo "Measured $(date +%F) with \`make fastpath ARCH=$arch${flavour:+ KCONFIG=$flavour}\`: instructions per function"
	echo "(\`$objdump -d\`, inlined callees included) in the non-debug ${flavour:-tiny} guest kernel with"
	echo "\`CONFIG_TASK_ISOLATION=n\` and \`=y\`.  These are static sizes: the added"
	echo "instructions are mostly the isolated task's out-of-line path.  A task that is"
	echo "not isolated runs, per syscall, two static branches (on entry in"
	echo "\`enter_from_user_mode()\`, on exit in \`exit_to_user_mode()\`), each followed,"
	echo "when the key is on (nohz_full CPUs exist), by one load: on entry of its"
	echo "CPU's state word (other CPUs' deferred work; the clear and the flush are"
	echo "out of line), on exit of its own syscall work; its syscall-entry work test"
	echo "is the existing one, with one more bit in the constant mask."
	if [ "$arch" = x86_64 ]; then
		echo "An exception or interrupt from user mode runs a static branch in the"
		echo "entry code and one in the handler (which names the vector of a break),"
		echo "each followed, when the key is on, by a test of the task's own bits."
	else
		echo "An exception from user mode runs one static branch in the entry code;"
		echo "when the key is on, it reads ESR_EL1 and FAR_EL1 (the vector and address"
		echo "of a break) and tests the task's own syscall work."
	fi
	if grep -q '^CONFIG_JUMP_LABEL=y' "$OUT/.config"; then
		echo "Static branches are jump labels here: a NOP while the key is off."
	else
		echo "The guest kernel has no \`CONFIG_JUMP_LABEL\` (tinyconfig), so each static"
		echo "branch here is a load and a test of the key; with jump labels, as in"
		echo "distribution kernels, it is a NOP while the key is off."
	fi
	echo
	echo "| function | =n | =y | added |"
	echo "|---|---|---|---|"
	for f in $funcs; do
		a=$(count "$n" "$f")
		b=$(count "$y" "$f")
		echo "| \`$f\` | $a | $b | $((b - a)) |"
	done
} > "$out"
cat "$out"
