/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Handover builder for host tests, fuzz seeds and the benchmark.
 *
 * Builds a complete handover with libfdt's sequential-write API into an
 * arena that stands for physical memory at HB_ARENA_PHYS: KHO root FDT,
 * LUO FDT, one memfd-rfc-v2 FDT and folio table per file (a kho_vmalloc
 * area: chunks listing the table's pages), scratch table, a memory map and
 * kexec segments, and KHO's preserved-page radix tree (preserved-memory-map)
 * with a key for every block and folio as the kernel would preserve it: the
 * LUO blob and memfd FDTs as kho_alloc_preserve() blocks, each chunk and
 * table page at order 0, folios at their table's order (after the defect,
 * so that the tree agrees with the table). A defect (enum hb_defect) breaks exactly
 * one thing on the way, so each test row names what it breaks.
 */
#ifndef HOBUILD_H
#define HOBUILD_H

#include <stdint.h>

#include "ho/ho.h"

#define HB_ARENA_PHYS	0x10000000ull
#define HB_ARENA_SIZE	(16u << 20)
#define HB_KHO_SPACE	(64u << 10)
#define HB_LUO_SPACE	(256u << 10)
#define HB_FOLIO_PHYS	0x40000000ull	/* where folios "are": RAM, unread */
/* Entries per chunk of a kho_vmalloc area with 4 KiB pages. */
#define HB_CHUNK_PAGES	511
/* File 0 of the straddle rows: two table pages, entry 170 across them. */
#define HB_STRADDLE_FOLIOS	200
#define HB_STRADDLE_ENTRY	170
/* File 0 of the two-chunk rows: 512 table pages, one past a chunk's 511. */
#define HB_TWO_CHUNK_FOLIOS	(HB_CHUNK_PAGES * 4096 / 24 + 1)

