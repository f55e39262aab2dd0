/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Instruction-set back ends of sha256.c: each hashes whole 64-byte blocks
 * into the state h (FIPS 180-4 word order) and reports whether this CPU can
 * run it. One pair per instruction set, in a file named after it.
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
void ho_sha256_x86_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks);
#endif

#endif /* HO_SHA256_IMPL_H */
