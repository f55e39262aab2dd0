#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The LUO-FORMATS-V1 record (kernel/kernel/liveupdate/luo_rfc_formats.c) of
# every kernel variant, read from the built bzImage on the host by
# scripts/kernel-record.py: exactly one record with exactly the expected
# lines, or none for a kernel without our LUO. Synthetic bzImages check
# that the reader refuses an image with two records and finds none in one
# without. TAP, one row per case.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
rec="$top/scripts/kernel-record.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name | image (variant, or synthetic:<payload>) | expected exit | record lines (\n-separated)
ours_common='kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\nsubsystem selftest luo-selftest-v1'
rows=(
	"ours|ours|0|$ours_common\nfile memfd-rfc-v2\nend"
	"ours-nomemfd|ours-nomemfd|0|$ours_common\nend"
	"ours-luov2|ours-luov2|0|${ours_common/luo-rfc-v1/luo-rfc-v2}\nfile memfd-rfc-v2\nend"
	"upstream-has-none|upstream|1|"
	"synthetic-two-records|synthetic:two|2|"
	"synthetic-no-record|synthetic:none|1|"
	"synthetic-one-record|synthetic:one|0|kho kho-v4\nend"
)

# A minimal bzImage: setup header with payload_offset/length, gzip payload.
synthetic() {
	python3 - "$1" "$2" <<'PY'
import gzip, struct, sys
kind, out = sys.argv[1], sys.argv[2]
rec = b"LUO-FORMATS-V1\nkho kho-v4\nend\n\0"
body = {"two": rec + b"x" * 100 + rec, "none": b"no record here\0",
        "one": b"\x7fELF" + b"\0" * 60 + rec}[kind]
z = gzip.compress(b"\0" * 1000 + body + b"\0" * 1000)
img = bytearray(5 * 512)
img[0x1f1] = 4
img[0x202:0x206] = b"HdrS"
struct.pack_into("<H", img, 0x206, 0x20f)
struct.pack_into("<II", img, 0x248, 64, len(z))
img += b"\0" * 64 + z + b"\0" * 16
open(out, "wb").write(img)
PY
}

n=0 fail=0
for row in "${rows[@]}"; do
	IFS='|' read -r name image want_rc want <<< "$row"
	n=$((n + 1))
	if [[ $image == synthetic:* ]]; then
		img="$work/$name"
		synthetic "${image#synthetic:}" "$img"
	else
		img=$("$top/scripts/kernel-build.sh" "$image" x86_64 2>"$work/build.log" | tail -n 1)
		if [ ! -f "$img" ]; then
			echo "not ok $n - $name: kernel $image did not build"
			sed 's/^/# /' "$work/build.log" | tail -n 5
			fail=1
			continue
		fi
	fi
	got=$("$rec" "$img" 2>"$work/err")
	rc=$?
	exp=$(printf '%b' "$want")
	if [ "$rc" != "$want_rc" ]; then
		echo "not ok $n - $name: exit $rc, expected $want_rc ($(cat "$work/err"))"
		fail=1
	elif [ "$rc" = 0 ] && [ "$got" != "LUO-FORMATS-V1"$'\n'"$exp" ]; then
		echo "not ok $n - $name: record differs"
		diff <(printf 'LUO-FORMATS-V1\n%s\n' "$exp") <(printf '%s\n' "$got") | sed 's/^/# /'
		fail=1
	else
		echo "ok $n - $name${got:+: $(printf '%s' "$got" | tail -n +2 | paste -sd, -)}"
	fi
done
echo "1..$n"
exit $fail
