// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: luo-kexec's planner (loader/ld.h) on hostile bzImage
 * setup headers and handovers. The input is XORed over a valid plan's
 * inputs, so the empty input is a valid plan and every byte spoils one
 * thing:
 *
 *   [0, 0x9f)        the setup header, 0x1f1..0x290 of the bzImage
 *   then 16 bytes    file length cut, command line length, flags (handover,
 *                    initrd, EFI, relocate), scratch count
 *   then u64 pairs   KHO FDT addr/size, up to 4 scratch addr/size
 *
 * ld_plan_build() must return a known code with a message; a plan it
 * accepts must keep its invariant (checked again here, independently):
 * segments disjoint, aligned, in usable RAM and scratch, clear of the FDT,
 * the command line in boot_params byte for byte, the kernel bytes copied.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ho/ho.h>

#include "arch/x86_64/ld_x86.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const char ld_purgatory[], ld_purgatory_end[];

#define SETUP		(5 * 512)
#define CODE		(16u << 10)
#define HDR_LEN		(LD_HDR_END_MAX - LD_SETUP_HDR_OFF)
#define MiB		(1ull << 20)

static const struct ho_mem_range ranges[] = {
	{ 0, 0x9fc00, HO_MEM_RAM },
	{ 0x9fc00, 0x400, HO_MEM_RESERVED },
	{ 0x100000, 0x3fee0000, HO_MEM_RAM },
	{ 0x3ffe0000, 0x20000, HO_MEM_RESERVED },
	{ 0x100000000ull, 0x40000000, HO_MEM_RAM },
};
static const struct ho_memmap mm = { ranges, 5 };

static uint8_t *image;
static char cmdline[LD_CMDLINE_SIZE_MAX + 2];
static uint8_t initrd[3 * 4096 + 5], efi_info[32], efi_map[80], efi_sd[96];

static void put(uint8_t *p, uint64_t v, unsigned int n)
{
	memcpy(p, &v, n);	/* little endian host */
}

/* A valid 2.15 bzImage: 4 setup sectors, 16 KiB of code, 12 MiB init. */
static void template(uint8_t *b)
{
	size_t i;

	memset(b, 0, SETUP + CODE);
	b[0x1f1] = 4;
	put(b + 0x1f4, CODE / 16, 4);
	put(b + 0x1fe, 0xaa55, 2);
	b[0x201] = 0x6a;
	memcpy(b + 0x202, "HdrS", 4);
	put(b + 0x206, 0x020f, 2);
	b[0x211] = 1;
	put(b + 0x22c, 0x7fffffff, 4);
	put(b + 0x230, 2 * MiB, 4);
	b[0x234] = 1;
	put(b + 0x236, 3, 2);
	put(b + 0x238, 2047, 4);
	put(b + 0x248, 0x400, 4);
	put(b + 0x24c, 0x1000, 4);
	put(b + 0x258, 16 * MiB, 8);
	put(b + 0x260, 12 * MiB, 4);
	for (i = SETUP; i < SETUP + CODE; i++)
		b[i] = (uint8_t)(i * 13);
}

static uint64_t take(const uint8_t **p, size_t *left, unsigned int n)
{
	uint64_t v = 0;

	if (n > *left)
		n = (unsigned int)*left;
	memcpy(&v, *p, n);
	*p += n;
	*left -= n;
	return v;
}

static bool in_scratch(const struct ld_plan *p, uint64_t a, uint64_t sz)
{
	uint32_t i;

	for (i = 0; i < p->nscratch; i++)
		if (a >= p->scratch[i].addr && sz <= p->scratch[i].size &&
		    a - p->scratch[i].addr <= p->scratch[i].size - sz)
			return true;
	return false;
}

