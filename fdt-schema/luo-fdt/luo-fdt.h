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

/*
 * Physical memory (phys.c): files DIR/<address>.bin, one window each, or
 * one RAM image mapped copy-on-write (ram, ram_size).
 */
struct phys_files {
	struct ho_phys phys;
	struct ho_window *win;
	uint32_t nwin;
	void *ram;
	size_t ram_size;
};

/* --phys DIR or ram:FILE[@BASE]: 0 or -1 (message printed); and free it. */
int phys_open(const char *spec, struct phys_files *pf);
void phys_free(struct phys_files *pf);
/* FILE "phys:ADDR:SIZE": 1 and the two numbers; 0 another name; -1 bad. */
int phys_spec(const char *file, uint64_t *addr, uint64_t *size);
/* Bytes of library work buffer for a file of file_size with pf behind it. */
uint64_t phys_work_size(size_t file_size, const struct phys_files *pf);
/* An input FILE: read_file(), or a copy of phys:ADDR:SIZE out of pf. */
int read_input(const char *file, const struct phys_files *pf, void **buf,
	       size_t *size);

/*
 * gen.c: a kho_vmalloc area of npages order-0 pages (4 KiB) as
 * kho_preserve_vmalloc() writes it: a first chunk, then per page its
 * address in pages[i] and in the chunk's list, a new chunk linked in as
 * soon as one is full (so npages a multiple of the list's length ends in
 * an empty chunk, as the kernel's does). chunk() and page() allocate (and
 * preserve) one page each, map() gives a chunk's 512 u64 words to write.
 * Returns the first chunk (0 and nothing allocated for npages 0); the last
 * one in *last.
 */
struct gen_vmalloc_ops {
	uint64_t (*chunk)(void *ctx);
	uint64_t (*page)(void *ctx);
	uint64_t *(*map)(void *ctx, uint64_t chunk);
};

uint64_t gen_vmalloc(uint64_t npages, uint64_t *pages,
		     const struct gen_vmalloc_ops *ops, void *ctx,
		     uint64_t *last);

/* gen.c: DIR/phys/<addr>.bin, and the KHO root with what goes with it. */
int gen_write_phys(const char *dir, uint64_t addr, const void *buf,
		   size_t size);
/*
 * Make DIR and DIR/phys, write DIR/kho.dtb, the FDT and gen's scratch table
 * into DIR/phys, DIR/kho_data.bin and DIR/memmap.txt. 0 or -1.
 */
int gen_write_root(const char *dir, const void *kho, size_t size);

/* v5.c: upstream LUO (luo-v5) handovers. */
int gen_v5_defect(const char *name);	/* index or -1 */
void gen_v5_list_defects(void);
/* The whole handover into DIR (gen --out-dir); an exit status. */
int gen_v5(const char *dir, unsigned int files, unsigned int sessions,
	   unsigned int folios, int defect);
/* Sessions, files, memfd sizes and FLBs of a checked struct luo_ser. */
void dump_v5(const struct ho_phys *p, uint64_t pa);

int cmd_check(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_gen(int argc, char **argv);

#endif /* LUO_FDT_H */
