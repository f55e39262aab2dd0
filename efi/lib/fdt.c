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
 *
 * The structure block is walked once, with libfdt's fdt_next_tag() rules
 * (bounds, name termination, property lengths) applied directly to the
 * bytes instead of through fdt_offset_ptr() per byte. An FDT that passed is
 * then read with the ho_fdt_* readers below (internal.h): they trust this
 * check instead of validating every offset again, and return what libfdt's
 * fdt_first_subnode(), fdt_getprop() etc. return on the same blob.
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

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * fdt_next_tag() of libfdt on the structure block s of size bytes (its
 * header already checked: the block lies inside the blob): the tag at off
 * and *next, or *next = -1 where libfdt's would fail (a tag, name or
 * property running past the block, an unknown tag). For FDT_BEGIN_NODE,
 * *namelen is the name's length.
 */
static uint32_t raw_tag(const uint8_t *s, uint64_t size, uint64_t off,
			int64_t *next, uint64_t *namelen)
{
	const uint8_t *nul;
	uint64_t end, len;
	uint32_t tag;

	*next = -1;
	if (off + 4 > size)
		return FDT_END;
	tag = be32_at(s + off);
	end = off + 4;
	switch (tag) {
	case FDT_BEGIN_NODE:
		nul = ho_memchr(s + end, '\0', size - end);
		if (!nul)
			return FDT_END;
		*namelen = (uint64_t)(nul - (s + end));
		end += *namelen + 1;
		break;
	case FDT_PROP:
		if (end + 4 > size)
			return FDT_END;
		len = be32_at(s + end);
		/* libfdt: INT_MAX <= len + offset is a premature end */
		if (len + end >= 0x7fffffffu)
			return FDT_END;
		end += 8 + len;
		if (end > size)
			return FDT_END;
		break;
	case FDT_END:
	case FDT_END_NODE:
	case FDT_NOP:
		break;
	default:
		return FDT_END;
	}
	*next = (int64_t)((end + FDT_TAGSIZE - 1) & ~(uint64_t)(FDT_TAGSIZE - 1));
	return tag;
}

/*
 * A property's name offset names a non-empty string inside the strings
 * block (fdt_get_string() with a length != 0).
 */
static bool prop_name_ok(const void *fdt, uint32_t nameoff)
{
	uint32_t ssize = fdt_size_dt_strings(fdt);
	const char *str = (const char *)fdt + fdt_off_dt_strings(fdt);

	return nameoff < ssize && str[nameoff] &&
	       ho_memchr(str + nameoff, '\0', ssize - nameoff);
}

/* One pass over the tags of the structure block. */
static int check_struct(const void *fdt, const char *where,
			struct ho_report *rep)
{
	bool has_child[HO_FDT_MAX_DEPTH + 1] = { false };
	const uint8_t *st = (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
	uint64_t size = fdt_size_dt_struct(fdt), off = 0, namelen = 0;
	uint64_t nodes = 0, props = 0;
	int64_t next;
	int depth = 0;
	bool done = false;
	uint32_t tag;

	for (;; off = (uint64_t)next) {
		tag = raw_tag(st, size, off, &next, &namelen);
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
						   "node at offset", off);
			if (++nodes > HO_FDT_MAX_NODES)
				return ho_fail_val(rep, HO_ERR_FDT_TOO_MANY_NODES,
						   where, 0, -1, "limit",
						   HO_FDT_MAX_NODES);
			/* the root's name is empty, no other is; no '/' */
			if ((depth == 0) != (namelen == 0) ||
			    ho_memchr(st + off + 4, '/', namelen))
				return ho_fail_val(rep, HO_ERR_FDT_NODE_NAME,
						   where, 0, -1,
						   "node at offset", off);
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
			if (!prop_name_ok(fdt, be32_at(st + off + 8)))
				return ho_fail_val(rep, HO_ERR_FDT_PROP_NAME,
						   where, 0, -1,
						   "property at offset", off);
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
			   "tag at offset", off);
}

/* ---- reading a checked FDT (internal.h) -------------------------------- */

