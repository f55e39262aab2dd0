/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * luo-kexec planning: pure functions from bytes and memory maps to a kexec
 * segment plan. Nothing here reads files or makes system calls (sys.c does);
 * everything here is exercised on the host by tests/loader. What differs
 * between architectures (image types, boot data, the purgatory's jump and
 * relocations) is behind `ld_arch` (arch.h, loader/arch/<arch>/).
 *
 *   ld_image_probe      the kernel file, through ld_arch.types[]
 *   ld_place            put segments into allowed ranges (scratch or RAM)
 *   ld_elf_*            relocate the purgatory object and poke its symbols
 *   ld_plan_build       all of the above for one kexec
 *   ld_plan_check       the plan's invariant (nothing overlaps), before loading
 *
 * Every input is untrusted: image header fields are bounded by the image
 * type, sizes computed in 64 bits.
 */
#ifndef LD_H
#define LD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ho/check.h>
#include <ho/handover.h>
#include <ho/memmap.h>

#include "arch.h"

/*
 * The loader's error codes: negative, one name and message each
 * (ld_errname, ld_strerror). An architecture adds its own codes
 * (ld_arch.errors, numbers not used here; arch/x86_64/ld_x86.h).
 */
#define LD_ERROR_LIST(X) \
	X(INVAL,		1,  "invalid argument") \
	X(CMDLINE_TOO_LONG,	7,  "command line longer than the kernel accepts") \
	X(TOO_MANY_SEGMENTS,	9,  "too many segments") \
	X(NO_SPACE,		10, "segment does not fit in the allowed memory") \
	X(NO_ALLOWED_MEMORY,	11, "no usable memory to place segments in") \
	X(BUF_SIZE,		12, "output buffer too small") \
	X(ELF,			13, "purgatory is not a valid relocatable ELF of this architecture") \
	X(ELF_RELOC,		14, "purgatory relocation unsupported or out of range") \
	X(ELF_SYMBOL,		15, "purgatory symbol missing or too small") \
	X(MEMMAP,		16, "memory map unreadable or malformed") \
	X(HANDOVER,		17, "handover rejected by the stage library") \
	X(PLAN_OVERLAP,		21, "two pieces of the plan overlap") \
	X(PLAN_OUTSIDE,		22, "a piece of the plan lies outside its place") \
	X(IMAGE_TYPE,		23, "no image type of this architecture takes the kernel file") \
	X(TARGET_FORMAT,	45, "the next kernel cannot read a format of the handover") \
	X(TARGET_UNKNOWN,	46, "cannot tell whether the next kernel reads the handover") \
	X(CHECKSUM,		47, "unknown segment checksum policy")

/* Also for the arch's list (arch/<arch>/ld_<arch>.h). */
#define LD_ERR_ENUM_(name, num, msg) LD_ERR_##name = -(num),
enum ld_err {
	LD_OK = 0,
	LD_ERROR_LIST(LD_ERR_ENUM_)
};

/*
 * An arch's table of its list (for ld_arch.errors), and the build-time
 * check that every number of LD_ERROR_LIST and of the arch's is used once:
 * a designated initializer given twice fails the build (-Woverride-init,
 * in -Wextra, with -Werror).
 */
#define LD_ERR_DESC_(name, num, msg) { LD_ERR_##name, "LD_ERR_" #name, msg },
#define LD_ERR_NUM_(name, num, msg) [num] = 1,
#define LD_ARCH_ERRORS(table, LIST) \
	static const struct ld_err_desc table[] = { LIST(LD_ERR_DESC_) }; \
	static const char table##_numbers[] __attribute__((unused)) = { \
		LD_ERROR_LIST(LD_ERR_NUM_) LIST(LD_ERR_NUM_) \
	}

/* "LD_ERR_NO_SPACE"; "LD_OK"; "LD_ERR_UNKNOWN". Arch codes included. */
const char *ld_errname(int err);
const char *ld_strerror(int err);

/* The longest command line luo-kexec builds; every image type's limit is lower. */
#define LD_CMDLINE_MAX		0xffffu

/* ---- the kernel image ------------------------------------------------- */

/* The arch's own record of a parsed image (x86: the setup header). */
#define LD_IMAGE_ARCH_MAX	512

struct ld_image {
	const struct ld_image_type *type;
	const uint8_t *file;
	size_t size;
	/* The kernel segment: file[load_off, size), memsz bytes in memory. */
	uint64_t load_off;
	uint64_t memsz;
	uint64_t align;			/* power of two */
	uint64_t pref_addr;		/* lowest address wanted (0: any) */
	bool below_pref;		/* lower is fine when nothing else fits */
	uint64_t entry_off;		/* the kernel's entry, from the segment start */
	uint32_t cmdline_max;		/* longest command line, without the NUL */
	const char *cmdline_what;	/* where that limit is written */
	uint64_t page_size;		/* the kernel's page size; 0: 4 KiB */
	_Alignas(16) unsigned char arch[LD_IMAGE_ARCH_MAX];
	char why[160];			/* on failure: the field and its values */
};

