// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo-fdt and upstream LUO ("luo-v5", Linux 7.3): gen writes a whole
 * handover as the upstream kernel would (a kho-v4 root with the "LUO"
 * entry, struct luo_ser, session and file kho_block chains, memfd-v2 files
 * with their kho_vmalloc folio tables, an FLB block, and KHO's radix tree
 * with every page the kernel preserves), valid or with one defect; dump
 * prints its sessions, files and memfd sizes.
 *
 * The layouts are the kernel's ABI headers (include/linux/kho/abi/luo.h,
 * memfd.h, block.h, kexec_handover.h), compiled through the library's type
 * shim (efi/lib/kabi/), as the library's luo_v5.c does. Which error each
 * defect must give is the business of tests/schema/defects.txt.
 *
 * Layout (4 KiB pages, inside gen's memory map): everything luo-v5 is
 * allocated upwards from V5_BASE (128 MiB), one object per preserved
 * allocation, each written as DIR/phys/<address>.bin but the folios (the
 * checks never read their contents); the KHO root, scratch table and
 * memory map are gen's (gen_write_root()).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <ho/check.h>
#include <ho/kho_radix.h>

#include <uapi/linux/fcntl.h>
#include <linux/kho/abi/luo.h>
#include <linux/kho/abi/memfd.h>

#include "luo-fdt.h"

#define V5_PAGE		4096ull
#define V5_BASE		0x08000000ull	/* above gen's scratch range */
#define V5_END		0x3f000000ull
/* In gen's memory map: not RAM. */
#define V5_RESERVED	0x3fff0000ull
#define V5_PER_SESSION	((V5_PAGE - 16) / sizeof(struct luo_session_ser))
#define V5_PER_FILE	((V5_PAGE - 16) / sizeof(struct luo_file_ser))
#define V5_PER_CHUNK	((V5_PAGE - 8) / 8)

/* ---- physical memory: one buffer per preserved allocation ---------------- */

struct obj {
	uint64_t addr;
	uint8_t *buf;
	size_t size;		/* bytes written out (<= the allocation) */
};

static struct {
	struct obj *o;
	size_t n, cap;
	uint64_t next;
	struct ho_radix_geom g;
	uint64_t root;		/* preserved-memory-map */
} mem;

static void *v5_xcalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p) {
		errmsg("gen: out of memory");
		exit(EXIT_INVALID);
	}
	return p;
}

/*
 * 2^order zeroed pages, aligned to their size, with a buffer when buf (else
 * only the addresses: nothing written); exits when out of room.
 */
static uint64_t v5_alloc_buf(uint32_t order, bool buf)
{
	uint64_t bytes = V5_PAGE << order;
	uint64_t a = (mem.next + bytes - 1) & ~(bytes - 1);

	if (a + bytes > V5_END) {
		errmsg("gen: luo-v5 handover larger than %llu MiB",
		       (unsigned long long)((V5_END - V5_BASE) >> 20));
		exit(EXIT_INVALID);
	}
	if (mem.n == mem.cap) {
		mem.cap = mem.cap ? 2 * mem.cap : 256;
		mem.o = realloc(mem.o, mem.cap * sizeof(*mem.o));
		if (!mem.o) {
			errmsg("gen: out of memory");
			exit(EXIT_INVALID);
		}
	}
	mem.o[mem.n++] = (struct obj){ a, buf ? v5_xcalloc(bytes) : NULL,
				       buf ? bytes : 0 };
	mem.next = a + bytes;
	return a;
}

static uint64_t v5_alloc(uint32_t order)
{
	return v5_alloc_buf(order, true);
}

/* The object holding phys: the last one at or below it (addresses grow). */
static struct obj *v5_obj(uint64_t phys)
{
	size_t lo = 0, hi = mem.n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (mem.o[mid].addr <= phys)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && phys - mem.o[lo - 1].addr < mem.o[lo - 1].size)
		return &mem.o[lo - 1];
	errmsg("gen: internal: no object at 0x%" PRIx64, phys);
	exit(EXIT_INVALID);
}

