#!/bin/bash
# Run the VM test cases listed in tests/vm/cases (or another file) and print
# one TAP line per case, in the file's order. VM_CASES=<regex> selects cases
# by name.
#
#   [VM_RUNNER=SCRIPT] [VM_JOBS=N] tests/vm/run-cases.sh [CASES_FILE]
#
# VM_RUNNER runs one row (default tests/vm/vmtest.sh; the EFI stage's rows
# use tests/vm/efiapp.sh). VM_JOBS: how many VMs run at once (default 2
# on a machine with 2 or more CPUs, else 1). Under TCG a guest keeps about
# one host CPU busy (its second vCPU mostly halts), so two at once use both
# cores: 14 cases took 173 s one at a time and 101 s two at a time
# (2026-12-02, 2 CPUs). Every row has its own log.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
file=${1:-$top/tests/vm/cases}
filter=${VM_CASES:-.}
cpus=$(nproc 2>/dev/null || echo 1)
jobs=${VM_JOBS:-$([ "$cpus" -ge 2 ] && echo 2 || echo 1)}
runner=${VM_RUNNER:-$top/tests/vm/vmtest.sh}
logs=$top/build/vm/logs
mkdir -p "$logs"
res=$(mktemp -d)
trap 'rm -rf "$res"' EXIT

rows=()
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	# Words; a backslash-escaped space stays inside a word.
	eval "set -- $line"
	[[ "$1" =~ $filter ]] || continue
	rows+=("$line")
done < "$file"

# One row in the background: its result line and exit status in $res/<i>.
run_row() {
	local i=$1 out
	eval "set -- ${rows[$i]}"
	out=$("$runner" --quiet "$@" 2>"$logs/$1.err")
	echo $? > "$res/$i.rc.tmp"
	printf '%s\n' "$out" > "$res/$i.out"
	mv "$res/$i.rc.tmp" "$res/$i.rc"
}

# The TAP line of row $next, once it has finished; 1 when it has not.
print_next() {
	[ -f "$res/$next.rc" ] || return 1
	eval "set -- ${rows[$next]}"
	if [ "$(cat "$res/$next.rc")" = 0 ]; then
		echo "ok $((next + 1)) - vm/$1: $(cat "$res/$next.out")"
	else
		echo "not ok $((next + 1)) - vm/$1: $(cat "$res/$next.out")"
		sed 's/^/# /' "$logs/$1.err"
		failed=$((failed + 1))
	fi
	next=$((next + 1))
}

n=${#rows[@]} failed=0 next=0 running=0
for ((i = 0; i < n; i++)); do
	while [ "$running" -ge "$jobs" ]; do
		wait -n
		running=$((running - 1))
	done
	run_row "$i" &
	running=$((running + 1))
	while print_next; do :; done
done
wait
while print_next; do :; done
echo "1..$n"
[ "$n" -gt 0 ] || { echo "# no VM case matched '$filter'"; exit 1; }
[ "$next" = "$n" ] || { echo "# $((n - next)) case(s) left no result"; exit 1; }
[ $failed = 0 ]
