// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo-fdt dump: print a handover FDT as a tree with decoded values.
 *
 * Property types come from the generated schema tables (ho_schemas, found
 * by the root compatible), so a u64 is printed as a number and not as
 * bytes; properties no schema knows are guessed from their bytes. The FDT
 * must pass the library's structure check (ho_fdt_check) first: after that
 * the libfdt walk below cannot run off the buffer.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <ho/check.h>
#include <ho/err.h>
#include <ho/schema.h>

#include "luo-fdt.h"

/*
 * Physical ranges: a phys property and the property that gives the size of
 * what it points to, as the contract (docs/handover-format.md) pairs them.
 * unit 0: a kho_vmalloc area of .size entries of MEMFD_RFC_FOLIO_SIZE
 * bytes (4 KiB pages): the address is its first chunk, one page.
 */
static const struct range_rule {
	const char *compatible;
	const char *addr;
	const char *size;
	uint64_t unit;		/* bytes per count of .size */
} range_rules[] = {
	{ HO_KHO_COMPATIBLE, "preserved-data", "blob-size", 1 },
	{ HO_MEMFD_COMPATIBLE, "folios", "nr-folios", 0 },
};

static const struct ho_prop_rule *find_prop_rule(const struct ho_node_rule *r,
						 const char *name)
{
	uint16_t i;

	for (i = 0; r && i < r->nprops; i++)
		if (!strcmp(r->props[i].name, name))
			return &r->props[i];
	return NULL;
}

/* The rule a child node falls under: its exact name, else a pattern. */
static const struct ho_node_rule *find_node_rule(const struct ho_node_rule *r,
						 const char *name)
{
	const struct ho_node_rule *pattern = NULL;
	uint16_t i;

	for (i = 0; r && i < r->nchildren; i++) {
		if (r->children[i].match == HO_NAME_EXACT) {
			if (!strcmp(r->children[i].name, name))
				return &r->children[i];
		} else if (!pattern) {
			pattern = &r->children[i];
		}
	}
	return pattern;
}

static bool printable_string(const char *s, int len)
{
	int i;

	if (len < 1 || s[len - 1])
		return false;
	for (i = 0; i < len - 1; i++)
		if (!isprint((unsigned char)s[i]))
			return false;
	return true;
}

static void print_bytes(const uint8_t *v, int len)
{
	int i;

	putchar('[');
	for (i = 0; i < len && i < 64; i++)
		printf("%s%02x", i ? " " : "", v[i]);
	if (len > 64)
		printf(" ...");
	putchar(']');
}

static void print_string(const char *s, int len)
{
	int i;

	putchar('"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0' && i == len - 1)
			break;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (isprint(c))
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('"');
	if (len < 1 || s[len - 1])
		printf(" /* no NUL */");
}

static void print_int(uint64_t v)
{
	if (v < 10)
		printf("%" PRIu64, v);
	else
		printf("0x%" PRIx64 " (%" PRIu64 ")", v, v);
}

static uint64_t get_int(const void *v, int len)
{
	uint64_t x = 0;
	uint32_t y;

	if (len == 8) {
		memcpy(&x, v, 8);
	} else if (len == 4) {
		memcpy(&y, v, 4);
		x = y;
	}
	return x;
}

static void print_value(const struct ho_prop_rule *rule, const void *v,
			int len)
{
	int type = rule ? rule->type : -1;

	if (type < 0) {
		/* No schema rule: guess. */
		if (len == 0)
			type = HO_PROP_EMPTY;
		else if (printable_string(v, len))
			type = HO_PROP_STRING;
		else if (len == 8)
			type = HO_PROP_U64;
		else if (len == 4)
			type = HO_PROP_U32;
		else
			type = HO_PROP_BYTES;
	}
	switch (type) {
	case HO_PROP_EMPTY:
		if (len)
			print_bytes(v, len);
		break;
	case HO_PROP_U32:
	case HO_PROP_U64:
	case HO_PROP_PHYS:
		if (len != (type == HO_PROP_U32 ? 4 : 8)) {
			print_bytes(v, len);
			printf(" /* %d bytes, not a %s */", len,
			       type == HO_PROP_U32 ? "u32" : "u64");
			break;
		}
		if (type == HO_PROP_PHYS)
			printf("phys 0x%" PRIx64, get_int(v, len));
		else
			print_int(get_int(v, len));
		break;
	case HO_PROP_STRING:
		print_string(v, len);
		break;
	default:
		print_bytes(v, len);
		break;
	}
}

static void print_range(const void *fdt, int node, const char *compatible,
			const char *name, const void *v, int len)
{
	const struct range_rule *rr;
	const void *sv;
	uint64_t addr, size;
	int slen;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(range_rules); i++) {
		rr = &range_rules[i];
		if (strcmp(rr->compatible, compatible) || strcmp(rr->addr, name))
			continue;
		sv = fdt_getprop(fdt, node, rr->size, &slen);
		if (len != 8 || !sv || slen != 8)
			return;
		addr = get_int(v, len);
		size = get_int(sv, slen);
		if (!rr->unit && size && size <= MEMFD_RFC_MAX_FOLIOS &&
		    addr + HO_PAGE_SIZE > addr)
			printf(" /* kho_vmalloc chunk [0x%" PRIx64 ", 0x%" PRIx64
			       "), table pages %" PRIu64 " */", addr,
			       addr + (uint64_t)HO_PAGE_SIZE,
			       (uint64_t)memfd_rfc_table_pages(size,
							       HO_PAGE_SIZE));
		else if (!rr->unit && size)
			printf(" /* nr-folios above MEMFD_RFC_MAX_FOLIOS */");
		else if (size && size <= UINT64_MAX / rr->unit &&
		    addr + size * rr->unit >= addr)
			printf(" /* [0x%" PRIx64 ", 0x%" PRIx64 ") */", addr,
			       addr + size * rr->unit);
		else if (size)
			printf(" /* range wraps */");
		return;
	}
}

