#!/bin/bash
# Run test suites (make targets check-<name>), each printing TAP lines, and
# count results over all of them. The last line is "N passed, N failed".
# A suite that exits non-zero without reporting a failure counts as one.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
passed=0 failed=0 skipped=0
logdir=${CHECK_LOG_DIR:-$top/build/check}
mkdir -p "$logdir"

# The kernels the suites build (CHECK_KERNELS: "arch:variant ...", in the
# order the suites need them) are built in the background at the lowest CPU
# and I/O priority. A suite that needs one waits on kernel-build.sh's lock
# for it; meanwhile the build takes the CPU the suites leave idle (host
# tests run on one core, QEMU under TCG rarely fills two). What is built is
# exactly what the suite would have built itself. KERNEL_PREFETCH=0: off.
prefetch_pid=
if [ "${KERNEL_PREFETCH:-1}" != 0 ] && [ -n "${CHECK_KERNELS:-}" ]; then
	# its own process group (setsid), so that it can be stopped whole
	setsid nice -n 19 ionice -c 3 bash -c '
		start=$(date +%s)
		for k in $CHECK_KERNELS; do
			if "$1/scripts/kernel-build.sh" "${k#*:}" "${k%%:*}" >/dev/null; then
				echo "kernel prefetch: $k ready at $(( $(date +%s) - start )) s"
			else
				echo "kernel prefetch: $k failed (the suite that needs it builds it again)"
			fi
		done' prefetch "$top" > "$logdir/kernel-prefetch.log" 2>&1 &
	prefetch_pid=$!
	echo "# kernel prefetch in the background (pid $prefetch_pid): $CHECK_KERNELS"
fi
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
if [ -n "$prefetch_pid" ]; then
	# Every suite is done; a kernel no suite needed may still be building.
	if kill -0 "$prefetch_pid" 2>/dev/null; then
		kill -TERM -- "-$prefetch_pid" 2>/dev/null
		echo "# kernel prefetch stopped: no suite needed the rest"
	fi
	grep -h 'failed\|ready' "$logdir/kernel-prefetch.log" | sed 's/^/# /'
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
