/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * luo-fdt: check, dump and generate handover FDTs (docs/handover-format.md).
 *
 * One binary, one file per subcommand. Every rule about what a valid
 * handover is lives in the stage library (efi/lib) and in the tables
 * generated from the fdt-schema YAML files; this tool only reads files,
 * calls the library and prints.
 */
#ifndef LUO_FDT_H
#define LUO_FDT_H

#include <stddef.h>
#include <stdint.h>

#include <ho/memmap.h>

#define PROG "luo-fdt"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes, as documented in --help. */
#define EXIT_OK		0
#define EXIT_INVALID	1	/* check: the blob is not valid; others: failure */
#define EXIT_USAGE	2	/* bad command line, unreadable or unwritable file */

/* Print "luo-fdt: <msg>\n" to stderr. */
void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whole file (or "-" for stdin) into a fresh 8-byte aligned buffer. */
int read_file(const char *path, void **buf, size_t *size);
/* buf to path (or "-" for stdout); 0 or -1 (message printed). */
int write_file(const char *path, const void *buf, size_t size);
/* Strict unsigned parse (decimal or 0x hex): 0 or -1. */
int parse_u64(const char *s, uint64_t *v);

/*
 * A memory map read from a file of "start end type" lines or from a
 * directory laid out like /sys/firmware/memmap (memmap.c). The ranges array
 * is malloc()ed; free it with memmap_free().
 */
int memmap_read_file(const char *path, struct ho_memmap *mm);
int memmap_read_sysfs(const char *dir, struct ho_memmap *mm);
void memmap_free(struct ho_memmap *mm);
/* The e820 type for a /sys/firmware/memmap type string. */
uint32_t memmap_type(const char *name);
const char *memmap_type_name(uint32_t type);

int cmd_check(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_gen(int argc, char **argv);

#endif /* LUO_FDT_H */
