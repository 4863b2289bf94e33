#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# git am of patches/series on a pristine v7.3.4 worktree must succeed and give
# exactly the tree of build/linux's HEAD (so build/linux is the series).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

dirty=$(git -C "$TREE" status --porcelain | head -n 5)
[ -z "$dirty" ] || die "build/linux has uncommitted or untracked files, so what is built is not the series:
$dirty"
wt=$BUILD/wt-check
clean_worktree "$wt"
# shellcheck disable=SC2046
(cd "$wt" && git am -q --keep-cr $(cd "$TOP" && series_files | sed "s|^|$TOP/|")) ||
	die "git am of patches/series failed on a clean v7.3.4"
got=$(git -C "$wt" rev-parse HEAD^{tree})
want=$(git -C "$TREE" rev-parse HEAD^{tree})
[ "$got" = "$want" ] || die "series applied gives tree $got, build/linux has $want: run 'make export' or 'make tree'"
echo "applied $(series_files | wc -l) patches; tree $got"
