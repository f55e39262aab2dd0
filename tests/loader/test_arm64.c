// SPDX-License-Identifier: GPL-2.0-only
/*
 * The loader's arm64 module on the host (check-unit-loader): the Image
 * header probe and the DTB the next kernel boots with, through the module's
 * own table (arch_arm64.c built here as ld_arch, beside the x86
 * module the rest of the test binaries link). One row per case; every
 * edited DTB is read back with libfdt and checked property by property.
 */
#include <elf.h>
#include <errno.h>
#include <linux/kexec.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <libfdt.h>

#include <ho/arm64.h>
#include <ho/check.h>

#include "hobuild.h"
#include "ld_arm64.h"
#include "purgatory.h"
#include "tap.h"

#define errname ld_errname

/* ---- Image headers --------------------------------------------------------- */

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#define F4K	((1ull << 1) | (1ull << 3))
#define F16K	((2ull << 1) | (1ull << 3))
#define F64K	((3ull << 1) | (1ull << 3))

static const struct image_row {
	const char *name;
	size_t len;			/* file bytes */
	const char *magic;
	uint64_t text_offset, image_size, flags;
	int err;
	uint64_t page;			/* expected page size */
	const char *why;		/* expected in img.why on failure */
} image_rows[] = {
	{ "valid 4K", 8192, "ARM\x64", 0, 2 << 20, F4K, LD_OK, 4096, NULL },
	{ "valid 16K", 8192, "ARM\x64", 0, 2 << 20, F16K, LD_OK, 16384, NULL },
	{ "valid 64K", 8192, "ARM\x64", 0, 2 << 20, F64K, LD_OK, 65536, NULL },
	{ "page size unspecified", 8192, "ARM\x64", 0, 2 << 20, 1ull << 3, LD_OK, 0, NULL },
	{ "reserved flag bits ignored", 8192, "ARM\x64", 0, 2 << 20, F4K | (0xffull << 8),
	  LD_OK, 4096, NULL },
	{ "image_size == file size", 8192, "ARM\x64", 0, 8192, F4K, LD_OK, 4096, NULL },
	{ "bad magic", 8192, "ARMe", 0, 2 << 20, F4K, LD_ERR_A64_MAGIC, 0, "magic at 0x38" },
	{ "x86 magic (MZ only)", 8192, "\0\0\0\0", 0, 2 << 20, F4K, LD_ERR_A64_MAGIC, 0, "0x38" },
	{ "truncated header (63 bytes)", 63, "ARM\x64", 0, 2 << 20, F4K, LD_ERR_A64_SHORT, 0,
	  "63 bytes" },
	{ "empty file", 0, "ARM\x64", 0, 2 << 20, F4K, LD_ERR_A64_SHORT, 0, "0 bytes" },
	{ "image_size 0", 8192, "ARM\x64", 0, 0, F4K, LD_ERR_A64_HEADER, 0, "image_size 0" },
	{ "image_size huge (2^63)", 8192, "ARM\x64", 0, 1ull << 63, F4K, LD_ERR_A64_HEADER, 0,
	  "exceeds" },
	{ "image_size all ones", 8192, "ARM\x64", 0, UINT64_MAX, F4K, LD_ERR_A64_HEADER, 0,
	  "exceeds" },
	{ "image_size 1 GiB + 1", 8192, "ARM\x64", 0, (1ull << 30) + 1, F4K, LD_ERR_A64_HEADER, 0,
	  "exceeds" },
	{ "image_size below the file size", 8192, "ARM\x64", 0, 4096, F4K, LD_ERR_A64_HEADER, 0,
	  "smaller than the file" },
	{ "unaligned text_offset", 8192, "ARM\x64", 0x80001, 2 << 20, F4K, LD_ERR_A64_HEADER, 0,
	  "text_offset 0x80001" },
	{ "text_offset 2 MiB", 8192, "ARM\x64", 2 << 20, 2 << 20, F4K, LD_ERR_A64_HEADER, 0,
	  "text_offset 0x200000" },
	{ "text_offset all ones", 8192, "ARM\x64", UINT64_MAX, 2 << 20, F4K, LD_ERR_A64_HEADER, 0,
	  "text_offset" },
	{ "text_offset 0x80000 (pre-5.8)", 8192, "ARM\x64", 0x80000, 2 << 20, F4K,
	  LD_ERR_A64_TEXT_OFFSET, 0, "text_offset 0x80000" },
	{ "big-endian flag", 8192, "ARM\x64", 0, 2 << 20, F4K | 1, LD_ERR_A64_BIG_ENDIAN, 0,
	  "big endian" },
	{ "phys placement bit 3 clear", 8192, "ARM\x64", 0, 2 << 20, 1ull << 1,
	  LD_ERR_A64_PLACEMENT, 0, "bit 3 clear" },
};

static void test_images(void)
{
	const struct ld_image_type *t = &ld_arch.types[0];
	unsigned int i;

	tap(ld_arch.ntypes == 1 && !strcmp(t->name, "Image") &&
	    ld_arch.kexec_arch == KEXEC_ARCH_AARCH64,
	    "arm64: one image type, \"Image\"; KEXEC_ARCH_AARCH64");
	tap(ld_arch.elf_machine == EM_AARCH64 && ld_arch.page_size == 65536 &&
	    !strcmp(ld_arch.boot_name, "dtb"),
	    "arm64: EM_AARCH64, 64 KiB segment granularity, boot data \"dtb\"");
	for (i = 0; i < sizeof(image_rows) / sizeof(image_rows[0]); i++) {
		const struct image_row *r = &image_rows[i];
		struct ld_image img;
		uint8_t *buf = calloc(1, r->len + 64);
		bool ok;
		int err;

		memcpy(buf + 0x38, r->magic, 4);
		put64(buf + 0x08, r->text_offset);
		put64(buf + 0x10, r->image_size);
		put64(buf + 0x18, r->flags);
		memset(&img, 0, sizeof(img));
		err = ld_image_probe(t, 1, NULL, buf, r->len, &img);
		ok = err == r->err;
		if (ok && !err)
			ok = img.memsz == r->image_size && img.align == (2u << 20) &&
			     img.entry_off == 0 && img.load_off == 0 && img.size == r->len &&
			     ld_a64_page_size(&img) == r->page && img.page_size == r->page &&
			     img.cmdline_max == 2047;
		if (ok && err)
			ok = strstr(img.why, r->why) != NULL;
		if (!tap(ok, "arm64 Image: %s -> %s", r->name, errname(r->err)))
			printf("# got %s, why \"%s\", memsz 0x%llx page %llu\n", errname(err),
			       img.why, (unsigned long long)img.memsz,
			       (unsigned long long)ld_a64_page_size(&img));
		free(buf);
	}
}

/* ---- the DTB as the boot data -------------------------------------------- */

#define STALE_FDT	0x4000000ull
#define STALE_TABLE	0x4100000ull
#define OTHER_RSV	0x8000000ull
/* A handover the previous boot's purgatory relocated: FDT, then the table. */
#define MOVED_FDT	0x4200000ull
#define MOVED_TABLE	(MOVED_FDT + 0x10000)
#define MOVED_AREA	(0x10000 + 0x20)

enum {
	NO_CHOSEN = 1 << 0,	/* the source has no /chosen */
	STALE = 1 << 1,		/* old linux,kho-*, initrd props and table /memreserve/ */
	HANDOVER = 1 << 2,	/* carry a handover */
	INITRD = 1 << 3,
	SEEDS = 1 << 4,		/* the source has kaslr-seed and rng-seed (16 bytes) */
	ROOMY = 1 << 5,		/* the source has spare room (not packed) */
	NO_FW = 1 << 6,		/* no DTB given */
	GARBAGE = 1 << 7,	/* the "DTB" is not one */
	HIGH = 1 << 8,		/* addresses above 4 GiB */
	NO_CELLS = 1 << 9,	/* the root has no #address-cells / #size-cells */
	MOVED = 1 << 10,	/* old linux,kho-* of a relocated handover, its area /memreserve/d */
	RELOC = 1 << 11,	/* lay out the relocation area (ld_boot_in.reloc_area) */
};

static const struct dtb_row {
	const char *name;
	int ac, sc;		/* root cells */
	unsigned int flags;
	int err;
} dtb_rows[] = {
	{ "cells 2/2, handover + initrd", 2, 2, HANDOVER | INITRD, LD_OK },
	{ "cells 1/1, handover + initrd", 1, 1, HANDOVER | INITRD, LD_OK },
	{ "cells 1/2, handover", 1, 2, HANDOVER, LD_OK },
	{ "cells 2/1, handover", 2, 1, HANDOVER, LD_OK },
	{ "no cells in the root (libfdt defaults 2/1)", 0, 0, NO_CELLS | HANDOVER, LD_OK },
	{ "missing /chosen is created", 2, 2, NO_CHOSEN | HANDOVER | INITRD, LD_OK },
	{ "stale linux,kho-* and initrd replaced", 2, 2, STALE | HANDOVER | INITRD, LD_OK },
	{ "stale props removed without handover or initrd", 2, 2, STALE, LD_OK },
	{ "stale props, cells 1/1", 1, 1, STALE | HANDOVER, LD_OK },
	{ "stale relocated handover: its area's /memreserve/ removed", 2, 2,
	  MOVED | HANDOVER | INITRD, LD_OK },
	{ "stale relocated handover, cells 1/1, no handover now", 1, 1, MOVED, LD_OK },
	{ "relocation area after the scratch table", 2, 2, RELOC | HANDOVER | INITRD, LD_OK },
	{ "relocation area, cells 1/1, stale relocated handover", 1, 1,
	  RELOC | MOVED | HANDOVER, LD_OK },
	{ "relocation area asked without a handover: none", 2, 2, RELOC, LD_OK },
	{ "no room in a packed source: grows", 2, 2, STALE | HANDOVER | INITRD | SEEDS, LD_OK },
	{ "source with spare room", 2, 2, ROOMY | HANDOVER, LD_OK },
	{ "kaslr-seed and rng-seed refilled", 2, 2, SEEDS | HANDOVER, LD_OK },
	{ "cells 2/2 above 4 GiB", 2, 2, HIGH | HANDOVER | INITRD, LD_OK },
	{ "cells 1/1 above 4 GiB refused", 1, 1, HIGH | HANDOVER, LD_ERR_DTB_EDIT },
	{ "no DTB to pass on", 2, 2, NO_FW | HANDOVER, LD_ERR_DTB },
	{ "source is not an FDT", 2, 2, GARBAGE | HANDOVER, LD_ERR_DTB },
};

