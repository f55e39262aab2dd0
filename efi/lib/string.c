// SPDX-License-Identifier: GPL-2.0-only
/*
 * Freestanding mem/str functions (ho/string.h) and the bounded string
 * builder used for report texts. Plain loops: small and obviously right;
 * ho_memcpy() moves 8 bytes a step between aligned buffers (a big handover's
 * tables are read through it), the rest go byte by byte. None of them calls
 * a libc function: in the purgatory, memcpy and memset are these (libc.c).
 */
#if defined(__GNUC__) && !defined(__clang__)
/* Keep gcc from turning these loops back into calls to memcpy/memset. */
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

#include "ho/string.h"

/* a u64 that may alias anything, as memcpy's bytes do */
typedef uint64_t __attribute__((may_alias)) ho_alias_u64;

void *ho_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/*
	 * 8 bytes a step when both ends are 8-byte aligned (folio tables and
	 * FDT cells are), bytes otherwise. Never a call to memcpy: the
	 * purgatory's memcpy (libc.c) is this function.
	 */
	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(ho_alias_u64 *)(void *)d =
				*(const ho_alias_u64 *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *ho_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((uintptr_t)d <= (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
		return ho_memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *ho_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int ho_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *ho_memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t ho_strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t ho_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

char *ho_strrchr(const char *s, int c)
{
	const char *last = NULL;

	do {
		if (*s == (char)c)
			last = s;
	} while (*s++);
	return (char *)last;
}

int ho_strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

void ho_sb_init(struct ho_sbuf *sb, char *buf, size_t size)
{
	sb->buf = buf;
	sb->size = size;
	sb->len = 0;
	if (size)
		buf[0] = '\0';
}

void ho_sb_putsn(struct ho_sbuf *sb, const char *s, size_t n)
{
	if (!sb->size)
		return;
	while (n-- && *s && sb->len + 1 < sb->size)
		sb->buf[sb->len++] = *s++;
	sb->buf[sb->len] = '\0';
}

void ho_sb_puts(struct ho_sbuf *sb, const char *s)
{
	ho_sb_putsn(sb, s, (size_t)-1);
}

static void sb_num(struct ho_sbuf *sb, uint64_t v, unsigned int base)
{
	char tmp[24];
	int i = sizeof(tmp);

	tmp[--i] = '\0';
	do {
		tmp[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	ho_sb_puts(sb, &tmp[i]);
}

void ho_sb_hex(struct ho_sbuf *sb, uint64_t v)
{
	ho_sb_puts(sb, "0x");
	sb_num(sb, v, 16);
}

void ho_sb_dec(struct ho_sbuf *sb, uint64_t v)
{
	sb_num(sb, v, 10);
}