/*
 * Probe buf[0..len) with the arch's image types in order (type: only the
 * one of that name; NULL: any). The first that takes it fills img. None:
 * with one type its code and why, with more LD_ERR_IMAGE_TYPE and every
 * type's reason in img->why. An unknown type name: LD_ERR_INVAL.
 */
int ld_image_probe(const struct ld_image_type *types, unsigned int ntypes,
		   const char *type, const void *buf, size_t len,
		   struct ld_image *img);

/* ---- placement -------------------------------------------------------- */

struct ld_seg {
	const char *name;
	const void *buf;	/* bytes to load; may be NULL when bufsz is 0 */
	uint64_t bufsz;
	uint64_t memsz;		/* >= bufsz, page multiple after placement */
	uint64_t align;		/* power of two, >= the page size */
	uint64_t min, max;	/* whole segment inside [min, max]; max 0 = none */
	uint64_t mem;		/* result */
};

/* Why a placement failed (LD_ERR_NO_SPACE): enough to say so in words. */
struct ld_place_diag {
	int seg;			/* index of the segment that did not fit */
	uint64_t needed;		/* all segments' memsz */
	uint64_t available;		/* allowed bytes in all */
	uint64_t largest_free;		/* largest free hole when it failed */
	uint32_t nallowed;		/* allowed ranges */
	/*
	 * On success: the largest allowed range no segment took (page
	 * aligned; size 0 when none). The purgatory uses it as the stage
	 * library's work area: after the jump nothing else lives there.
	 */
	uint64_t spare_addr, spare_size;
};

#define LD_MAX_FREE	256

/*
 * Place segs[0..n) top-down, in order, into the usable RAM of mm that lies
 * inside zones[0..nzones) (the scratch ranges; NULL: all usable RAM) and at
 * or above ld_arch.min_addr. Segments never overlap each other, never leave
 * the zones and never touch memory mm does not call usable RAM.
 */
int ld_place(struct ld_seg *segs, unsigned int n,
	     const struct ho_scratch *zones, unsigned int nzones,
	     const struct ho_memmap *mm, struct ld_place_diag *diag);

/* "kernel (13 MiB, align 2 MiB) does not fit: ..." */
void ld_place_explain(const struct ld_seg *segs, unsigned int n,
		      const struct ld_place_diag *d, char *buf, size_t size);

/* ---- the boot data segment (ld_arch.boot_*) ---------------------------- */

#define LD_MAX_SCRATCH		4096

/*
 * What the running system's firmware gave the running kernel that the next
 * kernel needs again (x86: the EFI runtime map and tables; arm64: the
 * DTB). Its layout is the arch's (sys_arch_firmware(), sys.h).
 */
struct ld_fw;

/* What the boot data must carry to the next kernel. */
struct ld_boot_in {
	const struct ld_image *image;
	const char *cmdline;
	uint64_t kernel_mem;			/* where the kernel segment lies */
	uint64_t initrd_mem, initrd_size;	/* size 0: no initrd */
	const struct ho_memmap *memmap;		/* the next kernel's memory map */
	/*
	 * The handover: fdt_addr and fdt_size of ho; the arch copies the
	 * scratch table into the boot data (scratch_addr, scratch_size are
	 * its to fill).
	 */
	bool handover;
	struct ho_handover ho;
	const struct ho_scratch *scratch;
	uint32_t nscratch;
	/* room for the purgatory to relocate the handover into */
	bool reloc_area;
	const struct ld_fw *fw;			/* firmware data (NULL: none) */
};

#define LD_BOOT_ARCH_MAX	128

struct ld_boot {
	uint32_t size;				/* bytes of the segment */
	uint32_t cmdline_off;			/* the command line (NUL-terminated) */
	uint32_t table_off;			/* scratch table passed on; 0: none */
	uint32_t reloc_off, reloc_size;		/* relocation area; 0: none */
	_Alignas(16) unsigned char arch[LD_BOOT_ARCH_MAX];	/* the arch's layout */
};

/* A piece of the plan: [start, start + size), inside segment `in` (-1: none). */
struct ld_piece {
	const char *name;
	uint64_t start, size;
	int in;
	bool point;		/* an address inside code: not a separate piece */
};

/* ---- purgatory ELF ---------------------------------------------------- */

#define LD_ELF_MAX_SECTIONS	64

struct ld_elf {
	const uint8_t *img;
	size_t size;
	uint16_t shnum;
	const void *shdr;		/* Elf64_Shdr[shnum] */
	const void *sym;		/* .symtab */
	uint32_t nsym;
	const char *strtab;
	size_t strtab_size;
	uint64_t off[LD_ELF_MAX_SECTIONS];	/* section offset in the image; -1: not loaded */
	uint64_t memsz;			/* loaded image size */
	uint64_t align;
};

