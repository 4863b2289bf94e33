#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make mbox: the series of build/linux as one mbox, [PATCH 0/N] cover letter
# (patches/cover-letter.txt, then git's shortlog and diffstat) and
# [PATCH n/N] patches, ready for git am and b4 am/shazam.
#   make-mbox.sh [OUTPUT]        (default build/series.mbox)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-$BUILD/series.mbox}
cover=$TOP/patches/cover-letter.txt
[ -f "$cover" ] || die "no cover letter at ${cover#"$TOP"/}"
[ -d "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"
n=$(git -C "$TREE" rev-list --count v7.3.4..HEAD)
[ "$n" -gt 0 ] || die "the series is empty: nothing to put in an mbox"

# The cover letter's first line is its subject, the rest its body: git
# format-patch takes both from the branch description.
branch=$(git -C "$TREE" symbolic-ref --short HEAD) || die "$TREE: HEAD is detached"
git -C "$TREE" config "branch.$branch.description" "$(cat "$cover")"
git -C "$TREE" -c format.signature= -c format.useAutoBase=false \
	format-patch --stdout --cover-letter --cover-from-description=subject --numbered \
	--thread=shallow --zero-commit --no-signature --subject-prefix=PATCH \
	v7.3.4..HEAD > "$out"
stage "mbox: ${out#"$TOP"/}: $(grep -c '^Subject: \[PATCH' "$out") messages ([PATCH 0/$n] .. [PATCH $n/$n])"
