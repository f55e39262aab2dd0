// SPDX-License-Identifier: GPL-2.0-only
/*
 * Schema interpreter: checks an FDT against the tables of ho/schema.h
 * (generated from fdt-schema/<name>.yaml, or written by hand in tests).
 *
 * Per node: every property is matched to a rule by name (unknown ones are
 * errors unless HO_NODE_EXTRA_PROPS), checked for size, type and flags, and
 * may appear once; required ones must be present. Every child is matched to
 * the first child rule whose name matcher accepts it (unknown ones are errors
 * unless HO_NODE_EXTRA_NODES), counted against max_count and checked
 * recursively; required child rules must match at least once; sibling names
 * are unique (linear when they come sorted, else one sort of their offsets
 * in the work buffer). The FDT must have passed ho_fdt_check() first.
 */
#include "internal.h"

#define HO_SCHEMA_MAX_PROPS	64
#define HO_SCHEMA_MAX_CHILDREN	16

struct schema_walk {
	const void *fdt;
	const struct ho_memmap *mm;
	struct ho_work *work;
	const char *where;
	struct ho_report *rep;
};

static int check_node(const struct schema_walk *w, int node,
		      const struct ho_node_rule *rule, int depth, int *end);

const struct ho_schema *ho_schema_find(const struct ho_schema *const *list,
				       const char *compatible)
{
	if (!list || !compatible)
		return 0;
	for (; *list; list++)
		if ((*list)->compatible &&
		    !ho_strcmp((*list)->compatible, compatible))
			return *list;
	return 0;
}

