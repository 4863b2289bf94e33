#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Machine-check suite, x86 real kernels (X86_MCE): a machine check raised
# on the isolated CPU breaks isolation at once and names itself (the rst:
# cause exception, vector 18), the task survives a recoverable error and
# isolates again, and the kernel handles the error as always.  The host
# raises it through QEMU's monitor when asked ("# host: mce CPU" on the
# results channel, boot.sh): isol-count -M asks on fd 3 in the middle of
# its window.  The #MC hook records the break only, and names it after
# do_machine_check(), so that a report (a printk and a stack dump with
# task_isolation_debug) cannot delay the CPU's part in a machine-check
# rendezvous.  boot.sh boots this suite with the Intel vendor: QEMU's TCG
# "max" CPU is an AMD model without SUCCOR, on which Linux treats every
# uncorrected error as fatal.
. /guest/tap.sh
echo "TAP version 13"
if [ ! -e /sys/devices/system/machinecheck/machinecheck2 ]; then
	echo "1..0 # SKIP no machine-check support (X86_MCE) or no CPU 2"
	exit 0
fi
dmesg -c > /dev/null
/guest/isol-count -i -M 2 6 3>&1 > /tmp/mce 2>&1
tap_eq "isol-count -i -M 2 6 (a machine check raised on CPU 2) exits 0" "$?" 0
sed 's/^/# /' /tmp/mce
tap_eq "the machine check broke isolation once, as an exception" \
	"$(sed -n 's/^break exception: //p' /tmp/mce)" 1
tap_eq "and the break names vector 18 (#MC)" \
	"$(sed -n 's/^last_break_detail: //p' /tmp/mce)" 18
tap_eq "no other break" "$(sed -n 's/^breaks: //p' /tmp/mce)" 1
dmesg > /tmp/mce-log
tap_ok "the kernel logged the machine check on CPU 2" \
	grep -q "CPU 2: Machine Check" /tmp/mce-log
grep -i "machine check\|hardware error\|task_isolation" /tmp/mce-log | head -n 12 | sed 's/^/# /'
tap_plan
