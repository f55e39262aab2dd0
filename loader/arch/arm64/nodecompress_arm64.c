// SPDX-License-Identifier: GPL-2.0-only
/*
 * ld_decompress() of the static aarch64 luo-kexec ($(B)/aarch64/luo-kexec,
 * loader/loader.mk): Debian bookworm has no arm64 zlib, liblzma or libzstd
 * for the cross compiler without multiarch packages, so that build decodes
 * nothing and says so. It only matters for a compressed Image (Image.gz,
 * .xz, .zst), whose format record is then unknown: the pre-flight refuses
 * it unless --force, and the Image type itself never loads a compressed
 * file (no "ARM\x64" magic). The host builds link decompress.c instead.
 */
#include <errno.h>
#include <stdio.h>

#include "preflight.h"

int ld_decompress(const uint8_t *in, size_t len, uint8_t **out, size_t *olen,
		  char *why, size_t whysize)
{
	*out = NULL;
	*olen = 0;
	snprintf(why, whysize, "not an Image (magic %02x %02x): this aarch64 luo-kexec is "
		 "built without decompression (no arm64 zlib/liblzma/libzstd); decompress "
		 "a compressed kernel first and load the Image", len > 0 ? in[0] : 0,
		 len > 1 ? in[1] : 0);
	return -EOPNOTSUPP;
}
