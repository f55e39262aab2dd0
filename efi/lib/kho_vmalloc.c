// SPDX-License-Identifier: GPL-2.0-only
/*
 * A kho_vmalloc area (kho_preserve_vmalloc(), Linux 7.3
 * kernel/liveupdate/kexec_handover.c) as the receiving kernel's
 * kho_restore_vmalloc() takes it back: the one walk of its chunk chain,
 * used by every format whose data is such an area (luo_v5.c: upstream's
 * memfd-v2 folio table; luo.c: our memfd-rfc-v2 folio table).
 *
 * The chunk layout is the pinned kernel's own struct kho_vmalloc_chunk
 * (<linux/kho/abi/kexec_handover.h>, through the type shim kabi/ outside
 * the kernel): a header with the next chunk's address, then a
 * zero-terminated list of the physical addresses of the area's pieces, each
 * of 1 << order pages. Only the number of entries depends on the receiving
 * kernel's page size, and is recomputed from it.
 *
 * The rules, with the kernel code each mirrors:
 *
 * - flags within KHO_VMALLOC_ALLOC | KHO_VMALLOC_HUGE_VMAP, order at most
 *   the largest folio order (kho_restore_pages() of 1 << order pages);
 * - each chunk a page, page aligned, in RAM, preserved at order 0
 *   (kho_restore_pages(chunk, 1)), recorded for the disjointness sweep;
 * - each piece page aligned, in RAM, recorded, and every part
 *   kho_restore_pages() cuts it into (min(ctz(pfn), log2(left)) pages)
 *   preserved at exactly that order;
 * - the pieces never more than total_pages (checked before each restore,
 *   as the kernel does), and exactly total_pages at the end of the chain;
 * - at most total_pages / entries-per-chunk + 1 chunks (what
 *   kho_preserve_vmalloc() writes): a loop or an overlong chain stops
 *   there, so the walk is O(total_pages).
 */
#include "internal.h"

#include <linux/kho/abi/kexec_handover.h>

/* kernel/liveupdate/kexec_handover.c, KHO_VMALLOC_ALLOC | _HUGE_VMAP */
#define HO_KHO_VMALLOC_FLAGS	0x0003u

_Static_assert(sizeof(struct kho_vmalloc_hdr) == 8 &&
	       __builtin_offsetof(struct kho_vmalloc_chunk, phys) ==
	       sizeof(struct kho_vmalloc_hdr),
	       "a chunk: the next pointer, then the page list");

static int fail(struct ho_vwalk *v, int err, const char *what, uint64_t val)
{
	return ho_fail_val(v->rep, err, v->where, 0, -1, what, val);
}

const void *ho_preserved_map(const struct ho_env *env, struct ho_work *w,
			     uint64_t phys, uint64_t bytes, uint64_t rec,
			     int64_t order, int unaligned, const char *where,
			     const char *what, struct ho_report *rep, int *err)
{
	const void *p;

	*err = HO_OK;
	if (!phys)
		*err = ho_fail_val(rep, HO_ERR_PHYS_ZERO, where, 0, -1, what,
				   phys);
	else if (phys & (w->page_size - 1))
		*err = ho_fail_val(rep, unaligned, where, 0, -1, what, phys);
	if (!*err)
		*err = ho_check_addr(env->memmap, phys, rec, where, 0, -1,
				     what, rep);
	if (!*err)
		*err = ho_work_add(w, phys, rec, where, rep);
	if (!*err)
		*err = ho_radix_prove(env, w, phys, order, bytes, where, rep);
	if (*err)
		return 0;
	p = ho_phys_map(env->phys, phys, bytes);
	if (!p)
		*err = ho_fail_val(rep, HO_ERR_ADDR_UNMAPPED, where, 0, -1,
				   what, phys);
	return p;
}

int ho_vmalloc_begin(struct ho_vwalk *v, const struct ho_vmalloc *vm,
		     int unaligned, const struct ho_env *env,
		     struct ho_work *w, const char *where,
		     struct ho_report *rep)
{
	*v = (struct ho_vwalk){ .env = env, .w = w, .rep = rep,
				.phys = env->phys, .ps = w->page_size,
				.where = where, .unaligned = unaligned,
				.vm = *vm, .chunk = vm->first };
	if (vm->flags & ~HO_KHO_VMALLOC_FLAGS)
		return fail(v, HO_ERR_VMALLOC_FLAGS, "flags", vm->flags);
	if (vm->order > ho_max_folio_order(env))
		return fail(v, HO_ERR_VMALLOC_ORDER, "order", vm->order);
	v->nent = (v->ps - sizeof(struct kho_vmalloc_hdr)) / sizeof(uint64_t);
	v->max_chunks = (vm->total_pages >> vm->order) / v->nent + 1;
	return HO_OK;
}

void ho_vmalloc_begin_raw(struct ho_vwalk *v, const struct ho_vmalloc *vm,
			  const struct ho_phys *phys, uint64_t page_size,
			  ho_vpiece_fn fn, void *ctx)
{
	*v = (struct ho_vwalk){ .phys = phys, .ps = page_size,
				.where = "kho_vmalloc",
				.unaligned = HO_ERR_FOLIO_TABLE_UNALIGNED,
				.vm = *vm, .chunk = vm->first, .fn = fn,
				.ctx = ctx };
	v->vm.order = 0;
	v->nent = (page_size - sizeof(struct kho_vmalloc_hdr)) /
		  sizeof(uint64_t);
	v->max_chunks = vm->total_pages / v->nent + 1;
}

/*
 * One kho_restore_pages(phys, 1 << order): the parts it cuts
 * (min(ctz(pfn), log2(left))) each preserved at exactly that order; the
 * pages recorded for the sweep.
 */
