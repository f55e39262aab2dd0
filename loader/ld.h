/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * luo-kexec planning: pure functions from bytes and memory maps to a kexec
 * segment plan. Nothing here reads files or makes system calls (sys.c does);
 * everything here is exercised on the host by tests/loader.
 *
 *   ld_bzimage_parse    x86 boot protocol setup header of a bzImage
 *   ld_place            put segments into allowed ranges (scratch or RAM)
 *   ld_bp_*             boot_params (zero page), command line, setup_data
 *   ld_elf_*            relocate the purgatory object and poke its symbols
 *   ld_plan_build       all of the above for one kexec
 *   ld_plan_check       the plan's invariant (nothing overlaps), before loading
 *
 * Every input is untrusted: setup header fields are bounded (LD_*_MAX,
 * LD_PHYS_LIMIT), sizes computed in 64 bits.
 */
#ifndef LD_H
#define LD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ho/check.h>
#include <ho/memmap.h>

#define LD_ERROR_LIST(X) \
	X(INVAL,		1,  "invalid argument") \
	X(BZ_SHORT,		2,  "kernel image too short to be a bzImage") \
	X(BZ_MAGIC,		3,  "no x86 boot sector or setup header magic") \
	X(BZ_PROTOCOL,		4,  "boot protocol older than 2.12") \
	X(BZ_NOT_64BIT,		5,  "kernel has no 64-bit entry (XLF_KERNEL_64)") \
	X(BZ_NOT_RELOCATABLE,	6,  "kernel cannot be loaded above 4 GiB or relocated") \
	X(CMDLINE_TOO_LONG,	7,  "command line longer than the kernel accepts") \
	X(TOO_MANY_E820,	8,  "memory map has more entries than boot_params holds") \
	X(TOO_MANY_SEGMENTS,	9,  "too many segments") \
	X(NO_SPACE,		10, "segment does not fit in the allowed memory") \
	X(NO_ALLOWED_MEMORY,	11, "no usable memory to place segments in") \
	X(BUF_SIZE,		12, "output buffer too small") \
	X(ELF,			13, "purgatory is not a valid x86_64 relocatable ELF") \
	X(ELF_RELOC,		14, "purgatory relocation unsupported or out of range") \
	X(ELF_SYMBOL,		15, "purgatory symbol missing or too small") \
	X(MEMMAP,		16, "memory map unreadable or malformed") \
	X(HANDOVER,		17, "handover rejected by the stage library") \
	X(INITRD_TOO_HIGH,	18, "initrd does not fit below the kernel's initrd_addr_max") \
	X(BZ_HEADER,		19, "setup header field out of range or inconsistent") \
	X(BZ_TRUNCATED,		20, "kernel image shorter than its setup header says") \
	X(PLAN_OVERLAP,		21, "two pieces of the plan overlap") \
	X(PLAN_OUTSIDE,		22, "a piece of the plan lies outside its place")

#define LD_ERR_ENUM_(name, num, msg) LD_ERR_##name = -(num),
enum ld_err {
	LD_OK = 0,
	LD_ERROR_LIST(LD_ERR_ENUM_)
};
#undef LD_ERR_ENUM_

/* "LD_ERR_NO_SPACE"; "LD_OK"; "LD_ERR_UNKNOWN". */
const char *ld_errname(int err);
const char *ld_strerror(int err);

/* ---- bzImage ---------------------------------------------------------- */

#define LD_SETUP_HDR_OFF	0x1f1
#define LD_XLF_KERNEL_64	(1u << 0)
#define LD_XLF_ABOVE_4G		(1u << 1)
#define LD_MIN_LOAD_ADDR	0x100000ull	/* nothing goes below 1 MiB */

/*
 * Limits on setup header fields (every field is untrusted input). x86's
 * COMMAND_LINE_SIZE is 2048 (cmdline_size 2047); CONFIG_PHYSICAL_ALIGN is
 * at most 16 MiB; physical addresses have at most 52 bits.
 */