static void cells(uint8_t *p, int n, uint64_t v)
{
	if (n == 2) {
		fdt32_st(p, (uint32_t)(v >> 32));
		p += 4;
	}
	fdt32_st(p, (uint32_t)v);
}

/* /chosen's linux,kho-fdt and linux,kho-scratch in ac/sc cells */
static void kho_pair(void *fdt, int chosen, int ac, int sc, uint64_t fdt_addr,
		     uint64_t fdt_size, uint64_t table, uint64_t table_size)
{
	uint8_t pair[16];

	cells(pair, ac, fdt_addr);
	cells(pair + ac * 4, sc, fdt_size);
	fdt_setprop(fdt, chosen, "linux,kho-fdt", pair, (ac + sc) * 4);
	cells(pair, ac, table);
	cells(pair + ac * 4, sc, table_size);
	fdt_setprop(fdt, chosen, "linux,kho-scratch", pair, (ac + sc) * 4);
}

static uint64_t number(const void *fdt, int node, const char *prop, int n, int at, bool *ok)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt, node, prop, &len);
	uint64_t v;

	if (!p || len < (at + n) * 4) {
		*ok = false;
		return 0;
	}
	p += at * 4;
	v = fdt32_ld((const fdt32_t *)p);
	if (n == 2)
		v = v << 32 | fdt32_ld((const fdt32_t *)(p + 4));
	return v;
}

/* The source DTB of a row (malloc()ed). */
static void *make_src(const struct dtb_row *r, int *size)
{
	int cap = 8192, chosen, mem;
	void *fdt = calloc(1, cap);
	uint8_t reg[16];
	int ac = r->flags & NO_CELLS ? 2 : r->ac, sc = r->flags & NO_CELLS ? 1 : r->sc;

	fdt_create_empty_tree(fdt, cap);
	if (!(r->flags & NO_CELLS)) {
		fdt_setprop_u32(fdt, 0, "#address-cells", r->ac);
		fdt_setprop_u32(fdt, 0, "#size-cells", r->sc);
	}
	fdt_setprop_string(fdt, 0, "compatible", "linux,dummy-virt");
	mem = fdt_add_subnode(fdt, 0, "memory@40000000");
	fdt_setprop_string(fdt, mem, "device_type", "memory");
	cells(reg, ac, 0x40000000);
	cells(reg + ac * 4, sc, 0x40000000);
	fdt_setprop(fdt, mem, "reg", reg, (ac + sc) * 4);
	fdt_add_mem_rsv(fdt, OTHER_RSV, 0x1000);
	if (!(r->flags & NO_CHOSEN)) {
		chosen = fdt_add_subnode(fdt, 0, "chosen");
		fdt_setprop_string(fdt, chosen, "stdout-path", "/pl011@9000000");
		fdt_setprop_string(fdt, chosen, "bootargs", "console=ttyAMA0 old");
		if (r->flags & STALE) {
			kho_pair(fdt, chosen, ac, sc, STALE_FDT, 0x10000, STALE_TABLE, 0x20);
			fdt_setprop_u64(fdt, chosen, "linux,initrd-start", 0x48000000);
			fdt_setprop_u64(fdt, chosen, "linux,initrd-end", 0x48100000);
			fdt_add_mem_rsv(fdt, STALE_TABLE, 0x20);
		}
		if (r->flags & MOVED) {
			kho_pair(fdt, chosen, ac, sc, MOVED_FDT, 0x10000, MOVED_TABLE, 0x20);
			fdt_add_mem_rsv(fdt, MOVED_FDT, MOVED_AREA);
			/* not the area: kept */
			fdt_add_mem_rsv(fdt, MOVED_FDT, 0x10000);
		}
		if (r->flags & SEEDS) {
			static const uint8_t zero[16];

			fdt_setprop_u64(fdt, chosen, "kaslr-seed", 0);
			fdt_setprop(fdt, chosen, "rng-seed", zero, sizeof(zero));
		}
	}
	if (!(r->flags & ROOMY))
		fdt_pack(fdt);
	*size = (int)fdt_totalsize(fdt);
	return fdt;
}

/* The /memreserve/ entries of fdt: has [a, a + s)? how many in all? */
static bool has_rsv(const void *fdt, uint64_t a, uint64_t s)
{
	int i, n = fdt_num_mem_rsv(fdt);
	uint64_t x, y;

	for (i = 0; i < n; i++)
		if (!fdt_get_mem_rsv(fdt, i, &x, &y) && x == a && y == s)
			return true;
	return false;
}

/* The first failed condition of a row (needs ok and bad[] in scope). */
#define CHECK(cond, ...) do { \
		if (ok && !(cond)) { \
			snprintf(bad, sizeof(bad), __VA_ARGS__); \
			ok = false; \
		} \
	} while (0)

