// SPDX-License-Identifier: GPL-2.0-only
/*
 * KHO root FDT check ("kho-v4", include/linux/kho/abi/kexec_handover.h).
 *
 * The root carries compatible and preserved-memory-map (u64, 0 allowed, else
 * a page in RAM); each child is a subtree with exactly preserved-data (u64
 * phys) and blob-size (u64, > 0), the blob inside RAM. The subtree named
 * "luo-rfc" holds our LUO FDT, which is checked in turn when env->phys can
 * reach it. A kho-v4 schema in env->schemas is applied on top.
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
		      struct ho_report *rep)
{
	static const char *const names[] = {
		"compatible", "preserved-memory-map",
	};
	const char *compat;
	uint64_t map;
	int err;

	err = ho_prop_str(fdt, 0, "compatible", &compat, where_kho, rep);
	if (err)
		return err;
	if (ho_strcmp(compat, HO_KHO_COMPATIBLE))
		return ho_fail_at(rep, HO_ERR_BAD_COMPATIBLE, where_kho, fdt,
				  0, "compatible");
	err = ho_prop_u64(fdt, 0, "preserved-memory-map", &map, where_kho,
			  rep);
	if (err)
		return err;
	if (map & (HO_PAGE_SIZE - 1))
		return ho_fail_val(rep, HO_ERR_PROP_UNALIGNED, where_kho, fdt,
				   0, "preserved-memory-map", map);
	if (map) {
		err = ho_check_addr(env->memmap, map, HO_PAGE_SIZE, where_kho,
				    fdt, 0, "preserved-memory-map", rep);
		if (err)
			return err;
	}
	return props_allowed(fdt, 0, names, 2, rep);
}

static int follow_luo(const void *fdt, int node, uint64_t addr, uint64_t size,
		      const struct ho_env *env, struct ho_report *rep)
{
	const void *blob;

	if (!env->phys)
		return HO_OK;
	blob = ho_phys_map(env->phys, addr, size);
	if (!blob)
		return ho_fail_val(rep, HO_ERR_ADDR_UNMAPPED, where_kho, fdt,
				   node, "preserved-data", addr);
	return ho_luo_check_at(blob, size, env, "luo", rep);
}

static int check_subtree(const void *fdt, int node, const struct ho_env *env,
			 struct ho_report *rep)
{
	static const char *const names[] = { "preserved-data", "blob-size" };
	uint64_t addr, size;
	const char *name;
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
	if (err)
		return err;
	name = fdt_get_name(fdt, node, 0);
	if (name && !ho_strcmp(name, HO_LUO_SUBTREE))
		return follow_luo(fdt, node, addr, size, env, rep);
	return HO_OK;
}

static int check_subtrees(const void *fdt, const struct ho_env *env,
			  struct ho_report *rep)
{
	const char *a, *b;
	bool luo = false;
	int node, other, err;

	fdt_for_each_subnode(node, fdt, 0) {
		a = fdt_get_name(fdt, node, 0);
		for (other = fdt_first_subnode(fdt, 0); other != node;
		     other = fdt_next_subnode(fdt, other)) {
			b = fdt_get_name(fdt, other, 0);
			if (a && b && !ho_strcmp(a, b))
				return ho_fail_at(rep, HO_ERR_DUP_NODE,
						  where_kho, fdt, node, 0);
		}
		if (a && !ho_strcmp(a, HO_LUO_SUBTREE))
			luo = true;
		err = check_subtree(fdt, node, env, rep);
		if (err)
			return err;
	}
	if (!luo && (env->flags & HO_CHECK_REQUIRE_LUO))
		return ho_fail_at(rep, HO_ERR_NO_LUO, where_kho, fdt, 0,
				  HO_LUO_SUBTREE);
	return HO_OK;
}

int ho_kho_check_at(const void *fdt, uint64_t size, const struct ho_env *env,
		    struct ho_report *rep)
{
	const struct ho_schema *schema;
	int err;

	err = ho_fdt_check_at(fdt, size, where_kho, rep);
	if (!err)
		err = check_root(fdt, env, rep);
	if (!err)
		err = check_subtrees(fdt, env, rep);
	if (err)
		return err;
	schema = ho_schema_find(env->schemas, HO_KHO_COMPATIBLE);
	if (schema)
		err = ho_schema_check_at(fdt, schema, env->memmap, where_kho,
					 rep);
	return err;
}

int ho_kho_check(const void *fdt, uint64_t size, const struct ho_env *env,
		 struct ho_report *rep)
{
	static const struct ho_env none;

	ho_report_clear(rep);
	return ho_kho_check_at(fdt, size, env ? env : &none, rep);
}
