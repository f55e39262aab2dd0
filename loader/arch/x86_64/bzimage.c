// SPDX-License-Identifier: GPL-2.0-only
/*
 * The setup header of an x86 bzImage (Documentation/arch/x86/boot.rst):
 * what the loader needs to place a 64-bit kernel and build its zero page.
 * Requires boot protocol 2.12 or later with a 64-bit entry point, as the
 * kernel's own kexec_file_load bzImage64 loader does.
 *
 * Every field is untrusted: each one is bounded here, sizes are computed in
 * 64 bits, and the file must hold what the header says it holds
 * (arch/x86/boot/header.S: syssize = ZO__edata / 16, init_size covers the
 * decompressor's _end, the payload lies inside the protected-mode code).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ld_x86.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

__attribute__((format(printf, 3, 4)))
static int bad(struct ld_bzimage *bz, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(bz->why, sizeof(bz->why), fmt, ap);
	va_end(ap);
	return err;
}

static int check_sizes(struct ld_bzimage *bz, unsigned int sects)
{
	uint64_t code = bz->size - bz->setup_size;	/* > 0, checked */
	uint64_t sys = (uint64_t)bz->syssize * 16;
	uint64_t pay = (uint64_t)bz->payload_offset + bz->payload_length;

	if (!bz->syssize)
		return bad(bz, LD_ERR_BZ_HEADER, "syssize is 0 (no protected-mode code)");
	if (sys <= 0x200)
		return bad(bz, LD_ERR_BZ_HEADER,
			   "syssize 0x%x: %llu bytes of code do not reach the 64-bit entry at 0x200",
			   bz->syssize, (unsigned long long)sys);
	if (sys > code)
		return bad(bz, LD_ERR_BZ_TRUNCATED,
			   "syssize 0x%x says %llu bytes of protected-mode code, the file has %llu "
			   "after the %u setup sectors", bz->syssize, (unsigned long long)sys,
			   (unsigned long long)code, sects);
	if (pay > code)
		return bad(bz, LD_ERR_BZ_TRUNCATED,
			   "payload_offset 0x%x + payload_length 0x%x = %llu bytes, the file has %llu "
			   "after the setup sectors", bz->payload_offset, bz->payload_length,
			   (unsigned long long)pay, (unsigned long long)code);
	if (bz->init_size < sys)
		return bad(bz, LD_ERR_BZ_HEADER,
			   "init_size 0x%x is smaller than the protected-mode code (syssize * 16 = %llu)",
			   bz->init_size, (unsigned long long)sys);
	if (bz->cmdline_size > LD_CMDLINE_SIZE_MAX)
		return bad(bz, LD_ERR_BZ_HEADER, "cmdline_size 0x%x is above the limit 0x%x",
			   bz->cmdline_size, LD_CMDLINE_SIZE_MAX);
	if (!bz->kernel_alignment || (bz->kernel_alignment & (bz->kernel_alignment - 1)) ||
	    bz->kernel_alignment > LD_KERNEL_ALIGN_MAX)
		return bad(bz, LD_ERR_BZ_HEADER,
			   "kernel_alignment 0x%x is not a power of two up to 0x%x",
			   bz->kernel_alignment, LD_KERNEL_ALIGN_MAX);
	if (bz->pref_address >= LD_PHYS_LIMIT ||
	    bz->pref_address + bz->init_size > LD_PHYS_LIMIT)
		return bad(bz, LD_ERR_BZ_HEADER,
			   "pref_address 0x%llx + init_size 0x%x is beyond physical addresses (0x%llx)",
			   (unsigned long long)bz->pref_address, bz->init_size,
			   (unsigned long long)LD_PHYS_LIMIT);
	if (bz->pref_address & (bz->kernel_alignment - 1))
		return bad(bz, LD_ERR_BZ_HEADER,
			   "pref_address 0x%llx is not a multiple of kernel_alignment 0x%x",
			   (unsigned long long)bz->pref_address, bz->kernel_alignment);
	return LD_OK;
}

int ld_bzimage_parse(const void *buf, size_t len, struct ld_bzimage *bz)
{
	const uint8_t *img = buf;
	unsigned int sects, hdr_end;

	if (!buf || !bz)
		return LD_ERR_INVAL;
	memset(bz, 0, sizeof(*bz));
	if (len < 2 * 512)
		return bad(bz, LD_ERR_BZ_SHORT, "%zu bytes, a bzImage has at least 1024", len);
	if (get16(img + 0x1fe) != 0xaa55 || memcmp(img + 0x202, "HdrS", 4))
		return bad(bz, LD_ERR_BZ_MAGIC, "boot_flag 0x%04x, header magic 0x%08x "
			   "(want 0xaa55, 0x53726448 \"HdrS\")", get16(img + 0x1fe),
			   get32(img + 0x202));
	bz->version = get16(img + 0x206);
	if (bz->version < 0x020c || bz->version >> 8 != 2)
		return bad(bz, LD_ERR_BZ_PROTOCOL, "version 0x%04x, need 2.12 to 2.255",
			   bz->version);
	sects = img[0x1f1] ? img[0x1f1] : 4;
	bz->setup_size = (size_t)(sects + 1) * 512;
	/* The header ends at 0x202 + the byte at 0x201 (the jump offset). */
	hdr_end = 0x202u + img[0x201];
	bz->hdr_size = hdr_end - LD_SETUP_HDR_OFF;
	if (hdr_end < LD_HDR_END_MIN || hdr_end > LD_HDR_END_MAX)
		return bad(bz, LD_ERR_BZ_HEADER,
			   "jump byte 0x%02x ends the header at 0x%x, outside 0x%x..0x%x",
			   img[0x201], hdr_end, LD_HDR_END_MIN, LD_HDR_END_MAX);
	if (len <= bz->setup_size)
		return bad(bz, LD_ERR_BZ_TRUNCATED,
			   "setup_sects %u means %zu bytes of setup, the file has %zu",
			   img[0x1f1], bz->setup_size, len);
	bz->image = img;
	bz->size = len;
	bz->syssize = get32(img + 0x1f4);
	bz->loadflags = img[0x211];
	bz->initrd_addr_max = get32(img + 0x22c);
	bz->kernel_alignment = get32(img + 0x230);
	bz->relocatable = img[0x234];
	bz->xloadflags = get16(img + 0x236);
	bz->cmdline_size = get32(img + 0x238);
	bz->payload_offset = get32(img + 0x248);
	bz->payload_length = get32(img + 0x24c);
	bz->pref_address = (uint64_t)get32(img + 0x258) |
			   (uint64_t)get32(img + 0x25c) << 32;
	bz->init_size = get32(img + 0x260);
	if (!(bz->loadflags & 1))		/* LOADED_HIGH: not a zImage */
		return bad(bz, LD_ERR_BZ_MAGIC, "loadflags 0x%02x: no LOADED_HIGH (a zImage)",
			   bz->loadflags);
	if (!(bz->xloadflags & LD_XLF_KERNEL_64))
		return bad(bz, LD_ERR_BZ_NOT_64BIT, "xloadflags 0x%04x", bz->xloadflags);
	if (!(bz->xloadflags & LD_XLF_ABOVE_4G) || bz->relocatable != 1)
		return bad(bz, LD_ERR_BZ_NOT_RELOCATABLE, "xloadflags 0x%04x, relocatable_kernel %u",
			   bz->xloadflags, bz->relocatable);
	return check_sizes(bz, sects);
}
