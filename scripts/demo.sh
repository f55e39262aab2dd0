#!/bin/bash
# make demo: a live update in QEMU, told in plain words.
#
# Kernel A boots, puts 64 MiB of data into a memfd and asks the Live Update
# Orchestrator to preserve it; kernel A then kexecs into kernel B, which finds
# the memfd again and checks it byte for byte (SHA-256 before and after).
# With our LUO the update goes through luo-kexec (loader/), and first a next
# kernel that cannot read the memfd is refused while nothing is lost yet.
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
# Our LUO's image also carries the next kernels the demo refuses.
image=$variant
[ "$variant" = ours ] && image=ours-targets
make -s -C "$top" "vm-image-$image" >/dev/null
kernel=$(readlink -f "$top/build/vm/$image/bzImage")
accel=$("$top/tests/vm/accel.sh" "$kernel" "$top/build/vm/$image/initramfs.cpio")
echo "kernel: Linux $LINUX_VERSION ($variant LUO), $(du -h "$kernel" | cut -f1) bzImage, cached in $(dirname "$kernel")"
echo "QEMU: 1 GiB, 2 CPUs, $accel, $boot boot"

say "Step 1: kernel A boots, writes ${mb} MiB into a memfd and preserves it"
log=$top/build/vm/logs/demo.log
set +e
# Our LUO: luo-kexec loads the next kernel (luo_demo_loader); upstream's:
# kexec_file_load.
how=()
[ "$variant" = ours ] && how=(luo_loader=none luo_demo_loader)
res=$(LUO_ACCEL=$accel "$top/tests/vm/vmtest.sh" --quiet --log "$log" demo "$image" "$boot" 2 \
	luo_demo pass kho=on liveupdate=on "luo_demo_mb=$mb" "${how[@]}")
rc=$?
set -e
clean=$(tr -d '\r' < "$log")
grep -E '^demo: old kernel: (wrote|memfd preserved)' <<<"$clean" | sed 's/^demo: /  /' || true

if [ "$variant" = ours ]; then
	say "Step 1b: a next kernel that cannot read the memfd is refused, before anything is loaded"
	# luo-kexec's own words come out as "# | luo-kexec: ..." (and its table).
	sed -n '/^demo: old kernel: first/,/^demo: old kernel: refused/p' <<<"$clean" |
		grep -E '^(demo: |# \| )' | sed 's/^demo: /  /; s/^# | /    /' || true
	say "Step 2: kernel A hands over: luo-kexec -l with the handover, then kexec"
	sed -n '/^demo: old kernel: now the real update/,/luo-vm: stage 1: kexec/p' <<<"$clean" |
		grep -E '^(demo: |# \| )' | sed 's/^demo: /  /; s/^# | /    /' || true
	grep -aE '\] luo: (frozen|pre-jump)' <<<"$clean" | sed 's/^.*\] /  kernel A says: /' || true
	echo "  our purgatory checks the handover just before kernel B starts:"
	grep -aE 'luo-purgatory: ' <<<"$clean" | sed 's/^.*luo-purgatory: /    luo-purgatory: /' || true
else
	say "Step 2: kernel A hands over: kexec with the KHO device tree + scratch memory"
	grep -E 'luo-vm: stage 1: (next kernel loaded|kexec)' <<<"$clean" | sed 's/^# luo-vm: /  /' || true
fi
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