#define LD_CMDLINE_SIZE_MAX	0xffffu
#define LD_KERNEL_ALIGN_MAX	(1u << 30)
#define LD_PHYS_LIMIT		(1ull << 52)
#define LD_HDR_END_MIN		0x268		/* 2.12 header: through handover_offset */
#define LD_HDR_END_MAX		0x290		/* setup header area of boot_params */

struct ld_bzimage {
	const uint8_t *image;
	size_t size;
	uint16_t version;		/* 0x020f = 2.15 */
	uint8_t loadflags;
	uint16_t xloadflags;
	uint8_t relocatable;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t cmdline_size;		/* max length without the NUL */
	uint32_t initrd_addr_max;
	uint32_t syssize;		/* protected-mode code, 16-byte units */
	uint32_t payload_offset, payload_length;
	size_t setup_size;		/* real-mode part: (setup_sects + 1) * 512 */
	size_t hdr_size;		/* bytes of setup header to copy from 0x1f1 */
	char why[160];			/* on failure: the field and its values */
};

/*
 * Parse and bound the setup header of buf[0..len). Returns LD_OK or an
 * LD_ERR_BZ_* code with bz->why naming the field and the values.
 */
int ld_bzimage_parse(const void *buf, size_t len, struct ld_bzimage *bz);

/* ---- placement -------------------------------------------------------- */

