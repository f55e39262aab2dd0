/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 block function with the ARMv8 SHA2 instructions (Cryptographic
 * Extension: sha256h, sha256h2, sha256su0, sha256su1), for sha256.c;
 * sha256_arm64.c says whether the CPU has them.
 *
 *   void ho_sha256_arm64_blocks(uint32_t h[8], const uint8_t *p,
 *                               size_t nblocks, const uint32_t k[64]);
 *
 * Assembly, not intrinsics: the library is built -mgeneral-regs-only, and
 * this is the only code of it that touches a SIMD register (the purgatory
 * enables FP/SIMD around it). Every load and store works with the MMU off
 * (all memory Device-nGnRnE, where an access unaligned to its element size
 * faults): the message is loaded as bytes (ld1 .16b, then rev32 for the
 * big-endian words), h and k as 32-bit lanes (both are uint32_t arrays).
 * AAPCS64: v8..v15 are callee-saved in their low 64 bits, so d8 and d9
 * (the two temporaries beyond v0..v7) go on the stack.
 *
 * Registers: v0 = ABCD, v1 = EFGH (the state, lane 0 = h[0]); v2, v3 the
 * state at the start of the block; v4..v7 the message schedule, four words
 * each (group g of 4 rounds uses W[4g..4g+3] from v(4 + g % 4), then
 * replaces it by the group g + 4); v8 = W + K of the group; v9 = ABCD
 * before sha256h (sha256h2 needs the old one); v16..v31 = K[0..63].
 * Compiled to nothing when the target is not aarch64.
 */
#ifdef __aarch64__
	.arch	armv8-a+crypto
	.text

/* Four rounds with W from v\m0, K from v\k; then the schedule when \upd. */
	.macro	rounds4 m0, m1, m2, m3, k, upd
	add	v8.4s, v\m0\().4s, v\k\().4s
	mov	v9.16b, v0.16b
	sha256h	q0, q1, v8.4s
	sha256h2 q1, q9, v8.4s
	.if	\upd
	sha256su0 v\m0\().4s, v\m1\().4s
	sha256su1 v\m0\().4s, v\m2\().4s, v\m3\().4s
	.endif
	.endm

	.globl	ho_sha256_arm64_blocks
	.hidden	ho_sha256_arm64_blocks
	.type	ho_sha256_arm64_blocks, %function
	.balign	16
ho_sha256_arm64_blocks:
	cbz	x2, 2f
	stp	d8, d9, [sp, #-16]!
	ld1	{v0.4s, v1.4s}, [x0]
	ld1	{v16.4s, v17.4s, v18.4s, v19.4s}, [x3], #64
	ld1	{v20.4s, v21.4s, v22.4s, v23.4s}, [x3], #64
	ld1	{v24.4s, v25.4s, v26.4s, v27.4s}, [x3], #64
	ld1	{v28.4s, v29.4s, v30.4s, v31.4s}, [x3]
1:	ld1	{v4.16b, v5.16b, v6.16b, v7.16b}, [x1], #64
	mov	v2.16b, v0.16b
	mov	v3.16b, v1.16b
	rev32	v4.16b, v4.16b
	rev32	v5.16b, v5.16b
	rev32	v6.16b, v6.16b
	rev32	v7.16b, v7.16b
	rounds4	4, 5, 6, 7, 16, 1
	rounds4	5, 6, 7, 4, 17, 1
	rounds4	6, 7, 4, 5, 18, 1
	rounds4	7, 4, 5, 6, 19, 1
	rounds4	4, 5, 6, 7, 20, 1
	rounds4	5, 6, 7, 4, 21, 1
	rounds4	6, 7, 4, 5, 22, 1
	rounds4	7, 4, 5, 6, 23, 1
	rounds4	4, 5, 6, 7, 24, 1
	rounds4	5, 6, 7, 4, 25, 1
	rounds4	6, 7, 4, 5, 26, 1
	rounds4	7, 4, 5, 6, 27, 1
	rounds4	4, 5, 6, 7, 28, 0
	rounds4	5, 6, 7, 4, 29, 0
	rounds4	6, 7, 4, 5, 30, 0
	rounds4	7, 4, 5, 6, 31, 0
	add	v0.4s, v0.4s, v2.4s
	add	v1.4s, v1.4s, v3.4s
	subs	x2, x2, #1
	b.ne	1b
	st1	{v0.4s, v1.4s}, [x0]
	ldp	d8, d9, [sp], #16
2:	ret
	.size	ho_sha256_arm64_blocks, . - ho_sha256_arm64_blocks
#endif /* __aarch64__ */

	.section .note.GNU-stack, "", %progbits
