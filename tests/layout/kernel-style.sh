#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The kernel standards as a test: every file of the overlay (kernel/kernel,
# kernel/mm, kernel/include) and every patch of kernel/patches passes the
# pinned source's scripts/checkpatch.pl --strict with no error, warning or
# check, except the few listed with their reason in kernel-style.allow
# ("FILE TYPE reason"); kernel-doc -Wall reports nothing; every exported
# function has a kernel-doc block; every patch is in git format-patch form
# (From, Subject, Signed-off-by). One TAP line per file, then negative
# controls: a planted style error, a bare diff and an undocumented export
# must each fail.
#
#   tests/layout/kernel-style.sh [TOP]
set -uo pipefail
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../../scripts/common.sh
. "$top/scripts/common.sh"
src=$(linux_source_dir) || exit 1
allow="$top/tests/layout/kernel-style.allow"
n=0 bad=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# checkpatch's findings for $1 (-f for a source file), as "TYPE" lines,
# minus those kernel-style.allow lists for its base name. Run outside any
# git tree: inside one checkpatch checks the tree's own diff.
findings() {
	local f=$1 base mode=-f
	base=$(basename "$f")
	case $f in *.patch) mode= ;; esac
	(cd "$tmp" && "$src/scripts/checkpatch.pl" --strict --no-tree --show-types \
		--no-summary --terse $mode "$f" 2>/dev/null) |
		sed -nE 's/^[^:]+:[0-9]+: (ERROR|WARNING|CHECK):([A-Z0-9_]+):.*/\2 &/p' |
		while read -r type line; do
			awk -v f="$base" -v t="$type" '$1 == f && $2 == t { found = 1 }
				END { exit !found }' "$allow" 2>/dev/null || echo "$line"
		done
}

# Exported functions of $1 without a kernel-doc block naming them.
undocumented() {
	local sym
	for sym in $(sed -nE 's/^EXPORT_SYMBOL(_GPL)?\(([a-z0-9_]+)\);/\2/p' "$1"); do
		grep -qE "^ \* $sym(\(\))? - " "$1" || echo "$sym"
	done
}

# The git format-patch header: From <sha>, From:, Subject:, Signed-off-by:.
not_format_patch() {
	head -1 "$1" | grep -qE '^From [0-9a-f]{40} ' &&
		grep -qE '^Subject: \[PATCH' "$1" && grep -qE '^Signed-off-by: .+ <.+@.+>' "$1" ||
		echo "no git format-patch header (From, Subject, Signed-off-by)"
}

# Everything wrong with $1, one finding per line; nothing when it is clean.
problems() {
	local f=$1
	findings "$f"
	case $f in
	*.patch) not_format_patch "$f" ;;
	*.c)
		"$src/scripts/kernel-doc" -none -Wall "$f" 2>&1
		undocumented "$f" | sed 's/^/no kernel-doc for exported /'
		;;
	*.h) "$src/scripts/kernel-doc" -none -Wall "$f" 2>&1 ;;
	esac
}

row() {
	local f=$1 what=$2 out
	out=$(problems "$f")
	n=$((n + 1))
	if [ -z "$out" ]; then
		echo "ok $n - $what"
		return
	fi
	echo "not ok $n - $what:"
	printf '%s\n' "$out" | head -10 | sed 's/^/#   /'
	bad=1
}

cd "$top/kernel" || exit 1
for f in $(find kernel mm include -type f -name '*.[ch]' | LC_ALL=C sort); do
	row "$top/kernel/$f" "checkpatch --strict, kernel-doc: kernel/$f"
done
for f in $(find patches -name '*.patch' | LC_ALL=C sort); do
	row "$top/kernel/$f" "checkpatch --strict, format-patch: kernel/$f"
done

# Negative controls: each planted defect is found, for its own reason.
neg() {
	local what=$1 f=$2 want=$3
	n=$((n + 1))
	if problems "$f" | grep -qE "$want"; then
		echo "ok $n - negative control: $what is found"
	else
		echo "not ok $n - negative control: $what passed"
		bad=1
	fi
}
printf '// SPDX-License-Identifier: GPL-2.0-only\nint planted(int a)\n{\n\treturn a+1 ;\n}\n' \
	> "$tmp/planted.c"
printf '// SPDX-License-Identifier: GPL-2.0-only\n#include <linux/export.h>\n\nint planted(void)\n{\n\treturn 0;\n}\nEXPORT_SYMBOL_GPL(planted);\n' \
	> "$tmp/export.c"
sed -n '/^diff --git/,$p' "$top/kernel/patches/0002-kexec-freeze-luo-rfc.patch" > "$tmp/bare.patch"
neg "a style error (checkpatch)" "$tmp/planted.c" "WARNING:SPACING"
neg "an exported function without kernel-doc" "$tmp/export.c" "no kernel-doc for exported planted"
neg "a bare diff without format-patch header" "$tmp/bare.patch" "no git format-patch header"
echo "1..$n"
exit $bad
