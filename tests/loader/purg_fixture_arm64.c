// SPDX-License-Identifier: GPL-2.0-only
/*
 * A test fixture, not a purgatory: an aarch64 relocatable object with the
 * symbols the loader pokes (efi/purgatory/purgatory.h) and one of each
 * relocation kind the arm64 module applies, so tests/loader/test_arm64.c
 * can plan a whole arm64 kexec on the host (cross-compiled with
 * aarch64-linux-gnu-gcc -c). Its code only spins; it is never run.
 */
#include "purgatory.h"

struct purg_regs purgatory_regs;
struct purg_seg purgatory_segs[PURG_MAX_SEGS];
uint32_t purgatory_nsegs;
uint32_t purgatory_checksum;
uint32_t purgatory_fault;
struct purg_reloc purgatory_reloc;
struct purg_work purgatory_work;
unsigned char purgatory_stack[4096] __attribute__((aligned(16)));
__asm__(".globl purgatory_stack_end\n.set purgatory_stack_end, purgatory_stack + 4096");
/* An absolute pointer (R_AARCH64_ABS64). */
void *purgatory_self = &purgatory_regs;

void purgatory_start(void)
{
	/* adrp + add/ldr (ADR_PREL_PG_HI21, *_ABS_LO12_NC) and a call (CALL26). */
	for (;;)
		__asm__ volatile("" : : "r"(purgatory_regs.x0 + purgatory_nsegs));
}
