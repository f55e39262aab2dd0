// SPDX-License-Identifier: GPL-2.0-only
/*
 * Structural check of an untrusted FDT (the kernel's libfdt has no
 * fdt_check_full()).
 *
 * After ho_fdt_check() succeeds, libfdt's read-only functions can be used on
 * the blob without reading outside bufsize: the header and every block are in
 * bounds, the reservation map ends before the structure block (entries
 * bounded, not wrapping, disjoint), the structure block is one root node of
 * well-formed tags (properties before subnodes, names NUL-terminated, no '/'
 * or '@'-less emptiness), every property name is a terminated string in the
 * strings block, and nesting is bounded by HO_FDT_MAX_DEPTH, the number of
 * nodes by HO_FDT_MAX_NODES and of properties by HO_FDT_MAX_PROPS.
 */
#include "internal.h"

#define HO_FDT_VERSION	17

static int check_header(const void *fdt, uint64_t bufsize, const char *where,
			struct ho_report *rep)
{
	uint64_t total;

	if (bufsize < sizeof(struct fdt_header))
		return ho_fail_val(rep, HO_ERR_FDT_TRUNCATED, where, 0, -1,
				   "buffer size", bufsize);
	if ((uintptr_t)fdt & 7)
		return ho_fail_at(rep, HO_ERR_FDT_ALIGNMENT, where, 0, -1,
				  "address");
	if (fdt_magic(fdt) != FDT_MAGIC)
		return ho_fail_val(rep, HO_ERR_BAD_MAGIC, where, 0, -1,
				   "magic", fdt_magic(fdt));
	if (fdt_version(fdt) < HO_FDT_VERSION ||
	    fdt_last_comp_version(fdt) > HO_FDT_VERSION)
		return ho_fail_val(rep, HO_ERR_BAD_VERSION, where, 0, -1,
				   "version", fdt_version(fdt));
	total = fdt_totalsize(fdt);
	if (total > bufsize || total < sizeof(struct fdt_header))
		return ho_fail_val(rep, HO_ERR_FDT_TOTALSIZE, where, 0, -1,
				   "totalsize", total);
	if (fdt_check_header(fdt))
		return ho_fail_at(rep, HO_ERR_FDT_LAYOUT, where, 0, -1,
				  "header blocks");
	return HO_OK;
}

/* One memory reservation entry, for the overlap sort. */
struct rsv {
	uint64_t addr, size;
};

