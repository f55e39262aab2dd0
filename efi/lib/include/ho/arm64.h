/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 boot data helpers: the DTB the next kernel boots with (x0), its
 * /chosen handover and its memory map. One copy for the loader (which
 * writes /chosen, loader/arch/arm64/dtb_arm64.c) and the purgatory (which
 * reads it, rewrites it after relocation, or drops it:
 * efi/purgatory/arch/arm64/).
 *
 * /chosen carries the handover as drivers/of/fdt.c early_init_dt_check_kho
 * reads it and dt-schema's chosen.yaml documents it: linux,kho-fdt =
 * <addr size> of the KHO FDT, linux,kho-scratch = <addr size> of the scratch
 * table, each in the root's #address-cells / #size-cells (1 or 2 each;
 * libfdt's defaults 2 and 1 when the root has none). The command line is
 * /chosen's bootargs.
 *
 * Every function takes a blob whose structure was checked (ho_fdt_check, or
 * libfdt's own checks in the loader); libfdt bounds every access within its
 * totalsize. Edits stay within totalsize: no room is HO_ERR_NO_SPACE, never
 * an overflow.
 */
#ifndef HO_ARM64_H
#define HO_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ho/handover.h"
#include "ho/memmap.h"

#define HO_DTB_KHO_FDT		"linux,kho-fdt"
#define HO_DTB_KHO_SCRATCH	"linux,kho-scratch"
/* arm64 COMMAND_LINE_SIZE, the NUL included. */
#define HO_DTB_CMDLINE_MAX	2048u

/*
 * /chosen's prop as one <addr size> pair in the root's cells: HO_OK;
 * HO_ERR_NOT_FOUND (no /chosen or no prop); HO_ERR_KHO_DATA_SIZE (the
 * property is not exactly one pair long); HO_ERR_PROP_RANGE (cells other
 * than 1 or 2).
 */
int ho_dtb_chosen_range(const void *dtb, const char *prop, uint64_t *addr,
			uint64_t *size);

/*
 * Set /chosen's prop to <addr size> in the root's cells (/chosen must
 * exist): HO_OK, HO_ERR_NO_SPACE, HO_ERR_PROP_RANGE (does not fit the
 * cells), HO_ERR_NOT_FOUND (no /chosen).
 */
int ho_dtb_chosen_set_range(void *dtb, const char *prop, uint64_t addr,
			    uint64_t size);

/* Remove /chosen's prop; absent (or no /chosen) is fine. HO_OK or HO_ERR_INVAL. */
int ho_dtb_chosen_del(void *dtb, const char *prop);

/*
 * The handover /chosen carries: HO_OK with *kd; HO_ERR_NOT_FOUND when
 * neither property is there (a boot without handover); when only one is,
 * or one is malformed, the error of ho_dtb_chosen_range (one alone is
 * HO_ERR_MISSING_PROP).
 */
int ho_dtb_handover(const void *dtb, struct ho_handover *kd);

/* Point both properties at kd (after relocation): same length, no growth. */
int ho_dtb_handover_set(void *dtb, const struct ho_handover *kd);

/* Remove both properties, so the kernel boots without a handover. */
void ho_dtb_handover_drop(void *dtb);

/*
 * The area a relocated handover occupies (ho_relocate: the KHO FDT, then
 * the scratch table after it): [kd->fdt_addr, end of the table) in *addr,
 * *size. false when kd is not that layout (no FDT, the table before the
 * FDT's end) or either range wraps.
 */
bool ho_dtb_reloc_area(const struct ho_handover *kd, uint64_t *addr, uint64_t *size);

/*
 * After ho_relocate() copied the KHO FDT and the scratch table into one
 * area (the FDT first, the table after it: kd): /chosen points at the
 * copies, and every /memreserve/ entry equal to /chosen's old
 * linux,kho-scratch (the loader's reservation of the old table) is
 * replaced by one for the whole area [kd->fdt_addr, end of the table), so
 * the next kernel keeps the area reserved from its first memblock
 * allocation on (arm64_memblock_init), as x86 keeps setup_data; net zero
 * bytes when there was such an entry, 16 more (HO_ERR_NO_SPACE) when not.
 * HO_OK; HO_ERR_INVAL (kd not that layout, or wrapping);
 * HO_ERR_FDT_RSVMAP; the errors of ho_dtb_handover() (before) and of
 * ho_dtb_handover_set(). On an error the caller drops the handover.
 */
int ho_dtb_handover_move(void *dtb, const struct ho_handover *kd);

/*
 * The memory map of the DTB: every reg range of the root's nodes with
 * device_type "memory" as HO_MEM_RAM, or, when there is none (booted
 * through the EFI stub, which deletes them), the EFI memory map /chosen's
 * linux,uefi-mmap-start/-size/-desc-size point at, read through phys (RAM:
 * loader and boot services code and data, conventional memory, each
 * write-back cacheable, as efi-init.c is_usable_memory; ACPI, NVS,
 * persistent, unusable and the rest apart); then every reg range of
 * /reserved-memory's children and every /memreserve/ entry as
 * HO_MEM_RESERVED, except the /memreserve/ entry equal to the handover's
 * scratch table (kd, may be NULL) and the one equal to a relocated
 * handover's area (the FDT, then the table: ho_dtb_handover_move): the
 * loader and the purgatory reserve them that way so the next kernel keeps
 * them, which makes them the handover's own memory, not memory the
 * handover may not use. At most cap ranges:
 * HO_ERR_NO_SPACE beyond; a malformed EFI map HO_ERR_PROP_RANGE,
 * HO_ERR_ADDR_UNMAPPED or HO_ERR_ADDR_OVERFLOW.
 */
int ho_dtb_memmap(const void *dtb, const struct ho_handover *kd,
		  const struct ho_phys *phys, struct ho_mem_range *r, uint32_t cap,
		  uint32_t *count);

/* /chosen's bootargs (NUL-terminated within *cap bytes), or NULL. */
const char *ho_dtb_cmdline(const void *dtb, size_t *cap);

/*
 * Append " key=value" to bootargs (created when missing), within
 * HO_DTB_CMDLINE_MAX and the blob's totalsize: HO_ERR_NO_SPACE, nothing
 * changed, when it does not fit.
 */
int ho_dtb_cmdline_append(void *dtb, const char *key, const char *value);

/*
 * Test-only (PURG_FAULT_KHO_DATA_SIZE on arm64): shorten linux,kho-fdt by
 * one cell, so ho_dtb_handover() says HO_ERR_KHO_DATA_SIZE. Nothing when
 * there is no such property.
 */
void ho_dtb_fault_kho_len(void *dtb);

#endif /* HO_ARM64_H */
