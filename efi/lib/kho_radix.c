// SPDX-License-Identifier: GPL-2.0-only
/*
 * KHO's preserved-page radix tree (ho/kho_radix.h): a bounded lookup that
 * proves a page or folio is preserved the way the receiving kernel's
 * kho_restore_folio() will want it, and a builder for tests and producers.
 *
 * A lookup follows one key from the root through depth - 1 tables to a leaf
 * bit: at most HO_RADIX_MAX_DEPTH pages, each checked to be page aligned
 * (HO_ERR_KHO_TREE_UNALIGNED), in usable RAM when there is a memory map
 * (HO_ERR_KHO_TREE_OUTSIDE_RAM), readable (HO_ERR_ADDR_UNMAPPED) and not a
 * page met before on the same path (HO_ERR_KHO_TREE_LOOP: the kernel would
 * read a table as a leaf, or the reverse). O(depth) page reads per key; a
 * page is checked and mapped once while it stays the last one seen on its
 * level for its order (struct ho_work), which neighbouring keys make the
 * usual case, and a key whose leaf is the last one reached for its order,
 * or that falls under the last empty slot met for it, costs one compare.
 *
 * The head order of phys: the kernel marks a preservation's head page with
 * its order, the last key walked winning, so phys must be the head of
 * exactly one key: every order o whose block phys starts (phys aligned to
 * PAGE_SIZE << o, o <= 63 - PAGE_SHIFT) is looked up, one must be set
 * (HO_ERR_KHO_NOT_PRESERVED), two are HO_ERR_KHO_ORDER_AMBIGUOUS. At most
 * 52 lookups (4 KiB pages), usually a handful: the alignment of phys bounds
 * them. Preservations that start elsewhere but cover phys, or that start
 * inside a folio, are not looked for (that would cost 2^order lookups).
 */
#include "internal.h"
#include "ho/kho_radix.h"

void ho_radix_geom_init(struct ho_radix_geom *g, uint64_t page_size)
{
	uint32_t shift = 0, key_bits;

	while ((1ull << shift) < page_size)
		shift++;
	g->shift = shift;
	g->table_bits = shift - 3;
	g->bitmap_bits = shift + 3;
	key_bits = 65 - shift;
	g->depth = (key_bits - g->bitmap_bits + g->table_bits - 1) /
		   g->table_bits + 1;
	g->max_order = 63 - shift;
}

/*
 * One tree page of level, checked and mapped (or found in w's cache of the
 * last page of each level); path[0 .. n) are the pages above it.
 */
static const uint8_t *tree_page(const struct ho_env *env, struct ho_work *w,
				uint32_t order, uint32_t level, uint64_t page,
				const uint64_t *path, uint32_t n,
				const char *where, struct ho_report *rep,
				int *err)
{
	uint64_t ps = w->page_size;
	const uint8_t *p = 0;
	uint32_t i;

	*err = HO_OK;
	for (i = 0; i < n; i++)
		if (path[i] == page)
			*err = HO_ERR_KHO_TREE_LOOP;
	if (!*err && w->radix_ptr[order % 4][level] &&
	    w->radix_page[order % 4][level] == page)
		return w->radix_ptr[order % 4][level];
	if (!*err && (page & (ps - 1)))
		*err = HO_ERR_KHO_TREE_UNALIGNED;
	if (!*err && env->memmap && !ho_mem_usable(env->memmap, page, ps))
		*err = HO_ERR_KHO_TREE_OUTSIDE_RAM;
	if (!*err) {
		p = ho_phys_map(env->phys, page, ps);
		if (!p)
			*err = HO_ERR_ADDR_UNMAPPED;
	}
	if (*err) {
		ho_fail_val(rep, *err, where, 0, -1, "radix tree page", page);
		return 0;
	}
	w->radix_page[order % 4][level] = page;
	w->radix_ptr[order % 4][level] = p;
	return p;
}

