// SPDX-License-Identifier: GPL-2.0-only
/* newc cpio walk of an uncompressed initrd (initrd.h). */
#include <ho/ho.h>

#include "initrd.h"

#define HDR	110			/* "070701" + 13 fields of 8 hex digits */
#define TRAILER	"TRAILER!!!"

static bool hex8(const uint8_t *p, uint64_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 8; i++) {
		uint8_t c = p[i];

		if (c >= '0' && c <= '9')
			*v = *v << 4 | (uint64_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v = *v << 4 | (uint64_t)((c | 0x20) - 'a' + 10);
		else
			return false;
	}
	return true;
}

static bool is_newc(const uint8_t *p)
{
	return !ho_memcmp(p, "07070", 5) && (p[5] == '1' || p[5] == '2');
}

static int why_at(char *why, size_t len, const char *what, uint64_t off,
		  uint64_t size)
{
	struct ho_sbuf sb;

	ho_sb_init(&sb, why, len);
	ho_sb_puts(&sb, what);
	ho_sb_puts(&sb, " at offset ");
	ho_sb_hex(&sb, off);
	ho_sb_puts(&sb, " of ");
	ho_sb_hex(&sb, size);
	return -1;
}

int stage_initrd_check(const void *buf, uint64_t size, char *why,
		       size_t whylen)
{
	const uint8_t *p = buf;
	uint64_t off = 0, namesize, filesize, end;
	bool trailer;

	if (size < 6 || !is_newc(p))
		return 0;		/* compressed or other: the kernel decides */
	while (off < size) {
		if (!p[off]) {		/* padding between archives */
			off++;
			continue;
		}
		if (size - off < HDR || !is_newc(p + off))
			return why_at(why, whylen,
				      "truncated or damaged cpio: no member header",
				      off, size);
		if (!hex8(p + off + 94, &namesize) ||
		    !hex8(p + off + 54, &filesize) || !namesize)
			return why_at(why, whylen, "cpio member header not hex", off,
				      size);
		end = (off + HDR + namesize + 3) & ~3ull;
		if (end > size || end < off)
			return why_at(why, whylen,
				      "truncated cpio: a member name runs past the end",
				      off, size);
		trailer = namesize == sizeof(TRAILER) &&
			  !ho_memcmp(p + off + HDR, TRAILER, sizeof(TRAILER));
		if (filesize > size - end)
			return why_at(why, whylen,
				      "truncated cpio: a member's data runs past the end",
				      off, size);
		off = (end + filesize + 3) & ~3ull;
		if (trailer) {
			/* another archive may follow */
			while (off < size && !p[off])
				off++;
			if (off >= size)
				return 0;
		}
	}
	return why_at(why, whylen, "truncated cpio: no TRAILER!!! entry", off,
		      size);
}
