// SPDX-License-Identifier: GPL-2.0-only
/*
 * SHA-256 with the ARMv8 SHA2 instructions, for sha256.c: whether this CPU
 * has them. The block function is sha256_arm64_ce.S.
 *
 * Freestanding (the purgatory at EL1 or EL2, the EFI app): the field SHA2
 * of ID_AA64ISAR0_EL1 (bits [15:12], >= 1: SHA256H and friends). Hosted
 * (Linux user space, where reading that register traps to the kernel's
 * emulation): the kernel's own answer, HWCAP_SHA2 in AT_HWCAP.
 */
#include "sha256_impl.h"

#ifdef HO_SHA256_HAVE_ARM64
#if __STDC_HOSTED__
#include <sys/auxv.h>

bool ho_sha256_arm64_has_ce(void)
{
	return getauxval(AT_HWCAP) & HWCAP_SHA2;
}
#else
#define ID_AA64ISAR0_SHA2(v)	(((v) >> 12) & 0xf)

bool ho_sha256_arm64_has_ce(void)
{
	uint64_t v;

	__asm__("mrs %0, id_aa64isar0_el1" : "=r"(v));
	return ID_AA64ISAR0_SHA2(v) >= 1;
}
#endif
#endif /* HO_SHA256_HAVE_ARM64 */
