/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Instruction-set back ends of sha256.c: each hashes whole 64-byte blocks
 * into the state h (FIPS 180-4 word order) with the round constants k
 * (ho_sha256_k; a parameter so that a test can pass a wrong one and see
 * the digest change) and reports whether this CPU can run it. One pair per
 * instruction set, in files named after it.
 */
#ifndef HO_SHA256_IMPL_H
#define HO_SHA256_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The round constants, 16-byte aligned (vector loads); hidden: no GOT in PIC. */
extern const uint32_t ho_sha256_k[64] __attribute__((visibility("hidden")));

#if defined(__x86_64__)
#define HO_SHA256_HAVE_X86 1
/* cpuid: SHA (leaf 7 ebx bit 29), SSSE3 and SSE4.1 (leaf 1 ecx 9, 19). */
bool ho_sha256_x86_has_ni(void);
void ho_sha256_x86_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks,
			  const uint32_t k[64]);
#endif

#if defined(__aarch64__)
#define HO_SHA256_HAVE_ARM64 1
/* ID_AA64ISAR0_EL1.SHA2 (freestanding) or HWCAP_SHA2 (Linux user space). */
bool ho_sha256_arm64_has_ce(void);
/* sha256_arm64_ce.S; touches v0..v9 and v16..v31 (FP/SIMD must be on). */
void ho_sha256_arm64_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks,
			    const uint32_t k[64])
	__attribute__((visibility("hidden")));
#endif

#endif /* HO_SHA256_IMPL_H */
