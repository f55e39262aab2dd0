#!/bin/bash
# make demo: a live update in QEMU, told in plain words.
#
# Kernel A boots, puts 64 MiB of data into a memfd and asks the Live Update
# Orchestrator to preserve it; kernel A then kexecs into kernel B, which finds
# the memfd again and checks it byte for byte (SHA-256 before and after).
# DEMO_VARIANT=ours|upstream picks the LUO (default: see below), DEMO_BOOT=
# direct|ovmf the firmware path, DEMO_MB the size.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/common.sh"
# "ours" is our LUO (kernel/); "upstream" is Linux's own, through the same
# userspace interface, for comparison.
variant=${DEMO_VARIANT:-ours}
boot=${DEMO_BOOT:-direct}
mb=${DEMO_MB:-64}

say() { printf '\n== %s\n' "$*"; }

say "Step 0: building what is missing (Debian packages, kernel, test programs)"
"$top/scripts/deps.sh" >/dev/null
make -s -C "$top" "vm-image-$variant" >/dev/null
kernel=$(readlink -f "$top/build/vm/$variant/bzImage")
accel=$("$top/tests/vm/accel.sh" "$kernel" "$top/build/vm/$variant/initramfs.cpio")
echo "kernel: Linux $LINUX_VERSION ($variant LUO), $(du -h "$kernel" | cut -f1) bzImage, cached in $(dirname "$kernel")"
echo "QEMU: 1 GiB, 2 CPUs, $accel, $boot boot"

say "Step 1: kernel A boots, writes ${mb} MiB into a memfd and preserves it"
log=$top/build/vm/logs/demo.log
set +e
res=$(LUO_ACCEL=$accel "$top/tests/vm/vmtest.sh" --quiet --log "$log" demo "$variant" "$boot" 2 \
	luo_demo pass kho=on liveupdate=on "luo_demo_mb=$mb")
rc=$?
set -e
clean=$(tr -d '\r' < "$log")
grep -E '^demo: old kernel' <<<"$clean" | sed 's/^demo: /  /' || true

say "Step 2: kernel A hands over: kexec with the KHO device tree + scratch memory"
grep -E 'luo-vm: stage 1: (next kernel loaded|kexec)' <<<"$clean" | sed 's/^# luo-vm: /  /' || true
grep -m1 -aoE 'Linux version [^ ]+' <<<"$clean" | sed 's/^/  kernel A: /' || true
grep -aE 'Starting new kernel' <<<"$clean" | sed 's/^.*\] /  kernel A says: /' || true

say "Step 3: kernel B starts and finds the handover"
sed -n '/Starting new kernel/,$p' <<<"$clean" |
	grep -aE '\] (KHO|luo[a-z_]*|liveupdate[a-z_]*): ' | sed 's/^.*\] /  kernel B says: /' || true
grep -E '^demo: new kernel' <<<"$clean" | sed 's/^demo: /  /' || true

say "Result"
if [ $rc = 0 ]; then
	grep -E '^demo: the data survived' <<<"$clean" | sed 's/^demo: /  /'
	echo "  PASS: $res. Full serial log: $log"
else
	echo "  FAIL: $res"
	exit 1
fi
