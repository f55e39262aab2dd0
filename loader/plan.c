// SPDX-License-Identifier: GPL-2.0-only
/*
 * One kexec planned from its inputs: the kernel image (ld_image_probe),
 * which segments, where (ld_place), the boot data that carries the handover
 * (ld_arch.boot_*), the relocated purgatory with its parameters (ld_elf_*,
 * efi/purgatory/purgatory.h; its jump by ld_arch.purgatory_jump) and, with
 * a handover, the stage library's verdict on the scratch table and the
 * segments before anything is loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ho/check.h>
#include <ho/sha256.h>

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

int ld_checksum_parse(const char *word, uint32_t *policy)
{
	uint32_t i;

	for (i = 0; word && i < PURG_CHECKSUM_COUNT; i++)
		if (!strcmp(word, purg_checksum_name(i))) {
			*policy = i;
			return LD_OK;
		}
	return LD_ERR_CHECKSUM;
}

const char *ld_checksum_name(uint32_t policy)
{
	return purg_checksum_name(policy);
}

/*
 * Does the purgatory hash segment s (not its own) under in->checksum? All:
 * yes; none: no; outside-scratch: unless it lies wholly inside the scratch
 * table the boot data carries (only with a handover; the purgatory checks
 * the same with purg_in_scratch() against that copy).
 */
static bool seg_hashed(const struct ld_plan_in *in, const struct ld_plan *p,
		       const struct ld_seg *s)
{
	switch (in->checksum) {
	case PURG_CHECKSUM_NONE:
		return false;
	case PURG_CHECKSUM_OUTSIDE_SCRATCH:
		return !in->handover ||
		       !purg_in_scratch(s->mem, s->memsz, (const uint64_t *)p->scratch,
					(uint64_t)p->nscratch * sizeof(*p->scratch));
	default:
		return true;
	}
}

/*
 * The purgatory's parameters: its jump, segment table (a digest only for
 * what it will check), checksum policy, fault, areas.
 */