static void *v5_ptr(uint64_t phys)
{
	struct obj *o = v5_obj(phys);

	return o->buf + (phys - o->addr);
}

static uint64_t tree_alloc(void *ctx)
{
	(void)ctx;
	return v5_alloc(0);
}

static void *tree_map(void *ctx, uint64_t phys)
{
	(void)ctx;
	return v5_ptr(phys);
}

/* 2^order pages at phys preserved (kho_preserve_folio/_pages). */
static void preserve(uint64_t phys, uint32_t order)
{
	if (ho_radix_insert(&mem.g, mem.root, ho_radix_key(&mem.g, phys, order),
			    tree_alloc, tree_map, NULL)) {
		errmsg("gen: radix tree out of pages");
		exit(EXIT_INVALID);
	}
}

/* kho_alloc_preserve(): order-0 page (all luo-v5 allocations are). */
static uint64_t alloc_preserve(void)
{
	uint64_t a = v5_alloc(0);

	preserve(a, 0);
	return a;
}

/* ---- defects ------------------------------------------------------------- */

enum v5_defect {
	V5_NONE,
#define V5_DEFECTS(X) \
	X(SER_SIZE, "v5-ser-size", "LUO blob-size smaller than struct luo_ser") \
	X(COMPATIBLE, "v5-compatible", "luo_ser compatible \"luo-v4\"") \
	X(BLOCK_UNALIGNED, "v5-block-unaligned", "sessions_pa not page aligned") \
	X(BLOCK_OUTSIDE_RAM, "v5-block-outside-ram", "sessions_pa not in RAM") \
	X(BLOCK_NOT_PRESERVED, "v5-block-not-preserved", "session block not in KHO's radix tree") \
	X(BLOCK_COUNT, "v5-block-count", "session block count 0") \
	X(BLOCK_LOOP, "v5-block-loop", "session 0's file block links to itself") \
	X(TOO_MANY_BLOCKS, "v5-too-many-blocks", "session 0's file chain has KHO_MAX_BLOCKS + 1 blocks") \
	X(FILE_COUNT, "v5-file-count", "session 0's file count one more than its entries") \
	X(NAME_NO_NUL, "v5-name-no-nul", "session 0's name fills all 64 bytes") \
	X(NAME_EMPTY, "v5-name-empty", "session 0's name empty") \
	X(COMPAT_NO_NUL, "v5-compat-no-nul", "file 0's compatible fills all 48 bytes") \
	X(DUP_SESSION, "v5-dup-session-name", "session 1 named as session 0") \
	X(DUP_TOKEN, "v5-dup-token", "file 1 has file 0's token (one session)") \
	X(FLB_HEADER, "v5-flb-header", "FLB header pgcnt 0") \
	X(DUP_FLB, "v5-dup-flb", "two FLB entries with one name") \
	X(FLB_COUNT, "v5-flb-count", "FLB entry count 0") \
	X(MEMFD_FLAGS, "v5-memfd-flags", "memfd-v2 flags 1") \
	X(MEMFD_POS, "v5-memfd-pos", "memfd-v2 pos above MAX_LFS_FILESIZE") \
	X(MEMFD_PAGES, "v5-memfd-pages", "memfd-v2 size of 2^33 pages") \
	X(MEMFD_SEALS, "v5-memfd-seals", "memfd-v2 seals with an unknown bit") \
	X(MEMFD_SHARED, "v5-memfd-shared", "files 0 and 1 share one memfd_luo_ser") \
	X(VMALLOC_FLAGS, "v5-vmalloc-flags", "kho_vmalloc flags with an unknown bit") \
	X(VMALLOC_ORDER, "v5-vmalloc-order", "kho_vmalloc order 11") \
	X(VMALLOC_PAGES, "v5-vmalloc-pages", "kho_vmalloc total_pages one more than its chunks") \
	X(VMALLOC_CHAIN, "v5-vmalloc-chain", "kho_vmalloc with an extra empty chunk") \
	X(VMALLOC_SMALL, "v5-vmalloc-too-small", "nr_folios more than the table's pages hold") \
	X(CHUNK_NOT_PRESERVED, "v5-chunk-not-preserved", "kho_vmalloc chunk not in KHO's radix tree") \
	X(FOLIO_FLAGS, "v5-folio-flags", "folio 0 with an unknown flag") \
	X(FOLIO_UNSORTED, "v5-folio-unsorted", "folios 1 and 2 swapped") \
	X(FOLIO_OVERLAP, "v5-folio-overlap", "folio 1 inside folio 0 (order 1)") \
	X(FOLIO_BEYOND, "v5-folio-beyond-size", "last folio past the file size") \
	X(FOLIO_INDEX, "v5-folio-index-unaligned", "folio 0 (order 1) at index 1") \
	X(FOLIO_ORDER, "v5-folio-order", "folio 0 preserved at order 11") \
	X(FOLIO_NOT_PRESERVED, "v5-folio-not-preserved", "folio 1 not in KHO's radix tree") \
	X(FOLIO_SHARED, "v5-folio-shared", "folios 1 and 2 at one address")
#define V5_ENUM_(e, n, h) V5_##e,
	V5_DEFECTS(V5_ENUM_)
#undef V5_ENUM_
	V5_NDEFECTS
};

