# Shared shell helpers for the build and test scripts. Sourced, not run.
# shellcheck shell=bash

# The one place the kernel source version is pinned.
LINUX_PKG=linux-source-7.3
LINUX_PKG_VERSION=7.3.4-1~bpo13+1
LINUX_VERSION=7.3.4
LUO_CACHE=${LUO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/luo-kexec}

# QEMU's -accel argument for an accelerator of tests/vm/accel.sh (kvm|tcg).
# TCG gets a 32 MiB translation cache (tb-size; QEMU's default is 1 GiB):
# with the default, a kexec'd kernel is slow to write the pages the kernel
# before it ran code from (measured: kernel B unpacked the VM image's 25 MB
# initramfs in 4.4-7 s, kernel A the same archive in 1.3 s; with 16-32 MiB,
# kernel B in 0.7-0.9 s). LUO_TCG_TB_SIZE (MiB) sets another size.
qemu_accel_arg() {
	case $1 in
	tcg) echo "tcg,tb-size=${LUO_TCG_TB_SIZE:-32}" ;;
	*) echo "$1" ;;
	esac
}

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

# arm64_apt DIR: a private apt configuration for Debian bookworm arm64 in DIR
# (architecture arm64, its own state and cache, bookworm main from the
# host's mirror, deb822 or one-line sources, else deb.debian.org), updated;
# sets the array ARM64_APT_OPTS for further apt-get calls and downloads go
# to DIR/dl. The arm64 packages cannot be installed beside the amd64 ones,
# so gnu-efi-arm64.sh and kexec-tools-arm64.sh fetch them this way.
arm64_apt() {
	local apt_dir=$1 mirror
	mirror=$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null || true; } |
		grep -E '^(URIs:|deb )' | grep -v security |
		sed -E 's/^URIs: *//; s/^deb +(\[[^]]*\] +)?//; s/ .*//' | head -n 1 || true)
	mirror=${mirror:-http://deb.debian.org/debian}
	rm -rf "$apt_dir"
	mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" \
		"$apt_dir/etc/preferences.d" "$apt_dir/dl"
	echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main" \
		>"$apt_dir/etc/sources.list"
	: >"$apt_dir/state/status"
	ARM64_APT_OPTS=(-o APT::Architecture=arm64 -o APT::Architectures=arm64
		-o Dir::State="$apt_dir/state" -o Dir::State::status="$apt_dir/state/status"
		-o Dir::Cache="$apt_dir/cache" -o Dir::Etc::SourceList="$apt_dir/etc/sources.list"
		-o Dir::Etc::SourceParts=/dev/null -o Dir::Etc::PreferencesParts="$apt_dir/etc/preferences.d"
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root)
	log "arm64 packages from $mirror (private apt state in $apt_dir)"
	apt-get -q "${ARM64_APT_OPTS[@]}" update >&2 || die "apt-get update (arm64, private state) failed"
}
