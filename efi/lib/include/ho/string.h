/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding memory and string functions.
 *
 * The library calls these everywhere instead of libc so that the same code
 * runs in the purgatory and the EFI app. They are prefixed, so a host program
 * (which links libc) or gnu-efi (which defines memcpy/memset) never sees a
 * second definition. In freestanding builds efi/lib/libfdt_env.h maps libfdt's
 * libc calls onto them; in hosted builds libfdt uses libc.
 */
#ifndef HO_STRING_H
#define HO_STRING_H

#include <stddef.h>
#include <stdint.h>

void *ho_memcpy(void *dst, const void *src, size_t n);
void *ho_memmove(void *dst, const void *src, size_t n);
void *ho_memset(void *dst, int c, size_t n);
int ho_memcmp(const void *a, const void *b, size_t n);
void *ho_memchr(const void *s, int c, size_t n);
size_t ho_strlen(const char *s);
size_t ho_strnlen(const char *s, size_t max);
char *ho_strrchr(const char *s, int c);
int ho_strcmp(const char *a, const char *b);

/*
 * Unaligned native-endian loads and stores, through a packed struct: the
 * compiler emits one load or store where the target allows unaligned
 * accesses and byte accesses where it does not (-mstrict-align, the arm64
 * purgatory), never a call. (__builtin_memcpy of a constant size is not
 * enough: under -fno-builtin -mstrict-align gcc may emit a call to memcpy.)
 */
struct ho_unaligned_u64 {
	uint64_t v;
} __attribute__((packed, may_alias));

struct ho_unaligned_u32 {
	uint32_t v;
} __attribute__((packed, may_alias));

static inline uint64_t ho_get_u64(const void *p)
{
	return ((const struct ho_unaligned_u64 *)p)->v;
}

static inline uint32_t ho_get_u32(const void *p)
{
	return ((const struct ho_unaligned_u32 *)p)->v;
}

static inline void ho_put_u64(void *p, uint64_t v)
{
	((struct ho_unaligned_u64 *)p)->v = v;
}

/*
 * Bounded string builder for report texts: never overflows, always leaves
 * the buffer NUL-terminated, silently truncates.
 */
struct ho_sbuf {
	char *buf;
	size_t size;
	size_t len;
};

void ho_sb_init(struct ho_sbuf *sb, char *buf, size_t size);
void ho_sb_puts(struct ho_sbuf *sb, const char *s);
void ho_sb_putsn(struct ho_sbuf *sb, const char *s, size_t n);
void ho_sb_hex(struct ho_sbuf *sb, uint64_t v);	/* "0x1f" */
void ho_sb_dec(struct ho_sbuf *sb, uint64_t v);

#endif /* HO_STRING_H */
