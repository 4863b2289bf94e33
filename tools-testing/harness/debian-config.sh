#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the path of Debian's own configuration of the base kernel for one
# guest, unpacked from linux-config-7.3 7.3.4-1~bpo13+1 (trixie-backports,
# the suite and version of the base's linux-source-7.3):
#   debian-config.sh x86_64|arm64 debian|rt
# debian = the cloud flavour (cloud-amd64, cloud-arm64): Debian's kernel for
# virtual machines, the generic flavour's core with fewer hardware drivers;
# rt = the PREEMPT_RT flavour (rt-amd64, rt-arm64).  The .deb is fetched
# with a private apt state from the machine's own Debian mirror, checked
# against kernel-config/debian-config.sha256 and cached in build/cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: debian-config.sh x86_64|arm64 debian|rt}
kind=${2:?usage: debian-config.sh x86_64|arm64 debian|rt}
case "$arch" in
x86_64) darch=amd64;;
arm64)  darch=arm64;;
*) die "unknown ARCH '$arch' (expected x86_64 or arm64)";;
esac
case "$kind" in
debian) dflav=cloud-$darch;;
rt)     dflav=rt-$darch;;
*) die "unknown KCONFIG '$kind' (expected tiny, debian or rt)";;
esac

pkg=linux-config-7.3 ver=7.3.4-1~bpo13+1
deb=${pkg}_${ver}_$darch.deb
pin=$(awk -v f="$deb" '$2 == f {print $1}' "$TOP/kernel-config/debian-config.sha256")
[ -n "$pin" ] || die "no sha256 for $deb in kernel-config/debian-config.sha256"
cfg=$CACHE/debian-config/$ver/$darch/config.${darch}_none_$dflav
if [ -f "$cfg" ]; then echo "$cfg"; exit 0; fi

if [ ! -f "$CACHE/$deb" ]; then
	stage "debian config: downloading $pkg:$darch $ver" >&2
	apt_private "config-$darch" trixie-backports "$darch" >&2
	apt-cache "${APT_O[@]}" madison "$pkg" | awk '{print $3}' | grep -qxF "$ver" ||
		die "$pkg $ver ($darch) is no longer in trixie-backports; the pinned configs cannot be fetched"
	(cd "$CACHE" && apt-get "${APT_O[@]}" download "$pkg:$darch=$ver") >&2 ||
		die "apt-get download $pkg:$darch=$ver failed"
fi
got=$(sha256sum "$CACHE/$deb" | awk '{print $1}')
if [ "$got" != "$pin" ]; then
	rm -f "$CACHE/$deb"
	die "sha256 mismatch for $deb: got $got, pinned $pin (download removed)"
fi
tmp=$(mktemp -d "$CACHE/unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$CACHE/$deb" "$tmp"
xz=$tmp/usr/src/linux-config-7.3/config.${darch}_none_$dflav.xz
[ -f "$xz" ] || die "$deb has no $(basename "$xz")"
mkdir -p "$(dirname "$cfg")"
xz -dc "$xz" > "$cfg.tmp" && mv "$cfg.tmp" "$cfg"
echo "$cfg"
