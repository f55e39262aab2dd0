#!/bin/sh
# Install every Debian package the project needs (bookworm), idempotent and
# non-interactive. trixie-backports is added with a pin of 100 so that only
# what we ask for by name (linux-source-7.3, via apt-get download) comes from it.
set -eu
export DEBIAN_FRONTEND=noninteractive
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

list=/etc/apt/sources.list.d/luo-trixie-backports.sources
pin=/etc/apt/preferences.d/luo-trixie-backports
if [ ! -f "$list" ]; then
	$SUDO tee "$list" >/dev/null <<'EOT'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
fi
if [ ! -f "$pin" ]; then
	$SUDO tee "$pin" >/dev/null <<'EOT'
Package: *
Pin: release n=trixie
Pin-Priority: 90

Package: *
Pin: release n=trixie-backports
Pin-Priority: 90
EOT
fi

PKGS="build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils zstd rsync
ccache python3 python3-yaml git
qemu-system-x86 qemu-utils ovmf
gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm qemu-efi-aarch64
qemu-user
gnu-efi mtools clang llvm lld libclang-rt-14-dev
kexec-tools busybox-static
device-tree-compiler gnuplot-nox
zlib1g-dev liblzma-dev libzstd-dev"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ] || [ "${FORCE_UPDATE:-0}" = 1 ]; then
	$SUDO apt-get update -qq
fi
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing
fi
echo "deps: all packages installed"