static void test_dtb(void)
{
	static const struct ho_scratch table[2] = {
		{ 0x50000000, 0x4000000 }, { 0x60000000, 0x1000000 },
	};
	const char *cmdline = "console=ttyAMA0 kho=on liveupdate=on";
	unsigned int i;

	for (i = 0; i < sizeof(dtb_rows) / sizeof(dtb_rows[0]); i++) {
		const struct dtb_row *r = &dtb_rows[i];
		int ac = r->flags & NO_CELLS ? 2 : r->ac, sc = r->flags & NO_CELLS ? 1 : r->sc;
		uint64_t base = r->flags & HIGH ? 0x840000000ull : 0x50000000ull;
		uint64_t phys = base + 0x3000000, tbl = 0, v;
		struct ld_image img = { 0 };
		struct ld_boot_in in;
		struct ld_boot b;
		struct ld_fw fw;
		const struct ld_a64_layout *lay = (const struct ld_a64_layout *)b.arch;
		char bad[200] = "";
		int srcsize = 0, chosen, len, err;
		void *src = make_src(r, &srcsize), *buf = NULL;
		bool ok = true;
		unsigned int k;

		memset(&fw, 0, sizeof(fw));
		for (k = 0; k < sizeof(fw.seed); k++)
			fw.seed[k] = (uint8_t)(0xa5 ^ k);
		if (r->flags & GARBAGE)
			memset(src, 0x5a, srcsize);
		fw.dtb = src;
		fw.dtb_size = (uint32_t)srcsize;
		memset(&in, 0, sizeof(in));
		in.image = &img;
		in.cmdline = cmdline;
		in.kernel_mem = base;
		if (r->flags & INITRD) {
			in.initrd_mem = base + 0x2000000;
			in.initrd_size = 0x123000;
		}
		in.handover = r->flags & HANDOVER;
		in.ho.fdt_addr = base + 0x3800000;
		in.ho.fdt_size = 0x10000;
		in.scratch = table;
		in.nscratch = 2;
		in.reloc_area = r->flags & RELOC;
		in.fw = r->flags & NO_FW ? NULL : &fw;
		err = ld_arch.boot_layout(&in, &b);
		if (!err) {
			buf = malloc(b.size);
			err = ld_arch.boot_build(&in, &b, buf, phys);
		}
		if (err != r->err) {
			snprintf(bad, sizeof(bad), "got %s", errname(err));
			ok = false;
		}
		if (ok && !err) {
			CHECK(!fdt_check_header(buf) && fdt_totalsize(buf) == lay->dtb_size,
			      "header / totalsize %u vs layout %u", fdt_totalsize(buf), lay->dtb_size);
			/* Room for the stage's words in bootargs, as x86's cap. */
			CHECK(fdt_totalsize(buf) - fdt_off_dt_strings(buf) - fdt_size_dt_strings(buf)
			      >= 2047 - strlen(cmdline), "no room left for the stage's words");
			chosen = fdt_path_offset(buf, "/chosen");
			CHECK(chosen >= 0, "no /chosen");
			CHECK(fdt_getprop(buf, chosen, "bootargs", &len) &&
			      !strcmp(fdt_getprop(buf, chosen, "bootargs", NULL), cmdline),
			      "bootargs");
			CHECK(fdt_path_offset(buf, "/memory@40000000") >= 0 &&
			      has_rsv(buf, OTHER_RSV, 0x1000), "other nodes or /memreserve/ lost");
			if (!(r->flags & NO_CHOSEN))
				CHECK(fdt_getprop(buf, chosen, "stdout-path", NULL) &&
				      !strcmp(fdt_getprop(buf, chosen, "stdout-path", NULL),
					      "/pl011@9000000"), "stdout-path lost");
			CHECK(!has_rsv(buf, STALE_TABLE, 0x20), "stale table /memreserve/ kept");
			CHECK(!has_rsv(buf, MOVED_FDT, MOVED_AREA) && !has_rsv(buf, MOVED_TABLE, 0x20),
			      "stale relocation area /memreserve/ kept");
			if (r->flags & MOVED)
				CHECK(has_rsv(buf, MOVED_FDT, 0x10000),
				      "a /memreserve/ that is not the old area removed");
			if (r->flags & HANDOVER) {
				tbl = phys + lay->scratch;
				CHECK(lay->scratch >= lay->dtb_size && lay->scratch_size == 32 &&
				      b.table_off == lay->scratch &&
				      b.size == (r->flags & RELOC ? lay->reloc + lay->reloc_size :
						 lay->scratch + 32),
				      "layout: scratch table at %u (+%u), DTB %u, segment %u",
				      lay->scratch, lay->scratch_size, lay->dtb_size, b.size);
				if (r->flags & RELOC) {
					struct ld_piece pc[4];
					unsigned int np = ld_arch.boot_pieces(&b, pc, 4);

					/* ho_relocate's need: the FDT, 16-aligned, the table */
					CHECK(lay->reloc == ((lay->scratch + 32 + 15) & ~15u) &&
					      lay->reloc_size == 0x10000 + 32 &&
					      b.reloc_off == lay->reloc &&
					      b.reloc_size == lay->reloc_size,
					      "relocation area at %u (+%u), ld_boot %u (+%u)",
					      lay->reloc, lay->reloc_size, b.reloc_off, b.reloc_size);
					CHECK(np == 3 && !strcmp(pc[2].name, "relocation area") &&
					      pc[2].start == lay->reloc && pc[2].size == lay->reloc_size,
					      "pieces: %u", np);
					CHECK(!has_rsv(buf, phys + lay->reloc, lay->reloc_size),
					      "the area is reserved before any move");
				} else {
					CHECK(!lay->reloc && !b.reloc_off, "a relocation area not asked for");
				}
				CHECK(!memcmp((uint8_t *)buf + lay->scratch, table, sizeof(table)),
				      "scratch table bytes");
				fdt_getprop(buf, chosen, "linux,kho-fdt", &len);
				CHECK(len == (ac + sc) * 4, "linux,kho-fdt is %d bytes, want %d", len,
				      (ac + sc) * 4);
				v = number(buf, chosen, "linux,kho-fdt", ac, 0, &ok);
				CHECK(v == in.ho.fdt_addr, "linux,kho-fdt addr 0x%llx",
				      (unsigned long long)v);
				v = number(buf, chosen, "linux,kho-fdt", sc, ac, &ok);
				CHECK(v == in.ho.fdt_size, "linux,kho-fdt size 0x%llx",
				      (unsigned long long)v);
				fdt_getprop(buf, chosen, "linux,kho-scratch", &len);
				CHECK(len == (ac + sc) * 4, "linux,kho-scratch is %d bytes", len);
				v = number(buf, chosen, "linux,kho-scratch", ac, 0, &ok);
				CHECK(v == tbl, "linux,kho-scratch addr 0x%llx, table at 0x%llx",
				      (unsigned long long)v, (unsigned long long)tbl);
				v = number(buf, chosen, "linux,kho-scratch", sc, ac, &ok);
				CHECK(v == 32, "linux,kho-scratch size 0x%llx", (unsigned long long)v);
				CHECK(has_rsv(buf, tbl, 32), "no /memreserve/ for the scratch table");
			} else {
				CHECK(!fdt_getprop(buf, chosen, "linux,kho-fdt", NULL) &&
				      !fdt_getprop(buf, chosen, "linux,kho-scratch", NULL) &&
				      !lay->scratch && !b.table_off && !lay->reloc && !b.reloc_off &&
				      fdt_num_mem_rsv(buf) == (r->flags & MOVED ? 2 : 1),
				      "KHO props, table or /memreserve/ without a handover");
			}
			if (r->flags & INITRD) {
				v = number(buf, chosen, "linux,initrd-start", ac, 0, &ok);
				CHECK(v == in.initrd_mem, "linux,initrd-start 0x%llx",
				      (unsigned long long)v);
				v = number(buf, chosen, "linux,initrd-end", ac, 0, &ok);
				CHECK(v == in.initrd_mem + in.initrd_size, "linux,initrd-end 0x%llx",
				      (unsigned long long)v);
				fdt_getprop(buf, chosen, "linux,initrd-start", &len);
				CHECK(len == ac * 4, "linux,initrd-start is %d bytes", len);
			} else {
				CHECK(!fdt_getprop(buf, chosen, "linux,initrd-start", NULL) &&
				      !fdt_getprop(buf, chosen, "linux,initrd-end", NULL),
				      "stale initrd props kept");
			}
			if (r->flags & SEEDS) {
				const void *ks = fdt_getprop(buf, chosen, "kaslr-seed", &len);
				const void *rs;

				CHECK(ks && len == 8 && !memcmp(ks, fw.seed, 8), "kaslr-seed");
				rs = fdt_getprop(buf, chosen, "rng-seed", &len);
				CHECK(rs && len == 16 && !memcmp(rs, fw.seed + 8, 16), "rng-seed");
			} else {
				CHECK(!fdt_getprop(buf, chosen, "kaslr-seed", NULL) &&
				      !fdt_getprop(buf, chosen, "rng-seed", NULL),
				      "a seed the source did not have");
			}
			if (!(r->flags & ROOMY))
				CHECK(lay->dtb_size > (uint32_t)srcsize, "did not grow");
			CHECK(ld_arch.boot_pieces(&b, NULL, 0) == 0, "pieces past max");
		}
		if (!tap(ok, "arm64 DTB: %s -> %s", r->name, errname(r->err)))
			printf("# %s\n", bad);
		free(buf);
		free(src);
	}
}

/* A packed source has no room: the edit refuses a buffer of its size. */
static void test_dtb_room(void)
{
	static const struct dtb_row r = { "packed", 2, 2, 0, LD_OK };
	int size;
	void *src = make_src(&r, &size), *buf = malloc(size), *big = malloc(1 << 16);
	struct ld_a64_dtb_in in = {
		.src = src, .src_size = size, .cmdline = "a longer command line than before",
		.handover = true, .fdt_addr = 0x1000000, .fdt_size = 0x1000,
		.scratch_addr = 0x2000000, .scratch_size = 16,
	};
	uint32_t used = 0, need = 0;
	char why[160] = "";
	int err = ld_a64_dtb_edit(&in, buf, size, &used, why, sizeof(why));

	tap(err == LD_ERR_BUF_SIZE && strstr(why, "no room"),
	    "arm64 DTB: packed source into a buffer of its own size -> LD_ERR_BUF_SIZE (%s)", why);
	err = ld_a64_dtb_size(&in, &need, why, sizeof(why));
	tap(!err && need > (uint32_t)size && !ld_a64_dtb_edit(&in, big, need, &used, why,
							      sizeof(why)) && used == need,
	    "arm64 DTB: ld_a64_dtb_size grows it (%d -> %u bytes) and that size fits", size, need);
	in.src_size = size - 1;
	err = ld_a64_dtb_edit(&in, big, 1 << 16, &used, why, sizeof(why));
	tap(err == LD_ERR_DTB && strstr(why, "totalsize"),
	    "arm64 DTB: source shorter than its totalsize -> LD_ERR_DTB (%s)", why);
	free(src);
	free(buf);
	free(big);
}

/* ---- the purgatory's relocations ----------------------------------------- */

static const struct rela_row {
	const char *name;
	uint32_t type;
	uint64_t sa, p;
	uint32_t insn;		/* the place before */
	uint64_t room;
	int err;
	uint64_t want;		/* the place after (8 bytes for the 64-bit types) */
} rela_rows[] = {
	{ "ABS64", R_AARCH64_ABS64, 0x123456789abcdef0ull, 0, 0, 8, LD_OK,
	  0x123456789abcdef0ull },
	{ "ABS64 without room", R_AARCH64_ABS64, 1, 0, 0, 7, LD_ERR_ELF_RELOC, 0 },
	{ "PREL32 backwards", R_AARCH64_PREL32, 0x1000, 0x1010, 0, 4, LD_OK, 0xfffffff0 },
	{ "PREL32 out of range", R_AARCH64_PREL32, 0x100000000ull, 0, 0, 4,
	  LD_ERR_ELF_RELOC, 0 },
	{ "CALL26 forward", R_AARCH64_CALL26, 0x41000, 0x40000, 0x94000000, 4, LD_OK,
	  0x94000400 },
	{ "CALL26 backward", R_AARCH64_CALL26, 0x40000, 0x40004, 0x94000000, 4, LD_OK,
	  0x97ffffff },
	{ "CALL26 beyond 128 MiB", R_AARCH64_CALL26, 0x8000000, 0, 0x94000000, 4,
	  LD_ERR_ELF_RELOC, 0 },
	{ "ADR_PREL_PG_HI21", R_AARCH64_ADR_PREL_PG_HI21, 0x43456, 0x40010, 0x90000000, 4,
	  LD_OK, 0xf0000000 },
	{ "ADD_ABS_LO12_NC", R_AARCH64_ADD_ABS_LO12_NC, 0x43456, 0, 0x91000000, 4, LD_OK,
	  0x91000000 | 0x456 << 10 },
	{ "LDST64_ABS_LO12_NC", R_AARCH64_LDST64_ABS_LO12_NC, 0x43458, 0, 0xf9400000, 4, LD_OK,
	  0xf9400000 | (0x458 >> 3) << 10 },
	{ "LDST64_ABS_LO12_NC misaligned", R_AARCH64_LDST64_ABS_LO12_NC, 0x43454, 0,
	  0xf9400000, 4, LD_ERR_ELF_RELOC, 0 },
	{ "unknown type (x86's R_X86_64_64)", R_X86_64_64, 0, 0, 0, 8, LD_ERR_ELF_RELOC, 0 },
};

static void test_rela(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(rela_rows) / sizeof(rela_rows[0]); i++) {
		const struct rela_row *r = &rela_rows[i];
		uint8_t place[8] = { 0 };
		uint64_t got = 0;
		int err, k;

		for (k = 0; k < 4; k++)
			place[k] = (uint8_t)(r->insn >> (8 * k));
		err = ld_arch.elf_rela(r->type, r->sa, r->p, place, r->room);
		for (k = 7; k >= 0; k--)
			got = got << 8 | place[k];
		if (r->type != R_AARCH64_ABS64 && r->type != R_AARCH64_PREL64)
			got &= 0xffffffffu;
		if (!tap(err == r->err && (err || got == r->want), "arm64 rela: %s -> %s", r->name,
			 errname(r->err)))
			printf("# got %s, 0x%llx, want 0x%llx\n", errname(err),
			       (unsigned long long)got, (unsigned long long)r->want);
	}
}

