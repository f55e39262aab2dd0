// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo-fdt: command line front end.
 *
 * luo-fdt COMMAND [OPTIONS] ...; "luo-fdt COMMAND --help" describes one
 * command, "luo-fdt --help" all of them in one screen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ho/schema.h>

#include "luo-fdt.h"

static const char usage_text[] =
"Usage: " PROG " COMMAND [OPTIONS] ...\n"
"Check, show and generate live update handover FDTs (kho-v4, luo-rfc-v1,\n"
"memfd-rfc-v2; upstream LUO's luo-v5 + memfd-v2; see docs/handover-format.md).\n"
"\n"
"  check [--memmap FILE | --memmap-sysfs DIR] [--phys DIR] [--no-luo]\n"
"        [--schema-only] [-q] FILE...\n"
"        Validate each FILE by its root compatible: FDT structure, schema and\n"
"        semantic rules; with a memory map also physical addresses; with\n"
"        --phys the blobs it points to. Errors are printed as\n"
"        FILE: BLOB:PATH: ERROR_NAME: message (detail).\n"
"  dump [--phys DIR] FILE\n"
"        Print the tree with decoded values and physical ranges (--phys:\n"
"        also a luo-v5 entry's sessions, files and memfd sizes).\n"
"  gen [--kind kho|luo|memfd|luo-v5] [--defect NAME] [--files N] [--sessions N]\n"
"      [--folios N] [--memmap-out FILE] [-o FILE | --out-dir DIR]\n"
"        Write a synthetic blob or whole handover, valid or with one defect\n"
"        (gen --list-defects).\n"
"\n"
"FILE may be '-' (stdin). A memory map FILE has one \"START END TYPE\" line\n"
"per range, inclusive hex as in /sys/firmware/memmap/N/{start,end,type}.\n"
"COMMAND --help describes one command; -v, --version prints the version.\n"
"Exit status: 0 success (check: valid), 1 invalid blob or failure,\n"
"2 usage error or unreadable/unwritable file.\n";

const char host_prog[] = PROG;

int read_file(const char *path, void **bufp, size_t *sizep)
{
	int err = host_read_file(strcmp(path, "-") ? path : "/dev/stdin",
				 HOST_FILE_MAX, bufp, sizep);

	if (err)
		errmsg("%s: %s", path, strerror(-err));
	return err ? -1 : 0;
}

int write_file(const char *path, const void *buf, size_t size)
{
	int to_stdout = !strcmp(path, "-");
	FILE *f = to_stdout ? stdout : fopen(path, "wb");

	if (!f) {
		errmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fwrite(buf, 1, size, f) != size || fflush(f)) {
		errmsg("%s: %s", path, strerror(errno));
		if (!to_stdout)
			fclose(f);
		return -1;
	}
	if (!to_stdout && fclose(f)) {
		errmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "check", cmd_check },
		{ "dump", cmd_dump },
		{ "gen", cmd_gen },
	};
	size_t i;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version")) {
		const struct ho_schema *const *s;

		printf(PROG " 1, schemas:");
		for (s = ho_schemas; *s; s++)
			printf(" %s", (*s)->compatible);
		putchar('\n');
		return EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	errmsg("unknown command '%s' (try --help)", argv[1]);
	return EXIT_USAGE;
}