static int vmalloc_pages(struct ho_vwalk *v, uint64_t phys)
{
	uint64_t ps = v->ps, left = 1ull << v->vm.order, pfn;
	uint32_t order = v->vm.order, o;
	int err;

	if (phys & (ps - 1))
		return fail(v, v->unaligned, "page", phys);
	if (!v->w)
		return HO_OK;
	err = ho_check_addr(v->env->memmap, phys, ps << order, v->where, 0,
			    -1, "page", v->rep);
	if (!err)
		err = ho_work_add(v->w, phys, ps << order, v->where, v->rep);
	for (pfn = phys / ps; !err && left; pfn += 1ull << o,
	     left -= 1ull << o) {
		for (o = 0; o < order && !(pfn & (1ull << o)) &&
		     (2ull << o) <= left; o++)
			;
		err = ho_radix_prove(v->env, v->w, pfn * ps, o, 0, v->where,
				     v->rep);
	}
	return err;
}

/*
 * The current chunk, mapped: kho_restore_pages(chunk, 1) (checked walks),
 * or only aligned and readable (raw walks). NULL with the error in *err.
 */
static const uint8_t *chunk_map(struct ho_vwalk *v, int *err)
{
	const uint8_t *ch;

	*err = HO_OK;
	if (v->w)
		return ho_preserved_map(v->env, v->w, v->chunk, v->ps, v->ps,
					0, v->unaligned, v->where, "chunk",
					v->rep, err);
	if (v->chunk & (v->ps - 1)) {
		*err = fail(v, v->unaligned, "chunk", v->chunk);
		return 0;
	}
	ch = ho_phys_map(v->phys, v->chunk, v->ps);
	if (!ch)
		*err = fail(v, HO_ERR_ADDR_UNMAPPED, "chunk", v->chunk);
	return ch;
}

uint64_t ho_vmalloc_next(struct ho_vwalk *v, int *err)
{
	const uint8_t *ch;
	uint64_t phys = 0;

	*err = HO_OK;
	for (;;) {
		if (v->ent && v->e < v->nent) {
			phys = ho_get_u64(v->ent + 8 * v->e);
			if (phys)
				break;
		}
		if (v->ent) {
			v->chunk = v->next;
			v->ent = 0;
		}
		if (!v->chunk)
			return 0;
		if (++v->chunks > v->max_chunks) {
			*err = fail(v, HO_ERR_VMALLOC_CHAIN, "chunks",
				    v->chunks);
			return 0;
		}
		ch = chunk_map(v, err);
		if (!ch)
			return 0;
		v->next = ho_get_u64(ch);
		v->ent = ch + sizeof(struct kho_vmalloc_hdr);
		v->e = 0;
		if (v->fn)
			*err = v->fn(v->ctx, HO_VPIECE_CHUNK, v->chunk,
				     (uint8_t *)(uintptr_t)ch);
		if (*err)
			return 0;
	}
	v->e++;
	if (v->idx + (1ull << v->vm.order) > v->vm.total_pages) {
		*err = fail(v, HO_ERR_VMALLOC_PAGES, "total_pages",
			    v->vm.total_pages);
		return 0;
	}
	v->idx += 1ull << v->vm.order;
	*err = vmalloc_pages(v, phys);
	if (!*err && v->fn)
		*err = v->fn(v->ctx, HO_VPIECE_PAGE, phys,
			     (uint8_t *)(uintptr_t)(v->ent + 8 * (v->e - 1)));
	return *err ? 0 : phys;
}

/* The current page has a byte left (the next one loaded if not). */
static int page_ready(struct ho_vwalk *v)
{
	uint64_t ps = v->ps;
	int err;

	if (v->p && v->off < ps)
		return HO_OK;
	if (v->p && v->k + 1 < (1ull << v->vm.order)) {
		v->k++;
	} else {
		v->piece = ho_vmalloc_next(v, &err);
		if (!v->piece)
			return err ? err : fail(v, HO_ERR_VMALLOC_PAGES,
						"total_pages",
						v->vm.total_pages);
		v->k = 0;
	}
	v->p = ho_phys_map(v->phys, v->piece + v->k * ps, ps);
	if (!v->p)
		return fail(v, HO_ERR_ADDR_UNMAPPED, "page",
			    v->piece + v->k * ps);
	v->off = 0;
	return HO_OK;
}

int ho_vmalloc_read(struct ho_vwalk *v, void *buf, uint64_t n)
{
	uint64_t ps = v->ps, k;
	uint8_t *d = buf;
	int err;

	while (n) {
		err = page_ready(v);
		if (err)
			return err;
		k = n < ps - v->off ? n : ps - v->off;
		if (d) {
			ho_memcpy(d, v->p + v->off, k);
			d += k;
		}
		v->off += k;
		n -= k;
	}
	return HO_OK;
}

uint8_t *ho_vmalloc_map(struct ho_vwalk *v, uint64_t n, int *err)
{
	const uint8_t *p;

	*err = page_ready(v);
	if (*err)
		return 0;
	if (n > v->ps - v->off) {
		*err = fail(v, HO_ERR_INVAL, "straddles", n);
		return 0;
	}
	p = v->p + v->off;
	v->off += n;
	return (uint8_t *)(uintptr_t)p;
}

int ho_vmalloc_end(struct ho_vwalk *v)
{
	int err;

	while (ho_vmalloc_next(v, &err))
		;
	if (err)
		return err;
	if (v->idx != v->vm.total_pages)
		return fail(v, HO_ERR_VMALLOC_PAGES, "total_pages",
			    v->vm.total_pages);
	return HO_OK;
}