static const struct {
	const char *name, *help;
} v5_defects[] = {
	[V5_NONE] = { "", "" },
#define V5_ROW_(e, n, h) [V5_##e] = { n, h },
	V5_DEFECTS(V5_ROW_)
#undef V5_ROW_
};

int gen_v5_defect(const char *name)
{
	int i;

	for (i = 1; i < V5_NDEFECTS; i++)
		if (!strcmp(name, v5_defects[i].name))
			return i;
	return -1;
}

void gen_v5_list_defects(void)
{
	int i;

	for (i = 1; i < V5_NDEFECTS; i++)
		printf("%-28s %-5s %s\n", v5_defects[i].name, "v5",
		       v5_defects[i].help);
}

/* ---- building ------------------------------------------------------------ */

struct v5_gen {
	unsigned int files, sessions, folios;
	int d;
};

/* gen_vmalloc()'s pages: kho_preserve_pages(page, 1) of each */
static uint64_t v5_vmalloc_page(void *ctx)
{
	uint64_t pa = v5_alloc(0);

	(void)ctx;
	preserve(pa, 0);
	return pa;
}

static uint64_t v5_vmalloc_chunk_unpreserved(void *ctx)
{
	(void)ctx;
	return v5_alloc(0);
}

static uint64_t *v5_vmalloc_map(void *ctx, uint64_t chunk)
{
	(void)ctx;
	return v5_ptr(chunk);
}

static const struct gen_vmalloc_ops v5_vmalloc_ops = {
	v5_vmalloc_page, v5_vmalloc_page, v5_vmalloc_map,
};
/* v5-chunk-not-preserved: the chunks not in KHO's radix tree */
static const struct gen_vmalloc_ops v5_vmalloc_ops_unpreserved = {
	v5_vmalloc_chunk_unpreserved, v5_vmalloc_page, v5_vmalloc_map,
};

/*
 * A memfd-v2 file of g->folios folios: folio 0 of order 1 (index 0), the
 * others order 0 at indices 2, 3, ...; the table a kho_vmalloc of order-0
 * pages (vcalloc()).
 */
