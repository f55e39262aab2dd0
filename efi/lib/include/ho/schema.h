/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Schema tables: the structural rules of a handover FDT as data.
 *
 * fdt-schema/gen-tables.py turns fdt-schema/<name>.yaml into constant tables of
 * these types (build/gen/ho_schema_tables.c); the stage library's
 * ho_schema_check() interprets them. The purgatory, the EFI app, the loader
 * and the luo-fdt tool therefore all validate by the same rules, and a change
 * to the YAML changes validation.
 *
 * Rules that need more than one property at a time (references between
 * nodes, uniqueness, address ranges against a memory map) are C code in the
 * library, keyed by the schema's compatible.
 */
#ifndef HO_SCHEMA_H
#define HO_SCHEMA_H

#include <stdint.h>

/* How a property's bytes are read. */
enum ho_prop_type {
	HO_PROP_EMPTY = 0,	/* length 0 */
	HO_PROP_U32,		/* 4 bytes, native endian */
	HO_PROP_U64,		/* 8 bytes, native endian */
	HO_PROP_PHYS,		/* 8 bytes, native endian, a physical address */
	HO_PROP_STRING,		/* NUL-terminated, length includes the NUL */
	HO_PROP_BYTES,		/* opaque */
};

/* ho_prop_rule.flags */
#define HO_PROP_REQUIRED	(1u << 0)
#define HO_PROP_NONZERO		(1u << 1)	/* integer must be != 0 */
#define HO_PROP_PAGE_ALIGNED	(1u << 2)	/* integer must be 4 KiB aligned */
#define HO_PROP_HAS_RANGE	(1u << 3)	/* integer within [min, max] */
#define HO_PROP_CONST		(1u << 4)	/* string equals .value exactly */
#define HO_PROP_ADDR		(1u << 5)	/* value is a phys address to check against RAM */

struct ho_prop_rule {
	const char *name;
	uint8_t type;		/* enum ho_prop_type */
	uint8_t flags;		/* HO_PROP_* */
	uint16_t max_len;	/* strings/bytes: max length incl. NUL; 0 = no limit */
	const char *value;	/* HO_PROP_CONST: the required string */
	uint64_t min, max;	/* HO_PROP_HAS_RANGE */
};

/* How a child node's name is matched. */
enum ho_name_match {
	HO_NAME_EXACT = 0,	/* name equals ho_node_rule.name */
	HO_NAME_HEX,		/* lower-case hex, no leading zeros ("0", "1f") */
	HO_NAME_ANY,		/* any name */
};

/* ho_node_rule.flags */
#define HO_NODE_REQUIRED	(1u << 0)
#define HO_NODE_EXTRA_PROPS	(1u << 1)	/* properties not listed are allowed */
#define HO_NODE_EXTRA_NODES	(1u << 2)	/* child nodes not listed are allowed */

struct ho_node_rule {
	const char *name;	/* for HO_NAME_EXACT; a label otherwise */
	uint8_t match;		/* enum ho_name_match */
	uint8_t flags;		/* HO_NODE_* */
	uint16_t nprops;
	uint16_t nchildren;
	uint16_t max_count;	/* max nodes matching this rule; 0 = no limit */
	const struct ho_prop_rule *props;
	const struct ho_node_rule *children;
};

struct ho_schema {
	const char *compatible;		/* root compatible this schema is for */
	const char *title;
	const struct ho_node_rule *root;
};

/* All schemas generated from fdt-schema/, NULL-terminated. */
extern const struct ho_schema *const ho_schemas[];

#endif /* HO_SCHEMA_H */
