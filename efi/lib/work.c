// SPDX-License-Identifier: GPL-2.0-only
/*
 * The work buffer (internal.h): preserved ranges, temporary sort arrays, a
 * heap sort (no recursion, no allocation, O(n log n) worst case), a radix
 * sort of the ranges where the buffer has room for it (O(n)), and the
 * disjointness sweep over every preserved range of a handover.
 */
#include "internal.h"

int ho_work_init(struct ho_work *w, const struct ho_env *env, void *stack,
		 uint64_t stack_size, struct ho_report *rep)
{
	uintptr_t p = (uintptr_t)env->work, a = (p + 7) & ~(uintptr_t)7;
	uint64_t ps = env->page_size ? env->page_size : HO_PAGE_SIZE;

	w->nranges = 0;
	w->page_size = ps;
	w->radix_root = 0;
	ho_memset(w->radix_ptr, 0, sizeof(w->radix_ptr));
	ho_memset(w->radix_leaf, 0, sizeof(w->radix_leaf));
	ho_memset(w->radix_none_shift, 0, sizeof(w->radix_none_shift));
	if (env->work && env->work_size > a - p) {
		w->base = (uint8_t *)a;
		w->size = (env->work_size - (a - p)) & ~7ull;
	} else {
		w->base = stack;
		w->size = stack_size & ~7ull;
	}
	w->top = w->size;
	if (!ho_page_size_valid(ps))
		return ho_fail_val(rep, HO_ERR_PAGE_SIZE, "env", 0, -1,
				   "page_size", ps);
	ho_radix_geom_init(&w->radix_geom, ps);
	return HO_OK;
}

int ho_work_begin(struct ho_work *w, const struct ho_env **env, void *stack,
		  uint64_t stack_size, struct ho_report *rep)
{
	static const struct ho_env none;

	ho_report_clear(rep);
	if (!*env)
		*env = &none;
	return ho_work_init(w, *env, stack, stack_size, rep);
}

uint32_t ho_alloc_order(uint64_t bytes, uint64_t page_size)
{
	uint64_t a = page_size;
	uint32_t order = 0;

	while (a < bytes && order < 63) {
		a <<= 1;
		order++;
	}
	return order;
}

static int no_space(const char *where, struct ho_report *rep, uint64_t need)
{
	return ho_fail_val(rep, HO_ERR_WORK_SPACE, where, 0, -1,
			   "bytes needed at least", need);
}

int ho_work_add(struct ho_work *w, uint64_t addr, uint64_t size,
		const char *where, struct ho_report *rep)
{
	struct ho_range *r = (struct ho_range *)w->base;

	if (!size)
		return HO_OK;
	/* a physically contiguous neighbour: one range, same verdicts */
	if (w->nranges && r[w->nranges - 1].addr + r[w->nranges - 1].size ==
			  addr) {
		r[w->nranges - 1].size += size;
		return HO_OK;
	}
	if ((w->nranges + 1) * sizeof(*r) > w->top)
		return no_space(where, rep, (w->nranges + 1) * sizeof(*r) +
				(w->size - w->top));
	r[w->nranges].addr = addr;
	r[w->nranges].size = size;
	w->nranges++;
	return HO_OK;
}

void *ho_work_take(struct ho_work *w, uint64_t n, uint64_t size,
		   const char *where, struct ho_report *rep)
{
	uint64_t used = w->nranges * sizeof(struct ho_range), bytes;

	if (n > (w->size + 1) / (size ? size : 1))
		goto nospace;
	bytes = (n * size + 7) & ~7ull;
	if (bytes > w->top - used)
		goto nospace;
	w->top -= bytes;
	return w->base + w->top;
nospace:
	no_space(where, rep, used + (w->size - w->top) + n * size);
	return 0;
}

