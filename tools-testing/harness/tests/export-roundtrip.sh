#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make export into a scratch directory must write exactly the patch files
# and series of the repository: the export is stable, and the repository
# holds the tree's commits.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

dest=$(mktemp -d "$BUILD/export-check.XXXXXX")
trap 'rm -rf "$dest"' EXIT
"$TOP/tools-testing/harness/export-series.sh" "$dest" >/dev/null
diff -u "$TOP/patches/series" "$dest/patches/series" || die "patches/series differs from a fresh export"
for f in $(series_files); do
	cmp "$TOP/$f" "$dest/$f" || { diff -u "$TOP/$f" "$dest/$f" | head -n 40; die "$f differs from a fresh export"; }
done
echo "$(series_files | wc -l) patches identical"
