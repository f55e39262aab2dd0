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
 * entry, a memfd file's data, a folio table) are followed only with --phys DIR, which places each file
 * DIR/<address>.bin at its physical address; without it there is no memory
 * behind the addresses. With a memory map, addresses are checked against it.
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
"  -q, --quiet          print nothing on success\n"
"Exit status: 0 all valid, 1 one is invalid, 2 usage or I/O error.\n";

void phys_free(struct phys_files *pf)
{
	uint32_t i;

	for (i = 0; i < pf->nwin; i++)
		free(pf->win[i].ptr);
	free(pf->win);
	memset(pf, 0, sizeof(*pf));
}

int phys_read(const char *dir, struct phys_files *pf)
{
	char path[4096], addr[64];
	struct ho_window *w;
	struct dirent *de;
	size_t len, size;
	uint64_t a;
	void *buf;
	DIR *d;

	memset(pf, 0, sizeof(*pf));
	d = opendir(dir);
	if (!d) {
		errmsg("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len < 5 || len >= sizeof(addr) ||
		    strcmp(de->d_name + len - 4, ".bin"))
			continue;
		memcpy(addr, de->d_name, len - 4);
		addr[len - 4] = '\0';
		if (parse_u64(addr, &a)) {
			errmsg("%s/%s: not <address>.bin", dir, de->d_name);
			goto err;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (read_file(path, &buf, &size))
			goto err;
		w = realloc(pf->win, (pf->nwin + 1) * sizeof(*w));
		if (!w) {
			free(buf);
			errmsg("out of memory");
			goto err;
		}
		pf->win = w;
		pf->win[pf->nwin++] = (struct ho_window){ a, buf, size };
	}
	closedir(d);
	pf->phys.map = ho_phys_window_map;
	pf->phys.win = pf->win;
	pf->phys.nwin = pf->nwin;
	return 0;

err:
	closedir(d);
	phys_free(pf);
	return -1;
}

/* "FILE: PATH: NAME: message (detail)" on stderr. */
static void print_report(const char *file, int err,
			 const struct ho_report *rep)
{
	errmsg("%s: %s%s%s: %s%s%s%s", file, rep->path,
	       rep->path[0] ? ": " : "", ho_errname(err), ho_strerror(err),
	       rep->detail[0] ? " (" : "", rep->detail,
	       rep->detail[0] ? ")" : "");
}

/*
 * Work buffer for the library's sorts: 16 bytes per preserved range or
 * name, and every range or name costs at least 12 input bytes, so twice the
 * input (the file plus everything --phys holds) is always enough.
 */
static void *work_alloc(struct ho_env *env, size_t file_size,
			const struct phys_files *pf)
{
	uint64_t total = file_size + (1u << 20);
	uint32_t i;

	for (i = 0; i < pf->nwin; i++)
		total += pf->win[i].size;
	env->work_size = 2 * total;
	env->work = malloc(env->work_size);
	if (!env->work)
		errmsg("out of memory (%llu bytes of work buffer)",
		       (unsigned long long)env->work_size);
	return env->work;
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
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* the purgatory's flags (efi/purgatory/purgatory.c): none */
	struct ho_env env = { .schemas = ho_schemas };
	const char *memmap_file = NULL, *memmap_dir = NULL, *phys_dir = NULL;
	const char *file, *compat;
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
		if (phys_read(phys_dir, &pf)) {
			memmap_free(&mm);
			return EXIT_USAGE;
		}
		env.phys = &pf.phys;
	}

	/* Every file is checked; the worst outcome decides the exit status. */
	rc = EXIT_OK;
	for (; optind < argc; optind++) {
		file = argv[optind];
		if (read_file(file, &fdt, &size)) {
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
