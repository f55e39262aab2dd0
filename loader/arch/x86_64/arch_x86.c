// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo-kexec's x86_64 module (struct ld_arch, loader/arch.h): the bzImage
 * image type, the boot_params block as the boot data (the handover in a
 * SETUP_KEXEC_KHO setup_data entry, bootparams.c), the purgatory's jump
 * registers (rsi = boot_params, rip = the 64-bit entry, rsp = its stack),
 * its R_X86_64_* relocations and the x86 error codes.
 */
#include <elf.h>
#include <linux/kexec.h>
#include <string.h>

#include <ho/x86.h>

#include "ld_x86.h"

/* ---- error codes -------------------------------------------------------- */

/* The error table; a number used twice over it and LD_ERROR_LIST fails the build. */
LD_ARCH_ERRORS(x86_errors, LD_X86_ERROR_LIST);

/* ---- the bzImage image type --------------------------------------------- */

static int bzimage_probe(const void *buf, size_t len, struct ld_image *img)
{
	struct ld_bzimage *bz = (struct ld_bzimage *)img->arch;
	int err;

	err = ld_bzimage_parse(buf, len, bz);
	if (err) {
		snprintf(img->why, sizeof(img->why), "%s", bz->why);
		return err;
	}
	img->load_off = bz->setup_size;
	img->memsz = bz->init_size > len - bz->setup_size ? bz->init_size :
		     len - bz->setup_size;
	img->align = bz->kernel_alignment;
	img->page_size = 4096;
	img->pref_addr = bz->pref_address;
	img->below_pref = true;		/* relocatable: parse checked it */
	img->entry_off = LD_KERNEL_ENTRY_64;
	img->cmdline_max = bz->cmdline_size;
	img->cmdline_what = "setup header cmdline_size";
	return LD_OK;
}

/* LD_ERR_BZ_NO_5LEVEL when the image cannot run on the system fw describes. */
static int target_check(const struct ld_image *img, const struct ld_fw *fw, char *why,
			size_t size)
{
	const struct ld_bzimage *bz = ld_x86_bz(img);

	if (fw && fw->la57 && !(bz->xloadflags & LD_XLF_5LEVEL)) {
		snprintf(why, size, "the running kernel uses 5-level paging (la57) and the "
			 "kexec keeps it on; xloadflags 0x%04x lack XLF_5LEVEL (0x%04x)",
			 bz->xloadflags, LD_XLF_5LEVEL);
		return LD_ERR_BZ_NO_5LEVEL;
	}
	return LD_OK;
}

static const struct ld_image_type x86_types[] = {
	{ "bzImage", bzimage_probe },
};

/* ---- boot_params as the boot data --------------------------------------- */

static void bp_in(const struct ld_boot_in *in, struct ld_bp_in *o)
{
	memset(o, 0, sizeof(*o));
	o->bz = ld_x86_bz(in->image);
	o->cmdline = in->cmdline;
	o->kernel_mem = in->kernel_mem;
	o->initrd_mem = in->initrd_mem;
	o->initrd_size = in->initrd_size;
	o->e820 = in->memmap;
	o->handover = in->handover;
	o->fdt_addr = in->ho.fdt_addr;
	o->fdt_size = in->ho.fdt_size;
	o->scratch = in->handover ? in->scratch : NULL;
	o->nscratch = in->handover ? in->nscratch : 0;
	o->reloc_area = in->reloc_area;
	o->fw = in->fw;
}

static int boot_layout(const struct ld_boot_in *in, struct ld_boot *b)
{
	struct ld_bp_layout *lay = ld_x86_bp(b);
	struct ld_bp_in bpi;
	int err;

	memset(b, 0, sizeof(*b));
	bp_in(in, &bpi);
	err = ld_bp_layout(&bpi, lay);
	if (err)
		return err;
	b->size = lay->size;
	b->cmdline_off = lay->cmdline;
	b->table_off = lay->kho_sd ? lay->scratch : 0;
	if (lay->reloc_sd) {
		b->reloc_off = lay->reloc_sd + 16;	/* the SETUP_NONE payload */
		b->reloc_size = lay->reloc_size;
	}
	return LD_OK;
}

