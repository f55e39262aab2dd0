// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo-fdt gen: synthetic handover blobs for tests and EFI bring-up.
 *
 * A blob is first built as a small tree in memory (struct gnode), so that a
 * defect can be injected by editing the tree (drop a property, add a node,
 * shorten a value), then written with libfdt's sequential-write API, the
 * way the kernel writes its KHO FDT. Defects below the tree level (header,
 * tokens, truncation) are applied to the written bytes.
 *
 * Physical addresses follow one fixed synthetic layout inside the RAM of
 * the memory map that --memmap-out writes (a 1 GiB QEMU q35 guest):
 *
 *   16 MiB                     KHO preserved-memory-map page (the
 *                              root of KHO's preserved-page radix tree)
 *   128 MiB                    luo-rfc-v1 blob
 *   160 MiB + i * 4 KiB        the other pages of the radix tree
 *   17 MiB + i * 4 KiB         memfd-rfc-v2 FDT of file i
 *   33 MiB + i * table pages   folio table of file i: a kho_vmalloc area,
 *                              its chunks, then its pages
 *   512 MiB + ...              folios, one 4 KiB page each
 *   15 MiB                     KHO root FDT (--out-dir: phys/ and kho_data.bin)
 *   15 MiB + 64 KiB            scratch table: one range, 64 MiB at 64 MiB
 *
 * With --out-dir, gen writes the whole handover: the KHO root, every blob
 * it reaches by physical address (LUO blob, memfd FDTs, folio tables) as
 * DIR/phys/<address>.bin for "check --phys", KHO's radix tree with a key
 * for each of them as the kernel preserves them (blobs as
 * kho_alloc_preserve() blocks, each chunk and page of a table at order 0 as
 * kho_preserve_vmalloc() does, folios at their table's order), and the
 * memory map. A defect
 * then goes into the blob of its kind (a memfd or folio table defect into
 * file 0's).
 *
 * The defect table says what each defect does; which error the checker
 * must report for it is the business of the tests (tests/schema), not of
 * this file.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libfdt.h>

#include <ho/check.h>
#include <ho/kho_radix.h>

#include "luo-fdt.h"

#define GEN_BASE		0x1000000ull	/* 16 MiB */
#define GEN_PAGE		4096ull
#define GEN_MEMMAP_PTR		(GEN_BASE)
/* a kho_alloc_preserve() block: aligned to its size (up to 16 MiB here) */
#define GEN_LUO_ADDR		0x08000000ull	/* 128 MiB */
/* KHO's radix tree below the root page (--out-dir): one page each */
#define GEN_TREE_BASE		0x0a000000ull	/* 160 MiB */
#define GEN_TREE_MAX		4096		/* pages */
#define GEN_MEMFD_ADDR(i)	(GEN_BASE + 0x100000 + (uint64_t)(i) * GEN_PAGE)
#define GEN_TABLE_BASE		(GEN_BASE + 0x1100000)
#define GEN_FOLIO_BASE		0x20000000ull
#define GEN_MAX_PAGES		65536	/* --files x --folios: folios fit RAM */
/* Page addresses in one kho_vmalloc chunk (4 KiB pages). */
#define GEN_PER_CHUNK		((GEN_PAGE - 8) / 8)
/* In RAM, but --out-dir never puts a blob there. */
#define GEN_UNMAPPED_ADDR	(GEN_FOLIO_BASE - GEN_PAGE)
/* In the memory map below: an address that is not RAM, and the end of RAM. */
#define GEN_RESERVED_ADDR	0x3fff0000ull
#define GEN_RAM_END		0x3ffe0000ull
#define GEN_MAX_COUNT		4096	/* --files, --sessions, --folios */
/* --out-dir: the KHO FDT and scratch table, and the one scratch range */
#define GEN_KHO_ADDR		0x00f00000ull
#define GEN_SCRATCH_ADDR	0x00f10000ull
#define GEN_SCRATCH_RANGE	0x04000000ull	/* 64 MiB at 64 MiB */

/* The memory map of a 1 GiB QEMU q35 guest, as in /sys/firmware/memmap. */
static const char gen_memmap[] =
	"# luo-fdt gen: synthetic memory map (1 GiB QEMU q35 guest)\n"
	"0x0000000000000000 0x000000000009fbff System RAM\n"
	"0x000000000009fc00 0x000000000009ffff Reserved\n"
	"0x00000000000f0000 0x00000000000fffff Reserved\n"
	"0x0000000000100000 0x000000003ffdffff System RAM\n"
	"0x000000003ffe0000 0x000000003fffffff Reserved\n"
	"0x00000000b0000000 0x00000000bfffffff Reserved\n"
	"0x00000000fed1c000 0x00000000fed1ffff Reserved\n"
	"0x00000000feffc000 0x00000000feffffff Reserved\n"
	"0x00000000fffc0000 0x00000000ffffffff Reserved\n";

/* ---- the in-memory tree ------------------------------------------------ */

struct gprop {
	char *name;
	void *val;
	int len;
	struct gprop *next;
};

struct gnode {
	char *name;
	struct gprop *props;
	struct gnode *kids;
	struct gnode *next;
};

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p) {
		errmsg("out of memory");
		exit(EXIT_INVALID);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	return strcpy(xmalloc(strlen(s) + 1), s);
}

static struct gnode *node_add(struct gnode *parent, const char *name)
{
	struct gnode *n = xmalloc(sizeof(*n)), **pp;

	n->name = xstrdup(name);
	if (parent) {
		for (pp = &parent->kids; *pp; pp = &(*pp)->next)
			;
		*pp = n;
	}
	return n;
}

static struct gnode *node_get(struct gnode *parent, const char *name)
{
	struct gnode *n;

	for (n = parent->kids; n; n = n->next)
		if (!strcmp(n->name, name))
			return n;
	return NULL;
}

/* The node at "/a/b" below root; exits on a missing node (a gen bug). */
static struct gnode *node_path(struct gnode *root, const char *path)
{
	char buf[256], *tok, *save;
	struct gnode *n = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok && n;
	     tok = strtok_r(NULL, "/", &save))
		n = node_get(n, tok);
	if (!n) {
		errmsg("gen: internal error: no node %s", path);
		exit(EXIT_INVALID);
	}
	return n;
}

static void node_free(struct gnode *n)
{
	while (n) {
		struct gnode *next = n->next;
		struct gprop *p = n->props;

		while (p) {
			struct gprop *pn = p->next;

			free(p->name);
			free(p->val);
			free(p);
			p = pn;
		}
		node_free(n->kids);
		free(n->name);
		free(n);
		n = next;
	}
}

static void node_del(struct gnode *parent, const char *name)
{
	struct gnode **pp, *n;

	for (pp = &parent->kids; (n = *pp); pp = &n->next) {
		if (!strcmp(n->name, name)) {
			*pp = n->next;
			n->next = NULL;
			node_free(n);
			return;
		}
	}
}

/* Append a property even if one of that name exists (for DUP_PROP). */
static void prop_add(struct gnode *n, const char *name, const void *val,
		     int len)
{
	struct gprop *p = xmalloc(sizeof(*p)), **pp;

	p->name = xstrdup(name);
	p->val = xmalloc((size_t)len);
	memcpy(p->val, val, (size_t)len);
	p->len = len;
	for (pp = &n->props; *pp; pp = &(*pp)->next)
		;
	*pp = p;
}

/* Set (replace or append) a property. */
static void prop_set(struct gnode *n, const char *name, const void *val,
		     int len)
{
	struct gprop *p;

	for (p = n->props; p; p = p->next) {
		if (!strcmp(p->name, name)) {
			free(p->val);
			p->val = xmalloc((size_t)len);
			memcpy(p->val, val, (size_t)len);
			p->len = len;
			return;
		}
	}
	prop_add(n, name, val, len);
}

static void prop_del(struct gnode *n, const char *name)
{
	struct gprop **pp, *p;

	for (pp = &n->props; (p = *pp); pp = &p->next) {
		if (!strcmp(p->name, name)) {
			*pp = p->next;
			free(p->name);
			free(p->val);
			free(p);
			return;
		}
	}
}

/* Native-endian integers, as KHO writes them (not fdt64/cpu_to_fdt64). */
static void prop_u64(struct gnode *n, const char *name, uint64_t v)
{
	prop_set(n, name, &v, sizeof(v));
}

static void prop_u32(struct gnode *n, const char *name, uint32_t v)
{
	prop_set(n, name, &v, sizeof(v));
}

static void prop_str(struct gnode *n, const char *name, const char *s)
{
	prop_set(n, name, s, (int)strlen(s) + 1);
}

/* ---- serialising with the sequential-write API ------------------------- */

static int sw_node(void *fdt, const struct gnode *n)
{
	const struct gprop *p;
	const struct gnode *k;
	int err;

	err = fdt_begin_node(fdt, n->name);
	for (p = n->props; p && !err; p = p->next)
		err = fdt_property(fdt, p->name, p->val, p->len);
	for (k = n->kids; k && !err; k = k->next)
		err = sw_node(fdt, k);
	return err ? err : fdt_end_node(fdt);
}

/* The tree as an FDT in a malloc()ed buffer; *size = its totalsize. */
static void *serialise(const struct gnode *root, size_t *size)
{
	size_t cap = 4096;
	void *fdt;
	int err;

	for (;;) {
		fdt = aligned_alloc(8, cap);
		if (!fdt) {
			errmsg("out of memory");
			exit(EXIT_INVALID);
		}
		memset(fdt, 0, cap);
		err = fdt_create(fdt, (int)cap);
		if (!err)
			err = fdt_finish_reservemap(fdt);
		if (!err)
			err = sw_node(fdt, root);
		if (!err)
			err = fdt_finish(fdt);
		if (err != -FDT_ERR_NOSPACE)
			break;
		free(fdt);
		cap *= 2;
	}
	if (err) {
		errmsg("gen: libfdt: %s", fdt_strerror(err));
		exit(EXIT_INVALID);
	}
	*size = fdt_totalsize(fdt);
	return fdt;
}

/* ---- valid blobs -------------------------------------------------------- */

enum gen_kind { KIND_ANY = -1, KIND_KHO, KIND_LUO, KIND_MEMFD, KIND_COUNT };

static const char *const kind_names[KIND_COUNT] = {
	[KIND_KHO] = "kho",
	[KIND_LUO] = "luo",
	[KIND_MEMFD] = "memfd",
};

struct gen_opts {
	enum gen_kind kind;
	unsigned int files;
	unsigned int sessions;
	unsigned int folios;
};

/* Bytes of one file's folio table, its pages and chunks. */
static uint64_t table_bytes(const struct gen_opts *o)
{
	return (uint64_t)o->folios * sizeof(struct ho_memfd_folio);
}

static uint64_t table_pages(const struct gen_opts *o)
{
	return memfd_rfc_table_pages((uint64_t)o->folios, GEN_PAGE);
}

/* kho_preserve_vmalloc() starts a new chunk when one is full. */
static uint64_t table_chunks(const struct gen_opts *o)
{
	return table_pages(o) / GEN_PER_CHUNK + 1;
}

/* Where file k's table goes: its chunks, then its pages; "folios". */
static uint64_t table_addr(const struct gen_opts *o, unsigned int k)
{
	return GEN_TABLE_BASE +
	       k * (table_chunks(o) + table_pages(o)) * GEN_PAGE;
}

/* File k's folio table: one uptodate order-0 folio per page, in order. */
static struct ho_memfd_folio *build_table(const struct gen_opts *o,
					  unsigned int k)
{
	struct ho_memfd_folio *t = xmalloc(table_bytes(o));
	unsigned int j;

	for (j = 0; j < o->folios; j++) {
		t[j].phys = GEN_FOLIO_BASE +
			    ((uint64_t)k * o->folios + j) * GEN_PAGE;
		t[j].index = j;
		t[j].order = 0;
		t[j].flags = HO_FOLIO_UPTODATE;
	}
	return t;
}

static struct gnode *build_luo(const struct gen_opts *o)
{
	struct gnode *root = node_add(NULL, ""), *sub, *n;
	char name[32];
	unsigned int i;

	prop_str(root, "compatible", LUO_RFC_COMPATIBLE);
	prop_u64(root, LUO_RFC_PROP_COUNT, 1);

	sub = node_add(root, LUO_RFC_NODE_SUBSYSTEMS);
	n = node_add(sub, LUO_RFC_FILES_NAME);
	prop_str(n, "compatible", LUO_RFC_FILES_COMPATIBLE);
	prop_u64(n, LUO_RFC_PROP_DATA, 0);

	sub = node_add(root, LUO_RFC_NODE_SESSIONS);
	for (i = 0; i < o->sessions; i++) {
		char sname[32];

		snprintf(name, sizeof(name), "%x", i);
		snprintf(sname, sizeof(sname), "session-%u", i);
		n = node_add(sub, name);
		prop_str(n, LUO_RFC_PROP_NAME, sname);
	}

	sub = node_add(root, LUO_RFC_NODE_FILES);
	for (i = 0; i < o->files; i++) {
		snprintf(name, sizeof(name), "%x", i);
		n = node_add(sub, name);
		prop_str(n, "compatible", MEMFD_RFC_COMPATIBLE);
		prop_u64(n, LUO_RFC_PROP_TOKEN, 0x1000 + i);
		prop_u32(n, LUO_RFC_PROP_SESSION, i % o->sessions);
		prop_u64(n, LUO_RFC_PROP_DATA, GEN_MEMFD_ADDR(i));
	}
	return root;
}

/* blob-size: the size of the LUO blob gen makes with the same options. */
static struct gnode *build_kho(uint64_t luo_size)
{
	struct gnode *root = node_add(NULL, ""), *n;

	prop_str(root, "compatible", "kho-v4");
	prop_u64(root, "preserved-memory-map", GEN_MEMMAP_PTR);
	n = node_add(root, LUO_RFC_KHO_SUBTREE);
	prop_u64(n, "preserved-data", GEN_LUO_ADDR);
	prop_u64(n, "blob-size", luo_size);
	return root;
}

static struct gnode *build_memfd(const struct gen_opts *o, unsigned int k)
{
	struct gnode *root = node_add(NULL, "");

	prop_str(root, "compatible", MEMFD_RFC_COMPATIBLE);
	/* One order-0 folio per page, the last page half used. */
	prop_u64(root, MEMFD_RFC_PROP_SIZE,
		 o->folios ? o->folios * GEN_PAGE - 2048 : 0);
	/* F_SEAL_SEAL | F_SEAL_WRITE */
	prop_u32(root, MEMFD_RFC_PROP_SEALS, 0x1 | 0x8);
	prop_u64(root, MEMFD_RFC_PROP_FOLIOS,
		 o->folios ? table_addr(o, k) : 0);
	prop_u64(root, MEMFD_RFC_PROP_NR_FOLIOS, o->folios);
	return root;
}

/* ---- defects ------------------------------------------------------------ */

struct blob {
	void *fdt;
	size_t size;		/* bytes written out */
};

struct defect {
	const char *name;
	enum gen_kind kind;	/* KIND_ANY: applies to every kind */
	const char *help;
	void (*tree)(struct gnode *root);
	void (*bytes)(struct blob *b);
	/* File 0's folio table (n >= 2 entries); only with --out-dir. */
	void (*table)(struct ho_memfd_folio *t, unsigned int n);
	/*
	 * Instead of the radix tree keys of file 0's table (nchunks chunks
	 * at table, then its pages) and folios t[0 .. n); only with
	 * --out-dir.
	 */
	void (*radix)(const struct ho_memfd_folio *t, unsigned int n,
		      uint64_t table, uint64_t nchunks, uint64_t npages);
	/*
	 * File 0's chunks (nchunks pages, chunk j at table + j pages, the
	 * page list the kernel wrote) edited; only with --out-dir.
	 */
	void (*chain)(uint64_t *c, uint64_t table, uint64_t nchunks,
		      uint64_t npages);
};

/* Struct block offset of the first token after the root's FDT_BEGIN_NODE. */
static uint32_t first_prop_off(const struct blob *b)
{
	/* FDT_BEGIN_NODE, the empty root name padded to 4 bytes. */
	return fdt_off_dt_struct(b->fdt) + 8;
}

static void d_bad_magic(struct blob *b)
{
	fdt_set_magic(b->fdt, 0xd00dfeee);
}

static void d_bad_version(struct blob *b)
{
	fdt_set_version(b->fdt, 1);
	fdt_set_last_comp_version(b->fdt, 1);
}

static void d_truncated(struct blob *b)
{
	b->size /= 2;
}

static void d_short_header(struct blob *b)
{
	b->size = 20;
}

static void d_bad_layout(struct blob *b)
{
	fdt_set_off_dt_strings(b->fdt, fdt_totalsize(b->fdt) + 64);
}

static void d_bad_token(struct blob *b)
{
	uint32_t *tok = (uint32_t *)((char *)b->fdt + first_prop_off(b));

	*tok = cpu_to_fdt32(0x7);	/* no such token */
}

static void d_bad_prop_name(struct blob *b)
{
	/* FDT_PROP, len, nameoff: point nameoff past the strings block. */
	uint32_t *nameoff = (uint32_t *)((char *)b->fdt + first_prop_off(b) + 8);

	*nameoff = cpu_to_fdt32(fdt_size_dt_strings(b->fdt) + 100);
}

/*
 * Memory reservation entries {addr, size} inserted before the terminator
 * (the blobs are written with none, as KHO writes them); unterminated: the
 * terminator's size made 1, so the block runs into the structure block.
 */
static void insert_rsv(struct blob *b, const uint64_t (*e)[2], unsigned int n,
		       bool unterminated)
{
	uint32_t rsv = fdt_off_mem_rsvmap(b->fdt), add = 16 * n, i;
	uint8_t *p = xmalloc(b->size + add);
	fdt64_t v;

	memcpy(p, b->fdt, rsv);
	for (i = 0; i < n; i++) {
		v = cpu_to_fdt64(e[i][0]);
		memcpy(p + rsv + 16 * i, &v, 8);
		v = cpu_to_fdt64(e[i][1]);
		memcpy(p + rsv + 16 * i + 8, &v, 8);
	}
	memcpy(p + rsv + add, (uint8_t *)b->fdt + rsv, b->size - rsv);
	free(b->fdt);
	b->fdt = p;
	b->size += add;
	fdt_set_totalsize(b->fdt, fdt_totalsize(b->fdt) + add);
	fdt_set_off_dt_struct(b->fdt, fdt_off_dt_struct(b->fdt) + add);
	fdt_set_off_dt_strings(b->fdt, fdt_off_dt_strings(b->fdt) + add);
	if (unterminated) {
		v = cpu_to_fdt64(1);
		memcpy(p + rsv + add + 8, &v, 8);
	}
}

static void d_rsvmap_entry(struct blob *b)
{
	static const uint64_t e[][2] = { { GEN_FOLIO_BASE, GEN_PAGE } };

	insert_rsv(b, e, 1, false);
}

static void d_rsvmap_wrap(struct blob *b)
{
	static const uint64_t e[][2] = { { ~0ull - 0xfff, 0x2000 } };

	insert_rsv(b, e, 1, false);
}

static void d_rsvmap_overlap(struct blob *b)
{
	static const uint64_t e[][2] = {
		{ GEN_FOLIO_BASE + 0x2000, 0x1000 },
		{ GEN_FOLIO_BASE, 0x2001 },
	};

	insert_rsv(b, e, 2, false);
}

static void d_rsvmap_too_many(struct blob *b)
{
	uint64_t e[HO_FDT_MAX_RSV + 1][2];
	unsigned int i;

	for (i = 0; i <= HO_FDT_MAX_RSV; i++) {
		e[i][0] = GEN_FOLIO_BASE + (uint64_t)i * GEN_PAGE;
		e[i][1] = GEN_PAGE;
	}
	insert_rsv(b, (const uint64_t (*)[2])e, HO_FDT_MAX_RSV + 1, false);
}

static void d_rsvmap_unterminated(struct blob *b)
{
	insert_rsv(b, NULL, 0, true);
}

static void d_no_compatible(struct gnode *r)
{
	prop_del(r, "compatible");
}

static void d_kho_old_compatible(struct gnode *r)
{
	prop_str(r, "compatible", "kho-v3");
}

static void d_kho_no_memory_map(struct gnode *r)
{
	prop_del(r, "preserved-memory-map");
}

static void d_kho_memory_map_u32(struct gnode *r)
{
	prop_u32(r, "preserved-memory-map", (uint32_t)GEN_MEMMAP_PTR);
}

static void d_kho_memory_map_unaligned(struct gnode *r)
{
	prop_u64(r, "preserved-memory-map", GEN_MEMMAP_PTR + 8);
}

static void d_kho_memory_map_reserved(struct gnode *r)
{
	prop_u64(r, "preserved-memory-map", GEN_RESERVED_ADDR);
}

static void d_kho_unknown_prop(struct gnode *r)
{
	prop_u64(r, "preserved-memory-map-v2", GEN_MEMMAP_PTR);
}

static void d_kho_dup_prop(struct gnode *r)
{
	uint64_t v = GEN_MEMMAP_PTR;

	prop_add(r, "preserved-memory-map", &v, sizeof(v));
}

static void d_kho_no_luo(struct gnode *r)
{
	node_del(r, "luo-rfc");
}

static void d_kho_dup_subtree(struct gnode *r)
{
	struct gnode *n = node_add(r, "luo-rfc");

	prop_u64(n, "preserved-data", GEN_LUO_ADDR);
	prop_u64(n, "blob-size", 4096);
}

static void d_kho_no_blob_size(struct gnode *r)
{
	prop_del(node_path(r, "/luo-rfc"), "blob-size");
}

static void d_kho_blob_size_zero(struct gnode *r)
{
	prop_u64(node_path(r, "/luo-rfc"), "blob-size", 0);
}

static void d_kho_blob_wraps(struct gnode *r)
{
	struct gnode *n = node_path(r, "/luo-rfc");

	prop_u64(n, "preserved-data", 0xfffffffffffff000ull);
	prop_u64(n, "blob-size", 0x2000);
}

static void d_kho_blob_beyond_ram(struct gnode *r)
{
	/* Starts 16 bytes below the end of RAM, ends in the reserved range. */
	prop_u64(node_path(r, "/luo-rfc"), "preserved-data", GEN_RAM_END - 16);
}

static void d_kho_subtree_unknown_prop(struct gnode *r)
{
	prop_u64(node_path(r, "/luo-rfc"), "preserved-data-size", 1);
}

static void d_luo_count_zero(struct gnode *r)
{
	prop_u64(r, "liveupdate-count", 0);
}

/* The optional phase trace (<linux/kho/abi/luo_rfc_trace.h>) misnamed. */
static void d_luo_trace_zero(struct gnode *r)
{
	prop_u64(r, LUO_RFC_PROP_TRACE, 0);
}

static void d_luo_trace_unaligned(struct gnode *r)
{
	prop_u64(r, LUO_RFC_PROP_TRACE, GEN_FOLIO_BASE + 8);
}

static void d_luo_trace_u32(struct gnode *r)
{
	prop_u32(r, LUO_RFC_PROP_TRACE, 0x1000);
}

static void d_luo_no_sessions(struct gnode *r)
{
	node_del(r, "sessions");
}

static void d_luo_unknown_node(struct gnode *r)
{
	node_add(r, "handlers");
}

static void d_luo_dup_node(struct gnode *r)
{
	node_add(r, "subsystems");
}

static void d_luo_session_upper(struct gnode *r)
{
	struct gnode *n = node_add(node_path(r, "/sessions"), "A");

	prop_str(n, "name", "upper-case");
}

static void d_luo_session_zero_pad(struct gnode *r)
{
	struct gnode *n = node_add(node_path(r, "/sessions"), "01");

	prop_str(n, "name", "zero-padded");
}

static void d_luo_name_empty(struct gnode *r)
{
	prop_str(node_path(r, "/sessions/0"), "name", "");
}

static void d_luo_name_long(struct gnode *r)
{
	char name[65];

	memset(name, 'n', 64);
	name[64] = '\0';
	prop_str(node_path(r, "/sessions/0"), "name", name);
}

static void d_luo_name_no_nul(struct gnode *r)
{
	prop_set(node_path(r, "/sessions/0"), "name", "session", 7);
}

static void d_luo_name_embedded_nul(struct gnode *r)
{
	prop_set(node_path(r, "/sessions/0"), "name", "ses\0sion", 9);
}

static void d_luo_dup_session_name(struct gnode *r)
{
	struct gnode *n = node_add(node_path(r, "/sessions"), "ff");

	prop_str(n, "name", "session-0");
}

static void d_luo_bad_session_ref(struct gnode *r)
{
	prop_u32(node_path(r, "/file-descriptors/0"), "session", 0x77);
}

static void d_luo_session_u64(struct gnode *r)
{
	prop_u64(node_path(r, "/file-descriptors/0"), "session", 0);
}

static void d_luo_dup_token(struct gnode *r)
{
	struct gnode *fds = node_path(r, "/file-descriptors");
	struct gnode *n = node_add(fds, "fff");

	prop_str(n, "compatible", MEMFD_RFC_COMPATIBLE);
	prop_u64(n, "token", 0x1000);	/* the token of file 0, session 0 */
	prop_u32(n, "session", 0);
	prop_u64(n, "data", GEN_MEMFD_ADDR(0xfff));
}

static void d_luo_no_token(struct gnode *r)
{
	prop_del(node_path(r, "/file-descriptors/0"), "token");
}

static void d_luo_data_reserved(struct gnode *r)
{
	prop_u64(node_path(r, "/file-descriptors/0"), "data",
		 GEN_RESERVED_ADDR);
}

static void d_luo_subsystem_no_compatible(struct gnode *r)
{
	prop_del(node_path(r, "/subsystems/files"), "compatible");
}

static void d_memfd_seals(struct gnode *r)
{
	prop_u32(r, "seals", 0x40);
}

static void d_memfd_no_size(struct gnode *r)
{
	prop_del(r, "size");
}

static void d_memfd_folios_no_count(struct gnode *r)
{
	prop_u64(r, "folios", GEN_TABLE_BASE);
	prop_u64(r, "nr-folios", 0);
}

static void d_memfd_count_no_folios(struct gnode *r)
{
	prop_u64(r, "folios", 0);
	prop_u64(r, "nr-folios", 3);
}

static void d_memfd_folios_reserved(struct gnode *r)
{
	prop_u64(r, "folios", GEN_RESERVED_ADDR);
	prop_u64(r, "nr-folios", 1);
}

static void d_memfd_unknown_prop(struct gnode *r)
{
	prop_u32(r, "flags", 0);
}

static void d_kho_blob_size_small(struct gnode *r)
{
	prop_u64(node_path(r, "/luo-rfc"), "blob-size", 64);
}

static void d_luo_data_unmapped(struct gnode *r)
{
	prop_u64(node_path(r, "/file-descriptors/0"), "data", GEN_UNMAPPED_ADDR);
}

static void d_folio_unsorted(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[0].index = 1;
	t[1].index = 0;
}

static void d_folio_overlap(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[0].order = 1;		/* pages 0-1; t[1] is page 1 */
}

static void d_folio_unaligned(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[1].order = 1;		/* 8 KiB folio, its page is 4 KiB aligned */
	t[1].phys |= GEN_PAGE;
}

static void d_folio_order(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[0].order = HO_FOLIO_MAX_ORDER + 1;
}

static void d_folio_flags(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[0].flags |= 0x4;
}

static void d_folio_beyond_size(struct ho_memfd_folio *t, unsigned int n)
{
	t[n - 1].index = n;	/* the file has n pages: 0 .. n-1 */
}

static void d_folio_reserved(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[0].phys = GEN_RESERVED_ADDR;
}

static void d_kho_luo_unit_before(struct gnode *r)
{
	struct gnode *n = node_path(r, "/luo-rfc"), *m;

	/* the first match of fdt_subnode_offset("luo-rfc") is the kernel's */
	free(n->name);
	n->name = xstrdup("luo-rfc@0");
	m = node_add(r, "luo-rfc");
	prop_u64(m, "preserved-data", GEN_UNMAPPED_ADDR);
	prop_u64(m, "blob-size", 4096);
}

static void d_kho_other_unit_dup(struct gnode *r)
{
	struct gnode *n = node_add(r, "other");

	prop_u64(n, "preserved-data", GEN_FOLIO_BASE - 2 * GEN_PAGE);
	prop_u64(n, "blob-size", 64);
	n = node_add(r, "other@1");
	prop_u64(n, "preserved-data", GEN_FOLIO_BASE - 3 * GEN_PAGE);
	prop_u64(n, "blob-size", 64);
}

static void d_kho_memory_map_zero(struct gnode *r)
{
	prop_u64(r, "preserved-memory-map", 0);
}

static void d_kho_subtree_in_luo(struct gnode *r)
{
	struct gnode *n = node_add(r, "other");

	prop_u64(n, "preserved-data", GEN_LUO_ADDR + 64);
	prop_u64(n, "blob-size", 64);
}

static void d_luo_sessions_unit(struct gnode *r)
{
	node_add(r, "sessions@1");
}

static void d_luo_no_subsystems(struct gnode *r)
{
	node_del(r, "subsystems");
}

static void d_luo_session_index_big(struct gnode *r)
{
	struct gnode *n = node_path(r, "/sessions/0");

	free(n->name);
	n->name = xstrdup("100000000");	/* U32_MAX + 1 */
}

static void d_luo_compat_long(struct gnode *r)
{
	prop_str(node_path(r, "/file-descriptors/0"), "compatible",
		 "memfd-rfc-v2-and-a-compatible-past-32-bytes");
}

static void d_luo_data_unaligned(struct gnode *r)
{
	prop_u64(node_path(r, "/file-descriptors/0"), "data",
		 GEN_MEMFD_ADDR(0) + 8);
}

static void d_luo_data_zero(struct gnode *r)
{
	prop_u64(node_path(r, "/file-descriptors/0"), "data", 0);
}

static void d_luo_shared_memfd(struct gnode *r)
{
	struct gnode *n = node_add(node_path(r, "/file-descriptors"), "77");

	prop_str(n, "compatible", MEMFD_RFC_COMPATIBLE);
	prop_u64(n, "token", 0x77);
	prop_u32(n, "session", 0);
	prop_u64(n, "data", GEN_MEMFD_ADDR(0));
}

static void d_memfd_size_huge(struct gnode *r)
{
	prop_u64(r, "size", 1ull << 63);
}

static void d_memfd_seals_high(struct gnode *r)
{
	prop_u32(r, "seals", 0x80000001u);
}

static void d_memfd_folios_unaligned(struct gnode *r)
{
	struct gprop *p;
	uint64_t v;

	for (p = r->props; p && strcmp(p->name, "folios"); p = p->next)
		;
	memcpy(&v, p->val, sizeof(v));
	prop_u64(r, "folios", v + 8);
}

static void d_folio_index_unaligned(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[1].order = 1;		/* pages 1-2: not a multiple of 2 */
	t[1].phys = GEN_FOLIO_BASE + 0x8000000;
	t[1].index = 1;
}

static void d_folio_index_wrap(struct ho_memfd_folio *t, unsigned int n)
{
	t[n - 1].index = ~0ull;	/* index + 1 wraps to 0 */
}

static void d_folio_same_phys(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[1].phys = t[0].phys;
}

static void d_folio_on_luo(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[0].phys = GEN_LUO_ADDR;
}

static void d_folio_on_table(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[0].phys = GEN_TABLE_BASE;	/* file 0's own table: its chunk */
}

static void d_folio_zero(struct ho_memfd_folio *t, unsigned int n)
{
	(void)n;
	t[0].phys = 0;
}

static void tree_add(uint64_t phys, uint32_t order);
static uint32_t block_order(uint64_t bytes);

/* The keys kho_preserve_vmalloc() adds: each chunk and page, order 0. */
static void tree_add_table(uint64_t table, uint64_t nchunks, uint64_t npages)
{
	uint64_t j;

	for (j = 0; j < nchunks + npages; j++)
		tree_add(table + j * GEN_PAGE, 0);
}

static void d_radix_folio_missing(const struct ho_memfd_folio *t,
				  unsigned int n, uint64_t table,
				  uint64_t nchunks, uint64_t npages)
{
	unsigned int j;

	tree_add_table(table, nchunks, npages);
	for (j = 1; j < n; j++)
		tree_add(t[j].phys, t[j].order);
}

static void d_radix_folio_order(const struct ho_memfd_folio *t,
				unsigned int n, uint64_t table,
				uint64_t nchunks, uint64_t npages)
{
	d_radix_folio_missing(t, n, table, nchunks, npages);
	tree_add(t[0].phys, t[0].order + 1);
}

static void d_radix_folio_two_orders(const struct ho_memfd_folio *t,
				     unsigned int n, uint64_t table,
				     uint64_t nchunks, uint64_t npages)
{
	d_radix_folio_order(t, n, table, nchunks, npages);
	tree_add(t[0].phys, t[0].order);
}

static void d_radix_table_missing(const struct ho_memfd_folio *t,
				  unsigned int n, uint64_t table,
				  uint64_t nchunks, uint64_t npages)
{
	unsigned int j;

	(void)table;
	(void)nchunks;
	(void)npages;
	for (j = 0; j < n; j++)
		tree_add(t[j].phys, t[j].order);
}

/* The table's first page preserved, not its chunk (kho_restore_pages()). */
static void d_radix_chunk_missing(const struct ho_memfd_folio *t,
				  unsigned int n, uint64_t table,
				  uint64_t nchunks, uint64_t npages)
{
	unsigned int j;

	tree_add_table(table + nchunks * GEN_PAGE, 0, npages);
	for (j = 0; j < n; j++)
		tree_add(t[j].phys, t[j].order);
}

/* The chunk's last page entry cleared: one page short of total_pages. */
static void d_chain_short(uint64_t *c, uint64_t table, uint64_t nchunks,
			  uint64_t npages)
{
	(void)table;
	(void)nchunks;
	c[(npages - 1) / GEN_PER_CHUNK * (GEN_PAGE / 8) + 1 +
	  (npages - 1) % GEN_PER_CHUNK] = 0;
}

/* The last chunk's next pointer back at the first chunk. */
static void d_chain_loop(uint64_t *c, uint64_t table, uint64_t nchunks,
			 uint64_t npages)
{
	(void)npages;
	c[(nchunks - 1) * (GEN_PAGE / 8)] = table;
}

/* A second page address in the chunk: 4 KiB past the table's last page. */
static void d_chain_long(uint64_t *c, uint64_t table, uint64_t nchunks,
			 uint64_t npages)
{
	c[(nchunks - 1) * (GEN_PAGE / 8) + 1 + npages % GEN_PER_CHUNK] =
		table + (nchunks + npages) * GEN_PAGE;
}

#define DEFECT_TREE(n, k, h, fn) { .name = n, .kind = k, .help = h, .tree = fn }
#define DEFECT_BYTES(n, h, fn) { .name = n, .kind = KIND_ANY, .help = h, .bytes = fn }
#define DEFECT_TABLE(n, h, fn) { .name = n, .kind = KIND_MEMFD, .help = h, .table = fn }
#define DEFECT_RADIX(n, h, fn) { .name = n, .kind = KIND_MEMFD, .help = h, .radix = fn }
#define DEFECT_CHAIN(n, h, fn) { .name = n, .kind = KIND_MEMFD, .help = h, .chain = fn }

static const struct defect defects[] = {
	/* FDT structure, any kind. */
	DEFECT_BYTES("bad-magic", "FDT magic is not 0xd00dfeed", d_bad_magic),
	DEFECT_BYTES("bad-version", "FDT version 1", d_bad_version),
	DEFECT_BYTES("truncated", "file is half of totalsize", d_truncated),
	DEFECT_BYTES("short-header", "file shorter than the FDT header", d_short_header),
	DEFECT_BYTES("bad-layout", "strings block beyond totalsize", d_bad_layout),
	DEFECT_BYTES("bad-token", "unknown token in the structure block", d_bad_token),
	DEFECT_BYTES("bad-prop-name", "property name offset past the strings", d_bad_prop_name),
	DEFECT_TREE("no-compatible", KIND_ANY, "root has no compatible", d_no_compatible),
	/* The memory reservation block (nothing reads it in a handover blob). */
	DEFECT_BYTES("rsvmap-entry", "one memory reservation entry", d_rsvmap_entry),
	DEFECT_BYTES("rsvmap-wrap", "memreserve entry wrapping past 2^64", d_rsvmap_wrap),
	DEFECT_BYTES("rsvmap-overlap", "two memreserve entries overlap", d_rsvmap_overlap),
	DEFECT_BYTES("rsvmap-too-many", "33 memreserve entries (limit 32)", d_rsvmap_too_many),
	DEFECT_BYTES("rsvmap-unterminated", "memreserve block runs into the structure block", d_rsvmap_unterminated),
	/* kho-v4 */
	DEFECT_TREE("kho-old-compatible", KIND_KHO, "root compatible \"kho-v3\"", d_kho_old_compatible),
	DEFECT_TREE("kho-no-memory-map", KIND_KHO, "no preserved-memory-map", d_kho_no_memory_map),
	DEFECT_TREE("kho-memory-map-u32", KIND_KHO, "preserved-memory-map is 4 bytes", d_kho_memory_map_u32),
	DEFECT_TREE("kho-memory-map-unaligned", KIND_KHO, "preserved-memory-map not page aligned", d_kho_memory_map_unaligned),
	DEFECT_TREE("kho-memory-map-reserved", KIND_KHO, "preserved-memory-map in reserved memory", d_kho_memory_map_reserved),
	DEFECT_TREE("kho-unknown-prop", KIND_KHO, "unknown root property", d_kho_unknown_prop),
	DEFECT_TREE("kho-dup-prop", KIND_KHO, "preserved-memory-map twice", d_kho_dup_prop),
	DEFECT_TREE("kho-no-luo", KIND_KHO, "no luo-rfc subtree", d_kho_no_luo),
	DEFECT_TREE("kho-dup-subtree", KIND_KHO, "two luo-rfc subtree nodes", d_kho_dup_subtree),
	DEFECT_TREE("kho-no-blob-size", KIND_KHO, "subtree without blob-size", d_kho_no_blob_size),
	DEFECT_TREE("kho-blob-size-zero", KIND_KHO, "subtree blob-size 0", d_kho_blob_size_zero),
	DEFECT_TREE("kho-blob-wraps", KIND_KHO, "preserved-data + blob-size wraps", d_kho_blob_wraps),
	DEFECT_TREE("kho-blob-beyond-ram", KIND_KHO, "subtree blob runs past the end of RAM", d_kho_blob_beyond_ram),
	DEFECT_TREE("kho-subtree-unknown-prop", KIND_KHO, "unknown subtree property", d_kho_subtree_unknown_prop),
	/* luo-rfc-v1 */
	DEFECT_TREE("luo-count-zero", KIND_LUO, "liveupdate-count 0", d_luo_count_zero),
	DEFECT_TREE("luo-trace-zero", KIND_LUO, "trace property 0", d_luo_trace_zero),
	DEFECT_TREE("luo-trace-unaligned", KIND_LUO, "trace property not page aligned", d_luo_trace_unaligned),
	DEFECT_TREE("luo-trace-u32", KIND_LUO, "trace property of 4 bytes", d_luo_trace_u32),
	DEFECT_TREE("luo-no-sessions", KIND_LUO, "no /sessions node", d_luo_no_sessions),
	DEFECT_TREE("luo-unknown-node", KIND_LUO, "unknown node /handlers", d_luo_unknown_node),
	DEFECT_TREE("luo-dup-node", KIND_LUO, "/subsystems twice", d_luo_dup_node),
	DEFECT_TREE("luo-session-upper", KIND_LUO, "session node named \"A\"", d_luo_session_upper),
	DEFECT_TREE("luo-session-zero-pad", KIND_LUO, "session node named \"01\"", d_luo_session_zero_pad),
	DEFECT_TREE("luo-name-empty", KIND_LUO, "session name \"\"", d_luo_name_empty),
	DEFECT_TREE("luo-name-long", KIND_LUO, "session name of 64 bytes", d_luo_name_long),
	DEFECT_TREE("luo-name-no-nul", KIND_LUO, "session name without its NUL", d_luo_name_no_nul),
	DEFECT_TREE("luo-name-embedded-nul", KIND_LUO, "session name with a NUL inside", d_luo_name_embedded_nul),
	DEFECT_TREE("luo-dup-session-name", KIND_LUO, "two sessions named session-0", d_luo_dup_session_name),
	DEFECT_TREE("luo-bad-session-ref", KIND_LUO, "file in session 0x77 (no such node)", d_luo_bad_session_ref),
	DEFECT_TREE("luo-session-u64", KIND_LUO, "file's session is 8 bytes", d_luo_session_u64),
	DEFECT_TREE("luo-dup-token", KIND_LUO, "two files of session 0 with one token", d_luo_dup_token),
	DEFECT_TREE("luo-no-token", KIND_LUO, "file without token", d_luo_no_token),
	DEFECT_TREE("luo-data-reserved", KIND_LUO, "file data in reserved memory", d_luo_data_reserved),
	DEFECT_TREE("luo-subsystem-no-compatible", KIND_LUO, "subsystem without compatible", d_luo_subsystem_no_compatible),
	/* memfd-rfc-v2 */
	DEFECT_TREE("memfd-seals", KIND_MEMFD, "seals 0x40 (unknown F_SEAL bit)", d_memfd_seals),
	DEFECT_TREE("memfd-no-size", KIND_MEMFD, "no size", d_memfd_no_size),
	DEFECT_TREE("memfd-folios-no-count", KIND_MEMFD, "folios set, nr-folios 0", d_memfd_folios_no_count),
	DEFECT_TREE("memfd-count-no-folios", KIND_MEMFD, "nr-folios 3, folios 0", d_memfd_count_no_folios),
	DEFECT_TREE("memfd-folios-reserved", KIND_MEMFD, "folio table in reserved memory", d_memfd_folios_reserved),
	DEFECT_TREE("memfd-unknown-prop", KIND_MEMFD, "unknown property flags", d_memfd_unknown_prop),
	/* Only seen when blobs are followed: gen --out-dir, check --phys. */
	DEFECT_TREE("kho-blob-size-small", KIND_KHO, "blob-size 64, less than the LUO FDT", d_kho_blob_size_small),
	DEFECT_TREE("luo-data-unmapped", KIND_LUO, "file data where no blob is", d_luo_data_unmapped),
	DEFECT_TABLE("folio-unsorted", "folio table not sorted by index", d_folio_unsorted),
	DEFECT_TABLE("folio-overlap", "two folios cover page 1", d_folio_overlap),
	DEFECT_TABLE("folio-unaligned", "8 KiB folio at a 4 KiB boundary", d_folio_unaligned),
	DEFECT_TABLE("folio-order", "folio order above the maximum", d_folio_order),
	DEFECT_TABLE("folio-flags", "folio flag bit 2", d_folio_flags),
	DEFECT_TABLE("folio-beyond-size", "folio past the file size", d_folio_beyond_size),
	DEFECT_TABLE("folio-reserved", "folio in reserved memory", d_folio_reserved),
	/* What the receiving kernel relies on (issues 11 and 16). */
	DEFECT_TREE("kho-luo-unit-before", KIND_KHO, "luo-rfc@0 before luo-rfc", d_kho_luo_unit_before),
	DEFECT_TREE("kho-other-unit-dup", KIND_KHO, "subtrees other and other@1", d_kho_other_unit_dup),
	DEFECT_TREE("kho-memory-map-zero", KIND_KHO, "preserved-memory-map 0 with a subtree", d_kho_memory_map_zero),
	DEFECT_TREE("kho-subtree-in-luo", KIND_KHO, "a subtree blob inside the LUO blob", d_kho_subtree_in_luo),
	DEFECT_TREE("luo-sessions-unit", KIND_LUO, "node sessions@1 beside sessions", d_luo_sessions_unit),
	DEFECT_TREE("luo-no-subsystems", KIND_LUO, "no /subsystems node", d_luo_no_subsystems),
	DEFECT_TREE("luo-session-index-big", KIND_LUO, "session node 100000000 (> U32_MAX)", d_luo_session_index_big),
	DEFECT_TREE("luo-compat-long", KIND_LUO, "file compatible past LUO_NAME_MAX", d_luo_compat_long),
	DEFECT_TREE("luo-data-unaligned", KIND_LUO, "memfd data not page aligned", d_luo_data_unaligned),
	DEFECT_TREE("luo-data-zero", KIND_LUO, "memfd data 0", d_luo_data_zero),
	DEFECT_TREE("luo-shared-memfd", KIND_LUO, "two files with one memfd blob", d_luo_shared_memfd),
	DEFECT_TREE("memfd-size-huge", KIND_MEMFD, "size 2^63 (> MAX_LFS_FILESIZE)", d_memfd_size_huge),
	DEFECT_TREE("memfd-seals-high", KIND_MEMFD, "seals bit 31", d_memfd_seals_high),
	DEFECT_TREE("memfd-folios-unaligned", KIND_MEMFD, "folio table not page aligned", d_memfd_folios_unaligned),
	DEFECT_TABLE("folio-index-unaligned", "order-1 folio at index 1", d_folio_index_unaligned),
	DEFECT_TABLE("folio-index-wrap", "folio index 2^64-1", d_folio_index_wrap),
	DEFECT_TABLE("folio-same-phys", "two folios at one address", d_folio_same_phys),
	DEFECT_TABLE("folio-on-luo", "a folio on the LUO blob", d_folio_on_luo),
	DEFECT_TABLE("folio-on-table", "a folio on its own folio table", d_folio_on_table),
	DEFECT_TABLE("folio-zero", "a folio at physical address 0", d_folio_zero),
	/* KHO's preserved-page radix tree disagrees with the table. */
	DEFECT_RADIX("radix-folio-missing", "folio 0 not in KHO's radix tree", d_radix_folio_missing),
	DEFECT_RADIX("radix-folio-order", "folio 0 preserved at order 1, table says 0", d_radix_folio_order),
	DEFECT_RADIX("radix-folio-two-orders", "folio 0 preserved at orders 0 and 1", d_radix_folio_two_orders),
	DEFECT_RADIX("radix-table-missing", "folio table not in KHO's radix tree", d_radix_table_missing),
	/* The folio table's kho_vmalloc chunk chain (kho_restore_vmalloc()). */
	DEFECT_RADIX("radix-chunk-missing", "folio table chunk not in KHO's radix tree", d_radix_chunk_missing),
	DEFECT_CHAIN("memfd-chain-short", "folio table chunk lists one page fewer than its pages", d_chain_short),
	DEFECT_CHAIN("memfd-chain-long", "folio table chunk lists one page more than its pages", d_chain_long),
	DEFECT_CHAIN("memfd-chain-loop", "folio table chunk chain loops back to its first chunk", d_chain_loop),
};

#define NDEFECTS ARRAY_SIZE(defects)

/* ---- the command -------------------------------------------------------- */

static const char gen_usage[] =
"Usage: " PROG " gen [--kind kho|luo|memfd|luo-v5] [--defect NAME] [--files N]\n"
"                   [--sessions N] [--folios N] [--memmap-out FILE]\n"
"                   [-o FILE | --out-dir DIR]\n"
"       " PROG " gen --list-defects\n"
"Write a synthetic handover FDT (default: a valid kho-v4 root) to FILE or\n"
"stdout. --kind picks the blob: kho (KHO root), luo (luo-rfc-v1), memfd\n"
"(memfd-rfc-v2); a kind-specific defect implies its kind. --files (default 2),\n"
"--sessions (default 1) and --folios (default 4) size the blob.\n"
"--memmap-out writes the memory map the blob's addresses assume, for\n"
"\"" PROG " check --memmap\".\n"
"--out-dir writes the whole handover: DIR/kho.dtb, DIR/memmap.txt and the\n"
"blobs it reaches as DIR/phys/<address>.bin, for \"" PROG " check --memmap\n"
"DIR/memmap.txt --phys DIR/phys DIR/kho.dtb\"; the defect goes into the\n"
"blob of its kind (file 0's for memfd and folio defects). It also writes\n"
"DIR/kho_data.bin (x86 struct kho_data; the KHO FDT and a one-range scratch\n"
"table in DIR/phys) for \"check --kho-data\".\n"
"--kind luo-v5 (needs --out-dir) writes upstream LUO's handover instead: the\n"
"KHO root's \"LUO\" entry, --sessions (default 2) sessions sharing --files\n"
"(default 4) memfd-v2 files of --folios (default 4) folios, one FLB; the v5-*\n"
"defects imply it.\n";

static int parse_count(const char *opt, const char *s, unsigned int *v)
{
	uint64_t x;

	if (parse_u64(s, &x) || x > GEN_MAX_COUNT) {
		errmsg("gen: %s wants a number from 0 to %d, not '%s'", opt,
		       GEN_MAX_COUNT, s);
		return -1;
	}
	*v = (unsigned int)x;
	return 0;
}

static void list_defects(void)
{
	size_t i;

	for (i = 0; i < NDEFECTS; i++)
		printf("%-28s %-5s %s\n", defects[i].name,
		       defects[i].kind == KIND_ANY ? "any" :
		       kind_names[defects[i].kind], defects[i].help);
	gen_v5_list_defects();
}

/* Serialise root (freed) with d applied when apply; exits on failure. */
static struct blob make_blob(struct gnode *root, const struct defect *d,
			     bool apply)
{
	struct blob b;

	if (apply && d && d->tree)
		d->tree(root);
	b.fdt = serialise(root, &b.size);
	node_free(root);
	if (apply && d && d->bytes)
		d->bytes(&b);
	return b;
}

static int write_one(const char *out, const struct gen_opts *o,
		     const struct defect *d)
{
	struct blob b, luo;
	int rc = EXIT_OK;

	switch (o->kind) {
	case KIND_LUO:
		b = make_blob(build_luo(o), d, true);
		break;
	case KIND_MEMFD:
		b = make_blob(build_memfd(o, 0), d, true);
		break;
	default:
		luo = make_blob(build_luo(o), NULL, false);
		free(luo.fdt);
		b = make_blob(build_kho(luo.size), d, true);
		break;
	}
	if (write_file(out, b.fdt, b.size))
		rc = EXIT_USAGE;
	free(b.fdt);
	return rc;
}

/* DIR/phys/<addr>.bin, the layout "check --phys DIR/phys" reads. */
int gen_write_phys(const char *dir, uint64_t addr, const void *buf,
		   size_t size)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/phys/0x%" PRIx64 ".bin", dir, addr);
	return write_file(path, buf, size);
}

