/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * luo-kexec on arm64 (the ld_arch of arch_arm64.c): the Image header
 * (Documentation/arch/arm64/booting.rst), the DTB as the boot data with
 * /chosen carrying the handover (linux,kho-fdt and linux,kho-scratch, as
 * drivers/of/fdt.c early_init_dt_check_kho reads them), and the arm64 error
 * codes.
 *
 *   ld_a64_image_parse  the 64-byte Image header
 *   ld_a64_dtb_edit     the running system's DTB with /chosen rewritten
 *
 * Every input is untrusted: header fields are bounded (LD_A64_*_MAX), sizes
 * computed in 64 bits; the source DTB is checked by libfdt before use.
 */
#ifndef LD_ARM64_H
#define LD_ARM64_H

#include "ld.h"

/*
 * The arm64 codes, numbered apart from LD_ERROR_LIST and from the x86 list
 * (the host test binary links the x86 module and compiles this one too;
 * arch_arm64.c checks against LD_ERROR_LIST).
 */
#define LD_A64_ERROR_LIST(X) \
	X(A64_SHORT,		24, "kernel image shorter than the 64-byte arm64 Image header") \
	X(A64_MAGIC,		25, "no arm64 Image magic (\"ARM\\x64\" at offset 0x38)") \
	X(A64_BIG_ENDIAN,	26, "big-endian arm64 kernel (Image flags bit 0)") \
	X(A64_HEADER,		27, "arm64 Image header field out of range or inconsistent") \
	X(A64_TEXT_OFFSET,	28, "arm64 Image with a nonzero text_offset (kernels before 5.8)") \
	X(A64_PLACEMENT,	29, "arm64 kernel wants its base near the start of DRAM (flags bit 3 clear)") \
	X(DTB,			30, "the device tree to pass on is missing or not a valid FDT") \
	X(DTB_EDIT,		31, "editing the device tree failed") \
	X(DTB_TOO_BIG,		32, "the edited device tree exceeds booting.rst's 2 MiB")

enum ld_a64_err {
	LD_A64_ERROR_LIST(LD_ERR_ENUM_)
};

/* ---- the Image header ------------------------------------------------- */

#define LD_A64_HDR_SIZE		64
#define LD_A64_MAGIC_OFF	0x38
#define LD_A64_ALIGN		(2ull << 20)	/* base: 2 MiB aligned */
#define LD_A64_FLAG_BE		(1ull << 0)
#define LD_A64_FLAG_PAGE_SHIFT	1		/* bits 1-2: page size */
#define LD_A64_FLAG_PAGE_MASK	(3ull << 1)
#define LD_A64_FLAG_ANYWHERE	(1ull << 3)	/* bit 3: any 2 MiB base */
/*
 * Bounds on untrusted fields: text_offset below the 2 MiB alignment and
 * 4 KiB aligned (the old random TEXT_OFFSET used 4 KiB steps); image_size
 * (file + bss) at most 1 GiB, and at least the file's bytes.
 */
#define LD_A64_IMAGE_MAX	(1ull << 30)
#define LD_A64_TEXT_ALIGN	4096ull
/* COMMAND_LINE_SIZE on arm64 is 2048: 2047 bytes without the NUL. */
#define LD_A64_CMDLINE_MAX	2047u

struct ld_a64_image {
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t page_size;		/* from flags bits 1-2; 0: unspecified */
	char why[160];
};

/*
 * Parse and bound the header of buf[0..len). LD_OK or an LD_ERR_A64_* code
 * with h->why naming the field and its values. Reserved flag bits (4-63)
 * are ignored, as booting.rst defines no meaning for them.
 */
int ld_a64_image_parse(const void *buf, size_t len, struct ld_a64_image *h);

/* The Image record of a probed image (struct ld_image's arch bytes). */
static inline const struct ld_a64_image *ld_a64_img(const struct ld_image *img)
{
	_Static_assert(sizeof(struct ld_a64_image) <= LD_IMAGE_ARCH_MAX, "Image record");
	return (const struct ld_a64_image *)img->arch;
}

/* The page size the kernel was built for (0: the header does not say). */
static inline uint64_t ld_a64_page_size(const struct ld_image *img)
{
	return ld_a64_img(img)->page_size;
}

/* ---- the memory map ----------------------------------------------------- */

/*
 * /proc/iomem's text (untrusted, len bytes) as a memory map (ranges
 * malloc()ed): 0, -ENODATA (no range: an unprivileged reader sees zeros),
 * -E2BIG (more than LD_MAX_FREE), -ENOMEM.
 */
