/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86_64 purgatory parameters (included by ../../purgatory.h, which the
 * loader includes too).
 *
 *   purgatory_regs      the registers entry64.S loads before it jumps to
 *                       the kernel: rsi = boot_params (the zero page, the
 *                       boot data the hooks read: e820_table, setup_data
 *                       chain, command line), rip = the kernel's 64-bit
 *                       entry, rsp = the purgatory's own stack top (the
 *                       kernel is entered on it); the rest zero, as the
 *                       64-bit boot protocol wants
 */
#ifndef PURGATORY_X86_64_H
#define PURGATORY_X86_64_H

#include <stdint.h>

/* The receiving kernel's PAGE_SIZE (ho_env.page_size): always 4 KiB on x86_64. */
#define PURG_ARCH_PAGE_SIZE	4096

struct purg_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
};

#endif /* PURGATORY_X86_64_H */
