#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the task-isolation library for C programs and the tool:
#   [DESTDIR=...] install.sh [PREFIX]        (PREFIX: /usr/local)
# builds the crate (release; CARGO_TARGET_DIR is honoured) and installs
#   PREFIX/lib/libtask_isolation.a
#   PREFIX/include/task_isolation.h
#   PREFIX/lib/pkgconfig/task-isolation.pc
#   PREFIX/bin/task-isolation
# so that a C program builds with
#   cc prog.c $(pkg-config --cflags --libs task-isolation)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${1:-/usr/local}
case $prefix in
/*) ;;
*) echo "install.sh: PREFIX must be an absolute path: $prefix" >&2; exit 2 ;;
esac
dest=${DESTDIR:-}$prefix
target=${CARGO_TARGET_DIR:-$here/target}

cargo build --release --locked --manifest-path "$here/Cargo.toml" --lib --bin task-isolation
# The system libraries the static library needs, as rustc reports them
# for this host (glibc: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc).
native=$(cargo rustc --release --locked --manifest-path "$here/Cargo.toml" --lib \
	--crate-type staticlib -- --print native-static-libs 2>&1 |
	sed -n 's/.*native-static-libs: //p' | tail -n 1)
[ -n "$native" ] || { echo "install.sh: rustc named no native libraries" >&2; exit 1; }
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/Cargo.toml" | head -n 1)

install -d "$dest/lib/pkgconfig" "$dest/include" "$dest/bin"
install -m 0644 "$target/release/libtask_isolation.a" "$dest/lib/"
install -m 0644 "$here/include/task_isolation.h" "$dest/include/"
install -m 0755 "$target/release/task-isolation" "$dest/bin/"
cat > "$dest/lib/pkgconfig/task-isolation.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: task-isolation
Description: Linux task isolation (PR_TASK_ISOLATION) for applications
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -ltask_isolation $native
PC
echo "installed task-isolation $version in $dest"