/* An ELF64 little-endian ET_REL of machine ld_arch.elf_machine. */
int ld_elf_open(struct ld_elf *e, const void *img, size_t size);
/* Copy and relocate (ld_arch.elf_rela) into out[e->memsz] for loading at phys. */
int ld_elf_relocate(const struct ld_elf *e, void *out, uint64_t phys);
/* Offset in the loaded image and size of a defined symbol. */
int ld_elf_symbol(const struct ld_elf *e, const char *name, uint64_t *off,
		  uint64_t *size);
/* Copy len bytes into symbol name of the loaded image out. */
int ld_elf_poke(const struct ld_elf *e, void *out, const char *name,
		const void *val, uint64_t len);

/*
 * Parameters of the purgatory (efi/purgatory/purgatory.h), as the loader
 * writes them. Layout shared with the purgatory through that header.
 */
#include "../efi/purgatory/purgatory.h"

/* ---- the whole plan --------------------------------------------------- */

/* Segments in plan order: kernel, [initrd], purgatory, boot data. */
#define LD_NSEG	4

struct ld_plan_in {
	const void *kernel;
	size_t kernel_size;
	const char *type;		/* image type name (NULL: probe them all) */
	const void *initrd;
	size_t initrd_size;
	const char *cmdline;
	struct ho_memmap memmap;	/* running system's map */
	/*
	 * handover (scratch ranges become the only allowed memory; scratch
	 * without handover: segments inside it, no handover carried)
	 */
	bool handover;
	uint64_t fdt_addr, fdt_size;
	const struct ho_scratch *scratch;
	uint32_t nscratch;
	const struct ld_fw *fw;		/* firmware data to pass on (NULL: none) */
	/* purgatory object and its knobs */
	const void *purgatory;
	size_t purgatory_size;
	uint32_t fault;			/* PURG_FAULT_* (tests only) */
	bool relocate;			/* purgatory moves the handover always */
	uint32_t checksum;		/* PURG_CHECKSUM_* (0: all, the default) */
};

struct ld_plan {
	struct ld_image image;
	struct ld_seg seg[LD_NSEG];
	unsigned int nseg;		/* segments in use, in seg[] order */
	struct ld_boot boot;		/* layout of the last segment */
	void *boot_buf;			/* malloc()ed: the boot data segment */
	void *purg_buf;			/* malloc()ed: relocated purgatory */
	struct ho_scratch *scratch;	/* malloc()ed: the table passed on */
	uint32_t nscratch;
	uint64_t purg_mem;		/* where the purgatory segment goes */
	uint64_t entry;			/* purgatory entry (kexec start) */
	uint64_t purg_stack;		/* its stack top */
	uint64_t kernel_entry;		/* kernel segment + image.entry_off */
	uint32_t hashed;		/* segments whose SHA-256 the purgatory checks */
	uint32_t hashed_mask;		/* those: bit i for seg[i] */
	struct ld_place_diag diag;	/* filled on LD_ERR_NO_SPACE */
	char why[256];			/* one line on failure */
};

/*
 * Plan a kexec: probe, place, build the boot data, relocate and parametrize
 * the purgatory (SHA-256 of every other segment). The scratch table passed
 * on is the running kernel's without empty ranges (Linux 7.3 reports a
 * zero-sized per-node range; the handover contract has none). Allocates
 * plan buffers (free with ld_plan_free) but does no I/O.
 */
int ld_plan_build(const struct ld_plan_in *in, struct ld_plan *plan);

/*
 * --checksum=POLICY: "all", "none", "outside-scratch" (PURG_CHECKSUM_LIST,
 * efi/purgatory/purgatory.h) into *policy; LD_ERR_CHECKSUM for any other
 * word. ld_checksum_name(): the word of a policy, NULL for none.
 */
int ld_checksum_parse(const char *word, uint32_t *policy);
const char *ld_checksum_name(uint32_t policy);
void ld_plan_free(struct ld_plan *plan);

/*
 * The plan's invariant, checked by ld_plan_build before anything is
 * loaded: segments (and the KHO FDT they must not cover) pairwise disjoint,
 * page aligned, not wrapping, at or above ld_arch.min_addr, in usable RAM of
 * in->memmap; the pieces inside them (the boot data's, ld_arch.boot_pieces;
 * kernel bytes and entry; purgatory entry and stack) pairwise disjoint and
 * each inside its segment. LD_ERR_PLAN_OVERLAP or LD_ERR_PLAN_OUTSIDE with
 * plan->why naming both pieces and their ranges.
 */
int ld_plan_check(const struct ld_plan_in *in, struct ld_plan *plan);

/* "1 MiB", "64 KiB" or "0x1234": an address or size in words. */
const char *ld_size_words(uint64_t v, char *buf, size_t size);

#endif /* LD_H */