/* KHO's radix tree, built in memory and written as pages with the blobs. */
struct gen_tree {
	struct ho_radix_geom g;
	uint8_t *pages;		/* [0]: the root at GEN_MEMMAP_PTR */
	unsigned int n;
};

static struct gen_tree tree;

static uint64_t tree_alloc(void *ctx)
{
	struct gen_tree *t = ctx;

	if (t->n == GEN_TREE_MAX)
		return 0;
	return GEN_TREE_BASE + (uint64_t)(t->n++ - 1) * GEN_PAGE;
}

static void *tree_map(void *ctx, uint64_t phys)
{
	struct gen_tree *t = ctx;
	uint64_t i = phys == GEN_MEMMAP_PTR ? 0 :
		     (phys - GEN_TREE_BASE) / GEN_PAGE + 1;

	return t->pages + i * GEN_PAGE;
}

/* 2^order pages at phys preserved (as the kernel can: aligned only). */
static void tree_add(uint64_t phys, uint32_t order)
{
	if (order > tree.g.max_order || (phys & ((GEN_PAGE << order) - 1)))
		return;
	if (ho_radix_insert(&tree.g, GEN_MEMMAP_PTR,
			    ho_radix_key(&tree.g, phys, order), tree_alloc,
			    tree_map, &tree)) {
		errmsg("gen: radix tree larger than %d pages", GEN_TREE_MAX);
		exit(EXIT_INVALID);
	}
}

