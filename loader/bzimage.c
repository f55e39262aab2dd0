// SPDX-License-Identifier: GPL-2.0-only
/*
 * The setup header of an x86 bzImage (Documentation/arch/x86/boot.rst):
 * what the loader needs to place a 64-bit kernel and build its zero page.
 * Requires boot protocol 2.12 or later with a 64-bit entry point, as the
 * kernel's own kexec_file_load bzImage64 loader does.
 */
#include <string.h>

#include "ld.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int ld_bzimage_parse(const void *buf, size_t len, struct ld_bzimage *bz)
{
	const uint8_t *img = buf;
	unsigned int sects;

	if (!buf || !bz)
		return LD_ERR_INVAL;
	memset(bz, 0, sizeof(*bz));
	if (len < 2 * 512)
		return LD_ERR_BZ_SHORT;
	if (get16(img + 0x1fe) != 0xaa55 || memcmp(img + 0x202, "HdrS", 4))
		return LD_ERR_BZ_MAGIC;
	bz->version = get16(img + 0x206);
	if (bz->version < 0x020c)
		return LD_ERR_BZ_PROTOCOL;
	sects = img[0x1f1] ? img[0x1f1] : 4;
	bz->setup_size = (size_t)(sects + 1) * 512;
	/* The header ends at 0x202 + the byte at 0x201 (the jump offset). */
	bz->hdr_size = 0x202 + img[0x201] - LD_SETUP_HDR_OFF;
	if (len <= bz->setup_size || bz->hdr_size > 0x290 - LD_SETUP_HDR_OFF)
		return LD_ERR_BZ_SHORT;
	bz->image = img;
	bz->size = len;
	bz->loadflags = img[0x211];
	bz->initrd_addr_max = get32(img + 0x22c);
	bz->kernel_alignment = get32(img + 0x230);
	bz->relocatable = img[0x234];
	bz->xloadflags = get16(img + 0x236);
	bz->cmdline_size = get32(img + 0x238);
	bz->pref_address = (uint64_t)get32(img + 0x258) |
			   (uint64_t)get32(img + 0x25c) << 32;
	bz->init_size = get32(img + 0x260);
	if (!(bz->loadflags & 1))		/* LOADED_HIGH: not a zImage */
		return LD_ERR_BZ_MAGIC;
	if (!(bz->xloadflags & LD_XLF_KERNEL_64))
		return LD_ERR_BZ_NOT_64BIT;
	if (!(bz->xloadflags & LD_XLF_ABOVE_4G) || !bz->relocatable)
		return LD_ERR_BZ_NOT_RELOCATABLE;
	if (!bz->kernel_alignment ||
	    (bz->kernel_alignment & (bz->kernel_alignment - 1)))
		return LD_ERR_BZ_MAGIC;
	return LD_OK;
}
