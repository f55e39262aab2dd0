/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 part of the purgatory's parameter block (efi/purgatory/purgatory.h).
 *
 *   purgatory_regs      what the purgatory enters the kernel with, as
 *                       Documentation/arch/arm64/booting.rst wants: x0 =
 *                       the DTB's physical address, x1-x3 = 0, pc = the
 *                       Image's entry; sp = the purgatory's own stack top
 *                       (entry.S takes it from purgatory_stack_end, the
 *                       same address); page_size, not a register: the
 *                       kernel's page size from the Image header's flags
 *                       bits 1-2 (0: unspecified, the library's default
 *                       4 KiB), the validator's page size. The loader
 *                       writes it (loader/arch/arm64, struct ld_a64_regs:
 *                       the same layout).
 *
 * The hooks are in purgatory-arm64.c (DTB, PL011, cntvct_el0) and entry.S.
 */
#ifndef PURGATORY_ARM64_H
#define PURGATORY_ARM64_H

#include <stdint.h>

struct purg_regs {
	uint64_t x0, x1, x2, x3, pc, sp;
	uint64_t page_size;
};

extern struct purg_regs purgatory_regs;

/* The receiving kernel's PAGE_SIZE (ho_env.page_size; 0: the default). */
#define PURG_ARCH_PAGE_SIZE	(purgatory_regs.page_size)

#endif /* PURGATORY_ARM64_H */
