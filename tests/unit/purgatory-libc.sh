#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# In a purgatory there is no libc: memcpy, memmove, memset and memcmp are
# efi/lib/libc.c's, which call ho_memcpy() and its kin (efi/lib/string.c).
# None of those eight may call one of the four, or a copy recurses until
# the stack runs over (the arm64 purgatory hung so, MMU off, nothing
# printed). Checked on the linked objects by their call relocations, with a
# negative control: an object whose ho_memcpy calls memcpy is caught.
#
#   PURG_A64_CC="CC FLAGS" tests/unit/purgatory-libc.sh OBJDUMP:OBJECT ...
#   e.g. objdump:build/purgatory/purgatory.ro
#        aarch64-linux-gnu-objdump:build/purgatory-arm64/purgatory.ro
# PURG_A64_CC: the arm64 purgatory's compiler and flags, for the control
# (efi/purgatory/purgatory.mk passes its own).
set -uo pipefail
n=0 bad=0

# Print "FUNC -> TARGET" for each call or jump from one of the eight
# functions to one of the four libc names.
recursing_calls() {
	"$1" -dr "$2" | awk '
		/^[0-9a-f]+ <[^>]+>:$/ {
			fn = $2; gsub(/[<>:]/, "", fn); next
		}
		fn ~ /^(ho_)?(memcpy|memmove|memset|memcmp)$/ &&
		$2 ~ /^R_(X86_64_(PLT32|PC32)|AARCH64_(CALL26|JUMP26))$/ {
			t = $3; sub(/-0x[0-9a-f]+$/, "", t)
			if (t ~ /^(memcpy|memmove|memset|memcmp)$/)
				print fn " -> " t
		}'
}

row() {
	n=$((n + 1))
	if [ "$1" = ok ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=1; fi
}

for arg in "$@"; do
	dump=${arg%%:*} obj=${arg#*:}
	if [ ! -s "$obj" ]; then
		row fail "$obj: missing"
		continue
	fi
	# the four ho_ ones always; libc.c's only where something called them
	funcs=$("$dump" -d "$obj" | grep -cE '^[0-9a-f]+ <ho_mem(cpy|move|set|cmp)>:$')
	calls=$(recursing_calls "$dump" "$obj")
	if [ "$funcs" -ne 4 ]; then
		row fail "$obj: $funcs of the 4 ho_mem functions found"
	elif [ -n "$calls" ]; then
		row fail "$obj: the mem functions call libc's names"
		printf '%s\n' "$calls" | sed 's/^/#   /'
	else
		row ok "$obj: memcpy/memmove/memset/memcmp and ho_* never call the four"
	fi
done

# Negative control: string.c's old ho_memcpy (a constant-size
# __builtin_memcpy in its loop), built with the arm64 purgatory's flags.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/bad.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
void *ho_memcpy(void *dst, const void *src, size_t n);
void *ho_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	uint64_t t;

	for (; n >= 8; n -= 8, d += 8, s += 8) {
		__builtin_memcpy(&t, s, 8);
		__builtin_memcpy(d, &t, 8);
	}
	while (n--)
		*d++ = *s++;
	return dst;
}
EOF
# shellcheck disable=SC2086 # a command and its flags
if [ -n "${PURG_A64_CC:-}" ] && $PURG_A64_CC -c -o "$tmp/bad.o" "$tmp/bad.c" &&
   recursing_calls aarch64-linux-gnu-objdump "$tmp/bad.o" | grep -qx 'ho_memcpy -> memcpy'; then
	row ok "negative control: a ho_memcpy that calls memcpy (-mstrict-align) is caught"
else
	row fail "negative control: a ho_memcpy that calls memcpy went unnoticed"
fi
echo "1..$n"
exit $bad
