// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo-kexec's arm64 module (struct ld_arch, loader/arch.h): the Image type
 * (image_arm64.c), the DTB as the boot data (dtb_arm64.c: the running
 * system's with /chosen rewritten) followed by the scratch table the DTB
 * points at and reserves and the relocation area, the purgatory's jump (x0 = DTB, x1-x3 = 0,
 * pc = the Image, booting.rst), its R_AARCH64_* relocations and the arm64
 * error codes.
 */
#include <elf.h>
#include <linux/kexec.h>
#include <string.h>

#include <libfdt.h>

#include <ho/fixup.h>

#include "ld_arm64.h"

/* The error table; a number used twice over it and LD_ERROR_LIST fails the build. */
LD_ARCH_ERRORS(a64_errors, LD_A64_ERROR_LIST);

/* ---- the Image type ------------------------------------------------------ */

static int image_probe(const void *buf, size_t len, struct ld_image *img)
{
	struct ld_a64_image *h = (struct ld_a64_image *)img->arch;
	int err;

	err = ld_a64_image_parse(buf, len, h);
	if (err) {
		snprintf(img->why, sizeof(img->why), "%s", h->why);
		return err;
	}
	img->load_off = 0;
	img->memsz = h->text_offset + h->image_size;	/* parse: text_offset 0 */
	img->align = LD_A64_ALIGN;
	img->pref_addr = 0;
	img->below_pref = false;
	img->entry_off = h->text_offset;
	img->page_size = h->page_size;	/* 0 (unspecified): 4 KiB */
	img->cmdline_max = LD_A64_CMDLINE_MAX;
	img->cmdline_what = "arm64 COMMAND_LINE_SIZE";
	return LD_OK;
}

static const struct ld_image_type a64_types[] = {
	{ "Image", image_probe },
};

/* ---- the DTB as the boot data ------------------------------------------- */

static int dtb_in(const struct ld_boot_in *in, const struct ld_a64_layout *lay,
		  uint64_t phys, struct ld_a64_dtb_in *o)
{
	memset(o, 0, sizeof(*o));
	if (!in->fw || !in->fw->dtb)
		return LD_ERR_DTB;
	o->src = in->fw->dtb;
	o->src_size = in->fw->dtb_size;
	o->cmdline = in->cmdline;
	o->initrd_start = in->initrd_mem;
	o->initrd_size = in->initrd_size;
	o->handover = in->handover;
	o->fdt_addr = in->ho.fdt_addr;
	o->fdt_size = in->ho.fdt_size;
	if (in->handover) {
		o->scratch_addr = phys + (lay ? lay->scratch : 0);
		o->scratch_size = (uint64_t)in->nscratch * sizeof(struct ho_scratch);
	}
	o->seed = in->fw->seed;
	return LD_OK;
}

static uint32_t up16(uint32_t v)
{
	return (v + 15) & ~15u;
}

static int boot_layout(const struct ld_boot_in *in, struct ld_boot *b)
{
	struct ld_a64_layout *lay = ld_a64_lay(b);
	struct ld_a64_dtb_in d;
	char why[160];
	int err;

	memset(b, 0, sizeof(*b));
	err = dtb_in(in, NULL, 0, &d);
	if (err)
		return err;
	if (in->handover && (!in->nscratch || in->nscratch > LD_MAX_SCRATCH))
		return LD_ERR_INVAL;
	if (strlen(in->cmdline ? in->cmdline : "") > LD_A64_CMDLINE_MAX)
		return LD_ERR_CMDLINE_TOO_LONG;
	/* The values do not change the size: lay out with placeholders. */
	if (in->initrd_size)
		d.initrd_start = 0;
	err = ld_a64_dtb_size(&d, &lay->dtb_size, why, sizeof(why));
	if (err)
		return err;
	/* Room for the stage's words in bootargs (as x86's cmdline cap). */
	lay->dtb_size = up16(lay->dtb_size + LD_A64_CMDLINE_MAX + 1 -
			     (uint32_t)strlen(in->cmdline ? in->cmdline : ""));
	if (lay->dtb_size > LD_A64_DTB_MAX)
		return LD_ERR_DTB_TOO_BIG;
	lay->size = lay->dtb_size;
	if (in->handover) {
		lay->scratch = lay->dtb_size;
		lay->scratch_size = in->nscratch * (uint32_t)sizeof(struct ho_scratch);
		lay->size += lay->scratch_size;
		b->table_off = lay->scratch;
	}
	if (in->handover && in->reloc_area) {
		struct ho_handover kd = {
			.fdt_size = in->ho.fdt_size,
			.scratch_size = lay->scratch_size,
		};
		uint64_t need = ho_reloc_size(&kd);

		if (!need || need > LD_A64_RELOC_MAX)
			return LD_ERR_INVAL;
		lay->reloc = up16(lay->size);
		lay->reloc_size = (uint32_t)need;
		lay->size = lay->reloc + lay->reloc_size;
		b->reloc_off = lay->reloc;
		b->reloc_size = lay->reloc_size;
	}
	b->size = lay->size;
	b->cmdline_off = 0;	/* bootargs lives inside the DTB */
	return LD_OK;
}