/* ---- /proc/iomem ------------------------------------------------------------ */

static const struct iomem_row {
	const char *name;
	const char *text;
	int err;
	unsigned int n;
	struct ho_mem_range want[4];
} iomem_rows[] = {
	{ "RAM and MMIO; nested lines (kernel code, reserved) not read",
	  "09000000-09000fff : pl011@9000000\n"
	  "40000000-bfffffff : System RAM\n"
	  "  40210000-4165ffff : Kernel code\n"
	  "  bf000000-bf0fffff : reserved\n"
	  "c0000000-ffffffff : System RAM\n", 0, 3,
	  { { 0x9000000, 0x1000, HO_MEM_RESERVED }, { 0x40000000, 0x80000000, HO_MEM_RAM },
	    { 0xc0000000, 0x40000000, HO_MEM_RAM } } },
	{ "no trailing newline, 64-bit addresses",
	  "840000000-87fffffff : System RAM", 0, 1,
	  { { 0x840000000ull, 0x40000000, HO_MEM_RAM } } },
	{ "a nested System RAM is not RAM twice", "40000000-4fffffff : System RAM\n"
	  "  41000000-41ffffff : System RAM\n", 0, 1,
	  { { 0x40000000, 0x10000000, HO_MEM_RAM } } },
	{ "unprivileged reader (all zeros)", "00000000-00000000 : System RAM\n", -ENODATA, 0,
	  { { 0 } } },
	{ "garbage lines and end < start skipped", "junk\n5-4 : System RAM\nzz-yy : x\n",
	  -ENODATA, 0, { { 0 } } },
	{ "empty", "", -ENODATA, 0, { { 0 } } },
};

static void test_iomem(void)
{
	char *many = malloc(300 * 40);
	struct ho_memmap mm;
	unsigned int i, k;
	size_t off = 0;
	int err;

	for (i = 0; i < sizeof(iomem_rows) / sizeof(iomem_rows[0]); i++) {
		const struct iomem_row *r = &iomem_rows[i];
		bool ok;

		err = ld_a64_iomem_parse(r->text, strlen(r->text), &mm);
		ok = err == r->err && mm.count == r->n;
		for (k = 0; ok && k < r->n; k++)
			ok = mm.ranges[k].addr == r->want[k].addr &&
			     mm.ranges[k].size == r->want[k].size &&
			     mm.ranges[k].type == r->want[k].type;
		if (!tap(ok, "arm64 iomem: %s -> %d", r->name, r->err))
			printf("# got %d, %u ranges\n", err, mm.count);
		free((void *)mm.ranges);
	}
	for (i = 0; i < 300; i++)
		off += (size_t)sprintf(many + off, "%x-%x : System RAM\n", i << 20,
				       (i << 20) + 0xfffff);
	err = ld_a64_iomem_parse(many, off, &mm);
	tap(err == -E2BIG && !mm.ranges, "arm64 iomem: 300 ranges (more than 256) -> -E2BIG");
	free(many);
}

/* ---- a whole arm64 plan (the neutral planner over this module) ------------ */

static void *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

enum { P_HANDOVER = 1, P_INITRD = 2, P_NO_FW = 4, P_SMALL = 8, P_OVERLAP = 16,
       P_RELOCATE = 32, P_RELOC_OVERLAP = 64 };

static const struct plan_row {
	const char *name;
	unsigned int flags;
	int err;
} plan_rows[] = {
	{ "handover + initrd: all inside scratch, DTB points at them", P_HANDOVER | P_INITRD,
	  LD_OK },
	{ "handover, no initrd", P_HANDOVER, LD_OK },
	{ "no handover: usable RAM, no KHO props", P_INITRD, LD_OK },
	{ "scratch too small for the 2 MiB aligned Image", P_HANDOVER | P_SMALL,
	  LD_ERR_NO_SPACE },
	{ "no DTB to pass on", P_HANDOVER | P_NO_FW, LD_ERR_DTB },
	{ "negative control: DTB moved onto the kernel", P_HANDOVER | P_OVERLAP,
	  LD_ERR_PLAN_OVERLAP },
	{ "--relocate-handover: the area after the table, relocate always", P_HANDOVER |
	  P_RELOCATE | P_INITRD, LD_OK },
	{ "negative control: relocation area moved onto the scratch table", P_HANDOVER |
	  P_RELOC_OVERLAP, LD_ERR_PLAN_OVERLAP },
};

static bool inside_scratch(const struct ld_plan *p, const struct ho_scratch *sc, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < p->nseg; i++) {
		bool in = false;

		for (j = 0; j < n; j++)
			in |= p->seg[i].mem >= sc[j].addr &&
			      p->seg[i].mem + p->seg[i].memsz <= sc[j].addr + sc[j].size;
		if (!in)
			return false;
	}
	return true;
}

static void test_plan(const char *fixture)
{
	static const struct ho_mem_range ram[] = {
		{ 0x40000000, 0x40000000, HO_MEM_RAM },		/* 1 GiB at 1 GiB */
		{ 0x09000000, 0x1000, HO_MEM_RESERVED },
	};
	static const struct ho_scratch big[] = {
		{ 0x60000000, 0x4000000 }, { 0x70000000, 0x2000000 },
	};
	static const struct ho_scratch small[] = { { 0x60000000, 0x100000 } };
	static const struct dtb_row src_row = { "src", 2, 2, STALE | SEEDS, LD_OK };
	size_t plen = 0;
	void *purg = read_all(fixture, &plen);
	unsigned int i;

	if (!tap(purg != NULL, "arm64 plan: purgatory fixture %s read", fixture))
		return;
	for (i = 0; i < sizeof(plan_rows) / sizeof(plan_rows[0]); i++) {
		const struct plan_row *r = &plan_rows[i];
		uint8_t *kernel = calloc(1, 0x300000), initrd[0x3000];
		struct ld_plan_in in;
		struct ld_plan p;
		struct ld_fw fw;
		char bad[400] = "";
		int srcsize, err, chosen;
		void *src = make_src(&src_row, &srcsize);
		bool ok = true;

		memcpy(kernel + 0x38, "ARM\x64", 4);
		put64(kernel + 0x10, 0x500000);		/* image_size: file + bss */
		put64(kernel + 0x18, F64K);
		memset(initrd, 0x17, sizeof(initrd));
		memset(&fw, 0, sizeof(fw));
		fw.dtb = src;
		fw.dtb_size = (uint32_t)srcsize;
		memset(&in, 0, sizeof(in));
		in.kernel = kernel;
		in.kernel_size = 0x300000;
		in.cmdline = "console=ttyAMA0 kho=on";
		in.memmap = (struct ho_memmap){ ram, 2 };
		if (r->flags & P_INITRD) {
			in.initrd = initrd;
			in.initrd_size = sizeof(initrd);
		}
		if (r->flags & P_HANDOVER) {
			in.handover = true;
			in.fdt_addr = 0x5f000000;
			in.fdt_size = 0x10000;
			in.scratch = r->flags & P_SMALL ? small : big;
			in.nscratch = r->flags & P_SMALL ? 1 : 2;
		}
		in.fw = r->flags & P_NO_FW ? NULL : &fw;
		in.purgatory = purg;
		in.purgatory_size = plen;
		in.relocate = r->flags & P_RELOCATE;
		err = ld_plan_build(&in, &p);
		if (!err && (r->flags & P_OVERLAP)) {
			p.seg[p.nseg - 1].mem = p.seg[0].mem;
			err = ld_plan_check(&in, &p);
		}
		if (!err && (r->flags & P_RELOC_OVERLAP)) {
			ld_a64_lay(&p.boot)->reloc = p.boot.table_off;
			err = ld_plan_check(&in, &p);
			CHECK(strstr(p.why, "relocation area"), "why: %s", p.why);
		}
		CHECK(err == r->err, "got %s: %s", errname(err), p.why);
		if (ok && !err) {
			const struct ld_elf_regs_view { uint64_t x0, x1, x2, x3, pc, sp; } *regs;
			const struct ld_seg *dtb = &p.seg[p.nseg - 1];
			struct purg_reloc reloc;
			struct ld_elf e;
			uint64_t off, size, v;

			CHECK(p.nseg == (r->flags & P_INITRD ? 4u : 3u) && !strcmp(dtb->name, "dtb"),
			      "%u segments, last %s", p.nseg, dtb->name);
			CHECK(!(p.seg[0].mem & ((2u << 20) - 1)) && p.seg[0].memsz >= 0x500000,
			      "kernel at 0x%llx (+0x%llx): not 2 MiB aligned or short",
			      (unsigned long long)p.seg[0].mem, (unsigned long long)p.seg[0].memsz);
			for (unsigned int k = 0; k < p.nseg; k++)
				CHECK(!(p.seg[k].mem & 0xffff) && !(p.seg[k].memsz & 0xffff),
				      "%s not in 64 KiB steps", p.seg[k].name);
			if (r->flags & P_HANDOVER)
				CHECK(inside_scratch(&p, big, 2), "a segment outside scratch");
			CHECK(!ld_elf_open(&e, purg, plen) &&
			      !ld_elf_symbol(&e, "purgatory_regs", &off, &size) && size >= 48,
			      "purgatory_regs");
			regs = (const void *)((uint8_t *)p.purg_buf + off);
			CHECK(regs->x0 == dtb->mem && !regs->x1 && !regs->x2 && !regs->x3 &&
			      regs->pc == p.seg[0].mem && regs->sp == p.purg_stack &&
			      regs->sp > p.seg[p.nseg - 2].mem &&
			      regs->sp <= p.seg[p.nseg - 2].mem + p.seg[p.nseg - 2].memsz,
			      "regs x0 0x%llx pc 0x%llx sp 0x%llx", (unsigned long long)regs->x0,
			      (unsigned long long)regs->pc, (unsigned long long)regs->sp);
			chosen = fdt_path_offset(p.boot_buf, "/chosen");
			CHECK(!fdt_check_header(p.boot_buf) && chosen >= 0, "DTB in the segment");
			if (r->flags & P_INITRD) {
				v = number(p.boot_buf, chosen, "linux,initrd-start", 2, 0, &ok);
				CHECK(v == p.seg[1].mem, "initrd-start 0x%llx vs segment 0x%llx",
				      (unsigned long long)v, (unsigned long long)p.seg[1].mem);
			}
			if (r->flags & P_HANDOVER) {
				v = number(p.boot_buf, chosen, "linux,kho-scratch", 2, 0, &ok);
				CHECK(v == dtb->mem + p.boot.table_off && p.boot.table_off &&
				      !memcmp((uint8_t *)p.boot_buf + p.boot.table_off, p.scratch,
					      p.nscratch * 16),
				      "linux,kho-scratch 0x%llx, table", (unsigned long long)v);
				v = number(p.boot_buf, chosen, "linux,kho-fdt", 2, 0, &ok);
				CHECK(v == in.fdt_addr, "linux,kho-fdt 0x%llx", (unsigned long long)v);
				/* Every handover has the area; --relocate-handover: always used. */
				CHECK(!ld_elf_symbol(&e, "purgatory_reloc", &off, &size) &&
				      size == sizeof(struct purg_reloc), "purgatory_reloc");
				memcpy(&reloc, (uint8_t *)p.purg_buf + off, sizeof(reloc));
				CHECK(p.boot.reloc_off >= p.boot.table_off + p.nscratch * 16 &&
				      !(p.boot.reloc_off & 15) &&
				      p.boot.reloc_size == in.fdt_size + p.nscratch * 16 &&
				      p.boot.reloc_off + p.boot.reloc_size <= dtb->bufsz &&
				      reloc.addr == dtb->mem + p.boot.reloc_off &&
				      reloc.size == p.boot.reloc_size &&
				      reloc.flags == (r->flags & P_RELOCATE ? PURG_RELOC_ALWAYS : 0u),
				      "relocation area +%u (%u bytes), poked 0x%llx (%llu) flags %u",
				      p.boot.reloc_off, p.boot.reloc_size,
				      (unsigned long long)reloc.addr, (unsigned long long)reloc.size,
				      reloc.flags);
			} else {
				CHECK(!fdt_getprop(p.boot_buf, chosen, "linux,kho-fdt", NULL) &&
				      !fdt_getprop(p.boot_buf, chosen, "linux,kho-scratch", NULL),
				      "stale KHO props passed on without a handover");
			}
		}
		if (!tap(ok, "arm64 plan: %s -> %s", r->name, errname(r->err)))
			printf("# %s\n", bad);
		ld_plan_free(&p);
		free(src);
		free(kernel);
	}
	free(purg);
}

