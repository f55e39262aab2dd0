#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the stage library unit tests: the ASan+UBSan build prints the TAP
# lines; the plain build, the build against free/libho.a and the link
# checks of the freestanding archives add one line each.
set -uo pipefail
b=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$b/unit/test-stage-san" | grep -v '^1\.\.' | tee "$out"
rc=${PIPESTATUS[0]}
n=$(grep -cE '^(not )?ok ' "$out")

tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; rc=1; fi
}

"$b/unit/test-stage" > "$out" 2>&1
r=$?
grep -q '^not ok' "$out" && r=1
tap "$r" "same tests without sanitizers"

"$b/unit/test-stage-free" > "$out" 2>&1
r=$?
grep -q '^not ok' "$out" && r=1
tap "$r" "same tests against the freestanding free/libho.a"

# The freestanding archives must need nothing from outside themselves.
for v in free free-pic; do
	obj="$b/$v/libho-all.o"
	r=0
	ld -r -o "$obj" --whole-archive "$b/$v/libho.a" || r=1
	undef=$(nm -u "$obj" 2>/dev/null)
	[ -z "$undef" ] || { echo "# undefined in $v: $undef" | tr '\n' ' '; echo; r=1; }
	data=$(objdump -t "$obj" | grep -E ' O \.(data|bss)\s' || true)
	[ -z "$data" ] || { echo "# writable globals in $v: $data" | tr '\n' ' '; echo; r=1; }
	tap "$r" "$v/libho.a links alone: no undefined symbols, no writable globals"
done
# The PIC build links into a gnu-efi app with only relative relocations.
efi=/usr/lib/crt0-efi-x86_64.o
if [ -f "$efi" ] && [ -f /usr/include/efi/efi.h ]; then
	d="$b/unit/efi-link"
	mkdir -p "$d"
	r=0
	${CC:-cc} -I/usr/include/efi -I/usr/include/efi/x86_64 -I"$top/efi/lib/include" -idirafter "$top/kernel/include" \
		-ffreestanding -fno-stack-protector -fshort-wchar -mno-red-zone -fpic \
		-maccumulate-outgoing-args -DEFI_FUNCTION_WRAPPER -Wall -Wextra -Werror \
		-c "$top/tests/unit/efi_link.c" -o "$d/app.o" &&
	ld -nostdlib -znocombreloc -T /usr/lib/elf_x86_64_efi.lds -shared -Bsymbolic \
		-L/usr/lib "$efi" "$d/app.o" "$b/free-pic/libho.a" -lefi -lgnuefi \
		-o "$d/app.so" || r=1
	other=$(readelf -rW "$d/app.so" 2>/dev/null | awk '/^[0-9a-f]+ /{print $3}' |
		grep -v R_X86_64_RELATIVE | sort -u)
	[ -z "$other" ] || { echo "# non-relative relocations: $other"; r=1; }
	tap "$r" "free-pic/libho.a links into a gnu-efi app, relative relocations only"
else
	n=$((n + 1))
	echo "ok $n - free-pic/libho.a in a gnu-efi app # SKIP gnu-efi not installed"
fi
echo "1..$n"
exit "$rc"