/* Is key's bit set? HO_OK with *set, or the error of a bad tree page. */
static int lookup(const struct ho_env *env, struct ho_work *w,
		  const struct ho_radix_geom *g, uint32_t order, uint64_t key,
		  bool *set, const char *where, struct ho_report *rep)
{
	uint64_t path[HO_RADIX_MAX_DEPTH], page = w->radix_root, next, bit;
	uint64_t above = key >> g->bitmap_bits;
	const uint8_t *p;
	uint32_t level, n = 0, shift;
	int err;

	bit = ho_radix_index(g, key, 0);
	*set = false;
	if (w->radix_leaf[order % 4] && w->radix_leaf_key[order % 4] == above) {
		p = w->radix_leaf[order % 4];
		*set = p[bit >> 3] >> (bit & 7) & 1;
		return HO_OK;
	}
	if (w->radix_none_shift[order % 4] &&
	    key >> w->radix_none_shift[order % 4] == w->radix_none_key[order % 4])
		return HO_OK;
	for (level = g->depth - 1;; level--) {
		p = tree_page(env, w, order, level, page, path, n, where, rep,
			      &err);
		if (!p)
			return err;
		path[n++] = page;
		if (!level)
			break;
		/* a table page is mapped whole and slots are 8-byte aligned */
		next = ho_get_u64(p + 8 * ho_radix_index(g, key, level));
		if (!next) {
			shift = (level - 1) * g->table_bits + g->bitmap_bits;
			w->radix_none_shift[order % 4] = shift;
			w->radix_none_key[order % 4] = key >> shift;
			return HO_OK;
		}
		page = next;
	}
	w->radix_leaf_key[order % 4] = above;
	w->radix_leaf[order % 4] = p;
	*set = p[bit >> 3] >> (bit & 7) & 1;
	return HO_OK;
}

int ho_radix_head_order(const struct ho_env *env, struct ho_work *w,
			uint64_t phys, uint32_t *order, const char *where,
			struct ho_report *rep)
{
	const struct ho_radix_geom *g = &w->radix_geom;
	uint32_t o, found = 0;
	bool set;
	int err;

	for (o = 0; o <= g->max_order && !(phys & ((w->page_size << o) - 1));
	     o++) {
		err = lookup(env, w, g, o, ho_radix_key(g, phys, o), &set,
			     where, rep);
		if (err)
			return err;
		if (set && found++)
			return ho_fail_val(rep, HO_ERR_KHO_ORDER_AMBIGUOUS,
					   where, 0, -1, "preserved at", phys);
		if (set)
			*order = o;
	}
	if (!found)
		return ho_fail_val(rep, HO_ERR_KHO_NOT_PRESERVED, where, 0, -1,
				   "not preserved", phys);
	return HO_OK;
}

int ho_radix_prove(const struct ho_env *env, struct ho_work *w,
		   uint64_t phys, int64_t order, uint64_t bytes,
		   const char *where, struct ho_report *rep)
{
	uint32_t o;
	int err;

	if (!env->phys || !w->radix_root)
		return HO_OK;
	err = ho_radix_head_order(env, w, phys, &o, where, rep);
	if (err)
		return err;
	if (order >= 0 ? o != (uint64_t)order : (w->page_size << o) < bytes)
		return ho_fail_val(rep, HO_ERR_KHO_NOT_PRESERVED, where, 0, -1,
				   order >= 0 ? "folio preserved at order" :
				   "block preserved at order", o);
	return HO_OK;
}

int ho_radix_insert(const struct ho_radix_geom *g, uint64_t root, uint64_t key,
		    uint64_t (*alloc)(void *ctx),
		    void *(*map)(void *ctx, uint64_t phys), void *ctx)
{
	uint64_t next, bit = ho_radix_index(g, key, 0);
	uint8_t *p = map(ctx, root);
	uint32_t level;

	for (level = g->depth - 1; level; level--) {
		uint8_t *slot = p + 8 * ho_radix_index(g, key, level);

		ho_memcpy(&next, slot, 8);
		if (!next) {
			next = alloc(ctx);
			if (!next)
				return HO_ERR_NO_SPACE;
			ho_memcpy(slot, &next, 8);
		}
		p = map(ctx, next);
	}
	p[bit >> 3] |= (uint8_t)(1u << (bit & 7));
	return HO_OK;
}
