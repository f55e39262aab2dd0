/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of a handover (docs/handover-format.md) before the jump.
 *
 * All checks are pure: bytes, a memory map and physical access in, a verdict
 * (HO_OK or a negative HO_ERR_*) out, with the place of the failure in an
 * optional struct ho_report. Nothing is modified.
 *
 *   ho_fdt_check        structure of any FDT: header, blocks, tags, names
 *   ho_schema_check     one FDT against one schema table (schema.h)
 *   ho_kho_check        KHO root FDT "kho-v4", following its subtrees
 *   ho_luo_check        our LUO FDT "luo-rfc-v1" (schema + C rules)
 *   ho_memfd_check      memfd handler data "memfd-rfc-v2" + its folio table
 *   (luo-v5 + memfd-v2, upstream's LUO, through ho_kho_check: luo_v5.c)
 *   ho_scratch_check    scratch table (array of {u64 addr, u64 size})
 *   ho_segments_check   every kexec segment inside scratch
 *   ho_check_handover   all of the above from a kho_data descriptor
 */
#ifndef HO_CHECK_H
#define HO_CHECK_H

#include <stdint.h>

#include "ho/err.h"
#include "ho/handover.h"
#include "ho/memmap.h"
#include "ho/schema.h"

/*
 * The wire formats of our LUO are defined once, in the kernel overlay's ABI
 * headers: the kernel build finds them in its include/, the library's own
 * builds through HO_CFLAGS (-idirafter kernel/include, lib.mk).
 */
#include <linux/kho/abi/luo_rfc.h>
#include <linux/kho/abi/memfd_rfc.h>

#define HO_KHO_COMPATIBLE	"kho-v4"
#define HO_LUO_COMPATIBLE	LUO_RFC_COMPATIBLE
#define HO_MEMFD_COMPATIBLE	MEMFD_RFC_COMPATIBLE
#define HO_LUO_SUBTREE		LUO_RFC_KHO_SUBTREE
/*
 * Upstream LUO (luo_v5.c): its KHO entry and compatibles as the pinned
 * kernel's ABI headers spell them (LUO_KHO_ENTRY_NAME, LUO_ABI_COMPATIBLE,
 * MEMFD_LUO_FH_COMPATIBLE; luo_v5.c asserts they agree).
 */
#define HO_LUO_V5_ENTRY		"LUO"
#define HO_LUO_V5_COMPATIBLE	"luo-v5"
#define HO_MEMFD_V2_COMPATIBLE	"memfd-v2"

/*
 * Limits that keep every check bounded (docs/handover-format.md, "Limits").
 * Each has its own error code.
 */
#define HO_FDT_MAX_DEPTH	16
#define HO_FDT_MAX_SIZE		(16u << 20)	/* any FDT we follow */
#define HO_FDT_MAX_NODES	(1u << 20)	/* per FDT */
#define HO_FDT_MAX_PROPS	(1u << 20)	/* per FDT */
#define HO_FDT_MAX_RSV		32		/* memory reservation entries */
#define HO_KHO_MAX_SUBTREES	1024
#define HO_LUO_MAX_SESSIONS	65535u		/* fits the schema's x-max-count */
#define HO_LUO_MAX_FILES	65535u
#define HO_SCRATCH_MAX		4096		/* scratch table entries */
/* Kernel limits the receiving side applies (Linux 7.3, x86_64, 4 KiB). */
#define HO_FOLIO_MAX_ORDER	10		/* MAX_PAGE_ORDER */
#define HO_MEMFD_MAX_SIZE	0x7fffffffffffffffull	/* MAX_LFS_FILESIZE */
#define HO_MEMFD_SEALS		MEMFD_RFC_SEALS	/* F_SEAL_SEAL .. F_SEAL_EXEC */
/* The memfd-rfc-v2 FDT is one page (kho_alloc_preserve(PAGE_SIZE)). */
#define HO_MEMFD_FDT_MAX(page_size)	(page_size)
/*
 * The folio table is a kho_vmalloc area of memfd_rfc_table_pages() pages:
 * no limit of its own; nr-folios is at most MEMFD_RFC_MAX_FOLIOS
 * (HO_ERR_TOO_MANY_FOLIOS) and at most the file's pages (HO_ERR_FOLIO_TABLE).
 */
/* kho_block chains of luo-v5: KHO_MAX_BLOCKS (kernel/liveupdate/kho_block.c) */
#define HO_LUO_V5_MAX_BLOCKS	10000
#define HO_LUO_NAME_MAX		32		/* LUO_NAME_MAX, with the NUL */
#define HO_LUO_SESSION_NAME_MAX	64		/* with the NUL */

/*
 * Work buffer: HO_WORK_PER_RANGE bytes per preserved range (every blob,
 * table and folio; physically contiguous neighbours share one) plus, at the
 * same time, 16 bytes per file or session or subtree of the blob being
 * checked. Without env->work the checks use HO_WORK_STACK bytes of stack.
 * Too small: HO_ERR_WORK_SPACE. Twice that per range (and 16 KiB) makes
 * the sort of 1024 or more ranges O(n) instead of O(n log n), with the same
 * result.
 */
#define HO_WORK_PER_RANGE	16
#define HO_WORK_STACK		512

/* ho_env.flags */
/*
 * Which LUO a KHO root must carry (none of them: any or none). Each flag
 * alone requires its format; both, or HO_CHECK_REQUIRE_LUO_ANY, "a LUO of
 * either format" (HO_ERR_NO_LUO_ANY when neither is there). Whatever the
 * flags, every LUO that is present is checked.
 */
#define HO_CHECK_REQUIRE_LUO	(1u << 0)	/* luo-rfc-v1: else HO_ERR_NO_LUO */
#define HO_CHECK_REQUIRE_LUO_RFC HO_CHECK_REQUIRE_LUO
#define HO_CHECK_REQUIRE_LUO_V5	(1u << 1)	/* luo-v5: else HO_ERR_NO_LUO_V5 */
#define HO_CHECK_REQUIRE_LUO_ANY (1u << 2)	/* either: else HO_ERR_NO_LUO_ANY */

/* What the checks may look at besides the bytes they are given. */
struct ho_env {
	const struct ho_memmap *memmap;		/* NULL: no address checks */
	const struct ho_phys *phys;		/* NULL: nested blobs not followed */
	const struct ho_schema *const *schemas;	/* NULL-terminated; NULL: none */
	uint32_t flags;				/* HO_CHECK_* */
	/*
	 * 8-byte aligned scratch memory for the sorts that keep every check
	 * O(n log n): duplicate names, sessions, tokens, and the disjointness
	 * of every preserved range (see HO_WORK_PER_RANGE).
	 */
	void *work;
	uint64_t work_size;
	/* Largest folio order the receiving kernel accepts; 0: HO_FOLIO_MAX_ORDER */
	uint32_t max_folio_order;
	/*
	 * The receiving kernel's PAGE_SIZE: 0 means HO_PAGE_SIZE (4096);
	 * anything else must be a power of two in [HO_PAGE_SIZE_MIN,
	 * HO_PAGE_SIZE_MAX] (HO_ERR_PAGE_SIZE). Every "page" rule uses it:
	 * preserved-memory-map and memfd data/table alignment, folio size
	 * page_size << order, pages per file, HO_PROP_PAGE_ALIGNED, scratch
	 * alignment and the layout of KHO's radix tree.
	 */
	uint64_t page_size;
};

/* One entry of the scratch table (Linux struct kho_scratch). */
struct ho_scratch {
	uint64_t addr, size;
};

/* Where a kexec segment lands. */
struct ho_segment {
	uint64_t mem, memsz;
};

/* One folio table entry of memfd-rfc-v2 (24 bytes, native endian). */
#define ho_memfd_folio		memfd_rfc_folio
#define HO_FOLIO_UPTODATE	MEMFD_RFC_FOLIO_UPTODATE
#define HO_FOLIO_DIRTY		MEMFD_RFC_FOLIO_DIRTY
_Static_assert(sizeof(struct ho_memfd_folio) == MEMFD_RFC_FOLIO_SIZE &&
	       __builtin_offsetof(struct ho_memfd_folio, index) == 8 &&
	       __builtin_offsetof(struct ho_memfd_folio, order) == 16 &&
	       __builtin_offsetof(struct ho_memfd_folio, flags) == 20,
	       "memfd-rfc-v2 folio entry: 24 bytes, index at 8, order 16, flags 20");

int ho_fdt_check(const void *fdt, uint64_t bufsize, struct ho_report *rep);

/* With 4 KiB pages; ho_schema_check_env() takes memmap and page size from env. */
int ho_schema_check(const void *fdt, uint64_t size,
		    const struct ho_schema *schema,
		    const struct ho_memmap *memmap, struct ho_report *rep);
int ho_schema_check_env(const void *fdt, uint64_t size,
			const struct ho_schema *schema,
			const struct ho_env *env, struct ho_report *rep);
const struct ho_schema *ho_schema_find(const struct ho_schema *const *list,
				       const char *compatible);

int ho_kho_check(const void *fdt, uint64_t size, const struct ho_env *env,
		 struct ho_report *rep);
int ho_luo_check(const void *fdt, uint64_t size, const struct ho_env *env,
		 struct ho_report *rep);
int ho_memfd_check(const void *fdt, uint64_t size, const struct ho_env *env,
		   struct ho_report *rep);

/* With 4 KiB pages; ho_scratch_check_env() takes memmap and page size from env. */
int ho_scratch_check(const void *table, uint64_t size,
		     const struct ho_memmap *memmap, struct ho_report *rep);
int ho_scratch_check_env(const void *table, uint64_t size,
			 const struct ho_env *env, struct ho_report *rep);
int ho_segments_check(const struct ho_segment *seg, uint32_t nseg,
		      const void *scratch, uint64_t scratch_size,
		      struct ho_report *rep);

/*
 * Everything: kd's FDT and scratch table are read through env->phys (which
 * is required), and must lie in RAM when env->memmap is given.
 */
int ho_check_handover(const struct ho_handover *kd,
		      const struct ho_segment *seg, uint32_t nseg,
		      const struct ho_env *env, struct ho_report *rep);

#endif /* HO_CHECK_H */
