// SPDX-License-Identifier: GPL-2.0-only
/*
 * SHA-256 (FIPS 180-4): padding and buffering for every implementation, and
 * the generic C block function, written for clarity; no tables besides K.
 * The instruction-set block functions live in sha256_<arch>.c.
 */
#include "ho/sha256.h"
#include "ho/string.h"
#include "sha256_impl.h"

const uint32_t ho_sha256_k[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static void block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++, p += 4)
		w[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		     ((e & f) ^ (~e & g)) + ho_sha256_k[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		k = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

bool ho_sha256_have(enum ho_sha256_impl impl)
{
	switch (impl) {
	case HO_SHA256_AUTO:
	case HO_SHA256_C:
		return true;
	case HO_SHA256_NI:
#ifdef HO_SHA256_HAVE_X86
		return ho_sha256_x86_has_ni();
#else
		return false;
#endif
	}
	return false;
}

const char *ho_sha256_name(enum ho_sha256_impl impl)
{
	switch (impl) {
	case HO_SHA256_AUTO:
		return "auto";
	case HO_SHA256_C:
		return "c";
	case HO_SHA256_NI:
		return "ni";
	}
	return "?";
}

/* Hash n whole blocks with the state's implementation. */
static void blocks(struct ho_sha256 *s, const uint8_t *p, size_t n)
{
#ifdef HO_SHA256_HAVE_X86
	if (s->impl == HO_SHA256_NI) {
		ho_sha256_x86_blocks(s->h, p, n);
		return;
	}
#endif
	for (; n; n--, p += 64)
		block(s->h, p);
}

enum ho_sha256_impl ho_sha256_init_impl(struct ho_sha256 *s,
					enum ho_sha256_impl impl)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

#if __STDC_HOSTED__
	if (impl == HO_SHA256_AUTO)
		impl = HO_SHA256_NI;
#endif
	if (impl != HO_SHA256_NI || !ho_sha256_have(HO_SHA256_NI))
		impl = HO_SHA256_C;
	ho_memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->impl = (uint8_t)impl;
	return impl;
}

void ho_sha256_init(struct ho_sha256 *s)
{
	ho_sha256_init_impl(s, HO_SHA256_AUTO);
}

void ho_sha256_update(struct ho_sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t fill = s->len % 64, n;

	s->len += len;
	if (fill) {
		n = len < 64 - fill ? len : 64 - fill;
		ho_memcpy(s->buf + fill, p, n);
		p += n;
		len -= n;
		if (fill + n < 64)
			return;
		blocks(s, s->buf, 1);
	}
	blocks(s, p, len / 64);
	p += len / 64 * 64;
	ho_memcpy(s->buf, p, len % 64);
}

void ho_sha256_final(struct ho_sha256 *s, uint8_t out[HO_SHA256_SIZE])
{
	uint64_t bits = s->len * 8;
	size_t fill = s->len % 64;
	int i;

	s->buf[fill++] = 0x80;
	if (fill > 56) {
		ho_memset(s->buf + fill, 0, 64 - fill);
		blocks(s, s->buf, 1);
		fill = 0;
	}
	ho_memset(s->buf + fill, 0, 56 - fill);
	for (i = 0; i < 8; i++)
		s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	blocks(s, s->buf, 1);
	for (i = 0; i < 32; i++)
		out[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void ho_sha256(const void *data, size_t len, uint8_t out[HO_SHA256_SIZE])
{
	struct ho_sha256 s;

	ho_sha256_init(&s);
	ho_sha256_update(&s, data, len);
	ho_sha256_final(&s, out);
}
