// SPDX-License-Identifier: GPL-2.0-only
/*
 * KHO root FDT check ("kho-v4", include/linux/kho/abi/kexec_handover.h).
 *
 * The root carries compatible and preserved-memory-map (u64, a page in RAM,
 * or 0 only when there is no subtree: kho_populate() ignores a handover whose
 * map is 0); each child is a subtree
 * with exactly preserved-data (u64 phys) and blob-size (u64, > 0), the blob
 * inside RAM. The kernel looks subtrees up with fdt_subnode_offset(), which
 * also matches "name@unit": two subtrees with one base name are rejected
 * (DUP_NODE if the names are equal, AMBIGUOUS_NODE otherwise), so the one
 * whose base name is "luo-rfc" is exactly the one the kernel reads; it holds
 * our LUO FDT, checked in turn when env->phys can reach it (the one whose
 * base name is "LUO" holds upstream LUO's struct luo_ser: luo_v5.c), after
 * its pages are proven preserved in KHO's radix tree (kho_radix.c), whose root is
 * preserved-memory-map: the LUO and memfd checks below prove their blobs,
 * tables and folios there too. The map page and
 * every blob go into the work buffer's preserved ranges. A kho-v4 schema in
 * env->schemas is applied on top.
 */
#include "internal.h"

static const char where_kho[] = "kho";

/* Every property of node is one of names[], none twice. */
static int props_allowed(const void *fdt, int node, const char *const *names,
			 int n, struct ho_report *rep)
{
	unsigned int seen = 0;
	const char *name;
	int prop, i;

	fdt_for_each_property_offset(prop, fdt, node) {
		if (!fdt_getprop_by_offset(fdt, prop, &name, 0) || !name)
			return ho_fail_at(rep, HO_ERR_FDT_STRUCTURE, where_kho,
					  fdt, node, "property");
		for (i = 0; i < n && ho_strcmp(names[i], name); i++)
			;
		if (i == n)
			return ho_fail_at(rep, HO_ERR_UNKNOWN_PROP, where_kho,
					  fdt, node, name);
		if (seen & (1u << i))
			return ho_fail_at(rep, HO_ERR_DUP_PROP, where_kho, fdt,
					  node, name);
		seen |= 1u << i;
	}
	return HO_OK;
}

static int check_root(const void *fdt, const struct ho_env *env,
		      struct ho_work *w, struct ho_report *rep)
{
	static const char *const names[] = {
		"compatible", "preserved-memory-map",
	};
	uint64_t map;
	int err;

	err = ho_root_compat(fdt, HO_KHO_COMPATIBLE, where_kho, rep);
	if (err)
		return err;
	err = ho_prop_u64(fdt, 0, "preserved-memory-map", &map, where_kho,
			  rep);
	if (err)
		return err;
	/*
	 * kho_populate() ignores the whole handover when it reads 0: fine
	 * for an empty one (nothing preserved), data lost otherwise.
	 */
	if (!map && fdt_first_subnode(fdt, 0) >= 0)
		return ho_fail_at(rep, HO_ERR_PROP_ZERO, where_kho, fdt, 0,
				  "preserved-memory-map");
	if (map & (w->page_size - 1))
		return ho_fail_val(rep, HO_ERR_PROP_UNALIGNED, where_kho, fdt,
				   0, "preserved-memory-map", map);
	if (map)
		err = ho_check_addr(env->memmap, map, w->page_size, where_kho,
				    fdt, 0, "preserved-memory-map", rep);
	if (!err && map)
		err = ho_work_add(w, map, w->page_size, where_kho, rep);
	/* blobs, tables and folios are proven preserved in its tree */
	if (!err && map && env->phys)
		w->radix_root = map;
	if (!err)
		err = props_allowed(fdt, 0, names, 2, rep);
	return err;
}

static int follow_luo(const void *fdt, int node, uint64_t addr, uint64_t size,
		      const struct ho_env *env, struct ho_work *w,
		      struct ho_report *rep)
{
	const void *blob;