static uint64_t build_memfd(const struct v5_gen *g, unsigned int k)
{
	const int d = k ? V5_NONE : g->d;
	uint64_t ser_pa = alloc_preserve(), pages, chunk = 0, first = 0;
	unsigned int n = g->folios, i;
	struct memfd_luo_folio_ser *f;
	struct memfd_luo_ser *m = v5_ptr(ser_pa);
	struct kho_vmalloc vm = { 0 };
	struct kho_vmalloc_chunk *c = NULL;
	uint64_t *tab, index = 0, phys;
	uint32_t order;

	m->pos = 100;
	m->size = n ? (uint64_t)(n + 1) * V5_PAGE - 100 : 0;
	m->seals = F_SEAL_SEAL | F_SEAL_WRITE;
	m->nr_folios = n;
	pages = (n * sizeof(*f) + V5_PAGE - 1) / V5_PAGE;
	tab = v5_xcalloc(pages * sizeof(*tab));
	first = gen_vmalloc(pages, tab, d == V5_CHUNK_NOT_PRESERVED ?
			    &v5_vmalloc_ops_unpreserved : &v5_vmalloc_ops,
			    NULL, &chunk);
	c = chunk ? v5_ptr(chunk) : NULL;
	if (d == V5_VMALLOC_CHAIN && c) {
		c->hdr.next.phys = v5_alloc(0);
		preserve(c->hdr.next.phys, 0);
	}
	for (i = 0; i < n; i++) {
		f = (struct memfd_luo_folio_ser *)v5_ptr(tab[i * sizeof(*f) /
							     V5_PAGE]) +
		    i % (V5_PAGE / sizeof(*f));
		order = i ? 0 : d == V5_FOLIO_ORDER ? 11 : 1;
		phys = v5_alloc_buf(order, false);
		if (!(d == V5_FOLIO_NOT_PRESERVED && i == 1))
			preserve(phys, order);
		f->pfn = phys / V5_PAGE;
		f->flags = MEMFD_LUO_FOLIO_DIRTY | MEMFD_LUO_FOLIO_UPTODATE;
		f->index = index;
		index += 1u << order;
	}
	vm.first.phys = n ? first : 0;
	vm.total_pages = (unsigned int)pages;
	vm.flags = 0x0001;	/* KHO_VMALLOC_ALLOC */
	vm.order = 0;
	if (n >= 3) {
		struct memfd_luo_folio_ser *t = v5_ptr(tab[0]), x;

		switch (d) {
		case V5_FOLIO_FLAGS:
			t[0].flags |= 4;
			break;
		case V5_FOLIO_UNSORTED:
			x = t[1];
			t[1] = t[2];
			t[2] = x;
			break;
		case V5_FOLIO_OVERLAP:
			t[1].index = 1;
			break;
		case V5_FOLIO_INDEX:
			t[0].index = 1;
			break;
		case V5_FOLIO_SHARED:
			t[2].pfn = t[1].pfn;
			break;
		case V5_FOLIO_BEYOND:
			t[n - 1].index = n + 1;
			break;
		default:
			break;
		}
	}
	switch (d) {
	case V5_MEMFD_FLAGS:
		m->flags = 1;
		break;
	case V5_MEMFD_POS:
		m->pos = 1ull << 63;
		break;
	case V5_MEMFD_PAGES:
		m->size = 1ull << 45;
		break;
	case V5_MEMFD_SEALS:
		m->seals |= 0x40;
		break;
	case V5_VMALLOC_FLAGS:
		vm.flags |= 0x4;
		break;
	case V5_VMALLOC_ORDER:
		vm.order = 11;
		break;
	case V5_VMALLOC_PAGES:
		vm.total_pages++;
		break;
	case V5_VMALLOC_SMALL:
		m->nr_folios = pages * (V5_PAGE / sizeof(*f)) + 1;
		break;
	default:
		break;
	}
	/* a packed member: written through memcpy */
	memcpy((uint8_t *)m + __builtin_offsetof(struct memfd_luo_ser, folios),
	       &vm, sizeof(vm));
	free(tab);
	return ser_pa;
}

