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

#include "ld.h"

static int fail(struct ld_plan *p, int err, const char *why)
{
	snprintf(p->why, sizeof(p->why), "%s", why ? why : ld_strerror(err));
	return err;
}

/* The purgatory's parameters: registers, segment table, fault. */
static int purg_params(const struct ld_plan_in *in, struct ld_plan *p,
		       const struct ld_elf *e)
{
	struct purg_regs regs = { 0 };
	struct purg_reloc reloc = { 0 };
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
	if (err)
		return fail(p, err, "purgatory parameter symbols missing or too small");
	return LD_OK;
}

/* The stage library's verdict on what can be checked before loading. */
static int check_handover(const struct ld_plan_in *in, struct ld_plan *p)
{
	struct ho_segment hs[LD_NSEG];
	struct ho_report rep;
	unsigned int i;
	int err;

	err = ho_scratch_check(p->scratch, (uint64_t)p->nscratch * 16,
			       &in->memmap, &rep);
	for (i = 0; !err && i < p->nseg; i++) {
		hs[i].mem = p->seg[i].mem;
		hs[i].memsz = p->seg[i].memsz;
	}
	if (!err)
		err = ho_segments_check(hs, p->nseg, p->scratch,
					(uint64_t)p->nscratch * 16, &rep);
	if (err) {
		snprintf(p->why, sizeof(p->why), "handover: %s (%s) at %s %s",
			 ho_errname(err), ho_strerror(err), rep.path, rep.detail);
		return LD_ERR_HANDOVER;
	}
	return LD_OK;
}

int ld_plan_build(const struct ld_plan_in *in, struct ld_plan *p)
{
	struct ld_bp_in bpi;
	struct ld_elf elf;
	struct ld_seg *k;
	int err;

	if (!in || !p)
		return LD_ERR_INVAL;
	memset(p, 0, sizeof(*p));
	err = ld_bzimage_parse(in->kernel, in->kernel_size, &p->bz);
	if (err)
		return fail(p, err, NULL);
	err = ld_elf_open(&elf, in->purgatory, in->purgatory_size);
	if (err)
		return fail(p, err, NULL);

	/* Scratch given without a handover: segments still go inside it. */
	if (in->handover || in->nscratch) {
		uint32_t i;

		p->scratch = calloc(in->nscratch ? in->nscratch : 1, sizeof(*p->scratch));
		if (!p->scratch)
			return fail(p, LD_ERR_INVAL, "out of memory");
		for (i = 0; i < in->nscratch; i++)
			if (in->scratch[i].size)
				p->scratch[p->nscratch++] = in->scratch[i];
		if (!p->nscratch)
			return fail(p, LD_ERR_NO_ALLOWED_MEMORY, "handover: every scratch range is empty");
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

	err = ld_place(p->seg, p->nseg, p->scratch, p->nscratch, &in->memmap,
		       &p->diag);
	if (err == LD_ERR_NO_SPACE && p->diag.seg == 0 && k->min > LD_MIN_LOAD_ADDR) {
		/* Relocatable: below pref_address is fine when nothing else is. */
		k->min = 0;
		err = ld_place(p->seg, p->nseg, p->scratch, p->nscratch,
			       &in->memmap, &p->diag);
	}
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
	if (in->handover)
		return check_handover(in, p);
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