/* get_order(): the kho_alloc_preserve() block holding bytes. */
static uint32_t block_order(uint64_t bytes)
{
	uint32_t o = 0;

	while ((GEN_PAGE << o) < bytes)
		o++;
	return o;
}

static int write_tree(const char *dir)
{
	unsigned int i;
	int err = gen_write_phys(dir, GEN_MEMMAP_PTR, tree.pages, GEN_PAGE);

	for (i = 1; i < tree.n && !err; i++)
		err = gen_write_phys(dir, GEN_TREE_BASE + (uint64_t)(i - 1) *
				 GEN_PAGE, tree.pages + i * GEN_PAGE,
				 GEN_PAGE);
	return err;
}

uint64_t gen_vmalloc(uint64_t npages, uint64_t *pages,
		     const struct gen_vmalloc_ops *ops, void *ctx,
		     uint64_t *last)
{
	uint64_t first, chunk, next, *c, i, e = 0;

	*last = 0;
	if (!npages)
		return 0;
	first = chunk = ops->chunk(ctx);
	c = ops->map(ctx, chunk);
	for (i = 0; i < npages; i++) {
		pages[i] = ops->page(ctx);
		c[1 + e++] = pages[i];
		if (e == GEN_PER_CHUNK) {	/* new_vmalloc_chunk() */
			next = ops->chunk(ctx);
			c[0] = next;
			chunk = next;
			c = ops->map(ctx, chunk);
			e = 0;
		}
	}
	*last = chunk;
	return first;
}

