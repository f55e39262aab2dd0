// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scratch table: check, normalize, and check kexec segments against it.
 *
 * The receiving kernel memblock_add()s every entry and then allocates only
 * from scratch, without checking anything (kho_populate), so every rule of
 * docs/handover-format.md is enforced here: non-empty, 16-byte entries, page
 * aligned, non-zero, no wrap-around, no overlaps, inside usable RAM.
 * Overlap is checked in linear time for a sorted table (the usual case) and
 * by sorting a copy in the work buffer otherwise (O(n log n), at most
 * HO_SCRATCH_MAX entries); nothing here allocates.
 *
 * Linux itself writes entries of size 0 (a per-node area of size 0, e.g.
 * kho_scratch=16M,64M,0); they are harmless to the receiving kernel but
 * break the contract's "size > 0". ho_scratch_check() reports them
 * (HO_ERR_SCRATCH_ZERO); ho_scratch_normalize() drops them, so a stage that
 * normalizes before checking accepts the kernel's own tables.
 */
#include "internal.h"

static const char where_scratch[] = "scratch";

static struct ho_scratch entry(const void *table, uint64_t i)
{
	struct ho_scratch s;

	ho_memcpy(&s, (const uint8_t *)table + i * sizeof(s), sizeof(s));
	return s;
}

static int fail_entry(struct ho_report *rep, int err, uint64_t i,
		      uint64_t val)
{
	struct ho_sbuf sb;
	int ret;

	ret = ho_fail_val(rep, err, where_scratch, 0, -1, "entry", val);
	if (rep) {
		ho_sb_init(&sb, rep->path, sizeof(rep->path));
		ho_sb_puts(&sb, "scratch[");
		ho_sb_dec(&sb, i);
		ho_sb_puts(&sb, "]");
	}
	return ret;
}

static int check_entry(struct ho_scratch s, uint64_t i,
		       const struct ho_memmap *mm, bool allow_zero,
		       uint64_t page_size, struct ho_report *rep)
{
	if (!s.size)
		return allow_zero ? HO_OK :
		       fail_entry(rep, HO_ERR_SCRATCH_ZERO, i, s.addr);
	if ((s.addr | s.size) & (page_size - 1))
		return fail_entry(rep, HO_ERR_SCRATCH_UNALIGNED, i, s.addr);
	if (!ho_range_ok(s.addr, s.size))
		return fail_entry(rep, HO_ERR_SCRATCH_OVERFLOW, i, s.addr);
	if (mm && !ho_mem_usable(mm, s.addr, s.size))
		return fail_entry(rep, HO_ERR_SCRATCH_OUTSIDE_RAM, i, s.addr);
	return HO_OK;
}

/* Non-empty entries in address order? (Empty ones never overlap.) */
static bool sorted(const void *table, uint64_t n)
{
	struct ho_scratch s;
	uint64_t i, last = 0;

	for (i = 0; i < n; i++) {
		s = entry(table, i);
		if (!s.size)
			continue;
		if (s.addr < last)
			return false;
		last = s.addr;
	}
	return true;
}

struct skey {
	uint64_t addr, size, index;
};

