// SPDX-License-Identifier: GPL-2.0-only
/*
 * Upstream LUO's handover ("luo-v5", Linux 7.3) and its memfd handler's data
 * ("memfd-v2"), as the receiving kernel reads them.
 *
 * The layouts are the pinned kernel's own: include/linux/kho/abi/luo.h,
 * memfd.h, block.h and kexec_handover.h are compiled here (outside the
 * kernel through the type shim in kabi/), nothing is restated. Only sizes that
 * depend on PAGE_SIZE (a kho_block, a kho_vmalloc_chunk) are recomputed
 * from the receiving kernel's page size.
 *
 * kho.c hands over the KHO subtree named LUO_KHO_ENTRY_NAME ("LUO"); from
 * there, with the kernel function each rule mirrors:
 *
 * - struct luo_ser: blob-size >= sizeof, compatible "luo-v5" (strncmp over
 *   LUO_ABI_COMPAT_LEN), the blob preserved (luo_early_startup(),
 *   kho_restore_free());
 * - sessions_pa and each session's files: a kho_block chain
 *   (kho_block_set_restore()): page aligned preserved pages, no loop
 *   (kho_block_set_is_cyclic()), at most KHO_MAX_BLOCKS blocks
 *   (kho_block_add()), each count in 1..count_per_block;
 * - session names NUL-terminated, non-empty (luo_session_create()) and
 *   unique (luo_session_insert() -EEXIST); the file count of a session
 *   equals its blocks' entries (luo_file_deserialize()), and is 0 without
 *   blocks (its WARN_ON);
 * - file entries: compatible NUL-terminated and non-empty (strcmp() in
 *   luo_file_deserialize_one()), tokens unique per session (the kernel's
 *   preserve rule, luo_token_is_used(): a second file with a token can never
 *   be retrieved); compatible MEMFD_LUO_FH_COMPATIBLE is followed;
 * - FLBs (luo_flb_setup_incoming(), luo_flb_retrieve_one()): flbs_pa 0 or a
 *   preserved block of pgcnt pages holding count entries, names
 *   NUL-terminated, non-empty and unique (first match wins), reference
 *   count 1..INT_MAX (refcount_set());
 * - memfd-v2 (memfd_luo_retrieve(), memfd_luo_retrieve_folios(),
 *   kho_restore_vmalloc()): struct memfd_luo_ser a preserved page, seals
 *   within MEMFD_LUO_ALL_SEALS, flags 0 (the ABI's "must be 0"), pos within
 *   MAX_LFS_FILESIZE (vfs_setpos()), at most UINT_MAX pages
 *   (memfd_luo_preserve()); the folio table a kho_vmalloc area walked by
 *   the library's one kho_restore_vmalloc() walk (kho_vmalloc.c: flags,
 *   order, chunks, pieces, total_pages), nr_folios entries fitting in
 *   it; each folio with
 *   pfn != 0 (0 is skipped) preserved as a head (its order from KHO's tree,
 *   kho_restore_folio()), of known flags, index aligned to its size and
 *   inside the file (shmem_add_to_page_cache()), sorted by index without
 *   overlap (-EEXIST from the page cache; the kernel's writer sorts).
 *
 * Every block, page, chunk and folio goes into the work buffer's preserved
 * ranges (disjoint from everything else, ho_work_disjoint()) and is proven
 * preserved in KHO's radix tree (kho_radix.c). Cost: one pass over each
 * chain, one sort of the session names and one of each session's tokens:
 * O(n log n), n bounded by KHO_MAX_BLOCKS blocks per chain. Work buffer: 16
 * bytes per session plus 16 per file of the largest session, on top of the
 * preserved ranges.
 */
#include "internal.h"

#ifdef __KERNEL__
#include <linux/fcntl.h>
#include <linux/kho/abi/luo.h>
#include <linux/kho/abi/memfd.h>
#else
#include <uapi/linux/fcntl.h>
#include <linux/kho/abi/luo.h>
#include <linux/kho/abi/memfd.h>
#endif

