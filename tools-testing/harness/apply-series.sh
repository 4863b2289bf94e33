#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make tree: build/linux = v7.3.4 plus every patch of patches/series, applied
# with git am on branch 'work'.  Stops and names the first patch that fails.
#   apply-series.sh [--ensure] [TREE]   (SERIES=path overrides patches/series)
# Does nothing when TREE already is the series, so the files keep their
# mtimes and kbuild rebuilds nothing.  Refuses to throw away commits of TREE
# that are not in the series, unless FORCE=1: they are work that `make
# export` has not saved yet.  With --ensure (what build, boot and test use)
# such a tree is left as it is, with a warning.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=sync
[ "${1:-}" = --ensure ] && { mode=ensure; shift; }
tree=${1:-$TREE}
series=${SERIES:-$TOP/patches/series}
[ -f "$series" ] || die "no series file $series"

[ "$tree" = "$TREE" ] && "$TOP/tools-testing/harness/base-tree.sh"
[ -d "$tree/.git" ] || [ -f "$tree/.git" ] || die "no git tree at $tree"

mapfile -t files < <(series_files "$series")
for f in "${files[@]}"; do
	[ -f "$TOP/$f" ] || die "patch listed in ${series#"$TOP"/} does not exist: $f"
done

g() { git -C "$tree" "$@"; }
if [ -n "$(g status --porcelain --untracked-files=no)" ]; then
	[ "$mode" = ensure ] && { warn "$tree has uncommitted changes; building it as it is"; exit 0; }
	die "$tree has uncommitted changes; commit them (and 'make export') or discard them first"
fi
have=$(g format-patch --stdout v7.3.4..HEAD | git patch-id --stable | awk '{print $1}')
want=$(for f in "${files[@]}"; do git patch-id --stable < "$TOP/$f"; done | awk '{print $1}')
if [ "$have" = "$want" ] && [ "$tree" = "$TREE" ]; then
	# Same code; the changelogs may still differ (patch-ids ignore them).
	tmpd=$(mktemp -d "$BUILD/cmp.XXXXXX")
	"$TOP/tools-testing/harness/export-series.sh" "$tmpd" >/dev/null
	differ=$(for f in "${files[@]}"; do cmp -s "$TOP/$f" "$tmpd/$f" || echo "$f"; done)
	rm -rf "$tmpd"
	[ -z "$differ" ] && exit 0	# already the series: leave the files (and mtimes) alone
	msg="the commit messages in $tree differ from: $(echo $differ); run 'make export' to keep the tree's, or FORCE=1 make tree to take the repository's"
	[ "$mode" = ensure ] && { warn "$msg"; exit 0; }
	[ "${FORCE:-0}" = 1 ] || die "$msg"
fi
if [ -n "$(comm -23 <(sort <<<"$have") <(sort <<<"$want") | grep .)" ]; then
	if [ "$mode" = ensure ]; then
		warn "build/linux has commits that are not exported; building it as it is"
		exit 0
	fi
	[ "${FORCE:-0}" = 1 ] ||
		die "$tree has commits that are not in patches/series; run 'make export' first (or FORCE=1 to drop them)"
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
