// SPDX-License-Identifier: GPL-2.0-only
/*
 * The four functions a compiler may call on its own even with
 * -ffreestanding (struct copies, large initializers). Built only into
 * $(B)/free/libho-libc.a and $(B)/free-pic/libho-libc.a, for front ends
 * without a libc (the purgatory); the EFI app gets memcpy/memset from
 * gnu-efi and must not link this.
 */
#include "ho/string.h"

/* Objects are built with libfdt_env.h force-included, which maps these. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	return ho_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
	return ho_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
	return ho_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
	return ho_memcmp(a, b, n);
}
