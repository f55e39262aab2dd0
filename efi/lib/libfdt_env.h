/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libfdt environment for building the kernel's unmodified libfdt
 * ($(LINUX_SRC)/scripts/dtc/libfdt) hosted and freestanding.
 *
 * Force-included with -include before every libfdt source; it takes the
 * guard LIBFDT_ENV_H so the hosted libfdt_env.h beside the sources (which
 * pulls in <stdlib.h> and <string.h>) becomes a no-op. Freestanding builds
 * (__STDC_HOSTED__ == 0) get the library's prefixed mem/str functions.
 */
#ifndef LIBFDT_ENV_H
#define LIBFDT_ENV_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <string.h>
#else
#include "ho/string.h"
#define memcpy	ho_memcpy
#define memmove	ho_memmove
#define memset	ho_memset
#define memcmp	ho_memcmp
#define memchr	ho_memchr
#define strlen	ho_strlen
#define strnlen	ho_strnlen
#define strrchr	ho_strrchr
#endif

#define FDT_FORCE
#define FDT_BITWISE

typedef uint16_t fdt16_t;
typedef uint32_t fdt32_t;
typedef uint64_t fdt64_t;

/* FDT is big-endian; the byte loads keep this independent of the host. */
static inline uint16_t fdt16_to_cpu(fdt16_t x)
{
	const uint8_t *b = (const uint8_t *)&x;

	return (uint16_t)((b[0] << 8) | b[1]);
}

static inline uint32_t fdt32_to_cpu(fdt32_t x)
{
	const uint8_t *b = (const uint8_t *)&x;

	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	       ((uint32_t)b[2] << 8) | b[3];
}

static inline uint64_t fdt64_to_cpu(fdt64_t x)
{
	const uint8_t *b = (const uint8_t *)&x;

	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	return v;
}

static inline fdt16_t cpu_to_fdt16(uint16_t x)
{
	fdt16_t r;
	uint8_t *b = (uint8_t *)&r;

	b[0] = x >> 8;
	b[1] = x;
	return r;
}

static inline fdt32_t cpu_to_fdt32(uint32_t x)
{
	fdt32_t r;
	uint8_t *b = (uint8_t *)&r;

	b[0] = x >> 24;
	b[1] = x >> 16;
	b[2] = x >> 8;
	b[3] = x;
	return r;
}

static inline fdt64_t cpu_to_fdt64(uint64_t x)
{
	fdt64_t r;
	uint8_t *b = (uint8_t *)&r;
	int i;

	for (i = 7; i >= 0; i--, x >>= 8)
		b[i] = (uint8_t)x;
	return r;
}

#endif /* LIBFDT_ENV_H */