/* A kho_block chain of n entries of size bytes; the entries in *ent. */
static uint64_t build_chain(unsigned int n, size_t size, unsigned int per,
			    uint8_t ***ent, bool preserved)
{
	struct kho_block_header_ser *h = NULL;
	uint64_t head = 0, pa;
	unsigned int i;

	*ent = v5_xcalloc((n ? n : 1) * sizeof(**ent));
	for (i = 0; i < n; i++) {
		if (i % per == 0) {
			pa = v5_alloc(0);
			if (preserved || i)
				preserve(pa, 0);
			if (h)
				h->next = pa;
			else
				head = pa;
			h = v5_ptr(pa);
		}
		(*ent)[i] = (uint8_t *)(h + 1) + (i % per) * size;
		h->count++;
	}
	return head;
}

/* 10000 more blocks (headers only written) after the chain's last. */
static void chain_extend(uint64_t head)
{
	struct kho_block_header_ser *h = v5_ptr(head);
	uint64_t pa;
	int i;

	while (h->next)
		h = v5_ptr(h->next);
	for (i = 0; i < HO_LUO_V5_MAX_BLOCKS; i++) {
		pa = v5_alloc(0);
		preserve(pa, 0);
		h->next = pa;
		h = v5_ptr(pa);
		h->count = 1;
		v5_obj(pa)->size = sizeof(*h);
	}
}

static void build_files(const struct v5_gen *g, struct luo_session_ser *s,
			unsigned int sess, unsigned int first, unsigned int n,
			uint64_t *memfd0)
{
	uint8_t **ent;
	struct luo_file_ser *f;
	unsigned int i;
	uint64_t head;

	head = build_chain(n, sizeof(*f), V5_PER_FILE, &ent, true);
	for (i = 0; i < n; i++) {
		f = (struct luo_file_ser *)ent[i];
		snprintf(f->compatible, sizeof(f->compatible), "%s",
			 MEMFD_LUO_FH_COMPATIBLE);
		f->token = 1000 + first + i;
		if (first + i == 1 && g->d == V5_MEMFD_SHARED)
			f->data = *memfd0;
		else
			f->data = build_memfd(g, first + i);
		if (first + i == 0)
			*memfd0 = f->data;
		if (sess == 0 && i == 0 && g->d == V5_COMPAT_NO_NUL)
			memset(f->compatible, 'm', sizeof(f->compatible));
		if (sess == 0 && i == 1 && g->d == V5_DUP_TOKEN)
			f->token = ((struct luo_file_ser *)ent[0])->token;
	}
	s->file_set_ser.files = head;
	s->file_set_ser.count = n;
	if (sess == 0 && head && g->d == V5_BLOCK_LOOP)
		((struct kho_block_header_ser *)v5_ptr(head))->next = head;
	if (sess == 0 && head && g->d == V5_TOO_MANY_BLOCKS)
		chain_extend(head);
	if (sess == 0 && g->d == V5_FILE_COUNT)
		s->file_set_ser.count++;
	free(ent);
}

static uint64_t build_flbs(const struct v5_gen *g)
{
	uint64_t pa = alloc_preserve();
	struct luo_flb_header_ser *h = v5_ptr(pa);
	struct luo_flb_ser *e = (struct luo_flb_ser *)(h + 1);

	h->pgcnt = g->d == V5_FLB_HEADER ? 0 : 1;
	h->count = g->d == V5_DUP_FLB ? 2 : 1;
	snprintf(e[0].name, sizeof(e[0].name), "gen-flb-v1");
	e[0].data = 0x1234;
	e[0].count = g->d == V5_FLB_COUNT ? 0 : 1;
	e[1] = e[0];
	return pa;
}

