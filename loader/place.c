// SPDX-License-Identifier: GPL-2.0-only
/*
 * Segment placement: the allowed memory is the usable RAM of the memory map
 * (touching RAM entries joined, anything another entry calls reserved cut
 * out, and nothing below ld_arch.min_addr) intersected with the zones (the KHO scratch
 * ranges when a handover is carried: everything outside scratch may hold
 * preserved pages). Segments are placed in the order given, each top-down
 * at the highest aligned address that fits, and what they take is cut out
 * of the free list.
 */
#include <stdio.h>
#include <string.h>

#include "ld.h"

struct iv {
	uint64_t start, end;	/* [start, end), end > start */
};

struct ivlist {
	struct iv v[LD_MAX_FREE];
	unsigned int n;
};

static int iv_add(struct ivlist *l, uint64_t start, uint64_t end)
{
	if (end <= start)
		return 0;
	if (l->n == LD_MAX_FREE)
		return LD_ERR_MEMMAP;
	l->v[l->n].start = start;
	l->v[l->n].end = end;
	l->n++;
	return 0;
}

/* Sort by start (insertion sort: lists are short) and join overlaps. */
static void iv_normalize(struct ivlist *l)
{
	unsigned int i, j, out;

	for (i = 1; i < l->n; i++) {
		struct iv t = l->v[i];

		for (j = i; j > 0 && l->v[j - 1].start > t.start; j--)
			l->v[j] = l->v[j - 1];
		l->v[j] = t;
	}
	for (i = 0, out = 0; i < l->n; i++) {
		if (out && l->v[i].start <= l->v[out - 1].end) {
			if (l->v[i].end > l->v[out - 1].end)
				l->v[out - 1].end = l->v[i].end;
			continue;
		}
		l->v[out++] = l->v[i];
	}
	l->n = out;
}

/* Remove [start, end) from every interval of l. */
static int iv_cut(struct ivlist *l, uint64_t start, uint64_t end)
{
	unsigned int i, n = l->n;
	int err;

	for (i = 0; i < n; i++) {
		struct iv *v = &l->v[i];
		uint64_t vs = v->start, ve = v->end;

		if (end <= vs || start >= ve)
			continue;
		if (start > vs && end < ve) {
			v->end = start;
			err = iv_add(l, end, ve);
			if (err)
				return err;
		} else if (start > vs) {
			v->end = start;
		} else if (end < ve) {
			v->start = end;
		} else {
			v->end = v->start;	/* emptied; dropped below */
		}
	}
	for (i = 0, n = 0; i < l->n; i++)
		if (l->v[i].end > l->v[i].start)
			l->v[n++] = l->v[i];
	l->n = n;
	iv_normalize(l);
	return 0;
}

static int allowed_memory(struct ivlist *out, const struct ho_scratch *zones,
			  unsigned int nzones, const struct ho_memmap *mm)
{
	static const struct ivlist empty;
	struct ivlist ram = empty;
	unsigned int i, j;
	int err;

	*out = empty;
	if (!mm || !mm->ranges)
		return LD_ERR_INVAL;
	for (i = 0; i < mm->count; i++) {
		const struct ho_mem_range *r = &mm->ranges[i];

		if (r->type != HO_MEM_RAM || !r->size)
			continue;
		if (!ho_range_ok(r->addr, r->size))
			return LD_ERR_MEMMAP;
		err = iv_add(&ram, r->addr, r->addr + r->size);
		if (err)
			return err;
	}
	iv_normalize(&ram);
	/* Nothing is ever placed below min_addr: not available memory either. */
	err = iv_cut(&ram, 0, ld_arch.min_addr);
	if (err)
		return err;
	for (i = 0; i < mm->count; i++) {
		const struct ho_mem_range *r = &mm->ranges[i];

		if (r->type == HO_MEM_RAM || !r->size)
			continue;
		err = iv_cut(&ram, r->addr, ho_range_ok(r->addr, r->size) ?
			     r->addr + r->size : UINT64_MAX);
		if (err)
			return err;
	}
	if (!zones) {
		*out = ram;
		return 0;
	}
	for (i = 0; i < nzones; i++) {
		uint64_t zs = zones[i].addr, ze;

		if (!zones[i].size || !ho_range_ok(zs, zones[i].size))
			continue;
		ze = zs + zones[i].size;
		for (j = 0; j < ram.n; j++) {
			uint64_t s = zs > ram.v[j].start ? zs : ram.v[j].start;
			uint64_t e = ze < ram.v[j].end ? ze : ram.v[j].end;

			err = iv_add(out, s, e);
			if (err)
				return err;
		}
	}
	iv_normalize(out);
	return 0;
}

