// SPDX-License-Identifier: GPL-2.0-only
/*
 * The boot_params segment: zero page, command line, optional EFI memory map
 * and setup_data entries (SETUP_EFI, SETUP_KEXEC_KHO) and the scratch table
 * the KHO entry points to, all in one block the loader places in scratch.
 *
 * Layout (offsets 16-byte aligned):
 *	0	struct boot_params (the kernel's setup header copied in)
 *	4096	command line, cmdline_size + 1 bytes (room for the stage's
 *		luo_stage.* words)
 *	...	EFI runtime map, SETUP_EFI entry, SETUP_KEXEC_KHO entry,
 *		scratch table ({u64 addr, u64 size}[]), and a SETUP_NONE entry
 *		whose payload can take the KHO FDT and the scratch table when
 *		the purgatory relocates them (the kernel reserves every
 *		setup_data entry and ignores this type)
 */
#include <asm/bootparam.h>
#include <stddef.h>
#include <string.h>

#include <ho/fixup.h>
#include <ho/x86.h>

#include "ld_x86.h"

_Static_assert(sizeof(struct boot_params) == LD_ZERO_PAGE, "zero page size");
_Static_assert(sizeof(struct ho_setup_data) == sizeof(struct setup_data),
	       "setup_data header");

static uint64_t up16(uint64_t v)
{
	return (v + 15) & ~15ull;
}

/* The EFI data of in, or none. */
static const struct ld_fw *fw_of(const struct ld_bp_in *in)
{
	static const struct ld_fw none;

	return in->fw ? in->fw : &none;
}

int ld_bp_layout(const struct ld_bp_in *in, struct ld_bp_layout *lay)
{
	const struct ld_fw *fw;
	uint64_t off, len;

	if (!in || !in->bz || !lay || !in->e820)
		return LD_ERR_INVAL;
	fw = fw_of(in);
	memset(lay, 0, sizeof(*lay));
	/* All arithmetic in 64 bits on bounded inputs; the sum is checked. */
	len = in->cmdline ? strlen(in->cmdline) : 0;
	if (len > in->bz->cmdline_size)
		return LD_ERR_CMDLINE_TOO_LONG;
	if (in->bz->cmdline_size > LD_CMDLINE_SIZE_MAX)
		return LD_ERR_INVAL;
	if (in->e820->count > LD_MAX_E820)
		return LD_ERR_TOO_MANY_E820;
	off = LD_ZERO_PAGE;
	lay->cmdline = (uint32_t)off;
	lay->cmdline_cap = in->bz->cmdline_size + 1;
	off = up16(off + lay->cmdline_cap);
	if (fw->efi_info && fw->efi_map && fw->efi_map_size && fw->efi_sd) {
		if (fw->efi_map_size > LD_BP_MAX || fw->efi_sd_size > LD_BP_MAX)
			return LD_ERR_INVAL;
		lay->efi_map = (uint32_t)off;
		lay->efi_map_size = fw->efi_map_size;
		off = up16(off + fw->efi_map_size);
		lay->efi_sd = (uint32_t)off;
		lay->efi_sd_size = fw->efi_sd_size;
		off = up16(off + sizeof(struct setup_data) + fw->efi_sd_size);
	}
	if (in->handover) {
		if (!in->scratch || !in->nscratch || in->nscratch > LD_MAX_SCRATCH)
			return LD_ERR_INVAL;
		lay->kho_sd = (uint32_t)off;
		off = up16(off + sizeof(struct setup_data) +
			   sizeof(struct ho_sd_kho));
		lay->scratch = (uint32_t)off;
		lay->scratch_size = in->nscratch * (uint32_t)sizeof(struct ho_scratch);
		off = up16(off + lay->scratch_size);
		if (in->reloc_area) {
			struct ho_handover kd = {
				.fdt_size = in->fdt_size,
				.scratch_size = lay->scratch_size,
			};
			uint64_t need = ho_reloc_size(&kd);

			if (!need || need > (64u << 20))
				return LD_ERR_INVAL;
			lay->reloc_sd = (uint32_t)off;
			lay->reloc_size = (uint32_t)need;
			off = up16(off + sizeof(struct setup_data) + need);
		}
	}
	if (off > LD_BP_MAX)
		return LD_ERR_INVAL;
	lay->size = (uint32_t)off;
	return LD_OK;
}

/* A piece of the layout at off, size bytes, lies after the zero page. */
static bool piece_fits(const struct ld_bp_layout *lay, uint64_t off, uint64_t size)
{
	return off >= LD_ZERO_PAGE && off <= lay->size && size <= lay->size - off;
}

static void setup_e820(struct boot_params *bp, const struct ho_memmap *mm)
{
	uint32_t i;

	bp->e820_entries = (uint8_t)mm->count;
	for (i = 0; i < mm->count; i++) {
		const struct ho_mem_range *r = &mm->ranges[i];
		uint64_t end = r->addr + r->size - 1, mem_k;

		bp->e820_table[i].addr = r->addr;
		bp->e820_table[i].size = r->size;
		bp->e820_table[i].type = ho_e820_type(r->type);
		/* Legacy memory sizes, as the kernel's own kexec fills them. */
		if (r->type != HO_MEM_RAM || r->addr > 0x100000 || end <= 0x100000)
			continue;
		mem_k = (end >> 10) - (0x100000 >> 10);
		bp->screen_info.ext_mem_k = mem_k > 0xfc00 ? 0xfc00 : (uint16_t)mem_k;
		bp->alt_mem_k = mem_k > 0xffffffff ? 0xffffffff : (uint32_t)mem_k;
	}
}