/* ---- QEMU virt's own DTB (qemu-system-aarch64 -M virt,dumpdtb=) ----------- */

static int count_nodes(const void *fdt)
{
	int node, depth = 0, n = 0;

	for (node = 0; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth))
		n++;
	return n;
}

static void test_purgatory_view(const void *dtb, uint32_t size, const struct ho_handover *want);

static void test_real_dtb(const char *path)
{
	static const struct ho_scratch table[1] = { { 0x70000000, 0x8000000 } };
	const char *cmdline = "console=ttyAMA0 kho=on liveupdate=on";
	struct ld_image img = { 0 };
	size_t len = 0;
	void *src = read_all(path, &len), *buf = NULL;
	const struct ld_a64_layout *lay;
	const void *a, *b;
	struct ld_boot_in in;
	struct ld_boot bd;
	struct ld_fw fw;
	char bad[200] = "";
	int err, chosen, sc, la, lb, mem, smem;
	uint64_t phys = 0x7f000000, v;
	bool ok = true;

	if (!tap(src && !fdt_check_header(src), "arm64 QEMU DTB: %s read", path)) {
		free(src);
		return;
	}
	memset(&fw, 0, sizeof(fw));
	memset(fw.seed, 0x3c, sizeof(fw.seed));
	fw.dtb = src;
	fw.dtb_size = (uint32_t)len;
	memset(&in, 0, sizeof(in));
	in.image = &img;
	in.cmdline = cmdline;
	in.initrd_mem = 0x48000000;
	in.initrd_size = 0x200000;
	in.handover = true;
	in.ho.fdt_addr = 0x6f000000;
	in.ho.fdt_size = 0x4000;
	in.scratch = table;
	in.nscratch = 1;
	in.fw = &fw;
	err = ld_arch.boot_layout(&in, &bd);
	if (!err) {
		buf = malloc(bd.size);
		err = ld_arch.boot_build(&in, &bd, buf, phys);
	}
	lay = (const struct ld_a64_layout *)bd.arch;
	CHECK(!err, "got %s", errname(err));
	if (ok) {
		chosen = fdt_path_offset(buf, "/chosen");
		sc = fdt_path_offset(src, "/chosen");
		CHECK(count_nodes(buf) == count_nodes(src), "%d nodes, the source %d",
		      count_nodes(buf), count_nodes(src));
		mem = fdt_path_offset(buf, "/memory@40000000");
		smem = fdt_path_offset(src, "/memory@40000000");
		a = fdt_getprop(buf, mem, "reg", &la);
		b = fdt_getprop(src, smem, "reg", &lb);
		CHECK(a && b && la == lb && !memcmp(a, b, la), "memory reg changed");
		a = fdt_getprop(buf, chosen, "stdout-path", &la);
		b = fdt_getprop(src, sc, "stdout-path", &lb);
		CHECK(a && b && la == lb && !memcmp(a, b, la), "stdout-path changed");
		CHECK(!strcmp(fdt_getprop(buf, chosen, "bootargs", NULL), cmdline), "bootargs");
		v = number(buf, chosen, "linux,kho-fdt", 2, 0, &ok);
		CHECK(v == in.ho.fdt_addr, "linux,kho-fdt");
		v = number(buf, chosen, "linux,kho-scratch", 2, 0, &ok);
		CHECK(v == phys + lay->scratch && has_rsv(buf, v, 16), "linux,kho-scratch");
		v = number(buf, chosen, "linux,initrd-end", 2, 0, &ok);
		CHECK(v == 0x48200000, "linux,initrd-end");
		/* QEMU fills both seeds; they are rewritten at their lengths. */
		b = fdt_getprop(src, sc, "rng-seed", &lb);
		a = fdt_getprop(buf, chosen, "rng-seed", &la);
		CHECK(!b || (a && la == (lb < 64 ? lb : 64) && !memcmp(a, fw.seed + 8, la)),
		      "rng-seed");
		a = fdt_getprop(buf, chosen, "kaslr-seed", &la);
		CHECK(!fdt_getprop(src, sc, "kaslr-seed", NULL) ||
		      (a && la == 8 && !memcmp(a, fw.seed, 8)), "kaslr-seed");
	}
	if (!tap(ok, "arm64 QEMU DTB: /chosen edited, every node and the memory kept (%zu -> %u bytes)",
		 len, lay->dtb_size))
		printf("# %s\n", bad);
	if (ok) {
		struct ho_handover kd = { in.ho.fdt_addr, in.ho.fdt_size, phys + lay->scratch,
					  sizeof(table) };

		test_purgatory_view(buf, lay->dtb_size, &kd);
	}
	free(buf);
	free(src);
}

/*
 * What the arm64 purgatory reads and writes in that DTB, through the same
 * library calls (ho/arm64.h): each row on a fresh copy of the loader's
 * output, with its spare room.
 */
enum pv_op { PV_READ, PV_MEMMAP, PV_MEMMAP_NOKD, PV_APPEND, PV_APPEND_FULL, PV_DROP,
	     PV_FAULT_LEN, PV_SET, PV_SET_WIDE, PV_EFI, PV_EFI_BAD, PV_MOVE, PV_MOVE_NORSV,
	     PV_MOVE_FULL, PV_MOVE_BAD };

static const struct pv_row {
	const char *name;
	enum pv_op op;
	int err;		/* ho_dtb_handover() afterwards */
} pv_rows[] = {
	{ "structure check and the handover as the loader wrote it", PV_READ, HO_OK },
	{ "memory map: the memory node as RAM, the table's /memreserve/ not reserved",
	  PV_MEMMAP, HO_OK },
	{ "memory map without the handover: the table's /memreserve/ reserved",
	  PV_MEMMAP_NOKD, HO_OK },
	{ "bootargs: luo_stage.err= appended in the spare room", PV_APPEND, HO_OK },
	{ "bootargs: past arm64's 2048 bytes -> HO_ERR_NO_SPACE, unchanged",
	  PV_APPEND_FULL, HO_OK },
	{ "handover dropped: both properties gone", PV_DROP, HO_ERR_NOT_FOUND },
	{ "fault kho-data-size: linux,kho-fdt one cell short", PV_FAULT_LEN,
	  HO_ERR_KHO_DATA_SIZE },
	{ "handover moved: both properties rewritten", PV_SET, HO_OK },
	{ "handover moved above 32 GiB: QEMU's 2 address cells hold it", PV_SET_WIDE, HO_OK },
	{ "memory map from the EFI stub's: no memory node, linux,uefi-mmap-* read",
	  PV_EFI, HO_OK },
	{ "EFI memory map with a 36-byte descriptor size -> HO_ERR_PROP_RANGE",
	  PV_EFI_BAD, HO_OK },
	{ "relocated: /chosen at the copies, the table's /memreserve/ now the area's",
	  PV_MOVE, HO_OK },
	{ "relocated, the table had no /memreserve/: the area's added", PV_MOVE_NORSV, HO_OK },
	{ "relocated, no entry to swap and no room -> HO_ERR_NO_SPACE, /chosen unchanged",
	  PV_MOVE_FULL, HO_OK },
	{ "relocated with the table before the FDT (not ho_relocate's) -> HO_ERR_INVAL",
	  PV_MOVE_BAD, HO_OK },
};

