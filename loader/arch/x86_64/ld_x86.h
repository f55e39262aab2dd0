/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * luo-kexec on x86_64 (the ld_arch of arch_x86.c): the bzImage setup header
 * (Documentation/arch/x86/boot.rst), the boot_params block that carries the
 * handover as a SETUP_KEXEC_KHO setup_data entry, the EFI data the next
 * kernel keeps, and the x86 error codes.
 *
 *   ld_bzimage_parse    x86 boot protocol setup header of a bzImage
 *   ld_bp_*             boot_params (zero page), command line, setup_data
 *
 * Every input is untrusted: setup header fields are bounded (LD_*_MAX,
 * LD_PHYS_LIMIT), sizes computed in 64 bits.
 */
#ifndef LD_X86_H
#define LD_X86_H

#include "ld.h"

/* The x86 codes, numbered apart from LD_ERROR_LIST (arch_x86.c checks). */
#define LD_X86_ERROR_LIST(X) \
	X(BZ_SHORT,		2,  "kernel image too short to be a bzImage") \
	X(BZ_MAGIC,		3,  "no x86 boot sector or setup header magic") \
	X(BZ_PROTOCOL,		4,  "boot protocol older than 2.12") \
	X(BZ_NOT_64BIT,		5,  "kernel has no 64-bit entry (XLF_KERNEL_64)") \
	X(BZ_NOT_RELOCATABLE,	6,  "kernel cannot be loaded above 4 GiB or relocated") \
	X(TOO_MANY_E820,	8,  "memory map has more entries than boot_params holds") \
	X(BZ_HEADER,		19, "setup header field out of range or inconsistent") \
	X(BZ_TRUNCATED,		20, "kernel image shorter than its setup header says") \
	X(BZ_NO_5LEVEL,		40, "the running kernel uses 5-level paging, the kernel image cannot (XLF_5LEVEL)")

enum ld_x86_err {
	LD_X86_ERROR_LIST(LD_ERR_ENUM_)
};

/* ---- bzImage ---------------------------------------------------------- */

#define LD_SETUP_HDR_OFF	0x1f1
#define LD_XLF_KERNEL_64	(1u << 0)
#define LD_XLF_ABOVE_4G		(1u << 1)
#define LD_XLF_5LEVEL		(1u << 5)	/* can be entered with 5-level paging on */
#define LD_MIN_LOAD_ADDR	0x100000ull	/* nothing goes below 1 MiB */
#define LD_KERNEL_ENTRY_64	0x200		/* 64-bit entry: kernel + 0x200 */

/*
 * Limits on setup header fields (every field is untrusted input). x86's
 * COMMAND_LINE_SIZE is 2048 (cmdline_size 2047); CONFIG_PHYSICAL_ALIGN is
 * at most 16 MiB; physical addresses have at most 52 bits.
 */
#define LD_CMDLINE_SIZE_MAX	LD_CMDLINE_MAX
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

/* The bzImage record of a probed image (struct ld_image's arch bytes). */
static inline const struct ld_bzimage *ld_x86_bz(const struct ld_image *img)
{
	_Static_assert(sizeof(struct ld_bzimage) <= LD_IMAGE_ARCH_MAX, "bzImage record");
	return (const struct ld_bzimage *)img->arch;
}

/* ---- the running system (struct ld_fw on x86) ------------------------ */

/*
 * What the running system hands the next kernel again (EFI data, NULL
 * pointers when it booted without EFI) and what it requires of it: la57,
 * the running kernel uses 5-level paging, which stays on across the kexec
 * (the kernel's own kexec_file_load refuses a bzImage without XLF_5LEVEL
 * then, arch/x86/kernel/kexec-bzimage64.c).
 */
struct ld_fw {
	const void *efi_info;		/* struct efi_info, 32 bytes */
	const void *efi_map;		/* runtime map, efi_memory_desc_t[] */
	uint32_t efi_map_size;
	const void *efi_sd;		/* struct efi_setup_data */
	uint32_t efi_sd_size;
	uint64_t acpi_rsdp;
	bool la57;
};

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
	/* KHO handover: scratch table copied into the segment. */
	bool handover;
	uint64_t fdt_addr, fdt_size;
	const struct ho_scratch *scratch;
	uint32_t nscratch;
	/* room (a SETUP_NONE entry) for the purgatory to relocate the handover */
	bool reloc_area;
	/*
	 * EFI: efi_info + the runtime map + SETUP_EFI payload, and the ACPI
	 * RSDP (NULL, or any of the three pointers NULL: none)
	 */
	const struct ld_fw *fw;
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

/*
 * Lay the block out; LD_ERR_CMDLINE_TOO_LONG when the command line is
 * longer than the kernel's cmdline_size.
 */
int ld_bp_layout(const struct ld_bp_in *in, struct ld_bp_layout *lay);
/* Fill buf (lay->size bytes) for loading at phys. */
int ld_bp_build(const struct ld_bp_in *in, const struct ld_bp_layout *lay,
		void *buf, uint64_t phys);

/* The boot_params layout of a plan (struct ld_boot's arch bytes). */
static inline struct ld_bp_layout *ld_x86_bp(struct ld_boot *b)
{
	_Static_assert(sizeof(struct ld_bp_layout) <= LD_BOOT_ARCH_MAX, "boot_params layout");
	return (struct ld_bp_layout *)b->arch;
}

#endif /* LD_X86_H */
