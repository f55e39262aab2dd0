// SPDX-License-Identifier: GPL-2.0-only
/*
 * LUO FDT ("luo-rfc-v1") and memfd handler data ("memfd-rfc-v2") checks.
 *
 * The schema tables (when env->schemas has them) check each node on its own;
 * the rules here are those the receiving kernel applies (kernel/liveupdate/
 * luo_rfc_core.c, luo_rfc_files.c, mm/memfd_luo_rfc.c), with or without
 * schemas, and the rules that need several nodes at once:
 *
 * - lookups: the kernel finds /sessions, /file-descriptors and /subsystems
 *   with ho_fdt_subnode(), which also matches "sessions@1": any such
 *   unit-address variant is AMBIGUOUS_NODE;
 * - liveupdate-count != 0, /subsystems present, names and compatibles
 *   within LUO_NAME_MAX, session and file node names canonical hex (a
 *   session index fits 32 bits);
 * - session names and indices unique, every file names an existing session,
 *   tokens unique per session: each by one sort in the work buffer, so the
 *   whole check is O(n log n) with at most HO_LUO_MAX_SESSIONS sessions and
 *   HO_LUO_MAX_FILES files;
 * - a memfd-rfc-v2 file's data is one page holding a memfd-rfc-v2 FDT whose
 *   folio table (a kho_vmalloc area: "folios" its first chunk, page
 *   aligned, memfd_rfc_table_pages(nr-folios) pages of order 0, walked by
 *   kho_vmalloc.c; at most MEMFD_RFC_MAX_FOLIOS entries and no more than
 *   the file has pages) lists folios sorted by index, non-overlapping,
 *   each aligned in memory and in the file to its size, of order <=
 *   MAX_PAGE_ORDER, known flags, within size <= MAX_LFS_FILESIZE, with
 *   known seals. Entries (24 bytes) may straddle two pages of the area.
 *
 * Every preserved range met on the way (memfd FDT page, each chunk and
 * page of the table, folio) is recorded in the work buffer for the
 * caller's disjointness sweep, and, when the check came through a KHO root
 * with env->phys, proven preserved in KHO's radix tree as the kernel will
 * restore it: the memfd FDT page as a block of at least its bytes, the
 * table's chunks and pages at order 0, every folio at exactly its order
 * (kho_radix.c). One pass over the table: O(nr-folios).
 */
#include "internal.h"

/* Lower-case hex without leading zeros, at most 16 digits. */
static bool parse_hex_name(const char *name, int len, uint64_t *v)
{
	int i;

	if (!name || len < 1 || len > 16 || (len > 1 && name[0] == '0'))
		return false;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (name[i] >= '0' && name[i] <= '9')
			*v = *v << 4 | (uint64_t)(name[i] - '0');
		else if (name[i] >= 'a' && name[i] <= 'f')
			*v = *v << 4 | (uint64_t)(name[i] - 'a' + 10);
		else
			return false;
	}
	return true;
}

static int hex_node(const void *fdt, int node, uint64_t max, uint64_t *v,
		    const char *where, struct ho_report *rep)
{
	int len;
	const char *name = ho_fdt_name(fdt, node, &len);

	if (!parse_hex_name(name, len, v) || *v > max)
		return ho_fail_at(rep, HO_ERR_BAD_NODE_NAME, where, fdt, node,
				  0);
	return HO_OK;
}

/* A string property of at most max bytes with its NUL (luo_fdt_get_string). */
static int prop_str_max(const void *fdt, int node, const char *name,
			int max, const char **val, const char *where,
			struct ho_report *rep)
{
	int err = ho_prop_str(fdt, node, name, val, where, rep);

	if (!err && (int)ho_strlen(*val) + 1 > max)
		return ho_fail_val(rep, HO_ERR_STRING_TOO_LONG, where, fdt,
				   node, name, ho_strlen(*val) + 1);
	return err;
}

static const char *const luo_lookups[] = {
	"subsystems", "sessions", "file-descriptors",
};

