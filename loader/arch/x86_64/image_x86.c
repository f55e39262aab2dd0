// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 bzImage: where the compressed kernel lies (boot protocol >= 2.08:
 * payload_offset and payload_length, relative to the protected-mode part
 * at (setup_sects + 1) * 512), and the handover-format record inside it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preflight.h"

#define X86_SETUP_SECTS		0x1f1
#define X86_HDR_MAGIC		0x202
#define X86_VERSION		0x206
#define X86_PAYLOAD_OFFSET	0x248
#define X86_PAYLOAD_LENGTH	0x24c
#define X86_HDR_END		0x250

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The compressed payload (payload_offset, payload_length). */
static int x86_payload(const void *img, size_t len, const uint8_t **payload,
		       size_t *plen, char *why, size_t whysize)
{
	const uint8_t *b = img;
	uint16_t version;
	size_t setup, off, n;

	if (len < X86_HDR_END || memcmp(b + X86_HDR_MAGIC, "HdrS", 4)) {
		snprintf(why, whysize, "not a bzImage (no setup header)");
		return -EINVAL;
	}
	memcpy(&version, b + X86_VERSION, sizeof(version));
	if (version < 0x0208) {
		snprintf(why, whysize, "boot protocol %u.%02u has no payload fields",
			 version >> 8, version & 0xff);
		return -EINVAL;
	}
	setup = ((size_t)(b[X86_SETUP_SECTS] ? b[X86_SETUP_SECTS] : 4) + 1) * 512;
	off = get32(b + X86_PAYLOAD_OFFSET);
	n = get32(b + X86_PAYLOAD_LENGTH);
	if (!n) {
		snprintf(why, whysize, "no compressed payload (payload_length 0)");
		return -EINVAL;
	}
	if (setup > len || off > len - setup || n > len - setup - off) {
		snprintf(why, whysize, "payload (offset %zu, %zu bytes) outside the "
			 "%zu-byte image (truncated?)", off, n, len);
		return -EINVAL;
	}
	*payload = b + setup + off;
	*plen = n;
	return 0;
}

int ld_image_formats(const void *img, size_t len, struct ld_formats *f,
		     char *why, size_t whysize)
{
	const uint8_t *p;
	uint8_t *dec = NULL;
	size_t plen, dlen;
	int err;

	err = x86_payload(img, len, &p, &plen, why, whysize);
	if (!err)
		err = ld_decompress(p, plen, &dec, &dlen, why, whysize);
	if (!err)
		err = ld_fmt_find(dec, dlen, f, why, whysize);
	free(dec);
	return err;
}
