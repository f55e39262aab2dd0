/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * luo-fdt: check, dump and generate handover FDTs (docs/handover-format.md).
 *
 * One binary, one file per subcommand. Every rule about what a valid
 * handover is lives in the stage library (efi/lib) and in the tables
 * generated from the fdt-schema YAML files; this tool only reads files,
 * calls the library and prints; file reading, memory maps and error
 * printing are the host library's (host/).
 */
#ifndef LUO_FDT_H
#define LUO_FDT_H

#include <stddef.h>
#include <stdint.h>

#include <ho/memmap.h>

/* errmsg(), parse_u64(), memmap_read_*(): the host library. */
#include "host.h"

#define PROG "luo-fdt"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes, as documented in --help. */
#define EXIT_OK		0
#define EXIT_INVALID	1	/* check: the blob is not valid; others: failure */
#define EXIT_USAGE	2	/* bad command line, unreadable or unwritable file */

/*
 * Whole file (or "-" for stdin) into a fresh buffer, up to HOST_FILE_MAX
 * bytes (host_read_file()); 0 or -1 (message printed).
 */
int read_file(const char *path, void **buf, size_t *size);
/* buf to path (or "-" for stdout); 0 or -1 (message printed). */
int write_file(const char *path, const void *buf, size_t size);

int cmd_check(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_gen(int argc, char **argv);

#endif /* LUO_FDT_H */
