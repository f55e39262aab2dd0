/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What one architecture gives the arch-neutral loader (kexec-tools'
 * kexec/arch/<arch>/ and its file_type[] table): the image types it loads,
 * how the boot data that carries the handover is laid out and written, the
 * purgatory's jump, its relocations and error codes. Defined once, as
 * `ld_arch`, by loader/arch/<arch>/ (LD_ARCH in loader.mk; x86_64 in
 * arch/x86_64/arch_x86.c). Everything here is pure: no system calls (those
 * are the sys_arch_* hooks of sys.h).
 *
 * An arch fills every field but target_check (optional); the planner
 * (plan.c) calls them in this order: types[].probe, target_check,
 * boot_layout, (placement), boot_build, elf_rela (through ld_elf_relocate),
 * purgatory_jump, boot_pieces (ld_plan_check).
 */
#ifndef LD_ARCH_H
#define LD_ARCH_H

#include <stdint.h>
#include <stdio.h>

struct ld_image;
struct ld_boot;
struct ld_boot_in;
struct ld_elf;
struct ld_plan;
struct ld_piece;
struct ld_fw;

/* One kind of kernel file (--type=NAME). */
struct ld_image_type {
	const char *name;		/* --type=NAME */
	/*
	 * Recognise and bound buf[0..len) (untrusted): LD_OK with the
	 * neutral fields of img and its arch record filled, or an LD_ERR_*
	 * code with img->why naming the field and its values.
	 */
	int (*probe)(const void *buf, size_t len, struct ld_image *img);
};

/* An error code of the arch's own (its LD_ERR_* list). */
struct ld_err_desc {
	int code;			/* negative */
	const char *name;		/* "LD_ERR_BZ_HEADER" */
	const char *msg;
};

struct ld_arch {
	const char *name;		/* "x86_64" */
	unsigned long kexec_arch;	/* kexec_load()'s KEXEC_ARCH_* flag */
	uint16_t elf_machine;		/* the purgatory object's e_machine */
	uint64_t page_size;		/* segment granularity and alignment */
	uint64_t min_addr;		/* nothing is placed below it */

	const struct ld_image_type *types;	/* probed in order */
	unsigned int ntypes;

	/* Names for messages and the plan print. */
	const char *boot_name;		/* the boot data segment, as printed */
	const char *handover_name;	/* what carries the handover */
	const char *reloc_name;		/* the relocation area inside the boot data */

	/*
	 * Can the probed kernel run on the system fw describes (the running
	 * system's facts, sys_arch_firmware; NULL: unknown, a test memory
	 * map)? LD_OK, or an LD_ERR_* code with why filled. NULL: always.
	 */
	int (*target_check)(const struct ld_image *img, const struct ld_fw *fw,
			    char *why, size_t size);
	/*
	 * The boot data segment (last in the plan): lay it out for in
	 * (b->size, b->table_off, b->reloc_off/size and the arch's own
	 * layout in b->arch), then write it into buf (b->size bytes) for
	 * loading at phys, once the kernel and initrd are placed.
	 */
	int (*boot_layout)(const struct ld_boot_in *in, struct ld_boot *b);
	int (*boot_build)(const struct ld_boot_in *in, const struct ld_boot *b,
			  void *buf, uint64_t phys);
	/*
	 * The pieces inside the boot data (offsets from its start), for the
	 * plan's invariant: at most max into v, the number written.
	 */
	unsigned int (*boot_pieces)(const struct ld_boot *b, struct ld_piece *v,
				    unsigned int max);
	/*
	 * The purgatory's jump to the kernel: registers (or whatever the
	 * arch's purgatory reads) written into the relocated purgatory
	 * buf from p (entry, kernel_entry, purg_stack, the boot segment).
	 */
	int (*purgatory_jump)(const struct ld_plan *p, const struct ld_elf *e,
			      void *buf);
	/*
	 * One RELA relocation of the purgatory: type, S + A, P (the place's
	 * address), the place and the bytes left in its section. LD_OK or
	 * LD_ERR_ELF_RELOC.
	 */
	int (*elf_rela)(uint32_t type, uint64_t sa, uint64_t p, uint8_t *where,
			uint64_t room);
	/* Lines of the plan print only the arch knows (firmware data). */
	void (*describe)(const struct ld_plan *p, FILE *out);

	const struct ld_err_desc *errors;
	unsigned int nerrors;
};

extern const struct ld_arch ld_arch;

#endif /* LD_ARCH_H */
