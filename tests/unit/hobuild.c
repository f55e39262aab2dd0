// SPDX-License-Identifier: GPL-2.0-only
/*
 * Handover builder (hobuild.h): a valid handover, or one with exactly one
 * defect, written with libfdt's sequential-write API. Host code (libc).
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "hobuild.h"
#include "ho/kho_radix.h"

#define HB_NAME_(n) #n,
const char *const hb_defect_names[] = { HB_DEFECTS(HB_NAME_) };
#undef HB_NAME_

#define RAM_LO		0x100000ull
#define RAM_SPLIT	0x20000000ull
#define RESV		0x80000000ull
#define RAM_HI		0x100000000ull
#define OTHER_BLOB	0x30001000ull
#define UNMAPPED_RAM	0x30002000ull
#define SCRATCH_BASE	0x01000000ull
#define SCRATCH_STEP	0x01000000ull
#define SCRATCH_SIZE	0x00800000ull

#define CK(x) do { if ((x) < 0) return -1; } while (0)

void hb_params_default(struct hb_params *p)
{
	p->nsessions = 3;
	p->nfiles = 6;
	p->nfolios = 4;
	p->nscratch = 4;
	p->shuffle_tokens = 0;
	p->shuffle_folios = 0;
	p->kho_space = HB_KHO_SPACE;
	p->luo_space = 16u << 10;
}

void *hb_ptr(struct hb *h, uint64_t phys)
{
	return h->arena + (phys - HB_ARENA_PHYS);
}

static uint64_t hb_alloc(struct hb *h, uint64_t size)
{
	uint64_t off = (h->used + 7) & ~7ull;

	if (off + size > HB_ARENA_SIZE)
		return 0;
	h->used = off + size;
	return HB_ARENA_PHYS + off;
}

/* Page-aligned, as kho_alloc_preserve() hands out. */
static uint64_t hb_alloc_page(struct hb *h, uint64_t size)
{
	h->used = (h->used + 4095) & ~4095ull;
	return hb_alloc(h, (size + 4095) & ~4095ull);
}

/*
 * A kho_alloc_preserve() block: a folio of 2^order pages holding size
 * bytes, aligned to its size.
 */
static uint64_t hb_alloc_block(struct hb *h, uint64_t size)
{
	uint64_t a = 4096;

	while (a < size)
		a <<= 1;
	h->used = (h->used + a - 1) & ~(a - 1);
	return hb_alloc(h, a);
}

static uint64_t radix_alloc(void *ctx)
{
	return hb_alloc_page(ctx, 4096);
}

static void *radix_map(void *ctx, uint64_t phys)
{
	return hb_ptr(ctx, phys);
}

int hb_preserve(struct hb *h, uint64_t phys, uint32_t order)
{
	struct ho_radix_geom g;

	ho_radix_geom_init(&g, 4096);
	/* no key can say it: the kernel never preserves such a folio */
	if (order > g.max_order || (phys & ((4096ull << order) - 1)))
		return 0;
	return ho_radix_insert(&g, h->radix_root, ho_radix_key(&g, phys, order),
			       radix_alloc, radix_map, h) ? -1 : 0;
}

int hb_unpreserve(struct hb *h, uint64_t phys, uint32_t order)
{
	struct ho_radix_geom g;
	uint64_t key, next, bit;
	uint8_t *p = hb_ptr(h, h->radix_root);
	uint32_t level;

	ho_radix_geom_init(&g, 4096);
	key = ho_radix_key(&g, phys, order);
	for (level = g.depth - 1; level; level--) {
		memcpy(&next, p + 8 * ho_radix_index(&g, key, level), 8);
		if (!next)
			return -1;
		p = hb_ptr(h, next);
	}
	bit = ho_radix_index(&g, key, 0);
	if (!(p[bit >> 3] & (1u << (bit & 7))))
		return -1;
	p[bit >> 3] &= (uint8_t)~(1u << (bit & 7));
	return 0;
}

/* get_order(): the kho_alloc_preserve() folio holding bytes. */
static uint32_t block_order(uint64_t bytes)
{
	uint32_t o = 0;

	while ((4096ull << o) < bytes)
		o++;
	return o;
}

static int prop_u64(void *fdt, const char *name, uint64_t v)
{
	return fdt_property(fdt, name, &v, sizeof(v));
}

static int prop_u32(void *fdt, const char *name, uint32_t v)
{
	return fdt_property(fdt, name, &v, sizeof(v));
}

static void hex(char *buf, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[20];
	int i = 0, j = 0;

	do {
		tmp[i++] = digits[v & 15];
		v >>= 4;
	} while (v);
	while (i)
		buf[j++] = tmp[--i];
	buf[j] = '\0';
}

static void set_be32(void *fdt, size_t off, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	memcpy((uint8_t *)fdt + off, &be, 4);
}

/* memfd-rfc-v2 */