/* struct luo_ser and all it points to; its address in *pa. */
static void build_luo(const struct v5_gen *g, uint64_t *pa)
{
	struct luo_ser *ser;
	struct luo_session_ser *s;
	unsigned int i, per, first = 0, n;
	uint64_t memfd0 = 0;
	uint8_t **ent;

	*pa = alloc_preserve();
	ser = v5_ptr(*pa);
	memcpy(ser->compatible, g->d == V5_COMPATIBLE ? "luo-v4" :
	       LUO_ABI_COMPATIBLE, sizeof(LUO_ABI_COMPATIBLE));
	ser->liveupdate_num = 1;
	ser->sessions_pa = build_chain(g->sessions, sizeof(*s), V5_PER_SESSION,
				       &ent, g->d != V5_BLOCK_NOT_PRESERVED);
	per = g->sessions ? (g->files + g->sessions - 1) / g->sessions : 0;
	for (i = 0; i < g->sessions; i++) {
		s = (struct luo_session_ser *)ent[i];
		snprintf(s->name, sizeof(s->name), "gen-session-%u", i);
		n = first >= g->files ? 0 : g->files - first < per ?
		    g->files - first : per;
		build_files(g, s, i, first, n, &memfd0);
		first += n;
	}
	if (g->sessions) {
		s = (struct luo_session_ser *)ent[0];
		if (g->d == V5_NAME_NO_NUL)
			memset(s->name, 's', sizeof(s->name));
		if (g->d == V5_NAME_EMPTY)
			memset(s->name, 0, sizeof(s->name));
		if (g->d == V5_DUP_SESSION && g->sessions > 1)
			memcpy(ent[1], s->name, sizeof(s->name));
		if (g->d == V5_BLOCK_COUNT)
			((struct kho_block_header_ser *)v5_ptr(
				ser->sessions_pa))->count = 0;
	}
	if (g->d == V5_BLOCK_UNALIGNED)
		ser->sessions_pa += 8;
	if (g->d == V5_BLOCK_OUTSIDE_RAM)
		ser->sessions_pa = V5_RESERVED;
	ser->flbs_pa = build_flbs(g);
	free(ent);
}

static void *build_root(const struct v5_gen *g, uint64_t luo_pa,
			size_t *size)
{
	size_t cap = 4096;
	void *fdt = v5_xcalloc(cap);
	uint64_t v;
	int err;

	err = fdt_create(fdt, (int)cap);
	err |= fdt_finish_reservemap(fdt);
	err |= fdt_begin_node(fdt, "");
	err |= fdt_property_string(fdt, "compatible", HO_KHO_COMPATIBLE);
	v = mem.root;
	err |= fdt_property(fdt, "preserved-memory-map", &v, sizeof(v));
	err |= fdt_begin_node(fdt, LUO_KHO_ENTRY_NAME);
	v = luo_pa;
	err |= fdt_property(fdt, "preserved-data", &v, sizeof(v));
	v = g->d == V5_SER_SIZE ? 16 : sizeof(struct luo_ser);
	err |= fdt_property(fdt, "blob-size", &v, sizeof(v));
	err |= fdt_end_node(fdt);
	err |= fdt_end_node(fdt);
	err |= fdt_finish(fdt);
	if (err) {
		errmsg("gen: libfdt failed");
		exit(EXIT_INVALID);
	}
	*size = fdt_totalsize(fdt);
	return fdt;
}

int gen_v5(const char *dir, unsigned int files, unsigned int sessions,
	   unsigned int folios, int defect)
{
	struct v5_gen g = { files, sessions, folios, defect < 0 ? 0 : defect };
	uint64_t luo_pa = 0;
	size_t i, size;
	void *kho;
	int err;

	if (files && !sessions) {
		errmsg("gen: files need at least one session");
		return EXIT_USAGE;
	}
	if (g.d >= V5_NAME_NO_NUL && g.d <= V5_DUP_TOKEN &&
	    (sessions < 2 || files < 4)) {
		errmsg("gen: defect %s needs --sessions >= 2 and --files >= 4",
		       v5_defects[g.d].name);
		return EXIT_USAGE;
	}
	if (g.d > V5_FLB_COUNT &&
	    (files < 2 || folios < 3)) {
		errmsg("gen: defect %s needs --files >= 2 and --folios >= 3",
		       v5_defects[g.d].name);
		return EXIT_USAGE;
	}
	if ((g.d == V5_BLOCK_LOOP || g.d == V5_TOO_MANY_BLOCKS ||
	     g.d == V5_FILE_COUNT || g.d == V5_BLOCK_COUNT) &&
	    (!sessions || !files)) {
		errmsg("gen: defect %s needs --sessions and --files >= 1",
		       v5_defects[g.d].name);
		return EXIT_USAGE;
	}
	memset(&mem, 0, sizeof(mem));
	mem.next = V5_BASE;
	ho_radix_geom_init(&mem.g, V5_PAGE);
	mem.root = v5_alloc(0);
	build_luo(&g, &luo_pa);
	kho = build_root(&g, luo_pa, &size);
	err = gen_write_root(dir, kho, size);
	for (i = 0; i < mem.n && !err; i++)
		if (mem.o[i].buf)
			err = gen_write_phys(dir, mem.o[i].addr,
					     mem.o[i].buf, mem.o[i].size);
	for (i = 0; i < mem.n; i++)
		free(mem.o[i].buf);
	free(mem.o);
	free(kho);
	return err ? EXIT_USAGE : EXIT_OK;
}