/* 8 bytes at a time when both are aligned (the work buffer's arrays). */
static void swap_bytes(uint8_t *a, uint8_t *b, uint64_t size)
{
	uint64_t *x = (uint64_t *)(void *)a, *y = (uint64_t *)(void *)b, t;
	uint8_t c;

	if (((uintptr_t)a | (uintptr_t)b | size) & 7) {
		while (size--) {
			c = *a;
			*a++ = *b;
			*b++ = c;
		}
		return;
	}
	for (size /= 8; size--; x++, y++) {
		t = *x;
		*x = *y;
		*y = t;
	}
}

static void sift_down(uint8_t *base, uint64_t root, uint64_t n, uint64_t size,
		      ho_cmp_fn cmp, const void *ctx)
{
	uint64_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size, ctx) < 0)
			child++;
		if (cmp(base + root * size, base + child * size, ctx) >= 0)
			return;
		swap_bytes(base + root * size, base + child * size, size);
		root = child;
	}
}

void ho_sort(void *base, uint64_t n, uint64_t size, ho_cmp_fn cmp,
	     const void *ctx)
{
	uint8_t *b = base;
	uint64_t i;

	for (i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp, ctx);
	for (i = n; i-- > 1;) {
		swap_bytes(b, b + i * size, size);
		sift_down(b, 0, i, size, cmp, ctx);
	}
}

static bool range_less(const struct ho_range *x, const struct ho_range *y)
{
	return x->addr != y->addr ? x->addr < y->addr : x->size < y->size;
}

/*
 * ho_sort() for the ranges, with the comparison inlined (the sweep's sort
 * dominates a big handover's check): a heap sort by (addr, size). Equal
 * keys are equal ranges, so the result is the same as ho_sort()'s.
 */
/* Sift r[root] down the heap r[0..end): sift_down() typed for ranges. */
static void range_sift_down(struct ho_range *r, uint64_t root, uint64_t end)
{
	uint64_t child;
	struct ho_range t;

	for (; (child = 2 * root + 1) < end; root = child) {
		if (child + 1 < end && range_less(&r[child], &r[child + 1]))
			child++;
		if (!range_less(&r[root], &r[child]))
			break;
		t = r[root];
		r[root] = r[child];
		r[child] = t;
	}
}

static void sort_ranges(struct ho_range *r, uint64_t n)
{
	uint64_t i, end;
	struct ho_range t;

	for (i = n / 2; i-- > 0;)
		range_sift_down(r, i, n);
	for (end = n; end-- > 1;) {
		t = r[0];
		r[0] = r[end];
		r[end] = t;
		range_sift_down(r, 0, end);
	}
}

#define RADIX_BITS	11
#define RADIX_BUCKETS	(1u << RADIX_BITS)
#define RADIX_MIN	1024	/* fewer ranges: the heap sort is as quick */

/*
 * The same order as sort_ranges() in O(n), with room for it: an LSD radix
 * sort by address in tmp (n ranges) and count (RADIX_BUCKETS), over only
 * the bits in which the addresses differ (at most ceil(64 / RADIX_BITS)
 * stable passes; page-aligned folios of one memfd take two or three),
 * then each run of equal addresses by size (sort_ranges() of the run).
 */
static void radix_sort_ranges(struct ho_range *r, struct ho_range *tmp,
			      uint64_t *count, uint64_t n)
{
	struct ho_range *src = r, *dst = tmp, *t;
	uint64_t lo = r[0].addr, diff = 0, sum, c, i, j;
	uint32_t shift, high;

	for (i = 1; i < n; i++)
		if (r[i].addr < lo)
			lo = r[i].addr;
	for (i = 0; i < n; i++)
		diff |= r[i].addr - lo;
	high = diff ? 64 - (uint32_t)__builtin_clzll(diff) : 0;
	for (shift = diff ? (uint32_t)__builtin_ctzll(diff) : 0; shift < high;
	     shift += RADIX_BITS) {
		for (j = 0; j < RADIX_BUCKETS; j++)
			count[j] = 0;
		for (i = 0; i < n; i++)
			count[(src[i].addr - lo) >> shift & (RADIX_BUCKETS - 1)]++;
		for (sum = 0, j = 0; j < RADIX_BUCKETS; j++) {
			c = count[j];
			count[j] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i].addr - lo) >> shift &
				  (RADIX_BUCKETS - 1)]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != r)
		for (i = 0; i < n; i++)
			r[i] = src[i];
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && r[j].addr == r[i].addr; j++)
			;
		if (j - i > 1)
			sort_ranges(r + i, j - i);
	}
}