#define HB_DEFECTS(X) \
	X(NONE) \
	/* FDT structure (on the KHO root) */ \
	X(FDT_SHORT_BUFFER) X(FDT_BAD_MAGIC) X(FDT_BAD_VERSION) \
	X(FDT_TOTALSIZE_BIG) X(FDT_STRINGS_OUTSIDE) X(FDT_RSVMAP_OPEN) \
	X(FDT_PROP_AFTER_NODE) X(FDT_TOO_DEEP) X(FDT_BAD_TAG) \
	X(FDT_PROP_NAMEOFF) X(FDT_NODE_NAME_SLASH) X(FDT_MISALIGNED) \
	X(FDT_NOP_BEFORE_ROOT) \
	/* KHO root */ \
	X(KHO_BAD_COMPAT) X(KHO_NO_COMPAT) X(KHO_COMPAT_NO_NUL) \
	X(KHO_NO_MEMMAP) X(KHO_MEMMAP_SIZE) X(KHO_MEMMAP_UNALIGNED) \
	X(KHO_MEMMAP_OUTSIDE_RAM) X(KHO_UNKNOWN_PROP) X(KHO_DUP_PROP) \
	X(KHO_BLOB_SIZE_SIZE) X(KHO_BLOB_SIZE_ZERO) X(KHO_BLOB_OUTSIDE_RAM) \
	X(KHO_BLOB_OVERFLOW) X(KHO_SUBTREE_CHILD) X(KHO_DUP_SUBTREE) \
	X(KHO_NO_LUO) X(KHO_LUO_UNMAPPED) X(KHO_LUO_BLOB_SHORT) \
	X(KHO_OTHER_SUBTREE) \
	/* LUO FDT */ \
	X(LUO_BAD_COMPAT) X(LUO_COUNT_ZERO) X(LUO_NO_SESSIONS) \
	X(LUO_UNKNOWN_PROP) X(LUO_UNKNOWN_NODE) X(LUO_SESSION_NAME_HEX) \
	X(LUO_SESSION_NAME_EMPTY) X(LUO_SESSION_NAME_LONG) \
	X(LUO_DUP_SESSION_NAME) X(LUO_NO_TOKEN) X(LUO_TOKEN_SIZE) \
	X(LUO_DUP_TOKEN) X(LUO_SAME_TOKEN_OTHER_SESSION) \
	X(LUO_BAD_SESSION_REF) X(LUO_DATA_OUTSIDE_RAM) X(LUO_DUP_FD_NODE) \
	X(LUO_STRING_EMBEDDED_NUL) X(LUO_OTHER_HANDLER) \
	X(LUO_SPARSE_SESSIONS) X(LUO_SPARSE_BAD_REF) \
	/* memfd-rfc-v2 */ \
	X(MEMFD_BAD_COMPAT) X(MEMFD_SEALS_RANGE) X(MEMFD_TABLE_NO_COUNT) \
	X(MEMFD_TABLE_OUTSIDE_RAM) X(MEMFD_UNSORTED) X(MEMFD_OVERLAP) \
	X(MEMFD_UNALIGNED) X(MEMFD_ORDER) X(MEMFD_FLAGS) \
	X(MEMFD_BEYOND_SIZE) X(MEMFD_BAD_MAGIC) X(MEMFD_NO_FOLIOS) \
	X(MEMFD_DATA_MISALIGNED) X(MEMFD_DATA_UNMAPPED) X(MEMFD_TABLE_UNMAPPED) \
	X(MEMFD_NR_HUGE) X(LUO_DUP_PROP) \
	/* scratch and segments */ \
	X(SCRATCH_EMPTY) X(SCRATCH_SIZE) X(SCRATCH_UNALIGNED) \
	X(SCRATCH_ZERO) X(SCRATCH_OVERFLOW) X(SCRATCH_OVERLAP) \
	X(SCRATCH_OVERLAP_UNSORTED) X(SCRATCH_OUTSIDE_RAM) \
	X(SCRATCH_HITS_RESERVED) X(SCRATCH_UNSORTED) \
	X(SEGMENT_OUTSIDE) X(SEGMENT_OVERFLOW) X(SEGMENT_SPANS_TWO) \
	/* kho_data */ \
	X(KD_FDT_OUTSIDE_RAM) X(KD_SCRATCH_UNMAPPED) X(KD_FDT_OVERFLOW) \
	/* lookups the kernel does with fdt_subnode_offset() */ \
	X(KHO_LUO_UNIT_BEFORE) X(KHO_LUO_UNIT_AFTER) X(KHO_LUO_UNIT_ONLY) \
	X(KHO_LUO_UNIT_ONLY_BAD) X(KHO_OTHER_UNIT_DUP) X(KHO_MEMMAP_ZERO) \
	X(LUO_SESSIONS_UNIT) X(LUO_FDS_UNIT) X(LUO_SUBSYSTEMS_UNIT) \
	X(LUO_NO_SUBSYSTEMS) X(LUO_SESSION_INDEX_BIG) X(LUO_FD_NAME_BAD) \
	X(LUO_COMPAT_LONG) X(LUO_SUBSYS_NAME_LONG) \
	/* memfd-rfc-v2 rules of the receiving kernel */ \
	X(MEMFD_INDEX_UNALIGNED) X(MEMFD_INDEX_UNALIGNED_LAST) \
	X(MEMFD_INDEX_UNALIGNED_ORDER2) X(MEMFD_INDEX_WRAP) \
	X(MEMFD_INDEX_MAX) X(MEMFD_ORDER_11) X(MEMFD_FLAGS_HIGH) \
	X(MEMFD_NR_OVER_PAGES) X(MEMFD_NR_OVER_LIMIT) X(MEMFD_SIZE_HUGE) \
	X(MEMFD_SIZE_MAX) X(MEMFD_SEALS_HIGH) X(MEMFD_TABLE_UNALIGNED) \
	X(MEMFD_DATA_ZERO) X(MEMFD_FDT_BIG) X(MEMFD_FOLIO_PHYS_ZERO) \
	X(MEMFD_SIZE_LFS_MAX) \
	/* the folio table's kho_vmalloc area (file 0) */ \
	X(MEMFD_STRADDLE) X(MEMFD_STRADDLE_BAD) X(MEMFD_TWO_CHUNKS) \
	X(MEMFD_CHAIN_SHORT) X(MEMFD_CHAIN_EXTRA_PAGE) \
	X(MEMFD_CHAIN_EXTRA_CHUNK) X(MEMFD_CHAIN_LOOP) \
	X(MEMFD_CHUNK_UNPRESERVED) X(MEMFD_TPAGE_UNPRESERVED) \
	X(MEMFD_CHUNK_UNALIGNED) X(MEMFD_TPAGE_UNALIGNED) \
	/* preserved ranges must be disjoint, and outside scratch */ \
	X(OVL_FOLIO_SAME) X(OVL_FOLIO_OTHER_FILE) X(OVL_FOLIO_TABLE) \
	X(OVL_FOLIO_LUO) X(OVL_SUBTREE_IN_LUO) X(OVL_SHARED_MEMFD) \
	X(OVL_FOLIO_IN_SCRATCH) X(OVL_MEMMAP_IN_SCRATCH) X(OVL_MEMMAP_KHO_FDT) \
	X(OVL_FOLIO_SCRATCH_TABLE) X(OVL_FOLIO_PARTIAL) \
	X(OVL_SUBTREE_IN_SCRATCH) X(OVL_FOLIO_TABLE_PAGE)