static int boot_build(const struct ld_boot_in *in, const struct ld_boot *b,
		      void *buf, uint64_t phys)
{
	struct ld_bp_in bpi;

	bp_in(in, &bpi);
	return ld_bp_build(&bpi, (const struct ld_bp_layout *)b->arch, buf, phys);
}

static unsigned int boot_pieces(const struct ld_boot *b, struct ld_piece *v,
				unsigned int max)
{
	const struct ld_bp_layout *l = (const struct ld_bp_layout *)b->arch;
	unsigned int n = 0;

#define PIECE(nm, off, sz) do { \
		if (n < max) \
			v[n++] = (struct ld_piece){ nm, off, sz, -1, false }; \
	} while (0)
	PIECE("zero page", 0, LD_ZERO_PAGE);
	PIECE("command line", l->cmdline, l->cmdline_cap);
	if (l->efi_sd) {
		PIECE("EFI memory map", l->efi_map, l->efi_map_size);
		PIECE("SETUP_EFI", l->efi_sd, 16ull + l->efi_sd_size);
	}
	if (l->kho_sd) {
		PIECE("SETUP_KEXEC_KHO", l->kho_sd, 16ull + sizeof(struct ho_sd_kho));
		PIECE("scratch table", l->scratch, l->scratch_size);
	}
	if (l->reloc_sd)
		PIECE("relocation area", l->reloc_sd, 16ull + l->reloc_size);
#undef PIECE
	return n;
}

/* ---- the purgatory -------------------------------------------------------- */

static int purgatory_jump(const struct ld_plan *p, const struct ld_elf *e, void *buf)
{
	struct purg_regs regs = { 0 };

	regs.rsi = p->seg[p->nseg - 1].mem;		/* boot_params */
	regs.rip = p->kernel_entry;
	regs.rsp = p->purg_stack;
	return ld_elf_poke(e, buf, "purgatory_regs", &regs, sizeof(regs));
}

static int elf_rela(uint32_t type, uint64_t sa, uint64_t p, uint8_t *where,
		    uint64_t room)
{
	unsigned int len;
	uint64_t v;
	int64_t sv;

	switch (type) {
	case R_X86_64_NONE:
		return LD_OK;
	case R_X86_64_64:
		v = sa;
		len = 8;
		break;
	case R_X86_64_PC64:
		v = sa - p;
		len = 8;
		break;
	case R_X86_64_32:
		v = sa;
		if (v > UINT32_MAX)
			return LD_ERR_ELF_RELOC;
		len = 4;
		break;
	case R_X86_64_32S:
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		v = sa;
		if (type != R_X86_64_32S)
			v -= p;
		sv = (int64_t)v;
		if (sv < INT32_MIN || sv > INT32_MAX)
			return LD_ERR_ELF_RELOC;
		len = 4;
		break;
	default:
		return LD_ERR_ELF_RELOC;
	}
	if (len > room)
		return LD_ERR_ELF_RELOC;
	memcpy(where, &v, len);	/* little endian */
	return LD_OK;
}

static void describe(const struct ld_plan *p, FILE *out)
{
	const struct ld_bp_layout *l = (const struct ld_bp_layout *)p->boot.arch;

	if (l->efi_sd)
		fprintf(out, "efi: SETUP_EFI + runtime map (%u bytes)\n", l->efi_map_size);
}

const struct ld_arch ld_arch = {
	.name = "x86_64",
	.kexec_arch = KEXEC_ARCH_X86_64,
	.elf_machine = EM_X86_64,
	.page_size = 4096,
	.min_addr = LD_MIN_LOAD_ADDR,
	.types = x86_types,
	.ntypes = sizeof(x86_types) / sizeof(x86_types[0]),
	.boot_name = "boot_params",
	.handover_name = "SETUP_KEXEC_KHO",
	.reloc_name = "SETUP_NONE payload",
	.target_check = target_check,
	.boot_layout = boot_layout,
	.boot_build = boot_build,
	.boot_pieces = boot_pieces,
	.purgatory_jump = purgatory_jump,
	.elf_rela = elf_rela,
	.describe = describe,
	.errors = x86_errors,
	.nerrors = sizeof(x86_errors) / sizeof(x86_errors[0]),
};
