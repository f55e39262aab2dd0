// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo-fdt check: validate one handover FDT with the stage library.
 *
 * The blob is recognised by its root compatible and handed to the matching
 * library check (ho_kho_check, ho_luo_check, ho_memfd_check; any other
 * compatible with a generated schema gets ho_schema_check). The library
 * and the tables generated from the fdt-schema YAML files hold every rule;
 * this file reads files and prints verdicts. Blobs reached through physical
 * addresses (the KHO root's subtrees, a file's data) are not followed: on
 * the host there is no memory behind them. With a memory map, addresses
 * are checked against it.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <ho/check.h>
#include <ho/err.h>
#include <ho/schema.h>

#include "luo-fdt.h"

static const char check_usage[] =
"Usage: " PROG " check [--memmap FILE | --memmap-sysfs DIR] [--no-luo]\n"
"                     [--schema-only] [-q] FILE\n"
"Validate the handover FDT in FILE ('-' for stdin), recognised by its root\n"
"compatible. With a memory map, physical addresses must lie in usable RAM.\n"
"  --memmap FILE        \"START END TYPE\" lines (inclusive, as in sysfs)\n"
"  --memmap-sysfs DIR   a directory like /sys/firmware/memmap\n"
"  --no-luo             accept a kho-v4 root without a luo-rfc subtree\n"
"  --schema-only        apply only the tables generated from fdt-schema/,\n"
"                       not the library's C rules (schema tests)\n"
"  -q, --quiet          print nothing on success\n"
"Exit status: 0 valid, 1 invalid, 2 usage or I/O error.\n";

/* "FILE: PATH: NAME: message (detail)" on stderr. */
static void print_report(const char *file, int err,
			 const struct ho_report *rep)
{
	errmsg("%s: %s%s%s: %s%s%s%s", file, rep->path,
	       rep->path[0] ? ": " : "", ho_errname(err), ho_strerror(err),
	       rep->detail[0] ? " (" : "", rep->detail,
	       rep->detail[0] ? ")" : "");
}

static int check_blob(const void *fdt, size_t size, const struct ho_env *env,
		      bool schema_only, const char **compat,
		      struct ho_report *rep)
{
	const struct ho_schema *schema;
	int err, len;

	*compat = NULL;
	err = ho_fdt_check(fdt, size, rep);
	if (err)
		return err;
	*compat = fdt_getprop(fdt, 0, "compatible", &len);
	if (!*compat || len < 1 || (*compat)[len - 1]) {
		*compat = NULL;
		memset(rep, 0, sizeof(*rep));
		snprintf(rep->path, sizeof(rep->path), "/");
		snprintf(rep->detail, sizeof(rep->detail),
			 "no root compatible");
		return HO_ERR_NO_SCHEMA;
	}
	schema = ho_schema_find(env->schemas, *compat);
	if (schema_only && schema)
		return ho_schema_check(fdt, size, schema, env->memmap, rep);
	if (schema_only)
		goto no_schema;
	if (!strcmp(*compat, HO_KHO_COMPATIBLE))
		return ho_kho_check(fdt, size, env, rep);
	if (!strcmp(*compat, HO_LUO_COMPATIBLE))
		return ho_luo_check(fdt, size, env, rep);
	if (!strcmp(*compat, HO_MEMFD_COMPATIBLE))
		return ho_memfd_check(fdt, size, env, rep);
	if (schema)
		return ho_schema_check(fdt, size, schema, env->memmap, rep);
no_schema:
	memset(rep, 0, sizeof(*rep));
	snprintf(rep->path, sizeof(rep->path), "/");
	snprintf(rep->detail, sizeof(rep->detail), "compatible \"%.60s\"",
		 *compat);
	return HO_ERR_NO_SCHEMA;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "memmap", required_argument, NULL, 'm' },
		{ "memmap-sysfs", required_argument, NULL, 'M' },
		{ "no-luo", no_argument, NULL, 'n' },
		{ "schema-only", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ho_env env = { .schemas = ho_schemas,
			      .flags = HO_CHECK_REQUIRE_LUO };
	const char *memmap_file = NULL, *memmap_dir = NULL, *file, *compat;
	struct ho_memmap mm = { NULL, 0 };
	struct ho_report rep;
	bool quiet = false, schema_only = false;
	int c, err, rc;
	size_t size;
	void *fdt;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			memmap_file = optarg;
			break;
		case 'M':
			memmap_dir = optarg;
			break;
		case 'n':
			env.flags &= ~HO_CHECK_REQUIRE_LUO;
			break;
		case 's':
			schema_only = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(check_usage, stdout);
			return EXIT_OK;
		default:
			fputs(check_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		errmsg("check: expected one FILE (try check --help)");
		return EXIT_USAGE;
	}
	if (memmap_file && memmap_dir) {
		errmsg("check: --memmap and --memmap-sysfs exclude each other");
		return EXIT_USAGE;
	}
	file = argv[optind];
	if ((memmap_file && memmap_read_file(memmap_file, &mm)) ||
	    (memmap_dir && memmap_read_sysfs(memmap_dir, &mm)))
		return EXIT_USAGE;
	if (memmap_file || memmap_dir)
		env.memmap = &mm;
	if (read_file(file, &fdt, &size)) {
		memmap_free(&mm);
		return EXIT_USAGE;
	}

	memset(&rep, 0, sizeof(rep));
	err = check_blob(fdt, size, &env, schema_only, &compat, &rep);
	if (err) {
		print_report(file, err, &rep);
		rc = EXIT_INVALID;
	} else {
		if (!quiet)
			printf("%s: valid %s%s\n", file, compat,
			       env.memmap ? " (addresses checked)" : "");
		rc = EXIT_OK;
	}
	free(fdt);
	memmap_free(&mm);
	return rc;
}
