#!/bin/bash
# Print the QEMU accelerator the VM tests use: kvm or tcg.
#
# KVM is used when /dev/kvm opens AND a probe boot of a real kernel image
# reaches our /init under it (some nested hosts open /dev/kvm but cannot run
# a guest: "KVM internal error", or a silent hang). Otherwise TCG. LUO_ACCEL
# forces one. The verdict and its reason go to stderr; it is cached for this
# boot of the host in build/vm/accel.
#
#   tests/vm/accel.sh KERNEL INITRAMFS
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/common.sh"
if [ -n "${LUO_ACCEL:-}" ]; then
	log "accelerator: $LUO_ACCEL (forced by LUO_ACCEL)"
	echo "$LUO_ACCEL"; exit 0
fi
cache="$top/build/vm/accel"
boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo none)
if [ -f "$cache" ] && [ "$(sed -n 2p "$cache")" = "$boot_id" ]; then
	head -n1 "$cache"; exit 0
fi
accel=tcg reason="/dev/kvm cannot be opened"
if python3 -c 'import os; os.close(os.open("/dev/kvm", os.O_RDWR))' 2>/dev/null; then
	probe=$(mktemp)
	( timeout -k 2 20 qemu-system-x86_64 -accel kvm -cpu host -m 256M -nographic -no-reboot \
		-nodefaults -serial "file:$probe" -monitor none -display none \
		-kernel "$1" -initrd "$2" -append "console=ttyS0 panic=-1 luo_test=" \
		</dev/null >/dev/null 2>&1 ) 2>/dev/null
	if tr -d '\r' < "$probe" | grep -q '^luo-vm: '; then
		accel=kvm reason="/dev/kvm works (probe boot reached /init)"
	else
		reason="/dev/kvm opens but a probe boot failed (nested KVM?)"
	fi
	rm -f "$probe"
fi
log "accelerator: $accel ($reason)"
mkdir -p "$(dirname "$cache")"
printf '%s\n%s\n' "$accel" "$boot_id" > "$cache"
echo "$accel"
