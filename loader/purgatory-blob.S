/* SPDX-License-Identifier: GPL-2.0-only */
/* The purgatory object (efi/purgatory), embedded in luo-kexec. */
	.section .rodata
	.balign	16
	.globl	ld_purgatory, ld_purgatory_end
ld_purgatory:
	.incbin	PURGATORY_RO
ld_purgatory_end:
	.section .note.GNU-stack, "", @progbits
