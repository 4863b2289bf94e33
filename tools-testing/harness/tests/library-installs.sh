#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The library installs as a C program uses it: install.sh into a DESTDIR,
# then examples/spin.c builds with pkg-config alone and runs (a usage
# error, exit 2: no kernel feature needed), and the installed tool runs.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

crate=$TOP/rust/userspace/task-isolation
root=$BUILD/library-install
rm -rf "$root"
trap 'rm -rf "$root"' EXIT
DESTDIR=$root "$crate/install.sh" /opt/task-isolation
pc=$root/opt/task-isolation/lib/pkgconfig
flags=$(PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$root pkg-config --cflags --libs task-isolation) ||
	die "pkg-config does not know the installed task-isolation"
echo "pkg-config: $flags"
# shellcheck disable=SC2086 # the flags are words
cc -Wall -Werror "$crate/examples/spin.c" $flags -o "$root/spin-c" ||
	die "examples/spin.c does not build with the installed package"
rc=0
"$root/spin-c" > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || die "the installed spin-c exits $rc on bad usage, not 2"
"$root/opt/task-isolation/bin/task-isolation" --help | grep -q '^usage: task-isolation cpus' ||
	die "the installed task-isolation tool does not run"
echo "installed, built with pkg-config, ran: ok"
