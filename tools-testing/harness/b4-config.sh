#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Copy b4.yaml ("key: value" lines) into TREE's git config as b4.<key>.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:-$TREE}
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue;; esac
	key=${line%%:*}
	val=${line#*: }
	[[ "$key" =~ ^[a-z0-9-]+$ ]] || die "b4.yaml: bad key '$key'"
	git -C "$tree" config "b4.$key" "$val"
done < "$TOP/b4.yaml"
