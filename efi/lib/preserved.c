// SPDX-License-Identifier: GPL-2.0-only
/*
 * The preserved objects of a handover, moving it, and its dump
 * (ho/preserved.h).
 *
 * Every FDT is mapped through struct ho_phys (header first, then its
 * totalsize, never more than the bound its referrer gives) and passes
 * ho_fdt_check() before libfdt looks at it; every table is mapped whole
 * before it is read. A property of the wrong size reads as absent.
 */
#include <libfdt.h>

#include "internal.h"
#include "ho/ho.h"
#include "ho/kho_radix.h"
#include "ho/preserved.h"
#include "ho/string.h"

#define FOLIO_LINES	8	/* folio lines per file in the dump */

uint32_t ho_page_order(uint64_t size)
{
	uint32_t order = 0;

	while (order < 52 && (HO_PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* The FDT at addr, at most max bytes, structurally sound; NULL if not. */
static const void *map_fdt(const struct ho_phys *phys, uint64_t addr,
			   uint64_t max, uint64_t *size)
{
	const void *hdr = ho_phys_map(phys, addr, sizeof(struct fdt_header));
	const void *fdt;
	uint64_t total;

	if (!hdr || max < sizeof(struct fdt_header))
		return 0;
	total = fdt_totalsize(hdr);
	if (total > max)
		total = max;
	fdt = ho_phys_map(phys, addr, total);
	if (!fdt || ho_fdt_check(fdt, total, 0))
		return 0;
	*size = total;
	return fdt;
}

/* Base name of a subtree node is "luo-rfc" (the one the kernel reads). */
static bool is_luo(const char *name, int len)
{
	const char *at = ho_memchr(name, '@', (size_t)len);
	size_t n = at ? (size_t)(at - name) : (size_t)len;

	return n == sizeof(HO_LUO_SUBTREE) - 1 &&
	       !ho_memcmp(name, HO_LUO_SUBTREE, n);
}

static bool is_memfd(const void *fdt, int node)
{
	int len;
	const char *c = fdt_getprop(fdt, node, "compatible", &len);

	return c && len == (int)sizeof(HO_MEMFD_COMPATIBLE) &&
	       !ho_memcmp(c, HO_MEMFD_COMPATIBLE, sizeof(HO_MEMFD_COMPATIBLE));
}

/* ---- the preserved objects --------------------------------------------- */

struct walk {
	const struct ho_phys *phys;
	ho_obj_fn fn;
	void *ctx;
	struct ho_report *rep;
};

static int emit(struct walk *w, uint64_t phys, uint32_t order,
		const char *what)
{
	struct ho_sbuf sb;

	if (order >= 52 || (phys & ((HO_PAGE_SIZE << order) - 1))) {
		if (w->rep) {
			w->rep->err = HO_ERR_PROP_UNALIGNED;
			ho_sb_init(&sb, w->rep->path, sizeof(w->rep->path));
			ho_sb_puts(&sb, what);
			ho_sb_init(&sb, w->rep->detail, sizeof(w->rep->detail));
			ho_sb_puts(&sb, "block ");
			ho_sb_hex(&sb, phys);
			ho_sb_puts(&sb, " not aligned to its size ");
			ho_sb_hex(&sb, HO_PAGE_SIZE << (order < 52 ? order : 0));
		}
		return HO_ERR_PROP_UNALIGNED;
	}
	return w->fn(w->ctx, phys, order, what);
}

static int fail(struct walk *w, int err, const char *what, uint64_t addr)
{
	struct ho_sbuf sb;

	if (w->rep) {
		w->rep->err = err;
		ho_sb_init(&sb, w->rep->path, sizeof(w->rep->path));
		ho_sb_puts(&sb, what);
		ho_sb_init(&sb, w->rep->detail, sizeof(w->rep->detail));
		ho_sb_puts(&sb, "at ");
		ho_sb_hex(&sb, addr);
	}
	return err;
}

/*
 * A raw walk (kho_vmalloc.c) of the folio table of nr entries at table:
 * the kho_vmalloc area memfd-rfc-v2 describes, 4 KiB pages. Failures are
 * reported under where.
 */
static void table_walk(struct ho_vwalk *v, const struct ho_phys *phys,
		       uint64_t table, uint64_t nr, ho_vpiece_fn fn,
		       void *ctx, const char *where, struct ho_report *rep)
{
	struct ho_vmalloc vm = { table, memfd_rfc_table_pages(nr, HO_PAGE_SIZE),
				 MEMFD_RFC_TABLE_KHO_FLAGS, 0 };

	ho_vmalloc_begin_raw(v, &vm, phys, HO_PAGE_SIZE, fn, ctx);
	v->where = where;
	v->rep = rep;
}

struct table_ctx {
	struct walk *w;
	uint64_t data;
	int64_t delta;
};

/* Each chunk and page of a table: one order-0 block each. */
static int emit_piece(void *ctx, enum ho_vpiece kind, uint64_t phys,
		      uint8_t *c)
{
	struct table_ctx *t = ctx;
	char what[64];
	struct ho_sbuf sb;

	(void)c;
	ho_sb_init(&sb, what, sizeof(what));
	ho_sb_puts(&sb, "memfd@");
	ho_sb_hex(&sb, t->data);
	ho_sb_puts(&sb, kind == HO_VPIECE_CHUNK ? " folio table chunk" :
		   " folio table page");
	return emit(t->w, phys, 0, what);
}

static int walk_memfd(struct walk *w, uint64_t data)
{
	struct table_ctx tc = { w, data, 0 };
	struct ho_memfd_folio f;
	struct ho_vwalk v;
	char what[64];
	struct ho_sbuf sb;
	const void *m;
	uint64_t size, table, nr, i;
	int err;

	ho_sb_init(&sb, what, sizeof(what));
	ho_sb_puts(&sb, "memfd@");
	ho_sb_hex(&sb, data);
	err = emit(w, data, 0, what);
	if (err)
		return err;
	m = map_fdt(w->phys, data, HO_MEMFD_FDT_MAX(HO_PAGE_SIZE), &size);
	if (!m)
		return fail(w, HO_ERR_ADDR_UNMAPPED, what, data);
	if (!ho_fdt_u64(m, 0, "folios", &table) ||
	    !ho_fdt_u64(m, 0, "nr-folios", &nr) || !nr)
		return HO_OK;
	if (nr > MEMFD_RFC_MAX_FOLIOS)
		return fail(w, HO_ERR_TOO_MANY_FOLIOS, what, table);
	table_walk(&v, w->phys, table, nr, emit_piece, &tc, what, w->rep);
	for (i = 0; i < nr; i++) {
		err = ho_vmalloc_read(&v, &f, sizeof(f));
		if (err)
			return err;
		ho_sb_init(&sb, what, sizeof(what));
		ho_sb_puts(&sb, "memfd@");
		ho_sb_hex(&sb, data);
		ho_sb_puts(&sb, " folio ");
		ho_sb_dec(&sb, i);
		err = emit(w, f.phys, f.order, what);
		if (err)
			return err;
	}
	return ho_vmalloc_end(&v);
}

static int walk_luo(struct walk *w, uint64_t addr, uint64_t max)
{
	const void *luo;
	uint64_t size, data;
	int fds, node, err;

	luo = map_fdt(w->phys, addr, max, &size);
	if (!luo)
		return fail(w, HO_ERR_ADDR_UNMAPPED, "luo", addr);
	fds = fdt_subnode_offset(luo, 0, LUO_RFC_NODE_FILES);
	if (fds < 0)
		return HO_OK;
	fdt_for_each_subnode(node, luo, fds) {
		if (!is_memfd(luo, node) || !ho_fdt_u64(luo, node, "data", &data))
			continue;
		err = walk_memfd(w, data);
		if (err)
			return err;
	}
	return HO_OK;
}

int ho_preserved_walk(const struct ho_handover *kd,
			 const struct ho_phys *phys, ho_obj_fn fn,
			 void *ctx, struct ho_report *rep)
{
	struct walk w = { phys, fn, ctx, rep };
	const void *fdt;
	uint64_t size, addr, bsize;
	const char *name;
	int node, len, err;

	fdt = map_fdt(phys, kd->fdt_addr, kd->fdt_size, &size);
	if (!fdt)
		return fail(&w, HO_ERR_ADDR_UNMAPPED, "kho", kd->fdt_addr);
	fdt_for_each_subnode(node, fdt, 0) {
		name = fdt_get_name(fdt, node, &len);
		if (!name || !ho_fdt_u64(fdt, node, "preserved-data", &addr) ||
		    !ho_fdt_u64(fdt, node, "blob-size", &bsize))
			return fail(&w, HO_ERR_MISSING_PROP, "kho subtree",
				    kd->fdt_addr);
		err = emit(&w, addr, ho_page_order(bsize),
			   is_luo(name, len) ? HO_LUO_SUBTREE : "kho subtree");
		if (!err && is_luo(name, len))
			err = walk_luo(&w, addr, bsize);
		if (err)
			return err;
	}
	return HO_OK;
}

int ho_preserved_map_root(const struct ho_handover *kd, const struct ho_phys *phys,
		   uint64_t *map)
{
	uint64_t size;
	const void *fdt = map_fdt(phys, kd->fdt_addr, kd->fdt_size, &size);

	if (!fdt || !ho_fdt_u64(fdt, 0, "preserved-memory-map", map))
		return HO_ERR_MISSING_PROP;
	return HO_OK;
}

/* ---- moving a handover -------------------------------------------------- */

/* A writable u64 property of exactly 8 bytes, or NULL. */
static uint8_t *prop_w(const void *fdt, int node, const char *name)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	return p && len == 8 ? (uint8_t *)(uintptr_t)p : 0;
}

static void add_u64(uint8_t *p, int64_t delta)
{
	ho_put_u64(p, ho_get_u64(p) + (uint64_t)delta);
}

/* A table's chunk next pointers and page list entries, moved. */
static int rebase_piece(void *ctx, enum ho_vpiece kind, uint64_t phys,
			uint8_t *c)
{
	struct table_ctx *t = ctx;

	(void)phys;
	if (kind == HO_VPIECE_PAGE || ho_get_u64(c))
		add_u64(c, t->delta);
	return HO_OK;
}

/*
 * The folio table of nr entries at table: every entry readable (apply
 * false), or every folio address, chunk and page pointer moved (true).
 */
static int rebase_table(struct walk *w, uint64_t table, uint64_t nr,
			int64_t delta, bool apply)
{
	struct table_ctx tc = { w, 0, delta };
	struct ho_vwalk v;
	uint8_t *p;
	uint64_t i;
	int err = HO_OK;

	table_walk(&v, w->phys, table, nr, apply ? rebase_piece : 0, &tc,
		   "memfd folios", w->rep);
	for (i = 0; !err && i < nr; i++) {
		/* phys: 8 bytes at a multiple of 24, never across pages */
		p = ho_vmalloc_map(&v, 8, &err);
		if (p && apply)
			add_u64(p, delta);
		if (p)
			err = ho_vmalloc_read(&v, 0,
					      sizeof(struct ho_memfd_folio) - 8);
	}
	return err ? err : ho_vmalloc_end(&v);
}

/* Pass 1 (apply false): can everything move? Pass 2: move it. */
static int rebase_luo(struct walk *w, uint64_t addr, uint64_t max,
		      int64_t delta, bool apply)
{
	const void *luo, *m;
	uint64_t size, data, table, nr;
	uint8_t *pd, *pf;
	int node, sub, err;

	luo = map_fdt(w->phys, addr, max, &size);
	if (!luo)
		return fail(w, HO_ERR_ADDR_UNMAPPED, "luo", addr);
	sub = fdt_subnode_offset(luo, 0, LUO_RFC_NODE_SUBSYSTEMS);
	if (sub >= 0) {
		fdt_for_each_subnode(node, luo, sub)
			if (!ho_fdt_u64(luo, node, "data", &data) || data)
				return fail(w, HO_ERR_NO_SCHEMA,
					    "cannot move: luo subsystem data", addr);
	}
	sub = fdt_subnode_offset(luo, 0, LUO_RFC_NODE_FILES);
	if (sub < 0)
		return HO_OK;
	fdt_for_each_subnode(node, luo, sub) {
		pd = prop_w(luo, node, "data");
		if (!is_memfd(luo, node) || !pd)
			return fail(w, HO_ERR_NO_SCHEMA,
				    "cannot move: file of an unknown handler", addr);
		data = ho_get_u64(pd);
		m = map_fdt(w->phys, data, HO_MEMFD_FDT_MAX(HO_PAGE_SIZE), &size);
		pf = m ? prop_w(m, 0, "folios") : 0;
		if (!pf || !ho_fdt_u64(m, 0, "nr-folios", &nr))
			return fail(w, HO_ERR_ADDR_UNMAPPED, "memfd", data);
		if (nr > MEMFD_RFC_MAX_FOLIOS)
			return fail(w, HO_ERR_TOO_MANY_FOLIOS, "memfd", data);
		table = ho_get_u64(pf);
		if (nr) {
			err = rebase_table(w, table, nr, delta, apply);
			if (err)
				return err;
		}
		if (apply) {
			if (nr)
				add_u64(pf, delta);
			add_u64(pd, delta);
		}
	}
	return HO_OK;
}

static int rebase_pass(struct ho_handover *kd, struct walk *w, int64_t delta,
		       bool apply)
{
	const void *fdt;
	uint64_t size, addr, bsize, i;
	uint8_t *pd, *pm, *sc;
	const char *name;
	int node, len, err;

	fdt = map_fdt(w->phys, kd->fdt_addr, kd->fdt_size, &size);
	sc = ho_phys_map(w->phys, kd->scratch_addr, kd->scratch_size);
	if (!fdt || !sc)
		return fail(w, HO_ERR_ADDR_UNMAPPED, "kho", kd->fdt_addr);
	fdt_for_each_subnode(node, fdt, 0) {
		name = fdt_get_name(fdt, node, &len);
		pd = prop_w(fdt, node, "preserved-data");
		if (!name || !is_luo(name, len) || !pd ||
		    !ho_fdt_u64(fdt, node, "blob-size", &bsize))
			return fail(w, HO_ERR_NO_SCHEMA,
				    "cannot move: subtree of an unknown format",
				    kd->fdt_addr);
		addr = ho_get_u64(pd);
		err = rebase_luo(w, addr, bsize, delta, apply);
		if (err)
			return err;
		if (apply)
			add_u64(pd, delta);
	}
	if (!apply)
		return HO_OK;
	pm = prop_w(fdt, 0, "preserved-memory-map");
	if (pm && ho_get_u64(pm))
		add_u64(pm, delta);
	for (i = 0; i < kd->scratch_size / sizeof(struct ho_scratch); i++)
		add_u64(sc + i * sizeof(struct ho_scratch), delta);
	kd->fdt_addr += (uint64_t)delta;
	kd->scratch_addr += (uint64_t)delta;
	return HO_OK;
}

int ho_handover_rebase(struct ho_handover *kd, const struct ho_phys *phys,
		 int64_t delta, struct ho_report *rep)
{
	struct walk w = { phys, 0, 0, rep };
	int err = rebase_pass(kd, &w, delta, false);

	return err ? err : rebase_pass(kd, &w, delta, true);
}

/* ---- the dump ----------------------------------------------------------- */

struct dump {
	const struct ho_phys *phys;
	const struct ho_memmap *mm;
	ho_line_fn out;
	void *ctx;
	uint32_t lines, max, dropped;
	char buf[256];
	struct ho_sbuf sb;
};

static struct ho_sbuf *line(struct dump *d, const char *what)
{
	ho_sb_init(&d->sb, d->buf, sizeof(d->buf));
	ho_sb_puts(&d->sb, what);
	return &d->sb;
}

static void put(struct dump *d)
{
	if (d->max && d->lines >= d->max) {
		d->dropped++;
		return;
	}
	d->lines++;
	d->out(d->ctx, d->buf);
}

/* At most 64 printable bytes of a property string, quoted. */
static void put_str(struct ho_sbuf *sb, const void *fdt, int node,
		    const char *name)
{
	int len, i;
	const char *s = fdt_getprop(fdt, node, name, &len);
	char c[2] = { 0, 0 };

	if (!s) {
		ho_sb_puts(sb, "(none)");
		return;
	}
	ho_sb_puts(sb, "\"");
	for (i = 0; i < len && i < 64 && s[i]; i++) {
		c[0] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
		ho_sb_puts(sb, c);
	}
	ho_sb_puts(sb, i < len && s[i] ? "...\"" : "\"");
}

static void put_name(struct ho_sbuf *sb, const void *fdt, int node)
{
	int len, i;
	const char *s = fdt_get_name(fdt, node, &len);
	char c[2] = { 0, 0 };

	for (i = 0; s && i < len && i < 64; i++) {
		c[0] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
		ho_sb_puts(sb, c);
	}
}

static void put_u64(struct ho_sbuf *sb, const void *fdt, int node,
		    const char *name)
{
	uint64_t v;
	uint32_t v32;

	ho_sb_puts(sb, " ");
	ho_sb_puts(sb, name);
	ho_sb_puts(sb, " ");
	if (ho_fdt_u64(fdt, node, name, &v))
		ho_sb_hex(sb, v);
	else if (ho_fdt_u32(fdt, node, name, &v32))
		ho_sb_hex(sb, v32);
	else
		ho_sb_puts(sb, "(missing or malformed)");
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case HO_MEM_RAM: return "RAM";
	case HO_MEM_RESERVED: return "reserved";
	case HO_MEM_ACPI: return "ACPI";
	case HO_MEM_NVS: return "NVS";
	case HO_MEM_UNUSABLE: return "unusable";
	default: return "other";
	}
}

/* " [RAM]" or what else [addr, addr + size) meets in the memory map. */
static void put_where(struct dump *d, uint64_t addr, uint64_t size)
{
	const struct ho_memmap *mm = d->mm;
	uint32_t i;

	if (!mm)
		return;
	if (size && ho_mem_usable(mm, addr, size)) {
		ho_sb_puts(&d->sb, " [RAM]");
		return;
	}
	for (i = 0; i < mm->count; i++) {
		const struct ho_mem_range *r = &mm->ranges[i];

		if (r->type == HO_MEM_RAM ||
		    !ho_ranges_overlap(addr, size ? size : 1, r->addr, r->size))
			continue;
		ho_sb_puts(&d->sb, " [NOT RAM: meets ");
		ho_sb_puts(&d->sb, type_name(r->type));
		ho_sb_puts(&d->sb, " ");
		ho_sb_hex(&d->sb, r->addr);
		ho_sb_puts(&d->sb, "+");
		ho_sb_hex(&d->sb, r->size);
		ho_sb_puts(&d->sb, "]");
		return;
	}
	ho_sb_puts(&d->sb, " [NOT RAM: not in the memory map]");
}

static void dump_memfd(struct dump *d, uint64_t data)
{
	const void *m;
	uint64_t size, table = 0, nr = 0, i;
	struct ho_memfd_folio f;
	struct ho_sbuf *sb;
	struct ho_vwalk v;
	int err = HO_OK;

	sb = line(d, "memfd@");
	ho_sb_hex(sb, data);
	m = map_fdt(d->phys, data, HO_MEMFD_FDT_MAX(HO_PAGE_SIZE), &size);
	if (!m) {
		ho_sb_puts(sb, ": no sound FDT there");
		put(d);
		return;
	}
	ho_sb_puts(sb, ": compatible ");
	put_str(sb, m, 0, "compatible");
	put_u64(sb, m, 0, "size");
	put_u64(sb, m, 0, "seals");
	put_u64(sb, m, 0, "folios");
	put_u64(sb, m, 0, "nr-folios");
	put_where(d, data, HO_PAGE_SIZE);
	put(d);
	if (!ho_fdt_u64(m, 0, "folios", &table) ||
	    !ho_fdt_u64(m, 0, "nr-folios", &nr) || !nr)
		return;
	sb = line(d, "memfd@");
	ho_sb_hex(sb, data);
	ho_sb_puts(sb, ": folio table (kho_vmalloc) chunk ");
	ho_sb_hex(sb, table);
	ho_sb_puts(sb, " pages ");
	ho_sb_dec(sb, memfd_rfc_table_pages(nr, HO_PAGE_SIZE));
	if (nr > MEMFD_RFC_MAX_FOLIOS) {
		ho_sb_puts(sb, ": more entries than MEMFD_RFC_MAX_FOLIOS");
		put(d);
		return;
	}
	put_where(d, table, HO_PAGE_SIZE);
	put(d);
	table_walk(&v, d->phys, table, nr, 0, 0, "", 0);
	for (i = 0; i < nr && i < FOLIO_LINES; i++) {
		err = ho_vmalloc_read(&v, &f, sizeof(f));
		if (err)
			break;
		sb = line(d, "memfd@");
		ho_sb_hex(sb, data);
		ho_sb_puts(sb, ": folio ");
		ho_sb_dec(sb, i);
		ho_sb_puts(sb, " phys ");
		ho_sb_hex(sb, f.phys);
		ho_sb_puts(sb, " index ");
		ho_sb_hex(sb, f.index);
		ho_sb_puts(sb, " order ");
		ho_sb_dec(sb, f.order);
		ho_sb_puts(sb, " flags ");
		ho_sb_hex(sb, f.flags);
		put_where(d, f.phys, f.order < 52 ? HO_PAGE_SIZE << f.order : 0);
		put(d);
	}
	if (err) {
		sb = line(d, "memfd@");
		ho_sb_hex(sb, data);
		ho_sb_puts(sb, ": folio table not readable from entry ");
		ho_sb_dec(sb, i);
		ho_sb_puts(sb, " (");
		ho_sb_puts(sb, ho_errname(err));
		ho_sb_puts(sb, ")");
		put(d);
	} else if (i < nr) {
		sb = line(d, "memfd@");
		ho_sb_hex(sb, data);
		ho_sb_puts(sb, ": ... ");
		ho_sb_dec(sb, nr - i);
		ho_sb_puts(sb, " more folios");
		put(d);
	}
}

static void dump_luo(struct dump *d, uint64_t addr, uint64_t max)
{
	const void *luo;
	uint64_t size, data, n;
	struct ho_sbuf *sb;
	int node, sub;

	luo = map_fdt(d->phys, addr, max, &size);
	sb = line(d, "luo: ");
	if (!luo) {
		ho_sb_puts(sb, "no sound FDT at ");
		ho_sb_hex(sb, addr);
		put(d);
		return;
	}
	ho_sb_puts(sb, "compatible ");
	put_str(sb, luo, 0, "compatible");
	put_u64(sb, luo, 0, LUO_RFC_PROP_COUNT);
	put(d);
	sub = fdt_subnode_offset(luo, 0, LUO_RFC_NODE_SUBSYSTEMS);
	if (sub >= 0) {
		fdt_for_each_subnode(node, luo, sub) {
			sb = line(d, "luo: subsystem ");
			put_name(sb, luo, node);
			ho_sb_puts(sb, " compatible ");
			put_str(sb, luo, node, "compatible");
			put_u64(sb, luo, node, "data");
			put(d);
		}
	}
	n = 0;
	sub = fdt_subnode_offset(luo, 0, LUO_RFC_NODE_SESSIONS);
	if (sub >= 0) {
		fdt_for_each_subnode(node, luo, sub) {
			n++;
			sb = line(d, "luo: session ");
			put_name(sb, luo, node);
			ho_sb_puts(sb, " name ");
			put_str(sb, luo, node, "name");
			put(d);
		}
	}
	sb = line(d, "luo: ");
	ho_sb_dec(sb, n);
	ho_sb_puts(sb, " session(s)");
	put(d);
	n = 0;
	sub = fdt_subnode_offset(luo, 0, LUO_RFC_NODE_FILES);
	if (sub >= 0) {
		fdt_for_each_subnode(node, luo, sub) {
			n++;
			sb = line(d, "luo: file ");
			put_name(sb, luo, node);
			ho_sb_puts(sb, " compatible ");
			put_str(sb, luo, node, "compatible");
			put_u64(sb, luo, node, "token");
			put_u64(sb, luo, node, "session");
			put_u64(sb, luo, node, "data");
			put(d);
			if (is_memfd(luo, node) &&
			    ho_fdt_u64(luo, node, "data", &data))
				dump_memfd(d, data);
		}
	}
	sb = line(d, "luo: ");
	ho_sb_dec(sb, n);
	ho_sb_puts(sb, " file(s)");
	put(d);
}

static void dump_scratch(struct dump *d, const struct ho_handover *kd)
{
	const uint8_t *t = ho_phys_map(d->phys, kd->scratch_addr,
				       kd->scratch_size);
	uint64_t n = kd->scratch_size / sizeof(struct ho_scratch), i;
	struct ho_sbuf *sb;

	if (!t || kd->scratch_size % sizeof(struct ho_scratch)) {
		sb = line(d, "scratch table at ");
		ho_sb_hex(sb, kd->scratch_addr);
		ho_sb_puts(sb, t ? ": size not a multiple of 16" : ": not readable");
		put(d);
		if (!t)
			return;
	}
	for (i = 0; i < n; i++) {
		struct ho_scratch s;

		ho_memcpy(&s, t + i * sizeof(s), sizeof(s));
		sb = line(d, "scratch[");
		ho_sb_dec(sb, i);
		ho_sb_puts(sb, "] ");
		ho_sb_hex(sb, s.addr);
		ho_sb_puts(sb, "+");
		ho_sb_hex(sb, s.size);
		put_where(d, s.addr, s.size);
		put(d);
	}
}

void ho_handover_dump(const struct ho_handover *kd, const struct ho_phys *phys,
		const struct ho_memmap *mm, uint32_t max_lines,
		ho_line_fn out, void *ctx)
{
	struct dump d = { .phys = phys, .mm = mm, .out = out, .ctx = ctx,
			  .max = max_lines };
	const void *fdt;
	uint64_t size, addr, bsize, map;
	struct ho_sbuf *sb;
	const char *name;
	int node, len;

	sb = line(&d, "handover: KHO FDT ");
	ho_sb_hex(sb, kd->fdt_addr);
	ho_sb_puts(sb, "+");
	ho_sb_hex(sb, kd->fdt_size);
	put_where(&d, kd->fdt_addr, kd->fdt_size);
	ho_sb_puts(sb, ", scratch table ");
	ho_sb_hex(sb, kd->scratch_addr);
	ho_sb_puts(sb, "+");
	ho_sb_hex(sb, kd->scratch_size);
	put_where(&d, kd->scratch_addr, kd->scratch_size);
	put(&d);

	fdt = map_fdt(phys, kd->fdt_addr, kd->fdt_size, &size);
	sb = line(&d, "kho: ");
	if (!fdt) {
		ho_sb_puts(sb, "no sound FDT at ");
		ho_sb_hex(sb, kd->fdt_addr);
		put(&d);
	} else {
		ho_sb_puts(sb, "compatible ");
		put_str(sb, fdt, 0, "compatible");
		put_u64(sb, fdt, 0, "preserved-memory-map");
		if (ho_fdt_u64(fdt, 0, "preserved-memory-map", &map) && map)
			put_where(&d, map, HO_PAGE_SIZE);
		put(&d);
		fdt_for_each_subnode(node, fdt, 0) {
			name = fdt_get_name(fdt, node, &len);
			sb = line(&d, "kho: subtree ");
			put_name(sb, fdt, node);
			put_u64(sb, fdt, node, "preserved-data");
			put_u64(sb, fdt, node, "blob-size");
			if (ho_fdt_u64(fdt, node, "preserved-data", &addr) &&
			    ho_fdt_u64(fdt, node, "blob-size", &bsize)) {
				put_where(&d, addr, bsize);
				put(&d);
				if (name && is_luo(name, len))
					dump_luo(&d, addr, bsize);
			} else {
				put(&d);
			}
		}
	}
	dump_scratch(&d, kd);
	if (d.dropped) {
		d.max = 0;
		sb = line(&d, "... ");
		ho_sb_dec(sb, d.dropped);
		ho_sb_puts(sb, " more lines left out");
		put(&d);
	}
}

struct rebuild {
	struct ho_radix_geom g;
	const struct ho_phys *phys;
	uint64_t (*alloc)(void *ctx);
	void *ctx;
	uint64_t root, n;
};

static uint64_t rebuild_alloc(void *ctx)
{
	struct rebuild *r = ctx;
	uint64_t p = r->alloc(r->ctx);

	/* ho_radix_insert() maps every page it is given */
	return p && ho_phys_map(r->phys, p, HO_PAGE_SIZE) ? p : 0;
}

static void *rebuild_map(void *ctx, uint64_t phys)
{
	struct rebuild *r = ctx;

	return ho_phys_map(r->phys, phys, HO_PAGE_SIZE);
}

static int rebuild_block(void *ctx, uint64_t phys, uint32_t order,
			 const char *what)
{
	struct rebuild *r = ctx;

	(void)what;
	if (order > r->g.max_order || phys & ((HO_PAGE_SIZE << order) - 1))
		return HO_ERR_PROP_UNALIGNED;
	if (ho_radix_insert(&r->g, r->root, ho_radix_key(&r->g, phys, order),
			    rebuild_alloc, rebuild_map, r))
		return HO_ERR_NO_SPACE;
	r->n++;
	return HO_OK;
}

int ho_preserved_tree_rebuild(const struct ho_handover *kd, const struct ho_phys *phys,
		       uint64_t (*alloc)(void *ctx), void *ctx,
		       uint64_t *nblocks, struct ho_report *rep)
{
	struct rebuild r = { .phys = phys, .alloc = alloc, .ctx = ctx };
	void *root;
	int err;

	*nblocks = 0;
	err = ho_preserved_map_root(kd, phys, &r.root);
	if (err)
		return err;
	root = ho_phys_map(phys, r.root, HO_PAGE_SIZE);
	if (!root || r.root & (HO_PAGE_SIZE - 1))
		return HO_ERR_ADDR_UNMAPPED;
	ho_memset(root, 0, HO_PAGE_SIZE);
	ho_radix_geom_init(&r.g, HO_PAGE_SIZE);
	err = ho_preserved_walk(kd, phys, rebuild_block, &r, rep);
	*nblocks = r.n;
	return err;
}
