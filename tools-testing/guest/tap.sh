# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the guest suites (busybox sh); sourced.
tap_n=0
tap_ok() {	# tap_ok DESCRIPTION COMMAND...: one TAP line for COMMAND's status
	desc=$1; shift
	tap_n=$((tap_n + 1))
	if "$@"; then echo "ok $tap_n $desc"; else echo "not ok $tap_n $desc"; fi
}
tap_eq() {	# tap_eq DESCRIPTION GOT WANT
	tap_n=$((tap_n + 1))
	if [ "$2" = "$3" ]; then echo "ok $tap_n $1"
	else echo "not ok $tap_n $1"; echo "# got '$2', want '$3'"; fi
}
tap_plan() { echo "1..$tap_n"; }
