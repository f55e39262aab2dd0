// SPDX-License-Identifier: GPL-2.0-only
/* KHO's preserved-memory radix tree, written by the stage (kho_radix.h). */
#include "kho_radix.h"

#define PAGE_SHIFT	12
#define TABLE_BITS	9		/* 512 u64 per table page */
#define BITMAP_BITS	15		/* 32768 bits per leaf page */
#define TOP_LEVEL	5		/* KHO_TREE_MAX_DEPTH - 1 */
#define KEY_WIDTH	(64 - PAGE_SHIFT + 1)

int kho_radix_add(struct kho_radix *r, uint64_t phys, uint32_t order)
{
	uint64_t *table = (uint64_t *)(uintptr_t)r->root, key, bit;
	uint32_t level, idx;

	if (!r->root || order > 64 - PAGE_SHIFT - 1 ||
	    (phys & ((1ull << (PAGE_SHIFT + order)) - 1)))
		return -1;
	key = 1ull << (64 - PAGE_SHIFT - order) | phys >> (PAGE_SHIFT + order);
	if (key >> KEY_WIDTH)
		return -1;
	for (level = TOP_LEVEL; level >= 1; level--) {
		idx = (key >> ((level - 1) * TABLE_BITS + BITMAP_BITS)) &
		      ((1u << TABLE_BITS) - 1);
		if (!table[idx]) {
			uint64_t page = r->page(r->ctx);

			if (!page)
				return -1;
			r->nodes++;
			table[idx] = page;
		}
		table = (uint64_t *)(uintptr_t)table[idx];
	}
	bit = key & ((1ull << BITMAP_BITS) - 1);
	table[bit / 64] |= 1ull << (bit % 64);
	return 0;
}

static uint64_t count(const uint64_t *table, uint32_t level)
{
	uint64_t n = 0, i, j, w;

	for (i = 0; i < 512; i++) {
		const uint64_t *next = (const uint64_t *)(uintptr_t)table[i];

		if (!next)
			continue;
		if (level > 1) {
			n += count(next, level - 1);
			continue;
		}
		for (j = 0; j < 512; j++)
			for (w = next[j]; w; w &= w - 1)
				n++;
	}
	return n;
}

uint64_t kho_radix_count(uint64_t root)
{
	return root ? count((const uint64_t *)(uintptr_t)root, TOP_LEVEL) : 0;
}
