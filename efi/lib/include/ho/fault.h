/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test-only damage of a handover, one function per fault class, so that the
 * tests of every stage that runs ho_check_handover() damage it the same way:
 * the purgatory (purgatory_fault, on the real handover after the segment
 * checksums) and the old kernel's pre-jump check (luo_rfc.prejump_fault, on
 * private copies). Never called on a real live update.
 *
 * Memory is changed through w, a struct ho_phys whose map() returns memory
 * that may be written: the identity map in the purgatory, a map that hands
 * out private copies in the pre-jump check. r is for what is only read
 * (it may be w). Each function returns HO_OK when it damaged something,
 * HO_ERR_ADDR_UNMAPPED (or HO_ERR_NOT_FOUND) when there was nothing to
 * damage; the error each class makes ho_check_handover() return is named
 * beside it. The damage of the boot data itself is arch code (x86:
 * ho_fault_sd_kho_len(), ho/x86.h).
 */
#ifndef HO_FAULT_H
#define HO_FAULT_H

#include <stdint.h>

#include "ho/check.h"

/* The KHO FDT's first magic byte flipped: HO_ERR_BAD_MAGIC. */
int ho_fault_fdt_magic(const struct ho_phys *w, const struct ho_handover *kd);

/* The first scratch range moved by 16 bytes: HO_ERR_SCRATCH_UNALIGNED. */
int ho_fault_scratch_unaligned(const struct ho_phys *w,
			       const struct ho_handover *kd);

/*
 * The second scratch range made equal to the first: HO_ERR_SCRATCH_OVERLAP.
 * A table of one range gets a copy of it appended when the table has room
 * (cap: bytes usable at kd->scratch_addr; kd->scratch_size grows); without
 * room one range cannot overlap another and it is misaligned instead
 * (HO_ERR_SCRATCH_UNALIGNED).
 */
int ho_fault_scratch_overlap(const struct ho_phys *w, struct ho_handover *kd,
			     uint64_t cap);

/*
 * The descriptor's FDT size cut to 16 bytes, less than an FDT header:
 * HO_ERR_FDT_TRUNCATED.
 */
int ho_fault_fdt_size(struct ho_handover *kd);

/*
 * The LUO blob's root compatible changed ("luo-rfc-v1" -> "Luo-rfc-v1"):
 * HO_ERR_BAD_COMPATIBLE. The KHO FDT is read through r, the LUO blob
 * (preserved-data, blob-size of the luo-rfc subtree) written through w.
 */
int ho_fault_luo_compatible(const struct ho_phys *r, const struct ho_phys *w,
			    const struct ho_handover *kd);

/*
 * Upstream LUO (luo-v5): the entry count of the first session block set to
 * 0: HO_ERR_BLOCK_COUNT. The KHO FDT and struct luo_ser are read through r,
 * the block header written through w. HO_ERR_NOT_FOUND without a "LUO"
 * entry or without sessions.
 */
int ho_fault_luo_v5_block_count(const struct ho_phys *r,
				const struct ho_phys *w,
				const struct ho_handover *kd);

/*
 * The first kexec segment moved just past the highest scratch range (size
 * len): HO_ERR_SEGMENT_OUTSIDE_SCRATCH. The scratch table is read through r.
 */
int ho_fault_segment_outside(const struct ho_phys *r,
			     const struct ho_handover *kd,
			     struct ho_segment *segs, uint32_t nseg,
			     uint64_t len);

#endif /* HO_FAULT_H */
