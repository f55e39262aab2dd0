// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo-fdt check: validate one handover FDT with the stage library.
 *
 * The blob is recognised by its root compatible and handed to the matching
 * library check (ho_kho_check, ho_luo_check, ho_memfd_check; any other
 * compatible with a generated schema gets ho_schema_check). The library
 * and the tables generated from the fdt-schema YAML files hold every rule;
 * this file reads files and prints verdicts. Blobs reached through physical
 * addresses (the KHO root's luo-rfc subtree or upstream LUO's luo-v5
 * entry, a memfd file's data, a folio table) are followed only with --phys
 * (phys.c: a directory of blobs at their addresses, or an image of RAM);
 * without it there is no memory behind the addresses. With a memory map, addresses are checked against it.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <ho/check.h>
#include <ho/err.h>
#include <ho/fault.h>
#include <ho/schema.h>

#include "luo-fdt.h"

static const char check_usage[] =
"Usage: " PROG " check [--memmap FILE | --memmap-sysfs DIR] [--phys DIR]\n"
"                     [--require-luo[-v5|-any]] [--schema-only]\n"
"                     [--page-size N]\n"
"                     [-q] FILE...\n"
"       " PROG " check [--memmap FILE] --phys DIR --kho-data FILE...\n"
"Validate the handover FDT in each FILE ('-' for stdin), recognised by its\n"
"root compatible. With a memory map, physical addresses must lie in usable\n"
"RAM. With --kho-data, each FILE is an x86 struct kho_data (32 bytes) whose\n"
"KHO FDT and scratch table are read from the --phys DIR, and the whole\n"
"handover is checked as the purgatory checks it (ho_check_handover). The\n"
"verdict is the purgatory's by default: a kho-v4 root without a luo-rfc\n"
"subtree is valid (KHO is used without LUO too).\n"
"  --memmap FILE        \"START END TYPE\" lines (inclusive, as in sysfs)\n"
"  --memmap-sysfs DIR   a directory like /sys/firmware/memmap\n"
"  --require-luo        a kho-v4 root must have a luo-rfc subtree\n"
"  --require-luo-v5     ... an upstream LUO entry (luo-v5); with\n"
"                       --require-luo: either one will do\n"
"  --require-luo-any    ... a LUO of either format\n"
"  --no-luo             the default; kept for old scripts\n"
"  --kho-data           FILEs are struct kho_data (needs --phys)\n"
"  --schema-only        apply only the tables generated from fdt-schema/,\n"
"                       not the library's C rules (schema tests)\n"
"  --page-size N        the receiving kernel's PAGE_SIZE: 4096 (default),\n"
"                       16384 or 65536 (any power of two in 4K..64K)\n"
"  --phys DIR           follow physical addresses into DIR/<address>.bin\n"
"                       files (as written by gen --out-dir)\n"
"  --phys ram:FILE[@BASE]  ... into an image of RAM from BASE (default 0)\n"
"                       on, e.g. a QEMU guest's memory-backend-file; a FILE\n"
"                       phys:ADDR:SIZE is then read from that memory\n"
"  --test-fault NAME    (tests) damage the handover first, as the purgatory\n"
"                       does: luo-compatible, luo-v5-block-count\n"
"  -q, --quiet          print nothing on success\n"
"Exit status: 0 all valid, 1 one is invalid, 2 usage or I/O error.\n";

/* "FILE: PATH: NAME: message (detail)" on stderr. */
static void print_report(const char *file, int err,
			 const struct ho_report *rep)
{
	errmsg("%s: %s%s%s: %s%s%s%s", file, rep->path,
	       rep->path[0] ? ": " : "", ho_errname(err), ho_strerror(err),
	       rep->detail[0] ? " (" : "", rep->detail,
	       rep->detail[0] ? ")" : "");
}

static void *work_alloc(struct ho_env *env, size_t file_size,
			const struct phys_files *pf)
{
	env->work_size = phys_work_size(file_size, pf);
	env->work = malloc(env->work_size);
	if (!env->work)
		errmsg("out of memory (%llu bytes of work buffer)",
		       (unsigned long long)env->work_size);
	return env->work;
}

/*
 * --test-fault: the stage library's fault classes (ho/fault.h), applied to
 * the --phys memory before FILE is read, so that a test can show that a
 * real handover damaged the way the purgatory damages it is refused.
 */
static const struct {
	const char *name;
	int (*fn)(const struct ho_phys *r, const struct ho_phys *w,
		  const struct ho_handover *kd);
} faults[] = {
	{ "luo-compatible", ho_fault_luo_compatible },
	{ "luo-v5-block-count", ho_fault_luo_v5_block_count },
};

static int fault_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(faults); i++)
		if (!strcmp(faults[i].name, name))
			return (int)i;
	return -1;
}

/* Damage the handover FILE names: a phys:ADDR:SIZE KHO FDT or a kho_data. */
static int inject(const char *name, const char *file,
		  const struct phys_files *pf)
{
	struct ho_handover kd = { 0 };
	size_t size;
	void *buf;
	int r = phys_spec(file, &kd.fdt_addr, &kd.fdt_size), err;

	if (!r) {
		if (read_file(file, &buf, &size))
			return -1;
		if (size == sizeof(kd))
			memcpy(&kd, buf, sizeof(kd));
		free(buf);
		if (size != sizeof(kd)) {
			errmsg("%s: --test-fault needs a kho_data or phys:ADDR:SIZE", file);
			return -1;
		}
	} else if (r < 0) {
		errmsg("%s: expected phys:ADDR:SIZE", file);
		return -1;
	}
	err = faults[fault_find(name)].fn(&pf->phys, &pf->phys, &kd);
	if (err) {
		errmsg("%s: --test-fault %s found nothing to damage: %s", file,
		       name, ho_errname(err));
		return -1;
	}
	return 0;
}