static int boot_build(const struct ld_boot_in *in, const struct ld_boot *b,
		      void *buf, uint64_t phys)
{
	const struct ld_a64_layout *lay = (const struct ld_a64_layout *)b->arch;
	struct ld_a64_dtb_in d;
	uint32_t used;
	char why[160];
	int err;

	err = dtb_in(in, lay, phys, &d);
	if (err)
		return err;
	memset(buf, 0, b->size);
	err = ld_a64_dtb_edit(&d, buf, lay->dtb_size, &used, why, sizeof(why));
	if (err)
		return err;
	/* Keep the room after the packed tree (the purgatory's bootargs words). */
	if (fdt_open_into(buf, buf, lay->dtb_size))
		return LD_ERR_DTB_EDIT;
	if (lay->scratch)
		memcpy((uint8_t *)buf + lay->scratch, in->scratch, lay->scratch_size);
	return LD_OK;
}

static unsigned int boot_pieces(const struct ld_boot *b, struct ld_piece *v,
				unsigned int max)
{
	const struct ld_a64_layout *l = (const struct ld_a64_layout *)b->arch;
	unsigned int n = 0;

	if (n < max)
		v[n++] = (struct ld_piece){ "DTB", 0, l->dtb_size, -1, false };
	if (l->scratch && n < max)
		v[n++] = (struct ld_piece){ "scratch table", l->scratch, l->scratch_size,
					    -1, false };
	if (l->reloc && n < max)
		v[n++] = (struct ld_piece){ "relocation area", l->reloc, l->reloc_size,
					    -1, false };
	return n;
}

/* ---- the purgatory -------------------------------------------------------- */