/* No "sessions@x" beside (or instead of) the "sessions" the kernel reads. */
static int check_lookups(const void *fdt, const char *where,
			 struct ho_report *rep)
{
	const char *name, *at;
	int node, len;
	size_t i, n;

	ho_fdt_for_each_subnode(node, fdt, 0) {
		name = ho_fdt_name(fdt, node, &len);
		at = name ? ho_memchr(name, '@', len) : 0;
		if (!at)
			continue;
		n = (size_t)(at - name);
		for (i = 0; i < sizeof(luo_lookups) / sizeof(*luo_lookups); i++)
			if (ho_strlen(luo_lookups[i]) == n &&
			    !ho_memcmp(luo_lookups[i], name, n))
				return ho_fail_at(rep, HO_ERR_AMBIGUOUS_NODE,
						  where, fdt, node, 0);
	}
	return HO_OK;
}

static int find_node(const void *fdt, const char *name, const char *where,
		     struct ho_report *rep, int *node)
{
	*node = ho_fdt_subnode(fdt, 0, name);
	if (*node < 0)
		return ho_fail_at(rep, HO_ERR_MISSING_NODE, where, fdt, 0, name);
	return HO_OK;
}

static int check_subsystems(const void *fdt, int subs, const char *where,
			    struct ho_report *rep)
{
	const char *name, *compat;
	uint64_t data;
	int s, len, err;

	ho_fdt_for_each_subnode(s, fdt, subs) {
		name = ho_fdt_name(fdt, s, &len);
		if (!name || len + 1 > HO_LUO_NAME_MAX)
			return ho_fail_at(rep, HO_ERR_BAD_NODE_NAME, where, fdt,
					  s, 0);
		err = prop_str_max(fdt, s, "compatible", HO_LUO_NAME_MAX,
				   &compat, where, rep);
		if (!err)
			err = ho_prop_u64(fdt, s, "data", &data, where, rep);
		if (err)
			return err;
	}
	return HO_OK;
}

/* Sessions by index (kept while files are checked) and by name. */
struct sess_key {
	uint32_t index;
	int32_t node;
};

