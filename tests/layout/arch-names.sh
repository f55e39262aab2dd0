#!/bin/bash
# Issue 12's layout rule as a test: no x86 identifier (e820, boot_params,
# setup_data, SETUP_*, rsi, bzImage, KEXEC_ARCH_X86_64) in the shared code,
# i.e. outside files and directories whose path names x86. One TAP line per
# shared directory, then a negative control: the same scan over a copy of a
# directory with one x86 word planted in a neutral file must find it.
#
#   tests/layout/arch-names.sh [TOP]
set -uo pipefail
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
# Whole identifiers (not numbers: 0x3de82000 holds no e820) that contain one
# of the x86 words (ho_e820_type too), the SETUP_* setup_data types, the
# register rsi and the kexec arch constant.
words='([A-Za-z_][A-Za-z0-9_]*)?(e820|E820|boot_params|setup_data|bzImage|bzimage|BZIMAGE)[A-Za-z0-9_]*'
words="$words|SETUP_[A-Z0-9_]+|rsi|KEXEC_ARCH_X86_64"
dirs="efi loader fdt-schema/luo-fdt host"
n=0 bad=0

# Print the offending lines under $1 (paths relative to $2), excluding paths
# that name x86.
scan() {
	(cd "$2" && grep -rnwE "$words" "$1" 2>/dev/null | grep -vi 'x86')
}

for d in $dirs; do
	n=$((n + 1))
	hits=$(scan "$d" "$top")
	if [ -z "$hits" ]; then
		echo "ok $n - no x86 identifier in $d/ outside x86-named paths"
	else
		echo "not ok $n - x86 identifiers in $d/ outside x86-named paths:"
		printf '%s\n' "$hits" | head -20 | sed 's/^/#   /'
		bad=1
	fi
done

n=$((n + 1))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/host"
printf '/* planted */\nstatic int nr_e820_entries;\n' > "$tmp/host/planted.c"
mkdir -p "$tmp/host/arch/x86_64"
printf 'static int e820_ok;\n' > "$tmp/host/arch/x86_64/fine.c"
hits=$(scan host "$tmp")
if [ "$(printf '%s\n' "$hits" | grep -c .)" = 1 ] &&
   printf '%s\n' "$hits" | grep -q '^host/planted.c:2:'; then
	echo "ok $n - negative control: a planted e820 in a neutral file is found, an x86-named one is not"
else
	echo "not ok $n - negative control: scan printed '$hits'"
	bad=1
fi
exit $bad