_Static_assert(sizeof(HO_LUO_V5_ENTRY) == sizeof(LUO_KHO_ENTRY_NAME) &&
	       sizeof(HO_LUO_V5_COMPATIBLE) == sizeof(LUO_ABI_COMPATIBLE) &&
	       sizeof(HO_MEMFD_V2_COMPATIBLE) ==
	       sizeof(MEMFD_LUO_FH_COMPATIBLE),
	       "ho/check.h names the kernel's strings");
_Static_assert(sizeof(struct memfd_luo_folio_ser) == 16,
	       "memfd folio entries do not straddle pages");

/* kernel/liveupdate/kho_block.c */
#define KHO_MAX_BLOCKS		HO_LUO_V5_MAX_BLOCKS
/* include/linux/fs.h MAX_LFS_FILESIZE (64-bit) */
#define HO_MAX_LFS_FILESIZE	0x7fffffffffffffffull

static const char where_v5[] = "luo-v5";

struct v5 {
	const struct ho_env *env;
	struct ho_work *w;
	struct ho_report *rep;
	char where[64];
};

/* where = "luo-v5:<what>[<a>]" (+ "[<b>]" when b >= 0) */
static const char *at(struct v5 *c, const char *what, uint64_t a, int64_t b)
{
	struct ho_sbuf sb;

	ho_sb_init(&sb, c->where, sizeof(c->where));
	ho_sb_puts(&sb, where_v5);
	ho_sb_puts(&sb, ":");
	ho_sb_puts(&sb, what);
	ho_sb_puts(&sb, "[");
	ho_sb_dec(&sb, a);
	ho_sb_puts(&sb, "]");
	if (b >= 0) {
		ho_sb_puts(&sb, "[");
		ho_sb_dec(&sb, (uint64_t)b);
		ho_sb_puts(&sb, "]");
	}
	return c->where;
}

static int fail(struct v5 *c, int err, const char *where, const char *what,
		uint64_t val)
{
	return ho_fail_val(c->rep, err, where, 0, -1, what, val);
}

/* ho_preserved_map() with luo-v5's code for an unaligned pointer */
static const void *object(struct v5 *c, uint64_t phys, uint64_t bytes,
			  uint64_t rec, int64_t order, const char *where,
			  const char *what, int *err)
{
	return ho_preserved_map(c->env, c->w, phys, bytes, rec, order,
				HO_ERR_V5_UNALIGNED, where, what, c->rep, err);
}

/* A fixed-size name: NUL-terminated (strscpy/strcmp), not empty. */
static int name_ok(struct v5 *c, const char *s, uint64_t len,
		   const char *where, const char *what)
{
	uint64_t n = ho_strnlen(s, len);

	if (n == len)
		return fail(c, HO_ERR_NAME_NO_NUL, where, what, len);
	if (!n)
		return fail(c, HO_ERR_NAME_EMPTY, where, what, 0);
	return HO_OK;
}

/* kho_block chains (kho_block_set_restore()) */

/* The header of the block at pa, checked as a kernel-allocated page. */
static int block_hdr(struct v5 *c, uint64_t pa, struct kho_block_header_ser *h,
		     const char *where)
{
	const struct ho_memmap *mm = c->env->memmap;
	const void *p;

	if (pa & (c->w->page_size - 1))
		return fail(c, HO_ERR_V5_UNALIGNED, where, "block", pa);
	if (mm && !ho_mem_usable(mm, pa, c->w->page_size))
		return fail(c, HO_ERR_ADDR_OUTSIDE_RAM, where, "block", pa);
	p = ho_phys_map(c->env->phys, pa, sizeof(*h));
	if (!p)
		return fail(c, HO_ERR_ADDR_UNMAPPED, where, "block", pa);
	ho_memcpy(h, p, sizeof(*h));
	return HO_OK;
}

/*
 * kho_block_set_is_cyclic() (Floyd) and kho_block_add()'s KHO_MAX_BLOCKS:
 * the chain at head ends; in *n the entries its blocks can hold (each
 * count capped at per_block entries of entry bytes; chain_next() checks
 * the counts). O(blocks) header reads.
 */
