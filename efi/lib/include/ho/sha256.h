/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 (FIPS 180-4), freestanding: the purgatory verifies segments.
 *
 * One implementation per instruction set, chosen per hash state:
 *   HO_SHA256_C     generic C, everywhere
 *   HO_SHA256_NI    x86 SHA extensions (SHA-NI + SSSE3 + SSE4.1), when cpuid
 *                   says the CPU has them (ho_sha256_have)
 *   HO_SHA256_CE    arm64 SHA2 instructions (ARMv8 Cryptographic Extension),
 *                   when ID_AA64ISAR0_EL1.SHA2 (freestanding) or HWCAP_SHA2
 *                   (Linux user space) says the CPU has them
 *   HO_SHA256_AUTO  hosted builds (the OS enables SSE / FP): the CPU's
 *                   instructions (ho_sha256_cpu) when it has them, else C;
 *                   freestanding builds: C, because SSE or FP/SIMD may be
 *                   off (CR4.OSFXSR clear: kexec's relocate_kernel clears it
 *                   before the purgatory; CPACR_EL1.FPEN), and only the
 *                   caller can know. The purgatory enables it itself and
 *                   asks for NI or CE.
 * Every implementation gives the same digest for the same bytes.
 */
#ifndef HO_SHA256_H
#define HO_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HO_SHA256_SIZE	32

enum ho_sha256_impl {
	HO_SHA256_AUTO,
	HO_SHA256_C,
	HO_SHA256_NI,
	HO_SHA256_CE,
};

struct ho_sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];
	uint8_t impl;		/* enum ho_sha256_impl, never AUTO */
};

/* The CPU can run impl (C: always; AUTO: what AUTO resolves to can). */
bool ho_sha256_have(enum ho_sha256_impl impl);
/* "c", "ni", "ce", "auto"; "?" for anything else. */
const char *ho_sha256_name(enum ho_sha256_impl impl);
/*
 * The instruction-set implementation of the architecture built for (NI on
 * x86_64, CE on arm64, C elsewhere), whether or not this CPU has it.
 */
enum ho_sha256_impl ho_sha256_cpu(void);

void ho_sha256_init(struct ho_sha256 *s);		/* HO_SHA256_AUTO */
/*
 * Start a hash with impl; one the CPU lacks falls back to C. Returns the
 * implementation in use (HO_SHA256_C, HO_SHA256_NI or HO_SHA256_CE).
 */
enum ho_sha256_impl ho_sha256_init_impl(struct ho_sha256 *s,
					enum ho_sha256_impl impl);
void ho_sha256_update(struct ho_sha256 *s, const void *data, size_t len);
void ho_sha256_final(struct ho_sha256 *s, uint8_t out[HO_SHA256_SIZE]);
void ho_sha256(const void *data, size_t len, uint8_t out[HO_SHA256_SIZE]);

#endif /* HO_SHA256_H */
