// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 Image: the kernel is not compressed inside it (an Image.gz, .xz or
 * .zst is the whole file compressed), so the handover-format record is
 * looked for in the file itself, or in what the file decodes to.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "preflight.h"

int ld_image_formats(const void *img, size_t len, struct ld_formats *f,
		     char *why, size_t whysize)
{
	const uint8_t *b = img;
	uint8_t *dec = NULL;
	size_t dlen;
	int err;

	if (len >= 0x3c && b[0x38] == 'A' && b[0x39] == 'R' && b[0x3a] == 'M' && b[0x3b] == 0x64)
		return ld_fmt_find(img, len, f, why, whysize);
	err = ld_decompress(img, len, &dec, &dlen, why, whysize);
	if (!err)
		err = ld_fmt_find(dec, dlen, f, why, whysize);
	free(dec);
	return err;
}
