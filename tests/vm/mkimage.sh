#!/bin/bash
# Put together the kernel and initramfs of one variant for the VM tests.
#
#   tests/vm/mkimage.sh VARIANT OUTDIR INIT BIN...
#
# OUTDIR/bzImage is the variant's cached kernel; OUTDIR/initramfs.cpio holds
# /init, the test programs in /bin and the kernel itself in /boot (the guest
# kexecs into the same kernel). The archive is rebuilt only when an input is
# newer than it.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/common.sh"
variant=$1 out=$2 init=$3
shift 3
kernel=$("$top/scripts/kernel-build.sh" "$variant" x86_64)
mkdir -p "$out"
cpio_out="$out/initramfs.cpio"
if [ -f "$cpio_out" ] && [ "$(readlink -f "$out/bzImage")" = "$kernel" ]; then
	fresh=1
	for f in "$init" "$@" "$0"; do
		[ "$f" -nt "$cpio_out" ] && fresh=0
	done
	[ $fresh = 1 ] && exit 0
fi
ln -sfn "$kernel" "$out/bzImage"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,boot,dev,proc,sys,tmp,debugfs}
install -m 0755 "$init" "$stage/init"
for b in "$@"; do install -m 0755 "$b" "$stage/bin/"; done
cp "$kernel" "$stage/boot/bzImage"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc --owner=0:0 --reproducible) > "$cpio_out.tmp"
mv "$cpio_out.tmp" "$cpio_out"
log "$variant: $(du -h "$cpio_out" | cut -f1) initramfs, kernel $kernel"
