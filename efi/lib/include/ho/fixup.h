/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Changing a handover: normalizing the scratch table and relocating the KHO
 * FDT and scratch table out of the way of the kexec segments.
 *
 * Relocation target on x86: the payload of a setup_data entry, which the new
 * kernel reserves (early_reserve_memory) before its early allocator runs.
 * Layout of the destination: the FDT at offset 0, the scratch table at the
 * next 16-byte boundary (ho_reloc_size() tells the bytes needed).
 */
#ifndef HO_FIXUP_H
#define HO_FIXUP_H

#include <stdbool.h>
#include <stdint.h>

#include "ho/check.h"

/*
 * Drop entries of size 0, sort the scratch table by address and merge
 * touching ranges, in place; *size is updated. Apart from the empty
 * entries it drops, the table must pass ho_scratch_check() without a
 * memory map (overlap is an error, not something to merge); on error
 * nothing is changed. A table of only empty entries is HO_ERR_SCRATCH_EMPTY.
 */
int ho_scratch_normalize(void *table, uint64_t *size, struct ho_report *rep);

/* True when any non-empty segment overlaps the KHO FDT or the scratch table. */
bool ho_reloc_needed(const struct ho_handover *kd,
		     const struct ho_segment *seg, uint32_t nseg);

/* Bytes ho_relocate() needs; 0 when the sizes overflow. */
uint64_t ho_reloc_size(const struct ho_handover *kd);

/*
 * Copy fdt (kd->fdt_size bytes) and scratch (kd->scratch_size bytes) to dst,
 * which is dst_size bytes at physical address dst_phys, and point kd at the
 * copies. The destination must not overlap either source.
 */
int ho_relocate(struct ho_handover *kd, const void *fdt, const void *scratch,
		void *dst, uint64_t dst_phys, uint64_t dst_size);

#endif /* HO_FIXUP_H */
