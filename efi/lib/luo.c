// SPDX-License-Identifier: GPL-2.0-only
/*
 * LUO FDT ("luo-rfc-v1") and memfd handler data ("memfd-v1") checks.
 *
 * The schema tables (when env->schemas has them) check each node on its own;
 * the rules here need several nodes at once: session names are unique,
 * every file names an existing session, tokens are unique per session (see
 * check_tokens() for how that stays fast), and a
 * memfd-v1 file's data is a memfd-v1 FDT whose folio table is in RAM, sorted
 * by index, non-overlapping, aligned, and within the file size. The code
 * reads every property it uses with its size checked, so it is safe without
 * schemas too.
 */
#include "internal.h"

/* Lower-case hex without leading zeros, as the node names under /sessions. */
static void hex_name(char *buf, size_t size, uint64_t v)
{
	struct ho_sbuf sb;

	ho_sb_init(&sb, buf, size);
	ho_sb_hex(&sb, v);
	ho_memmove(buf, buf + 2, ho_strlen(buf + 2) + 1);
}

static int find_node(const void *fdt, const char *name, const char *where,
		     struct ho_report *rep, int *node)
{
	*node = fdt_subnode_offset(fdt, 0, name);
	if (*node < 0)
		return ho_fail_at(rep, HO_ERR_MISSING_NODE, where, fdt, 0, name);
	return HO_OK;
}

static int check_sessions(const void *fdt, int sessions, const char *where,
			  struct ho_report *rep)
{
	const char *a, *b;
	int s, t, err;

	fdt_for_each_subnode(s, fdt, sessions) {
		err = ho_prop_str(fdt, s, "name", &a, where, rep);
		if (err)
			return err;
		for (t = fdt_first_subnode(fdt, sessions); t != s;
		     t = fdt_next_subnode(fdt, t)) {
			if (ho_prop_str(fdt, t, "name", &b, where, rep))
				return HO_ERR_FDT_STRUCTURE;
			if (!ho_strcmp(a, b))
				return ho_fail_at(rep, HO_ERR_DUP_SESSION_NAME,
						  where, fdt, s, a);
		}
	}
	return HO_OK;
}

struct luo_file {
	const char *compat;
	uint64_t token, data;
	uint32_t session;
};

static int read_file(const void *fdt, int node, struct luo_file *f,
		     const char *where, struct ho_report *rep)
{
	int err;

	err = ho_prop_str(fdt, node, "compatible", &f->compat, where, rep);
	if (!err)
		err = ho_prop_u64(fdt, node, "token", &f->token, where, rep);
	if (!err)
		err = ho_prop_u32(fdt, node, "session", &f->session, where,
				  rep);
	if (!err)
		err = ho_prop_u64(fdt, node, "data", &f->data, where, rep);
	return err;
}

static int check_memfd_data(uint64_t data, const struct ho_env *env,
			    struct ho_report *rep)
{
	char where[32];
	struct ho_sbuf sb;
	const void *mfdt;
	uint64_t size;
	int err;

	ho_sb_init(&sb, where, sizeof(where));
	ho_sb_puts(&sb, "memfd@");
	ho_sb_hex(&sb, data);
	if (!env->phys)
		return HO_OK;
	err = ho_map_fdt(env, data, HO_FDT_MAX_SIZE, &mfdt, &size, where, rep);
	if (!err)
		err = ho_memfd_check_at(mfdt, size, env, where, rep);
	return err;
}

/*
 * Number of sessions when they are exactly "0", "1", ... in order (the
 * kernel writes them so): then a reference is valid iff it is below it.
 * -1 otherwise, and references are looked up by name.
 */
static int64_t dense_sessions(const void *fdt, int sessions)
{
	char want[20];
	const char *name;
	int64_t n = 0;
	int s;

	fdt_for_each_subnode(s, fdt, sessions) {
		name = fdt_get_name(fdt, s, 0);
		hex_name(want, sizeof(want), n++);
		if (!name || ho_strcmp(name, want))
			return -1;
	}
	return n;
}

static bool session_exists(const void *fdt, int sessions, int64_t dense,
			   uint32_t session)
{
	char name[20];

	if (dense >= 0)
		return session < dense;
	hex_name(name, sizeof(name), session);
	return fdt_subnode_offset(fdt, sessions, name) >= 0;
}

static int check_file(const void *fdt, int sessions, int64_t dense,
		      int node, const struct ho_env *env, const char *where,
		      struct ho_report *rep)
{
	struct luo_file f;
	int err;

	err = read_file(fdt, node, &f, where, rep);
	if (err)
		return err;
	if (!session_exists(fdt, sessions, dense, f.session))
		return ho_fail_val(rep, HO_ERR_BAD_SESSION_REF, where, fdt,
				   node, "session", f.session);
	if (!ho_strcmp(f.compat, HO_MEMFD_COMPATIBLE))
		return check_memfd_data(f.data, env, rep);
	return HO_OK;
}

/*
 * Tokens unique per session. Files were read by check_file() already, so
 * their properties exist with the right sizes. Three ways, same verdict:
 * tokens in strictly increasing order (linear), sorting (session, token)
 * pairs in env->work (n log n), or comparing all pairs.
 */