static int purgatory_jump(const struct ld_plan *p, const struct ld_elf *e, void *buf)
{
	struct ld_a64_regs regs = { 0 };

	regs.x0 = p->seg[p->nseg - 1].mem;		/* the DTB: first in its segment */
	regs.pc = p->kernel_entry;
	regs.sp = p->purg_stack;
	regs.page_size = ld_a64_page_size(&p->image);
	return ld_elf_poke(e, buf, "purgatory_regs", &regs, sizeof(regs));
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* v fits a signed field of bits bits. */
static bool fits(int64_t v, unsigned int bits)
{
	return v >= -((int64_t)1 << (bits - 1)) && v < ((int64_t)1 << (bits - 1));
}

static int elf_rela(uint32_t type, uint64_t sa, uint64_t p, uint8_t *where,
		    uint64_t room)
{
	int64_t off = (int64_t)(sa - p);
	unsigned int shift = 0;
	uint32_t insn;
	int64_t pg;

	if (type == R_AARCH64_NONE || type == 256)	/* R_AARCH64_NONE, old and new */
		return LD_OK;
	if (type == R_AARCH64_ABS64 || type == R_AARCH64_PREL64) {
		uint64_t v = type == R_AARCH64_ABS64 ? sa : (uint64_t)off;
		int i;

		if (room < 8)
			return LD_ERR_ELF_RELOC;
		for (i = 0; i < 8; i++)
			where[i] = (uint8_t)(v >> (8 * i));
		return LD_OK;
	}
	if (room < 4)
		return LD_ERR_ELF_RELOC;
	insn = get32(where);
	switch (type) {
	case R_AARCH64_ABS32:
		if (sa > UINT32_MAX && !fits((int64_t)sa, 32))
			return LD_ERR_ELF_RELOC;
		put32(where, (uint32_t)sa);
		return LD_OK;
	case R_AARCH64_PREL32:
		if (!fits(off, 32))
			return LD_ERR_ELF_RELOC;
		put32(where, (uint32_t)off);
		return LD_OK;
	case R_AARCH64_ADR_PREL_PG_HI21:
		pg = (int64_t)((sa & ~0xfffull) - (p & ~0xfffull)) >> 12;
		if (!fits(pg, 21))
			return LD_ERR_ELF_RELOC;
		insn &= ~(3u << 29 | 0x7ffffu << 5);
		insn |= ((uint32_t)pg & 3) << 29 | (((uint32_t)pg >> 2) & 0x7ffff) << 5;
		break;
	case R_AARCH64_ADR_PREL_LO21:
		if (!fits(off, 21))
			return LD_ERR_ELF_RELOC;
		insn &= ~(3u << 29 | 0x7ffffu << 5);
		insn |= ((uint32_t)off & 3) << 29 | (((uint32_t)off >> 2) & 0x7ffff) << 5;
		break;
	case R_AARCH64_LDST128_ABS_LO12_NC:
		shift++;
		/* fall through */
	case R_AARCH64_LDST64_ABS_LO12_NC:
		shift++;
		/* fall through */
	case R_AARCH64_LDST32_ABS_LO12_NC:
		shift++;
		/* fall through */
	case R_AARCH64_LDST16_ABS_LO12_NC:
		shift++;
		/* fall through */
	case R_AARCH64_LDST8_ABS_LO12_NC:
	case R_AARCH64_ADD_ABS_LO12_NC:
		if ((sa & 0xfff) & ((1u << shift) - 1))
			return LD_ERR_ELF_RELOC;	/* misaligned for the access */
		insn &= ~(0xfffu << 10);
		insn |= (uint32_t)((sa & 0xfff) >> shift) << 10;
		break;
	case R_AARCH64_JUMP26:
	case R_AARCH64_CALL26:
		if ((off & 3) || !fits(off, 28))
			return LD_ERR_ELF_RELOC;
		insn = (insn & ~0x3ffffffu) | (((uint32_t)off >> 2) & 0x3ffffff);
		break;
	case R_AARCH64_CONDBR19:
		if ((off & 3) || !fits(off, 21))
			return LD_ERR_ELF_RELOC;
		insn = (insn & ~(0x7ffffu << 5)) | ((((uint32_t)off >> 2) & 0x7ffff) << 5);
		break;
	default:
		return LD_ERR_ELF_RELOC;
	}
	put32(where, insn);
	return LD_OK;
}

static void describe(const struct ld_plan *p, FILE *out)
{
	const struct ld_a64_layout *l = (const struct ld_a64_layout *)p->boot.arch;
	const struct ld_a64_image *h = ld_a64_img(&p->image);
	uint64_t dtb = p->seg[p->nseg - 1].mem;

	fprintf(out, "arm64: Image image_size 0x%llx, flags 0x%llx, page size %s\n",
		(unsigned long long)h->image_size, (unsigned long long)h->flags,
		h->page_size == 4096 ? "4 KiB" : h->page_size == 16384 ? "16 KiB" :
		h->page_size == 65536 ? "64 KiB" : "unspecified");
	fprintf(out, "dtb: 0x%llx, %u bytes (x0)", (unsigned long long)dtb, l->dtb_size);
	if (l->scratch)
		fprintf(out, "; /chosen linux,kho-scratch -> table at 0x%llx, %u bytes (/memreserve/)",
			(unsigned long long)(dtb + l->scratch), l->scratch_size);
	fprintf(out, "\n");
}

const struct ld_arch ld_arch = {
	.name = "arm64",
	.kexec_arch = KEXEC_ARCH_AARCH64,
	.elf_machine = EM_AARCH64,
	/* Segments in 64 KiB steps: right for 4, 16 and 64 KiB kernels. */
	.page_size = 65536,
	.min_addr = 0,
	.types = a64_types,
	.ntypes = sizeof(a64_types) / sizeof(a64_types[0]),
	.boot_name = "dtb",
	.handover_name = "/chosen linux,kho-fdt",
	.reloc_name = "area after the scratch table",
	.boot_layout = boot_layout,
	.boot_build = boot_build,
	.boot_pieces = boot_pieces,
	.purgatory_jump = purgatory_jump,
	.elf_rela = elf_rela,
	.describe = describe,
	.errors = a64_errors,
	.nerrors = sizeof(a64_errors) / sizeof(a64_errors[0]),
};