static int chain_len(struct v5 *c, uint64_t head, uint64_t entry,
		     uint64_t *n, const char *where)
{
	uint64_t per = (c->w->page_size - 16) / entry;
	uint64_t slow = head, fast = head, steps = 0, blocks = 0;
	struct kho_block_header_ser h;
	int err;

	*n = 0;
	for (;;) {
		err = block_hdr(c, fast, &h, where);
		if (err)
			return err;
		if (++blocks > KHO_MAX_BLOCKS)
			return fail(c, HO_ERR_TOO_MANY_BLOCKS, where, "limit",
				    KHO_MAX_BLOCKS);
		*n += h.count < per ? h.count : per;
		if (!h.next)
			return HO_OK;
		fast = h.next;
		if (++steps % 2)
			continue;
		err = block_hdr(c, slow, &h, where);
		if (err)
			return err;
		slow = h.next;
		if (slow == fast)
			return fail(c, HO_ERR_BLOCK_LOOP, where, "block", fast);
	}
}

struct chain {
	uint64_t next;		/* next block, 0: none */
	uint64_t per_block;	/* (KHO_BLOCK_SIZE - header) / entry size */
	uint64_t entry;		/* entry size */
	uint64_t block;		/* current block's address */
	uint64_t count, i;	/* entries in the current block, read */
	uint64_t nblocks;
	const uint8_t *p;	/* current block */
};

static void chain_init(struct v5 *c, struct chain *ch, uint64_t head,
		       uint64_t entry)
{
	*ch = (struct chain){ .next = head, .entry = entry };
	ch->per_block = (c->w->page_size -
			 sizeof(struct kho_block_header_ser)) / entry;
}

/*
 * The next entry (kho_block_set_it_read_entry()), its address in *pa;
 * NULL at the end (*err 0) or on error. Each block: a preserved page
 * (kho_restore_free()), count in 1..per_block.
 */
static const void *chain_next(struct v5 *c, struct chain *ch, uint64_t *pa,
			      const char *where, int *err)
{
	struct kho_block_header_ser h;

	*err = HO_OK;
	while (ch->i == ch->count) {
		if (!ch->next)
			return 0;
		ch->block = ch->next;
		ch->p = object(c, ch->block, c->w->page_size, c->w->page_size,
			       -1, where, "block", err);
		if (!ch->p)
			return 0;
		ho_memcpy(&h, ch->p, sizeof(h));
		if (!h.count || h.count > ch->per_block) {
			*err = fail(c, HO_ERR_BLOCK_COUNT, where, "count",
				    h.count);
			return 0;
		}
		ch->count = h.count;
		ch->next = h.next;
		ch->i = 0;
		ch->nblocks++;
	}
	*pa = ch->block + sizeof(h) + ch->i * ch->entry;
	return ch->p + sizeof(h) + ch->i++ * ch->entry;
}

/* memfd-v2 */

/* prev, end: the previous folio's first index and the index after it */
static int check_folio(struct v5 *c, const struct memfd_luo_folio_ser *f,
		       uint64_t i, uint64_t pages, uint64_t *prev,
		       uint64_t *end, const char *where)
{
	uint64_t ps = c->w->page_size, phys, n;
	uint32_t order = 0;
	int err;

	if (!f->pfn)
		return HO_OK;	/* memfd_luo_retrieve_folios() skips it */
	if (f->flags & ~(uint64_t)(MEMFD_LUO_FOLIO_DIRTY |
				   MEMFD_LUO_FOLIO_UPTODATE))
		return fail(c, HO_ERR_FOLIO_FLAGS, where, "folio", i);
	phys = (uint64_t)f->pfn * ps;
	if (phys / ps != f->pfn)
		return fail(c, HO_ERR_ADDR_OVERFLOW, where, "folio", i);
	if (c->w->radix_root) {
		err = ho_radix_head_order(c->env, c->w, phys, &order, where,
					  c->rep);
		if (err)
			return err;
	}
	if (order > ho_max_folio_order(c->env))
		return fail(c, HO_ERR_FOLIO_ORDER, where, "folio", i);
	n = 1ull << order;
	if (f->index & (n - 1))
		return fail(c, HO_ERR_FOLIO_INDEX_UNALIGNED, where, "folio", i);
	if (f->index >= pages)
		return fail(c, HO_ERR_FOLIO_BEYOND_SIZE, where, "folio", i);
	if (*end && f->index < *end)
		return fail(c, f->index < *prev ? HO_ERR_FOLIO_UNSORTED :
			    HO_ERR_FOLIO_OVERLAP, where, "folio", i);
	*prev = f->index;
	*end = f->index + n;
	err = ho_check_addr(c->env->memmap, phys, ps << order, where, 0, -1,
			    "folio", c->rep);
	if (!err)
		err = ho_work_add(c->w, phys, ps << order, where, c->rep);
	return err;
}

