#!/bin/bash
# Run the VM test cases listed in tests/vm/cases (or another file) and print
# one TAP line per case. VM_CASES=<regex> selects cases by name.
#
#   [VM_RUNNER=SCRIPT] tests/vm/run-cases.sh [CASES_FILE]
#
# VM_RUNNER runs one row (default tests/vm/vmtest.sh; the EFI stage's rows
# use tests/vm/efiapp.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
file=${1:-$top/tests/vm/cases}
filter=${VM_CASES:-.}
n=0 failed=0
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	# Words; a backslash-escaped space stays inside a word.
	eval "set -- $line"
	name=$1
	[[ "$name" =~ $filter ]] || continue
	n=$((n + 1))
	res=$("${VM_RUNNER:-$top/tests/vm/vmtest.sh}" --quiet "$@" 2>"$top/build/vm/logs/$name.err")
	if [ $? = 0 ]; then
		echo "ok $n - vm/$name: $res"
	else
		echo "not ok $n - vm/$name: $res"
		sed 's/^/# /' "$top/build/vm/logs/$name.err"
		failed=$((failed + 1))
	fi
done < "$file"
echo "1..$n"
[ $n -gt 0 ] || { echo "# no VM case matched '$filter'"; exit 1; }
[ $failed = 0 ]