/* By (addr, size): a radix sort when the free work space holds its copy. */
static void sort_work_ranges(struct ho_work *w)
{
	struct ho_range *r = (struct ho_range *)w->base;
	uint64_t used = w->nranges * sizeof(*r);

	if (w->nranges >= RADIX_MIN &&
	    w->top - used >= used + RADIX_BUCKETS * sizeof(uint64_t))
		radix_sort_ranges(r, (struct ho_range *)(w->base + used),
				  (uint64_t *)(w->base + 2 * used), w->nranges);
	else
		sort_ranges(r, w->nranges);
}

int ho_work_disjoint(struct ho_work *w, struct ho_report *rep)
{
	struct ho_range *r = (struct ho_range *)w->base;
	struct ho_sbuf sb;
	uint64_t i;
	int err;

	/* ranges mostly come in address order: sort only when they do not */
	for (i = 1; i < w->nranges && !range_less(&r[i], &r[i - 1]); i++)
		;
	if (i < w->nranges)
		sort_work_ranges(w);
	for (i = 1; i < w->nranges; i++) {
		if (r[i].addr - r[i - 1].addr >= r[i - 1].size)
			continue;
		err = r[i].addr == r[i - 1].addr ? HO_ERR_RANGE_SHARED :
		      HO_ERR_RANGE_OVERLAP;
		ho_fail_val(rep, err, "preserved", 0, -1, "range", r[i].addr);
		if (rep) {
			ho_sb_init(&sb, rep->detail, sizeof(rep->detail));
			ho_sb_puts(&sb, "range ");
			ho_sb_hex(&sb, r[i].addr);
			ho_sb_puts(&sb, "+");
			ho_sb_hex(&sb, r[i].size);
			ho_sb_puts(&sb, " meets ");
			ho_sb_hex(&sb, r[i - 1].addr);
			ho_sb_puts(&sb, "+");
			ho_sb_hex(&sb, r[i - 1].size);
		}
		return err;
	}
	return HO_OK;
}

bool ho_work_hits(const struct ho_work *w, uint64_t addr, uint64_t size,
		  struct ho_range *hit)
{
	const struct ho_range *r = (const struct ho_range *)w->base;
	uint64_t lo = 0, hi = w->nranges, mid;

	if (!size)
		return false;
	/* first range starting at or after addr */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < w->nranges && r[lo].addr - addr < size) {
		*hit = r[lo];
		return true;
	}
	if (lo && addr - r[lo - 1].addr < r[lo - 1].size) {
		*hit = r[lo - 1];
		return true;
	}
	return false;
}

uint32_t ho_max_folio_order(const struct ho_env *env)
{
	return env->max_folio_order ? env->max_folio_order :
	       HO_FOLIO_MAX_ORDER;
}

int ho_check_alone(enum ho_blob blob, const void *fdt, uint64_t size,
		   const struct ho_env *env, struct ho_report *rep)
{
	uint64_t stack[HO_WORK_STACK / 8];
	struct ho_work w;
	int err;

	err = ho_work_begin(&w, &env, stack, sizeof(stack), rep);
	if (err)
		return err;
	/* a switch, not a function pointer: -fpic builds have no GOT */
	switch (blob) {
	case HO_BLOB_KHO:
		err = ho_kho_check_at(fdt, size, env, &w, rep);
		break;
	case HO_BLOB_LUO:
		err = ho_luo_check_at(fdt, size, env, &w, "luo", rep);
		break;
	default:
		err = ho_memfd_check_at(fdt, size, env, &w, "memfd", rep);
		break;
	}
	if (!err)
		err = ho_work_disjoint(&w, rep);
	return err;
}