/* File 0's folio count: more than the default for the table's own rows. */
static int file_folios(const struct hb *h, int file)
{
	if (file)
		return h->p.nfolios;
	switch (h->defect) {
	case HB_MEMFD_NO_FOLIOS:
		return 0;
	case HB_MEMFD_STRADDLE:
	case HB_MEMFD_STRADDLE_BAD:
	case HB_MEMFD_CHAIN_SHORT:
	case HB_MEMFD_TPAGE_UNALIGNED:
		return HB_STRADDLE_FOLIOS;
	case HB_MEMFD_TWO_CHUNKS:
	case HB_MEMFD_CHUNK_UNPRESERVED:
	case HB_MEMFD_CHUNK_UNALIGNED:
		return HB_TWO_CHUNK_FOLIOS;
	default:
		return h->p.nfolios;
	}
}

/* Where file 0's folios are when it has more than the others. */
static uint64_t folio_base(const struct hb *h, int file)
{
	return !file && file_folios(h, 0) > h->p.nfolios ?
	       HB_FOLIO_PHYS + 0x4000000ull : HB_FOLIO_PHYS;
}

uint64_t hb_table_addr(const struct hb *h, uint64_t off)
{
	uint64_t page = off / 4096;

	/* the area's pages lie in memory in reverse order */
	return h->tblk0 + (h->tpages0 - 1 - page) * 4096 + off % 4096;
}

void hb_folio_get(struct hb *h, uint64_t i, struct ho_memfd_folio *f)
{
	uint8_t *d = (uint8_t *)f;
	uint64_t k;

	for (k = 0; k < sizeof(*f); k++)
		d[k] = *(uint8_t *)hb_ptr(h, hb_table_addr(h, i * sizeof(*f) + k));
}

void hb_folio_set(struct hb *h, uint64_t i, const struct ho_memfd_folio *f)
{
	const uint8_t *s = (const uint8_t *)f;
	uint64_t k;

	for (k = 0; k < sizeof(*f); k++)
		*(uint8_t *)hb_ptr(h, hb_table_addr(h, i * sizeof(*f) + k)) = s[k];
}

static void folio_defects(struct hb *h, struct ho_memfd_folio *f, int n)
{
	switch (h->defect) {
	case HB_MEMFD_UNSORTED:
		f[1].index = 2 * 2;
		f[2].index = 2 * 1;
		break;
	case HB_MEMFD_OVERLAP:
		f[1].index = 1;
		f[1].order = 0;
		break;
	case HB_MEMFD_UNALIGNED:
		f[0].phys += 4096;
		break;
	case HB_MEMFD_ORDER:
		f[n - 1].order = 40;
		break;
	case HB_MEMFD_ORDER_11:
		f[n - 1].order = 11;
		break;
	case HB_MEMFD_FLAGS:
		f[0].flags = 8;
		break;
	case HB_MEMFD_FLAGS_HIGH:
		f[1].flags = 0x80000001u;
		break;
	case HB_MEMFD_INDEX_UNALIGNED:
		f[0].index = 1;
		break;
	case HB_MEMFD_INDEX_UNALIGNED_LAST:
		f[n - 1].index = 2 * (n - 1) + 1;
		break;
	case HB_MEMFD_INDEX_UNALIGNED_ORDER2:
		f[n - 1].order = 2;
		f[n - 1].phys = HB_FOLIO_PHYS + 0x100000;
		break;
	case HB_MEMFD_INDEX_WRAP:
		f[n - 1].index = ~0ull - 1;	/* + 2 wraps to 0 */
		break;
	case HB_MEMFD_INDEX_MAX:
		f[n - 1].order = 0;
		f[n - 1].index = ~0ull;
		break;
	case HB_MEMFD_FOLIO_PHYS_ZERO:
		f[0].phys = 0;
		break;
	case HB_MEMFD_STRADDLE_BAD:	/* its flags are in the next page */
		f[HB_STRADDLE_ENTRY].flags = 8;
		break;
	case HB_OVL_FOLIO_SAME:
		f[1].phys = f[0].phys;
		break;
	case HB_OVL_FOLIO_TABLE:
		f[0].order = 0;
		f[0].phys = h->table0;
		break;
	case HB_OVL_FOLIO_TABLE_PAGE:
		f[0].order = 0;
		f[0].phys = h->tpage0;
		break;
	case HB_OVL_FOLIO_LUO:
		f[0].order = 0;
		f[0].phys = h->luo_phys & ~4095ull;
		break;
	case HB_OVL_FOLIO_IN_SCRATCH:
		f[0].phys = 0x01000000ull + 2 * 0x01000000ull;
		break;
	default:
		break;
	}
}

