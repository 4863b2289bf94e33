#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make tree: build/linux = v7.3.4 plus every patch of patches/series, applied
# with git am on branch 'work'.  Stops and names the first patch that fails.
#   apply-series.sh [TREE]        (SERIES=path overrides patches/series)
# Refuses to throw away commits of TREE that are not in the series, unless
# FORCE=1: they are work that `make export` has not saved yet.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:-$TREE}
series=${SERIES:-$TOP/patches/series}
[ -f "$series" ] || die "no series file $series"

[ "$tree" = "$TREE" ] && "$TOP/tools-testing/harness/base-tree.sh"
[ -d "$tree/.git" ] || [ -f "$tree/.git" ] || die "no git tree at $tree"

mapfile -t files < <(grep -v '^[[:space:]]*#' "$series" | grep -v '^[[:space:]]*$' || true)
for f in "${files[@]}"; do
	[ -f "$TOP/$f" ] || die "patch listed in ${series#"$TOP"/} does not exist: $f"
done

g() { git -C "$tree" "$@"; }
if [ -n "$(g status --porcelain --untracked-files=no)" ]; then
	die "$tree has uncommitted changes; commit them (and 'make export') or discard them first"
fi
if [ "${FORCE:-0}" != 1 ] && [ "$(g rev-parse HEAD)" != "$(g rev-parse v7.3.4^{commit})" ]; then
	have=$(g format-patch --stdout v7.3.4..HEAD | git patch-id --stable | awk '{print $1}' | sort)
	want=$(for f in "${files[@]}"; do git patch-id --stable < "$TOP/$f"; done | awk '{print $1}' | sort)
	if [ -n "$(comm -23 <(echo "$have") <(echo "$want"))" ]; then
		die "$tree has commits that are not in patches/series; run 'make export' first (or FORCE=1 to drop them)"
	fi
fi

g am --abort >/dev/null 2>&1 || true
if [ "$tree" = "$TREE" ]; then
	g checkout -q -B work v7.3.4
else
	g checkout -q --detach v7.3.4
fi
n=0
for f in "${files[@]}"; do
	if ! g am -q --keep-cr "$TOP/$f" >/dev/null 2>"$BUILD/am.err"; then
		cat "$BUILD/am.err" >&2
		g am --abort >/dev/null 2>&1 || true
		die "patch $((n + 1)) of ${#files[@]} does not apply: $f"
	fi
	n=$((n + 1))
done
stage "tree: v7.3.4 + $n patches at $(g rev-parse --short HEAD) in ${tree#"$TOP"/}"
