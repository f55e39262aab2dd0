/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 part of the purgatory's parameter block (efi/purgatory/purgatory.h).
 *
 *   purgatory_regs      the registers the purgatory enters the kernel with,
 *                       as Documentation/arch/arm64/booting.rst wants: x0 =
 *                       the DTB's physical address, x1-x3 = 0, pc = the
 *                       Image's entry; sp = the purgatory's own stack top.
 *                       The loader writes it (loader/arch/arm64, struct
 *                       ld_a64_regs: the same layout).
 *
 * Only the parameter block exists so far: the arm64 hooks (entry, PL011,
 * cntvct_el0, /chosen edits) are not written yet (purgatory-arch.h).
 */
#ifndef PURGATORY_ARM64_H
#define PURGATORY_ARM64_H

#include <stdint.h>

struct purg_regs {
	uint64_t x0, x1, x2, x3, pc, sp;
};

#endif /* PURGATORY_ARM64_H */