/* write_table()'s layout: the chunks from the table's address, then pages. */
struct table_mem {
	uint64_t table, nchunks, chunks, pages;
	uint64_t *c;
};

static uint64_t table_chunk(void *ctx)
{
	struct table_mem *m = ctx;

	return m->table + m->chunks++ * GEN_PAGE;
}

static uint64_t table_page(void *ctx)
{
	struct table_mem *m = ctx;

	return m->table + (m->nchunks + m->pages++) * GEN_PAGE;
}

static uint64_t *table_map(void *ctx, uint64_t chunk)
{
	struct table_mem *m = ctx;

	return m->c + (chunk - m->table) / 8;
}

static const struct gen_vmalloc_ops table_ops = {
	table_chunk, table_page, table_map,
};

/*
 * File k's folio table t as kho_preserve_vmalloc() leaves it: its chunks
 * (table_chunks()) at table_addr(), its pages after them, each written
 * out.
 */
static int write_table(const char *dir, const struct gen_opts *o,
		       const struct defect *d, bool mine, unsigned int k,
		       const struct ho_memfd_folio *t)
{
	struct table_mem m = { table_addr(o, k), table_chunks(o), 0, 0, 0 };
	uint64_t np = table_pages(o), last, *pa;
	uint8_t *pages;
	int err;

	m.c = xmalloc(m.nchunks * GEN_PAGE);
	memset(m.c, 0, m.nchunks * GEN_PAGE);
	pa = xmalloc(np * sizeof(*pa));
	gen_vmalloc(np, pa, &table_ops, &m, &last);
	free(pa);
	if (mine && d && d->chain)
		d->chain(m.c, m.table, m.nchunks, np);
	pages = xmalloc(np * GEN_PAGE);
	memset(pages, 0, np * GEN_PAGE);
	memcpy(pages, t, table_bytes(o));
	err = gen_write_phys(dir, m.table, m.c, m.nchunks * GEN_PAGE);
	if (!err)
		err = gen_write_phys(dir, m.table + m.nchunks * GEN_PAGE, pages,
				     np * GEN_PAGE);
	free(pages);
	free(m.c);
	return err;
}