#define HB_ENUM_(n) HB_##n,
enum hb_defect { HB_DEFECTS(HB_ENUM_) HB_NDEFECTS };
#undef HB_ENUM_

struct hb_params {
	int nsessions;		/* >= 1 */
	int nfiles;		/* >= 0 */
	int nfolios;		/* per file */
	int nscratch;		/* >= 4 */
	int shuffle_tokens;	/* tokens in no particular order */
	int shuffle_folios;	/* folio addresses not in file order */
	uint64_t kho_space;	/* bytes for the KHO FDT (<= HB_KHO_SPACE) */
	uint64_t luo_space;	/* bytes for the LUO FDT (<= HB_LUO_SPACE) */
};

struct hb {
	uint8_t *arena;		/* HB_ARENA_SIZE bytes, page aligned */
	uint64_t used;		/* arena bytes in use after hb_build() */
	struct hb_params p;
	enum hb_defect defect;
	/* results */
	struct ho_handover kd;
	uint64_t luo_phys, luo_size;
	struct ho_segment seg[4];
	uint32_t nseg;
	struct ho_mem_range ranges[8];
	struct ho_memmap mm;
	struct ho_window win;
	struct ho_phys phys;
	struct ho_env env;
	void *work;		/* env.work: HB_WORK_SIZE bytes */
	uint64_t data0, table0;	/* file 0's memfd FDT, its table's chunk */
	uint64_t tpage0;	/* the table's first page (entries 0..) */
	uint64_t tblk0, tpages0; /* its pages: tpages0 from tblk0, reversed */
	uint64_t radix_root;	/* KHO's preserved-page tree (4 KiB pages) */
};

#define HB_WORK_SIZE	(8u << 20)

extern const char *const hb_defect_names[];

/* Defaults: 3 sessions, 6 files of 4 folios, 4 scratch ranges, 64K + 16K. */
void hb_params_default(struct hb_params *p);
/* Build into h (arena allocated on first use); 0 on success. */
int hb_build(struct hb *h, const struct hb_params *p, enum hb_defect d,
	     const struct ho_schema *const *schemas);
void hb_free(struct hb *h);
/* File 0's table: the address of its byte off; entry i read, written. */
uint64_t hb_table_addr(const struct hb *h, uint64_t off);
void hb_folio_get(struct hb *h, uint64_t i, struct ho_memfd_folio *f);
void hb_folio_set(struct hb *h, uint64_t i, const struct ho_memfd_folio *f);
/* Pointer into the arena for a phys address (no checks). */
void *hb_ptr(struct hb *h, uint64_t phys);
/* Add 2^order pages at phys to h's radix tree; 0 on success. */
int hb_preserve(struct hb *h, uint64_t phys, uint32_t order);
/* Remove that key again (tests that break the tree); 0 if it was there. */
int hb_unpreserve(struct hb *h, uint64_t phys, uint32_t order);

#endif /* HOBUILD_H */