	int err;

	if (!env->phys)
		return HO_OK;
	/* luo_restore_blob(): kho_restore_folio() of at least size bytes */
	err = ho_radix_prove(env, w, addr, -1, size, "kho:/" HO_LUO_SUBTREE,
			     rep);
	if (err)
		return err;
	blob = ho_phys_map(env->phys, addr, size);
	if (!blob)
		return ho_fail_val(rep, HO_ERR_ADDR_UNMAPPED, where_kho, fdt,
				   node, "preserved-data", addr);
	return ho_luo_check_at(blob, size, env, w, "luo", rep);
}

/* Length of name up to its unit address ("luo-rfc@0" -> 7). */
static int base_len(const char *name, int len)
{
	const char *at = ho_memchr(name, '@', len);

	return at ? (int)(at - name) : len;
}

/*
 * The kernel finds a subtree with fdt_subnode_offset(root, name), which
 * takes the first node called name or name@<anything>: this is the node
 * whose base name is want (HO_LUO_SUBTREE for luo-rfc, HO_LUO_V5_ENTRY for
 * upstream's kho_retrieve_subtree(LUO_KHO_ENTRY_NAME)).
 */
static bool is_named(const void *fdt, int node, const char *want, int wlen)
{
	int len;
	const char *name = fdt_get_name(fdt, node, &len);

	return name && base_len(name, len) == wlen &&
	       !ho_memcmp(name, want, (size_t)wlen);
}

static bool is_luo(const void *fdt, int node)
{
	return is_named(fdt, node, HO_LUO_SUBTREE,
			(int)sizeof(HO_LUO_SUBTREE) - 1);
}

static bool is_luo_v5(const void *fdt, int node)
{
	return is_named(fdt, node, HO_LUO_V5_ENTRY,
			(int)sizeof(HO_LUO_V5_ENTRY) - 1);
}

static int check_subtree(const void *fdt, int node, const struct ho_env *env,
			 struct ho_work *w, struct ho_report *rep)
{
	static const char *const names[] = { "preserved-data", "blob-size" };
	uint64_t addr, size;
	int err;

	err = props_allowed(fdt, node, names, 2, rep);
	if (err)
		return err;
	if (fdt_first_subnode(fdt, node) >= 0)
		return ho_fail_at(rep, HO_ERR_UNKNOWN_NODE, where_kho, fdt,
				  fdt_first_subnode(fdt, node), 0);
	err = ho_prop_u64(fdt, node, "preserved-data", &addr, where_kho, rep);
	if (!err)
		err = ho_prop_u64(fdt, node, "blob-size", &size, where_kho,
				  rep);
	if (err)
		return err;
	if (!size)
		return ho_fail_at(rep, HO_ERR_BLOB_SIZE_ZERO, where_kho, fdt,
				  node, "blob-size");
	err = ho_check_addr(env->memmap, addr, size, where_kho, fdt, node,
			    "preserved-data", rep);
	if (!err)
		err = ho_work_add(w, addr, size, where_kho, rep);
	if (err)
		return err;
	if (is_luo(fdt, node))
		return follow_luo(fdt, node, addr, size, env, w, rep);
	if (is_luo_v5(fdt, node))
		return ho_luo_v5_check_at(addr, size, env, w, rep);
	return HO_OK;
}

/*
 * No two subtrees the kernel could confuse: their base names sorted in the
 * work area, O(n log n).
 */
static int check_names(const void *fdt, uint64_t n, struct ho_work *w,
		       struct ho_report *rep)
{
	uint64_t top = w->top, i = 0;
	struct ho_name_key *k;
	int node, la, lb;
	const char *a, *b;

