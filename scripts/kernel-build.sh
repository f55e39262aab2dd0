#!/bin/bash
# Build a Linux kernel image for one variant, cached by content hash.
#
#   scripts/kernel-build.sh VARIANT [ARCH]
#
# VARIANT: ours | upstream, or ours-<name>: "ours" plus the fragment
# kernel/configs/ours-<name>.config (ours-nomemfd: without the memfd
# handler; ours-luov2: LUO compatible bumped to luo-rfc-v2), built in the
# same tree and object directory as ours, so that a variant rebuilds only
# the objects its options change.
#
# Prints the path of the built image on stdout (last line). The image lives
# in $LUO_CACHE/out/<arch>-<variant>-<key>/ where <key> hashes the source
# version, the config fragments, our overlay (kernel/ in this repo), the
# patches applied (ours: all; upstream: the KHO ones) and this script. An
# unchanged tree rebuilds nothing. (Userspace gets uapi headers from
# scripts/linux-uapi.sh, without a kernel build.)
set -euo pipefail

variant=${1:?usage: kernel-build.sh ours|ours-NAME|upstream [x86_64|arm64]}
arch=${2:-x86_64}
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/common.sh
. "$top/scripts/common.sh"

case "$variant" in
ours|upstream) base=$variant ;;
ours-*) base=ours
	[ -f "$top/kernel/configs/$variant.config" ] ||
		die "unknown variant '$variant' (no kernel/configs/$variant.config)" ;;
*) die "unknown variant '$variant'" ;;
esac
case "$arch" in
x86_64) karch=x86_64; image=arch/x86/boot/bzImage; target=bzImage; cross= ;;
arm64) karch=arm64; image=arch/arm64/boot/Image; target=Image; cross=aarch64-linux-gnu- ;;
*) die "unknown arch '$arch'" ;;
esac

# One build per source tree at a time (several engineers and tests share the
# cache); ours-* variants build from ours' tree, so they take its lock.
mkdir -p "$LUO_CACHE"
exec 9>"$LUO_CACHE/.lock-$arch-$base"
flock 9
src=$(linux_source_dir)