static int skey_cmp(const void *a, const void *b, const void *ctx)
{
	const struct skey *x = a, *y = b;

	(void)ctx;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Unsorted table: sort a copy in the work buffer, O(n log n). */
static int overlaps_sorting(const void *table, uint64_t n, struct ho_work *w,
			    struct ho_report *rep)
{
	uint64_t top = w->top, m = 0, i;
	struct ho_scratch s;
	struct skey *k;

	k = ho_work_take(w, n, sizeof(*k), where_scratch, rep);
	if (!k)
		return HO_ERR_WORK_SPACE;
	for (i = 0; i < n; i++) {
		s = entry(table, i);
		if (s.size)
			k[m++] = (struct skey){ s.addr, s.size, i };
	}
	ho_sort(k, m, sizeof(*k), skey_cmp, 0);
	for (i = 1; i < m; i++)
		if (k[i].addr - k[i - 1].addr < k[i - 1].size)
			return fail_entry(rep, HO_ERR_SCRATCH_OVERLAP,
					  k[i].index > k[i - 1].index ?
					  k[i].index : k[i - 1].index,
					  k[i].index > k[i - 1].index ?
					  k[i].addr : k[i - 1].addr);
	ho_work_put(w, top);
	return HO_OK;
}

/* Entries are known not to wrap; empty ones are skipped. */
static int check_overlaps(const void *table, uint64_t n, struct ho_work *w,
			  struct ho_report *rep)
{
	struct ho_scratch a = { 0, 0 }, b;
	uint64_t i;

	if (!sorted(table, n))
		return overlaps_sorting(table, n, w, rep);
	for (i = 0; i < n; i++) {
		b = entry(table, i);
		if (!b.size)
			continue;
		if (a.size && a.addr + a.size > b.addr)
			return fail_entry(rep, HO_ERR_SCRATCH_OVERLAP, i,
					  b.addr);
		a = b;
	}
	return HO_OK;
}

static int scratch_check(const void *table, uint64_t size,
			 const struct ho_memmap *memmap, bool allow_zero,
			 struct ho_work *w, struct ho_report *rep)
{
	uint64_t n = size / sizeof(struct ho_scratch), i;
	int err;

	if (!size)
		return ho_fail_at(rep, HO_ERR_SCRATCH_EMPTY, where_scratch, 0,
				  -1, "scratch_size");
	if (size % sizeof(struct ho_scratch))
		return ho_fail_val(rep, HO_ERR_SCRATCH_SIZE, where_scratch, 0,
				   -1, "scratch_size", size);
	if (n > HO_SCRATCH_MAX)
		return ho_fail_val(rep, HO_ERR_TOO_MANY_SCRATCH, where_scratch,
				   0, -1, "entries", n);
	if (!table)
		return ho_fail_at(rep, HO_ERR_INVAL, where_scratch, 0, -1,
				  "NULL");
	for (i = 0; i < n; i++) {
		err = check_entry(entry(table, i), i, memmap, allow_zero,
				  w->page_size, rep);
		if (err)
			return err;
	}
	return check_overlaps(table, n, w, rep);
}

int ho_scratch_check_at(const void *table, uint64_t size,
			const struct ho_memmap *memmap, struct ho_work *w,
			struct ho_report *rep)
{
	return scratch_check(table, size, memmap, false, w, rep);
}

static const struct ho_env no_env;

int ho_scratch_check_env(const void *table, uint64_t size,
			 const struct ho_env *env, struct ho_report *rep)
{
	uint64_t stack[HO_WORK_STACK / 8];
	struct ho_work w;
	int err;

	err = ho_work_begin(&w, &env, stack, sizeof(stack), rep);
	return err ? err : scratch_check(table, size, env->memmap, false, &w,
					 rep);
}

int ho_scratch_check(const void *table, uint64_t size,
		     const struct ho_memmap *memmap, struct ho_report *rep)
{
	struct ho_env env = { .memmap = memmap };

	return ho_scratch_check_env(table, size, &env, rep);
}

static int entry_cmp(const void *a, const void *b, const void *ctx)
{
	uint64_t x = ho_get_u64(a), y = ho_get_u64(b);

	(void)ctx;
	return x < y ? -1 : x > y;
}

/* Drop empty entries in place; returns the new count. */
static uint64_t drop_empty(uint8_t *t, uint64_t n)
{
	struct ho_scratch s;
	uint64_t i, out = 0;

	for (i = 0; i < n; i++) {
		s = entry(t, i);
		if (s.size)
			ho_memcpy(t + out++ * sizeof(s), &s, sizeof(s));
	}
	return out;
}

int ho_scratch_normalize(void *table, uint64_t *size, struct ho_report *rep)
{
	uint64_t stack[HO_WORK_STACK / 8];
	uint8_t *t = table;
	struct ho_scratch a, b;
	struct ho_work w;
	uint64_t n, i, out;
	int err;

	ho_report_clear(rep);
	ho_work_init(&w, &no_env, stack, sizeof(stack), rep);
	err = scratch_check(table, *size, 0, true, &w, rep);
	if (err)
		return err;
	n = drop_empty(t, *size / sizeof(a));
	if (!n)
		return ho_fail_at(rep, HO_ERR_SCRATCH_EMPTY, where_scratch, 0,
				  -1, "only empty entries");
	ho_sort(t, n, sizeof(a), entry_cmp, 0);
	for (out = 0, i = 1; i < n; i++) {
		a = entry(t, out);
		b = entry(t, i);
		if (a.addr + a.size == b.addr) {
			a.size += b.size;
			ho_memcpy(t + out * sizeof(a), &a, sizeof(a));
		} else {
			ho_memcpy(t + ++out * sizeof(a), &b, sizeof(b));
		}
	}
	*size = (out + 1) * sizeof(a);
	return HO_OK;
}

/*
 * Is [addr, end) covered by the union of scratch entries? The entries are
 * pairwise disjoint, so the range is covered exactly when the lengths of
 * its intersections with them add up to its length: O(n) per segment.
 */
static bool covered(const void *table, uint64_t n, uint64_t addr,
		    uint64_t end)
{
	struct ho_scratch s;
	uint64_t i, lo, hi, sum = 0;

	for (i = 0; i < n; i++) {
		s = entry(table, i);
		if (!s.size)
			continue;
		lo = s.addr > addr ? s.addr : addr;
		hi = s.addr + s.size < s.addr ? end :
		     (s.addr + s.size < end ? s.addr + s.size : end);
		if (lo < hi)
			sum += hi - lo;
	}
	return sum >= end - addr;
}

int ho_segments_check_at(const struct ho_segment *seg, uint32_t nseg,
			 const void *scratch, uint64_t scratch_size,
			 struct ho_report *rep)
{
	uint64_t n = scratch_size / sizeof(struct ho_scratch);
	struct ho_sbuf sb;
	uint32_t i;
	int err = HO_OK;

	for (i = 0; i < nseg && !err; i++) {
		if (!seg[i].memsz)
			continue;
		if (!ho_range_ok(seg[i].mem, seg[i].memsz))
			err = HO_ERR_SEGMENT_OVERFLOW;
		else if (!scratch ||
			 !covered(scratch, n, seg[i].mem,
				  seg[i].mem + seg[i].memsz))
			err = HO_ERR_SEGMENT_OUTSIDE_SCRATCH;
	}
	if (!err)
		return HO_OK;
	ho_fail_val(rep, err, "segment", 0, -1, "mem", seg[i - 1].mem);
	if (rep) {
		ho_sb_init(&sb, rep->path, sizeof(rep->path));
		ho_sb_puts(&sb, "segment[");
		ho_sb_dec(&sb, i - 1);
		ho_sb_puts(&sb, "]");
	}
	return err;
}

int ho_segments_check(const struct ho_segment *seg, uint32_t nseg,
		      const void *scratch, uint64_t scratch_size,
		      struct ho_report *rep)
{
	uint64_t stack[HO_WORK_STACK / 8];
	struct ho_work w;
	int err = HO_OK;

	ho_report_clear(rep);
	ho_work_init(&w, &no_env, stack, sizeof(stack), rep);
	/* covered() needs disjoint entries */
	if (scratch && scratch_size / sizeof(struct ho_scratch) > HO_SCRATCH_MAX)
		return ho_fail_val(rep, HO_ERR_TOO_MANY_SCRATCH, where_scratch,
				   0, -1, "entries",
				   scratch_size / sizeof(struct ho_scratch));
	if (scratch)
		err = check_overlaps(scratch,
				     scratch_size / sizeof(struct ho_scratch),
				     &w, rep);
	return err ? err : ho_segments_check_at(seg, nseg, scratch,
						scratch_size, rep);
}
