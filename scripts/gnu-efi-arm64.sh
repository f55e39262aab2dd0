#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Print the directory of Debian's gnu-efi for arm64 (headers, crt0, lds,
# libefi.a, libgnuefi.a), fetching it on first use. The arm64 package cannot
# be installed beside the amd64 one (both own /usr/include/efi), so it is
# downloaded with a private apt configuration (architecture arm64, its own
# state and cache, bookworm main from the host's mirror) and unpacked with
# dpkg-deb -x into $LUO_CACHE/gnu-efi-arm64/<version>.
set -euo pipefail
. "$(dirname "$0")/common.sh"

GNUEFI_VERSION=${GNUEFI_VERSION:-3.0.15-1}
dir="$LUO_CACHE/gnu-efi-arm64/$GNUEFI_VERSION"
if [ -f "$dir/.extracted" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$LUO_CACHE"
exec 8>"$LUO_CACHE/.lock-gnu-efi-arm64"
flock 8
if [ ! -f "$dir/.extracted" ]; then
	apt_dir="$LUO_CACHE/gnu-efi-arm64/apt"
	log "fetching gnu-efi:arm64=$GNUEFI_VERSION"
	arm64_apt "$apt_dir"
	(cd "$apt_dir/dl" && apt-get -q "${ARM64_APT_OPTS[@]}" download "gnu-efi:arm64=$GNUEFI_VERSION" >&2) ||
		die "apt-get download gnu-efi:arm64=$GNUEFI_VERSION failed"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	dpkg-deb -x "$apt_dir/dl"/gnu-efi_*_arm64.deb "$dir.tmp"
	[ -f "$dir.tmp/usr/lib/crt0-efi-aarch64.o" ] && [ -f "$dir.tmp/usr/lib/elf_aarch64_efi.lds" ] ||
		die "gnu-efi:arm64 has no crt0-efi-aarch64.o / elf_aarch64_efi.lds"
	touch "$dir.tmp/.extracted"
	mv "$dir.tmp" "$dir"
	rm -rf "$apt_dir"
fi
echo "$dir"
