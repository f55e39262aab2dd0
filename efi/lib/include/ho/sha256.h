/* SPDX-License-Identifier: GPL-2.0-only */
/* SHA-256 (FIPS 180-4), freestanding: the purgatory verifies segments. */
#ifndef HO_SHA256_H
#define HO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define HO_SHA256_SIZE	32

struct ho_sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];
};

void ho_sha256_init(struct ho_sha256 *s);
void ho_sha256_update(struct ho_sha256 *s, const void *data, size_t len);
void ho_sha256_final(struct ho_sha256 *s, uint8_t out[HO_SHA256_SIZE]);
void ho_sha256(const void *data, size_t len, uint8_t out[HO_SHA256_SIZE]);

#endif /* HO_SHA256_H */
