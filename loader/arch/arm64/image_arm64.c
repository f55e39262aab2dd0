// SPDX-License-Identifier: GPL-2.0-only
/*
 * The arm64 Image header (Documentation/arch/arm64/booting.rst, "Call the
 * kernel image"): 64 bytes, little endian,
 *
 *   0x00 code0, code1   0x08 text_offset   0x10 image_size   0x18 flags
 *   0x20 res2..res4     0x38 magic "ARM\x64"                 0x3c res5
 *
 * flags: bit 0 big endian; bits 1-2 the page size (0 unspecified, 1 4K,
 * 2 16K, 3 64K); bit 3 the base may be any 2 MiB aligned address (clear:
 * as close as possible to the start of DRAM). The image goes text_offset
 * bytes above a 2 MiB aligned base, image_size bytes (bss included) free.
 * Every field is untrusted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ld_arm64.h"

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int __attribute__((format(printf, 3, 4)))
bad(struct ld_a64_image *h, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->why, sizeof(h->why), fmt, ap);
	va_end(ap);
	return err;
}

int ld_a64_image_parse(const void *buf, size_t len, struct ld_a64_image *h)
{
	static const uint64_t page[4] = { 0, 4096, 16384, 65536 };
	const uint8_t *b = buf;

	memset(h, 0, sizeof(*h));
	if (!buf || len < LD_A64_HDR_SIZE)
		return bad(h, LD_ERR_A64_SHORT, "file is %llu bytes, the Image header %llu",
			   (unsigned long long)len, (unsigned long long)LD_A64_HDR_SIZE);
	if (memcmp(b + LD_A64_MAGIC_OFF, "ARM\x64", 4))
		return bad(h, LD_ERR_A64_MAGIC,
			   "magic at 0x38 is 0x%08llx, an arm64 Image has 0x%08llx",
			   (unsigned long long)(b[0x38] | b[0x39] << 8 | b[0x3a] << 16 |
						(uint32_t)b[0x3b] << 24), 0x644d5241ull);
	h->text_offset = get64(b + 0x08);
	h->image_size = get64(b + 0x10);
	h->flags = get64(b + 0x18);
	h->page_size = page[(h->flags & LD_A64_FLAG_PAGE_MASK) >> LD_A64_FLAG_PAGE_SHIFT];
	if (h->flags & LD_A64_FLAG_BE)
		return bad(h, LD_ERR_A64_BIG_ENDIAN,
			   "flags 0x%llx: bit 0 set (big endian); luo-kexec loads "
			   "little-endian kernels", (unsigned long long)h->flags);
	if (!h->image_size)
		return bad(h, LD_ERR_A64_HEADER,
			   "image_size 0 (a kernel before 3.17, effective size unknown)");
	if (h->image_size > LD_A64_IMAGE_MAX)
		return bad(h, LD_ERR_A64_HEADER, "image_size 0x%llx exceeds the limit 0x%llx",
			   (unsigned long long)h->image_size, LD_A64_IMAGE_MAX);
	if (h->image_size < len)
		return bad(h, LD_ERR_A64_HEADER,
			   "image_size 0x%llx is smaller than the file (0x%llx bytes)",
			   (unsigned long long)h->image_size, (unsigned long long)len);
	if (h->text_offset >= LD_A64_ALIGN || h->text_offset % LD_A64_TEXT_ALIGN)
		return bad(h, LD_ERR_A64_HEADER,
			   "text_offset 0x%llx is not a 4 KiB multiple below 0x%llx (2 MiB)",
			   (unsigned long long)h->text_offset, LD_A64_ALIGN);
	if (h->text_offset)
		return bad(h, LD_ERR_A64_TEXT_OFFSET,
			   "text_offset 0x%llx: luo-kexec places the Image at its 2 MiB "
			   "aligned base (text_offset 0, Linux 5.8 and later)",
			   (unsigned long long)h->text_offset);
	if (!(h->flags & LD_A64_FLAG_ANYWHERE))
		return bad(h, LD_ERR_A64_PLACEMENT,
			   "flags 0x%llx: bit 3 clear; luo-kexec places the kernel inside "
			   "the KHO scratch ranges, not at the start of DRAM", (unsigned long long)h->flags);
	return LD_OK;
}