/* The chain's own defects, on file 0's chunks (chunk[0..nchunks)). */
static int chain_defects(struct hb *h, uint64_t *chunk, uint64_t nchunks,
			 uint64_t npages)
{
	uint64_t *c0 = hb_ptr(h, chunk[0]), extra;

	switch (h->defect) {
	case HB_MEMFD_CHAIN_SHORT:	/* its last page not listed */
		c0[npages] = 0;
		break;
	case HB_MEMFD_CHAIN_EXTRA_PAGE:	/* one page more than total_pages */
		extra = hb_alloc_page(h, 4096);
		if (!extra)
			return -1;
		c0[1 + npages] = extra;
		CK(hb_preserve(h, extra, 0));
		break;
	case HB_MEMFD_CHAIN_EXTRA_CHUNK: /* an empty chunk after the last */
		extra = hb_alloc_page(h, 4096);
		if (!extra)
			return -1;
		c0[0] = extra;
		CK(hb_preserve(h, extra, 0));
		break;
	case HB_MEMFD_CHAIN_LOOP:
		c0[0] = chunk[0];
		break;
	case HB_MEMFD_TPAGE_UNALIGNED:
		c0[2] += 8;
		break;
	case HB_MEMFD_CHUNK_UNALIGNED:
		c0[0] += 8;
		break;
	case HB_MEMFD_CHUNK_UNPRESERVED:
		CK(hb_unpreserve(h, chunk[nchunks - 1], 0));
		break;
	case HB_MEMFD_TPAGE_UNPRESERVED:
		CK(hb_unpreserve(h, h->tpage0, 0));
		break;
	default:
		break;
	}
	return 0;
}

/*
 * The folio table as kho_preserve_vmalloc() leaves it: the entries in
 * memfd_rfc_table_pages() pages (here in reverse order in memory, so that
 * an entry straddling two is in two places), listed in chunks of
 * HB_CHUNK_PAGES, each page and chunk preserved at order 0; file 0's entries
 * get the row's defect (folio_defects()) once the layout is known. *table:
 * the first chunk.
 */
static int build_table(struct hb *h, int file, struct ho_memfd_folio *f,
		       int n, uint64_t *table)
{
	uint64_t bytes = (uint64_t)n * sizeof(*f);
	uint64_t npages = memfd_rfc_table_pages((uint64_t)n, 4096);
	uint64_t nchunks = npages / HB_CHUNK_PAGES + 1, chunk[8], blk, j, pa;
	uint64_t *c;

	if (nchunks > sizeof(chunk) / sizeof(*chunk))
		return -1;
	blk = hb_alloc_page(h, npages * 4096);
	if (!blk)
		return -1;
	for (j = 0; j < nchunks; j++) {
		chunk[j] = hb_alloc_page(h, 4096);
		if (!chunk[j])
			return -1;
		CK(hb_preserve(h, chunk[j], 0));
	}
	for (j = 0; j < nchunks; j++)
		*(uint64_t *)hb_ptr(h, chunk[j]) = j + 1 < nchunks ?
						   chunk[j + 1] : 0;
	if (!file) {	/* file 0's layout, for the defects and the tests */
		h->tblk0 = blk;
		h->tpages0 = npages;
		h->tpage0 = hb_table_addr(h, 0);
		h->table0 = chunk[0];
		folio_defects(h, f, n);
	}
	for (j = 0; j < npages; j++) {
		pa = blk + (npages - 1 - j) * 4096;
		c = hb_ptr(h, chunk[j / HB_CHUNK_PAGES]);
		c[1 + j % HB_CHUNK_PAGES] = pa;
		CK(hb_preserve(h, pa, 0));
	}
	for (j = 0; j < bytes; j += 4096) {
		pa = blk + (npages - 1 - j / 4096) * 4096;
		memcpy(hb_ptr(h, pa), (const uint8_t *)f + j,
		       bytes - j < 4096 ? bytes - j : 4096);
	}
	*table = chunk[0];
	if (file)
		return 0;
	return chain_defects(h, chunk, nchunks, npages);
}

static int build_folios(struct hb *h, int file, int n, uint64_t *table)
{
	struct ho_memfd_folio *f;
	int k, err;

	*table = 0;
	if (!n)
		return 0;
	f = calloc(n, sizeof(*f));
	if (!f)
		return -1;
	for (k = 0; k < n; k++) {
		/* shuffled: k * 7919 mod n, a permutation unless 7919 | n */
		uint64_t slot = h->p.shuffle_folios && n % 7919 ?
				(uint64_t)k * 7919 % n : (uint64_t)k;

		f[k].phys = folio_base(h, file) +
			    ((uint64_t)file * h->p.nfolios + slot) * 8192;
		f[k].index = 2 * k;
		f[k].order = 1;
		f[k].flags = k & 1 ? HO_FOLIO_DIRTY : HO_FOLIO_UPTODATE;
	}
	if (file == 1 && h->defect == HB_OVL_FOLIO_OTHER_FILE)
		f[2].phys = HB_FOLIO_PHYS + 2 * 8192;
	if (file == 1 && h->defect == HB_OVL_FOLIO_PARTIAL) {
		f[0].order = 0;		/* one page inside file 0's first */
		f[0].phys = HB_FOLIO_PHYS + 4096;
	}
	err = build_table(h, file, f, n, table);
	for (k = 0; !err && k < n; k++)
		err = hb_preserve(h, f[k].phys, f[k].order);
	free(f);
	return err;
}

