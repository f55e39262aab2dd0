#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The error registry's per-function lists (docs/errors.md) are what the
# sources say (scripts/error-lists.py --check); negative control: a code
# planted into a library function of a copy of the tree must change them.
#
#   tests/layout/error-lists.sh [TOP]
set -uo pipefail
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
gen="$top/scripts/error-lists.py"
bad=0
if out=$(python3 "$gen" "$top" --check); then
	echo "ok 1 - docs/errors.md lists what each public function can return"
else
	echo "not ok 1 - docs/errors.md is out of date (make errors-doc):"
	printf '%s\n' "$out" | head -20 | sed 's/^/#   /'
	bad=1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/efi" "$tmp/docs"
cp -r "$top/efi/lib" "$tmp/efi/" && cp -r "$top/loader" "$tmp/" && cp "$top/docs/errors.md" "$tmp/docs/"
sed -i '/^int ho_fault_fdt_size(/,/^}/ s/\treturn HO_OK;/\treturn kd->fdt_size ? HO_OK : HO_ERR_RELOC_OVERLAP;/' \
	"$tmp/efi/lib/fault.c"
diff=$(python3 "$gen" "$tmp" --check)
if printf '%s\n' "$diff" | grep -qF '+- `ho_fault_fdt_size()`: `HO_ERR_RELOC_OVERLAP`'; then
	echo "ok 2 - negative control: a code planted into ho_fault_fdt_size() is found"
else
	echo "not ok 2 - negative control: the planted code went unnoticed"
	bad=1
fi
echo "1..2"
exit $bad