struct tok {
	uint64_t token;
	uint32_t session;
	int32_t node;
};

static struct tok read_tok(const void *fdt, int node)
{
	struct tok t = { 0, 0, node };

	t.token = ho_get_u64(fdt_getprop(fdt, node, "token", 0));
	t.session = ho_get_u32(fdt_getprop(fdt, node, "session", 0));
	return t;
}

static bool tok_less(const struct tok *a, const struct tok *b)
{
	if (a->session != b->session)
		return a->session < b->session;
	if (a->token != b->token)
		return a->token < b->token;
	return a->node < b->node;
}

static void sift_down(struct tok *t, uint64_t root, uint64_t n)
{
	struct tok tmp;
	uint64_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && tok_less(&t[child], &t[child + 1]))
			child++;
		if (!tok_less(&t[root], &t[child]))
			return;
		tmp = t[root];
		t[root] = t[child];
		t[child] = tmp;
		root = child;
	}
}

static void heap_sort(struct tok *t, uint64_t n)
{
	struct tok tmp;
	uint64_t i;

	for (i = n / 2; i-- > 0;)
		sift_down(t, i, n);
	for (i = n; i-- > 1;) {
		tmp = t[0];
		t[0] = t[i];
		t[i] = tmp;
		sift_down(t, 0, i);
	}
}

static int dup_token(const void *fdt, const struct tok *t, const char *where,
		     struct ho_report *rep)
{
	return ho_fail_val(rep, HO_ERR_DUP_TOKEN, where, fdt, t->node, "token",
			   t->token);
}

static int tokens_sorted(const void *fdt, int fds, const struct ho_env *env,
			 const char *where, struct ho_report *rep,
			 uint64_t n)
{
	struct tok *t = env->work;
	uint64_t i = 0;
	int node;

	fdt_for_each_subnode(node, fdt, fds)
		t[i++] = read_tok(fdt, node);
	heap_sort(t, n);
	for (i = 1; i < n; i++)
		if (t[i].session == t[i - 1].session &&
		    t[i].token == t[i - 1].token)
			return dup_token(fdt, &t[i], where, rep);
	return HO_OK;
}

static int check_tokens(const void *fdt, int fds, const struct ho_env *env,
			const char *where, struct ho_report *rep)
{
	struct tok a, b;
	bool increasing = true;
	uint64_t n = 0;
	int node, other;

	fdt_for_each_subnode(node, fdt, fds) {
		b = read_tok(fdt, node);
		if (n++ && b.token <= a.token)
			increasing = false;
		a = b;
	}
	if (increasing)
		return HO_OK;
	if (env->work && !((uintptr_t)env->work & 7) &&
	    n <= env->work_size / sizeof(struct tok))
		return tokens_sorted(fdt, fds, env, where, rep, n);
	fdt_for_each_subnode(node, fdt, fds) {
		a = read_tok(fdt, node);
		for (other = fdt_first_subnode(fdt, fds); other != node;
		     other = fdt_next_subnode(fdt, other)) {
			b = read_tok(fdt, other);
			if (a.session == b.session && a.token == b.token)
				return dup_token(fdt, &a, where, rep);
		}
	}
	return HO_OK;
}

int ho_luo_check_at(const void *fdt, uint64_t size, const struct ho_env *env,
		    const char *where, struct ho_report *rep)
{
	const struct ho_schema *schema;
	int sessions, fds, node, err;
	const char *compat;
	int64_t dense;

	err = ho_fdt_check_at(fdt, size, where, rep);
	if (!err)
		err = ho_prop_str(fdt, 0, "compatible", &compat, where, rep);
	if (err)
		return err;
	if (ho_strcmp(compat, HO_LUO_COMPATIBLE))
		return ho_fail_at(rep, HO_ERR_BAD_COMPATIBLE, where, fdt, 0,
				  "compatible");
	if (env->schemas) {
		schema = ho_schema_find(env->schemas, HO_LUO_COMPATIBLE);
		if (!schema)
			return ho_fail_at(rep, HO_ERR_NO_SCHEMA, where, fdt, 0,
					  HO_LUO_COMPATIBLE);
		err = ho_schema_check_at(fdt, schema, env->memmap, where, rep);
		if (err)
			return err;
	}
	err = find_node(fdt, "sessions", where, rep, &sessions);
	if (!err)
		err = find_node(fdt, "file-descriptors", where, rep, &fds);
	if (!err)
		err = check_sessions(fdt, sessions, where, rep);
	if (err)
		return err;
	dense = dense_sessions(fdt, sessions);
	fdt_for_each_subnode(node, fdt, fds) {
		err = check_file(fdt, sessions, dense, node, env, where, rep);
		if (err)
			return err;
	}
	return check_tokens(fdt, fds, env, where, rep);
}

/* memfd-v1 */