static int rsv_cmp(const void *a, const void *b, const void *ctx)
{
	const struct rsv *x = a, *y = b;

	(void)ctx;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * The memory reservation block: entries of {u64 addr, u64 size} (big
 * endian) from off_mem_rsvmap, ended by the first entry of size 0 (where
 * libfdt's fdt_num_mem_rsv() and the kernel's
 * early_init_fdt_scan_reserved_mem() stop), which must lie before the
 * structure block. At most HO_FDT_MAX_RSV entries before it, none wrapping,
 * pairwise disjoint (sorted on the stack: O(n log n), n bounded).
 */
static int check_rsvmap(const void *fdt, const char *where,
			struct ho_report *rep)
{
	uint64_t off = fdt_off_mem_rsvmap(fdt), end = fdt_off_dt_struct(fdt);
	struct rsv e[HO_FDT_MAX_RSV];
	const uint8_t *base = fdt;
	uint64_t n = 0, i;

	if (end > fdt_totalsize(fdt))
		end = fdt_totalsize(fdt);
	for (; off < end && end - off >= 16; off += 16) {
		struct rsv r = { fdt64_ld((const fdt64_t *)(base + off)),
				 fdt64_ld((const fdt64_t *)(base + off + 8)) };

		if (!r.size)
			break;
		if (n == HO_FDT_MAX_RSV)
			return ho_fail_val(rep, HO_ERR_FDT_RSVMAP_TOO_MANY, where,
					   0, -1, "limit", HO_FDT_MAX_RSV);
		if (!ho_range_ok(r.addr, r.size))
			return ho_fail_val(rep, HO_ERR_FDT_RSVMAP_WRAP, where, 0,
					   -1, "memreserve address", r.addr);
		e[n++] = r;
	}
	if (off >= end || end - off < 16)
		return ho_fail_at(rep, HO_ERR_FDT_RSVMAP, where, 0, -1,
				  "memory reservation map");
	ho_sort(e, n, sizeof(*e), rsv_cmp, 0);
	for (i = 1; i < n; i++)
		if (e[i].addr - e[i - 1].addr < e[i - 1].size)
			return ho_fail_val(rep, HO_ERR_FDT_RSVMAP_OVERLAP, where,
					   0, -1, "memreserve address",
					   e[i].addr);
	return HO_OK;
}

int ho_fdt_no_rsv(const void *fdt, const char *where, struct ho_report *rep)
{
	int n = fdt_num_mem_rsv(fdt);

	if (n)
		return ho_fail_val(rep, HO_ERR_FDT_RSVMAP_ENTRY, where, 0, -1,
				   "memreserve entries", (uint64_t)n);
	return HO_OK;
}

static int check_node_name(const void *fdt, int off, int depth,
			   const char *where, struct ho_report *rep)
{
	const char *name;
	int len;

	name = fdt_get_name(fdt, off, &len);
	if (!name)
		return ho_fail_val(rep, HO_ERR_FDT_NODE_NAME, where, 0, -1,
				   "node at offset", (uint64_t)off);
	if ((depth == 0) != (len == 0) || ho_memchr(name, '/', len))
		return ho_fail_val(rep, HO_ERR_FDT_NODE_NAME, where, 0, -1,
				   "node at offset", (uint64_t)off);
	return HO_OK;
}

static int check_prop(const void *fdt, int off, const char *where,
		      struct ho_report *rep)
{
	const struct fdt_property *prop;
	int len;

	prop = fdt_get_property_by_offset(fdt, off, &len);
	if (!prop)
		return ho_fail_val(rep, HO_ERR_FDT_STRUCTURE, where, 0, -1,
				   "property at offset", (uint64_t)off);
	if (!fdt_get_string(fdt, fdt32_to_cpu(prop->nameoff), &len) || !len)
		return ho_fail_val(rep, HO_ERR_FDT_PROP_NAME, where, 0, -1,
				   "property at offset", (uint64_t)off);
	return HO_OK;
}

/* One pass over the tags of the structure block. */
static int check_struct(const void *fdt, const char *where,
			struct ho_report *rep)
{
	bool has_child[HO_FDT_MAX_DEPTH + 1] = { false };
	int off = 0, next, depth = 0, err;
	uint64_t nodes = 0, props = 0;
	bool done = false;
	uint32_t tag;

	for (;; off = next) {
		tag = fdt_next_tag(fdt, off, &next);
		if (next < 0)
			goto bad;
		/* libfdt looks the root up at offset 0: nothing may precede it */
		if (off == 0 && tag != FDT_BEGIN_NODE)
			goto bad;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (done)
				goto bad;
			if (depth >= HO_FDT_MAX_DEPTH)
				return ho_fail_val(rep, HO_ERR_FDT_DEPTH,
						   where, 0, -1,
						   "node at offset",
						   (uint64_t)off);
			if (++nodes > HO_FDT_MAX_NODES)
				return ho_fail_val(rep, HO_ERR_FDT_TOO_MANY_NODES,
						   where, 0, -1, "limit",
						   HO_FDT_MAX_NODES);
			err = check_node_name(fdt, off, depth, where, rep);
			if (err)
				return err;
			has_child[depth] = true;
			has_child[++depth] = false;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				goto bad;
			if (--depth == 0)
				done = true;
			break;
		case FDT_PROP:
			/* libfdt does not see properties after a subnode */
			if (depth == 0 || has_child[depth])
				goto bad;
			if (++props > HO_FDT_MAX_PROPS)
				return ho_fail_val(rep, HO_ERR_FDT_TOO_MANY_PROPS,
						   where, 0, -1, "limit",
						   HO_FDT_MAX_PROPS);
			err = check_prop(fdt, off, where, rep);
			if (err)
				return err;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (!done)
				goto bad;
			return HO_OK;
		default:
			goto bad;
		}
	}
bad:
	return ho_fail_val(rep, HO_ERR_FDT_STRUCTURE, where, 0, -1,
			   "tag at offset", (uint64_t)off);
}

int ho_fdt_check_at(const void *fdt, uint64_t bufsize, const char *where,
		    struct ho_report *rep)
{
	int err;

	if (!fdt)
		return ho_fail_at(rep, HO_ERR_INVAL, where, 0, -1, "NULL");
	err = check_header(fdt, bufsize, where, rep);
	if (!err)
		err = check_rsvmap(fdt, where, rep);
	if (!err)
		err = check_struct(fdt, where, rep);
	return err;
}

int ho_fdt_check(const void *fdt, uint64_t bufsize, struct ho_report *rep)
{
	ho_report_clear(rep);
	return ho_fdt_check_at(fdt, bufsize, "fdt", rep);
}