struct ld_seg {
	const char *name;
	const void *buf;	/* bytes to load; may be NULL when bufsz is 0 */
	uint64_t bufsz;
	uint64_t memsz;		/* >= bufsz, page multiple after placement */
	uint64_t align;		/* power of two, >= 4096 */
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
 * inside zones[0..nzones) (the scratch ranges; NULL: all usable RAM).
 * Segments never overlap each other, never leave the zones and never touch
 * memory mm does not call usable RAM.
 */
int ld_place(struct ld_seg *segs, unsigned int n,
	     const struct ho_scratch *zones, unsigned int nzones,
	     const struct ho_memmap *mm, struct ld_place_diag *diag);

/* "kernel (13 MiB, align 2 MiB) does not fit: ..." */
void ld_place_explain(const struct ld_seg *segs, unsigned int n,
		      const struct ld_place_diag *d, char *buf, size_t size);

/* ---- boot_params segment ---------------------------------------------- */

#define LD_ZERO_PAGE		4096
#define LD_SETUP_EFI		4
#define LD_MAX_E820		128

/* What goes into the boot_params segment besides the setup header. */
struct ld_bp_in {
	const struct ld_bzimage *bz;
	const char *cmdline;
	uint64_t kernel_mem;
	uint64_t initrd_mem, initrd_size;	/* size 0: no initrd */
	const struct ho_memmap *e820;		/* the next kernel's memory map */
	uint64_t acpi_rsdp;
	/* KHO handover: scratch table copied into the segment. */
	bool handover;
	uint64_t fdt_addr, fdt_size;
	const struct ho_scratch *scratch;
	uint32_t nscratch;
	/* room (a SETUP_NONE entry) for the purgatory to relocate the handover */
	bool reloc_area;
	/* EFI: efi_info + the runtime map + SETUP_EFI payload (any NULL: none) */
	const void *efi_info;			/* struct efi_info, 32 bytes */
	const void *efi_map;
	uint32_t efi_map_size;
	const void *efi_sd;			/* struct efi_setup_data */
	uint32_t efi_sd_size;
};

/* Offsets (and sizes) inside the boot_params segment. */
struct ld_bp_layout {
	uint32_t cmdline, cmdline_cap;		/* cap includes the NUL */
	uint32_t efi_map, efi_sd;		/* 0: absent */
	uint32_t efi_map_size, efi_sd_size;	/* efi_sd_size: payload */
	uint32_t kho_sd, scratch;		/* 0: absent */
	uint32_t scratch_size;
	uint32_t reloc_sd, reloc_size;		/* 0: absent (payload size) */
	uint32_t size;
};

/* The most the boot_params block may take (zero page to the last entry). */
#define LD_BP_MAX		(128u << 20)
#define LD_MAX_SCRATCH		4096

/*
 * Lay the block out; LD_ERR_CMDLINE_TOO_LONG when the command line is
 * longer than the kernel's cmdline_size.
 */
int ld_bp_layout(const struct ld_bp_in *in, struct ld_bp_layout *lay);
/* Fill buf (lay->size bytes) for loading at phys. */
int ld_bp_build(const struct ld_bp_in *in, const struct ld_bp_layout *lay,
		void *buf, uint64_t phys);

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

int ld_elf_open(struct ld_elf *e, const void *img, size_t size);
/* Copy and relocate into out[e->memsz] for loading at phys. */
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

/* Segments in plan order: kernel, [initrd], purgatory, boot_params. */
#define LD_NSEG	4

struct ld_plan_in {
	const void *kernel;
	size_t kernel_size;
	const void *initrd;
	size_t initrd_size;
	const char *cmdline;
	struct ho_memmap memmap;	/* running system's map (e820 types) */
	uint64_t acpi_rsdp;
	/*
	 * handover (scratch ranges become the only allowed memory; scratch
	 * without handover: segments inside it, no SETUP_KEXEC_KHO)
	 */
	bool handover;
	uint64_t fdt_addr, fdt_size;
	const struct ho_scratch *scratch;
	uint32_t nscratch;
	/* EFI, as in struct ld_bp_in */
	const void *efi_info, *efi_map, *efi_sd;
	uint32_t efi_map_size, efi_sd_size;
	/* purgatory object and its knobs */
	const void *purgatory;
	size_t purgatory_size;
	uint32_t fault;			/* PURG_FAULT_* (tests only) */
	bool relocate;			/* purgatory moves the handover always */
};

struct ld_plan {
	struct ld_bzimage bz;
	struct ld_seg seg[LD_NSEG];
	unsigned int nseg;		/* segments in use, in seg[] order */
	struct ld_bp_layout bp;
	void *bp_buf;			/* malloc()ed: boot_params segment */
	void *purg_buf;			/* malloc()ed: relocated purgatory */
	struct ho_scratch *scratch;	/* malloc()ed: the table passed on */
	uint32_t nscratch;
	uint64_t purg_mem;		/* where the purgatory segment goes */
	uint64_t entry;			/* purgatory entry (kexec start) */
	uint64_t purg_stack;		/* its stack top (rsp) */
	uint64_t kernel_entry;		/* 64-bit entry: kernel + 0x200 */
	struct ld_place_diag diag;	/* filled on LD_ERR_NO_SPACE */
	char why[256];			/* one line on failure */
};

/*
 * Plan a kexec: parse, place, build boot_params, relocate and parametrize
 * the purgatory (SHA-256 of every other segment). The scratch table passed
 * on is the running kernel's without empty ranges (Linux 7.3 reports a
 * zero-sized per-node range; the handover contract has none). Allocates
 * plan buffers (free with ld_plan_free) but does no I/O.
 */
int ld_plan_build(const struct ld_plan_in *in, struct ld_plan *plan);
void ld_plan_free(struct ld_plan *plan);

/*
 * The plan's invariant, checked by ld_plan_build before anything is
 * loaded: segments (and the KHO FDT they must not cover) pairwise disjoint,
 * page aligned, not wrapping, at or above 1 MiB, in usable RAM of
 * in->memmap; the pieces inside them (zero page, command line, EFI map and
 * setup_data entries, scratch table, relocation area; kernel bytes and
 * entry; purgatory entry and stack) pairwise disjoint and each inside its
 * segment. LD_ERR_PLAN_OVERLAP or LD_ERR_PLAN_OUTSIDE with plan->why
 * naming both pieces and their ranges.
 */
int ld_plan_check(const struct ld_plan_in *in, struct ld_plan *plan);

#endif /* LD_H */