static const uint8_t *st_of(const void *fdt)
{
	return (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
}

/*
 * A big-endian word of the structure block: tags, lengths and name offsets
 * are 4-byte aligned there (the blob 8-byte aligned, the block 4-byte
 * aligned: checked), so one aligned load, also with -mstrict-align.
 */
static inline uint32_t word(const uint8_t *p)
{
	uint32_t v;

	__builtin_memcpy(&v, __builtin_assume_aligned(p, 4), sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline int align4(int off)
{
	return (off + FDT_TAGSIZE - 1) & ~(FDT_TAGSIZE - 1);
}

/*
 * The offset of the tag after a node's name at off: the word after the one
 * that holds the name's NUL (align4(off + strlen + 1)), found a word at a
 * time. That word ends before the next tag, which the check read: in bounds.
 */
static inline int skip_name(const uint8_t *st, int off)
{
	uint32_t v;

	for (;; off += 4) {
		__builtin_memcpy(&v, __builtin_assume_aligned(st + off, 4),
				 sizeof(v));
		if ((v - 0x01010101u) & ~v & 0x80808080u)
			return off + 4;
	}
}

/* The offset of the next tag after the one at off (fdt_next_tag()). */
static inline int skip_tag(const uint8_t *st, int off, uint32_t tag)
{
	if (tag == FDT_BEGIN_NODE)
		return skip_name(st, off + 4);
	if (tag == FDT_PROP)
		return align4(off + 12 + (int)word(st + off + 4));
	return off + 4;
}

const char *ho_fdt_name(const void *fdt, int node, int *len)
{
	const char *name = (const char *)st_of(fdt) + node + 4;

	if (len)
		*len = (int)ho_strlen(name);
	return name;
}

/* fdt_next_node() from node (>= 0) with a depth counter. */
static int next_node(const uint8_t *st, int node, int *depth)
{
	int off = skip_tag(st, node, FDT_BEGIN_NODE);
	uint32_t tag;

	for (;; off = skip_tag(st, off, tag)) {
		tag = word(st + off);
		if (tag == FDT_BEGIN_NODE) {
			(*depth)++;
			return off;
		}
		if (tag == FDT_END_NODE && --(*depth) < 0)
			return off + 4;
		if (tag == FDT_END)
			return -FDT_ERR_NOTFOUND;
	}
}

int ho_fdt_first_subnode(const void *fdt, int node)
{
	int depth = 0;

	node = next_node(st_of(fdt), node, &depth);
	return node < 0 || depth != 1 ? -FDT_ERR_NOTFOUND : node;
}

int ho_fdt_next_subnode(const void *fdt, int node)
{
	const uint8_t *st = st_of(fdt);
	int depth = 1;

	do {
		node = next_node(st, node, &depth);
		if (node < 0 || depth < 1)
			return -FDT_ERR_NOTFOUND;
	} while (depth > 1);
	return node;
}

/*
 * One walk over a node's children (a checked FDT has no property after a
 * subnode, and NOPs anywhere): ho_fdt_body() is the offset after node's
 * name and properties; ho_fdt_child_at(off) the child whose FDT_BEGIN_NODE
 * is the first tag at or after off that is not a NOP or property, or
 * -FDT_ERR_NOTFOUND at the parent's FDT_END_NODE, *end then the offset
 * after it; a child's successor is looked for after its FDT_END_NODE
 * (ho_fdt_node_end()). The children met are those of
 * fdt_first_subnode() / fdt_next_subnode(), in their order.
 */
static int skip_props(const uint8_t *st, int off)
{
	uint32_t tag;

	while ((tag = word(st + off)) == FDT_NOP || tag == FDT_PROP)
		off = skip_tag(st, off, tag);
	return off;
}

int ho_fdt_body(const void *fdt, int node)
{
	const uint8_t *st = st_of(fdt);

	return skip_props(st, skip_tag(st, node, FDT_BEGIN_NODE));
}

int ho_fdt_child_at(const void *fdt, int off, int *end)
{
	const uint8_t *st = st_of(fdt);

	off = skip_props(st, off);
	if (word(st + off) == FDT_BEGIN_NODE)
		return off;
	*end = off + 4;		/* the parent's FDT_END_NODE */
	return -FDT_ERR_NOTFOUND;
}

int ho_fdt_node_end(const void *fdt, int node)
{
	const uint8_t *st = st_of(fdt);
	int off = node, depth = 0;
	uint32_t tag;

	do {
		tag = word(st + off);
		if (tag == FDT_BEGIN_NODE)
			depth++;
		else if (tag == FDT_END_NODE)
			depth--;
		off = skip_tag(st, off, tag);
	} while (depth > 0);
	return off;
}

/* The first FDT_PROP at or after off, skipping NOPs (libfdt's nextprop_()). */
static inline int prop_from(const uint8_t *st, int off)
{
	uint32_t tag;

	while ((tag = word(st + off)) == FDT_NOP)
		off += 4;
	return tag == FDT_PROP ? off : -FDT_ERR_NOTFOUND;
}

int ho_fdt_first_prop(const void *fdt, int node)
{
	const uint8_t *st = st_of(fdt);

	return prop_from(st, skip_tag(st, node, FDT_BEGIN_NODE));
}

int ho_fdt_next_prop(const void *fdt, int prop)
{
	const uint8_t *st = st_of(fdt);

	return prop_from(st, skip_tag(st, prop, FDT_PROP));
}

const void *ho_fdt_prop_at(const void *fdt, int prop, const char **name,
			   int *len)
{
	const uint8_t *p = st_of(fdt) + prop;

	if (name)
		*name = (const char *)fdt + fdt_off_dt_strings(fdt) +
			word(p + 8);
	if (len)
		*len = (int)word(p + 4);
	return p + 12;
}

const void *ho_fdt_getprop(const void *fdt, int node, const char *name,
			   int *len)
{
	const char *strs = (const char *)fdt + fdt_off_dt_strings(fdt), *pn;
	const uint8_t *st = st_of(fdt);
	int prop;

	for (prop = prop_from(st, skip_tag(st, node, FDT_BEGIN_NODE)); prop >= 0;
	     prop = prop_from(st, skip_tag(st, prop, FDT_PROP))) {
		pn = strs + word(st + prop + 8);
		if (pn[0] == name[0] && !ho_strcmp(pn, name)) {
			if (len)
				*len = (int)word(st + prop + 4);
			return st + prop + 12;
		}
	}
	if (len)
		*len = -FDT_ERR_NOTFOUND;
	return 0;
}

int ho_fdt_subnode(const void *fdt, int parent, const char *name)
{
	size_t n = ho_strlen(name);
	bool has_at = ho_memchr(name, '@', n) != 0;
	const char *p;
	int node, len;

	ho_fdt_for_each_subnode(node, fdt, parent) {
		p = ho_fdt_name(fdt, node, &len);
		if ((size_t)len < n || ho_memcmp(p, name, n))
			continue;
		if (!p[n] || (!has_at && p[n] == '@'))
			return node;
	}
	return -FDT_ERR_NOTFOUND;
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

bool ho_fdt_u64(const void *fdt, int node, const char *name, uint64_t *v)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 8)
		return false;
	*v = ho_get_u64(p);
	return true;
}

bool ho_fdt_u32(const void *fdt, int node, const char *name, uint32_t *v)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 4)
		return false;
	*v = ho_get_u32(p);
	return true;
}