static int check_kho_data(const void *buf, size_t size,
			  const struct ho_env *env, const char **compat,
			  struct ho_report *rep)
{
	struct ho_handover kd;

	*compat = "kho_data";
	if (size != sizeof(kd)) {
		memset(rep, 0, sizeof(*rep));
		snprintf(rep->path, sizeof(rep->path), "kho_data");
		snprintf(rep->detail, sizeof(rep->detail), "%zu bytes", size);
		return HO_ERR_KHO_DATA_SIZE;
	}
	memcpy(&kd, buf, sizeof(kd));
	return ho_check_handover(&kd, NULL, 0, env, rep);
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
		return ho_schema_check_env(fdt, size, schema, env, rep);
	if (schema_only)
		goto no_schema;
	if (!strcmp(*compat, HO_KHO_COMPATIBLE))
		return ho_kho_check(fdt, size, env, rep);
	if (!strcmp(*compat, HO_LUO_COMPATIBLE))
		return ho_luo_check(fdt, size, env, rep);
	if (!strcmp(*compat, HO_MEMFD_COMPATIBLE))
		return ho_memfd_check(fdt, size, env, rep);
	if (schema)
		return ho_schema_check_env(fdt, size, schema, env, rep);
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
		{ "require-luo", no_argument, NULL, 'r' },
		{ "require-luo-v5", no_argument, NULL, 'V' },
		{ "require-luo-any", no_argument, NULL, 'A' },
		{ "kho-data", no_argument, NULL, 'k' },
		{ "phys", required_argument, NULL, 'p' },
		{ "schema-only", no_argument, NULL, 's' },
		{ "page-size", required_argument, NULL, 'P' },
		{ "test-fault", required_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* the purgatory's flags (efi/purgatory/purgatory.c): none */
	struct ho_env env = { .schemas = ho_schemas };
	const char *memmap_file = NULL, *memmap_dir = NULL, *phys_dir = NULL;
	const char *file, *compat, *fault = NULL;
	struct phys_files pf = { 0 };
	struct ho_memmap mm = { NULL, 0 };
	struct ho_report rep;
	bool quiet = false, schema_only = false, kho_data = false;
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
		case 'r':
			env.flags |= HO_CHECK_REQUIRE_LUO;
			break;
		case 'V':
			env.flags |= HO_CHECK_REQUIRE_LUO_V5;
			break;
		case 'A':
			env.flags |= HO_CHECK_REQUIRE_LUO_ANY;
			break;
		case 'k':
			kho_data = true;
			break;
		case 'p':
			phys_dir = optarg;
			break;
		case 's':
			schema_only = true;
			break;
		case 'P':
			if (parse_u64(optarg, &env.page_size) ||
			    !ho_page_size_valid(env.page_size)) {
				errmsg("check: --page-size %s: not a power of two in 4096..65536",
				       optarg);
				return EXIT_USAGE;
			}
			break;
		case 'F':
			fault = optarg;
			if (fault_find(fault) < 0) {
				errmsg("check: unknown --test-fault %s", fault);
				return EXIT_USAGE;
			}
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
	if (argc - optind < 1) {
		errmsg("check: expected a FILE (try check --help)");
		return EXIT_USAGE;
	}
	if (kho_data && (!phys_dir || schema_only)) {
		errmsg("check: --kho-data needs --phys and no --schema-only");
		return EXIT_USAGE;
	}
	if (fault && (!phys_dir || argc - optind != 1)) {
		errmsg("check: --test-fault needs --phys and one FILE");
		return EXIT_USAGE;
	}
	if (memmap_file && memmap_dir) {
		errmsg("check: --memmap and --memmap-sysfs exclude each other");
		return EXIT_USAGE;
	}
	if ((memmap_file && memmap_read_file(memmap_file, &mm)) ||
	    (memmap_dir && memmap_read_sysfs(memmap_dir, &mm)))
		return EXIT_USAGE;
	if (memmap_file || memmap_dir)
		env.memmap = &mm;
	if (phys_dir) {
		if (phys_open(phys_dir, &pf)) {
			memmap_free(&mm);
			return EXIT_USAGE;
		}
		env.phys = &pf.phys;
	}

	/* Every file is checked; the worst outcome decides the exit status. */
	rc = EXIT_OK;
	for (; optind < argc; optind++) {
		file = argv[optind];
		if (fault && inject(fault, file, &pf)) {
			rc = EXIT_USAGE;
			continue;
		}
		if (read_input(file, phys_dir ? &pf : NULL, &fdt, &size)) {
			rc = EXIT_USAGE;
			continue;
		}
		memset(&rep, 0, sizeof(rep));
		if (!work_alloc(&env, size, &pf)) {
			free(fdt);
			rc = EXIT_USAGE;
			continue;
		}
		if (kho_data)
			err = check_kho_data(fdt, size, &env, &compat, &rep);
		else
			err = check_blob(fdt, size, &env, schema_only, &compat,
					 &rep);
		free(env.work);
		env.work = NULL;
		if (err) {
			print_report(file, err, &rep);
			if (rc == EXIT_OK)
				rc = EXIT_INVALID;
		} else if (!quiet) {
			printf("%s: valid %s%s%s\n", file, compat,
			       env.memmap ? ", addresses checked" : "",
			       env.phys ? ", nested blobs followed" : "");
		}
		free(fdt);
	}
	phys_free(&pf);
	memmap_free(&mm);
	return rc;
}
