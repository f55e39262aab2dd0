/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86_64 purgatory entry. The old kernel's relocate_kernel jumps here in
 * 64-bit mode with identity-mapped memory, interrupts off, registers zero
 * and its own stack. We switch to our stack, run purgatory_main() (checksums,
 * handover verdict), then load the GDT the 64-bit boot protocol asks for
 * (__BOOT_CS = 0x10, __BOOT_DS = 0x18, flat) and jump to the kernel with the
 * registers the loader poked into purgatory_regs (rsi = boot_params).
 */
	.text
	.code64
	.globl	purgatory_start
	.type	purgatory_start, @function
purgatory_start:
	cld
	leaq	purgatory_stack_end(%rip), %rsp
	movabsq	$purgatory_main, %rax
	call	*%rax

	lgdt	gdt_desc(%rip)
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	/* Reload %cs with a far return. */
	leaq	1f(%rip), %rax
	pushq	$0x10
	pushq	%rax
	lretq
1:
	leaq	purgatory_regs(%rip), %rax
	movq	8(%rax), %rbx
	movq	16(%rax), %rcx
	movq	24(%rax), %rdx
	movq	32(%rax), %rsi
	movq	40(%rax), %rdi
	movq	48(%rax), %rsp
	movq	56(%rax), %rbp
	movq	64(%rax), %r8
	movq	72(%rax), %r9
	movq	80(%rax), %r10
	movq	88(%rax), %r11
	movq	96(%rax), %r12
	movq	104(%rax), %r13
	movq	112(%rax), %r14
	movq	120(%rax), %r15
	pushq	128(%rax)		/* rip */
	movq	0(%rax), %rax
	ret
	.size	purgatory_start, . - purgatory_start

	.data
	.balign	16
gdt:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x10: 64-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x18: data, flat */
gdt_end:
	.balign	16
gdt_desc:
	.word	gdt_end - gdt - 1
	.quad	gdt			/* R_X86_64_64: fixed up by the loader */

	.bss
	.balign	4096
	.globl	purgatory_stack_end
purgatory_stack:
	.skip	65536
purgatory_stack_end:
	.size	purgatory_stack_end, 0

	.section .note.GNU-stack, "", @progbits
