/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KHO's preserved-page radix tree (Linux 7.3, include/linux/kho/abi/
 * kexec_handover.h "KHO persistent memory tracker"), as the receiving kernel
 * reads it from the KHO root's preserved-memory-map.
 *
 * Every node is one page. A preservation of 2^order pages at phys is the key
 *
 *   key = 1 << (64 - PAGE_SHIFT - order) | phys >> (PAGE_SHIFT + order)
 *
 * (the "order bit" above the shifted PFN). The root is the table of the top
 * level, depth - 1; a table of level L >= 1 holds PAGE_SIZE / 8 u64 physical
 * addresses (0: empty), indexed by key bits [(L - 1) * T + B, L * T + B) with
 * T = PAGE_SHIFT - 3 and B = PAGE_SHIFT + 3; the table of level 1 points to
 * the level-0 leaf, a bitmap of PAGE_SIZE * 8 bits (unsigned longs, little
 * endian on x86_64 and arm64: bit i is bit i % 8 of byte i / 8) indexed by
 * the key's low B bits. depth = DIV_ROUND_UP(65 - PAGE_SHIFT - B, T) + 1:
 * 6 with 4 KiB pages, 5 with 16 KiB, 4 with 64 KiB.
 *
 * The new kernel walks the whole tree (kho_mem_retrieve()) and, for every
 * set bit, reserves the range and marks its head page with the order;
 * kho_restore_folio(phys) then gives back a folio of that order, and only
 * if phys is such a head. The tree pages themselves are not preserved pages.
 */
#ifndef HO_KHO_RADIX_H
#define HO_KHO_RADIX_H

#include <stdint.h>

#include "ho/err.h"

#define HO_RADIX_MAX_DEPTH	6	/* 4 KiB pages; fewer with larger ones */

struct ho_radix_geom {
	uint32_t shift;		/* PAGE_SHIFT */
	uint32_t table_bits;	/* log2 of the entries of a table page */
	uint32_t bitmap_bits;	/* log2 of the bits of a leaf page */
	uint32_t depth;		/* levels, the leaf included */
	uint32_t max_order;	/* largest order a key can encode */
};

/* The layout for page_size (a valid one, ho_page_size_valid()). */
void ho_radix_geom_init(struct ho_radix_geom *g, uint64_t page_size);

/* The key of 2^order pages at phys (order <= g->max_order). */
static inline uint64_t ho_radix_key(const struct ho_radix_geom *g,
				    uint64_t phys, uint32_t order)
{
	uint32_t s = g->shift + order;

	return 1ull << (64 - s) | phys >> s;
}

/* Index into the table of level >= 1, or (level 0) the leaf's bit. */
static inline uint64_t ho_radix_index(const struct ho_radix_geom *g,
				      uint64_t key, uint32_t level)
{
	if (!level)
		return key & ((1ull << g->bitmap_bits) - 1);
	return key >> ((level - 1) * g->table_bits + g->bitmap_bits) &
	       ((1ull << g->table_bits) - 1);
}

/*
 * Builder, for producers and tests: set key's bit in the tree at root (a
 * zeroed page), taking zeroed pages from alloc(ctx) (their physical address,
 * 0 when out of pages) and reaching pages through map(ctx, phys).
 * HO_OK or HO_ERR_NO_SPACE.
 */
int ho_radix_insert(const struct ho_radix_geom *g, uint64_t root, uint64_t key,
		    uint64_t (*alloc)(void *ctx),
		    void *(*map)(void *ctx, uint64_t phys), void *ctx);

#endif /* HO_KHO_RADIX_H */