/* The table: a kho_vmalloc area (kho_vmalloc.c) of 16-byte entries. */
static int check_folios(struct v5 *c, const struct memfd_luo_ser *m,
			const struct kho_vmalloc *vm, uint64_t pages,
			const char *where)
{
	struct ho_vmalloc hv = { vm->first.phys, vm->total_pages, vm->flags,
				 vm->order };
	uint64_t per = c->w->page_size / sizeof(struct memfd_luo_folio_ser);
	struct memfd_luo_folio_ser f;
	uint64_t prev = 0, end = 0, i;
	struct ho_vwalk v;
	int err;

	if (!m->nr_folios)
		return HO_OK;
	err = ho_vmalloc_begin(&v, &hv, HO_ERR_V5_UNALIGNED, c->env, c->w,
			       where, c->rep);
	if (err)
		return err;
	if (m->nr_folios > (uint64_t)vm->total_pages * per)
		return fail(c, HO_ERR_VMALLOC_TOO_SMALL, where, "nr_folios",
			    m->nr_folios);
	for (i = 0; i < m->nr_folios; i++) {
		err = ho_vmalloc_read(&v, &f, sizeof(f));
		if (!err)
			err = check_folio(c, &f, i, pages, &prev, &end, where);
		if (err)
			return err;
	}
	return ho_vmalloc_end(&v);
}

/* memfd_luo_retrieve() of the file's data */
static int check_memfd(struct v5 *c, uint64_t data, const char *where)
{
	struct memfd_luo_ser m;
	struct kho_vmalloc vm;
	uint64_t ps = c->w->page_size, pages;
	const void *p;
	int err;

	p = object(c, data, sizeof(m), ps, -1, where, "memfd", &err);
	if (!p)
		return err;
	ho_memcpy(&m, p, sizeof(m));
	if (m.seals & ~(uint32_t)MEMFD_LUO_ALL_SEALS)
		return fail(c, HO_ERR_MEMFD_SEALS, where, "seals", m.seals);
	if (m.flags)
		return fail(c, HO_ERR_MEMFD_FLAGS, where, "flags", m.flags);
	if (m.pos > HO_MAX_LFS_FILESIZE)
		return fail(c, HO_ERR_MEMFD_POS, where, "pos", m.pos);
	pages = m.size / ps + !!(m.size % ps);
	if (pages > UINT32_MAX)
		return fail(c, HO_ERR_MEMFD_PAGES, where, "size", m.size);
	/* a packed member: copied, not pointed to */
	ho_memcpy(&vm, (const uint8_t *)p +
		  __builtin_offsetof(struct memfd_luo_ser, folios), sizeof(vm));
	return check_folios(c, &m, &vm, pages, where);
}

/* sessions and files */

struct key {
	uint64_t a, b;	/* token or name address, ordinal */
};

