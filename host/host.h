/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host library: what luo-kexec, luo-fdt and the guest test programs
 * share about the system they run on (host/README.md). Nothing here knows
 * a handover rule (that is efi/lib) or one tool's options.
 *
 *   file.c    whole-file reading with a size limit
 *   memmap.c  memory maps: a "START END TYPE" file or /sys/firmware/memmap
 *   num.c     strict number parsing
 *   err.c     "<prog>: message" on stderr
 */
#ifndef HOST_H
#define HOST_H

#include <stddef.h>
#include <stdint.h>

struct ho_memmap;		/* <ho/memmap.h>, for memmap.c's users */

/* The most host_read_file() reads unless told less: 4 GiB. */
#define HOST_FILE_MAX	((size_t)4 << 30)

/*
 * The whole of path into a fresh malloc()ed buffer
 * (aligned for any type, as libfdt wants an FDT); 0, or -errno with nothing
 * allocated: -EFBIG when the file holds more than max bytes. Prints nothing.
 */
int host_read_file(const char *path, size_t max, void **buf, size_t *len);

/*
 * The first line of a small (sysfs) file as a number, 0x hex or decimal,
 * anything after the digits ignored: 0 or -errno (-EINVAL: no number).
 */
int host_read_u64(const char *path, uint64_t *v);

/* A whole string as an unsigned number (0x hex or decimal): 0 or -1. */
int parse_u64(const char *s, uint64_t *v);

/*
 * The program name errmsg() prints: each program that links err.o (or
 * memmap.o, which prints through it) defines it.
 */
extern const char host_prog[];

/* Print "<host_prog>: <msg>\n" to stderr. */
void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A memory map read from a file of "start end type" lines or from a
 * directory laid out like /sys/firmware/memmap (memmap.c), with the errors
 * printed by errmsg(). The ranges array is malloc()ed; free it with
 * memmap_free().
 */
int memmap_read_file(const char *path, struct ho_memmap *mm);
int memmap_read_sysfs(const char *dir, struct ho_memmap *mm);
void memmap_free(struct ho_memmap *mm);
/* The HO_MEM_* type for a /sys/firmware/memmap type string. */
uint32_t memmap_type(const char *name);

#endif /* HOST_H */