static uint64_t memfd_size(enum hb_defect d, int nfolios)
{
	switch (d) {
	case HB_MEMFD_BEYOND_SIZE:	/* the last folio's second page */
		return (uint64_t)(2 * nfolios - 1) * 4096;
	case HB_MEMFD_NR_OVER_PAGES:
		return 4096;
	case HB_MEMFD_NR_OVER_LIMIT:	/* pages enough: the limit decides */
		return 1ull << 46;
	case HB_MEMFD_SIZE_HUGE:
		return 1ull << 63;
	case HB_MEMFD_SIZE_MAX:
		return ~0ull;
	case HB_MEMFD_SIZE_LFS_MAX:
		return 0x7fffffffffffffffull;
	default:
		return (uint64_t)nfolios * 2 * 4096;
	}
}

static uint64_t memfd_nr(enum hb_defect d, int nfolios)
{
	switch (d) {
	case HB_MEMFD_TABLE_NO_COUNT:
		return 0;
	case HB_MEMFD_NR_HUGE:
		return 1ull << 62;
	case HB_MEMFD_NR_OVER_LIMIT:
		return MEMFD_RFC_MAX_FOLIOS + 1;
	default:
		return (uint64_t)nfolios;
	}
}

static uint32_t memfd_seals(enum hb_defect d)
{
	if (d == HB_MEMFD_SEALS_RANGE)
		return 0x40;
	if (d == HB_MEMFD_SEALS_HIGH)
		return 0x80000005u;
	return 0x5;
}

static int build_memfd(struct hb *h, int file, uint64_t *phys)
{
	enum hb_defect d = file ? HB_NONE : h->defect;
	const uint64_t space = d == HB_MEMFD_FDT_BIG ? 8192 : 4096;
	int nfolios = file_folios(h, file);
	uint64_t table;
	void *fdt;

	CK(build_folios(h, file, nfolios, &table));
	*phys = hb_alloc_block(h, space);
	if (!*phys)
		return -1;
	CK(hb_preserve(h, *phys, block_order(space)));
	if (!file)
		h->data0 = *phys;
	fdt = hb_ptr(h, *phys);
	CK(fdt_create(fdt, space));
	CK(fdt_finish_reservemap(fdt));
	CK(fdt_begin_node(fdt, ""));
	CK(fdt_property_string(fdt, "compatible",
			       d == HB_MEMFD_BAD_COMPAT ? "memfd-rfc-v1" :
			       "memfd-rfc-v2"));
	CK(prop_u64(fdt, "size", memfd_size(d, nfolios)));
	CK(prop_u32(fdt, "seals", memfd_seals(d)));
	if (d == HB_MEMFD_TABLE_OUTSIDE_RAM)
		table = RESV;
	if (d == HB_MEMFD_TABLE_UNMAPPED) {
		table = UNMAPPED_RAM;
		CK(hb_preserve(h, table, 0));
	}
	if (d == HB_MEMFD_TABLE_UNALIGNED)
		table += 8;
	CK(prop_u64(fdt, "folios", table));
	CK(prop_u64(fdt, "nr-folios", memfd_nr(d, nfolios)));
	if (d == HB_MEMFD_FDT_BIG) {
		static const uint8_t pad[5000];

		CK(fdt_property(fdt, "pad", pad, sizeof(pad)));
	}
	CK(fdt_end_node(fdt));
	CK(fdt_finish(fdt));
	if (d == HB_MEMFD_BAD_MAGIC)
		set_be32(fdt, 0, 0xd00dfeee);
	return 0;
}

/* LUO FDT */

/* Sessions named 0, 2, 4, ... instead of 0, 1, 2, ... */
static int sparse(const struct hb *h)
{
	return h->defect == HB_LUO_SPARSE_SESSIONS ||
	       h->defect == HB_LUO_SPARSE_BAD_REF;
}

