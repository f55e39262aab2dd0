#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run stage fuzzers for a bounded time each: run.sh <dir> <seconds> <target>...
# One TAP line per target; not ok on a crash, leak, timeout or sanitizer
# report (libFuzzer exits non-zero and leaves <dir>/crash-<target>-*).
# FUZZ_SEED fixes libFuzzer's seed (make check uses one, so CI explores the
# same inputs every time); without it each run explores new ones (make fuzz).
# kho and luo get tests/fuzz/luo.dict (FDT tags, the names and values of the
# LUO and memfd rules) and -max_len=1 MiB (FUZZ_MAX_INPUT in fuzz_common.h),
# enough for more KHO subtrees than HO_KHO_MAX_SUBTREES.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$1 secs=$2
shift 2
n=0 rc=0
for t in "$@"; do
	n=$((n + 1))
	corpus="$dir/corpus/$t" log="$dir/$t.log"
	mkdir -p "$corpus"
	extra=()
	case $t in
	kho|luo) extra=(-dict="$here/luo.dict" -max_len=1048576) ;;
	esac
	"$dir/fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		${FUZZ_SEED:+-seed="$FUZZ_SEED"} "${extra[@]}" \
		-print_final_stats=1 -artifact_prefix="$dir/crash-$t-" \
		"$corpus" "$dir/seeds/$t" > "$log" 2>&1
	r=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
	if [ "$r" -eq 0 ] && ! grep -qE 'ERROR: |runtime error:' "$log"; then
		echo "ok $n - fuzz $t: ${runs:-?} runs in ${secs}s, ${cov:-cov ?}, no crash"
	else
		echo "not ok $n - fuzz $t: exit $r (log $log)"
		grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" |
			head -n 10 | sed 's/^/# /'
		rc=1
	fi
done
echo "1..$n"
exit "$rc"
