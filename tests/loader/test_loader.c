// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of luo-kexec's planning (loader/ld.h), table-driven, TAP.
 *
 *   test-loader PURGATORY.ro
 *
 * bzImage header parsing, placement into scratch (sizes, fragmentation,
 * huge initrd, overlaps, holes, alignment), the boot_params segment read
 * back through the stage library's setup_data helpers, the purgatory ELF
 * relocation, and whole plans whose handover the stage library accepts (and
 * rejects once damaged, as the purgatory's fault injection does), and the
 * purgatory itself (efi/purgatory/purgatory.c, built for the host with
 * PURGATORY_HOST_TEST) run over a plan copied into memory mapped at the
 * plan's "physical" addresses: every fault class, its verdict line, the
 * command line and setup_data chain the kernel would get.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <libfdt.h>

#include <ho/ho.h>
#include <ho/x86.h>

#include "hobuild.h"
#include "arch/x86_64/ld_x86.h"
#include "tap.h"

#define MiB (1ull << 20)
#define KiB (1ull << 10)

/* ---- fake bzImage ------------------------------------------------------ */

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

struct bz_opts {
	uint16_t version, xlf, boot_flag;
	uint8_t reloc, loadflags;
	const char *magic;
	uint32_t align, init_size, cmdline_size;
	uint64_t pref;
};

static const struct bz_opts bz_ok = {
	.version = 0x020f, .xlf = 3, .boot_flag = 0xaa55, .reloc = 1,
	.loadflags = 1, .magic = "HdrS", .align = 2 * MiB,
	.init_size = 12 * MiB, .cmdline_size = 2047, .pref = 16 * MiB,
};

/* Setup sectors (4 + 1) + len bytes of "kernel" after them. */
static uint8_t *mk_bz(const struct bz_opts *o, size_t len, size_t *size)
{
	size_t n = 5 * 512 + len;
	uint8_t *b = calloc(1, n);
	size_t i;

	b[0x1f1] = 4;
	put16(b + 0x1fe, o->boot_flag);
	b[0x201] = 0x6a;			/* header ends at 0x26c */
	memcpy(b + 0x202, o->magic, 4);
	put16(b + 0x206, o->version);
	b[0x211] = o->loadflags;
	put32(b + 0x22c, 0x7fffffff);
	put32(b + 0x230, o->align);
	b[0x234] = o->reloc;
	put16(b + 0x236, o->xlf);
	put32(b + 0x238, o->cmdline_size);
	put32(b + 0x258, (uint32_t)o->pref);
	put32(b + 0x260, o->init_size);
	put32(b + 0x1f4, (uint32_t)(len / 16));	/* syssize */
	for (i = 5 * 512; i < n; i++)
		b[i] = (uint8_t)(i * 7);
	*size = n;
	return b;
}

static void test_bzimage(void)
{
	static const struct {
		const char *name;
		int field;	/* which option to spoil */
		size_t len;
		int err;
	} rows[] = {
		{ "valid 2.15 bzImage", 0, 64 * KiB, LD_OK },
		{ "too short", 0, 0, LD_ERR_BZ_SHORT },
		{ "no 0xaa55 boot flag", 1, 64 * KiB, LD_ERR_BZ_MAGIC },
		{ "no HdrS magic", 2, 64 * KiB, LD_ERR_BZ_MAGIC },
		{ "protocol 2.11", 3, 64 * KiB, LD_ERR_BZ_PROTOCOL },
		{ "no 64-bit entry", 4, 64 * KiB, LD_ERR_BZ_NOT_64BIT },
		{ "not loadable above 4 GiB", 5, 64 * KiB, LD_ERR_BZ_NOT_RELOCATABLE },
		{ "not relocatable", 6, 64 * KiB, LD_ERR_BZ_NOT_RELOCATABLE },
		{ "zImage (no LOADED_HIGH)", 7, 64 * KiB, LD_ERR_BZ_MAGIC },
		{ "alignment not a power of two", 8, 64 * KiB, LD_ERR_BZ_HEADER },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bz_opts o = bz_ok;
		struct ld_bzimage bz;
		size_t size;
		uint8_t *img;
		int err;

		switch (rows[i].field) {
		case 1: o.boot_flag = 0x1234; break;
		case 2: o.magic = "HdrX"; break;
		case 3: o.version = 0x020b; break;
		case 4: o.xlf = 2; break;
		case 5: o.xlf = 1; break;
		case 6: o.reloc = 0; break;
		case 7: o.loadflags = 0; break;
		case 8: o.align = 3 * MiB; break;
		}
		img = mk_bz(&o, rows[i].len, &size);
		if (!rows[i].len)
			size = 1000;
		err = ld_bzimage_parse(img, size, &bz);
		if (tap(err == rows[i].err, "bzimage: %s -> %s", rows[i].name,
			ld_errname(rows[i].err)) && !err)
			tap(bz.setup_size == 5 * 512 && bz.init_size == 12 * MiB &&
			    bz.pref_address == 16 * MiB && bz.cmdline_size == 2047 &&
			    bz.hdr_size == 0x26c - 0x1f1,
			    "bzimage: %s: header fields", rows[i].name);
		else if (err != rows[i].err)
			printf("# got %s\n", ld_errname(err));
		free(img);
	}
}

/*
 * Every setup header field is untrusted: one row per field and bound, the
 * file 5 * 512 + 256 KiB as mk_bz makes it (syssize 0x4000).
 */
static void test_bzimage_fields(void)
{
	static const struct {
		const char *name;
		unsigned int off, width;	/* width 0: no field changed */
		uint64_t val;
		size_t len;			/* file length; 0: as made */
		int err;
		const char *why;		/* in bz.why */
	} rows[] = {
		{ "cmdline_size 0xffffffff", 0x238, 4, 0xffffffff, 0, LD_ERR_BZ_HEADER,
		  "cmdline_size 0xffffffff is above the limit 0xffff" },
		{ "cmdline_size 0x10000", 0x238, 4, 0x10000, 0, LD_ERR_BZ_HEADER, "cmdline_size 0x10000" },
		{ "cmdline_size 0xffff (the limit)", 0x238, 4, 0xffff, 0, LD_OK, "" },
		{ "cmdline_size 0", 0x238, 4, 0, 0, LD_OK, "" },
		{ "setup_sects 255, file shorter", 0x1f1, 1, 255, 100000, LD_ERR_BZ_TRUNCATED,
		  "setup_sects 255 means 131072 bytes of setup, the file has 100000" },
		{ "setup_sects 0 means 4", 0x1f1, 1, 0, 0, LD_OK, "" },
		{ "file ends inside the setup sectors", 0, 0, 0, 2000, LD_ERR_BZ_TRUNCATED,
		  "setup_sects 4 means 2560 bytes of setup, the file has 2000" },
		{ "file ends right after the setup sectors", 0, 0, 0, 2560, LD_ERR_BZ_TRUNCATED,
		  "the file has 2560" },
		{ "file cut in half", 0, 0, 0, 2560 + 128 * KiB, LD_ERR_BZ_TRUNCATED,
		  "syssize 0x4000 says 262144 bytes of protected-mode code, the file has 131072" },
		{ "file one byte short of syssize", 0, 0, 0, 2560 + 256 * KiB - 1,
		  LD_ERR_BZ_TRUNCATED, "the file has 262143" },
		{ "file longer than syssize (signed, padded)", 0, 0, 0, 2560 + 256 * KiB + 4096,
		  LD_OK, "" },
		{ "syssize 0", 0x1f4, 4, 0, 0, LD_ERR_BZ_HEADER, "syssize is 0" },
		{ "syssize 0x20: code ends at the 64-bit entry", 0x1f4, 4, 0x20, 0,
		  LD_ERR_BZ_HEADER, "do not reach the 64-bit entry at 0x200" },
		{ "syssize 0x21 (just past the entry)", 0x1f4, 4, 0x21, 0, LD_OK, "" },
		{ "syssize 0xffffffff (16 * it > 32 bits)", 0x1f4, 4, 0xffffffff, 0,
		  LD_ERR_BZ_TRUNCATED, "says 68719476720 bytes" },
		{ "init_size 0", 0x260, 4, 0, 0, LD_ERR_BZ_HEADER, "init_size 0x0 is smaller" },
		{ "init_size one below the code", 0x260, 4, 256 * KiB - 1, 0, LD_ERR_BZ_HEADER,
		  "init_size 0x3ffff is smaller than the protected-mode code (syssize * 16 = 262144)" },
		{ "init_size 0xffffffff (placement says no space)", 0x260, 4, 0xffffffff, 0,
		  LD_OK, "" },
		{ "payload past the code", 0x248, 4, 256 * KiB + 16, 0, LD_ERR_BZ_TRUNCATED,
		  "payload_offset 0x40010 + payload_length 0x0 = 262160 bytes, the file has 262144" },
		{ "payload ends at the code's end", 0x248, 4, 256 * KiB, 0, LD_OK, "" },
		{ "payload_length 0xffffffff", 0x24c, 4, 0xffffffff, 0, LD_ERR_BZ_TRUNCATED,
		  "payload_length 0xffffffff = 4294967295 bytes" },
		{ "kernel_alignment 0", 0x230, 4, 0, 0, LD_ERR_BZ_HEADER, "kernel_alignment 0x0" },
		{ "kernel_alignment 3 MiB", 0x230, 4, 3 * MiB, 0, LD_ERR_BZ_HEADER,
		  "kernel_alignment 0x300000 is not a power of two" },
		{ "kernel_alignment 2 GiB", 0x230, 4, 0x80000000, 0, LD_ERR_BZ_HEADER,
		  "up to 0x40000000" },
		{ "kernel_alignment 1 GiB (the limit; pref_address 0 then)", 0x230, 4, 0x40000000,
		  0, LD_ERR_BZ_HEADER, "pref_address 0x1000000 is not a multiple" },
		{ "pref_address unaligned", 0x258, 8, 0x1001000, 0, LD_ERR_BZ_HEADER,
		  "pref_address 0x1001000 is not a multiple of kernel_alignment 0x200000" },
		{ "pref_address at 2^52", 0x258, 8, 1ull << 52, 0, LD_ERR_BZ_HEADER,
		  "is beyond physical addresses" },
		{ "pref_address + init_size past 2^52", 0x258, 8, (1ull << 52) - 2 * MiB, 0,
		  LD_ERR_BZ_HEADER, "+ init_size 0xc00000" },
		{ "pref_address 2^64 - 2 MiB (wraps)", 0x258, 8, 0xffffffffffe00000ull, 0,
		  LD_ERR_BZ_HEADER, "is beyond" },
		{ "version 3.0", 0x206, 2, 0x0300, 0, LD_ERR_BZ_PROTOCOL, "version 0x0300" },
		{ "version 0xffff", 0x206, 2, 0xffff, 0, LD_ERR_BZ_PROTOCOL, "version 0xffff" },
		{ "version 2.12 (the oldest)", 0x206, 2, 0x020c, 0, LD_OK, "" },
		{ "header ends at 0x242 (jump 0x40)", 0x201, 1, 0x40, 0, LD_ERR_BZ_HEADER,
		  "ends the header at 0x242" },
		{ "header ends at 0x301 (jump 0xff)", 0x201, 1, 0xff, 0, LD_ERR_BZ_HEADER,
		  "ends the header at 0x301" },
		{ "header ends at 0x290 (jump 0x8e, the most)", 0x201, 1, 0x8e, 0, LD_OK, "" },
		{ "xloadflags without KERNEL_64", 0x236, 2, 0xfffe, 0, LD_ERR_BZ_NOT_64BIT,
		  "xloadflags 0xfffe" },
		{ "relocatable_kernel 2", 0x234, 1, 2, 0, LD_ERR_BZ_NOT_RELOCATABLE,
		  "relocatable_kernel 2" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ld_bzimage bz;
		size_t size, len;
		uint8_t *img = mk_bz(&bz_ok, 256 * KiB + 4096, &size);
		int err;

		len = rows[i].len ? rows[i].len : size - 4096;
		put32(img + 0x1f4, 256 * KiB / 16);
		if (rows[i].width)
			memcpy(img + rows[i].off, &rows[i].val, rows[i].width);
		err = ld_bzimage_parse(img, len, &bz);
		if (!tap(err == rows[i].err && strstr(bz.why, rows[i].why),
			 "bzimage field: %s -> %s", rows[i].name, ld_errname(rows[i].err)))
			printf("# got %s: %s\n", ld_errname(err), bz.why);
		free(img);
	}
}

/* ---- placement --------------------------------------------------------- */

/* A 1 GiB QEMU guest, plus a reserved hole at 512 MiB in the second map. */
static const struct ho_mem_range qemu_ranges[] = {
	{ 0, 0x9fc00, HO_MEM_RAM },
	{ 0x9fc00, 0x400, HO_MEM_RESERVED },
	{ 0xf0000, 0x10000, HO_MEM_RESERVED },
	{ 0x100000, 0x3fee0000, HO_MEM_RAM },
	{ 0x3ffe0000, 0x20000, HO_MEM_RESERVED },
};
static const struct ho_mem_range holey_ranges[] = {
	{ 0x100000, 0x1ff00000, HO_MEM_RAM },
	{ 0x20000000, 0x100000, HO_MEM_ACPI },
	{ 0x20100000, 0x1fee0000, HO_MEM_RAM },
	{ 0x80000000, 0x40000000, HO_MEM_RESERVED },
};
static const struct ho_memmap qemu_mm = { qemu_ranges, 5 };
static const struct ho_memmap holey_mm = { holey_ranges, 4 };

#define MAX_Z 64

struct place_row {
	const char *name;
	const struct ho_memmap *mm;
	unsigned int nz;		/* 0: no handover (all RAM) */
	struct ho_scratch z[8];
	unsigned int frag;		/* >0: nz ranges of frag bytes, 2 MiB apart */
	uint64_t kernel, initrd;
	int err;
	int bad_seg;			/* on NO_SPACE */
};

static const struct place_row place_rows[] = {
	{ "one 224 MiB scratch", &qemu_mm, 1, { { 0x30000000, 224 * MiB } }, 0,
	  16 * MiB, 10 * MiB, LD_OK, 0 },
	{ "three scratch ranges (lowmem, global, node)", &qemu_mm, 3,
	  { { 0x1000000, 16 * MiB }, { 0x20000000, 64 * MiB }, { 0x38000000, 64 * MiB } }, 0,
	  16 * MiB, 60 * MiB, LD_OK, 0 },
	{ "no handover: all usable RAM", &qemu_mm, 0, { { 0 } }, 0,
	  16 * MiB, 10 * MiB, LD_OK, 0 },
	{ "huge initrd (900 MiB) without handover", &qemu_mm, 0, { { 0 } }, 0,
	  16 * MiB, 900 * MiB, LD_OK, 0 },
	{ "huge initrd (900 MiB) in 224 MiB scratch", &qemu_mm, 1,
	  { { 0x30000000, 224 * MiB } }, 0, 16 * MiB, 900 * MiB, LD_ERR_NO_SPACE, 1 },
	{ "scratch too small for the kernel", &qemu_mm, 1,
	  { { 0x1000000, 8 * MiB } }, 0, 16 * MiB, 1 * MiB, LD_ERR_NO_SPACE, 0 },
	{ "scratch too small for the purgatory after the kernel", &qemu_mm, 1,
	  { { 0x2000000, 16 * MiB + 3 * 4096 } }, 0, 16 * MiB, 0,
	  LD_ERR_NO_SPACE, 1 },
	{ "scratch too small for boot_params, the last segment", &qemu_mm, 1,
	  { { 0x2000000, 16 * MiB + 184 * KiB } }, 0, 16 * MiB, 0,
	  LD_ERR_NO_SPACE, 2 },
	{ "fragmented: 64 x 1 MiB cannot hold a 16 MiB kernel", &qemu_mm, 64,
	  { { 0 } }, 1 * MiB, 16 * MiB, 0, LD_ERR_NO_SPACE, 0 },
	{ "fragmented: 64 x 1 MiB holds small segments", &qemu_mm, 64,
	  { { 0 } }, 1 * MiB, 512 * KiB, 900 * KiB, LD_OK, 0 },
	{ "fragmented: 8 x 20 MiB, kernel 2 MiB aligned", &qemu_mm, 8,
	  { { 0 } }, 20 * MiB, 16 * MiB, 18 * MiB, LD_OK, 0 },
	{ "alignment: 16 MiB range at 17 MiB cannot hold a 16 MiB kernel", &qemu_mm, 1,
	  { { 17 * MiB, 16 * MiB } }, 0, 16 * MiB, 0, LD_ERR_NO_SPACE, 0 },
	{ "scratch across an ACPI hole: segments avoid it", &holey_mm, 1,
	  { { 0x1f000000, 48 * MiB } }, 0, 16 * MiB, 12 * MiB, LD_OK, 0 },
	{ "scratch partly outside RAM: only the RAM part is used", &holey_mm, 1,
	  { { 0x3c000000, 128 * MiB } }, 0, 16 * MiB, 20 * MiB, LD_OK, 0 },
	{ "scratch entirely outside RAM", &holey_mm, 1,
	  { { 0x80000000, 64 * MiB } }, 0, 16 * MiB, 0, LD_ERR_NO_ALLOWED_MEMORY, 0 },
	{ "overlapping scratch ranges are joined", &qemu_mm, 2,
	  { { 0x10000000, 32 * MiB }, { 0x11000000, 32 * MiB } }, 0,
	  16 * MiB, 20 * MiB, LD_OK, 0 },
	{ "scratch below 1 MiB only", &qemu_mm, 1, { { 0x10000, 0x80000 } }, 0,
	  1 * MiB, 0, LD_ERR_NO_ALLOWED_MEMORY, 0 },
};

static bool inside_allowed(const struct place_row *r, const struct ho_scratch *z,
			   unsigned int nz, uint64_t a, uint64_t sz)
{
	unsigned int i;
	bool in_zone = !nz;

	for (i = 0; i < nz; i++)
		/* Joined overlapping zones: the union is what counts. */
		if (a >= z[i].addr && a + sz <= z[i].addr + z[i].size)
			in_zone = true;
	if (!in_zone && nz == 2 && a >= z[0].addr &&
	    a + sz <= z[1].addr + z[1].size && z[1].addr <= z[0].addr + z[0].size)
		in_zone = true;
	return in_zone && ho_mem_usable(r->mm, a, sz);
}

static void test_place(void)
{
	size_t i;

	for (i = 0; i < sizeof(place_rows) / sizeof(place_rows[0]); i++) {
		const struct place_row *r = &place_rows[i];
		struct ho_scratch z[MAX_Z];
		struct ld_seg s[4];
		struct ld_place_diag d;
		unsigned int n = 0, j, k, nz = r->nz;
		uint64_t total = 0;
		bool ok = true;
		int err;

		memset(s, 0, sizeof(s));
		if (r->frag) {
			for (j = 0; j < nz; j++) {
				z[j].addr = 0x10000000 + j * (r->frag + 2 * MiB);
				z[j].size = r->frag;
			}
		} else {
			memcpy(z, r->z, sizeof(r->z));
		}
		s[n++] = (struct ld_seg){ .name = "kernel", .bufsz = 4 * KiB,
					  .memsz = r->kernel, .align = 2 * MiB };
		if (r->initrd)
			s[n++] = (struct ld_seg){ .name = "initrd", .bufsz = r->initrd };
		s[n++] = (struct ld_seg){ .name = "purgatory", .bufsz = 180 * KiB };
		s[n++] = (struct ld_seg){ .name = "boot_params", .bufsz = 6 * KiB };
		err = ld_place(s, n, nz ? z : NULL, nz, r->mm, &d);
		for (j = 0; j < n; j++)
			total += s[j].memsz;
		if (!tap(err == r->err, "place: %s -> %s", r->name, ld_errname(r->err))) {
			printf("# got %s\n", ld_errname(err));
			continue;
		}
		if (err == LD_ERR_NO_SPACE) {
			char why[256];

			ld_place_explain(s, n, &d, why, sizeof(why));
			printf("# %s\n", why);
			tap(d.seg == r->bad_seg && d.needed == total &&
			    strstr(why, "needed") && strstr(why, "available") &&
			    strstr(why, s[r->bad_seg].name),
			    "place: %s: says which segment, needed and available", r->name);
			continue;
		}
		if (err)
			continue;
		for (j = 0; j < n; j++) {
			ok &= !(s[j].mem & (s[j].align - 1)) && s[j].mem >= MiB;
			ok &= inside_allowed(r, z, nz, s[j].mem, s[j].memsz);
			for (k = 0; k < j; k++)
				ok &= !ho_ranges_overlap(s[j].mem, s[j].memsz,
							 s[k].mem, s[k].memsz);
		}
		tap(ok, "place: %s: aligned, inside scratch and RAM, no overlaps", r->name);
	}
}

/* ---- boot_params ------------------------------------------------------- */

static void test_bootparams(void)
{
	static const struct ho_scratch sc[] = {
		{ 0x1000000, 16 * MiB }, { 0x30000000, 224 * MiB },
	};
	static const uint64_t bp_phys = 0x3dfd2000;
	struct ld_bzimage bz;
	struct ld_bp_in in = {
		.bz = &bz, .cmdline = "console=ttyS0 kho=on", .kernel_mem = 0x3d400000,
		.initrd_mem = 0x1234567000ull, .initrd_size = 0x1000001,
		.e820 = &qemu_mm, .handover = true, .fdt_addr = 0x3000000,
		.fdt_size = 4096, .scratch = sc, .nscratch = 2,
	};
	struct ld_bp_layout lay;
	struct ho_window win;
	struct ho_phys ph = { .map = ho_phys_window_map, .win = &win, .nwin = 1 };
	struct ho_handover kd;
	uint64_t sd = 0;
	size_t size;
	uint8_t *img = mk_bz(&bz_ok, 4096, &size), *buf;
	const char *cl;
	char *longcl;
	int err;

	ld_bzimage_parse(img, size, &bz);
	err = ld_bp_layout(&in, &lay);
	tap(!err && lay.cmdline == 4096 && lay.cmdline_cap == 2048 &&
	    lay.kho_sd && lay.scratch && !lay.efi_sd && !(lay.scratch & 15),
	    "boot_params: layout (zero page, 2048-byte command line, KHO entry, scratch table)");
	buf = calloc(1, lay.size);
	err = ld_bp_build(&in, &lay, buf, bp_phys);
	win = (struct ho_window){ bp_phys, buf, lay.size };
	cl = (const char *)buf + lay.cmdline;
	tap(!err && !strcmp(cl, in.cmdline) &&
	    ho_get_u32(buf + 0x228) == (uint32_t)(bp_phys + 4096) &&
	    ho_get_u32(buf + 0xc8) == 0,
	    "boot_params: command line and cmd_line_ptr");
	tap(ho_get_u32(buf + 0x218) == 0x34567000 && buf[0xc0] == 0x12 &&
	    ho_get_u32(buf + 0x21c) == 0x1000001,
	    "boot_params: initrd above 4 GiB uses ext_ramdisk_image");
	tap(buf[0x1e8] == 5 && ho_get_u64(buf + 0x2d0 + 3 * 20) == 0x100000 &&
	    ho_get_u32(buf + 0x2d0 + 3 * 20 + 16) == HO_E820_RAM &&
	    buf[0x210] == 0xd0 && !memcmp(buf + 0x202, "HdrS", 4),
	    "boot_params: e820 table, loader type, setup header copied");
	err = ho_sd_find(&ph, ho_get_u64(buf + 0x250), HO_SETUP_KEXEC_KHO, &sd);
	if (!err)
		err = ho_sd_kho_data(&ph, sd, &kd);
	tap(!err && kd.fdt_addr == 0x3000000 && kd.fdt_size == 4096 &&
	    kd.scratch_size == 32 && kd.scratch_addr == bp_phys + lay.scratch &&
	    !memcmp(buf + lay.scratch, sc, sizeof(sc)),
	    "boot_params: SETUP_KEXEC_KHO found by the stage library, scratch table copied");
	{
		uint64_t head = ho_get_u64(buf + 0x250), gone;

		err = ho_sd_unlink(&ph, &head, HO_SETUP_KEXEC_KHO, &gone);
		tap(!err && gone == sd && head == 0 &&
		    !ho_cmdline_append((char *)buf + lay.cmdline, lay.cmdline_cap,
				       "luo_stage.err", "HO_ERR_BAD_MAGIC") &&
		    !strcmp(cl, "console=ttyS0 kho=on luo_stage.err=HO_ERR_BAD_MAGIC"),
		    "boot_params: the stage can unlink the entry and append its verdict");
	}
	free(buf);

	in.handover = false;
	err = ld_bp_layout(&in, &lay);
	buf = calloc(1, lay.size);
	if (!err)
		err = ld_bp_build(&in, &lay, buf, bp_phys);
	tap(!err && !lay.kho_sd && !ho_get_u64(buf + 0x250) && lay.size == 4096 + 2048,
	    "boot_params: without handover, no setup_data");
	free(buf);

	longcl = malloc(3000);
	memset(longcl, 'a', 2999);
	longcl[2999] = 0;
	in.cmdline = longcl;
	tap(ld_bp_layout(&in, &lay) == LD_ERR_CMDLINE_TOO_LONG,
	    "boot_params: command line longer than cmdline_size -> LD_ERR_CMDLINE_TOO_LONG");
	free(longcl);
	in.cmdline = "x";
	{
		struct ho_memmap big = { qemu_ranges, 129 };

		in.e820 = &big;
		tap(ld_bp_layout(&in, &lay) == LD_ERR_TOO_MANY_E820,
		    "boot_params: 129 memory map entries -> LD_ERR_TOO_MANY_E820");
	}
	free(img);
}

/* ---- purgatory ELF ----------------------------------------------------- */

static void *purg;
static size_t purg_size;

static void test_elf(void)
{
	struct ld_elf e;
	uint8_t *a, *b, *bad;
	uint64_t off, sz, diffs = 0, i;
	uint32_t n = 7, back = 0;
	int err;

	err = ld_elf_open(&e, purg, purg_size);
	if (!tap(!err && e.memsz && !(e.memsz & 4095), "elf: purgatory.ro opens (%llu bytes loaded)",
		 (unsigned long long)e.memsz))
		return;
	tap(!ld_elf_symbol(&e, "purgatory_start", &off, NULL) &&
	    !ld_elf_symbol(&e, "purgatory_stack_end", &off, NULL) &&
	    !ld_elf_symbol(&e, "purgatory_regs", &off, &sz) &&
	    sz == sizeof(struct purg_regs) &&
	    !ld_elf_symbol(&e, "purgatory_segs", &off, &sz) &&
	    sz == sizeof(struct purg_seg) * PURG_MAX_SEGS,
	    "elf: entry, stack and parameter symbols with the sizes of purgatory.h");
	tap(ld_elf_symbol(&e, "no_such_symbol", &off, NULL) == LD_ERR_ELF_SYMBOL &&
	    ld_elf_symbol(&e, "mem_ranges", &off, NULL) == LD_ERR_ELF_SYMBOL,
	    "elf: missing and local symbols are not found");
	a = malloc(e.memsz);
	b = malloc(e.memsz);
	err = ld_elf_relocate(&e, a, 0x10000000);
	if (!err)
		err = ld_elf_relocate(&e, b, 0x3dfd4000);
	for (i = 0; !err && i + 8 <= e.memsz; i += 8)
		if (ho_get_u64(a + i) != ho_get_u64(b + i) &&
		    ho_get_u64(b + i) - ho_get_u64(a + i) == 0x3dfd4000 - 0x10000000)
			diffs++;
	tap(!err && diffs > 10, "elf: relocated at two addresses, %llu absolute addresses moved",
	    (unsigned long long)diffs);
	tap(ld_elf_relocate(&e, a, 0x10000010) == LD_ERR_INVAL,
	    "elf: misaligned load address refused");
	err = ld_elf_poke(&e, a, "purgatory_nsegs", &n, sizeof(n));
	ld_elf_symbol(&e, "purgatory_nsegs", &off, NULL);
	memcpy(&back, a + off, sizeof(back));
	tap(!err && back == 7 &&
	    ld_elf_poke(&e, a, "purgatory_nsegs", &diffs, 8) == LD_ERR_ELF_SYMBOL,
	    "elf: poke writes a symbol and refuses to overflow it");
	free(a);
	free(b);

	bad = malloc(purg_size);
	memcpy(bad, purg, purg_size);
	bad[18] = 3;				/* e_machine = EM_386 */
	tap(ld_elf_open(&e, bad, purg_size) == LD_ERR_ELF &&
	    ld_elf_open(&e, purg, 63) == LD_ERR_ELF &&
	    ld_elf_open(&e, purg, purg_size / 2) == LD_ERR_ELF,
	    "elf: wrong machine and truncated objects refused");
	free(bad);
}

/* ---- whole plans ------------------------------------------------------- */

/* A minimal valid kho-v4 FDT (no subtrees). */
static void mk_kho_fdt(void *buf, size_t size)
{
	uint64_t zero = 0;

	fdt_create(buf, (int)size);
	fdt_finish_reservemap(buf);
	fdt_begin_node(buf, "");
	fdt_property_string(buf, "compatible", "kho-v4");
	fdt_property(buf, "preserved-memory-map", &zero, sizeof(zero));
	fdt_end_node(buf);
	fdt_finish(buf);
}

struct plan_row {
	const char *name;
	unsigned int nz;
	struct ho_scratch z[4];
	uint64_t pref;
	size_t cmdline_len;
	int err;
	/* optional: the KHO FDT (size 0: 0x3000000, 4096), cmdline_size, map */
	uint64_t fdt_addr, fdt_size;
	uint32_t cmdline_size;
	bool empty_map;
};

#define FDT_SIZE_0	UINT64_MAX	/* fdt_size: really 0 */

static const struct plan_row plan_rows[] = {
	{ "handover, three scratch ranges", 3,
	  { { 0x1000000, 16 * MiB }, { 0x20000000, 64 * MiB }, { 0x38000000, 64 * MiB } },
	  16 * MiB, 20, LD_OK, 0, 0, 0, false },
	{ "pref_address above all scratch: kernel placed lower", 1,
	  { { 0x400000, 20 * MiB } }, 512 * MiB, 20, LD_OK, 0, 0, 0, false },
	{ "scratch table rejected by the stage library (unaligned)", 1,
	  { { 0x1000800, 64 * MiB } }, 16 * MiB, 20, LD_ERR_HANDOVER, 0, 0, 0, false },
	{ "scratch table rejected (overlapping ranges)", 2,
	  { { 0x10000000, 64 * MiB }, { 0x12000000, 64 * MiB } }, 16 * MiB, 20,
	  LD_ERR_HANDOVER, 0, 0, 0, false },
	{ "scratch too small: nothing planned", 1, { { 0x1000000, 4 * MiB } },
	  16 * MiB, 20, LD_ERR_NO_SPACE, 0, 0, 0, false },
	{ "command line too long", 1, { { 0x30000000, 224 * MiB } }, 16 * MiB,
	  3000, LD_ERR_CMDLINE_TOO_LONG, 0, 0, 0, false },
	{ "a zero-sized scratch range (as Linux 7.3 reports) is dropped", 3,
	  { { 0x1000000, 16 * MiB }, { 0x3f000000, 0 }, { 0x30000000, 64 * MiB } },
	  16 * MiB, 20, LD_OK, 0, 0, 0, false },
	{ "only zero-sized scratch ranges", 1, { { 0x1000000, 0 } }, 16 * MiB, 20,
	  LD_ERR_NO_ALLOWED_MEMORY, 0, 0, 0, false },
	{ "no handover", 0, { { 0 } }, 16 * MiB, 20, LD_OK, 0, 0, 0, false },
	{ "KHO FDT at the top of scratch, where segments go: placed below it", 1,
	  { { 0x30000000, 224 * MiB } }, 16 * MiB, 20, LD_OK, 0x30000000 + 224 * MiB - 4096, 4096, 0, false },
	{ "KHO FDT in the middle of a small scratch: placed around it", 1,
	  { { 0x1000000, 40 * MiB } }, 16 * MiB, 20, LD_OK, 0x1000000 + 14 * MiB, 4096, 0, false },
	{ "KHO FDT size 0", 1, { { 0x30000000, 224 * MiB } }, 16 * MiB, 20, LD_ERR_HANDOVER,
	  0x3000000, FDT_SIZE_0, 0, false },
	{ "KHO FDT wraps", 1, { { 0x30000000, 224 * MiB } }, 16 * MiB, 20, LD_ERR_HANDOVER,
	  0xfffffffffffff000ull, 0x2000, 0, false },
	{ "scratch range wraps", 2, { { 0x30000000, 224 * MiB }, { 0xfffffffffff00000ull, 2 * MiB } },
	  16 * MiB, 20, LD_ERR_HANDOVER, 0, 0, 0, false },
	{ "empty memory map", 1, { { 0x30000000, 224 * MiB } }, 16 * MiB, 20, LD_ERR_MEMMAP,
	  0, 0, 0, true },
	{ "cmdline_size 0xffffffff: refused, nothing planned", 1, { { 0x30000000, 224 * MiB } },
	  16 * MiB, 20, LD_ERR_BZ_HEADER, 0, 0, 0xffffffff, false },
	{ "cmdline_size 0xffff with a 60000-byte command line", 1, { { 0x30000000, 224 * MiB } },
	  16 * MiB, 60000, LD_OK, 0, 0, 0xffff, false },
	{ "command line one byte over cmdline_size 100", 0, { { 0 } }, 16 * MiB, 101,
	  LD_ERR_CMDLINE_TOO_LONG, 0, 0, 100, false },
};

static void test_plan(void)
{
	size_t i;

	for (i = 0; i < sizeof(plan_rows) / sizeof(plan_rows[0]); i++) {
		const struct plan_row *r = &plan_rows[i];
		struct bz_opts o = bz_ok;
		struct ld_plan p;
		struct ld_plan_in in = { 0 };
		struct ld_elf e;
		struct purg_regs regs;
		struct purg_seg segs[PURG_MAX_SEGS];
		uint8_t initrd[10000], digest[32];
		char *cl = malloc(r->cmdline_len + 1);
		size_t size;
		uint8_t *img;
		uint64_t off;
		unsigned int j;
		bool ok;
		int err;

		o.pref = r->pref;
		if (r->cmdline_size)
			o.cmdline_size = r->cmdline_size;
		img = mk_bz(&o, 300 * KiB, &size);
		memset(cl, 'c', r->cmdline_len);
		cl[r->cmdline_len] = 0;
		memset(initrd, 0x5a, sizeof(initrd));
		in.kernel = img;
		in.kernel_size = size;
		in.initrd = initrd;
		in.initrd_size = sizeof(initrd);
		in.cmdline = cl;
		in.memmap = qemu_mm;
		if (r->empty_map)
			in.memmap.count = 0;
		in.handover = r->nz > 0;
		in.fdt_addr = r->fdt_size ? r->fdt_addr : 0x3000000;
		in.fdt_size = r->fdt_size == FDT_SIZE_0 ? 0 : r->fdt_size ? r->fdt_size : 4096;
		in.scratch = r->z;
		in.nscratch = r->nz;
		in.purgatory = purg;
		in.purgatory_size = purg_size;
		err = ld_plan_build(&in, &p);
		if (!tap(err == r->err, "plan: %s -> %s", r->name, ld_errname(r->err)))
			printf("# got %s: %s\n", ld_errname(err), p.why);
		else if (err)
			printf("# %s\n", p.why);
		if (err) {
			ld_plan_free(&p);
			free(img);
			free(cl);
			continue;
		}
		ld_elf_open(&e, purg, purg_size);
		ld_elf_symbol(&e, "purgatory_regs", &off, NULL);
		memcpy(&regs, (uint8_t *)p.purg_buf + off, sizeof(regs));
		ld_elf_symbol(&e, "purgatory_segs", &off, NULL);
		memcpy(segs, (uint8_t *)p.purg_buf + off, sizeof(segs));
		ok = regs.rsi == p.seg[p.nseg - 1].mem && regs.rip == p.seg[0].mem + 0x200 &&
		     regs.rsp > p.purg_mem && regs.rsp <= p.purg_mem + p.seg[p.nseg - 2].memsz &&
		     p.entry >= p.purg_mem && p.entry < p.purg_mem + p.seg[p.nseg - 2].memsz;
		for (j = 0; j < p.nseg; j++) {
			if (segs[j].flags & PURG_SEG_SELF) {
				ok &= p.seg[j].buf == p.purg_buf;
				continue;
			}
			ho_sha256(p.seg[j].buf, p.seg[j].bufsz, digest);
			ok &= segs[j].mem == p.seg[j].mem && segs[j].len == p.seg[j].bufsz &&
			      !memcmp(digest, segs[j].sha256, 32);
		}
		tap(ok, "plan: %s: purgatory registers and segment SHA-256 table", r->name);
		for (j = 0, ok = true; j < p.nseg; j++)
			ok &= !in.handover || !ho_ranges_overlap(p.seg[j].mem, p.seg[j].memsz,
								 in.fdt_addr, in.fdt_size);
		tap(ok && !ld_plan_check(&in, &p), "plan: %s: invariant holds, no segment on the FDT",
		    r->name);
		if (in.handover) {
			/* The purgatory's work area: spare scratch, off every segment and the FDT. */
			struct purg_work w;

			ld_elf_symbol(&e, "purgatory_work", &off, NULL);
			memcpy(&w, (uint8_t *)p.purg_buf + off, sizeof(w));
			ok = w.size && w.size <= PURG_WORK_MAX && !(w.addr % HO_PAGE_SIZE) &&
			     !ho_ranges_overlap(w.addr, w.size, in.fdt_addr, in.fdt_size);
			for (j = 0; j < p.nseg; j++)
				ok &= !ho_ranges_overlap(w.addr, w.size, p.seg[j].mem, p.seg[j].memsz);
			for (j = 0, off = 0; j < p.nscratch; j++)
				off |= p.scratch[j].addr <= w.addr &&
				       w.addr + w.size <= p.scratch[j].addr + p.scratch[j].size;
			tap(ok && off, "plan: %s: purgatory work area 0x%llx+0x%llx in spare scratch",
			    r->name, (unsigned long long)w.addr, (unsigned long long)w.size);
		}
		if (r->pref > 16 * MiB)
			tap(p.seg[0].mem < r->pref, "plan: %s: kernel at 0x%llx", r->name,
			    (unsigned long long)p.seg[0].mem);
		if (in.handover) {
			/* What the purgatory will see: the stage library's verdict. */
			static uint8_t fdt[4096] __attribute__((aligned(8)));
			struct ho_window w[2] = {
				{ p.seg[p.nseg - 1].mem, p.boot_buf, ld_x86_bp(&p.boot)->size },
				{ in.fdt_addr, fdt, sizeof(fdt) },
			};
			struct ho_phys ph = { .map = ho_phys_window_map, .win = w, .nwin = 2 };
			struct ho_env env = { .memmap = &qemu_mm, .phys = &ph };
			struct ho_segment hs[LD_NSEG];
			struct ho_handover kd;
			struct ho_report rep;
			struct ho_scratch *tbl;
			uint64_t sd;

			mk_kho_fdt(fdt, sizeof(fdt));
			for (j = 0; j < p.nseg; j++) {
				hs[j].mem = p.seg[j].mem;
				hs[j].memsz = p.seg[j].memsz;
			}
			err = ho_sd_find(&ph, ho_get_u64((uint8_t *)p.boot_buf + 0x250),
					 HO_SETUP_KEXEC_KHO, &sd);
			if (!err)
				err = ho_sd_kho_data(&ph, sd, &kd);
			if (!err)
				err = ho_check_handover(&kd, hs, p.nseg, &env, &rep);
			tap(!err, "plan: %s: the stage library accepts the handover (%s)",
			    r->name, ho_errname(err));
			tbl = (void *)((uint8_t *)p.boot_buf + ld_x86_bp(&p.boot)->scratch);
			tbl[0].addr += 16;	/* PURG_FAULT_SCRATCH_UNALIGNED */
			err = ho_check_handover(&kd, hs, p.nseg, &env, &rep);
			tap(err == HO_ERR_SCRATCH_UNALIGNED,
			    "plan: %s: damaged after loading -> HO_ERR_SCRATCH_UNALIGNED", r->name);
		}
		ld_plan_free(&p);
		free(img);
		free(cl);
	}
}

/*
 * The plan's invariant (ld_plan_check), one row per collision: a valid plan
 * (kernel, initrd, purgatory, boot_params with EFI, KHO and relocation
 * entries) is damaged in one place, as a layout or placement bug would.
 */
enum pc_what {
	PC_NONE, PC_CMDLINE_AT_KHO, PC_CMDLINE_INTO_EFI, PC_EFI_MAP_INTO_SD, PC_SCRATCH_INTO_RELOC,
	PC_KHO_IN_ZERO_PAGE, PC_RELOC_PAST_END, PC_SCRATCH_FAR, PC_EFI_SD_AT_CMDLINE,
	PC_KERNEL_ON_INITRD, PC_PURG_ON_BP, PC_SAME_ADDRESS, PC_FDT_IN_INITRD, PC_FDT_ON_BP_END,
	PC_FDT_EMPTY, PC_FDT_WRAPS, PC_STACK_OUT, PC_PURG_ENTRY_OUT, PC_KERNEL_ENTRY_OUT,
	PC_SEG_WRAPS, PC_SEG_UNALIGNED, PC_SEG_IN_HOLE, PC_SEG_LOW, PC_BUF_OVER_MEM,
	PC_BP_BUF_SHORT,
};

static const struct {
	const char *name;
	enum pc_what what;
	int err;
	const char *a, *b;	/* both named in plan.why */
} pc_rows[] = {
	{ "valid plan", PC_NONE, LD_OK, "", "" },
	{ "command line and SETUP_KEXEC_KHO at one address (cmdline_size wrap)",
	  PC_CMDLINE_AT_KHO, LD_ERR_PLAN_OVERLAP, "command line", "SETUP_KEXEC_KHO" },
	{ "command line runs into the EFI map", PC_CMDLINE_INTO_EFI, LD_ERR_PLAN_OVERLAP,
	  "command line", "EFI memory map" },
	{ "EFI map runs into SETUP_EFI", PC_EFI_MAP_INTO_SD, LD_ERR_PLAN_OVERLAP,
	  "EFI memory map", "SETUP_EFI" },
	{ "scratch table runs into the relocation area", PC_SCRATCH_INTO_RELOC,
	  LD_ERR_PLAN_OVERLAP, "scratch table", "relocation area" },
	{ "SETUP_KEXEC_KHO inside the zero page", PC_KHO_IN_ZERO_PAGE, LD_ERR_PLAN_OVERLAP,
	  "zero page", "SETUP_KEXEC_KHO" },
	{ "SETUP_EFI on the command line", PC_EFI_SD_AT_CMDLINE, LD_ERR_PLAN_OVERLAP,
	  "command line", "SETUP_EFI" },
	{ "relocation area past the block's end", PC_RELOC_PAST_END, LD_ERR_PLAN_OUTSIDE,
	  "relocation area", "boot_params" },
	{ "scratch table 4 GiB away (offset wrap)", PC_SCRATCH_FAR, LD_ERR_PLAN_OUTSIDE,
	  "scratch table", "boot_params" },
	{ "kernel segment over the initrd", PC_KERNEL_ON_INITRD, LD_ERR_PLAN_OVERLAP,
	  "kernel", "initrd" },
	{ "purgatory over boot_params", PC_PURG_ON_BP, LD_ERR_PLAN_OVERLAP,
	  "purgatory", "boot_params" },
	{ "initrd and boot_params at one address", PC_SAME_ADDRESS, LD_ERR_PLAN_OVERLAP,
	  "initrd", "boot_params" },
	{ "KHO FDT inside the initrd", PC_FDT_IN_INITRD, LD_ERR_PLAN_OVERLAP, "initrd", "KHO FDT" },
	{ "KHO FDT over boot_params' last page", PC_FDT_ON_BP_END, LD_ERR_PLAN_OVERLAP,
	  "boot_params", "KHO FDT" },
	{ "KHO FDT of size 0", PC_FDT_EMPTY, LD_ERR_PLAN_OUTSIDE, "KHO FDT", "empty" },
	{ "KHO FDT wraps", PC_FDT_WRAPS, LD_ERR_PLAN_OUTSIDE, "KHO FDT", "wraps" },
	{ "purgatory stack outside the purgatory", PC_STACK_OUT, LD_ERR_PLAN_OUTSIDE,
	  "purgatory stack top", "purgatory" },
	{ "purgatory entry before the purgatory", PC_PURG_ENTRY_OUT, LD_ERR_PLAN_OUTSIDE,
	  "purgatory entry", "purgatory" },
	{ "kernel entry past the kernel's bytes", PC_KERNEL_ENTRY_OUT, LD_ERR_PLAN_OUTSIDE,
	  "kernel entry", "kernel" },
	{ "segment wraps around 2^64", PC_SEG_WRAPS, LD_ERR_PLAN_OUTSIDE, "boot_params", "wrapping" },
	{ "segment not page aligned", PC_SEG_UNALIGNED, LD_ERR_PLAN_OUTSIDE, "initrd", "aligned" },
	{ "segment in a reserved hole", PC_SEG_IN_HOLE, LD_ERR_PLAN_OUTSIDE, "boot_params",
	  "usable RAM" },
	{ "segment below 1 MiB", PC_SEG_LOW, LD_ERR_PLAN_OUTSIDE, "purgatory", "1 MiB" },
	{ "bufsz bigger than memsz", PC_BUF_OVER_MEM, LD_ERR_PLAN_OUTSIDE, "initrd", "bigger" },
	{ "boot_params bytes shorter than the layout", PC_BP_BUF_SHORT, LD_ERR_PLAN_OUTSIDE,
	  "command line", "is not inside boot_params" },
};

static void pc_damage(enum pc_what w, struct ld_plan *p, struct ld_plan_in *in)
{
	struct ld_seg *k = &p->seg[0], *ird = &p->seg[1], *pg = &p->seg[2], *bp = &p->seg[3];
	struct ld_bp_layout *l = ld_x86_bp(&p->boot);

	switch (w) {
	case PC_NONE: break;
	case PC_CMDLINE_AT_KHO: l->kho_sd = l->cmdline; break;
	case PC_CMDLINE_INTO_EFI: l->cmdline_cap = l->efi_map - l->cmdline + 16; break;
	case PC_EFI_MAP_INTO_SD: l->efi_map_size = l->efi_sd - l->efi_map + 1; break;
	case PC_SCRATCH_INTO_RELOC: l->scratch_size = l->reloc_sd - l->scratch + 16; break;
	case PC_KHO_IN_ZERO_PAGE: l->kho_sd = 0x200; break;
	case PC_EFI_SD_AT_CMDLINE: l->efi_sd = l->cmdline + 64; break;
	case PC_RELOC_PAST_END: l->reloc_size += 4096; break;
	case PC_SCRATCH_FAR: l->scratch = 0xfffffff0; break;
	case PC_KERNEL_ON_INITRD: ird->mem = k->mem + k->memsz - 4096; break;
	case PC_PURG_ON_BP: bp->mem = pg->mem + 4096; break;
	case PC_SAME_ADDRESS: ird->mem = bp->mem; break;
	case PC_FDT_IN_INITRD: in->fdt_addr = ird->mem + 4096; break;
	case PC_FDT_ON_BP_END: in->fdt_addr = bp->mem + bp->memsz - 16; break;
	case PC_FDT_EMPTY: in->fdt_size = 0; break;
	case PC_FDT_WRAPS: in->fdt_addr = 0xfffffffffffff000ull; in->fdt_size = 0x1001; break;
	case PC_STACK_OUT: p->purg_stack = pg->mem + pg->memsz + 4096; break;
	case PC_PURG_ENTRY_OUT: p->entry = pg->mem - 1; break;
	case PC_KERNEL_ENTRY_OUT: p->kernel_entry = k->mem + k->bufsz; break;
	case PC_SEG_WRAPS: bp->mem = 0xfffffffffffff000ull; break;
	case PC_SEG_UNALIGNED: ird->mem += 16; break;
	case PC_SEG_IN_HOLE: bp->mem = 0x3ffe0000; break;
	case PC_SEG_LOW: pg->mem = 0x80000; break;
	case PC_BUF_OVER_MEM: ird->bufsz = ird->memsz + 1; break;
	case PC_BP_BUF_SHORT: bp->bufsz = LD_ZERO_PAGE; break;
	}
}

static void test_plan_check(void)
{
	static const struct ho_scratch sc[] = { { 0x30000000, 224 * MiB } };
	static uint8_t efi_info[32], efi_map[3 * 40], efi_sd[96], initrd[50000];
	const struct ld_fw fw = { efi_info, efi_map, sizeof(efi_map), efi_sd, sizeof(efi_sd), 0, false };
	struct ld_plan_in in = { 0 };
	struct ld_plan p, d;
	size_t size, i;
	uint8_t *img = mk_bz(&bz_ok, 300 * KiB, &size);
	int err;

	memset(initrd, 0x3c, sizeof(initrd));
	in.kernel = img;
	in.kernel_size = size;
	in.initrd = initrd;
	in.initrd_size = sizeof(initrd);
	in.cmdline = "console=ttyS0";
	in.memmap = qemu_mm;
	in.handover = true;
	in.fdt_addr = 0x3000000;
	in.fdt_size = 4096;
	in.scratch = sc;
	in.nscratch = 1;
	in.fw = &fw;
	in.purgatory = purg;
	in.purgatory_size = purg_size;
	err = ld_plan_build(&in, &p);
	if (!tap(!err && p.nseg == 4 && ld_x86_bp(&p.boot)->efi_sd &&
		 ld_x86_bp(&p.boot)->kho_sd && ld_x86_bp(&p.boot)->reloc_sd,
		 "plan check: a plan with initrd, EFI, KHO and relocation entries (%s)",
		 ld_errname(err))) {
		printf("# %s\n", p.why);
		goto out;
	}
	for (i = 0; i < sizeof(pc_rows) / sizeof(pc_rows[0]); i++) {
		struct ld_plan_in din = in;

		d = p;
		d.why[0] = 0;
		pc_damage(pc_rows[i].what, &d, &din);
		err = ld_plan_check(&din, &d);
		if (!tap(err == pc_rows[i].err && strstr(d.why, pc_rows[i].a) &&
			 strstr(d.why, pc_rows[i].b), "plan check: %s -> %s", pc_rows[i].name,
			 ld_errname(pc_rows[i].err)))
			printf("# got %s: %s\n", ld_errname(err), d.why);
		else if (err)
			printf("# %s\n", d.why);
	}
	{
		/* What the cmdline_size wrap did before the bound: layout refuses it. */
		struct ld_bzimage bz = *ld_x86_bz(&p.image);
		struct ld_bp_in bpi = { .bz = &bz, .cmdline = "x", .e820 = &qemu_mm,
					.handover = true, .fdt_addr = 0x3000000, .fdt_size = 4096,
					.scratch = sc, .nscratch = 1 };
		struct ld_bp_layout lay;

		bz.cmdline_size = 0xffffffff;
		tap(ld_bp_layout(&bpi, &lay) == LD_ERR_INVAL,
		    "plan check: ld_bp_layout with cmdline_size 0xffffffff (unparsed) -> LD_ERR_INVAL");
	}
out:
	ld_plan_free(&p);
	free(img);
}

/* ---- the purgatory, on the host ---------------------------------------- */

void purgatory_main(void);
extern struct purg_regs purgatory_regs;
extern struct purg_seg purgatory_segs[PURG_MAX_SEGS];
extern uint32_t purgatory_nsegs, purgatory_fault, purgatory_checksum;
extern struct purg_reloc purgatory_reloc;

static char serial[1024];
static size_t serial_len;
static uint64_t fake_tsc;
static jmp_buf stop_jmp;

void outb(uint8_t v, uint16_t port)
{
	if (port == 0x3f8 && serial_len < sizeof(serial) - 1)
		serial[serial_len++] = (char)v;
}

uint8_t inb(uint16_t port)
{
	return port == 0x3fd ? 0x20 : 0;	/* transmitter empty */
}

uint64_t rdtsc(void)
{
	return fake_tsc += 1000;
}

/* CR0/CR4 as kernel A's relocate_kernel leaves them: PG PE, PAE only. */
#define FAKE_CR4	(1ull << 5)
static uint64_t fake_cr4 = FAKE_CR4, cr4_max;

uint64_t read_cr0(void)
{
	return 0x80000001;
}

uint64_t read_cr4(void)
{
	return fake_cr4;
}

void write_cr4(uint64_t v)
{
	fake_cr4 = v;
	cr4_max |= v;
}

void stop(void)
{
	longjmp(stop_jmp, 1);
}

#define P_BASE	HB_ARENA_PHYS		/* hobuild's arena, identity mapped */
#define P_SIZE	(128ull << 20)

struct purg_row {
	const char *name;
	uint32_t fault;
	int loop;		/* make the setup_data chain point to itself */
	bool handover;
	const char *verdict;	/* HO_ERR_* on the command line, "ok", "stop", "none" */
	const char *line;	/* expected in the serial line */
	bool relocate;		/* --relocate-handover */
	bool low_scratch;	/* scratch starts at the arena: the FDT is in it */
	uint32_t checksum;	/* --checksum= (PURG_CHECKSUM_*) */
	unsigned int tamper;	/* PT_*: change what the loader poked or built */
};

/*
 * PT_NO_SCRATCH: no scratch at all (segments anywhere in RAM);
 * PT_FLAG_UNHASHED: the kernel segment marked PURG_SEG_UNHASHED after
 * planning (a loader bug); PT_EMPTY_TABLE: the scratch table in the boot
 * data zeroed after loading (unhashed segments then lie outside it).
 */
enum { PT_NO_SCRATCH = 1, PT_FLAG_UNHASHED = 2, PT_EMPTY_TABLE = 4 };

static const struct purg_row purg_rows[] = {
	{ "valid handover", PURG_FAULT_NONE, 0, true, "ok", "handover ok, ", false, false, 0, 0 },
	{ "valid handover, relocated on request", PURG_FAULT_NONE, 0, true, "ok",
	  "handover ok, relocated, ", true, false, 0, 0 },
	{ "FDT in scratch: relocated without asking", PURG_FAULT_NONE, 0, true, "ok",
	  "handover ok, relocated, ", false, true, 0, 0 },
	{ "no handover", PURG_FAULT_NONE, 0, false, "none", "no handover", false, false, 0, 0 },
	{ "fault FDT_MAGIC", PURG_FAULT_FDT_MAGIC, 0, true, "HO_ERR_BAD_MAGIC",
	  "handover rejected: HO_ERR_BAD_MAGIC", false, false, 0, 0 },
	{ "fault SCRATCH_UNALIGNED", PURG_FAULT_SCRATCH_UNALIGNED, 0, true,
	  "HO_ERR_SCRATCH_UNALIGNED", "booting without it", false, false, 0, 0 },
	{ "fault SCRATCH_OVERLAP", PURG_FAULT_SCRATCH_OVERLAP, 0, true,
	  "HO_ERR_SCRATCH_OVERLAP", "booting without it", false, false, 0, 0 },
	{ "fault KHO_DATA_SIZE", PURG_FAULT_KHO_DATA_SIZE, 0, true,
	  "HO_ERR_KHO_DATA_SIZE", "booting without it", false, false, 0, 0 },
	{ "fault LUO_COMPATIBLE", PURG_FAULT_LUO_COMPATIBLE, 0, true,
	  "HO_ERR_BAD_COMPATIBLE", "at luo:/", false, false, 0, 0 },
	{ "setup_data chain loops (loader bug): whole chain dropped", PURG_FAULT_NONE, 1, true,
	  "HO_ERR_SETUP_DATA_LOOP", "booting without it", false, false, 0, 0 },
	{ "fault IMAGE_CHECKSUM stops", PURG_FAULT_IMAGE_CHECKSUM, 0, true, "stop",
	  "SHA-256 mismatch, image corrupted: stopping", false, false, 0, 0 },
	/* --checksum=: what each policy catches, and what it does not. */
	{ "checksum=none: nothing hashed", PURG_FAULT_NONE, 0, true, "ok",
	  "sha=none, checksum=none: 0 of 3 segments hashed", false, false,
	  PURG_CHECKSUM_NONE, 0 },
	{ "checksum=none: a corrupted kernel byte is NOT detected, booted",
	  PURG_FAULT_IMAGE_CHECKSUM, 0, true, "ok", "checksum=none: 0 of 3", false, false,
	  PURG_CHECKSUM_NONE, 0 },
	{ "checksum=outside-scratch: every segment in scratch, corruption NOT detected",
	  PURG_FAULT_IMAGE_CHECKSUM, 0, true, "ok",
	  "sha=none, checksum=outside-scratch: 0 of 3 segments hashed", false, false,
	  PURG_CHECKSUM_OUTSIDE_SCRATCH, 0 },
	{ "checksum=outside-scratch, no scratch: a corrupted kernel outside it stops",
	  PURG_FAULT_IMAGE_CHECKSUM, 0, false, "stop",
	  "segment 0 at 0x", false, false, PURG_CHECKSUM_OUTSIDE_SCRATCH, PT_NO_SCRATCH },
	{ "checksum=outside-scratch, no handover carried: all hashed, no fault", PURG_FAULT_NONE,
	  0, false, "none", "checksum=outside-scratch: 3 of 3 segments hashed", false, false,
	  PURG_CHECKSUM_OUTSIDE_SCRATCH, 0 },
	{ "checksum=all: a PURG_SEG_UNHASHED flag (loader bug) does not weaken it: stops",
	  PURG_FAULT_NONE, 0, true, "stop", "SHA-256 mismatch, image corrupted: stopping",
	  false, false, PURG_CHECKSUM_ALL, PT_FLAG_UNHASHED },
	{ "checksum=outside-scratch: scratch table emptied: unhashed segment outside it stops",
	  PURG_FAULT_NONE, 0, true, "stop",
	  "not hashed (checksum=outside-scratch) and not inside the handover's scratch: stopping",
	  false, false, PURG_CHECKSUM_OUTSIDE_SCRATCH, PT_EMPTY_TABLE },
};

/*
 * sha: "c" runs the row with luo_purgatory.sha=c (the generic code), NULL
 * with the default (SHA-NI where this CPU has it, SSE enabled around it).
 */
static void purg_run(const struct purg_row *r, uint8_t *mem, struct hb *h,
		     const char *sha)
{
	const char *base = sha ? "console=ttyS0 luo_purgatory.sha=c" : "console=ttyS0";
	const char *want_sha = sha ? "c" : ho_sha256_have(HO_SHA256_NI) ? "ni" : "c";
	const char *want_sum = ld_checksum_name(r->checksum), *label = want_sha;
	/* Nothing hashed: no implementation picked, SSE never enabled. */
	bool none = r->checksum == PURG_CHECKSUM_NONE ||
		    (r->checksum == PURG_CHECKSUM_OUTSIDE_SCRATCH && r->handover);
	char want_cl[128], want_line[64];
	static const struct ho_mem_range e820[] = {
		{ P_BASE, P_SIZE, HO_MEM_RAM },
		/* hobuild's preserved-memory-map and folios: checked, never read */
		{ P_BASE + P_SIZE, 0x80000000 - P_BASE - P_SIZE, HO_MEM_RAM },
	};
	static const struct ho_scratch sc[] = {
		{ P_BASE + (8 << 20), 64 << 20 }, { P_BASE + (80 << 20), 32 << 20 },
	};
	static const struct ho_scratch sc_low[] = {
		{ P_BASE, 64 << 10 }, { P_BASE + (8 << 20), 64 << 20 },
	};
	struct ld_plan_in in = { 0 };
	struct ld_plan p;
	struct ld_elf e;
	uint8_t initrd[65536];
	uint64_t off, head, sd;
	size_t size;
	uint8_t *img = mk_bz(&bz_ok, 300 * KiB, &size);
	const char *cl, *v;
	char want[96];
	unsigned int i;
	bool stopped = false, linked, ok;
	int err;

	memset(mem, 0, P_SIZE);
	memcpy(mem, h->arena, HB_ARENA_SIZE);
	memset(initrd, 0xa5, sizeof(initrd));
	in.kernel = img;
	in.kernel_size = size;
	in.initrd = initrd;
	in.initrd_size = sizeof(initrd);
	in.cmdline = base;
	/* Without handover all RAM is allowed: keep to the mapped part. */
	in.memmap = (struct ho_memmap){ e820, r->handover ? 2 : 1 };
	in.handover = r->handover;
	in.fdt_addr = h->kd.fdt_addr;
	in.fdt_size = h->kd.fdt_size;
	in.scratch = r->low_scratch ? sc_low : sc;
	in.nscratch = r->tamper & PT_NO_SCRATCH ? 0 : 2;
	in.purgatory = purg;
	in.purgatory_size = purg_size;
	in.fault = r->fault;
	in.relocate = r->relocate;
	in.checksum = r->checksum;
	if (none) {
		label = sha ? "none, c asked" : "none";
		want_sha = "none";
	}
	err = ld_plan_build(&in, &p);
	if (!tap(!err, "purgatory (sha=%s): %s: planned (%s)", label, r->name,
		 ld_errname(err))) {
		printf("# %s\n", p.why);
		goto out;
	}
	/* "Load" the segments, as the old kernel's relocate_kernel does. */
	for (i = 0; i < p.nseg; i++)
		memcpy(mem + (p.seg[i].mem - P_BASE), p.seg[i].buf, p.seg[i].bufsz);
	/* The purgatory's parameters, as the loader poked them. */
	ld_elf_open(&e, purg, purg_size);
	ld_elf_symbol(&e, "purgatory_regs", &off, NULL);
	memcpy(&purgatory_regs, (uint8_t *)p.purg_buf + off, sizeof(purgatory_regs));
	ld_elf_symbol(&e, "purgatory_segs", &off, NULL);
	memcpy(purgatory_segs, (uint8_t *)p.purg_buf + off, sizeof(purgatory_segs));
	ld_elf_symbol(&e, "purgatory_nsegs", &off, NULL);
	memcpy(&purgatory_nsegs, (uint8_t *)p.purg_buf + off, sizeof(purgatory_nsegs));
	ld_elf_symbol(&e, "purgatory_fault", &off, NULL);
	memcpy(&purgatory_fault, (uint8_t *)p.purg_buf + off, sizeof(purgatory_fault));
	ld_elf_symbol(&e, "purgatory_reloc", &off, NULL);
	memcpy(&purgatory_reloc, (uint8_t *)p.purg_buf + off, sizeof(purgatory_reloc));
	ld_elf_symbol(&e, "purgatory_checksum", &off, NULL);
	memcpy(&purgatory_checksum, (uint8_t *)p.purg_buf + off, sizeof(purgatory_checksum));
	if (r->tamper & PT_FLAG_UNHASHED) {
		/* as the loader marks a skipped segment: no length, no digest */
		purgatory_segs[0].flags |= PURG_SEG_UNHASHED;
		purgatory_segs[0].len = 0;
		memset(purgatory_segs[0].sha256, 0, sizeof(purgatory_segs[0].sha256));
	}
	if (r->tamper & PT_EMPTY_TABLE)
		memset(mem + (p.seg[p.nseg - 1].mem + p.boot.table_off - P_BASE), 0,
		       p.nscratch * 16);

	head = ho_get_u64(mem + (purgatory_regs.rsi - P_BASE) + 0x250);
	if (r->loop && head) {
		/* A loader bug, not a corruption: the digest agrees. */
		struct purg_seg *bs = &purgatory_segs[p.nseg - 1];

		ho_put_u64(mem + (head - P_BASE), head);	/* entry's next = itself */
		ho_sha256(mem + (bs->mem - P_BASE), bs->len, bs->sha256);
	}
	serial_len = 0;
	memset(serial, 0, sizeof(serial));
	fake_cr4 = FAKE_CR4;
	cr4_max = 0;
	if (setjmp(stop_jmp))
		stopped = true;
	else
		purgatory_main();

	cl = (const char *)mem + (p.seg[p.nseg - 1].mem - P_BASE) + ld_x86_bp(&p.boot)->cmdline;
	head = ho_get_u64(mem + (purgatory_regs.rsi - P_BASE) + 0x250);
	{
		struct ho_phys id = { .map = ho_phys_identity_map };

		linked = !ho_sd_find(&id, head, HO_SETUP_KEXEC_KHO, &sd);
	}
	printf("# serial: %.*s", (int)serial_len, serial);
	printf("# command line: %s\n", cl);
	v = r->verdict;
	/* SSE (CR4.OSFXSR) enabled only for SHA-NI; CR4 as found after it. */
	ok = (stopped || fake_cr4 == FAKE_CR4) &&
	     !!(cr4_max & (1ull << 9)) == !strcmp(want_sha, "ni");
	/* The loader computed a digest exactly for what the purgatory checks. */
	for (i = 0; !(r->tamper & PT_FLAG_UNHASHED) && i < p.nseg; i++) {
		const struct purg_seg *s = &purgatory_segs[i];
		bool self = p.seg[i].buf == p.purg_buf, hashed = !!(p.hashed_mask & (1u << i));
		static const uint8_t zero[32];

		ok &= self ? !hashed && s->flags == PURG_SEG_SELF :
		      hashed ? !(s->flags & PURG_SEG_UNHASHED) && s->len == p.seg[i].bufsz :
		      (s->flags & PURG_SEG_UNHASHED) && !s->len && !memcmp(s->sha256, zero, 32);
	}
	ok &= p.hashed == (none ? 0 : p.nseg - 1);
	/* Booted with the corruption in place: what none gives up. */
	if (r->fault == PURG_FAULT_IMAGE_CHECKSUM && !strcmp(r->verdict, "ok"))
		ok &= mem[p.seg[0].mem - P_BASE] ==
		      (uint8_t)(((const uint8_t *)p.seg[0].buf)[0] ^ 1);
	snprintf(want_line, sizeof(want_line), "sha=%s", want_sha);
	if (!strcmp(v, "stop")) {
		ok &= stopped && !strcmp(cl, base);
	} else if (!strcmp(v, "none")) {
		ok &= !stopped && !strcmp(cl, base) && !head && strstr(serial, want_line);
	} else if (!strcmp(v, "ok")) {
		struct ho_handover kd;
		uint64_t area = p.seg[p.nseg - 1].mem + ld_x86_bp(&p.boot)->reloc_sd + 16;
		size_t bl = strlen(base);
		char *end;

		snprintf(want_cl, sizeof(want_cl), " luo_stage.sha=%s luo_stage.checksum=%s",
			 want_sha, want_sum);
		ok &= !stopped && linked && !strncmp(cl, base, bl) &&
		      !strncmp(cl + bl, " luo_stage.cycles=", 18) &&
		      strtoull(cl + bl + 18, &end, 10) > 0 && !strcmp(end, want_cl) &&
		      strstr(serial, want_line);
		memcpy(&kd, mem + (sd - P_BASE) + 16, sizeof(kd));
		if (r->relocate || r->low_scratch)	/* the copies, byte for byte */
			ok &= kd.fdt_addr == area && kd.scratch_addr > area &&
			      !memcmp(mem + (area - P_BASE), h->arena + (h->kd.fdt_addr - P_BASE),
				      h->kd.fdt_size) &&
			      !memcmp(mem + (kd.scratch_addr - P_BASE), p.scratch,
				      kd.scratch_size);
		else
			ok &= kd.fdt_addr == h->kd.fdt_addr;
	} else {
		snprintf(want, sizeof(want), "%s luo_stage.err=%s luo_stage.checksum=%s", base, v,
			 want_sum);
		ok &= !stopped && !linked && !strcmp(cl, want) && (!r->loop || !head);
	}
	tap(ok && strstr(serial, r->line) && !strncmp(serial, "luo-purgatory: ", 15) &&
	    strchr(serial, '\n') == serial + serial_len - 1,
	    "purgatory (sha=%s): %s -> %s, one line \"...%s...\"", label, r->name, v,
	    r->line);
out:
	ld_plan_free(&p);
	free(img);
}

/*
 * The running system's facts (struct ld_fw.la57): a bzImage without
 * XLF_5LEVEL is refused where the running kernel uses 5-level paging, and
 * only there; no facts (a test memory map) refuses nothing.
 */
static void test_target_check(void)
{
	static uint8_t efi_info[32], efi_map[3 * 40], efi_sd[96];
	static const struct ld_fw efi_la57 = { efi_info, efi_map, sizeof(efi_map), efi_sd,
					       sizeof(efi_sd), 0, true };
	static const struct ld_fw efi_4lvl = { efi_info, efi_map, sizeof(efi_map), efi_sd,
					       sizeof(efi_sd), 0, false };
	static const struct ld_fw noefi_la57 = { .la57 = true };
	static const struct ld_fw noefi_4lvl = { .la57 = false };
	static const struct {
		const char *name;
		uint16_t xlf;
		const struct ld_fw *fw;
		int err;
		bool efi;
	} rows[] = {
		{ "5-level system, image without XLF_5LEVEL", 0x3, &efi_la57,
		  LD_ERR_BZ_NO_5LEVEL, false },
		{ "5-level system without EFI, image without XLF_5LEVEL", 0x1b, &noefi_la57,
		  LD_ERR_BZ_NO_5LEVEL, false },
		{ "5-level system, image with XLF_5LEVEL", 0x23, &efi_la57, LD_OK, true },
		{ "5-level system without EFI, image with XLF_5LEVEL", 0x23, &noefi_la57,
		  LD_OK, false },
		{ "4-level system, image without XLF_5LEVEL", 0x3, &efi_4lvl, LD_OK, true },
		{ "4-level system without EFI, image without XLF_5LEVEL", 0x3, &noefi_4lvl,
		  LD_OK, false },
		{ "no system facts (test memory map), image without XLF_5LEVEL", 0x3, NULL,
		  LD_OK, false },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bz_opts o = bz_ok;
		struct ld_plan_in in = { 0 };
		struct ld_plan p;
		size_t size;
		uint8_t *img;
		int err;

		o.xlf = rows[i].xlf;
		img = mk_bz(&o, 300 * KiB, &size);
		in.kernel = img;
		in.kernel_size = size;
		in.cmdline = "console=ttyS0";
		in.memmap = qemu_mm;
		in.fw = rows[i].fw;
		in.purgatory = purg;
		in.purgatory_size = purg_size;
		err = ld_plan_build(&in, &p);
		if (!tap(err == rows[i].err &&
			 (err ? strstr(p.why, "lack XLF_5LEVEL") != NULL :
			  !ld_x86_bp(&p.boot)->efi_sd == !rows[i].efi),
			 "target check: %s -> %s", rows[i].name, ld_errname(rows[i].err)))
			printf("# got %s: %s\n", ld_errname(err), p.why);
		ld_plan_free(&p);
		free(img);
	}
}

static void test_purgatory(void)
{
	struct hb_params hp;
	struct hb h = { 0 };
	uint8_t *mem;
	size_t i;

	mem = mmap((void *)(uintptr_t)P_BASE, P_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE,
		   -1, 0);
	if (mem != (void *)(uintptr_t)P_BASE) {
		tap(true, "purgatory # SKIP cannot map %#llx", (unsigned long long)P_BASE);
		return;
	}
	hb_params_default(&hp);
	if (tap(!hb_build(&h, &hp, HB_NONE, ho_schemas), "purgatory: hobuild handover"))
		for (i = 0; i < sizeof(purg_rows) / sizeof(purg_rows[0]); i++) {
			purg_run(&purg_rows[i], mem, &h, NULL);
			purg_run(&purg_rows[i], mem, &h, "c");
		}
	hb_free(&h);
	munmap(mem, P_SIZE);
}

static void test_names(void)
{
	tap(!strcmp(ld_errname(LD_ERR_NO_SPACE), "LD_ERR_NO_SPACE") &&
	    !strcmp(ld_errname(0), "LD_OK") &&
	    !strcmp(ld_errname(-999), "LD_ERR_UNKNOWN") &&
	    strlen(ld_strerror(LD_ERR_ELF)) > 5,
	    "errors: names and messages");
}

/* ---- the arch table (ld_arch, ld_image_probe) ------------------------- */

/* Fake image types: "AAAA" files are type a's, "BBBB" type b's. */
static int probe_magic(const void *buf, size_t len, struct ld_image *img,
		       const char *magic, int err)
{
	if (len < 4 || memcmp(buf, magic, 4)) {
		snprintf(img->why, sizeof(img->why), "no %s magic", magic);
		return err;
	}
	img->file = buf;
	img->size = len;
	img->cmdline_max = 100;
	return LD_OK;
}

static int probe_a(const void *buf, size_t len, struct ld_image *img)
{
	return probe_magic(buf, len, img, "AAAA", LD_ERR_BZ_MAGIC);
}

static int probe_b(const void *buf, size_t len, struct ld_image *img)
{
	return probe_magic(buf, len, img, "BBBB", LD_ERR_INVAL);
}

static const struct ld_image_type two_types[] = { { "a", probe_a }, { "b", probe_b } };

static void test_arch_table(void)
{
	static const struct {
		const char *name;
		unsigned int ntypes;
		const char *type, *file;
		int err;
		const char *taken, *why;	/* type that took it; words in why */
	} rows[] = {
		{ "first type takes its file", 2, NULL, "AAAA....", LD_OK, "a", "" },
		{ "second type takes what the first refuses", 2, NULL, "BBBB....", LD_OK, "b", "" },
		{ "no type takes it: LD_ERR_IMAGE_TYPE with every reason", 2, NULL, "CCCC....",
		  LD_ERR_IMAGE_TYPE, NULL, "a: LD_ERR_BZ_MAGIC (no AAAA magic); b: LD_ERR_INVAL" },
		{ "one type: its own code and reason", 1, NULL, "CCCC....", LD_ERR_BZ_MAGIC, NULL,
		  "no AAAA magic" },
		{ "--type names one: only it is probed", 2, "b", "AAAA....", LD_ERR_INVAL, NULL,
		  "no BBBB magic" },
		{ "--type names one that takes it", 2, "b", "BBBB....", LD_OK, "b", "" },
		{ "--type names none of them", 2, "zImage", "AAAA....", LD_ERR_INVAL, NULL,
		  "no image type 'zImage'" },
		{ "a file too short for any magic", 2, NULL, "AA", LD_ERR_IMAGE_TYPE, NULL,
		  "no AAAA magic" },
	};
	struct ld_image img;
	size_t i, size;
	uint8_t *bz;
	int err;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		err = ld_image_probe(two_types, rows[i].ntypes, rows[i].type, rows[i].file,
				     strlen(rows[i].file), &img);
		if (!tap(err == rows[i].err && (rows[i].taken ? img.type &&
				!strcmp(img.type->name, rows[i].taken) : !img.type) &&
			 strstr(img.why, rows[i].why), "arch table: %s -> %s", rows[i].name,
			 ld_errname(rows[i].err)))
			printf("# got %s: %s\n", ld_errname(err), img.why);
	}

	/* The arch built in: x86_64 with its one type, bzImage. */
	bz = mk_bz(&bz_ok, 300 * KiB, &size);
	err = ld_image_probe(ld_arch.types, ld_arch.ntypes, NULL, bz, size, &img);
	tap(!err && !strcmp(ld_arch.name, "x86_64") && ld_arch.ntypes == 1 &&
	    !strcmp(img.type->name, "bzImage") && img.load_off == 5 * 512 &&
	    img.entry_off == 0x200 && img.cmdline_max == 2047 && img.align == 2 * MiB &&
	    img.pref_addr == 16 * MiB && img.memsz == 12 * MiB && img.below_pref &&
	    ld_x86_bz(&img)->version == 0x020f,
	    "arch table: x86_64 probes a bzImage (%s)", ld_errname(err));
	err = ld_image_probe(ld_arch.types, ld_arch.ntypes, "Image", bz, size, &img);
	tap(err == LD_ERR_INVAL && strstr(img.why, "no image type 'Image'"),
	    "arch table: x86_64 has no Image type -> LD_ERR_INVAL");
	bz[0x1fe] = 0;
	err = ld_image_probe(ld_arch.types, ld_arch.ntypes, NULL, bz, size, &img);
	tap(err == LD_ERR_BZ_MAGIC && strstr(img.why, "boot_flag 0xaa00"),
	    "arch table: a bad boot flag keeps bzImage's own code LD_ERR_BZ_MAGIC");
	free(bz);
	tap(ld_arch.page_size == 4096 && ld_arch.min_addr == 1 * MiB &&
	    ld_arch.elf_machine == 62 && ld_arch.boot_layout && ld_arch.boot_build &&
	    ld_arch.boot_pieces && ld_arch.purgatory_jump && ld_arch.elf_rela &&
	    ld_arch.describe && !strcmp(ld_arch.boot_name, "boot_params"),
	    "arch table: x86_64 fills every field");
	tap(!strcmp(ld_errname(LD_ERR_BZ_HEADER), "LD_ERR_BZ_HEADER") &&
	    !strcmp(ld_errname(LD_ERR_TOO_MANY_E820), "LD_ERR_TOO_MANY_E820") &&
	    !strcmp(ld_errname(LD_ERR_IMAGE_TYPE), "LD_ERR_IMAGE_TYPE") &&
	    strstr(ld_strerror(LD_ERR_BZ_TRUNCATED), "shorter than its setup header"),
	    "arch table: the arch's error codes have names and messages");
}

int main(int argc, char **argv)
{
	FILE *f;
	long n;

	if (argc != 2) {
		fprintf(stderr, "usage: test-loader PURGATORY.ro\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0) {
		fprintf(stderr, "test-loader: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	rewind(f);
	purg_size = (size_t)n;
	purg = malloc(purg_size);
	if (fread(purg, 1, purg_size, f) != purg_size)
		return 2;
	fclose(f);

	test_names();
	test_arch_table();
	test_bzimage();
	test_bzimage_fields();
	test_place();
	test_bootparams();
	test_elf();
	test_plan();
	test_plan_check();
	test_target_check();
	test_purgatory();
	free(purg);
	return tap_done();
}