static uint64_t iv_total(const struct ivlist *l, uint64_t *largest)
{
	uint64_t sum = 0, big = 0;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		uint64_t sz = l->v[i].end - l->v[i].start;

		sum += sz;
		if (sz > big)
			big = sz;
	}
	if (largest)
		*largest = big;
	return sum;
}

/* Highest aligned spot for s in the free list, or an error. */
static int fit(const struct ivlist *l, const struct ld_seg *s, uint64_t *at)
{
	uint64_t lo = s->min > ld_arch.min_addr ? s->min : ld_arch.min_addr;
	uint64_t hi_lim = s->max ? s->max + 1 : 0;	/* 0: no limit */
	unsigned int i;

	for (i = l->n; i-- > 0;) {
		uint64_t start = l->v[i].start, end = l->v[i].end, cand;

		if (hi_lim && end > hi_lim)
			end = hi_lim;
		if (start < lo)
			start = lo;
		if (end <= start || end - start < s->memsz)
			continue;
		cand = (end - s->memsz) & ~(s->align - 1);
		if (cand >= start) {
			*at = cand;
			return 0;
		}
	}
	return LD_ERR_NO_SPACE;
}

int ld_place(struct ld_seg *segs, unsigned int n,
	     const struct ho_scratch *zones, unsigned int nzones,
	     const struct ho_memmap *mm, struct ld_place_diag *diag)
{
	static const struct ld_place_diag nodiag;
	const uint64_t pg = ld_arch.page_size;
	struct ivlist fl;
	uint64_t needed = 0;
	unsigned int i;
	int err;

	if (diag)
		*diag = nodiag;
	if (!segs && n)
		return LD_ERR_INVAL;
	for (i = 0; i < n; i++) {
		struct ld_seg *s = &segs[i];

		if (s->align < pg)
			s->align = pg;
		if (s->align & (s->align - 1))
			return LD_ERR_INVAL;
		if (s->memsz < s->bufsz)
			s->memsz = s->bufsz;
		if (!s->memsz || s->memsz > UINT64_MAX - pg)
			return LD_ERR_INVAL;
		s->memsz = (s->memsz + pg - 1) & ~(pg - 1);
		needed += s->memsz;
	}
	err = allowed_memory(&fl, zones, nzones, mm);
	if (err)
		return err;
	if (diag) {
		diag->needed = needed;
		diag->available = iv_total(&fl, NULL);
		diag->nallowed = fl.n;
	}
	if (!fl.n)
		return LD_ERR_NO_ALLOWED_MEMORY;
	for (i = 0; i < n; i++) {
		struct ld_seg *s = &segs[i];

		err = fit(&fl, s, &s->mem);
		if (err) {
			if (diag) {
				diag->seg = (int)i;
				iv_total(&fl, &diag->largest_free);
			}
			return err;
		}
		err = iv_cut(&fl, s->mem, s->mem + s->memsz);
		if (err)
			return err;
	}
	if (diag) {
		for (i = 0; i < fl.n; i++) {
			uint64_t start = (fl.v[i].start + pg - 1) &
					 ~(pg - 1);
			uint64_t end = fl.v[i].end & ~(pg - 1);

			if (end > start && end - start > diag->spare_size) {
				diag->spare_addr = start;
				diag->spare_size = end - start;
			}
		}
	}
	return 0;
}

const char *ld_size_words(uint64_t v, char *buf, size_t size)
{
	if (v >= (1ull << 20) && !(v & ((1ull << 20) - 1)))
		snprintf(buf, size, "%llu MiB", (unsigned long long)(v >> 20));
	else if (v >= 1024 && !(v & 1023))
		snprintf(buf, size, "%llu KiB", (unsigned long long)(v >> 10));
	else
		snprintf(buf, size, "%llu bytes", (unsigned long long)v);
	return buf;
}

void ld_place_explain(const struct ld_seg *segs, unsigned int n,
		      const struct ld_place_diag *d, char *buf, size_t size)
{
	char memsz[32], align[32], avail[32], big[32];
	const struct ld_seg *s;

	if (!d || d->seg < 0 || (unsigned int)d->seg >= n) {
		snprintf(buf, size, "no placement");
		return;
	}
	s = &segs[d->seg];
	ld_size_words(s->memsz, memsz, sizeof(memsz));
	ld_size_words(s->align, align, sizeof(align));
	ld_size_words(d->available, avail, sizeof(avail));
	ld_size_words(d->largest_free, big, sizeof(big));
	snprintf(buf, size,
		 "%s (%s, align %s) does not fit: needed %llu bytes in all, "
		 "available %llu bytes (%s in %u range%s, largest free %s)",
		 s->name ? s->name : "segment", memsz, align,
		 (unsigned long long)d->needed,
		 (unsigned long long)d->available, avail, d->nallowed,
		 d->nallowed == 1 ? "" : "s", big);
}
