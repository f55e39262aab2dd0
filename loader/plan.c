// SPDX-License-Identifier: GPL-2.0-only
/*
 * One kexec planned from its inputs: which segments, where (ld_place), the
 * boot_params block (ld_bp_*), the relocated purgatory with its parameters
 * (ld_elf_*, efi/purgatory/purgatory.h) and, with a handover, the stage
 * library's verdict on the scratch table and the segments before anything
 * is loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ho/check.h>
#include <ho/sha256.h>
#include <ho/x86.h>

#include "ld.h"

static int fail(struct ld_plan *p, int err, const char *why)
{
	snprintf(p->why, sizeof(p->why), "%s", why && *why ? why : ld_strerror(err));
	return err;
}

static int handover_fail(struct ld_plan *p, int err, const struct ho_report *rep)
{
	snprintf(p->why, sizeof(p->why), "handover: %s (%s) at %s %s",
		 ho_errname(err), ho_strerror(err), rep->path, rep->detail);
	return LD_ERR_HANDOVER;
}

/* The purgatory's parameters: registers, segment table, fault. */
static int purg_params(const struct ld_plan_in *in, struct ld_plan *p,
		       const struct ld_elf *e)
{
	struct purg_regs regs = { 0 };
	struct purg_reloc reloc = { 0 };
	struct purg_work work = { 0 };
	struct purg_seg segs[PURG_MAX_SEGS];
	uint64_t stack, start;
	uint32_t n = 0;
	unsigned int i;
	int err;

	memset(segs, 0, sizeof(segs));
	err = ld_elf_symbol(e, "purgatory_stack_end", &stack, NULL);
	if (!err)
		err = ld_elf_symbol(e, "purgatory_start", &start, NULL);
	if (err)
		return fail(p, err, "purgatory lacks purgatory_start or purgatory_stack_end");
	regs.rsi = p->seg[p->nseg - 1].mem;		/* boot_params */
	regs.rip = p->kernel_entry;
	regs.rsp = p->purg_mem + stack;
	p->purg_stack = regs.rsp;
	p->entry = p->purg_mem + start;
	for (i = 0; i < p->nseg; i++) {
		const struct ld_seg *s = &p->seg[i];

		segs[n].mem = s->mem;
		segs[n].memsz = s->memsz;
		if (s->buf == p->purg_buf) {
			segs[n].flags = PURG_SEG_SELF;
		} else {
			segs[n].len = s->bufsz;
			ho_sha256(s->buf, s->bufsz, segs[n].sha256);
		}
		n++;
	}
	err = ld_elf_poke(e, p->purg_buf, "purgatory_regs", &regs, sizeof(regs));
	if (!err)
		err = ld_elf_poke(e, p->purg_buf, "purgatory_segs", segs, sizeof(segs));
	if (!err)
		err = ld_elf_poke(e, p->purg_buf, "purgatory_nsegs", &n, sizeof(n));
	if (!err)
		err = ld_elf_poke(e, p->purg_buf, "purgatory_fault", &in->fault,
				  sizeof(in->fault));
	if (p->bp.reloc_sd) {
		reloc.addr = p->seg[p->nseg - 1].mem + p->bp.reloc_sd + 16;
		reloc.size = p->bp.reloc_size;
		reloc.flags = in->relocate ? PURG_RELOC_ALWAYS : 0;
	}
	if (!err)
		err = ld_elf_poke(e, p->purg_buf, "purgatory_reloc", &reloc,
				  sizeof(reloc));
	if (in->handover && p->diag.spare_size) {
		work.addr = p->diag.spare_addr;
		work.size = p->diag.spare_size < PURG_WORK_MAX ?
			    p->diag.spare_size : PURG_WORK_MAX;
	}
	if (!err)
		err = ld_elf_poke(e, p->purg_buf, "purgatory_work", &work,
				  sizeof(work));
	if (err)
		return fail(p, err, "purgatory parameter symbols missing or too small");
	return LD_OK;
}

