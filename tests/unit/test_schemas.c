// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hand-written schema tables for the interpreter tests: the contract of
 * docs/handover-format.md written directly as struct ho_schema instances
 * (independent of fdt-schema/gen-tables.py, whose output is tested with the
 * same cases when it exists), plus a few odd schemas that exercise flags the
 * real ones do not use.
 */
#include <stddef.h>

#include "test_schemas.h"

#define U64(n, f)	{ .name = n, .type = HO_PROP_U64, .flags = (f) }
#define U32(n, f)	{ .name = n, .type = HO_PROP_U32, .flags = (f) }
#define PHYS(n, f)	{ .name = n, .type = HO_PROP_PHYS, .flags = (f) }
#define STR(n, f, l)	{ .name = n, .type = HO_PROP_STRING, .flags = (f), \
			  .max_len = (l) }
#define CONST(n, v)	{ .name = n, .type = HO_PROP_STRING, \
			  .flags = HO_PROP_REQUIRED | HO_PROP_CONST, .value = v }
#define NPROPS(a)	(sizeof(a) / sizeof((a)[0]))
#define R		HO_PROP_REQUIRED

/* kho-v4 */
static const struct ho_prop_rule kho_sub_props[] = {
	PHYS("preserved-data", R | HO_PROP_ADDR),
	{ .name = "blob-size", .type = HO_PROP_U64,
	  .flags = R | HO_PROP_HAS_RANGE, .min = 1, .max = ~0ull },
};
static const struct ho_node_rule kho_children[] = {
	{ .name = "subtree", .match = HO_NAME_ANY, .nprops = 2,
	  .props = kho_sub_props },
};
static const struct ho_prop_rule kho_props[] = {
	CONST("compatible", "kho-v4"),
	PHYS("preserved-memory-map", R | HO_PROP_PAGE_ALIGNED | HO_PROP_ADDR),
};
static const struct ho_node_rule kho_root = {
	.name = "/", .flags = HO_NODE_REQUIRED, .nprops = 2, .nchildren = 1,
	.props = kho_props, .children = kho_children,
};
const struct ho_schema test_kho_schema = { "kho-v4", "test kho", &kho_root };

/* luo-rfc-v1 */
static const struct ho_prop_rule subsys_props[] = {
	STR("compatible", R, 64),
	U64("data", R),
};
static const struct ho_node_rule subsys_children[] = {
	{ .name = "subsystem", .match = HO_NAME_ANY, .nprops = 2,
	  .props = subsys_props },
};
static const struct ho_prop_rule session_props[] = {
	STR("name", R | HO_PROP_NONZERO, 64),
};
static const struct ho_node_rule session_children[] = {
	{ .name = "session", .match = HO_NAME_HEX, .nprops = 1,
	  .props = session_props },
};
static const struct ho_prop_rule fd_props[] = {
	STR("compatible", R, 64),
	U64("token", R),
	U32("session", R),
	PHYS("data", R | HO_PROP_ADDR),
};
static const struct ho_node_rule fd_children[] = {
	{ .name = "fd", .match = HO_NAME_HEX, .nprops = 4, .props = fd_props },
};
static const struct ho_node_rule luo_children[] = {
	{ .name = "subsystems", .flags = HO_NODE_REQUIRED, .nchildren = 1,
	  .children = subsys_children },
	{ .name = "sessions", .flags = HO_NODE_REQUIRED, .nchildren = 1,
	  .children = session_children },
	{ .name = "file-descriptors", .flags = HO_NODE_REQUIRED,
	  .nchildren = 1, .children = fd_children },
};
static const struct ho_prop_rule luo_props[] = {
	CONST("compatible", "luo-rfc-v1"),
	{ .name = "liveupdate-count", .type = HO_PROP_U64,
	  .flags = R | HO_PROP_HAS_RANGE, .min = 1, .max = ~0ull },
};
static const struct ho_node_rule luo_root = {
	.name = "/", .flags = HO_NODE_REQUIRED, .nprops = 2, .nchildren = 3,
	.props = luo_props, .children = luo_children,
};
const struct ho_schema test_luo_schema = { "luo-rfc-v1", "test luo",
					   &luo_root };

/* memfd-rfc-v2 */
static const struct ho_prop_rule memfd_props[] = {
	CONST("compatible", "memfd-rfc-v2"),
	U64("size", R),
	{ .name = "seals", .type = HO_PROP_U32,
	  .flags = R | HO_PROP_HAS_RANGE, .min = 0, .max = 0x3f },
	PHYS("folios", R | HO_PROP_ADDR),
	U64("nr-folios", R),
};
static const struct ho_node_rule memfd_root = {
	.name = "/", .flags = HO_NODE_REQUIRED, .nprops = NPROPS(memfd_props),
	.props = memfd_props,
};
const struct ho_schema test_memfd_schema = { "memfd-rfc-v2", "test memfd",
					     &memfd_root };

const struct ho_schema *const test_schemas[] = {
	&test_kho_schema, &test_luo_schema, &test_memfd_schema, NULL,
};

/*
 * "odd-v1": every property type and flag the real schemas do not use.
 *   / { compatible; flag (empty); blob (bytes <= 8); nz (u32, nonzero);
 *       sel = "a" (const, not compatible); [extra props allowed]
 *       one { [at most 2 "item"s, extra nodes allowed] item {...} } }
 */
static const struct ho_prop_rule odd_props[] = {
	CONST("compatible", "odd-v1"),
	{ .name = "flag", .type = HO_PROP_EMPTY },
	{ .name = "blob", .type = HO_PROP_BYTES, .max_len = 8 },
	U32("nz", HO_PROP_NONZERO),
	{ .name = "sel", .type = HO_PROP_STRING, .flags = HO_PROP_CONST,
	  .value = "a" },
	{ .name = "bad", .type = 77 },
};
static const struct ho_node_rule odd_items[] = {
	{ .name = "item", .match = HO_NAME_EXACT, .max_count = 2 },
	{ .name = "n", .match = HO_NAME_HEX, .max_count = 2 },
};
static const struct ho_node_rule odd_children[] = {
	{ .name = "one", .flags = HO_NODE_REQUIRED | HO_NODE_EXTRA_NODES,
	  .nchildren = 2, .children = odd_items },
};
static const struct ho_node_rule odd_root = {
	.name = "/", .flags = HO_NODE_EXTRA_PROPS, .nprops = NPROPS(odd_props),
	.nchildren = 1, .props = odd_props, .children = odd_children,
};
const struct ho_schema test_odd_schema = { "odd-v1", "odd", &odd_root };

/* A schema with more child rules than the interpreter supports. */
static const struct ho_node_rule many[17];
static const struct ho_node_rule broken_root = {
	.name = "/", .nchildren = 17, .children = many,
};
const struct ho_schema test_broken_schema = { "broken-v1", "broken",
					      &broken_root };
