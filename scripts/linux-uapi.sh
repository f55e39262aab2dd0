#!/bin/bash
# Print the directory of the pristine Linux tree's installed uapi headers
# (make headers_install; no kernel build needed), installing them on first
# use. Our own uapi additions live in kernel/include/uapi and come first on
# the include path of the programs that use them.
#
#   scripts/linux-uapi.sh [x86_64|arm64]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/common.sh"
arch=${1:-x86_64}
src=$(linux_source_dir)
dir="$LUO_CACHE/uapi/$LINUX_PKG_VERSION-$arch"
if [ ! -f "$dir/.installed" ]; then
	mkdir -p "$LUO_CACHE"
	exec 9>"$LUO_CACHE/.lock-uapi-$arch"
	flock 9
	if [ ! -f "$dir/.installed" ]; then
		log "installing $LINUX_VERSION uapi headers ($arch)"
		rm -rf "$dir"
		make -s -C "$src" O="$dir/.obj" ARCH="$arch" headers_install \
			INSTALL_HDR_PATH="$dir" >&2
		rm -rf "$dir/.obj"
		touch "$dir/.installed"
	fi
fi
echo "$dir/include"