/* ---- the plan's invariant ------------------------------------------------ */

/* One piece of the plan: [start, start + size), inside segment `in` (-1: none). */
struct piece {
	const char *name;
	uint64_t start, size;
	int in;
	bool point;		/* an address inside code: not a separate piece */
};

#define MAX_PIECES	(LD_NSEG + 16)

static int piece_fail(struct ld_plan *p, int err, const struct piece *a,
		      const char *verb, const struct piece *b)
{
	snprintf(p->why, sizeof(p->why),
		 "plan: %s [0x%llx, 0x%llx) %s %s [0x%llx, 0x%llx)", a->name,
		 (unsigned long long)a->start,
		 (unsigned long long)(a->start + a->size), verb, b->name,
		 (unsigned long long)b->start, (unsigned long long)(b->start + b->size));
	return err;
}

/* Sort by start (insertion sort: a few pieces) and report the first overlap. */
static int disjoint(struct ld_plan *p, struct piece *v, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		struct piece t = v[i];

		for (j = i; j > 0 && v[j - 1].start > t.start; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	for (i = 1; i < n; i++)
		if (v[i].start - v[i - 1].start < v[i - 1].size)
			return piece_fail(p, LD_ERR_PLAN_OVERLAP, &v[i - 1], "overlaps", &v[i]);
	return LD_OK;
}

static void add(struct piece *v, unsigned int *n, const char *name,
		uint64_t start, uint64_t size, int in, bool point)
{
	if (*n < MAX_PIECES)
		v[(*n)++] = (struct piece){ name, start, size, in, point };
}

int ld_plan_check(const struct ld_plan_in *in, struct ld_plan *p)
{
	struct piece seg[LD_NSEG + 1], sub[MAX_PIECES];
	unsigned int nseg = 0, nsub = 0, n, i;
	uint64_t bp;
	int err, b;

	if (!in || !p || !p->nseg || p->nseg > LD_NSEG)
		return LD_ERR_INVAL;
	for (i = 0; i < p->nseg; i++) {
		const struct ld_seg *s = &p->seg[i];
		struct piece *q = &seg[nseg++];

		*q = (struct piece){ s->name ? s->name : "segment", s->mem, s->memsz, -1, false };
		if (!s->memsz || !ho_range_ok(s->mem, s->memsz) ||
		    (s->mem & (HO_PAGE_SIZE - 1)) || (s->memsz & (HO_PAGE_SIZE - 1)) ||
		    s->bufsz > s->memsz) {
			snprintf(p->why, sizeof(p->why),
				 "plan: %s [0x%llx, +0x%llx) bufsz 0x%llx: not page aligned, "
				 "empty, wrapping or bigger than its memory", q->name,
				 (unsigned long long)s->mem, (unsigned long long)s->memsz,
				 (unsigned long long)s->bufsz);
			return LD_ERR_PLAN_OUTSIDE;
		}
		if (s->mem < LD_MIN_LOAD_ADDR || !ho_mem_usable(&in->memmap, s->mem, s->memsz)) {
			snprintf(p->why, sizeof(p->why),
				 "plan: %s [0x%llx, 0x%llx) is not all usable RAM at or above 1 MiB",
				 q->name, (unsigned long long)s->mem,
				 (unsigned long long)(s->mem + s->memsz));
			return LD_ERR_PLAN_OUTSIDE;
		}
	}
	if (in->handover) {
		if (!in->fdt_size || !ho_range_ok(in->fdt_addr, in->fdt_size)) {
			snprintf(p->why, sizeof(p->why), "plan: KHO FDT at 0x%llx size 0x%llx: %s",
				 (unsigned long long)in->fdt_addr,
				 (unsigned long long)in->fdt_size,
				 in->fdt_size ? "wraps around" : "empty");
			return LD_ERR_PLAN_OUTSIDE;
		}
		seg[nseg++] = (struct piece){ "KHO FDT", in->fdt_addr, in->fdt_size, -1, false };
	}
	err = disjoint(p, seg, nseg);
	if (err)
		return err;

	/* What lies inside the segments (p->seg[] order is fixed, ld.h). */
	bp = p->seg[p->nseg - 1].mem;
	b = (int)p->nseg - 1;
	add(sub, &nsub, "kernel bytes", p->seg[0].mem, p->seg[0].bufsz, 0, false);
	add(sub, &nsub, "zero page", bp, LD_ZERO_PAGE, b, false);
	add(sub, &nsub, "command line", bp + p->bp.cmdline, p->bp.cmdline_cap, b, false);
	if (p->bp.efi_sd) {
		add(sub, &nsub, "EFI memory map", bp + p->bp.efi_map, p->bp.efi_map_size, b,
		    false);
		add(sub, &nsub, "SETUP_EFI", bp + p->bp.efi_sd, 16ull + p->bp.efi_sd_size, b,
		    false);
	}
	if (p->bp.kho_sd) {
		add(sub, &nsub, "SETUP_KEXEC_KHO", bp + p->bp.kho_sd,
		    16ull + sizeof(struct ho_sd_kho), b, false);
		add(sub, &nsub, "scratch table", bp + p->bp.scratch, p->bp.scratch_size, b,
		    false);
	}
	if (p->bp.reloc_sd)
		add(sub, &nsub, "relocation area", bp + p->bp.reloc_sd,
		    16ull + p->bp.reloc_size, b, false);
	add(sub, &nsub, "kernel entry", p->kernel_entry, 1, 0, true);
	add(sub, &nsub, "purgatory entry", p->entry, 1, b - 1, true);
	/* The stack grows down from rsp: its top 16 bytes end at rsp. */
	add(sub, &nsub, "purgatory stack top", p->purg_stack - 16, 16, b - 1, true);
	for (i = 0, n = 0; i < nsub; i++) {
		const struct piece *q = &sub[i];
		const struct ld_seg *ps = &p->seg[q->in];
		/* Bytes the loader writes lie in bufsz; the rest is the kernel's. */
		struct piece s = { ps->name ? ps->name : "segment", ps->mem, ps->bufsz, -1, false };

		if (!q->size || !ho_range_ok(q->start, q->size) || q->start < s.start ||
		    q->start - s.start > s.size || q->size > s.size - (q->start - s.start))
			return piece_fail(p, LD_ERR_PLAN_OUTSIDE, q, "is not inside", &s);
		if (!q->point)
			sub[n++] = *q;
	}
	return disjoint(p, sub, n);
}

/*
 * The stage library's verdict on the placed segments (the scratch table
 * itself was checked before placing in it).
 */
static int check_handover(struct ld_plan *p)
{
	struct ho_segment hs[LD_NSEG];
	struct ho_report rep;
	unsigned int i;
	int err;

	for (i = 0; i < p->nseg; i++) {
		hs[i].mem = p->seg[i].mem;
		hs[i].memsz = p->seg[i].memsz;
	}
	err = ho_segments_check(hs, p->nseg, p->scratch, (uint64_t)p->nscratch * 16, &rep);
	if (err)
		return handover_fail(p, err, &rep);
	return LD_OK;
}

/* The handover as given: an FDT range that exists, a bounded scratch table. */
static int handover_inputs(const struct ld_plan_in *in, struct ld_plan *p)
{
	if (in->handover && (!in->fdt_size || !ho_range_ok(in->fdt_addr, in->fdt_size))) {
		snprintf(p->why, sizeof(p->why), "handover: KHO FDT at 0x%llx size 0x%llx %s",
			 (unsigned long long)in->fdt_addr, (unsigned long long)in->fdt_size,
			 in->fdt_size ? "wraps around" : "is empty");
		return LD_ERR_HANDOVER;
	}
	if (!in->scratch || !in->nscratch || in->nscratch > LD_MAX_SCRATCH) {
		snprintf(p->why, sizeof(p->why), "handover: %u scratch ranges (1 to %u)",
			 in->nscratch, LD_MAX_SCRATCH);
		return LD_ERR_HANDOVER;
	}
	return LD_OK;
}

/*
 * Place the segments where the memory map allows, never over the KHO FDT
 * (it may lie in scratch; the purgatory then moves it, so it must survive
 * the load): the FDT becomes one more reserved entry of the map placed in.
 */
static int place_avoiding_fdt(const struct ld_plan_in *in, struct ld_plan *p)
{
	struct ho_mem_range *r;
	struct ho_memmap mm;
	int err;

	if (!in->handover)	/* inside scratch when it was given anyway */
		return ld_place(p->seg, p->nseg, p->nscratch ? p->scratch : NULL,
				p->nscratch, &in->memmap, &p->diag);
	r = malloc(((size_t)in->memmap.count + 1) * sizeof(*r));
	if (!r)
		return fail(p, LD_ERR_INVAL, "out of memory");
	memcpy(r, in->memmap.ranges, in->memmap.count * sizeof(*r));
	r[in->memmap.count] = (struct ho_mem_range){ in->fdt_addr, in->fdt_size,
						     HO_MEM_RESERVED };
	mm = (struct ho_memmap){ r, in->memmap.count + 1 };
	err = ld_place(p->seg, p->nseg, p->scratch, p->nscratch, &mm, &p->diag);
	free(r);
	return err;
}

int ld_plan_build(const struct ld_plan_in *in, struct ld_plan *p)
{
	struct ld_bp_in bpi;
	struct ho_report rep;
	struct ld_elf elf;
	struct ld_seg *k;
	int err;

	if (!in || !p)
		return LD_ERR_INVAL;
	memset(p, 0, sizeof(*p));
	err = ld_bzimage_parse(in->kernel, in->kernel_size, &p->bz);
	if (err)
		return fail(p, err, p->bz.why);
	err = ld_elf_open(&elf, in->purgatory, in->purgatory_size);
	if (err)
		return fail(p, err, NULL);
	if (!in->memmap.count || !in->memmap.ranges)
		return fail(p, LD_ERR_MEMMAP, "the memory map is empty");
	if (in->memmap.count > LD_MAX_FREE)
		return fail(p, LD_ERR_MEMMAP, "the memory map has more than 256 entries");
	if (in->cmdline && strlen(in->cmdline) > p->bz.cmdline_size) {
		snprintf(p->why, sizeof(p->why),
			 "command line is %zu bytes, the kernel accepts at most %u "
			 "(setup header cmdline_size)", strlen(in->cmdline), p->bz.cmdline_size);
		return LD_ERR_CMDLINE_TOO_LONG;
	}

	/* Scratch given without a handover: segments still go inside it. */
	if (in->handover || in->nscratch) {
		uint32_t i;

		err = handover_inputs(in, p);
		if (err)
			return err;
		p->scratch = calloc(in->nscratch ? in->nscratch : 1, sizeof(*p->scratch));
		if (!p->scratch)
			return fail(p, LD_ERR_INVAL, "out of memory");
		for (i = 0; i < in->nscratch; i++)
			if (in->scratch[i].size)
				p->scratch[p->nscratch++] = in->scratch[i];
		if (!p->nscratch)
			return fail(p, LD_ERR_NO_ALLOWED_MEMORY, "handover: every scratch range is empty");
		/* The stage library's verdict on the table before placing in it. */
		err = ho_scratch_check(p->scratch, (uint64_t)p->nscratch * 16, &in->memmap, &rep);
		if (err)
			return handover_fail(p, err, &rep);
	}

	memset(&bpi, 0, sizeof(bpi));
	bpi.bz = &p->bz;
	bpi.cmdline = in->cmdline;
	bpi.e820 = &in->memmap;
	bpi.acpi_rsdp = in->acpi_rsdp;
	bpi.initrd_size = in->initrd ? in->initrd_size : 0;
	bpi.handover = in->handover;
	bpi.fdt_addr = in->fdt_addr;
	bpi.fdt_size = in->fdt_size;
	bpi.scratch = in->handover ? p->scratch : NULL;
	bpi.nscratch = in->handover ? p->nscratch : 0;
	bpi.reloc_area = in->handover;
	bpi.efi_info = in->efi_info;
	bpi.efi_map = in->efi_map;
	bpi.efi_map_size = in->efi_map_size;
	bpi.efi_sd = in->efi_sd;
	bpi.efi_sd_size = in->efi_sd_size;
	err = ld_bp_layout(&bpi, &p->bp);
	if (err)
		return fail(p, err, NULL);
	if (p->bp.size > LD_BP_MAX)
		return fail(p, LD_ERR_INVAL, "boot_params block too big");

	p->purg_buf = calloc(1, elf.memsz);
	p->bp_buf = calloc(1, p->bp.size);
	if (!p->purg_buf || !p->bp_buf)
		return fail(p, LD_ERR_INVAL, "out of memory");

	k = &p->seg[p->nseg++];
	k->name = "kernel";
	k->buf = p->bz.image + p->bz.setup_size;
	k->bufsz = p->bz.size - p->bz.setup_size;
	k->memsz = p->bz.init_size > k->bufsz ? p->bz.init_size : k->bufsz;
	k->align = p->bz.kernel_alignment;
	k->min = p->bz.pref_address;
	if (bpi.initrd_size) {
		struct ld_seg *s = &p->seg[p->nseg++];

		s->name = "initrd";
		s->buf = in->initrd;
		s->bufsz = s->memsz = in->initrd_size;
	}
	p->seg[p->nseg++] = (struct ld_seg){
		.name = "purgatory", .buf = p->purg_buf, .bufsz = elf.memsz,
		.memsz = elf.memsz, .align = elf.align,
	};
	p->seg[p->nseg++] = (struct ld_seg){
		.name = "boot_params", .buf = p->bp_buf, .bufsz = p->bp.size,
		.memsz = p->bp.size,
	};

	err = place_avoiding_fdt(in, p);
	if (err == LD_ERR_NO_SPACE && p->diag.seg == 0 && k->min > LD_MIN_LOAD_ADDR) {
		/* Relocatable: below pref_address is fine when nothing else is. */
		k->min = 0;
		err = place_avoiding_fdt(in, p);
	}
	if (err == LD_ERR_NO_ALLOWED_MEMORY)
		return fail(p, err, in->handover ?
			    "no scratch range lies in usable RAM at or above 1 MiB" :
			    "the memory map has no usable RAM at or above 1 MiB");
	if (err == LD_ERR_NO_SPACE) {
		ld_place_explain(p->seg, p->nseg, &p->diag, p->why, sizeof(p->why));
		return err;
	}
	if (err)
		return fail(p, err, NULL);
	p->kernel_entry = k->mem + 0x200;

	bpi.kernel_mem = k->mem;
	if (bpi.initrd_size)
		bpi.initrd_mem = p->seg[1].mem;
	err = ld_bp_build(&bpi, &p->bp, p->bp_buf, p->seg[p->nseg - 1].mem);
	if (err)
		return fail(p, err, NULL);
	p->purg_mem = p->seg[p->nseg - 2].mem;
	err = ld_elf_relocate(&elf, p->purg_buf, p->purg_mem);
	if (err)
		return fail(p, err, NULL);
	err = purg_params(in, p, &elf);
	if (err)
		return err;
	err = ld_plan_check(in, p);
	if (err)
		return err;
	if (in->handover)
		return check_handover(p);
	return LD_OK;
}

void ld_plan_free(struct ld_plan *p)
{
	if (!p)
		return;
	free(p->bp_buf);
	free(p->purg_buf);
	free(p->scratch);
	p->bp_buf = p->purg_buf = NULL;
	p->scratch = NULL;
}