static void dump_node(const void *fdt, int node, int depth,
		      const struct ho_node_rule *rule,
		      const struct ho_schema *schema)
{
	const char *compatible = schema ? schema->compatible : "";
	int prop, child, len;

	printf("%*s%s {\n", depth * 4, "",
	       depth ? fdt_get_name(fdt, node, NULL) : "/");
	if (!rule && schema)
		printf("%*s/* not in the schema */\n", depth * 4 + 4, "");
	fdt_for_each_property_offset(prop, fdt, node) {
		const char *name;
		const void *v = fdt_getprop_by_offset(fdt, prop, &name, &len);

		if (!v)
			continue;
		printf("%*s%s", depth * 4 + 4, "", name);
		if (len) {
			printf(" = ");
			print_value(find_prop_rule(rule, name), v, len);
		}
		putchar(';');
		print_range(fdt, node, compatible, name, v, len);
		putchar('\n');
	}
	fdt_for_each_subnode(child, fdt, node)
		dump_node(fdt, child, depth + 1,
			  find_node_rule(rule, fdt_get_name(fdt, child, NULL)),
			  schema);
	printf("%*s};\n", depth * 4, "");
}

/*
 * The KHO root's "LUO" entry, after the whole handover passed ho_kho_check()
 * with the blobs in phys_dir (so the walk cannot leave them).
 */
static int dump_luo_v5(const char *file, const void *fdt, size_t size,
		       struct phys_files *pf)
{
	struct ho_env env = { .schemas = ho_schemas };
	struct ho_report rep;
	const void *pa;
	uint64_t addr;
	int node, err, len;

	env.phys = &pf->phys;
	env.work_size = phys_work_size(size, pf);
	env.work = malloc(env.work_size);
	err = env.work ? ho_kho_check(fdt, size, &env, &rep) : HO_ERR_WORK_SPACE;
	free(env.work);
	if (err) {
		errmsg("%s: %s%s%s: %s (%s)", file, rep.path,
		       rep.path[0] ? ": " : "", ho_errname(err),
		       ho_strerror(err), rep.detail);
		return EXIT_INVALID;
	}
	node = fdt_subnode_offset(fdt, 0, HO_LUO_V5_ENTRY);
	pa = node >= 0 ? fdt_getprop(fdt, node, "preserved-data", &len) : NULL;
	if (pa && len == sizeof(addr)) {
		memcpy(&addr, pa, sizeof(addr));
		dump_v5(&pf->phys, addr);
	}
	return EXIT_OK;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "phys", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct ho_schema *schema;
	const char *compat, *phys_dir = NULL;
	struct phys_files pf = { 0 };
	struct ho_report rep;
	void *fdt;
	size_t size;
	int c, err, n, len;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			phys_dir = optarg;
			break;
		case 'h':
			printf("Usage: " PROG " dump [--phys DIR] FILE\n"
			       "Print the FDT in FILE ('-' for stdin, phys:ADDR:SIZE "
			       "with --phys) as a tree\nwith decoded values. With --phys "
			       "DIR or ram:FILE[@BASE] (as in check), "
			       "a KHO root's upstream LUO (luo-v5) entry is "
			       "checked and its\nsessions, files, tokens, memfd "
			       "sizes and FLBs printed.\n");
			return EXIT_OK;
		default:
			fprintf(stderr, "Usage: " PROG " dump [--phys DIR] FILE\n");
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		errmsg("dump: expected one FILE (try dump --help)");
		return EXIT_USAGE;
	}
	if (phys_dir && phys_open(phys_dir, &pf))
		return EXIT_USAGE;
	if (read_input(argv[optind], phys_dir ? &pf : NULL, &fdt, &size)) {
		phys_free(&pf);
		return EXIT_USAGE;
	}

	err = ho_fdt_check(fdt, size, &rep);
	if (err) {
		errmsg("%s: %s%s%s: %s (%s)", argv[optind], rep.path,
		       rep.path[0] ? ": " : "", ho_errname(err),
		       ho_strerror(err), rep.detail);
		free(fdt);
		phys_free(&pf);
		return EXIT_INVALID;
	}
	compat = fdt_getprop(fdt, 0, "compatible", &len);
	if (!compat || !printable_string(compat, len))
		compat = "";
	schema = ho_schema_find(ho_schemas, compat);

	printf("/* %s: %s, %u bytes, FDT version %u", argv[optind],
	       schema ? schema->title : "no schema for this compatible",
	       fdt_totalsize(fdt), fdt_version(fdt));
	n = fdt_num_mem_rsv(fdt);
	if (n > 0)
		printf(", %d memory reservations", n);
	printf(" */\n");
	dump_node(fdt, 0, 0, schema ? schema->root : NULL, schema);
	err = phys_dir && !strcmp(compat, HO_KHO_COMPATIBLE) ?
	      dump_luo_v5(argv[optind], fdt, size, &pf) : EXIT_OK;
	free(fdt);
	phys_free(&pf);
	return err;
}