/* The /memreserve/ entries of d. */
static int rsv_count(const void *d)
{
	return fdt_num_mem_rsv(d);
}

/* Three EFI descriptors of 48 bytes: type, phys, pages, attribute. */
static void efi_desc(uint8_t *d, uint32_t type, uint64_t addr, uint64_t pages, uint64_t attr)
{
	memset(d, 0, 48);
	memcpy(d, &type, 4);
	memcpy(d + 8, &addr, 8);
	memcpy(d + 24, &pages, 8);
	memcpy(d + 32, &attr, 8);
}

static int efi_memmap(void *d, uint32_t desc_size, struct ho_mem_range *r, uint32_t *n)
{
	static uint8_t map[3 * 48];
	const struct ho_window win = { 0x5f000000, map, sizeof(map) };
	const struct ho_phys phys = { ho_phys_window_map, &win, 1 };
	int chosen, err;

	efi_desc(map, 7, 0x40000000, 0x10000, 0xf);		/* conventional, WB */
	efi_desc(map + 48, 4, 0x50000000, 0x100, 0x8);		/* boot services data, WB */
	efi_desc(map + 96, 7, 0x60000000, 0x10, 0x1);		/* conventional, UC only */
	err = fdt_del_node(d, fdt_path_offset(d, "/memory@40000000"));
	chosen = fdt_path_offset(d, "/chosen");
	if (!err)
		err = fdt_setprop_u64(d, chosen, "linux,uefi-mmap-start", win.phys);
	if (!err)
		err = fdt_setprop_u32(d, chosen, "linux,uefi-mmap-size", sizeof(map));
	if (!err)
		err = fdt_setprop_u32(d, chosen, "linux,uefi-mmap-desc-size", desc_size);
	if (err)
		return 1000 + err;
	return ho_dtb_memmap(d, NULL, &phys, r, 16, n);
}

static void test_purgatory_view(const void *dtb, uint32_t size, const struct ho_handover *want)
{
	static struct ho_mem_range r[16];
	static char big[3000];
	unsigned int i;

	memset(big, 'x', sizeof(big) - 1);
	for (i = 0; i < sizeof(pv_rows) / sizeof(pv_rows[0]); i++) {
		const struct pv_row *row = &pv_rows[i];
		struct ho_handover kd = { 0 }, moved = { 0x45000000, 0x2000, 0x46000000, 16 };
		char bad[200] = "";
		void *d = malloc(size);
		const char *cl;
		size_t cap = 0;
		uint32_t n = 0, k;
		bool ok = true;
		int err;

		memcpy(d, dtb, size);
		CHECK(!ho_fdt_check(d, size, NULL), "ho_fdt_check");
		CHECK(!ho_dtb_handover(d, &kd) && !memcmp(&kd, want, sizeof(kd)),
		      "handover 0x%llx+0x%llx, table 0x%llx+0x%llx",
		      (unsigned long long)kd.fdt_addr, (unsigned long long)kd.fdt_size,
		      (unsigned long long)kd.scratch_addr, (unsigned long long)kd.scratch_size);
		switch (row->op) {
		case PV_READ:
			break;
		case PV_MEMMAP:
		case PV_MEMMAP_NOKD:
			err = ho_dtb_memmap(d, row->op == PV_MEMMAP ? &kd : NULL, NULL, r, 16, &n);
			CHECK(!err && n >= 1 && r[0].addr == 0x40000000 && r[0].size == 1ull << 30 &&
			      r[0].type == HO_MEM_RAM, "err %d, %u ranges", err, n);
			for (k = 1; k < n; k++)
				CHECK(r[k].type == HO_MEM_RESERVED &&
				      (row->op == PV_MEMMAP_NOKD || r[k].addr != kd.scratch_addr),
				      "range %u at 0x%llx", k, (unsigned long long)r[k].addr);
			CHECK(row->op == PV_MEMMAP ? n == 1 : n == 2, "%u ranges", n);
			CHECK(ho_dtb_memmap(d, &kd, NULL, r, 0, &n) == HO_ERR_NO_SPACE, "cap 0");
			break;
		case PV_APPEND:
			err = ho_dtb_cmdline_append(d, "luo_stage.err", "HO_ERR_BAD_MAGIC");
			cl = ho_dtb_cmdline(d, &cap);
			CHECK(!err && cl && !strcmp(cl, "console=ttyAMA0 kho=on liveupdate=on "
						    "luo_stage.err=HO_ERR_BAD_MAGIC") &&
			      cap == strlen(cl) + 1, "err %d, bootargs \"%s\"", err, cl ? cl : "");
			CHECK(!ho_fdt_check(d, size, NULL), "ho_fdt_check after");
			break;
		case PV_APPEND_FULL:
			err = ho_dtb_cmdline_append(d, "luo_stage.big", big);
			cl = ho_dtb_cmdline(d, &cap);
			CHECK(err == HO_ERR_NO_SPACE && cl &&
			      !strcmp(cl, "console=ttyAMA0 kho=on liveupdate=on"), "err %d", err);
			break;
		case PV_DROP:
			ho_dtb_handover_drop(d);
			break;
		case PV_EFI:
			err = efi_memmap(d, 48, r, &n);
			CHECK(!err && n == 4, "err %d, %u ranges", err, n);
			CHECK(r[0].addr == 0x40000000 && r[0].size == 256u << 20 &&
			      r[0].type == HO_MEM_RAM, "conventional WB");
			CHECK(r[1].addr == 0x50000000 && r[1].size == 1u << 20 &&
			      r[1].type == HO_MEM_RAM, "boot services data");
			CHECK(r[2].type == HO_MEM_RESERVED, "UC-only memory is not RAM");
			CHECK(r[3].type == HO_MEM_RESERVED && r[3].addr == kd.scratch_addr,
			      "the table's /memreserve/ (no kd given)");
			break;
		case PV_EFI_BAD:
			err = efi_memmap(d, 36, r, &n);
			CHECK(err == HO_ERR_PROP_RANGE, "err %s", ho_errname(err));
			break;
		case PV_FAULT_LEN:
			ho_dtb_fault_kho_len(d);
			break;
		case PV_MOVE:
		case PV_MOVE_NORSV:
		case PV_MOVE_FULL: {
			/* ho_relocate's layout: the FDT, the table 16-aligned after it */
			struct ho_handover area = { 0x45000000, 0x2008, 0x45002010, 16 };
			int before;

			area.scratch_size = kd.scratch_size;
			if (row->op != PV_MOVE) {
				for (k = 0; k < (uint32_t)rsv_count(d); k++) {
					uint64_t a, s;

					if (!fdt_get_mem_rsv(d, (int)k, &a, &s) &&
					    a == kd.scratch_addr && s == kd.scratch_size)
						fdt_del_mem_rsv(d, (int)k--);
				}
			}
			if (row->op == PV_MOVE_FULL)
				fdt_pack(d);
			before = rsv_count(d);
			err = ho_dtb_handover_move(d, &area);
			if (row->op == PV_MOVE_FULL) {
				CHECK(err == HO_ERR_NO_SPACE && rsv_count(d) == before &&
				      !ho_dtb_handover(d, &kd) && !memcmp(&kd, want, sizeof(kd)),
				      "err %s", ho_errname(err));
				break;
			}
			CHECK(!err && !ho_dtb_handover(d, &kd) && !memcmp(&kd, &area, sizeof(kd)),
			      "err %s", ho_errname(err));
			CHECK(has_rsv(d, area.fdt_addr, 0x2010 + area.scratch_size) &&
			      !has_rsv(d, want->scratch_addr, want->scratch_size) &&
			      rsv_count(d) == before + (row->op == PV_MOVE ? 0 : 1),
			      "/memreserve/: %d entries (before %d)", rsv_count(d), before);
			CHECK(!ho_fdt_check(d, fdt_totalsize(d), NULL), "ho_fdt_check after");
			/* the area is the handover's own memory, not reserved against it */
			err = ho_dtb_memmap(d, &kd, NULL, r, 16, &n);
			CHECK(!err && n == 1 && r[0].type == HO_MEM_RAM, "memory map: %u ranges", n);
			err = ho_dtb_memmap(d, NULL, NULL, r, 16, &n);
			CHECK(!err && n == 2 && r[1].addr == area.fdt_addr, "without kd: %u", n);
			break;
		}
		case PV_MOVE_BAD:
			moved.scratch_addr = moved.fdt_addr - 0x1000;
			err = ho_dtb_handover_move(d, &moved);
			CHECK(err == HO_ERR_INVAL && !ho_dtb_handover(d, &kd) &&
			      !memcmp(&kd, want, sizeof(kd)), "err %s", ho_errname(err));
			break;
		case PV_SET:
		case PV_SET_WIDE:
			if (row->op == PV_SET_WIDE)
				moved.fdt_addr = 0x880000000ull;
			err = ho_dtb_handover_set(d, &moved);
			CHECK(!err && !ho_dtb_handover(d, &kd) && !memcmp(&kd, &moved, sizeof(kd)),
			      "err %d", err);
			break;
		}
		err = ho_dtb_handover(d, &kd);
		CHECK(err == row->err, "ho_dtb_handover afterwards: %s", ho_errname(err));
		if (!tap(ok, "arm64 purgatory view: %s", row->name))
			printf("# %s\n", bad);
		free(d);
	}
}