int ld_a64_iomem_parse(const char *text, size_t len, struct ho_memmap *mm);

/* ---- the DTB (struct ld_fw on arm64) ---------------------------------- */

#define LD_A64_SEED_MAX		64	/* rng-seed bytes rewritten at most */

struct ld_fw {
	const void *dtb;		/* the running system's DTB */
	uint32_t dtb_size;
	/* random bytes for kaslr-seed (first 8) and rng-seed (from getrandom) */
	uint8_t seed[8 + LD_A64_SEED_MAX];
};

/* booting.rst: "must not exceed 2 megabytes in size". */
#define LD_A64_DTB_MAX		(2u << 20)

struct ld_a64_dtb_in {
	const void *src;		/* untrusted: checked with fdt_check_full */
	size_t src_size;
	const char *cmdline;		/* bootargs ("" when NULL) */
	uint64_t initrd_start, initrd_size;	/* size 0: initrd props removed */
	/* The handover: both addr-size pairs; false: both props removed. */
	bool handover;
	uint64_t fdt_addr, fdt_size;
	uint64_t scratch_addr, scratch_size;	/* the scratch table */
	/* seed bytes (NULL: kaslr-seed / rng-seed left as they are) */
	const uint8_t *seed;
};

/*
 * Write src with /chosen edited into buf[0..cap): /chosen created when
 * missing; bootargs set; linux,initrd-start/-end set (in the root's
 * #address-cells) or removed; linux,kho-fdt and linux,kho-scratch set as
 * <addr size> in the root's #address-cells/#size-cells, or removed;
 * /memreserve/ entries equal to the source's own linux,kho-scratch range
 * (the previous boot's scratch table), or to [linux,kho-fdt, end of
 * linux,kho-scratch) when the table follows the FDT (a handover the
 * previous boot's purgatory relocated), removed and, with a handover, one
 * added for the new table; kaslr-seed and rng-seed, when present, refilled
 * from seed. The result is packed: *used is its totalsize. LD_OK;
 * LD_ERR_DTB (source), LD_ERR_BUF_SIZE (cap too small: grow and retry),
 * LD_ERR_DTB_EDIT, with why saying which.
 */
int ld_a64_dtb_edit(const struct ld_a64_dtb_in *in, void *buf, uint32_t cap,
		    uint32_t *used, char *why, size_t whysize);

/*
 * The size ld_a64_dtb_edit needs for in (which does not depend on the
 * addresses' values): tries from the source's totalsize up, growing the
 * blob (fdt_open_into with more space) until it fits, at most
 * LD_A64_DTB_MAX (LD_ERR_DTB_TOO_BIG).
 */
int ld_a64_dtb_size(const struct ld_a64_dtb_in *in, uint32_t *size,
		    char *why, size_t whysize);

/* ---- the boot data segment: DTB, then the scratch table --------------- */

/*
 * With a handover the segment ends in the relocation area: room for the
 * purgatory to copy the KHO FDT and the scratch table into
 * (ho_reloc_size(), at most LD_A64_RELOC_MAX), 16-byte aligned after the
 * table; it then points /chosen at the copies and moves the table's
 * /memreserve/ entry onto the area (ho_dtb_handover_move).
 */
#define LD_A64_RELOC_MAX	(64u << 20)

struct ld_a64_layout {
	uint32_t dtb_size;		/* bytes of the edited DTB */
	uint32_t scratch;		/* offset of the scratch table; 0: none */
	uint32_t scratch_size;
	uint32_t reloc;			/* offset of the relocation area; 0: none */
	uint32_t reloc_size;
	uint32_t size;			/* whole segment */
};

static inline struct ld_a64_layout *ld_a64_lay(struct ld_boot *b)
{
	_Static_assert(sizeof(struct ld_a64_layout) <= LD_BOOT_ARCH_MAX, "DTB layout");
	return (struct ld_a64_layout *)b->arch;
}

/*
 * What the purgatory jumps with (booting.rst): x0 = the DTB's physical
 * address, x1-x3 = 0, pc = the Image's first byte, sp = its own stack;
 * then page_size, the kernel's page size from the Image header (0:
 * unspecified), for the purgatory's validator. Written to the purgatory's
 * symbol "purgatory_regs" (efi/purgatory/arch/arm64/purgatory-arm64.h,
 * struct purg_regs: the same layout).
 */
struct ld_a64_regs {
	uint64_t x0, x1, x2, x3;
	uint64_t pc, sp;
	uint64_t page_size;
};

#endif /* LD_ARM64_H */
