#!/bin/bash
# Host tests of the EFI stage's pure parts (efi/app/test_app.c): the radix
# tree, the initrd check, and luo-fdt gen bundles (valid ones walked and
# checked; every defect dumped and walked without a crash, under ASan).
#
#   efi/app/test-app.sh TEST_APP LUO_FDT
set -uo pipefail
t=$1 fdt=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
	"$t" radix
	"$t" initrd
	"$t" dtb
	# "2 700": tables of 5 pages, entries straddling pages
	for spec in "0 4" "1 0" "2 4" "3 7" "2 700"; do
		set -- $spec
		d="$tmp/v-$1-$2"
		"$fdt" gen --files "$1" --folios "$2" --out-dir "$d" >/dev/null || echo "not ok - gen $spec"
		"$t" bundle "$d" "$1" "$2"
		# moved by +1 GiB for arm64 virt (tests/vm/efiapp.sh EFI_ARCH=arm64)
		if out=$("$t" move "$d" 0x40000000 "$d-moved") &&
		   grep -q '^verdict HO_OK ' <<<"$out" && [ -f "$d-moved/phys/0x40f00000.bin" ]; then
			echo "ok - move $spec by +1 GiB: accepted at the moved addresses"
		else
			echo "not ok - move $spec by +1 GiB: $out"
		fi
	done
	"$fdt" gen --list-defects | while read -r name _; do
		d="$tmp/d-$name"
		if "$fdt" gen --defect "$name" --out-dir "$d" >/dev/null 2>&1; then
			"$t" dump "$d"
		else
			echo "not ok - gen --defect $name --out-dir failed"
		fi
	done
} | awk '/^(not )?ok / { sub(/ok [0-9]* ?-/, "ok " ++n " - efi-app:") } { print }
	/^not ok/ { bad++ } END { print "1.." n; exit bad ? 1 : 0 }'
