/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 purgatory entry. Under kexec_load the old kernel's
 * arm64_relocate_new_kernel (arch/arm64/kernel/relocate_kernel.S) copies
 * the segments, turns the MMU off (SCTLR_EL1 = INIT_SCTLR_EL1_MMU_OFF: data
 * and instruction caches off too, so every data access is Device memory:
 * the C code is built -mstrict-align) and branches here at EL1, or at EL2
 * through HVC_SOFT_RESTART when the old kernel ran at EL2; DAIF masked, x0
 * the kimage's dtb_mem (0 for kexec_load: the DTB's address is ours, in
 * purgatory_regs). We take our own stack, run purgatory_main() (checksums,
 * handover verdict, DTB edits) and enter the kernel as booting.rst asks:
 * x0 = DTB, x1 = x2 = x3 = 0, MMU and D-cache still off, at the EL we got.
 */
	.text
	.globl	purgatory_start
	.type	purgatory_start, %function
	.balign	4
purgatory_start:
	adrp	x9, purgatory_stack_end
	add	x9, x9, :lo12:purgatory_stack_end
	mov	sp, x9
	bl	purgatory_main

	adrp	x9, purgatory_regs
	add	x9, x9, :lo12:purgatory_regs
	ldr	x10, [x9, #32]		/* pc: the Image's entry */
	ldp	x2, x3, [x9, #16]
	ldp	x0, x1, [x9]
	br	x10
	.size	purgatory_start, . - purgatory_start

	.bss
	.balign	4096
	.globl	purgatory_stack_end
purgatory_stack:
	.skip	65536
purgatory_stack_end:
	.size	purgatory_stack_end, 0

	.section .note.GNU-stack, "", %progbits