int ld_bp_build(const struct ld_bp_in *in, const struct ld_bp_layout *lay,
		void *buf, uint64_t phys)
{
	struct boot_params *bp = buf;
	uint8_t *base = buf;
	/* Where the pointer to the next entry goes: hdr.setup_data first. */
	size_t link = offsetof(struct boot_params, hdr.setup_data);
	const struct ld_fw *fw;
	uint64_t a;

	if (!in || !lay || !buf || !in->bz || lay->size < LD_ZERO_PAGE)
		return LD_ERR_INVAL;
	fw = fw_of(in);
	if (!piece_fits(lay, lay->cmdline, lay->cmdline_cap) ||
	    (lay->efi_sd && (lay->efi_map_size != fw->efi_map_size ||
			     lay->efi_sd_size != fw->efi_sd_size ||
			     !piece_fits(lay, lay->efi_map, lay->efi_map_size) ||
			     !piece_fits(lay, lay->efi_sd, 16ull + lay->efi_sd_size))) ||
	    (lay->kho_sd && (lay->scratch_size != (uint64_t)in->nscratch * 16 ||
			     !piece_fits(lay, lay->kho_sd, 16ull + sizeof(struct ho_sd_kho)) ||
			     !piece_fits(lay, lay->scratch, lay->scratch_size))) ||
	    (lay->reloc_sd && !piece_fits(lay, lay->reloc_sd, 16ull + lay->reloc_size)))
		return LD_ERR_INVAL;
	memset(buf, 0, lay->size);
	if (in->bz->hdr_size > LD_HDR_END_MAX - LD_SETUP_HDR_OFF ||
	    in->bz->size < LD_SETUP_HDR_OFF + in->bz->hdr_size)
		return LD_ERR_INVAL;
	if (in->cmdline && strlen(in->cmdline) >= lay->cmdline_cap)
		return LD_ERR_CMDLINE_TOO_LONG;
	_Static_assert(offsetof(struct boot_params, hdr) == LD_SETUP_HDR_OFF, "hdr offset");
	memcpy((uint8_t *)bp + LD_SETUP_HDR_OFF, in->bz->image + LD_SETUP_HDR_OFF,
	       in->bz->hdr_size);
	bp->hdr.type_of_loader = 0xd0;		/* kexec (0x0D << 4) */
	bp->hdr.loadflags = 0;
	bp->hdr.setup_data = 0;
	bp->hdr.hardware_subarch = 0;
	bp->hdr.code32_start = (uint32_t)in->kernel_mem;
	bp->acpi_rsdp_addr = fw->acpi_rsdp;
	setup_e820(bp, in->e820);

	if (in->initrd_size) {
		bp->hdr.ramdisk_image = (uint32_t)in->initrd_mem;
		bp->ext_ramdisk_image = (uint32_t)(in->initrd_mem >> 32);
		bp->hdr.ramdisk_size = (uint32_t)in->initrd_size;
		bp->ext_ramdisk_size = (uint32_t)(in->initrd_size >> 32);
	}

	a = phys + lay->cmdline;
	if (in->cmdline)
		memcpy(base + lay->cmdline, in->cmdline, strlen(in->cmdline));
	bp->hdr.cmd_line_ptr = (uint32_t)a;
	bp->ext_cmd_line_ptr = (uint32_t)(a >> 32);

	if (lay->efi_sd) {
		struct setup_data *sd = (void *)(base + lay->efi_sd);

		memcpy(&bp->efi_info, fw->efi_info, sizeof(bp->efi_info));
		memcpy(base + lay->efi_map, fw->efi_map, fw->efi_map_size);
		a = phys + lay->efi_map;
		bp->efi_info.efi_memmap = (uint32_t)a;
		bp->efi_info.efi_memmap_hi = (uint32_t)(a >> 32);
		bp->efi_info.efi_memmap_size = fw->efi_map_size;
		sd->type = LD_SETUP_EFI;
		sd->len = fw->efi_sd_size;
		memcpy(sd->data, fw->efi_sd, fw->efi_sd_size);
		a = phys + lay->efi_sd;
		memcpy(base + link, &a, sizeof(a));
		link = lay->efi_sd + offsetof(struct setup_data, next);
	}
	if (lay->kho_sd) {
		struct setup_data *sd = (void *)(base + lay->kho_sd);
		struct ho_handover kd = {
			.fdt_addr = in->fdt_addr,
			.fdt_size = in->fdt_size,
			.scratch_addr = phys + lay->scratch,
			.scratch_size = lay->scratch_size,
		};
		struct ho_sd_kho k;

		sd->type = HO_SETUP_KEXEC_KHO;
		k = ho_sd_kho_from(&kd);
		sd->len = sizeof(k);
		memcpy(sd->data, &k, sizeof(k));
		memcpy(base + lay->scratch, in->scratch, kd.scratch_size);
		a = phys + lay->kho_sd;
		memcpy(base + link, &a, sizeof(a));
		link = lay->kho_sd + offsetof(struct setup_data, next);
	}
	if (lay->reloc_sd) {
		struct setup_data *sd = (void *)(base + lay->reloc_sd);

		sd->type = 0;			/* SETUP_NONE */
		sd->len = lay->reloc_size;
		a = phys + lay->reloc_sd;
		memcpy(base + link, &a, sizeof(a));
		link = lay->reloc_sd + offsetof(struct setup_data, next);
	}
	a = 0;
	memcpy(base + link, &a, sizeof(a));
	return LD_OK;
}