/* ---- dump ---------------------------------------------------------------- */

/* Print a checked luo-v5 handover's sessions, files and memfd sizes. */
static const void *at(const struct ho_phys *p, uint64_t pa, uint64_t n)
{
	return ho_phys_map(p, pa, n);
}

static void dump_chain(const struct ho_phys *p, uint64_t head, size_t size,
		       void (*one)(const struct ho_phys *p, const void *e,
				   uint64_t i))
{
	const struct kho_block_header_ser *h;
	uint64_t i = 0, k;

	for (; head; head = h->next) {
		h = at(p, head, V5_PAGE);
		for (k = 0; k < h->count; k++)
			one(p, (const uint8_t *)(h + 1) + k * size, i++);
	}
}

static void dump_file(const struct ho_phys *p, const void *e, uint64_t i)
{
	const struct luo_file_ser *f = e;
	const struct memfd_luo_ser *m;

	printf("    file %" PRIu64 ": token 0x%" PRIx64 ", compatible \"%.*s\", "
	       "data 0x%" PRIx64, i, (uint64_t)f->token,
	       (int)sizeof(f->compatible), f->compatible, (uint64_t)f->data);
	if (!strcmp(f->compatible, MEMFD_LUO_FH_COMPATIBLE)) {
		m = at(p, f->data, sizeof(*m));
		printf(": size %" PRIu64 ", pos %" PRIu64 ", seals 0x%x, "
		       "%" PRIu64 " folios", (uint64_t)m->size,
		       (uint64_t)m->pos, m->seals, (uint64_t)m->nr_folios);
	}
	printf("\n");
}

static void dump_session(const struct ho_phys *p, const void *e, uint64_t i)
{
	const struct luo_session_ser *s = e;

	printf("  session %" PRIu64 ": \"%.*s\", %" PRIu64 " files\n", i,
	       (int)sizeof(s->name), s->name, (uint64_t)s->file_set_ser.count);
	dump_chain(p, s->file_set_ser.files, sizeof(struct luo_file_ser),
		   dump_file);
}

void dump_v5(const struct ho_phys *p, uint64_t pa)
{
	const struct luo_ser *s = at(p, pa, sizeof(*s));
	const struct luo_flb_header_ser *h;
	const struct luo_flb_ser *e;
	uint64_t i;

	printf("/* %s at 0x%" PRIx64 ": liveupdate_num %" PRIu64 " */\n",
	       LUO_ABI_COMPATIBLE, pa, (uint64_t)s->liveupdate_num);
	dump_chain(p, s->sessions_pa, sizeof(struct luo_session_ser),
		   dump_session);
	if (!s->flbs_pa)
		return;
	h = at(p, s->flbs_pa, V5_PAGE);
	e = (const struct luo_flb_ser *)(h + 1);
	for (i = 0; i < h->count; i++)
		printf("  flb %" PRIu64 ": \"%.*s\", data 0x%" PRIx64
		       ", count %" PRIu64 "\n", i, (int)sizeof(e[i].name),
		       e[i].name, (uint64_t)e[i].data, (uint64_t)e[i].count);
}
