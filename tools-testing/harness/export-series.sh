#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make export: write the commits v7.3.4..HEAD of build/linux as patch files,
# each into the folder of its area, and patches/series in commit order.
#   export-series.sh [DEST]     (DEST defaults to the repository root)
# The output is stable: file names from the subject (no numbers), a zero
# hash in the From line, no signature, so re-exporting an unchanged tree
# changes nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dest=${1:-$TOP}
[ -d "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes: commit them first"

# area_of COMMIT: the repository folder its patch belongs in; a patch's own
# MAINTAINERS line does not move it out of its area.
area_of() {
	local paths
	paths=$(git -C "$TREE" diff-tree --no-commit-id --name-only -r "$1" |
		grep -vx MAINTAINERS || true)
	if ! grep -qv '^Documentation/' <<<"$paths"; then echo Documentation
	elif ! grep -qv '^tools/testing/' <<<"$paths"; then echo tools-testing
	elif grep -q '^arch/x86/' <<<"$paths"; then echo arch-x86
	elif grep -q '^arch/arm64/' <<<"$paths"; then echo arch-arm64
	elif grep -qE '^rust/|\.rs$' <<<"$paths"; then echo rust
	else echo patches
	fi
}

tmp=$(mktemp -d "$BUILD/export.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
git -C "$TREE" -c format.signature= -c format.thread=false \
	-c format.coverLetter=false -c format.useAutoBase=false -c diff.noprefix=false \
	format-patch -q --zero-commit --no-signature --no-numbered --no-cover-letter \
	--no-thread --filename-max-length=120 -o "$tmp" v7.3.4..HEAD

mkdir -p "$dest/patches"
new=$tmp/series.new
cat > "$new" <<'HDR'
# The task isolation series for Linux 7.3.4, in order; written by `make export`.
# Paths are relative to the repository root.  Apply on a clean 7.3.4 tree with
#   git am $(grep -v '^#' patches/series)
HDR
mapfile -t commits < <(git -C "$TREE" rev-list --reverse v7.3.4..HEAD)
i=0
declare -A seen=()
for p in "$tmp"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$p" ] || break
	name=$(basename "$p" | sed 's/^[0-9]\{4\}-//')
	[ -z "${seen[$name]:-}" ] || die "two commits would both be $name: make their subjects differ"
	seen[$name]=1
	area=$(area_of "${commits[$i]}")
	echo "$area/$name" >> "$new"
	i=$((i + 1))
done

# Drop the files of the old series, then write the new ones.
if [ -f "$dest/patches/series" ]; then
	series_files "$dest/patches/series" | while read -r old; do rm -f "$dest/$old"; done
fi
i=0
for p in "$tmp"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$p" ] || break
	rel=$(grep -v '^#' "$new" | sed -n "$((i + 1))p")
	mkdir -p "$dest/$(dirname "$rel")"
	mv "$p" "$dest/$rel"
	i=$((i + 1))
done
mv "$new" "$dest/patches/series"
stage "export: $i patches into ${dest#"$TOP"/}${dest:+/}patches/series"
