#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The mbox of `make mbox` has a [PATCH 0/N] cover letter and [PATCH n/N]
# patches, and applies with git am (and b4 shazam, when b4 is installed) on
# a pristine v7.3.4, giving build/linux's tree.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

mbox=$BUILD/series-check.mbox
wt=$BUILD/wt-check
"$TOP/tools-testing/harness/make-mbox.sh" "$mbox" >/dev/null
trap 'rm -f "$mbox"' EXIT
total=$(series_files | wc -l)
# git format-patch pads the numbers to the width of the total (00/10).
grep -q "^Subject: \[PATCH 0*0/$total\] " "$mbox" || die "no [PATCH 0/$total] cover letter in the mbox"
[ "$(grep -c "^Subject: \[PATCH [0-9]*/$total\] " "$mbox")" = $((total + 1)) ] ||
	die "the mbox does not have $((total + 1)) [PATCH n/$total] messages"
want=$(git -C "$TREE" rev-parse HEAD^{tree})

clean_worktree "$wt"
git -C "$wt" am -q --empty=drop "$mbox" || die "git am --empty=drop of the mbox failed"
[ "$(git -C "$wt" rev-parse HEAD^{tree})" = "$want" ] || die "git am of the mbox gives a different tree"
echo "git am: ok"

b4=$CACHE/venv/bin/b4
if [ -x "$b4" ]; then
	clean_worktree "$wt"
	(cd "$wt" && "$b4" --offline-mode shazam -m "$mbox") || die "b4 shazam of the mbox failed"
	[ "$(git -C "$wt" rev-parse HEAD^{tree})" = "$want" ] || die "b4 shazam of the mbox gives a different tree"
	echo "b4 shazam: ok"
else
	echo "b4 not installed: b4 shazam not tried"
fi
