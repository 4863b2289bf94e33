#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make build/linux: Debian's linux-source-7.3 (7.3.4-1~bpo13+1) unpacked as a
# git repository whose first commit, tagged v7.3.4, is the pristine base.
# The .deb is fetched with a private apt state, checked against the pinned
# sha256 and cached in build/cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkg=linux-source-7.3
want_ver=7.3.4-1~bpo13+1
pin=$TOP/kernel-config/base.sha256
want_sha=$(awk '{print $1}' "$pin")
want_deb=$(awk '{print $2}' "$pin")

fetch_deb() {
	local ver
	apt_private base trixie-backports
	if apt-cache "${APT_O[@]}" madison "$pkg" | awk '{print $3}' | grep -qxF "$want_ver"; then
		ver=$want_ver
	else
		ver=$(apt-cache "${APT_O[@]}" madison "$pkg" | awk '{print $3}' | sort -V | tail -n1)
		[ -n "$ver" ] || die "$pkg is not in trixie-backports at all"
		warn "##########################################################"
		warn "$pkg $want_ver has left the archive; using $ver instead."
		warn "The sha256 pin does not apply; the base is NOT 7.3.4."
		warn "##########################################################"
	fi
	(cd "$CACHE" && apt-get "${APT_O[@]}" download "$pkg=$ver") || die "apt-get download $pkg=$ver failed"
	echo "$ver"
}

if [ -d "$TREE/.git" ] && git -C "$TREE" rev-parse -q --verify v7.3.4 >/dev/null; then
	exit 0
fi

deb=$CACHE/$want_deb
if [ ! -f "$deb" ]; then
	stage "base: downloading $pkg $want_ver"
	ver=$(fetch_deb | tail -n1)
	[ "$ver" = "$want_ver" ] || deb=$CACHE/${pkg}_${ver#*:}_all.deb
	[ -f "$deb" ] || die "apt-get download left no $(basename "$deb")"
fi
if [ "$(basename "$deb")" = "$want_deb" ]; then
	got=$(sha256sum "$deb" | awk '{print $1}')
	if [ "$got" != "$want_sha" ]; then
		rm -f "$deb"
		die "sha256 mismatch for $want_deb: got $got, pinned $want_sha (download removed)"
	fi
fi

stage "base: unpacking $(basename "$deb") into $TREE"
tmp=$(mktemp -d "$BUILD/unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1)
[ -n "$tarball" ] || die "no usr/src/linux-source-*.tar.xz in $(basename "$deb")"
rm -rf "$TREE"
mkdir -p "$TREE"
tar -xJf "$tarball" -C "$TREE" --strip-components=1
# Debian's .gitignore ends with a packaging block that ignores every
# top-level path ("/*", "!/debian/"), so no new file of the series could be
# added.  Drop that block from the base; no patch touches .gitignore, so the
# series applies to the untouched Debian tree just the same.
perl -0pi -e 's{\n#\n# Debian packaging:.*?\n!/debian/\n}{\n}s' "$TREE/.gitignore"
grep -qx '/\*' "$TREE/.gitignore" && die "could not drop Debian's '/*' block from .gitignore"
git -C "$TREE" init -q -b work
git -C "$TREE" config user.name "Task Isolation Workspace"
git -C "$TREE" config user.email "task-isolation@invalid"
git -C "$TREE" config core.abbrev 12
git -C "$TREE" add -A -f .
git -C "$TREE" -c core.autocrlf=false commit -q -m "Linux 7.3.4 (Debian linux-source-7.3 $(dpkg-deb -f "$deb" Version))"
git -C "$TREE" tag v7.3.4
stage "base: $(git -C "$TREE" rev-parse --short v7.3.4) tagged v7.3.4"