static int sess_cmp(const void *a, const void *b, const void *ctx)
{
	const struct sess_key *x = a, *y = b;

	(void)ctx;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

static uint64_t count_children(const void *fdt, int node)
{
	uint64_t n = 0;
	int c;

	ho_fdt_for_each_subnode(c, fdt, node)
		n++;
	return n;
}

/* Fills keys[0..n) sorted by index; names unique, indices unique. */
static int check_sessions(const void *fdt, int sessions, uint64_t n,
			  struct sess_key *keys, struct ho_work *w,
			  const char *where, struct ho_report *rep)
{
	uint64_t top = w->top, i = 0, idx;
	struct ho_name_key *names;
	const char *name;
	int s, err;

	names = ho_work_take(w, n, sizeof(*names), where, rep);
	if (!names)
		return HO_ERR_WORK_SPACE;
	ho_fdt_for_each_subnode(s, fdt, sessions) {
		err = hex_node(fdt, s, UINT32_MAX, &idx, where, rep);
		if (!err)
			err = prop_str_max(fdt, s, "name",
					   HO_LUO_SESSION_NAME_MAX, &name,
					   where, rep);
		if (err)
			return err;
		keys[i] = (struct sess_key){ (uint32_t)idx, s };
		names[i++] = (struct ho_name_key){ name,
			(uint32_t)ho_strlen(name), s };
	}
	ho_sort(names, n, sizeof(*names), ho_name_key_cmp, 0);
	for (i = 1; i < n; i++)
		if (ho_name_key_eq(&names[i - 1], &names[i]))
			return ho_fail_at(rep, HO_ERR_DUP_SESSION_NAME, where,
					  fdt, names[i].node, names[i].s);
	ho_work_put(w, top);
	ho_sort(keys, n, sizeof(*keys), sess_cmp, 0);
	for (i = 1; i < n; i++)
		if (keys[i].index == keys[i - 1].index)
			return ho_fail_at(rep, HO_ERR_DUP_NODE, where, fdt,
					  keys[i].node, 0);
	return HO_OK;
}

static bool session_exists(const struct sess_key *keys, uint64_t n,
			   uint32_t index)
{
	uint64_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keys[mid].index == index)
			return true;
		if (keys[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

struct luo_file {
	const char *compat;
	uint64_t token, data;
	uint32_t session;
};

static int read_file(const void *fdt, int node, struct luo_file *f,
		     const char *where, struct ho_report *rep)
{
	uint64_t id;
	int err;

	err = hex_node(fdt, node, UINT64_MAX, &id, where, rep);
	if (!err)
		err = prop_str_max(fdt, node, "compatible", HO_LUO_NAME_MAX,
				   &f->compat, where, rep);
	if (!err)
		err = ho_prop_u64(fdt, node, "token", &f->token, where, rep);
	if (!err)
		err = ho_prop_u32(fdt, node, "session", &f->session, where,
				  rep);
	if (!err)
		err = ho_prop_u64(fdt, node, "data", &f->data, where, rep);
	return err;
}

/* Tokens unique per session: (session, token, node) sorted. */
struct tok {
	uint64_t token;
	uint32_t session;
	int32_t node;
};

static int tok_cmp(const void *a, const void *b, const void *ctx)
{
	const struct tok *x = a, *y = b;

	(void)ctx;
	if (x->session != y->session)
		return x->session < y->session ? -1 : 1;
	if (x->token != y->token)
		return x->token < y->token ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

static int check_files(const void *fdt, int fds, uint64_t n,
		       const struct sess_key *keys, uint64_t nsess,
		       struct ho_work *w, const char *where,
		       struct ho_report *rep)
{
	uint64_t top = w->top, i = 0;
	struct luo_file f;
	struct tok *t;
	int node, err;

	t = ho_work_take(w, n, sizeof(*t), where, rep);
	if (!t)
		return HO_ERR_WORK_SPACE;
	ho_fdt_for_each_subnode(node, fdt, fds) {
		err = read_file(fdt, node, &f, where, rep);
		if (err)
			return err;
		if (!session_exists(keys, nsess, f.session))
			return ho_fail_val(rep, HO_ERR_BAD_SESSION_REF, where,
					   fdt, node, "session", f.session);
		t[i++] = (struct tok){ f.token, f.session, node };
	}
	ho_sort(t, n, sizeof(*t), tok_cmp, 0);
	for (i = 1; i < n; i++)
		if (t[i].session == t[i - 1].session &&
		    t[i].token == t[i - 1].token)
			return ho_fail_val(rep, HO_ERR_DUP_TOKEN, where, fdt,
					   t[i].node, "token", t[i].token);
	ho_work_put(w, top);
	return HO_OK;
}

static int check_memfd_data(const void *fdt, int node, uint64_t data,
			    const struct ho_env *env, struct ho_work *w,
			    const char *lwhere, struct ho_report *rep)
{
	char where[32];
	struct ho_sbuf sb;
	const void *mfdt;
	uint64_t size;
	int err;

	/* memfd_rfc_parse(): one page of its own (kho_alloc_preserve) */
	if (!data)
		return ho_fail_at(rep, HO_ERR_PHYS_ZERO, lwhere, fdt, node,
				  "data");
	if (data & (w->page_size - 1))
		return ho_fail_val(rep, HO_ERR_MEMFD_DATA_UNALIGNED, lwhere,
				   fdt, node, "data", data);
	ho_sb_init(&sb, where, sizeof(where));
	ho_sb_puts(&sb, "memfd@");
	ho_sb_hex(&sb, data);
	/* two files with one blob: found by the sweep even without phys */
	err = ho_check_addr(0, data, w->page_size, lwhere, fdt, node, "data",
			    rep);
	if (!err)
		err = ho_work_add(w, data, w->page_size, where, rep);
	if (err || !env->phys)
		return err;
	/* memfd_rfc_restore_block(): kho_restore_folio() of its page */
	err = ho_radix_prove(env, w, data, -1, w->page_size, where, rep);
	if (!err)
		err = ho_map_fdt(env, data, HO_FDT_MAX_SIZE, &mfdt, &size,
				 where, rep);
	if (!err)
		err = ho_memfd_check_at(mfdt, size, env, w, where, rep);
	return err;
}

static int follow_files(const void *fdt, int fds, const struct ho_env *env,
			struct ho_work *w, const char *where,
			struct ho_report *rep)
{
	const char *compat;
	int node, err;

	ho_fdt_for_each_subnode(node, fdt, fds) {
		compat = ho_fdt_getprop(fdt, node, "compatible", 0);
		if (ho_strcmp(compat, HO_MEMFD_COMPATIBLE))
			continue;
		err = check_memfd_data(fdt, node,
				       ho_get_u64(ho_fdt_getprop(fdt, node,
							      "data", 0)),
				       env, w, where, rep);
		if (err)
			return err;
	}
	return HO_OK;
}

static int check_root(const void *fdt, const char *where,
		      struct ho_report *rep)
{
	uint64_t count;
	int subs, err;

	err = ho_prop_u64(fdt, 0, "liveupdate-count", &count, where, rep);
	if (err)
		return err;
	if (!count)
		return ho_fail_val(rep, HO_ERR_PROP_RANGE, where, fdt, 0,
				   "liveupdate-count", count);
	err = find_node(fdt, "subsystems", where, rep, &subs);
	if (!err)
		err = check_subsystems(fdt, subs, where, rep);
	return err;
}

/*
 * The schema of compatible, when env has schemas: one missing from them is
 * HO_ERR_NO_SCHEMA (a LUO or memfd blob is never checked by C rules alone
 * when schemas are given).
 */
static int schema_check(const void *fdt, const char *compatible,
			const struct ho_env *env, struct ho_work *w,
			const char *where, struct ho_report *rep)
{
	const struct ho_schema *schema;

	if (!env->schemas)
		return HO_OK;
	schema = ho_schema_find(env->schemas, compatible);
	if (!schema)
		return ho_fail_at(rep, HO_ERR_NO_SCHEMA, where, fdt, 0,
				  compatible);
	return ho_schema_check_at(fdt, schema, env->memmap, w, where, rep);
}

int ho_luo_check_at(const void *fdt, uint64_t size, const struct ho_env *env,
		    struct ho_work *w, const char *where,
		    struct ho_report *rep)
{
	uint64_t nsess, nfiles, top = w->top;
	int sessions, fds, err;
	struct sess_key *keys;

	err = ho_fdt_check_at(fdt, size, where, rep);
	if (!err)
		err = ho_fdt_no_rsv(fdt, where, rep);
	if (!err)
		err = ho_root_compat(fdt, HO_LUO_COMPATIBLE, where, rep);
	if (!err)
		err = check_lookups(fdt, where, rep);
	if (!err)
		err = find_node(fdt, "sessions", where, rep, &sessions);
	if (!err)
		err = find_node(fdt, "file-descriptors", where, rep, &fds);
	if (err)
		return err;
	/* the limits first: nothing below walks more than them */
	nsess = count_children(fdt, sessions);
	nfiles = count_children(fdt, fds);
	if (nsess > HO_LUO_MAX_SESSIONS)
		return ho_fail_val(rep, HO_ERR_TOO_MANY_SESSIONS, where, fdt,
				   sessions, "limit", HO_LUO_MAX_SESSIONS);
	if (nfiles > HO_LUO_MAX_FILES)
		return ho_fail_val(rep, HO_ERR_TOO_MANY_FILES, where, fdt, fds,
				   "limit", HO_LUO_MAX_FILES);
	err = schema_check(fdt, HO_LUO_COMPATIBLE, env, w, where, rep);
	if (!err)
		err = check_root(fdt, where, rep);
	if (!err)
		err = ho_trace_check_prop(fdt, env, w, where, rep);
	if (err)
		return err;
	keys = ho_work_take(w, nsess, sizeof(*keys), where, rep);
	if (!keys)
		return HO_ERR_WORK_SPACE;
	err = check_sessions(fdt, sessions, nsess, keys, w, where, rep);
	if (!err)
		err = check_files(fdt, fds, nfiles, keys, nsess, w, where, rep);
	if (err)
		return err;
	ho_work_put(w, top);
	return follow_files(fdt, fds, env, w, where, rep);
}

/* memfd-rfc-v2 */

static int check_folio(const struct ho_memfd_folio *f, uint64_t pages,
		       const struct ho_env *env, uint64_t page_size,
		       const void *fdt,
		       const char *where, struct ho_report *rep, uint64_t i)
{
	uint64_t bytes;

	if (f->order > ho_max_folio_order(env))
		return ho_fail_val(rep, HO_ERR_FOLIO_ORDER, where, fdt, 0,
				   "folio", i);
	if (f->flags & ~(uint32_t)(HO_FOLIO_UPTODATE | HO_FOLIO_DIRTY))
		return ho_fail_val(rep, HO_ERR_FOLIO_FLAGS, where, fdt, 0,
				   "folio", i);
	if (!f->phys)
		return ho_fail_val(rep, HO_ERR_PHYS_ZERO, where, fdt, 0,
				   "folio", i);
	bytes = page_size << f->order;
	if (f->phys & (bytes - 1))
		return ho_fail_val(rep, HO_ERR_FOLIO_UNALIGNED, where, fdt, 0,
				   "folio", i);
	/* shmem_add_to_page_cache(): VM_BUG_ON unless aligned */
	if (f->index & ((1ull << f->order) - 1))
		return ho_fail_val(rep, HO_ERR_FOLIO_INDEX_UNALIGNED, where,
				   fdt, 0, "folio", i);
	if (f->index > pages || pages - f->index < (1ull << f->order))
		return ho_fail_val(rep, HO_ERR_FOLIO_BEYOND_SIZE, where, fdt,
				   0, "folio", i);
	return ho_check_addr(env->memmap, f->phys, bytes, where, fdt, 0,
			     "folio", rep);
}

/*
 * The table: kho_restore_vmalloc() of { folios, memfd_rfc_table_pages(),
 * MEMFD_RFC_TABLE_KHO_FLAGS, order 0 } (kho_vmalloc.c), entries read
 * across page boundaries as the kernel's mapping of the area reads them.
 */
static int check_folios(const void *fdt, uint64_t table, uint64_t nr,
			uint64_t fsize, const struct ho_env *env,
			struct ho_work *w, const char *where,
			struct ho_report *rep)
{
	uint8_t e[MEMFD_RFC_FOLIO_SIZE];
	struct ho_memfd_folio f;
	struct ho_vmalloc vm;
	struct ho_vwalk v;
	uint64_t pages, ps, prev = 0, end = 0, i;
	int err;

	if (!nr != !table)
		return ho_fail_val(rep, HO_ERR_FOLIO_TABLE, where, fdt, 0,
				   "nr-folios", nr);
	if (!nr)
		return HO_OK;
	ps = w->page_size;
	pages = fsize / ps + !!(fsize % ps);
	if (nr > MEMFD_RFC_MAX_FOLIOS)
		return ho_fail_val(rep, HO_ERR_TOO_MANY_FOLIOS, where, fdt, 0,
				   "nr-folios", nr);
	if (nr > pages)
		return ho_fail_val(rep, HO_ERR_FOLIO_TABLE, where, fdt, 0,
				   "nr-folios", nr);
	/* the first chunk; without phys the only page known */
	err = ho_check_addr(env->memmap, table, ps, where, fdt, 0, "folios",
			    rep);
	if (err)
		return err;
	if (!env->phys)
		return ho_work_add(w, table, ps, where, rep);
	vm = (struct ho_vmalloc){ table, memfd_rfc_table_pages(nr, ps),
				  MEMFD_RFC_TABLE_KHO_FLAGS, 0 };
	err = ho_vmalloc_begin(&v, &vm, HO_ERR_FOLIO_TABLE_UNALIGNED, env, w,
			       where, rep);
	for (i = 0; !err && i < nr; i++) {
		err = ho_vmalloc_read(&v, e, sizeof(e));
		if (err)
			return err;
		f.phys = ho_get_u64(e);
		f.index = ho_get_u64(e + 8);
		f.order = ho_get_u32(e + 16);
		f.flags = ho_get_u32(e + 20);
		err = check_folio(&f, pages, env, ps, fdt, where, rep, i);
		if (err)
			return err;
		if (i && f.index < end)
			return ho_fail_val(rep, f.index < prev ?
					   HO_ERR_FOLIO_UNSORTED :
					   HO_ERR_FOLIO_OVERLAP, where, fdt,
					   0, "folio", i);
		prev = f.index;
		end = f.index + (1ull << f.order);
		err = ho_work_add(w, f.phys, ps << f.order, where, rep);
		/* kho_restore_folio() hands back exactly this order */
		if (!err)
			err = ho_radix_prove(env, w, f.phys, f.order, 0, where,
					     rep);
	}
	return err ? err : ho_vmalloc_end(&v);
}

int ho_memfd_check_at(const void *fdt, uint64_t size,
		      const struct ho_env *env, struct ho_work *w,
		      const char *where, struct ho_report *rep)
{
	uint64_t fsize, table, nr;
	uint32_t seals;
	int err;

	err = ho_fdt_check_at(fdt, size, where, rep);
	if (!err)
		err = ho_fdt_no_rsv(fdt, where, rep);
	if (!err && fdt_totalsize(fdt) > HO_MEMFD_FDT_MAX(w->page_size))
		return ho_fail_val(rep, HO_ERR_MEMFD_FDT_SIZE, where, fdt, 0,
				   "totalsize", fdt_totalsize(fdt));
	if (!err)
		err = ho_root_compat(fdt, HO_MEMFD_COMPATIBLE, where, rep);
	if (err)
		return err;
	/* memfd_rfc_parse()'s rules first: the same code with or without schema */
	err = ho_prop_u64(fdt, 0, "size", &fsize, where, rep);
	if (!err)
		err = ho_prop_u32(fdt, 0, "seals", &seals, where, rep);
	if (!err)
		err = ho_prop_u64(fdt, 0, "folios", &table, where, rep);
	if (!err)
		err = ho_prop_u64(fdt, 0, "nr-folios", &nr, where, rep);
	if (err)
		return err;
	if (seals & ~HO_MEMFD_SEALS)
		return ho_fail_val(rep, HO_ERR_MEMFD_SEALS, where, fdt, 0,
				   "seals", seals);
	if (fsize > HO_MEMFD_MAX_SIZE)
		return ho_fail_val(rep, HO_ERR_MEMFD_SIZE, where, fdt, 0,
				   "size", fsize);
	if (table & (w->page_size - 1))
		return ho_fail_val(rep, HO_ERR_FOLIO_TABLE_UNALIGNED, where,
				   fdt, 0, "folios", table);
	if (nr > MEMFD_RFC_MAX_FOLIOS)
		return ho_fail_val(rep, HO_ERR_TOO_MANY_FOLIOS, where, fdt, 0,
				   "nr-folios", nr);
	err = schema_check(fdt, HO_MEMFD_COMPATIBLE, env, w, where, rep);
	if (err)
		return err;
	return check_folios(fdt, table, nr, fsize, env, w, where, rep);
}

int ho_luo_check(const void *fdt, uint64_t size, const struct ho_env *env,
		 struct ho_report *rep)
{
	return ho_check_alone(HO_BLOB_LUO, fdt, size, env, rep);
}

int ho_memfd_check(const void *fdt, uint64_t size, const struct ho_env *env,
		   struct ho_report *rep)
{
	return ho_check_alone(HO_BLOB_MEMFD, fdt, size, env, rep);
}