static int build_sessions(struct hb *h, void *fdt)
{
	char name[80];
	int i;

	if (h->defect == HB_LUO_NO_SESSIONS)
		return 0;
	CK(fdt_begin_node(fdt, "sessions"));
	for (i = 0; i < h->p.nsessions; i++) {
		hex(name, sparse(h) ? 2 * i : i);
		if (i == 1 && h->defect == HB_LUO_SESSION_NAME_HEX)
			strcpy(name, "01");
		if (i == 1 && h->defect == HB_LUO_SESSION_INDEX_BIG)
			strcpy(name, "100000001");	/* > U32_MAX */
		CK(fdt_begin_node(fdt, name));
		strcpy(name, "session-");
		hex(name + 8, i);
		if (i == 1 && h->defect == HB_LUO_SESSION_NAME_EMPTY)
			name[0] = '\0';
		if (i == 1 && h->defect == HB_LUO_SESSION_NAME_LONG)
			memset(name, 'x', 64), name[64] = '\0';
		if (i == 1 && h->defect == HB_LUO_DUP_SESSION_NAME)
			strcpy(name, "session-0");
		CK(fdt_property_string(fdt, "name", name));
		CK(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int build_file(struct hb *h, void *fdt, int i)
{
	enum hb_defect d = h->defect;
	uint64_t token = 1000 + i, data;

	if (h->p.shuffle_tokens)	/* a permutation: 7919 is prime */
		token = 1000 + (uint64_t)i * 7919 % h->p.nfiles;
	uint32_t session = (i % h->p.nsessions) * (sparse(h) ? 2 : 1);
	const char *compat = "memfd-rfc-v2";
	char name[20];

	CK(build_memfd(h, i, &data));
	hex(name, 0x100 + i);
	if (i == 1 && d == HB_LUO_DUP_FD_NODE)
		hex(name, 0x100);
	if (i == 1 && d == HB_LUO_FD_NAME_BAD)
		strcpy(name, "0101");
	if (i == 1 && d == HB_OVL_SHARED_MEMFD)
		data = h->data0;
	if (i == 0 && d == HB_MEMFD_DATA_ZERO)
		data = 0;
	if (i == 0 && d == HB_LUO_COMPAT_LONG)
		compat = "memfd-rfc-v2-with-a-name-past-32-bytes";
	if (i == 3 && d == HB_LUO_DUP_TOKEN)
		token = 1000;
	if (i == 1 && d == HB_LUO_SAME_TOKEN_OTHER_SESSION)
		token = 1000;
	if (i == 0 && d == HB_LUO_BAD_SESSION_REF)
		session = 99;
	if (i == 0 && d == HB_LUO_SPARSE_BAD_REF)
		session = 1;
	if (i == 0 && d == HB_MEMFD_DATA_UNMAPPED) {
		data = UNMAPPED_RAM;
		CK(hb_preserve(h, data, 0));
	}
	if (i == 0 && d == HB_MEMFD_DATA_MISALIGNED)
		data += 4;
	if (i == 0 && d == HB_LUO_DATA_OUTSIDE_RAM)
		data = RESV;
	if (i == 0 && d == HB_LUO_OTHER_HANDLER) {
		compat = "other-v1";
		data = OTHER_BLOB;
	}
	CK(fdt_begin_node(fdt, name));
	if (i == 0 && d == HB_LUO_STRING_EMBEDDED_NUL)
		CK(fdt_property(fdt, "compatible", "memfd\0v1", 9));
	else
		CK(fdt_property_string(fdt, "compatible", compat));
	if (i == 0 && d == HB_LUO_TOKEN_SIZE)
		CK(prop_u32(fdt, "token", token));
	else if (!(i == 0 && d == HB_LUO_NO_TOKEN))
		CK(prop_u64(fdt, "token", token));
	CK(prop_u32(fdt, "session", session));
	CK(prop_u64(fdt, "data", data));
	return fdt_end_node(fdt);
}

static int build_luo(struct hb *h)
{
	enum hb_defect d = h->defect;
	void *fdt;
	int i;

	h->luo_phys = hb_alloc_block(h, h->p.luo_space);
	if (!h->luo_phys)
		return -1;
	CK(hb_preserve(h, h->luo_phys, block_order(h->p.luo_space)));
	fdt = hb_ptr(h, h->luo_phys);
	CK(fdt_create(fdt, h->p.luo_space));
	CK(fdt_finish_reservemap(fdt));
	CK(fdt_begin_node(fdt, ""));
	CK(fdt_property_string(fdt, "compatible", d == HB_LUO_BAD_COMPAT ?
			       "luo-rfc-v2" : "luo-rfc-v1"));
	CK(prop_u64(fdt, "liveupdate-count", d == HB_LUO_COUNT_ZERO ? 0 : 2));
	if (d == HB_LUO_UNKNOWN_PROP)
		CK(prop_u64(fdt, "extra", 1));
	if (d == HB_LUO_DUP_PROP)
		CK(prop_u64(fdt, "liveupdate-count", 2));
	if (d != HB_LUO_NO_SUBSYSTEMS) {
		CK(fdt_begin_node(fdt, "subsystems"));
		CK(fdt_begin_node(fdt, d == HB_LUO_SUBSYS_NAME_LONG ?
				  "files-and-a-name-of-32-characters" :
				  "files"));
		CK(fdt_property_string(fdt, "compatible", "luo-files-v1"));
		CK(prop_u64(fdt, "data", 0));
		CK(fdt_end_node(fdt));
		CK(fdt_end_node(fdt));
	}
	if (d == HB_LUO_SUBSYSTEMS_UNIT) {
		CK(fdt_begin_node(fdt, "subsystems@0"));
		CK(fdt_end_node(fdt));
	}
	if (d == HB_LUO_SESSIONS_UNIT) {	/* before: what the kernel reads */
		CK(fdt_begin_node(fdt, "sessions@1"));
		CK(fdt_end_node(fdt));
	}
	CK(build_sessions(h, fdt));
	if (d == HB_LUO_FDS_UNIT) {
		CK(fdt_begin_node(fdt, "file-descriptors@0"));
		CK(fdt_end_node(fdt));
	}
	CK(fdt_begin_node(fdt, "file-descriptors"));
	for (i = 0; i < h->p.nfiles; i++)
		CK(build_file(h, fdt, i));
	CK(fdt_end_node(fdt));
	if (d == HB_LUO_UNKNOWN_NODE) {
		CK(fdt_begin_node(fdt, "stuff"));
		CK(fdt_end_node(fdt));
	}
	CK(fdt_end_node(fdt));
	CK(fdt_finish(fdt));
	h->luo_size = fdt_totalsize(fdt);
	return 0;
}

/* KHO root FDT */

static int subtree(void *fdt, const char *name, uint64_t addr, uint64_t size)
{
	CK(fdt_begin_node(fdt, name));
	CK(prop_u64(fdt, "preserved-data", addr));
	CK(prop_u64(fdt, "blob-size", size));
	return fdt_end_node(fdt);
}

static int build_luo_subtree(struct hb *h, void *fdt)
{
	enum hb_defect d = h->defect;
	uint64_t addr = h->luo_phys, size = h->luo_size;

	if (d == HB_KHO_NO_LUO)
		return 0;
	if (d == HB_KHO_BLOB_OUTSIDE_RAM)
		addr = RESV - 0x100;
	if (d == HB_KHO_BLOB_OVERFLOW)
		addr = ~0ull - 0x100;
	if (d == HB_KHO_LUO_UNMAPPED)
		addr = UNMAPPED_RAM;
	if (d == HB_KHO_LUO_BLOB_SHORT)
		size -= 8;
	if (d == HB_KHO_BLOB_SIZE_ZERO)
		size = 0;
	if (d == HB_KHO_LUO_UNIT_BEFORE)	/* first: what the kernel reads */
		CK(subtree(fdt, "luo-rfc@0", UNMAPPED_RAM, size));
	if (d == HB_KHO_LUO_UNIT_ONLY_BAD)
		addr = UNMAPPED_RAM;
	CK(fdt_begin_node(fdt, d == HB_KHO_LUO_UNIT_ONLY ? "luo-rfc@0" :
			  d == HB_KHO_LUO_UNIT_ONLY_BAD ? "luo-rfc@1" :
			  "luo-rfc"));
	CK(prop_u64(fdt, "preserved-data", addr));
	if (d == HB_KHO_BLOB_SIZE_SIZE)
		CK(prop_u32(fdt, "blob-size", size));
	else
		CK(prop_u64(fdt, "blob-size", size));
	if (d == HB_KHO_SUBTREE_CHILD) {
		CK(fdt_begin_node(fdt, "child"));
		CK(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int build_kho_root_props(struct hb *h, void *fdt)
{
	enum hb_defect d = h->defect;
	uint64_t map = h->radix_root;

	if (d == HB_KHO_BAD_COMPAT)
		CK(fdt_property_string(fdt, "compatible", "kho-v3"));
	else if (d == HB_KHO_COMPAT_NO_NUL)
		CK(fdt_property(fdt, "compatible", "kho-v4", 6));
	else if (d != HB_KHO_NO_COMPAT)
		CK(fdt_property_string(fdt, "compatible", "kho-v4"));
	if (d == HB_KHO_MEMMAP_UNALIGNED)
		map += 8;
	if (d == HB_KHO_MEMMAP_ZERO)
		map = 0;
	if (d == HB_OVL_MEMMAP_IN_SCRATCH)
		map = SCRATCH_BASE + 0x1000;
	if (d == HB_OVL_MEMMAP_KHO_FDT)
		map = h->kd.fdt_addr;
	if (d == HB_KHO_MEMMAP_OUTSIDE_RAM)
		map = RESV;
	if (d == HB_KHO_MEMMAP_SIZE)
		CK(prop_u32(fdt, "preserved-memory-map", 0));
	else if (d != HB_KHO_NO_MEMMAP)
		CK(prop_u64(fdt, "preserved-memory-map", map));
	if (d == HB_KHO_UNKNOWN_PROP)
		CK(prop_u64(fdt, "extra", 1));
	if (d == HB_KHO_DUP_PROP)
		CK(prop_u64(fdt, "preserved-memory-map", map));
	return 0;
}

static int build_kho(struct hb *h)
{
	enum hb_defect d = h->defect;
	void *fdt;
	int i;

	h->kd.fdt_addr = hb_alloc(h, h->p.kho_space);
	if (!h->kd.fdt_addr)
		return -1;
	fdt = hb_ptr(h, h->kd.fdt_addr);
	CK(fdt_create(fdt, h->p.kho_space));
	CK(fdt_finish_reservemap(fdt));
	CK(fdt_begin_node(fdt, ""));
	CK(build_kho_root_props(h, fdt));
	CK(build_luo_subtree(h, fdt));
	if (d == HB_KHO_OTHER_SUBTREE)
		CK(subtree(fdt, "other", OTHER_BLOB, 100));
	if (d == HB_KHO_DUP_SUBTREE)
		CK(subtree(fdt, "luo-rfc", h->luo_phys, h->luo_size));
	if (d == HB_KHO_LUO_UNIT_AFTER)
		CK(subtree(fdt, "luo-rfc@2", OTHER_BLOB, 100));
	if (d == HB_KHO_OTHER_UNIT_DUP) {
		CK(subtree(fdt, "other", OTHER_BLOB, 100));
		CK(subtree(fdt, "other@1", OTHER_BLOB + 0x1000, 100));
	}
	if (d == HB_OVL_SUBTREE_IN_LUO)
		CK(subtree(fdt, "other", h->luo_phys + 64, 100));
	if (d == HB_OVL_SUBTREE_IN_SCRATCH)
		CK(subtree(fdt, "other", SCRATCH_BASE + 0x100, 100));
	if (d == HB_FDT_NODE_NAME_SLASH)
		CK(subtree(fdt, "bad/name", OTHER_BLOB, 100));
	if (d == HB_FDT_TOO_DEEP) {
		for (i = 0; i < HO_FDT_MAX_DEPTH; i++)
			CK(fdt_begin_node(fdt, "deep"));
		for (i = 0; i < HO_FDT_MAX_DEPTH; i++)
			CK(fdt_end_node(fdt));
	}
	if (d == HB_FDT_PROP_AFTER_NODE)
		CK(prop_u64(fdt, "late", 1));
	CK(fdt_end_node(fdt));
	CK(fdt_finish(fdt));
	h->kd.fdt_size = fdt_totalsize(fdt);
	return 0;
}

/* Byte-level damage to the finished KHO FDT. */
static void damage_kho(struct hb *h)
{
	void *fdt = hb_ptr(h, h->kd.fdt_addr);
	uint32_t total = fdt_totalsize(fdt);
	uint32_t st = fdt_off_dt_struct(fdt), sts = fdt_size_dt_struct(fdt);

	switch (h->defect) {
	case HB_FDT_SHORT_BUFFER:
		h->kd.fdt_size = 20;
		break;
	case HB_FDT_BAD_MAGIC:
		set_be32(fdt, 0, 0xd00dfeee);
		break;
	case HB_FDT_BAD_VERSION:
		set_be32(fdt, 20, 16);
		set_be32(fdt, 24, 16);
		break;
	case HB_FDT_TOTALSIZE_BIG:
		h->kd.fdt_size = total - 8;
		break;
	case HB_FDT_STRINGS_OUTSIDE:
		set_be32(fdt, 12, total);
		break;
	case HB_FDT_RSVMAP_OPEN:
		set_be32(fdt, 16, (total - 8) & ~7u);
		break;
	case HB_FDT_BAD_TAG:
		set_be32(fdt, st + sts - 4, 7);
		break;
	case HB_FDT_PROP_NAMEOFF:
		/* BEGIN_NODE "" = 8 bytes, then PROP tag, len, nameoff */
		set_be32(fdt, st + 16, fdt_size_dt_strings(fdt) + 100);
		break;
	case HB_FDT_NOP_BEFORE_ROOT:
		/* an FDT_NOP before the root node: libfdt wants the root at 0 */
		memmove((uint8_t *)fdt + st + 4, (uint8_t *)fdt + st, total - st);
		set_be32(fdt, st, FDT_NOP);
		set_be32(fdt, 36, sts + 4);
		set_be32(fdt, 12, fdt_off_dt_strings(fdt) + 4);
		set_be32(fdt, 4, total + 4);
		if (h->kd.fdt_size == total)
			h->kd.fdt_size = total + 4;
		break;
	case HB_FDT_MISALIGNED:
		memmove((uint8_t *)fdt + 4, fdt, total);
		h->kd.fdt_addr += 4;
		break;
	case HB_KD_FDT_OUTSIDE_RAM:
		h->kd.fdt_addr = RESV;
		break;
	case HB_KD_FDT_OVERFLOW:
		h->kd.fdt_addr = ~0ull - 0x10;
		break;
	default:
		break;
	}
}

/* Scratch table and segments */

static void build_scratch_entries(struct hb *h, struct ho_scratch *s, int n)
{
	struct ho_scratch t;
	int i;

	/* four below the arena, any more in high RAM: never on preserved data */
	for (i = 0; i < n; i++) {
		s[i].addr = i < 4 ? SCRATCH_BASE + i * SCRATCH_STEP :
			    RAM_HI + (uint64_t)(i - 4) * SCRATCH_STEP;
		s[i].size = SCRATCH_SIZE;
	}
	switch (h->defect) {
	case HB_SCRATCH_UNALIGNED:
		s[1].addr += 0x800;
		break;
	case HB_SCRATCH_ZERO:
		s[1].size = 0;
		break;
	case HB_SCRATCH_OVERFLOW:
		s[n - 1].addr = ~0ull - 0xfff;
		s[n - 1].size = 0x2000;
		break;
	case HB_SCRATCH_OVERLAP:
		s[1].addr = s[0].addr + 0x1000;
		break;
	case HB_SCRATCH_OVERLAP_UNSORTED:
		s[0].addr = s[1].addr + 0x1000;
		break;
	case HB_SCRATCH_OUTSIDE_RAM:
		s[1].addr = 0x200000000ull;
		break;
	case HB_SCRATCH_HITS_RESERVED:
		s[n - 1].addr = RESV - 0x100000;
		s[n - 1].size = 0x200000;
		break;
	case HB_SCRATCH_UNSORTED:
		t = s[0];
		s[0] = s[1];
		s[1] = t;
		break;
	case HB_SEGMENT_SPANS_TWO:
		s[1].addr = s[0].addr + s[0].size;
		break;
	default:
		break;
	}
}

static int build_scratch(struct hb *h)
{
	int n = h->p.nscratch;

	h->kd.scratch_size = n * sizeof(struct ho_scratch);
	h->kd.scratch_addr = hb_alloc_page(h, h->kd.scratch_size);
	if (!h->kd.scratch_addr)
		return -1;
	build_scratch_entries(h, hb_ptr(h, h->kd.scratch_addr), n);
	if (h->defect == HB_OVL_FOLIO_SCRATCH_TABLE) {
		struct ho_memfd_folio f;

		hb_folio_get(h, 0, &f);
		f.order = 0;
		f.phys = h->kd.scratch_addr;
		hb_folio_set(h, 0, &f);
		CK(hb_preserve(h, f.phys, 0));
	}
	if (h->defect == HB_SCRATCH_EMPTY)
		h->kd.scratch_size = 0;
	if (h->defect == HB_SCRATCH_SIZE)
		h->kd.scratch_size -= 8;
	if (h->defect == HB_KD_SCRATCH_UNMAPPED)
		h->kd.scratch_addr = UNMAPPED_RAM;
	return 0;
}

static void build_segments(struct hb *h)
{
	h->nseg = 0;
	h->seg[h->nseg++] = (struct ho_segment){ SCRATCH_BASE, 0x200000 };
	h->seg[h->nseg++] = (struct ho_segment){
		SCRATCH_BASE + 2 * SCRATCH_STEP, 0x100000 };
	h->seg[h->nseg++] = (struct ho_segment){ 0, 0 };	/* empty: ignored */
	if (h->defect == HB_SEGMENT_OUTSIDE)
		h->seg[0].mem = SCRATCH_BASE + SCRATCH_SIZE;
	if (h->defect == HB_SEGMENT_OVERFLOW)
		h->seg[0].memsz = ~0ull;
	if (h->defect == HB_SEGMENT_SPANS_TWO)
		h->seg[0] = (struct ho_segment){
			SCRATCH_BASE + SCRATCH_SIZE - 0x100000, 0x200000 };
}

static void build_env(struct hb *h, const struct ho_schema *const *schemas)
{
	static const struct ho_mem_range ranges[] = {
		{ RAM_LO, RAM_SPLIT - RAM_LO, HO_MEM_RAM },
		{ RESV, 0x100000, HO_MEM_RESERVED },
		{ RAM_SPLIT, RESV - RAM_SPLIT, HO_MEM_RAM },
		{ RAM_HI, 0x40000000, HO_MEM_RAM },
	};

	memcpy(h->ranges, ranges, sizeof(ranges));
	h->mm = (struct ho_memmap){ h->ranges, 4 };
	h->win = (struct ho_window){ HB_ARENA_PHYS, h->arena, HB_ARENA_SIZE };
	h->phys = (struct ho_phys){ ho_phys_window_map, &h->win, 1 };
	h->env = (struct ho_env){ .memmap = &h->mm, .phys = &h->phys,
				  .schemas = schemas,
				  .flags = HO_CHECK_REQUIRE_LUO,
				  .work = h->work, .work_size = HB_WORK_SIZE };
}

int hb_build(struct hb *h, const struct hb_params *p, enum hb_defect d,
	     const struct ho_schema *const *schemas)
{
	uint64_t end;

	if (!h->arena) {
		h->arena = aligned_alloc(4096, HB_ARENA_SIZE);
		h->work = aligned_alloc(4096, HB_WORK_SIZE);
		if (!h->arena || !h->work)
			return -1;
		h->used = HB_ARENA_SIZE;
	}
	/* what the last build used (all of it the first time) */
	memset(h->arena, 0, h->used < HB_ARENA_SIZE ? h->used : HB_ARENA_SIZE);
	h->p = *p;
	h->defect = d;
	h->used = p->kho_space;		/* KHO FDT first, built last */
	if (p->nsessions < 1 || p->nscratch < 4 ||
	    p->kho_space > HB_KHO_SPACE || p->luo_space > HB_LUO_SPACE)
		return -1;
	h->radix_root = hb_alloc_page(h, 4096);
	if (!h->radix_root)
		return -1;
	CK(build_luo(h));
	CK(build_scratch(h));
	build_segments(h);
	/* preserved by the kernel, out of the stage's reach */
	if (d == HB_KHO_LUO_UNMAPPED || d == HB_KHO_LUO_UNIT_ONLY_BAD)
		CK(hb_preserve(h, UNMAPPED_RAM, block_order(h->luo_size)));
	end = h->used;
	h->used = 0;
	CK(build_kho(h));
	h->used = end;
	damage_kho(h);
	build_env(h, schemas);
	return 0;
}

void hb_free(struct hb *h)
{
	free(h->arena);
	free(h->work);
	h->arena = NULL;
	h->work = NULL;
}
