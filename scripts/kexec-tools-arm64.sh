#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Print the directory of Debian's arm64 kexec-tools for the arm64 test VM,
# fetching it on first use: DIR/root holds /sbin/kexec, its dynamic loader
# /lib/ld-linux-aarch64.so.1 and every shared library it needs at run time
# (the closure of DT_NEEDED, under /lib/aarch64-linux-gnu by soname), laid
# out as on a Debian arm64 system, to be copied into the initramfs as it is.
#
# The arm64 packages cannot be installed on the amd64 host (no multiarch
# here), so they are downloaded with a private apt configuration (as
# scripts/gnu-efi-arm64.sh does: architecture arm64, its own state and
# cache, bookworm main from the host's mirror) and unpacked with
# dpkg-deb -x. The directory is keyed by content:
# $LUO_CACHE/kexec-tools-arm64/<first 16 hex digits of the SHA-256 over the
# sorted "package version sha256-of-the-.deb" lines>. "current" there names
# the last one fetched, so later runs need no network;
# KEXEC_ARM64_REFRESH=1 resolves the packages again (a new mirror state
# gives a new directory, the old one stays).
set -euo pipefail
. "$(dirname "$0")/common.sh"

# kexec-tools and the packages its binary's libraries come from (Debian
# bookworm arm64: kexec -> libxenctrl (libxenmisc4.17) -> the small libxen*
# libraries, zlib, glibc). A library missing from them is an error below.
PKGS="kexec-tools libxenmisc4.17 libxentoollog1 libxencall1 libxenevtchn1
libxengnttab1 libxenforeignmemory1 libxendevicemodel1 libxentoolcore1 zlib1g libc6"
READELF=${READELF:-aarch64-linux-gnu-readelf}

base="$LUO_CACHE/kexec-tools-arm64"
complete() { [ -n "$1" ] && [ -f "$1/.extracted" ] && [ -x "$1/root/sbin/kexec" ]; }
if [ "${KEXEC_ARM64_REFRESH:-0}" != 1 ] && [ -L "$base/current" ] &&
	complete "$(readlink -f "$base/current")"; then
	readlink -f "$base/current"
	exit 0
fi
command -v "$READELF" >/dev/null || die "$READELF not found (binutils-aarch64-linux-gnu, make deps)"
mkdir -p "$base"
exec 8>"$LUO_CACHE/.lock-kexec-tools-arm64"
flock 8

apt_dir="$base/apt"
log "fetching kexec-tools:arm64 and its libraries"
arm64_apt "$apt_dir"
# shellcheck disable=SC2086
(cd "$apt_dir/dl" && apt-get -q "${ARM64_APT_OPTS[@]}" download $PKGS >&2) ||
	die "apt-get download (arm64) of: $(echo $PKGS) failed"

# The key: what was fetched, by content.
key=$(for deb in "$apt_dir/dl"/*.deb; do
	printf '%s %s %s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" \
		"$(sha256sum <"$deb" | cut -d' ' -f1)"
done | LC_ALL=C sort | tee "$apt_dir/manifest" | sha256sum | cut -c1-16)
dir="$base/$key"
if ! complete "$dir"; then
	x="$apt_dir/x"
	mkdir -p "$x"
	for deb in "$apt_dir/dl"/*.deb; do dpkg-deb -x "$deb" "$x"; done
	[ -x "$x/sbin/kexec" ] || die "kexec-tools:arm64 has no /sbin/kexec"
	interp=$("$READELF" -l "$x/sbin/kexec" | sed -n 's/.*program interpreter: \(.*\)\]/\1/p')
	[ "$interp" = /lib/ld-linux-aarch64.so.1 ] ||
		die "/sbin/kexec: unexpected program interpreter '$interp'"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp/root/sbin" "$dir.tmp/root/lib/aarch64-linux-gnu"
	cp "$x/sbin/kexec" "$dir.tmp/root/sbin/kexec"
	# The dynamic loader, then the DT_NEEDED closure, each by its soname.
	find_lib() {
		find "$x/lib/aarch64-linux-gnu" "$x/usr/lib/aarch64-linux-gnu" -maxdepth 1 \
			-name "$1" \( -type f -o -type l \) 2>/dev/null | head -n 1
	}
	ld=$(find_lib ld-linux-aarch64.so.1)
	[ -n "$ld" ] || die "libc6:arm64 has no ld-linux-aarch64.so.1"
	cp -L "$ld" "$dir.tmp/root/lib/ld-linux-aarch64.so.1"
	todo=("$x/sbin/kexec") seen=" ld-linux-aarch64.so.1 " missing=
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for so in $("$READELF" -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[[ $seen == *" $so "* ]] && continue
			seen+="$so "
			lib=$(find_lib "$so")
			if [ -z "$lib" ]; then
				missing+=" $so"
				continue
			fi
			cp -L "$lib" "$dir.tmp/root/lib/aarch64-linux-gnu/$so"
			todo+=("$dir.tmp/root/lib/aarch64-linux-gnu/$so")
		done
	done
	[ -z "$missing" ] || die "libraries /sbin/kexec needs are in none of the fetched packages:$missing (add their packages to PKGS)"
	cp "$apt_dir/manifest" "$dir.tmp/manifest"
	touch "$dir.tmp/.extracted"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	log "kexec-tools:arm64 in $dir ($(du -sh "$dir/root" | cut -f1): $(ls "$dir/root/lib/aarch64-linux-gnu" | paste -sd' '))"
fi
ln -sfn "$key" "$base/current"
rm -rf "$apt_dir"
echo "$dir"
