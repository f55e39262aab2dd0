# Shared shell helpers for the build and test scripts. Sourced, not run.
# shellcheck shell=bash

# The one place the kernel source version is pinned.
LINUX_PKG=linux-source-7.3
LINUX_PKG_VERSION=7.3.4-1~bpo13+1
LINUX_VERSION=7.3.4
LUO_CACHE=${LUO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/luo-kexec}

log() { printf '%s\n' "[$(basename "$0")] $*" >&2; }
warn() { printf '%s\n' "[$(basename "$0")] warning: $*" >&2; }
die() { printf '%s\n' "[$(basename "$0")] error: $*" >&2; exit 1; }

# Print the pristine Linux source directory, fetching and extracting the
# Debian package on first use.
linux_source_dir() {
	local dir="$LUO_CACHE/src/$LINUX_PKG_VERSION" dl="$LUO_CACHE/dl" deb
	if [ ! -f "$dir/.extracted" ]; then
		mkdir -p "$dl"
		exec 8>"$LUO_CACHE/.lock-src"
		flock 8
	fi
	if [ ! -f "$dir/.extracted" ]; then
		deb=$(ls "$dl/${LINUX_PKG}_${LINUX_PKG_VERSION/:/%3a}_all.deb" 2>/dev/null || true)
		if [ -z "$deb" ]; then
			log "downloading $LINUX_PKG=$LINUX_PKG_VERSION"
			(cd "$dl" && apt-get download -q "$LINUX_PKG=$LINUX_PKG_VERSION" >&2) ||
				die "apt-get download $LINUX_PKG failed (did 'make deps' run?)"
			deb=$(ls "$dl/${LINUX_PKG}_"*_all.deb)
		fi
		log "extracting $deb"
		rm -rf "$dir" "$dir.tmp"; mkdir -p "$dir.tmp"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./usr/src/$LINUX_PKG.tar.xz" |
			tar -xJ -C "$dir.tmp" --strip-components=1
		touch "$dir.tmp/.extracted"
		mv "$dir.tmp" "$dir"
		exec 8>&-
	fi
	echo "$dir"
}