static int purg_params(const struct ld_plan_in *in, struct ld_plan *p,
		       const struct ld_elf *e)
{
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
	p->purg_stack = p->purg_mem + stack;
	p->entry = p->purg_mem + start;
	for (i = 0; i < p->nseg; i++) {
		const struct ld_seg *s = &p->seg[i];

		segs[n].mem = s->mem;
		segs[n].memsz = s->memsz;
		if (s->buf == p->purg_buf) {
			segs[n].flags = PURG_SEG_SELF;
		} else if (seg_hashed(in, p, s)) {
			segs[n].len = s->bufsz;
			ho_sha256(s->buf, s->bufsz, segs[n].sha256);
			p->hashed++;
			p->hashed_mask |= 1u << i;
		} else {
			segs[n].flags = PURG_SEG_UNHASHED;
		}
		n++;
	}
	err = ld_arch.purgatory_jump(p, e, p->purg_buf);
	if (!err)
		err = ld_elf_poke(e, p->purg_buf, "purgatory_segs", segs, sizeof(segs));
	if (!err)
		err = ld_elf_poke(e, p->purg_buf, "purgatory_nsegs", &n, sizeof(n));
	if (!err)
		err = ld_elf_poke(e, p->purg_buf, "purgatory_checksum", &in->checksum,
				  sizeof(in->checksum));
	if (!err)
		err = ld_elf_poke(e, p->purg_buf, "purgatory_fault", &in->fault,
				  sizeof(in->fault));
	if (p->boot.reloc_off) {
		reloc.addr = p->seg[p->nseg - 1].mem + p->boot.reloc_off;
		reloc.size = p->boot.reloc_size;
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

#define MAX_PIECES	(LD_NSEG + 16)

static int piece_fail(struct ld_plan *p, int err, const struct ld_piece *a,
		      const char *verb, const struct ld_piece *b)
{
	snprintf(p->why, sizeof(p->why),
		 "plan: %s [0x%llx, 0x%llx) %s %s [0x%llx, 0x%llx)", a->name,
		 (unsigned long long)a->start,
		 (unsigned long long)(a->start + a->size), verb, b->name,
		 (unsigned long long)b->start, (unsigned long long)(b->start + b->size));
	return err;
}

/* Sort by start (insertion sort: a few pieces) and report the first overlap. */
static int disjoint(struct ld_plan *p, struct ld_piece *v, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		struct ld_piece t = v[i];

		for (j = i; j > 0 && v[j - 1].start > t.start; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	for (i = 1; i < n; i++)
		if (v[i].start - v[i - 1].start < v[i - 1].size)
			return piece_fail(p, LD_ERR_PLAN_OVERLAP, &v[i - 1], "overlaps", &v[i]);
	return LD_OK;
}

static void add(struct ld_piece *v, unsigned int *n, const char *name,
		uint64_t start, uint64_t size, int in, bool point)
{
	if (*n < MAX_PIECES)
		v[(*n)++] = (struct ld_piece){ name, start, size, in, point };
}

int ld_plan_check(const struct ld_plan_in *in, struct ld_plan *p)
{
	struct ld_piece seg[LD_NSEG + 1], sub[MAX_PIECES];
	const uint64_t pg = ld_arch.page_size;
	unsigned int nseg = 0, nsub = 0, n, i;
	char min[32];
	uint64_t bd;
	int err, b;

	if (!in || !p || !p->nseg || p->nseg > LD_NSEG)
		return LD_ERR_INVAL;
	ld_size_words(ld_arch.min_addr, min, sizeof(min));
	for (i = 0; i < p->nseg; i++) {
		const struct ld_seg *s = &p->seg[i];
		struct ld_piece *q = &seg[nseg++];

		*q = (struct ld_piece){ s->name ? s->name : "segment", s->mem, s->memsz, -1, false };
		if (!s->memsz || !ho_range_ok(s->mem, s->memsz) ||
		    (s->mem & (pg - 1)) || (s->memsz & (pg - 1)) ||
		    s->bufsz > s->memsz) {
			snprintf(p->why, sizeof(p->why),
				 "plan: %s [0x%llx, +0x%llx) bufsz 0x%llx: not page aligned, "
				 "empty, wrapping or bigger than its memory", q->name,
				 (unsigned long long)s->mem, (unsigned long long)s->memsz,
				 (unsigned long long)s->bufsz);
			return LD_ERR_PLAN_OUTSIDE;
		}
		if (s->mem < ld_arch.min_addr || !ho_mem_usable(&in->memmap, s->mem, s->memsz)) {
			snprintf(p->why, sizeof(p->why),
				 "plan: %s [0x%llx, 0x%llx) is not all usable RAM at or above %s",
				 q->name, (unsigned long long)s->mem,
				 (unsigned long long)(s->mem + s->memsz), min);
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
		seg[nseg++] = (struct ld_piece){ "KHO FDT", in->fdt_addr, in->fdt_size, -1, false };
	}
	err = disjoint(p, seg, nseg);
	if (err)
		return err;

	/* What lies inside the segments (p->seg[] order is fixed, ld.h). */
	bd = p->seg[p->nseg - 1].mem;
	b = (int)p->nseg - 1;
	add(sub, &nsub, "kernel bytes", p->seg[0].mem, p->seg[0].bufsz, 0, false);
	n = ld_arch.boot_pieces(&p->boot, sub + nsub, MAX_PIECES - 4 - nsub);
	for (i = nsub; i < nsub + n; i++) {
		sub[i].start += bd;
		sub[i].in = b;
		sub[i].point = false;
	}
	nsub += n;
	add(sub, &nsub, "kernel entry", p->kernel_entry, 1, 0, true);
	add(sub, &nsub, "purgatory entry", p->entry, 1, b - 1, true);
	/* The stack grows down: its top 16 bytes end at purg_stack. */
	add(sub, &nsub, "purgatory stack top", p->purg_stack - 16, 16, b - 1, true);
	for (i = 0, n = 0; i < nsub; i++) {
		const struct ld_piece *q = &sub[i];
		const struct ld_seg *ps = &p->seg[q->in];
		/* Bytes the loader writes lie in bufsz; the rest is the kernel's. */
		struct ld_piece s = { ps->name ? ps->name : "segment", ps->mem, ps->bufsz, -1, false };

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
	const struct ld_image *img = &p->image;
	struct ld_boot_in bi;
	struct ho_env env = { 0 };
	struct ho_report rep;
	struct ld_elf elf;
	struct ld_seg *k;
	char min[32];
	int err;

	if (!in || !p)
		return LD_ERR_INVAL;
	memset(p, 0, sizeof(*p));
	if (!ld_checksum_name(in->checksum)) {
		snprintf(p->why, sizeof(p->why), "checksum policy %u (0 to %u)", in->checksum,
			 PURG_CHECKSUM_COUNT - 1);
		return LD_ERR_CHECKSUM;
	}
	err = ld_image_probe(ld_arch.types, ld_arch.ntypes, in->type, in->kernel,
			     in->kernel_size, &p->image);
	if (err)
		return fail(p, err, p->image.why);
	if (ld_arch.target_check) {
		err = ld_arch.target_check(img, in->fw, p->why, sizeof(p->why));
		if (err)
			return err;
	}
	err = ld_elf_open(&elf, in->purgatory, in->purgatory_size);
	if (err)
		return fail(p, err, NULL);
	if (!in->memmap.count || !in->memmap.ranges)
		return fail(p, LD_ERR_MEMMAP, "the memory map is empty");
	if (in->memmap.count > LD_MAX_FREE)
		return fail(p, LD_ERR_MEMMAP, "the memory map has more than 256 entries");
	if (in->cmdline && strlen(in->cmdline) > img->cmdline_max) {
		snprintf(p->why, sizeof(p->why),
			 "command line is %zu bytes, the kernel accepts at most %u (%s)",
			 strlen(in->cmdline), img->cmdline_max, img->cmdline_what);
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
		/*
		 * The stage library's verdict on the table before placing in
		 * it, at the next kernel's page size (scratch alignment).
		 */
		env.memmap = &in->memmap;
		env.page_size = img->page_size;
		err = ho_scratch_check_env(p->scratch, (uint64_t)p->nscratch * 16, &env, &rep);
		if (err)
			return handover_fail(p, err, &rep);
	}

	memset(&bi, 0, sizeof(bi));
	bi.image = img;
	bi.cmdline = in->cmdline;
	bi.memmap = &in->memmap;
	bi.initrd_size = in->initrd ? in->initrd_size : 0;
	bi.handover = in->handover;
	bi.ho.fdt_addr = in->fdt_addr;
	bi.ho.fdt_size = in->fdt_size;
	bi.scratch = in->handover ? p->scratch : NULL;
	bi.nscratch = in->handover ? p->nscratch : 0;
	bi.reloc_area = in->handover;
	bi.fw = in->fw;
	err = ld_arch.boot_layout(&bi, &p->boot);
	if (err)
		return fail(p, err, NULL);
	if (in->relocate && in->handover && !p->boot.reloc_off) {
		snprintf(p->why, sizeof(p->why), "--relocate-handover: the %s boot data has "
			 "no relocation area (%s)", ld_arch.name, ld_arch.reloc_name);
		return LD_ERR_INVAL;
	}

	p->purg_buf = calloc(1, elf.memsz);
	p->boot_buf = calloc(1, p->boot.size);
	if (!p->purg_buf || !p->boot_buf)
		return fail(p, LD_ERR_INVAL, "out of memory");

	k = &p->seg[p->nseg++];
	k->name = "kernel";
	k->buf = img->file + img->load_off;
	k->bufsz = img->size - img->load_off;
	k->memsz = img->memsz > k->bufsz ? img->memsz : k->bufsz;
	k->align = img->align;
	k->min = img->pref_addr;
	if (bi.initrd_size) {
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
		.name = ld_arch.boot_name, .buf = p->boot_buf, .bufsz = p->boot.size,
		.memsz = p->boot.size,
	};

	err = place_avoiding_fdt(in, p);
	if (err == LD_ERR_NO_SPACE && p->diag.seg == 0 && img->below_pref &&
	    k->min > ld_arch.min_addr) {
		/* Relocatable: below pref_addr is fine when nothing else is. */
		k->min = 0;
		err = place_avoiding_fdt(in, p);
	}
	ld_size_words(ld_arch.min_addr, min, sizeof(min));
	if (err == LD_ERR_NO_ALLOWED_MEMORY) {
		snprintf(p->why, sizeof(p->why), in->handover ?
			 "no scratch range lies in usable RAM at or above %s" :
			 "the memory map has no usable RAM at or above %s", min);
		return err;
	}
	if (err == LD_ERR_NO_SPACE) {
		ld_place_explain(p->seg, p->nseg, &p->diag, p->why, sizeof(p->why));
		return err;
	}
	if (err)
		return fail(p, err, NULL);
	p->kernel_entry = k->mem + img->entry_off;

	bi.kernel_mem = k->mem;
	if (bi.initrd_size)
		bi.initrd_mem = p->seg[1].mem;
	err = ld_arch.boot_build(&bi, &p->boot, p->boot_buf, p->seg[p->nseg - 1].mem);
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
	free(p->boot_buf);
	free(p->purg_buf);
	free(p->scratch);
	p->boot_buf = p->purg_buf = NULL;
	p->scratch = NULL;
}
