/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live Update Orchestrator, RFC design: the memfd handler data
 * "memfd-rfc-v2".
 */

/**
 * DOC: memfd-rfc-v2 handover ABI
 *
 * A luo-rfc-v1 file node with compatible MEMFD_RFC_COMPATIBLE has as data
 * the physical address of a small FDT (one page, KHO-preserved) whose root
 * has compatible MEMFD_RFC_COMPATIBLE and:
 *
 *  - MEMFD_RFC_PROP_SIZE (u64): the file size, at most MAX_LFS_FILESIZE;
 *  - MEMFD_RFC_PROP_SEALS (u32): F_SEAL_* bits within MEMFD_RFC_SEALS;
 *  - MEMFD_RFC_PROP_FOLIOS (u64): physical address of the first
 *    struct kho_vmalloc_chunk of the folio table, 0 when there are no
 *    folios;
 *  - MEMFD_RFC_PROP_NR_FOLIOS (u64): number of entries in the table, at
 *    most MEMFD_RFC_MAX_FOLIOS.
 *
 * The folio table is an array of struct memfd_rfc_folio, sorted by index,
 * without overlaps; pages not covered are holes. It is a vmalloc() area
 * preserved with kho_preserve_vmalloc() (KHO's chunk list, see
 * <linux/kho/abi/kexec_handover.h>), so its size has no limit of its own:
 * the receiving kernel restores it with kho_restore_vmalloc() from the
 * descriptor { .first = folios, .total_pages = memfd_rfc_table_pages(nr,
 * PAGE_SIZE), .flags = MEMFD_RFC_TABLE_KHO_FLAGS, .order = 0 }: plain
 * vmalloc() memory, mapped with base pages. Entries may straddle two
 * pages of the area. The full rules are fdt-schema/memfd-rfc-v2.yaml and
 * docs/handover-format.md, section 3.
 *
 * memfd-v1 (up to 2026-12) had the table in one kho_alloc_preserve()
 * block, at most PAGE_SIZE << MAX_PAGE_ORDER bytes (174762 entries with
 * 4 KiB pages: 682 MiB of base pages); it is no longer written or read.
 *
 * This interface is a contract between the outgoing kernel, the stage
 * library of luo-kexec (efi/lib, which includes this header) and the
 * receiving kernel. Any change to a property, to the entry's layout or to
 * the meaning of a flag is a breaking change and bumps
 * MEMFD_RFC_COMPATIBLE; make check-schema compares this header with the
 * schema.
 *
 * Types: __u64 and __u32 from <linux/types.h>. In the kernel that is the
 * kernel's header; the stage library (hosted, and freestanding for the
 * purgatory and the EFI app, built with -ffreestanding but without
 * -nostdinc, see efi/lib/lib.mk) gets the UAPI copy installed with the C
 * library (linux-libc-dev). Fixed-width types that are the same in both,
 * with no typedef of our own that could clash with either. The layout is
 * natural (no padding, 8-byte aligned); each side asserts its size and
 * offsets (mm/memfd_luo_rfc.c, efi/lib/include/ho/check.h).
 */
#ifndef _LINUX_KHO_ABI_MEMFD_RFC_H
#define _LINUX_KHO_ABI_MEMFD_RFC_H

#include <linux/types.h>

#define MEMFD_RFC_COMPATIBLE		"memfd-rfc-v2"
#define MEMFD_RFC_PROP_SIZE		"size"
#define MEMFD_RFC_PROP_SEALS		"seals"
#define MEMFD_RFC_PROP_FOLIOS		"folios"
#define MEMFD_RFC_PROP_NR_FOLIOS	"nr-folios"

/*
 * F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
 * F_SEAL_FUTURE_WRITE | F_SEAL_EXEC: the seals a memfd-rfc-v2 may carry.
 */
#define MEMFD_RFC_SEALS			0x3fu

/**
 * struct memfd_rfc_folio - one entry of the memfd-rfc-v2 folio table
 * @phys:  physical address of the folio, aligned to its size, not 0
 * @index: page offset of the folio in the file, a multiple of its pages
 * @order: folio order, at most MAX_PAGE_ORDER
 * @flags: MEMFD_RFC_FOLIO_* bits; others are an error
 *
 * 24 bytes, native endian, no padding.
 */
struct memfd_rfc_folio {
	__u64 phys;
	__u64 index;
	__u32 order;
	__u32 flags;
};

/* The folio holds the file's data (it was read or written). */
#define MEMFD_RFC_FOLIO_UPTODATE	0x1u
/* The folio was written to since it was last clean. */
#define MEMFD_RFC_FOLIO_DIRTY		0x2u
#define MEMFD_RFC_FOLIO_FLAGS		(MEMFD_RFC_FOLIO_UPTODATE | \
					 MEMFD_RFC_FOLIO_DIRTY)

/* Size of one entry: the schema's "24 bytes" (make check-schema). */
#define MEMFD_RFC_FOLIO_SIZE		24

/*
 * At most this many entries: a memfd's page count is bounded by it
 * (memfd_pin_folios() takes an unsigned int), and so is the table.
 */
#define MEMFD_RFC_MAX_FOLIOS		0xffffffffull

/* Pages of the folio table's vmalloc area for @nr entries. */
static inline __u64 memfd_rfc_table_pages(__u64 nr, __u64 page_size)
{
	return (nr * MEMFD_RFC_FOLIO_SIZE + page_size - 1) / page_size;
}

/*
 * struct kho_vmalloc.flags of the table: KHO_VMALLOC_ALLOC only
 * (kernel/liveupdate/kexec_handover.c), what kho_preserve_vmalloc()
 * records for vmalloc() memory.
 */
#define MEMFD_RFC_TABLE_KHO_FLAGS	0x1u

#endif /* _LINUX_KHO_ABI_MEMFD_RFC_H */
