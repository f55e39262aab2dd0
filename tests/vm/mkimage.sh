#!/bin/bash
# Put together the kernel and initramfs of one variant for the VM tests.
#
#   [VM_KERNEL=V] [VM_EXTRA_KERNELS="V..."] [VM_ARCH=x86_64|arm64] \
#       tests/vm/mkimage.sh IMAGE OUTDIR INIT BIN...
#
# VM_ARCH (default x86_64) picks the kernels' architecture; the kernel keeps
# the name bzImage in OUTDIR and in the guest's /boot on every arch (on arm64
# it is an Image), so the guest programs and vmtest.sh name it one way.
# OUTDIR/bzImage is the variant's cached kernel; OUTDIR/initramfs.cpio holds
# /init, the test programs in /bin and the kernel itself in /boot (the guest
# kexecs into the same kernel). Each variant named in $VM_EXTRA_KERNELS
# (e.g. "ours-nomemfd ours-luov2") is built too and lands in
# /boot/bzImage-<variant>. The archive is rebuilt only when an input is newer
# than it. arm64 images also carry Debian's arm64 kexec-tools as /sbin/kexec
# (scripts/kexec-tools-arm64.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/common.sh"
variant=$1 out=$2 init=$3
shift 3
# VM_KERNEL: the kernel variant when the image is named otherwise.
arch=${VM_ARCH:-x86_64}
# arm64: Debian's arm64 kexec-tools as the peer loader, /sbin/kexec with its
# dynamic loader and libraries in /lib as on Debian (scripts/kexec-tools-arm64.sh;
# x86 images get the host's kexec in /bin through GUEST_EXTRA_BINS instead).
peer=
if [ "$arch" = arm64 ]; then
	peer=$("$top/scripts/kexec-tools-arm64.sh")
fi
kernel=$("$top/scripts/kernel-build.sh" "${VM_KERNEL:-$variant}" "$arch")
extra=()
for v in ${VM_EXTRA_KERNELS:-}; do
	extra+=("$v=$("$top/scripts/kernel-build.sh" "$v" "$arch")")
done
mkdir -p "$out"
cpio_out="$out/initramfs.cpio"
same_extra() {
	local e have
	have=$(cd "$out" && ls bzImage-* 2>/dev/null | LC_ALL=C sort | paste -sd' ')
	[ "$have" = "$(for e in "${extra[@]}"; do echo "bzImage-${e%%=*}"; done |
		LC_ALL=C sort | paste -sd' ')" ] || return 1
	for e in "${extra[@]}"; do
		[ "$(readlink -f "$out/bzImage-${e%%=*}")" = "${e#*=}" ] || return 1
	done
}
if [ -f "$cpio_out" ] && [ "$(readlink -f "$out/bzImage")" = "$kernel" ] && same_extra &&
	[ "$(cat "$out/peer" 2>/dev/null)" = "$peer" ]; then
	fresh=1
	for f in "$init" "$@" "$0" ${peer:+"$peer/.extracted"}; do
		[ "$f" -nt "$cpio_out" ] && fresh=0
	done
	[ $fresh = 1 ] && exit 0
fi
ln -sfn "$kernel" "$out/bzImage"
rm -f "$out"/bzImage-*
for e in "${extra[@]}"; do ln -sfn "${e#*=}" "$out/bzImage-${e%%=*}"; done
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,boot,dev,proc,sys,tmp,debugfs}
install -m 0755 "$init" "$stage/init"
# Stripped: the initramfs size grows KHO's default scratch (CMA), and with
# it the memory a preserved memfd cannot be pinned into.
case $arch in
arm64) strip_prog=aarch64-linux-gnu-strip ;;
*) strip_prog=strip ;;
esac
for b in "$@"; do install -s --strip-program="$strip_prog" -m 0755 "$b" "$stage/bin/"; done
[ -z "$peer" ] || cp -a "$peer/root/." "$stage/"
# Shared libraries (tests/guest/guest.mk): each dynamic program's loader
# (PT_INTERP) and the closure of its DT_NEEDED by soname under
# /lib/<triplet>, as on Debian. x86_64 takes them from the host, whose glibc
# the programs were linked against (a file already in /bin is linked, not
# copied again); arm64 finds them in the peer's root
# (scripts/kexec-tools-arm64.sh, the same glibc release). A missing one is an
# error here, not a guest that cannot start its programs.
case $arch in
arm64) readelf=aarch64-linux-gnu-readelf triplet=aarch64-linux-gnu ;;
*) readelf=readelf triplet=x86_64-linux-gnu ;;
esac
add_file() { # add_file SRC DEST-IN-STAGE
	mkdir -p "$(dirname "$2")"
	if [ -f "$stage/bin/$(basename "$1")" ]; then
		ln "$stage/bin/$(basename "$1")" "$2"
	else
		cp -L "$1" "$2"
	fi
}
libdir="$stage/lib/$triplet"
todo=("$stage/init" "$stage"/bin/*) seen=" "
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]}
	todo=("${todo[@]:1}")
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	hdr=$("$readelf" -lWd "$f" 2>/dev/null) || continue	# not ELF
	interp=$(sed -n 's/.*program interpreter: \(.*\)]$/\1/p' <<<"$hdr")
	if [ -n "$interp" ] && [ ! -e "$stage$interp" ]; then
		[ "$arch" = x86_64 ] && [ -e "$interp" ] ||
			die "$(basename "$f"): its loader $interp is not in the image"
		add_file "$interp" "$stage$interp"
	fi
	for so in $(sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' <<<"$hdr"); do
		[[ $seen == *" $so "* ]] && continue
		seen+="$so "
		[ -e "$libdir/$so" ] && continue
		lib=
		if [ "$arch" = x86_64 ]; then
			for d in /lib/$triplet /usr/lib/$triplet; do
				[ -e "$d/$so" ] && { lib=$d/$so; break; }
			done
		fi
		[ -n "$lib" ] || die "$(basename "$f") needs $so: not in the image"
		add_file "$lib" "$libdir/$so"
		todo+=("$libdir/$so")
	done
done
echo "$peer" >"$out/peer"
cp "$kernel" "$stage/boot/bzImage"
for e in "${extra[@]}"; do cp "${e#*=}" "$stage/boot/bzImage-${e%%=*}"; done
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc --owner=0:0 --reproducible) > "$cpio_out.tmp"
mv "$cpio_out.tmp" "$cpio_out"
log "$variant: $(du -h "$cpio_out" | cut -f1) initramfs, kernel $kernel"
