#!/bin/bash
# Run test suites (make targets check-<name>), each printing TAP lines, and
# count results over all of them. The last line is "N passed, N failed".
# A suite that exits non-zero without reporting a failure counts as one.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
passed=0 failed=0 skipped=0
logdir=${CHECK_LOG_DIR:-$top/build/check}
mkdir -p "$logdir"
for s in "$@"; do
	log="$logdir/$s.log"
	echo "# suite $s"
	start=$(date +%s)
	make -s -C "$top" "check-$s" > "$log" 2>&1
	rc=$?
	p=$(grep -cE '^ok [0-9]+' "$log" | head -1)
	sk=$(grep -cE '^ok [0-9]+.*# (SKIP|skip)' "$log" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
	grep -E '^(not )?ok [0-9]+|^# ' "$log" | sed 's/^/  /'
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "  not ok - suite $s exited $rc without a failing test (see $log)"
		tail -n 15 "$log" | sed 's/^/  | /'
		f=1
	fi
	p=$((p - sk))
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + sk))
	echo "# suite $s: $p passed, $f failed, $sk skipped ($(( $(date +%s) - start )) s, log $log)"
done
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