/* ---- the arm64 purgatory, on the host ------------------------------------ */

/*
 * efi/purgatory's purgatory.c with the arm64 hooks (purgatory-arm64.c,
 * PURGATORY_HOST_TEST: this file supplies the counter, the UART's MMIO and
 * stop()) run over a whole plan: the real aarch64 purgatory.ro planned and
 * relocated by the arm64 module (its poked parameters copied out), QEMU
 * virt's DTB edited by the loader, tests/unit's handover in memory mapped
 * at its "physical" addresses.
 */
void purgatory_main(void);
extern struct purg_seg purgatory_segs[PURG_MAX_SEGS];
extern uint32_t purgatory_nsegs, purgatory_fault, purgatory_checksum;
extern struct purg_reloc purgatory_reloc;
extern struct purg_work purgatory_work;

#define PL011_BASE	0x09000000ull		/* QEMU virt's stdout-path */
static char serial[1024];
static size_t serial_len;
static uint64_t fake_cnt;
static jmp_buf stop_jmp;

uint64_t read_cntvct(void)
{
	return fake_cnt += 100;
}

uint64_t read_cntfrq(void)
{
	return 62500000;
}

uint32_t mmio_read32(uint64_t addr)
{
	(void)addr;
	return 0;			/* UARTFR: FIFO not full */
}

void mmio_write32(uint64_t addr, uint32_t v)
{
	if (addr == PL011_BASE && serial_len < sizeof(serial) - 1)
		serial[serial_len++] = (char)v;
}

void stop(void)
{
	longjmp(stop_jmp, 1);
}

/* purgatory_main() once; true when it stopped (the checksum stop). */
static bool run_purgatory(void)
{
	serial_len = 0;
	memset(serial, 0, sizeof(serial));
	if (setjmp(stop_jmp))
		return true;
	purgatory_main();
	return false;
}

#define PA_BASE	HB_ARENA_PHYS
#define PA_SIZE	(128ull << 20)

enum { PA_RELOC_ALWAYS = 1, PA_RELOC_IN_SCRATCH = 2, PA_RELOC_SHORT = 4 };
/* PA_NO_SCRATCH: segments anywhere in RAM; PA_EMPTY_TABLE: the DTB's copy of the scratch table zeroed after loading. */
enum { PA_NO_SCRATCH = 1, PA_EMPTY_TABLE = 2 };

static const struct pa_row {
	const char *name;
	uint32_t fault;
	bool handover;
	const char *verdict;	/* HO_ERR_* in bootargs, "ok", "none", "stop" */
	const char *line;	/* in the one console line */
	unsigned int reloc;	/* PA_RELOC_*: --relocate-handover, the FDT in scratch */
	uint32_t checksum;	/* --checksum= (PURG_CHECKSUM_*) */
	unsigned int tamper;	/* PA_NO_SCRATCH, PA_EMPTY_TABLE */
} pa_rows[] = {
	{ "valid handover", PURG_FAULT_NONE, true, "ok", "handover ok, ", 0, 0, 0 },
	{ "no handover", PURG_FAULT_NONE, false, "none", "no handover", 0, 0, 0 },
	{ "fault FDT_MAGIC", PURG_FAULT_FDT_MAGIC, true, "HO_ERR_BAD_MAGIC",
	  "handover rejected: HO_ERR_BAD_MAGIC", 0, 0, 0 },
	{ "fault SCRATCH_UNALIGNED", PURG_FAULT_SCRATCH_UNALIGNED, true,
	  "HO_ERR_SCRATCH_UNALIGNED", "booting without it", 0, 0, 0 },
	{ "fault SCRATCH_OVERLAP", PURG_FAULT_SCRATCH_OVERLAP, true, "HO_ERR_SCRATCH_OVERLAP",
	  "booting without it", 0, 0, 0 },
	{ "fault KHO_DATA_SIZE (linux,kho-fdt one cell short)", PURG_FAULT_KHO_DATA_SIZE, true,
	  "HO_ERR_KHO_DATA_SIZE", "booting without it", 0, 0, 0 },
	{ "fault LUO_COMPATIBLE", PURG_FAULT_LUO_COMPATIBLE, true, "HO_ERR_BAD_COMPATIBLE",
	  "at luo:/", 0, 0, 0 },
	{ "fault IMAGE_CHECKSUM stops", PURG_FAULT_IMAGE_CHECKSUM, true, "stop",
	  "SHA-256 mismatch, image corrupted: stopping", 0, 0, 0 },
	{ "--relocate-handover: moved into the area, byte-exact", PURG_FAULT_NONE, true, "ok",
	  "handover ok, relocated, ", PA_RELOC_ALWAYS, 0, 0 },
	{ "KHO FDT in scratch: moved without being asked", PURG_FAULT_NONE, true, "ok",
	  "handover ok, relocated, ", PA_RELOC_IN_SCRATCH, 0, 0 },
	{ "relocation area too small: HO_ERR_NO_SPACE, dropped", PURG_FAULT_NONE, true,
	  "HO_ERR_NO_SPACE", "booting without it", PA_RELOC_ALWAYS | PA_RELOC_SHORT, 0, 0 },
	{ "fault FDT_MAGIC with --relocate-handover: rejected before any move",
	  PURG_FAULT_FDT_MAGIC, true, "HO_ERR_BAD_MAGIC", "booting without it",
	  PA_RELOC_ALWAYS, 0, 0 },
	/* --checksum=: none and outside-scratch boot a corrupted kernel, as documented */
	{ "checksum=none: a corrupted kernel byte is NOT detected, booted",
	  PURG_FAULT_IMAGE_CHECKSUM, true, "ok", "sha=none, checksum=none: 0 of 3 segments hashed",
	  0, PURG_CHECKSUM_NONE, 0 },
	{ "checksum=outside-scratch: every segment in scratch, corruption NOT detected",
	  PURG_FAULT_IMAGE_CHECKSUM, true, "ok",
	  "sha=none, checksum=outside-scratch: 0 of 3 segments hashed", 0,
	  PURG_CHECKSUM_OUTSIDE_SCRATCH, 0 },
	{ "checksum=outside-scratch, no scratch: a corrupted kernel outside it stops",
	  PURG_FAULT_IMAGE_CHECKSUM, false, "stop", "SHA-256 mismatch, image corrupted: stopping",
	  0, PURG_CHECKSUM_OUTSIDE_SCRATCH, PA_NO_SCRATCH },
	{ "checksum=outside-scratch: scratch table emptied: unhashed segment outside it stops",
	  PURG_FAULT_NONE, true, "stop",
	  "not hashed (checksum=outside-scratch) and not inside the handover's scratch: stopping",
	  0, PURG_CHECKSUM_OUTSIDE_SCRATCH, PA_EMPTY_TABLE },
};

/* Copy a poked parameter out of the planned purgatory into this process. */
static bool param(const void *purg, size_t plen, const struct ld_plan *p, const char *name,
		  void *dst, size_t size)
{
	struct ld_elf e;
	uint64_t off, got;

	if (ld_elf_open(&e, purg, plen) || ld_elf_symbol(&e, name, &off, &got) || got < size)
		return false;
	memcpy(dst, (uint8_t *)p->purg_buf + off, size);
	return true;
}