/* File k's memfd FDT at addr and its folio table. */
static int write_memfd(const char *dir, const struct gen_opts *o,
		       const struct defect *d, unsigned int k, uint64_t addr)
{
	bool mine = k == 0 && o->kind == KIND_MEMFD;
	struct ho_memfd_folio *t;
	struct blob b;
	unsigned int j;
	int err;

	b = make_blob(build_memfd(o, k), d, mine);
	err = gen_write_phys(dir, addr, b.fdt, b.size);
	free(b.fdt);
	tree_add(addr, 0);	/* kho_alloc_preserve(PAGE_SIZE) */
	if (err || !o->folios)
		return err;
	t = build_table(o, k);
	if (mine && d && d->table)
		d->table(t, o->folios);
	if (mine && d && d->radix) {
		d->radix(t, o->folios, table_addr(o, k), table_chunks(o),
			 table_pages(o));
	} else {
		tree_add_table(table_addr(o, k), table_chunks(o),
			       table_pages(o));
		for (j = 0; j < o->folios; j++)
			tree_add(t[j].phys, t[j].order);
	}
	err = write_table(dir, o, d, mine, k, t);
	free(t);
	return err;
}

static int make_dirs(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/phys", dir);
	if ((mkdir(dir, 0777) && errno != EEXIST) ||
	    (mkdir(path, 0777) && errno != EEXIST)) {
		errmsg("gen: %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * kho.dtb, memmap.txt and the handover descriptor the stage sees
 * (struct ho_handover's four u64: FDT and scratch address and size, what
 * the x86 boot data carries): DIR/kho_data.bin, with the KHO FDT and the
 * scratch table in phys/.
 */
int gen_write_root(const char *dir, const void *kho, size_t size)
{
	const struct ho_scratch sc = { GEN_SCRATCH_RANGE, GEN_SCRATCH_RANGE };
	const struct ho_handover kd = { GEN_KHO_ADDR, size, GEN_SCRATCH_ADDR,
					sizeof(sc) };
	char path[4096];

	if (make_dirs(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/kho.dtb", dir);
	if (write_file(path, kho, size))
		return -1;
	snprintf(path, sizeof(path), "%s/memmap.txt", dir);
	if (write_file(path, gen_memmap, sizeof(gen_memmap) - 1))
		return -1;
	snprintf(path, sizeof(path), "%s/kho_data.bin", dir);
	if (gen_write_phys(dir, GEN_KHO_ADDR, kho, size) ||
	    gen_write_phys(dir, GEN_SCRATCH_ADDR, &sc, sizeof(sc)))
		return -1;
	return write_file(path, &kd, sizeof(kd));
}

/*
 * The whole handover under dir: kho.dtb, kho_data.bin, memmap.txt and phys/:
 * the KHO FDT and scratch table, the LUO blob,
 * then a memfd FDT and a folio table for every file node of the (possibly
 * defective) LUO tree, at its data address unless that is
 * GEN_UNMAPPED_ADDR.
 */
static int write_handover(const char *dir, const struct gen_opts *o,
			  const struct defect *d)
{
	struct gnode *luo_root, *fds, *n;
	struct blob luo, kho;
	struct gprop *p;
	unsigned int k = 0;
	uint64_t addr;
	int err = 0;

	if (make_dirs(dir))
		return EXIT_USAGE;
	ho_radix_geom_init(&tree.g, GEN_PAGE);
	tree.pages = xmalloc(GEN_TREE_MAX * GEN_PAGE);
	tree.n = 1;

	luo_root = build_luo(o);
	if (o->kind == KIND_LUO && d && d->tree)
		d->tree(luo_root);
	fds = node_get(luo_root, "file-descriptors");
	for (n = fds ? fds->kids : NULL; n && !err; n = n->next, k++) {
		for (p = n->props; p && strcmp(p->name, "data"); p = p->next)
			;
		if (!p || p->len != sizeof(addr))
			continue;
		memcpy(&addr, p->val, sizeof(addr));
		if (addr != GEN_UNMAPPED_ADDR)
			err = write_memfd(dir, o, d, k, addr);
		else	/* preserved, but out of the stage's reach */
			tree_add(addr, 0);
	}
	luo = make_blob(luo_root, d, false);
	if (o->kind == KIND_LUO && d && d->bytes)
		d->bytes(&luo);
	if (!err)
		err = gen_write_phys(dir, GEN_LUO_ADDR, luo.fdt, luo.size);
	tree_add(GEN_LUO_ADDR, block_order(luo.size));
	if (!err)
		err = write_tree(dir);
	free(tree.pages);

	kho = make_blob(build_kho(luo.size), d, o->kind == KIND_KHO);
	if (!err)
		err = gen_write_root(dir, kho.fdt, kho.size);
	free(luo.fdt);
	free(kho.fdt);
	return err ? EXIT_USAGE : EXIT_OK;
}

int cmd_gen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "defect", required_argument, NULL, 'd' },
		{ "files", required_argument, NULL, 'f' },
		{ "sessions", required_argument, NULL, 's' },
		{ "folios", required_argument, NULL, 'F' },
		{ "memmap-out", required_argument, NULL, 'm' },
		{ "out-dir", required_argument, NULL, 'O' },
		{ "output", required_argument, NULL, 'o' },
		{ "list-defects", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gen_opts o = { .kind = KIND_ANY, .files = 2, .sessions = 1,
			      .folios = 4 };
	const char *out = "-", *memmap_out = NULL, *out_dir = NULL;
	const struct defect *d = NULL;
	bool sessions_set = false, files_set = false, v5 = false;
	int c, k, rc, v5_defect = -1;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (!strcmp(optarg, "luo-v5")) {
				v5 = true;
				break;
			}
			for (k = 0; k < KIND_COUNT; k++)
				if (!strcmp(optarg, kind_names[k]))
					break;
			if (k == KIND_COUNT) {
				errmsg("gen: unknown kind '%s' (kho, luo, memfd or luo-v5)",
				       optarg);
				return EXIT_USAGE;
			}
			o.kind = k;
			break;
		case 'd':
			for (i = 0; i < NDEFECTS; i++)
				if (!strcmp(optarg, defects[i].name))
					break;
			v5_defect = gen_v5_defect(optarg);
			if (v5_defect > 0) {
				v5 = true;
				break;
			}
			if (i == NDEFECTS) {
				errmsg("gen: unknown defect '%s' (see --list-defects)",
				       optarg);
				return EXIT_USAGE;
			}
			d = &defects[i];
			break;
		case 'f':
			if (parse_count("--files", optarg, &o.files))
				return EXIT_USAGE;
			files_set = true;
			break;
		case 's':
			if (parse_count("--sessions", optarg, &o.sessions))
				return EXIT_USAGE;
			sessions_set = true;
			break;
		case 'F':
			if (parse_count("--folios", optarg, &o.folios))
				return EXIT_USAGE;
			break;
		case 'm':
			memmap_out = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'O':
			out_dir = optarg;
			break;
		case 'l':
			list_defects();
			return EXIT_OK;
		case 'h':
			fputs(gen_usage, stdout);
			return EXIT_OK;
		default:
			fputs(gen_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		errmsg("gen: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (v5) {
		if (!out_dir || o.kind != KIND_ANY || d) {
			errmsg("gen: --kind luo-v5 needs --out-dir, no other kind or defect");
			return EXIT_USAGE;
		}
		rc = gen_v5(out_dir, files_set ? o.files : 4,
			    sessions_set ? o.sessions : 2, o.folios, v5_defect);
		if (!rc && memmap_out &&
		    write_file(memmap_out, gen_memmap, sizeof(gen_memmap) - 1))
			rc = EXIT_USAGE;
		return rc;
	}
	if (d && d->kind != KIND_ANY) {
		if (o.kind != KIND_ANY && o.kind != d->kind) {
			errmsg("gen: defect %s is for --kind %s", d->name,
			       kind_names[d->kind]);
			return EXIT_USAGE;
		}
		o.kind = d->kind;
	}
	if (o.kind == KIND_ANY)
		o.kind = KIND_KHO;
	if (!sessions_set && !o.files)
		o.sessions = 0;
	if (o.files && !o.sessions) {
		errmsg("gen: files need at least one session");
		return EXIT_USAGE;
	}
	/* The LUO defects edit session 0 and file 0: make sure they exist. */
	if (d && d->kind == KIND_LUO && (!o.files || !o.sessions)) {
		errmsg("gen: defect %s needs --files and --sessions >= 1",
		       d->name);
		return EXIT_USAGE;
	}

	if (d && (d->table || d->radix || d->chain) &&
	    (!out_dir || o.files < 1 || o.folios < 2)) {
		errmsg("gen: defect %s needs --out-dir, --files >= 1 and "
		       "--folios >= 2", d->name);
		return EXIT_USAGE;
	}
	if ((uint64_t)o.files * o.folios > GEN_MAX_PAGES) {
		errmsg("gen: --files x --folios must be at most %d",
		       GEN_MAX_PAGES);
		return EXIT_USAGE;
	}
	/* the folio tables end below the scratch range (64 MiB) */
	if (table_addr(&o, o.files) > GEN_SCRATCH_RANGE) {
		errmsg("gen: --files x (folio table pages + chunks) too large "
		       "for the layout");
		return EXIT_USAGE;
	}
	if (out_dir && strcmp(out, "-")) {
		errmsg("gen: -o and --out-dir exclude each other");
		return EXIT_USAGE;
	}

	if (out_dir)
		rc = write_handover(out_dir, &o, d);
	else
		rc = write_one(out, &o, d);
	if (!rc && memmap_out &&
	    write_file(memmap_out, gen_memmap, sizeof(gen_memmap) - 1))
		rc = EXIT_USAGE;
	return rc;
}
