#!/bin/bash
# Build a Linux kernel image for one variant, cached by content hash.
#
#   scripts/kernel-build.sh VARIANT [ARCH]     VARIANT: ours | upstream
#
# Prints the path of the built image on stdout (last line). The image lives
# in $LUO_CACHE/out/<arch>-<variant>-<key>/ where <key> hashes the source
# version, the config fragments, our overlay (kernel/ in this repo), our
# patches and this script. An unchanged tree rebuilds nothing. (Userspace
# gets uapi headers from scripts/linux-uapi.sh, without a kernel build.)
set -euo pipefail

variant=${1:?usage: kernel-build.sh ours|upstream [x86_64|arm64]}
arch=${2:-x86_64}
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/common.sh
. "$top/scripts/common.sh"

case "$variant" in ours|upstream) ;; *) die "unknown variant '$variant'";; esac
case "$arch" in
x86_64) karch=x86_64; image=arch/x86/boot/bzImage; target=bzImage; cross= ;;
arm64) karch=arm64; image=arch/arm64/boot/Image; target=Image; cross=aarch64-linux-gnu- ;;
*) die "unknown arch '$arch'" ;;
esac

# One build per variant at a time (several engineers and tests share the cache).
mkdir -p "$LUO_CACHE"
exec 9>"$LUO_CACHE/.lock-$arch-$variant"
flock 9
src=$(linux_source_dir)

# What goes into the key: everything that can change the image.
overlay_files() {
	# Files of our overlay: kernel/ minus configs/ and patches/.
	(cd "$top/kernel" && find . -type f ! -path './configs/*' ! -path './patches/*' \
		! -name '*.md' | LC_ALL=C sort)
}
patch_files() {
	(cd "$top/kernel" && { find ./patches -name '*.patch' 2>/dev/null || true; } | LC_ALL=C sort)
}
key=$({
	echo "$LINUX_VERSION $variant $arch"
	cat "$top/scripts/kernel-build.sh"
	for f in base "$variant" "$arch"; do
		[ -f "$top/kernel/configs/$f.config" ] && cat "$top/kernel/configs/$f.config"
	done
	if [ "$variant" = ours ]; then
		for f in $(overlay_files) $(patch_files); do
			echo "$f"; cat "$top/kernel/$f"
		done
	fi
} | sha256sum | cut -c1-16)

out="$LUO_CACHE/out/$arch-$variant-$key"
if [ -f "$out/$(basename $image)" ]; then
	log "kernel $arch/$variant is cached: $out"
	echo "$out/$(basename $image)"
	exit 0
fi

# The source tree this variant builds from: a hard-linked copy of the
# pristine tree per variant; "ours" gets our overlay and patches on top.
# Files we touch are copied first (never written through a hard link), and
# every file we touched in the previous build is restored, so make sees what
# changed. Objects go to $tree/.obj: a build directory directly below the
# source makes Kbuild use the relative srctree "..", so compiler command
# lines are the same for both variants and ccache shares their objects.
tree="$LUO_CACHE/tree/$arch-$variant"
stamp="$tree/.luo-touched"
if [ ! -d "$tree" ]; then
	log "creating hard-linked tree $tree"
	mkdir -p "$(dirname "$tree")"
	rm -rf "$tree.tmp"
	cp -al "$src" "$tree.tmp" && mv "$tree.tmp" "$tree"
fi
# Restore every file touched last time to its pristine content.
if [ -f "$stamp" ]; then
	while read -r f; do
		rm -f "$tree/$f"
		if [ -f "$src/$f" ]; then
			cp -p "$src/$f" "$tree/$f" && touch "$tree/$f"
		fi
	done < "$stamp"
	rm -f "$stamp"
fi
if [ "$variant" = ours ]; then
	touched=$(mktemp)
	for f in $(overlay_files); do
		f=${f#./}
		mkdir -p "$(dirname "$tree/$f")"
		rm -f "$tree/$f"
		cp "$top/kernel/$f" "$tree/$f"
		echo "$f" >> "$touched"
	done
	for p in $(patch_files); do
		for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$top/kernel/$p"); do
			if [ -f "$tree/$f" ]; then
				cp -p "$tree/$f" "$tree/$f.unlink" && mv "$tree/$f.unlink" "$tree/$f"
			fi
			echo "$f" >> "$touched"
		done
		patch -s -p1 -N -d "$tree" < "$top/kernel/$p" ||
			die "patch $p does not apply to $LINUX_VERSION"
	done
	sort -u "$touched" > "$stamp"; rm -f "$touched"
	while read -r f; do [ -f "$tree/$f" ] && touch "$tree/$f"; done < "$stamp"
fi

obj="$tree/.obj"
mkdir -p "$obj"
export CCACHE_DIR=${CCACHE_DIR:-$LUO_CACHE/ccache}
export CCACHE_BASEDIR=$LUO_CACHE
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export CCACHE_COMPILERCHECK=content
export KBUILD_BUILD_TIMESTAMP="2026-01-01"
export KBUILD_BUILD_USER=luo KBUILD_BUILD_HOST=build
jobs=$(nproc)
mk() { make -s -C "$tree" O="$obj" ARCH="$karch" CROSS_COMPILE="$cross" \
	CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$jobs" "$@"; }

log "configuring $arch/$variant (tinyconfig + fragments)"
frags=("$top/kernel/configs/base.config" "$top/kernel/configs/$variant.config")
[ -f "$top/kernel/configs/$arch.config" ] && frags+=("$top/kernel/configs/$arch.config")
mk tinyconfig >/dev/null
(cd "$obj" && ARCH=$karch "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" \
	.config "${frags[@]}" >/dev/null)
mk olddefconfig >/dev/null
# Every option a fragment asks for must have survived olddefconfig.
missing=0
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=n) opt=${line%%=*}
			if grep -q "^$opt=" "$obj/.config"; then
				warn "$opt is set, fragment wants it off"; missing=1
			fi ;;
		CONFIG_*=*) grep -qxF "$line" "$obj/.config" ||
			{ warn "$line did not survive olddefconfig"; missing=1; } ;;
		esac
	done < "$f"
done
[ $missing = 0 ] || die "config fragments are inconsistent (see above)"

log "building $arch/$variant in $obj (make -j$jobs, ccache)"
start=$(date +%s)
rm -f "$obj/$image"
rc=0
mk "$target" > "$obj/build.log" 2>&1 || rc=$?
grep -v -E '^(  |\s*$)' "$obj/build.log" >&2 || true
[ "$rc" = 0 ] || die "kernel build of $arch/$variant failed (make exit $rc, log $obj/build.log)"
[ -f "$obj/$image" ] || die "kernel build produced no $image"
log "built $arch/$variant in $(( $(date +%s) - start )) s"

rm -rf "$out.tmp"; mkdir -p "$out.tmp"
cp "$obj/$image" "$obj/.config" "$out.tmp/"
cp "$obj/vmlinux" "$out.tmp/" 2>/dev/null || true
rm -rf "$out"; mv "$out.tmp" "$out"
echo "$out/$(basename $image)"