static int check_folio(const struct ho_memfd_folio *f, uint64_t pages,
		       const struct ho_env *env, const void *fdt,
		       const char *where, struct ho_report *rep, uint64_t i)
{
	uint64_t bytes;

	if (f->order > HO_FOLIO_MAX_ORDER)
		return ho_fail_val(rep, HO_ERR_FOLIO_ORDER, where, fdt, 0,
				   "folio", i);
	if (f->flags & ~(uint32_t)(HO_FOLIO_UPTODATE | HO_FOLIO_DIRTY))
		return ho_fail_val(rep, HO_ERR_FOLIO_FLAGS, where, fdt, 0,
				   "folio", i);
	bytes = HO_PAGE_SIZE << f->order;
	if (f->phys & (bytes - 1))
		return ho_fail_val(rep, HO_ERR_FOLIO_UNALIGNED, where, fdt, 0,
				   "folio", i);
	if (f->index > pages || pages - f->index < (1ull << f->order))
		return ho_fail_val(rep, HO_ERR_FOLIO_BEYOND_SIZE, where, fdt,
				   0, "folio", i);
	return ho_check_addr(env->memmap, f->phys, bytes, where, fdt, 0,
			     "folio", rep);
}

static int check_folios(const void *fdt, uint64_t table, uint64_t nr,
			uint64_t fsize, const struct ho_env *env,
			const char *where, struct ho_report *rep)
{
	const uint8_t *t;
	struct ho_memfd_folio f;
	uint64_t pages, bytes, prev = 0, end = 0, i;
	int err;

	if (!nr != !table)
		return ho_fail_val(rep, HO_ERR_FOLIO_TABLE, where, fdt, 0,
				   "nr-folios", nr);
	if (!nr)
		return HO_OK;
	if (nr > UINT64_MAX / sizeof(f))
		return ho_fail_val(rep, HO_ERR_FOLIO_TABLE, where, fdt, 0,
				   "nr-folios", nr);
	bytes = nr * sizeof(f);
	err = ho_check_addr(env->memmap, table, bytes, where, fdt, 0,
			    "folios", rep);
	if (err || !env->phys)
		return err;
	t = ho_phys_map(env->phys, table, bytes);
	if (!t)
		return ho_fail_val(rep, HO_ERR_ADDR_UNMAPPED, where, fdt, 0,
				   "folios", table);
	pages = fsize / HO_PAGE_SIZE + !!(fsize % HO_PAGE_SIZE);
	for (i = 0; i < nr; i++) {
		ho_memcpy(&f, t + i * sizeof(f), sizeof(f));
		err = check_folio(&f, pages, env, fdt, where, rep, i);
		if (err)
			return err;
		if (i && f.index < prev)
			return ho_fail_val(rep, HO_ERR_FOLIO_UNSORTED, where,
					   fdt, 0, "folio", i);
		if (f.index < end)
			return ho_fail_val(rep, HO_ERR_FOLIO_OVERLAP, where,
					   fdt, 0, "folio", i);
		prev = f.index;
		end = f.index + (1ull << f.order);
	}
	return HO_OK;
}

int ho_memfd_check_at(const void *fdt, uint64_t size,
		      const struct ho_env *env, const char *where,
		      struct ho_report *rep)
{
	const struct ho_schema *schema;
	uint64_t fsize, table, nr;
	const char *compat;
	uint32_t seals;
	int err;

	err = ho_fdt_check_at(fdt, size, where, rep);
	if (!err)
		err = ho_prop_str(fdt, 0, "compatible", &compat, where, rep);
	if (err)
		return err;
	if (ho_strcmp(compat, HO_MEMFD_COMPATIBLE))
		return ho_fail_at(rep, HO_ERR_BAD_COMPATIBLE, where, fdt, 0,
				  "compatible");
	if (env->schemas) {
		schema = ho_schema_find(env->schemas, HO_MEMFD_COMPATIBLE);
		if (!schema)
			return ho_fail_at(rep, HO_ERR_NO_SCHEMA, where, fdt, 0,
					  HO_MEMFD_COMPATIBLE);
		err = ho_schema_check_at(fdt, schema, env->memmap, where, rep);
		if (err)
			return err;
	}
	err = ho_prop_u64(fdt, 0, "size", &fsize, where, rep);
	if (!err)
		err = ho_prop_u32(fdt, 0, "seals", &seals, where, rep);
	if (!err)
		err = ho_prop_u64(fdt, 0, "folios", &table, where, rep);
	if (!err)
		err = ho_prop_u64(fdt, 0, "nr-folios", &nr, where, rep);
	if (!err)
		err = check_folios(fdt, table, nr, fsize, env, where, rep);
	return err;
}

static const struct ho_env *env_or_none(const struct ho_env *env)
{
	static const struct ho_env none;

	return env ? env : &none;
}

int ho_luo_check(const void *fdt, uint64_t size, const struct ho_env *env,
		 struct ho_report *rep)
{
	ho_report_clear(rep);
	return ho_luo_check_at(fdt, size, env_or_none(env), "luo", rep);
}

int ho_memfd_check(const void *fdt, uint64_t size, const struct ho_env *env,
		   struct ho_report *rep)
{
	ho_report_clear(rep);
	return ho_memfd_check_at(fdt, size, env_or_none(env), "memfd", rep);
}
