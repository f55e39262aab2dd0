#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The handover a real kernel writes, checked from outside by `luo-fdt check`
# (suite vm-capture; issue 17: "the kernel's real luo-v5 blob captured from
# the VM passes luo-fdt check").
#
# Kernel A (Linux's own LUO: the upstream variant, kho=on liveupdate=on)
# preserves an 8 MiB memfd in a session (tests/guest/luo_demo.c, which
# prints where the KHO FDT lies, from /sys/kernel/kho/out) and kexecs
# through `luo-kexec -l --test-fault=image-checksum`: our purgatory finds
# the (deliberately) wrong kernel checksum before it looks at the handover
# and stops; vmtest.sh ends QEMU on that line (vm_stop_on=). The guest's RAM
# is a host file (vm_ramfile=), so the host then holds the handover exactly
# as kernel A left it at the jump, with nothing of ours having read or
# written it: KHO's root FDT and preserved-page tree, upstream LUO's blob,
# session and file blocks, the memfd-v2 data, folio table and folios. (Kernel
# B cannot be the place: KHO frees its preserved-page tree at boot and the
# pages get reused.) The host checks it:
#   luo-fdt check --require-luo-v5 --phys ram:RAM@BASE phys:ADDR:SIZE
# dumps it (the session "demo", token 0x1001 and 8 MiB must appear), and, as
# the negative control, checks it again damaged with the purgatory's luo-v5
# fault class (--test-fault luo-v5-block-count on a copy-on-write map),
# which must be refused with HO_ERR_BLOCK_COUNT.
#
# usage: tests/vm/capture.sh [ARCH...]   (default: x86_64 arm64); TAP out.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/common.sh"
fdt=$top/build/bin/luo-fdt
[ -x "$fdt" ] || die "no $fdt (run make)"
logs=$top/build/vm/logs
mkdir -p "$logs"

arches=${*:-x86_64 arm64}
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - vm-capture/$2"; else
		echo "not ok $n - vm-capture/$2"; failed=$((failed + 1)); fi
}

for arch in $arches; do
	case $arch in
	x86_64) variant=upstream base=0 ;;
	arm64) variant=arm64-upstream base=0x40000000 ;;
	*) die "unknown arch $arch" ;;
	esac
	name=capture-$arch
	ram=$logs/$name.ram
	log=$logs/$name.log
	rm -f "$ram"
	out=$("$top/tests/vm/vmtest.sh" --quiet --log "$log" "$name" "$variant" direct 2 \
		luo_demo pass kho=on liveupdate=on luo_demo_mb=8 luo_demo_capture \
		luo_loader=exec luo_kexec_args=--test-fault=image-checksum \
		"vm_stop_on=SHA-256 mismatch, image corrupted: stopping" "vm_ramfile=$ram" 2>&1)
	rc=$?
	echo "# $name: $(tail -n1 <<<"$out")"
	ok $rc "$name: kernel A preserves and kexecs, the purgatory stops before the handover is touched"
	spec=$(tr -d '\r' <"$log" | sed -n 's/^# capture: kho-fdt \(0x[0-9a-f]*\) \(0x[0-9a-f]*\)$/phys:\1:\2/p' | tail -n1)
	if [ $rc != 0 ] || [ -z "$spec" ] || [ ! -s "$ram" ]; then
		ok 1 "$name: no capture (log $log)"
		rm -f "$ram"
		continue
	fi
	phys="ram:$ram@$base"
	msg=$("$fdt" check --require-luo-v5 --phys "$phys" "$spec" 2>&1)
	rc=$?
	echo "# $msg"
	ok $rc "$name: luo-fdt check --require-luo-v5 accepts the real handover ($spec)"

	dump=$("$fdt" dump --phys "$phys" "$spec" 2>&1)
	rc=$?
	grep -E 'session|memfd|token' <<<"$dump" | sed 's/^/# /' | head -n 12
	want=0
	grep -q '"demo"' <<<"$dump" || want=1
	grep -qi '0x1001' <<<"$dump" || want=1
	grep -qE '8388608|8 MiB' <<<"$dump" || want=1
	ok $((rc | want)) "$name: luo-fdt dump shows session \"demo\", token 0x1001, an 8 MiB memfd"

	msg=$("$fdt" check --require-luo-v5 --phys "$phys" --test-fault luo-v5-block-count "$spec" 2>&1)
	rc=$?
	echo "# $msg"
	[ $rc = 1 ] && grep -q HO_ERR_BLOCK_COUNT <<<"$msg"
	ok $? "$name: negative control: damaged (luo-v5-block-count), refused with HO_ERR_BLOCK_COUNT"
	rm -f "$ram"
done
echo "1..$n"
[ $failed = 0 ]