static void check_plan(const struct ld_plan_in *in, struct ld_plan *p, size_t len)
{
	const struct ld_bzimage *bz = ld_x86_bz(&p->image);
	const struct ld_bp_layout *lay = ld_x86_bp(&p->boot);
	const uint8_t *bp = p->boot_buf;
	unsigned int i, j;

	if (ld_plan_check(in, p) || p->nseg < 3 || p->nseg > LD_NSEG)
		abort();
	for (i = 0; i < p->nseg; i++) {
		const struct ld_seg *s = &p->seg[i];

		if ((s->mem | s->memsz) & 4095 || s->bufsz > s->memsz ||
		    s->mem < LD_MIN_LOAD_ADDR || !ho_mem_usable(&mm, s->mem, s->memsz) ||
		    (in->handover && (!in_scratch(p, s->mem, s->memsz) ||
				      ho_ranges_overlap(s->mem, s->memsz, in->fdt_addr,
							in->fdt_size))))
			abort();
		for (j = 0; j < i; j++)
			if (ho_ranges_overlap(s->mem, s->memsz, p->seg[j].mem, p->seg[j].memsz))
				abort();
	}
	if (p->seg[0].bufsz != len - bz->setup_size ||
	    memcmp(p->seg[0].buf, image + bz->setup_size, p->seg[0].bufsz))
		abort();
	if (lay->cmdline + lay->cmdline_cap > lay->size ||
	    strlen(in->cmdline) >= lay->cmdline_cap ||
	    memcmp(bp + lay->cmdline, in->cmdline, strlen(in->cmdline) + 1))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ho_scratch base_sc[4] = {
		{ 0x30000000, 224 * MiB }, { 0x1000000, 16 * MiB },
		{ 0x100000000ull, 512 * MiB }, { 0x20000000, 0 },
	};
	struct ho_scratch sc[4];
	const struct ld_fw fw = { efi_info, efi_map, sizeof(efi_map), efi_sd, sizeof(efi_sd), 0, false };
	struct ld_plan_in in = { 0 };
	struct ld_plan p;
	const uint8_t *q = data;
	size_t left = size, len, cl, i;
	uint64_t cut, flags;
	unsigned int nsc;
	int err;

	if (!image) {
		image = malloc(SETUP + CODE);
		if (!image)
			abort();
	}
	template(image);
	for (i = 0; i < HDR_LEN && left; i++, left--)
		image[LD_SETUP_HDR_OFF + i] ^= *q++;
	cut = take(&q, &left, 4);
	len = SETUP + CODE - (size_t)(cut % (SETUP + CODE));
	cl = (size_t)(take(&q, &left, 4) % sizeof(cmdline));
	flags = take(&q, &left, 4) ^ 0xf;	/* zero: everything on */
	nsc = 1 + (unsigned int)(take(&q, &left, 4) % 4);
	in.fdt_addr = take(&q, &left, 8) ^ 0x3000000;
	in.fdt_size = take(&q, &left, 8) ^ 4096;
	for (i = 0; i < 4; i++) {
		sc[i].addr = take(&q, &left, 8) ^ base_sc[i].addr;
		sc[i].size = take(&q, &left, 8) ^ base_sc[i].size;
	}
	memset(cmdline, 'c', cl);
	cmdline[cl] = 0;

	in.kernel = image;
	in.kernel_size = len;
	in.cmdline = cmdline;
	in.memmap = mm;
	in.handover = flags & 1;
	in.scratch = sc;
	in.nscratch = nsc;
	if (flags & 2) {
		in.initrd = initrd;
		in.initrd_size = sizeof(initrd);
	}
	if (flags & 4)
		in.fw = &fw;
	in.relocate = flags & 8;
	in.purgatory = ld_purgatory;
	in.purgatory_size = (size_t)(ld_purgatory_end - ld_purgatory);

	err = ld_plan_build(&in, &p);
	if (err > 0 || !strcmp(ld_errname(err), "LD_ERR_UNKNOWN") ||
	    (err && (!p.why[0] || !memchr(p.why, 0, sizeof(p.why)))))
		abort();
	if (!err)
		check_plan(&in, &p, len);
	ld_plan_free(&p);
	return 0;
}