static bool name_is_hex(const char *name, int len)
{
	int i;

	if (len < 1 || len > 16 || (len > 1 && name[0] == '0'))
		return false;
	for (i = 0; i < len; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		      (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return true;
}

static bool name_matches(const struct ho_node_rule *r, const char *name,
			 int len)
{
	switch (r->match) {
	case HO_NAME_EXACT:
		return r->name && ho_strlen(r->name) == (size_t)len &&
		       !ho_memcmp(r->name, name, len);
	case HO_NAME_HEX:
		return name_is_hex(name, len);
	case HO_NAME_ANY:
		return true;
	}
	return false;
}

static int check_int(const struct schema_walk *w, int node,
		     const struct ho_prop_rule *r, uint64_t v)
{
	if ((r->flags & HO_PROP_NONZERO) && !v)
		return ho_fail_at(w->rep, HO_ERR_PROP_ZERO, w->where, w->fdt,
				  node, r->name);
	if ((r->flags & HO_PROP_PAGE_ALIGNED) &&
	    (v & (w->work->page_size - 1)))
		return ho_fail_val(w->rep, HO_ERR_PROP_UNALIGNED, w->where,
				   w->fdt, node, r->name, v);
	if ((r->flags & HO_PROP_HAS_RANGE) && (v < r->min || v > r->max))
		return ho_fail_val(w->rep, HO_ERR_PROP_RANGE, w->where, w->fdt,
				   node, r->name, v);
	if ((r->flags & HO_PROP_ADDR) && v)
		return ho_check_addr(w->mm, v, 1, w->where, w->fdt, node,
				     r->name, w->rep);
	return HO_OK;
}

static int check_string(const struct schema_walk *w, int node,
			const struct ho_prop_rule *r, const char *s, int len)
{
	int err;

	if (len <= 0 || s[len - 1] != '\0')
		return ho_fail_at(w->rep, HO_ERR_STRING_NO_NUL, w->where,
				  w->fdt, node, r->name);
	err = ho_str_valid(s, len);
	/* the empty string is fine unless the rule says non-empty */
	if (err && !(len == 1 && !(r->flags & HO_PROP_NONZERO)))
		return ho_fail_at(w->rep, err, w->where, w->fdt, node,
				  r->name);
	if (r->max_len && len > r->max_len)
		return ho_fail_val(w->rep, HO_ERR_STRING_TOO_LONG, w->where,
				   w->fdt, node, r->name, (uint64_t)len);
	if ((r->flags & HO_PROP_CONST) &&
	    (!r->value || ho_strcmp(r->value, s)))
		return ho_fail_at(w->rep, ho_strcmp(r->name, "compatible") ?
				  HO_ERR_PROP_RANGE : HO_ERR_BAD_COMPATIBLE,
				  w->where, w->fdt, node, r->name);
	return HO_OK;
}

static int check_value(const struct schema_walk *w, int node,
		       const struct ho_prop_rule *r, const void *val, int len)
{
	int want = -1;

	switch (r->type) {
	case HO_PROP_EMPTY:
		want = 0;
		break;
	case HO_PROP_U32:
		want = 4;
		break;
	case HO_PROP_U64:
	case HO_PROP_PHYS:
		want = 8;
		break;
	case HO_PROP_STRING:
		return check_string(w, node, r, val, len);
	case HO_PROP_BYTES:
		if (r->max_len && len > r->max_len)
			return ho_fail_val(w->rep, HO_ERR_PROP_SIZE, w->where,
					   w->fdt, node, r->name,
					   (uint64_t)len);
		return HO_OK;
	default:
		return ho_fail_at(w->rep, HO_ERR_SCHEMA, w->where, w->fdt,
				  node, r->name);
	}
	if (len != want)
		return ho_fail_val(w->rep, HO_ERR_PROP_SIZE, w->where, w->fdt,
				   node, r->name, (uint64_t)len);
	if (want == 4)
		return check_int(w, node, r, ho_get_u32(val));
	if (want == 8)
		return check_int(w, node, r, ho_get_u64(val));
	return HO_OK;
}

static int find_prop_rule(const struct ho_node_rule *rule, const char *name)
{
	int i;

	for (i = 0; i < rule->nprops; i++)
		if (rule->props[i].name && rule->props[i].name[0] == name[0] &&
		    !ho_strcmp(rule->props[i].name, name))
			return i;
	return -1;
}

static int check_props(const struct schema_walk *w, int node,
		       const struct ho_node_rule *rule)
{
	uint64_t seen = 0;
	const char *name;
	const void *val;
	int prop, len, i, err;

	ho_fdt_for_each_prop(prop, w->fdt, node) {
		val = ho_fdt_prop_at(w->fdt, prop, &name, &len);
		if (!val || !name)
			return ho_fail_at(w->rep, HO_ERR_FDT_STRUCTURE,
					  w->where, w->fdt, node, "property");
		i = find_prop_rule(rule, name);
		if (i < 0) {
			if (rule->flags & HO_NODE_EXTRA_PROPS)
				continue;
			return ho_fail_at(w->rep, HO_ERR_UNKNOWN_PROP, w->where,
					  w->fdt, node, name);
		}
		if (seen & (1ull << i))
			return ho_fail_at(w->rep, HO_ERR_DUP_PROP, w->where,
					  w->fdt, node, name);
		seen |= 1ull << i;
		err = check_value(w, node, &rule->props[i], val, len);
		if (err)
			return err;
	}
	for (i = 0; i < rule->nprops; i++)
		if ((rule->props[i].flags & HO_PROP_REQUIRED) &&
		    !(seen & (1ull << i)))
			return ho_fail_at(w->rep, HO_ERR_MISSING_PROP, w->where,
					  w->fdt, node, rule->props[i].name);
	return HO_OK;
}

static int match_child(const struct ho_node_rule *rule, const char *name,
		       int len)
{
	int i;

	for (i = 0; i < rule->nchildren; i++)
		if (name_matches(&rule->children[i], name, len))
			return i;
	return -1;
}

/* Total order on names: by length, then bytes (numeric order for hex). */
static int name_cmp(const char *a, int alen, const char *b, int blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return ho_memcmp(a, b, alen);
}

/* Siblings not in name order: sort their names in the work buffer. */
static int check_dup_names(const struct schema_walk *w, int node)
{
	uint64_t top = w->work->top, n = 0, i;
	struct ho_name_key *k;
	int c, len;

	ho_fdt_for_each_subnode(c, w->fdt, node)
		n++;
	k = ho_work_take(w->work, n, sizeof(*k), w->where, w->rep);
	if (!k)
		return HO_ERR_WORK_SPACE;
	i = 0;
	ho_fdt_for_each_subnode(c, w->fdt, node) {
		k[i].s = ho_fdt_name(w->fdt, c, &len);
		k[i].len = (uint32_t)len;
		k[i++].node = c;
	}
	ho_sort(k, n, sizeof(*k), ho_name_key_cmp, 0);
	for (i = 1; i < n; i++)
		if (ho_name_key_eq(&k[i - 1], &k[i]))
			return ho_fail_at(w->rep, HO_ERR_DUP_NODE, w->where,
					  w->fdt, k[i].node, 0);
	ho_work_put(w->work, top);
	return HO_OK;
}

static int unmatched_child(const struct schema_walk *w, int child,
			   const struct ho_node_rule *rule)
{
	int i;

	/* A name that misses a hex rule is a bad name, not a stray node. */
	for (i = 0; i < rule->nchildren; i++)
		if (rule->children[i].match == HO_NAME_HEX)
			return ho_fail_at(w->rep, HO_ERR_BAD_NODE_NAME, w->where,
					  w->fdt, child, 0);
	return ho_fail_at(w->rep, HO_ERR_UNKNOWN_NODE, w->where, w->fdt, child,
			  0);
}

/*
 * The children in one walk: each child's check ends at the offset after
 * its FDT_END_NODE (*end), where the next child is looked for, so no
 * subtree is walked twice (fdt_next_subnode() would walk it again).
 */
static int check_children(const struct schema_walk *w, int node,
			  const struct ho_node_rule *rule, int depth, int *end)
{
	uint32_t count[HO_SCHEMA_MAX_CHILDREN] = { 0 };
	const char *name, *prev = 0;
	int child, len, prevlen = 0, i, err, off;
	bool sorted = true;

	for (off = ho_fdt_body(w->fdt, node);
	     (child = ho_fdt_child_at(w->fdt, off, end)) >= 0;) {
		name = ho_fdt_name(w->fdt, child, &len);
		if (prev && name_cmp(prev, prevlen, name, len) >= 0)
			sorted = false;
		prev = name;
		prevlen = len;
		i = match_child(rule, name, len);
		if (i < 0) {
			if (rule->flags & HO_NODE_EXTRA_NODES) {
				off = ho_fdt_node_end(w->fdt, child);
				continue;
			}
			return unmatched_child(w, child, rule);
		}
		count[i]++;
		if (rule->children[i].max_count &&
		    count[i] > rule->children[i].max_count)
			return ho_fail_val(w->rep, HO_ERR_TOO_MANY_NODES,
					   w->where, w->fdt, child,
					   rule->children[i].name, count[i]);
		err = check_node(w, child, &rule->children[i], depth + 1, &off);
		if (err)
			return err;
	}
	for (i = 0; i < rule->nchildren; i++)
		if ((rule->children[i].flags & HO_NODE_REQUIRED) && !count[i])
			return ho_fail_at(w->rep, HO_ERR_MISSING_NODE, w->where,
					  w->fdt, node, rule->children[i].name);
	return sorted ? HO_OK : check_dup_names(w, node);
}

/* node and its subtree against rule; *end: the offset after the node. */
static int check_node(const struct schema_walk *w, int node,
		      const struct ho_node_rule *rule, int depth, int *end)
{
	int err;

	if (depth > HO_FDT_MAX_DEPTH)
		return ho_fail_at(w->rep, HO_ERR_FDT_DEPTH, w->where, w->fdt,
				  node, 0);
	if (rule->nprops > HO_SCHEMA_MAX_PROPS ||
	    rule->nchildren > HO_SCHEMA_MAX_CHILDREN ||
	    (rule->nprops && !rule->props) ||
	    (rule->nchildren && !rule->children))
		return ho_fail_at(w->rep, HO_ERR_SCHEMA, w->where, w->fdt,
				  node, rule->name);
	err = check_props(w, node, rule);
	if (!err)
		err = check_children(w, node, rule, depth, end);
	return err;
}

int ho_schema_check_at(const void *fdt, const struct ho_schema *schema,
		       const struct ho_memmap *mm, struct ho_work *work,
		       const char *where, struct ho_report *rep)
{
	struct schema_walk w = { fdt, mm, work, where, rep };
	int end;

	if (!schema || !schema->root)
		return ho_fail_at(rep, HO_ERR_SCHEMA, where, 0, -1, "schema");
	return check_node(&w, 0, schema->root, 0, &end);
}

int ho_schema_check_env(const void *fdt, uint64_t size,
			const struct ho_schema *schema,
			const struct ho_env *env, struct ho_report *rep)
{
	const char *where = schema && schema->compatible ?
			    schema->compatible : "schema";
	uint64_t stack[HO_WORK_STACK / 8];
	struct ho_work w;
	int err;

	err = ho_work_begin(&w, &env, stack, sizeof(stack), rep);
	if (!err)
		err = ho_fdt_check_at(fdt, size, where, rep);
	if (!err)
		err = ho_schema_check_at(fdt, schema, env->memmap, &w, where,
					 rep);
	return err;
}

int ho_schema_check(const void *fdt, uint64_t size,
		    const struct ho_schema *schema,
		    const struct ho_memmap *memmap, struct ho_report *rep)
{
	struct ho_env env = { .memmap = memmap };

	return ho_schema_check_env(fdt, size, schema, &env, rep);
}