static void pa_run(const struct pa_row *r, uint8_t *mem, const struct hb *h, const void *purg,
		   size_t plen, const void *qdtb, size_t qlen)
{
	static const struct ho_mem_range ram[] = { { PA_BASE, 0x80000000 - PA_BASE, HO_MEM_RAM } };
	/* Without scratch all RAM is allowed: keep to the mapped part. */
	static const struct ho_mem_range mapped[] = { { PA_BASE, PA_SIZE, HO_MEM_RAM } };
	static const struct ho_scratch sc[] = {
		{ PA_BASE + (32 << 20), 32 << 20 }, { PA_BASE + (80 << 20), 32 << 20 },
	};
	const char *base = "console=ttyAMA0 kho=on";
	uint8_t *kernel = calloc(1, 0x300000), initrd[0x3000];
	uint32_t dsize = (uint32_t)qlen + 4096;
	void *src = calloc(1, dsize);
	struct ld_plan_in in;
	struct ld_plan p;
	struct ld_fw fw;
	char bad[400] = "";
	uint8_t cells[16];
	const char *cl = NULL;
	void *dtb = NULL;
	bool ok = true, stopped = false;
	int err, node, chosen = -1;
	unsigned int i;

	/* QEMU's DTB with its memory node over the mapped "RAM". */
	CHECK(!fdt_open_into(qdtb, src, (int)dsize), "open QEMU's DTB");
	node = fdt_path_offset(src, "/memory@40000000");
	put64(cells, __builtin_bswap64(PA_BASE));
	put64(cells + 8, __builtin_bswap64(0x80000000 - PA_BASE));
	CHECK(node >= 0 && !fdt_setprop(src, node, "reg", cells, 16), "memory node");
	memcpy(kernel + 0x38, "ARM\x64", 4);
	put64(kernel + 0x10, 0x500000);
	put64(kernel + 0x18, F4K);
	memset(kernel + 0x40, 0x5a, 0x1000);
	memset(initrd, 0x17, sizeof(initrd));
	memset(&fw, 0, sizeof(fw));
	fw.dtb = src;
	fw.dtb_size = dsize;
	memset(&in, 0, sizeof(in));
	in.kernel = kernel;
	in.kernel_size = 0x300000;
	in.initrd = initrd;
	in.initrd_size = sizeof(initrd);
	in.cmdline = base;
	in.memmap = (struct ho_memmap){ r->tamper & PA_NO_SCRATCH ? mapped : ram, 1 };
	in.handover = r->handover;
	in.fdt_addr = h->kd.fdt_addr;
	in.fdt_size = h->kd.fdt_size;
	in.scratch = sc;
	in.nscratch = r->tamper & PA_NO_SCRATCH ? 0 : 2;
	in.checksum = r->checksum;
	in.fw = &fw;
	in.purgatory = purg;
	in.purgatory_size = plen;
	in.fault = r->fault;
	in.relocate = r->reloc & PA_RELOC_ALWAYS;
	/* The FDT's copy at the end of the first scratch range. */
	if (r->reloc & PA_RELOC_IN_SCRATCH)
		in.fdt_addr = sc[0].addr + sc[0].size - 0x10000;
	err = ok ? ld_plan_build(&in, &p) : LD_ERR_INVAL;
	CHECK(!err, "plan: %s: %s", errname(err), p.why);
	if (ok) {
		memset(mem, 0, PA_SIZE);
		memcpy(mem, h->arena, HB_ARENA_SIZE);
		if (r->reloc & PA_RELOC_IN_SCRATCH)
			memcpy(mem + (in.fdt_addr - PA_BASE), h->arena + (h->kd.fdt_addr - PA_BASE),
			       h->kd.fdt_size);
		for (i = 0; i < p.nseg; i++)
			memcpy(mem + (p.seg[i].mem - PA_BASE), p.seg[i].buf, p.seg[i].bufsz);
		CHECK(param(purg, plen, &p, "purgatory_regs", &purgatory_regs,
			    sizeof(purgatory_regs)) &&
		      param(purg, plen, &p, "purgatory_segs", purgatory_segs,
			    sizeof(purgatory_segs)) &&
		      param(purg, plen, &p, "purgatory_nsegs", &purgatory_nsegs, 4) &&
		      param(purg, plen, &p, "purgatory_fault", &purgatory_fault, 4) &&
		      param(purg, plen, &p, "purgatory_reloc", &purgatory_reloc,
			    sizeof(purgatory_reloc)) &&
		      param(purg, plen, &p, "purgatory_work", &purgatory_work,
			    sizeof(purgatory_work)) &&
		      param(purg, plen, &p, "purgatory_checksum", &purgatory_checksum, 4),
		      "parameters");
		/* A digest exactly for what the purgatory checks. */
		for (i = 0; i < p.nseg; i++) {
			const struct purg_seg *s = &purgatory_segs[i];
			bool self = p.seg[i].buf == p.purg_buf;
			bool hashed = !!(p.hashed_mask & (1u << i));

			CHECK(self ? s->flags == PURG_SEG_SELF && !hashed :
			      hashed ? s->flags == 0 && s->len == p.seg[i].bufsz :
			      s->flags == PURG_SEG_UNHASHED && !s->len,
			      "segment %u: flags %#x len %llu", i, s->flags,
			      (unsigned long long)s->len);
		}
		if (r->tamper & PA_EMPTY_TABLE)
			memset(mem + (purgatory_regs.x0 + p.boot.table_off - PA_BASE), 0,
			       p.nscratch * 16);
		CHECK(purgatory_regs.page_size == 4096 && purgatory_regs.x0 == p.seg[p.nseg - 1].mem,
		      "page_size %llu", (unsigned long long)purgatory_regs.page_size);
		CHECK(!r->handover || (purgatory_reloc.addr == purgatory_regs.x0 + p.boot.reloc_off &&
				       purgatory_reloc.size == p.boot.reloc_size && p.boot.reloc_off),
		      "relocation area 0x%llx", (unsigned long long)purgatory_reloc.addr);
		if (r->reloc & PA_RELOC_SHORT)
			purgatory_reloc.size--;
	}
	if (ok) {
		stopped = run_purgatory();
		dtb = mem + (purgatory_regs.x0 - PA_BASE);
		chosen = fdt_path_offset(dtb, "/chosen");
		cl = chosen >= 0 ? fdt_getprop(dtb, chosen, "bootargs", NULL) : NULL;
		printf("# console: %.*s", (int)serial_len, serial);
		printf("# bootargs: %s\n", cl ? cl : "(none)");
		CHECK(cl && !ho_fdt_check(dtb, fdt_totalsize(dtb), NULL), "DTB after");
		CHECK(stopped || (!strncmp(serial, "luo-purgatory: ", 15) &&
				  strchr(serial, '\n') == serial + serial_len - 1),
		      "one console line");
		CHECK(strstr(serial, r->line), "console line lacks \"%s\"", r->line);
	}
	if (ok && !strcmp(r->verdict, "stop")) {
		CHECK(stopped && !strcmp(cl, base), "stopped, bootargs untouched");
	} else if (ok && !strcmp(r->verdict, "none")) {
		CHECK(!stopped && !strcmp(cl, base), "bootargs untouched");
		CHECK(!fdt_getprop(dtb, chosen, HO_DTB_KHO_FDT, NULL), "no KHO props");
	} else if (ok && !strcmp(r->verdict, "ok")) {
		struct ho_handover kd;
		size_t bl = strlen(base);
		char *end, want[128];

		snprintf(want, sizeof(want),
			 " luo_stage.cntfrq=62500000 luo_stage.sha=%s luo_stage.checksum=%s",
			 r->checksum == PURG_CHECKSUM_ALL ? "c" : "none",
			 ld_checksum_name(r->checksum));
		CHECK(!stopped && !strncmp(cl, base, bl) &&
		      !strncmp(cl + bl, " luo_stage.cycles=", 18) &&
		      strtoull(cl + bl + 18, &end, 10) > 0 && !strcmp(end, want),
		      "bootargs, want \"...%s\"", want);
		/* booted with the corrupted byte: what the policy gives up */
		CHECK(r->fault != PURG_FAULT_IMAGE_CHECKSUM ||
		      mem[p.seg[0].mem - PA_BASE] ==
		      (uint8_t)(((const uint8_t *)p.seg[0].buf)[0] ^ 1), "corruption in place");
		if (r->reloc) {
			const uint8_t *fdt = mem + (kd.fdt_addr - PA_BASE);
			uint64_t table = purgatory_regs.x0 + p.boot.table_off;

			CHECK(!ho_dtb_handover(dtb, &kd) && kd.fdt_addr == purgatory_reloc.addr &&
			      kd.fdt_size == h->kd.fdt_size &&
			      kd.scratch_addr == kd.fdt_addr + ((kd.fdt_size + 15) & ~15ull) &&
			      kd.scratch_size == p.nscratch * 16, "/chosen: FDT 0x%llx, table 0x%llx",
			      (unsigned long long)kd.fdt_addr, (unsigned long long)kd.scratch_addr);
			CHECK(!memcmp(fdt, h->arena + (h->kd.fdt_addr - PA_BASE), kd.fdt_size) &&
			      !memcmp(mem + (kd.scratch_addr - PA_BASE), p.scratch, kd.scratch_size),
			      "the copies are not byte-exact");
			CHECK(has_rsv(dtb, kd.fdt_addr, kd.scratch_addr + kd.scratch_size - kd.fdt_addr) &&
			      !has_rsv(dtb, table, kd.scratch_size),
			      "/memreserve/: the area's missing or the old table's kept");
		} else {
			CHECK(!ho_dtb_handover(dtb, &kd) && kd.fdt_addr == h->kd.fdt_addr &&
			      kd.scratch_addr == purgatory_regs.x0 + p.boot.table_off,
			      "handover kept");
		}
	} else if (ok) {
		char want[128];

		snprintf(want, sizeof(want), "%s luo_stage.err=%s luo_stage.checksum=%s", base,
			 r->verdict, ld_checksum_name(r->checksum));
		CHECK(!stopped && !strcmp(cl, want), "bootargs, want \"%s\"", want);
		CHECK(!fdt_getprop(dtb, chosen, HO_DTB_KHO_FDT, NULL) &&
		      !fdt_getprop(dtb, chosen, HO_DTB_KHO_SCRATCH, NULL), "KHO props dropped");
	}
	if (!tap(ok, "arm64 purgatory: %s -> %s, one line \"...%s...\"", r->name, r->verdict,
		 r->line))
		printf("# %s\n", bad);
	if (!err)
		ld_plan_free(&p);
	free(src);
	free(kernel);
}

static void test_purgatory(const char *path, const char *qemu_dtb)
{
	size_t plen = 0, qlen = 0;
	void *purg = read_all(path, &plen), *qdtb = read_all(qemu_dtb, &qlen);
	struct hb_params hp;
	struct hb h = { 0 };
	uint8_t *mem;
	size_t i;

	if (!tap(purg && qdtb, "arm64 purgatory: %s and %s read", path, qemu_dtb))
		goto out;
	mem = mmap((void *)(uintptr_t)PA_BASE, PA_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
	if (mem != (void *)(uintptr_t)PA_BASE) {
		tap(true, "arm64 purgatory # SKIP cannot map %#llx", (unsigned long long)PA_BASE);
		goto out;
	}
	hb_params_default(&hp);
	if (tap(!hb_build(&h, &hp, HB_NONE, ho_schemas), "arm64 purgatory: hobuild handover"))
		for (i = 0; i < sizeof(pa_rows) / sizeof(pa_rows[0]); i++)
			pa_run(&pa_rows[i], mem, &h, purg, plen, qdtb, qlen);
	hb_free(&h);
	munmap(mem, PA_SIZE);
out:
	free(purg);
	free(qdtb);
}

int main(int argc, char **argv)
{
	test_images();
	test_dtb();
	test_dtb_room();
	test_rela();
	test_iomem();
	if (argc > 1)
		test_plan(argv[1]);
	else
		tap(false, "arm64 plan: no purgatory fixture given");
	if (argc > 2)
		test_real_dtb(argv[2]);
	else
		tap(false, "arm64 QEMU DTB: none given");
	if (argc > 3)
		test_purgatory(argv[3], argv[2]);
	else
		tap(false, "arm64 purgatory: no purgatory.ro given");
	return tap_done();
}
