// SPDX-License-Identifier: GPL-2.0-only
/*
 * Relocation of the KHO FDT and scratch table (ho/fixup.h).
 *
 * The stage relocates when a kexec segment would overwrite either blob
 * before the new kernel reads them. The copies go to a caller-chosen buffer
 * (on x86 a setup_data payload, reserved early by the new kernel) and the
 * kho_data descriptor is pointed at them. The FDT bytes are copied as they
 * are: its subtrees point at preserved memory, which does not move.
 */
#include "internal.h"

#define SCRATCH_ALIGN	16

bool ho_reloc_needed(const struct ho_handover *kd,
		     const struct ho_segment *seg, uint32_t nseg)
{
	uint32_t i;

	for (i = 0; i < nseg; i++)
		if (ho_ranges_overlap(seg[i].mem, seg[i].memsz,
				      kd->fdt_addr, kd->fdt_size) ||
		    ho_ranges_overlap(seg[i].mem, seg[i].memsz,
				      kd->scratch_addr, kd->scratch_size))
			return true;
	return false;
}

static uint64_t scratch_offset(const struct ho_handover *kd)
{
	return (kd->fdt_size + SCRATCH_ALIGN - 1) & ~(uint64_t)(SCRATCH_ALIGN - 1);
}

uint64_t ho_reloc_size(const struct ho_handover *kd)
{
	uint64_t off;

	if (kd->fdt_size > UINT64_MAX - SCRATCH_ALIGN)
		return 0;
	off = scratch_offset(kd);
	if (kd->scratch_size > UINT64_MAX - off)
		return 0;
	return off + kd->scratch_size;
}

int ho_relocate(struct ho_handover *kd, const void *fdt, const void *scratch,
		void *dst, uint64_t dst_phys, uint64_t dst_size)
{
	uint64_t need = ho_reloc_size(kd), off;
	uint8_t *d = dst;

	if (!fdt || !scratch || !dst || !need || !kd->fdt_size)
		return HO_ERR_INVAL;
	if (need > dst_size)
		return HO_ERR_NO_SPACE;
	if (dst_phys & 7)
		return HO_ERR_FDT_ALIGNMENT;
	if (!ho_range_ok(dst_phys, need))
		return HO_ERR_ADDR_OVERFLOW;
	if (ho_ranges_overlap(dst_phys, need, kd->fdt_addr, kd->fdt_size) ||
	    ho_ranges_overlap(dst_phys, need, kd->scratch_addr,
			      kd->scratch_size))
		return HO_ERR_RELOC_OVERLAP;
	off = scratch_offset(kd);
	ho_memcpy(d, fdt, kd->fdt_size);
	ho_memset(d + kd->fdt_size, 0, off - kd->fdt_size);
	ho_memcpy(d + off, scratch, kd->scratch_size);
	kd->fdt_addr = dst_phys;
	kd->scratch_addr = dst_phys + off;
	return HO_OK;
}