static int key_cmp(const void *x, const void *y, const void *ctx)
{
	const struct key *p = x, *q = y;

	(void)ctx;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

/* A session name as strncmp() sees it: nothing after the NUL. */
static void name_load(const struct ho_phys *phys, uint64_t pa, char *a,
		      uint64_t len)
{
	uint64_t n;

	ho_memcpy(a, ho_phys_map(phys, pa, len), len);
	n = ho_strnlen(a, len);
	ho_memset(a + n, 0, len - n);
}

/* Session names by their bytes, read through phys each time. */
static int name_cmp(const void *x, const void *y, const void *ctx)
{
	char a[LIVEUPDATE_SESSION_NAME_LENGTH], b[sizeof(a)];
	const struct key *p = x, *q = y;
	int r;

	name_load(ctx, p->a, a, sizeof(a));
	name_load(ctx, q->a, b, sizeof(b));
	r = ho_memcmp(a, b, sizeof(a));
	if (r)
		return r;
	return p->b < q->b ? -1 : p->b > q->b;
}

static int check_files(struct v5 *c, const struct luo_file_set_ser *fs,
		       uint64_t s)
{
	uint64_t top = c->w->top, n, i = 0, pa;
	const struct luo_file_ser *f;
	char where[64];
	struct chain ch;
	struct key *k;
	int err;

	ho_memcpy(where, at(c, "session", s, -1), sizeof(where));
	if (!fs->files) {
		if (fs->count)
			return fail(c, HO_ERR_FILE_COUNT, where, "count",
				    fs->count);
		return HO_OK;
	}
	err = chain_len(c, fs->files, sizeof(*f), &n, where);
	if (err)
		return err;
	k = ho_work_take(c->w, n, sizeof(*k), where, c->rep);
	if (!k)
		return HO_ERR_WORK_SPACE;
	chain_init(c, &ch, fs->files, sizeof(*f));
	while ((f = chain_next(c, &ch, &pa, where, &err))) {
		at(c, "session", s, (int64_t)i);
		err = name_ok(c, f->compatible, sizeof(f->compatible),
			      c->where, "compatible");
		if (!err && !ho_strcmp(f->compatible, MEMFD_LUO_FH_COMPATIBLE))
			err = check_memfd(c, f->data, c->where);
		if (err)
			return err;
		k[i] = (struct key){ f->token, i };
		i++;
	}
	if (err)
		return err;
	if (i != fs->count)
		return fail(c, HO_ERR_FILE_COUNT, where, "count", fs->count);
	ho_sort(k, i, sizeof(*k), key_cmp, 0);
	for (n = 1; n < i; n++)
		if (k[n].a == k[n - 1].a)
			return fail(c, HO_ERR_DUP_TOKEN,
				    at(c, "session", s, (int64_t)k[n].b),
				    "token", k[n].a);
	ho_work_put(c->w, top);
	return HO_OK;
}

static int check_sessions(struct v5 *c, uint64_t head)
{
	uint64_t top = c->w->top, n, i = 0, pa;
	const struct luo_session_ser *s;
	struct luo_session_ser ss;
	const char *where = "luo-v5:sessions";
	struct chain ch;
	struct key *k;
	int err;

	if (!head)
		return HO_OK;	/* luo_session_setup_incoming() */
	err = chain_len(c, head, sizeof(*s), &n, where);
	if (err)
		return err;
	k = ho_work_take(c->w, n, sizeof(*k), where, c->rep);
	if (!k)
		return HO_ERR_WORK_SPACE;
	chain_init(c, &ch, head, sizeof(*s));
	while ((s = chain_next(c, &ch, &pa, where, &err))) {
		ho_memcpy(&ss, s, sizeof(ss));
		err = name_ok(c, ss.name, sizeof(ss.name),
			      at(c, "session", i, -1), "name");
		if (!err)
			err = check_files(c, &ss.file_set_ser, i);
		if (err)
			return err;
		k[i] = (struct key){ pa, i };
		i++;
	}
	if (err)
		return err;
	ho_sort(k, i, sizeof(*k), name_cmp, c->env->phys);
	for (n = 1; n < i; n++)
		if (!name_cmp(&(struct key){ k[n].a, 0 },
			      &(struct key){ k[n - 1].a, 0 }, c->env->phys))
			return fail(c, HO_ERR_DUP_SESSION_NAME,
				    at(c, "session", k[n].b, -1), "name",
				    k[n].b);
	ho_work_put(c->w, top);
	return HO_OK;
}

/* luo_flb_setup_incoming(), luo_flb_retrieve_one() */
static int check_flbs(struct v5 *c, uint64_t pa)
{
	const struct luo_flb_header_ser *h;
	const struct luo_flb_ser *e;
	struct luo_flb_header_ser hd;
	uint64_t ps = c->w->page_size, max, i, j;
	const char *where = "luo-v5:flbs";
	int err;

	if (!pa)
		return HO_OK;
	h = object(c, pa, sizeof(*h), ps, -1, where, "flbs_pa", &err);
	if (!h)
		return err;
	ho_memcpy(&hd, h, sizeof(hd));
	if (!hd.pgcnt || hd.pgcnt > (1ull << ho_max_folio_order(c->env)))
		return fail(c, HO_ERR_FLB_HEADER, where, "pgcnt", hd.pgcnt);
	max = (hd.pgcnt * ps - sizeof(hd)) / sizeof(*e);
	if (hd.count > max)
		return fail(c, HO_ERR_FLB_HEADER, where, "count", hd.count);
	/* the whole block: pgcnt pages preserved as one allocation */
	if (hd.pgcnt > 1) {
		err = ho_check_addr(c->env->memmap, pa, hd.pgcnt * ps, where,
				    0, -1, "flbs_pa", c->rep);
		if (!err)
			err = ho_work_add(c->w, pa + ps, (hd.pgcnt - 1) * ps,
					  where, c->rep);
		if (!err)
			err = ho_radix_prove(c->env, c->w, pa, -1,
					     hd.pgcnt * ps, where, c->rep);
		if (err)
			return err;
	}
	e = ho_phys_map(c->env->phys, pa + sizeof(hd), hd.count * sizeof(*e));
	if (hd.count && !e)
		return fail(c, HO_ERR_ADDR_UNMAPPED, where, "flbs_pa", pa);
	/* at most max (63 with 4 KiB pages) entries: quadratic is bounded */
	for (i = 0; i < hd.count; i++) {
		err = name_ok(c, e[i].name, sizeof(e[i].name),
			      at(c, "flb", i, -1), "name");
		if (err)
			return err;
		if (!e[i].count || e[i].count > 0x7fffffff)
			return fail(c, HO_ERR_FLB_COUNT, c->where, "count",
				    e[i].count);
		for (j = 0; j < i; j++)
			if (!ho_strcmp(e[i].name, e[j].name))
				return fail(c, HO_ERR_DUP_FLB, c->where,
					    "name", j);
	}
	return HO_OK;
}

int ho_luo_v5_check_at(uint64_t addr, uint64_t size, const struct ho_env *env,
		       struct ho_work *w, struct ho_report *rep)
{
	struct v5 c = { .env = env, .w = w, .rep = rep };
	const struct luo_ser *p;
	struct luo_ser s;
	int err;

	if (!env->phys)
		return HO_OK;
	/* luo_early_startup() */
	if (size < sizeof(s))
		return fail(&c, HO_ERR_LUO_SER_SIZE, where_v5, "blob-size",
			    size);
	/* kho_restore_free(luo_ser): a folio of at least size bytes */
	err = ho_radix_prove(env, w, addr, -1, size, where_v5, rep);
	if (err)
		return err;
	p = ho_phys_map(env->phys, addr, sizeof(s));
	if (!p)
		return fail(&c, HO_ERR_ADDR_UNMAPPED, where_v5, "luo_ser", addr);
	ho_memcpy(&s, p, sizeof(s));
	if (ho_memcmp(s.compatible, LUO_ABI_COMPATIBLE,
		      sizeof(LUO_ABI_COMPATIBLE)))
		return fail(&c, HO_ERR_BAD_COMPATIBLE, where_v5, "compatible",
			    addr);
	err = check_sessions(&c, s.sessions_pa);
	if (!err)
		err = check_flbs(&c, s.flbs_pa);
	return err;
}