# What goes into the key: everything that can change the image.
overlay_files() {
	# Files of our overlay: kernel/ minus configs/ and patches/.
	(cd "$top/kernel" && find . -type f ! -path './configs/*' ! -path './patches/*' \
		! -name '*.md' | LC_ALL=C sort)
}
# Patches applied: ours gets every one; upstream only the KHO patches
# (kernel/patches/*-kho-*.patch: they touch KHO alone and do not need our
# LUO, e.g. 0003's /sys/kernel/kho/out for kexec_load loaders).
patch_files() {
	local pat='*.patch'
	[ "$base" = upstream ] && pat='*-kho-*.patch'
	(cd "$top/kernel" && { find ./patches -name "$pat" 2>/dev/null || true; } | LC_ALL=C sort)
}
# Config fragments in the order they are merged (later ones win).
fragment_names() {
	echo base "$base"
	[ "$variant" = "$base" ] || echo "$variant"
	echo "$arch"
}
# The stage library (efi/lib), built into ours for the pre-jump check
# (kernel/liveupdate/luo_rfc_prejump.c): its sources (those the overlay's
# stage/Makefile names), headers and the schema tables generated from
# fdt-schema/*.yaml are copied into kernel/liveupdate/stage/ at build time,
# so there is one copy of the library.
stage_dir=kernel/liveupdate/stage
stage_gen=$(mktemp -d)
trap 'rm -rf "$stage_gen"' EXIT
stage_files() {
	# "<source in this repo> <path in the tree>", one per line
	local n
	[ -f "$top/kernel/$stage_dir/Makefile" ] || return 0
	for n in $(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$top/kernel/$stage_dir/Makefile" |
		sed -n 's/^obj-y :=//p'); do
		n=${n%.o}
		if [ "$n" = ho_schema_tables ]; then
			echo "$stage_gen/$n.c $stage_dir/$n.c"
		else
			echo "$top/efi/lib/$n.c $stage_dir/$n.c"
		fi
	done
	echo "$top/efi/lib/internal.h $stage_dir/internal.h"
	(cd "$top/efi/lib" && find include -name '*.h' | LC_ALL=C sort) |
		while read -r n; do echo "$top/efi/lib/$n $stage_dir/$n"; done
}
if [ "$base" = ours ] && [ -f "$top/kernel/$stage_dir/Makefile" ]; then
	python3 "$top/fdt-schema/gen-tables.py" -c "$stage_gen/ho_schema_tables.c" \
		"$top"/fdt-schema/*.yaml || die "schema table generation failed"
fi
key=$({
	echo "$LINUX_VERSION $variant $arch"
	cat "$top/scripts/kernel-build.sh"
	for f in $(fragment_names); do
		[ -f "$top/kernel/configs/$f.config" ] && cat "$top/kernel/configs/$f.config"
	done
	if [ "$base" = ours ]; then
		for f in $(overlay_files); do
			echo "$f"; cat "$top/kernel/$f"
		done
		stage_files | while read -r from to; do echo "$to"; cat "$from"; done
	fi
	for f in $(patch_files); do
		echo "$f"; cat "$top/kernel/$f"
	done
} | sha256sum | cut -c1-16)

out="$LUO_CACHE/out/$arch-$variant-$key"
if [ -f "$out/$(basename $image)" ]; then
	log "kernel $arch/$variant is cached: $out"
	echo "$out/$(basename $image)"
	exit 0
fi

# The source tree this variant builds from: a hard-linked copy of the
# pristine tree per variant; "ours" gets our overlay and patches on top,
# "upstream" the KHO patches (patch_files).
# Files we touch are copied first (never written through a hard link), and
# every file we touched in the previous build is restored, so make sees what
# changed. Objects go to $tree/.obj: a build directory directly below the
# source makes Kbuild use the relative srctree "..", so compiler command
# lines are the same for both variants and ccache shares their objects.
tree="$LUO_CACHE/tree/$arch-$base"
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
touched=$(mktemp)
if [ "$base" = ours ]; then
	for f in $(overlay_files); do
		f=${f#./}
		mkdir -p "$(dirname "$tree/$f")"
		rm -f "$tree/$f"
		cp "$top/kernel/$f" "$tree/$f"
		echo "$f" >> "$touched"
	done
	while read -r from to; do
		mkdir -p "$(dirname "$tree/$to")"
		rm -f "$tree/$to"
		cp "$from" "$tree/$to"
		echo "$to" >> "$touched"
	done < <(stage_files)
fi
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
if [ -s "$touched" ]; then
	sort -u "$touched" > "$stamp"
	while read -r f; do [ -f "$tree/$f" ] && touch "$tree/$f"; done < "$stamp"
fi
rm -f "$touched"

# ours-* variants build in ours' object directory too: Kbuild's per-option
# dependencies (fixdep, include/config/) then rebuild only what the
# variant's options change, and switching back costs the same. A variant
# whose fragment says "# kernel-build: own object directory" (ours-64k:
# the page size changes nearly every object) builds in $tree/.obj-<variant>,
# so that neither it nor ours rebuilds everything after the other.
obj="$tree/.obj"
if [ "$variant" != "$base" ] &&
	grep -qx '# kernel-build: own object directory' "$top/kernel/configs/$variant.config"; then
	obj="$tree/.obj-$variant"
fi
# The first build of a tree starts from the other base's finished objects
# (upstream from ours', ours from upstream's), as a variant does from ours':
# both trees are hard-linked copies of one pristine source, so the files
# that differ are exactly those either tree touched (.luo-touched). Those
# of the other tree get a private copy here, newer than every copied
# object, and Kbuild rebuilds what depends on them or on an option that
# differs (include/config/). A cold cache builds a second kernel per
# architecture in about a third of the time. Skipped while the other tree
# is being built (its lock is taken without waiting: no deadlock).
seed_obj() {
	local other=upstream sib f
	[ "$base" = upstream ] && other=ours
	sib="$LUO_CACHE/tree/$arch-$other"
	[ -f "$sib/.obj/.luo-built" ] || return 0
	exec 8>"$LUO_CACHE/.lock-$arch-$other"
	if flock -n 8; then
		log "seeding $obj from $sib/.obj"
		rm -rf "$obj.tmp"
		cp -a "$sib/.obj" "$obj.tmp"
		rm -f "$obj.tmp/.luo-built"
		if [ -f "$sib/.luo-touched" ]; then
			while read -r f; do
				[ -f "$tree/$f" ] || continue
				cp -p "$tree/$f" "$tree/$f.unlink" && mv "$tree/$f.unlink" "$tree/$f"
				touch "$tree/$f"
				echo "$f" >> "$stamp"
			done < "$sib/.luo-touched"
			sort -u -o "$stamp" "$stamp"
		fi
		mv "$obj.tmp" "$obj"
	fi
	exec 8>&-
}
[ -d "$obj" ] || [ "$obj" != "$tree/.obj" ] || seed_obj
mkdir -p "$obj"
rm -f "$obj/.luo-built"
export CCACHE_DIR=${CCACHE_DIR:-$LUO_CACHE/ccache}
export CCACHE_BASEDIR=$LUO_CACHE
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export CCACHE_COMPILERCHECK=content
export KBUILD_BUILD_TIMESTAMP="2026-01-01"
export KBUILD_BUILD_USER=luo KBUILD_BUILD_HOST=build KBUILD_BUILD_VERSION=1
jobs=$(nproc)
mk() { make -s -C "$tree" O="$obj" ARCH="$karch" CROSS_COMPILE="$cross" \
	CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$jobs" "$@"; }

log "configuring $arch/$variant (tinyconfig + fragments)"
frags=()
for f in $(fragment_names); do
	[ -f "$top/kernel/configs/$f.config" ] && frags+=("$top/kernel/configs/$f.config")
done
mk tinyconfig >/dev/null
(cd "$obj" && ARCH=$karch "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" \
	.config "${frags[@]}" >/dev/null)
mk olddefconfig >/dev/null
# Every option the fragments ask for (the last fragment that names it wins)
# must have survived olddefconfig.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) opt=${line%%=*}
		if grep -q "^$opt=" "$obj/.config"; then
			warn "$opt is set, fragment wants it off"; missing=1
		fi ;;
	CONFIG_*=*) grep -qxF "$line" "$obj/.config" ||
		{ warn "$line did not survive olddefconfig"; missing=1; } ;;
	esac
done < <(awk -F= '/^CONFIG_/ { if (!($1 in v)) o[n++] = $1; v[$1] = $0 }
	END { for (i = 0; i < n; i++) print v[o[i]] }' "${frags[@]}")
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
touch "$obj/.luo-built"

rm -rf "$out.tmp"; mkdir -p "$out.tmp"
cp "$obj/$image" "$obj/.config" "$out.tmp/"
cp "$obj/vmlinux" "$out.tmp/" 2>/dev/null || true
rm -rf "$out"; mv "$out.tmp" "$out"
echo "$out/$(basename $image)"