	k = ho_work_take(w, n, sizeof(*k), where_kho, rep);
	if (!k)
		return HO_ERR_WORK_SPACE;
	fdt_for_each_subnode(node, fdt, 0) {
		a = fdt_get_name(fdt, node, &la);
		if (!a)
			return ho_fail_at(rep, HO_ERR_FDT_STRUCTURE, where_kho,
					  fdt, node, "name");
		k[i++] = (struct ho_name_key){ a, (uint32_t)base_len(a, la),
					       node };
	}
	ho_sort(k, n, sizeof(*k), ho_name_key_cmp, 0);
	for (i = 1; i < n; i++) {
		if (!ho_name_key_eq(&k[i - 1], &k[i]))
			continue;
		/* sorted by node within one base name: k[i] is the later */
		a = fdt_get_name(fdt, k[i - 1].node, &la);
		b = fdt_get_name(fdt, k[i].node, &lb);
		return ho_fail_at(rep, la == lb && !ho_memcmp(a, b, la) ?
				  HO_ERR_DUP_NODE : HO_ERR_AMBIGUOUS_NODE,
				  where_kho, fdt, k[i].node, 0);
	}
	ho_work_put(w, top);
	return HO_OK;
}

static int check_subtrees(const void *fdt, const struct ho_env *env,
			  struct ho_work *w, struct ho_report *rep)
{
	bool luo = false, v5 = false;
	uint32_t f = env->flags;
	uint64_t n = 0;
	int node, err;

	fdt_for_each_subnode(node, fdt, 0)
		if (++n > HO_KHO_MAX_SUBTREES)
			return ho_fail_val(rep, HO_ERR_TOO_MANY_SUBTREES,
					   where_kho, fdt, node, "limit",
					   HO_KHO_MAX_SUBTREES);
	err = check_names(fdt, n, w, rep);
	if (err)
		return err;
	fdt_for_each_subnode(node, fdt, 0) {
		if (is_luo(fdt, node))
			luo = true;
		if (is_luo_v5(fdt, node))
			v5 = true;
		err = check_subtree(fdt, node, env, w, rep);
		if (err)
			return err;
	}
	/* both specific flags: either format will do */
	if ((f & HO_CHECK_REQUIRE_LUO_RFC) && (f & HO_CHECK_REQUIRE_LUO_V5))
		f = HO_CHECK_REQUIRE_LUO_ANY;
	if (!luo && !v5 && (f & HO_CHECK_REQUIRE_LUO_ANY))
		return ho_fail_at(rep, HO_ERR_NO_LUO_ANY, where_kho, fdt, 0,
				  HO_LUO_SUBTREE " or " HO_LUO_V5_ENTRY);
	if (!luo && (f & HO_CHECK_REQUIRE_LUO_RFC))
		return ho_fail_at(rep, HO_ERR_NO_LUO, where_kho, fdt, 0,
				  HO_LUO_SUBTREE);
	if (!v5 && (f & HO_CHECK_REQUIRE_LUO_V5))
		return ho_fail_at(rep, HO_ERR_NO_LUO_V5, where_kho, fdt, 0,
				  HO_LUO_V5_ENTRY);
	return HO_OK;
}

int ho_kho_check_at(const void *fdt, uint64_t size, const struct ho_env *env,
		    struct ho_work *w, struct ho_report *rep)
{
	const struct ho_schema *schema;
	int err;

	err = ho_fdt_check_at(fdt, size, where_kho, rep);
	if (!err)
		err = ho_fdt_no_rsv(fdt, where_kho, rep);
	if (!err)
		err = check_root(fdt, env, w, rep);
	if (!err)
		err = check_subtrees(fdt, env, w, rep);
	if (err)
		return err;
	schema = ho_schema_find(env->schemas, HO_KHO_COMPATIBLE);
	if (schema)
		err = ho_schema_check_at(fdt, schema, env->memmap, w,
					 where_kho, rep);
	return err;
}

int ho_kho_check(const void *fdt, uint64_t size, const struct ho_env *env,
		 struct ho_report *rep)
{
	return ho_check_alone(HO_BLOB_KHO, fdt, size, env, rep);
}
