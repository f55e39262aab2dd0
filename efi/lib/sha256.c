// SPDX-License-Identifier: GPL-2.0-only
/*
 * SHA-256 (FIPS 180-4): padding and buffering for every implementation, and
 * the generic C block function (unrolled; no tables besides K).
 * The instruction-set block functions live in sha256_<arch>*.
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

/* ror 2 ^ ror 13 ^ ror 22, and ror 6 ^ ror 11 ^ ror 25, factored: 3 rotates */
#define BSIG0(x)	ror(ror(ror(x, 9) ^ (x), 11) ^ (x), 2)
#define BSIG1(x)	ror(ror(ror(x, 14) ^ (x), 5) ^ (x), 6)
#define SSIG0(x)	(ror(x, 7) ^ ror(x, 18) ^ ((x) >> 3))
#define SSIG1(x)	(ror(x, 17) ^ ror(x, 19) ^ ((x) >> 10))

/*
 * Word i of the message schedule, in a ring of 16: rounds 16..63 replace
 * w[i % 16] (which held W[i-16]) by W[i]. i is a constant in every use.
 */
#define W(i)	((i) < 16 ? w[i] :						\
		 (w[(i) & 15] += SSIG1(w[((i) - 2) & 15]) + w[((i) - 7) & 15] +	\
				 SSIG0(w[((i) - 15) & 15])))

/*
 * Round i. Instead of moving the eight working variables along, each round
 * names them in a rotated order: the round's new "a" is written into h and
 * its new "e" into d, and the next round is R(h, a, b, c, d, e, f, g, i + 1).
 */
#define R(a, b, c, d, e, f, g, h, i) do {				\
	uint32_t t1_ = h + BSIG1(e) + (g ^ (e & (f ^ g))) +		\
		       ho_sha256_k[i] + W(i);				\
	d += t1_;							\
	h = t1_ + BSIG0(a) + ((a & b) | (c & (a | b)));			\
} while (0)

#define R8(i) do {							\
	R(a, b, c, d, e, f, g, h, (i) + 0);				\
	R(h, a, b, c, d, e, f, g, (i) + 1);				\
	R(g, h, a, b, c, d, e, f, (i) + 2);				\
	R(f, g, h, a, b, c, d, e, (i) + 3);				\
	R(e, f, g, h, a, b, c, d, (i) + 4);				\
	R(d, e, f, g, h, a, b, c, (i) + 5);				\
	R(c, d, e, f, g, h, a, b, (i) + 6);				\
	R(b, c, d, e, f, g, h, a, (i) + 7);				\
} while (0)

/*
 * One block, the 64 rounds unrolled: no moves between rounds, the round
 * constants become immediates, the schedule lives in 16 words. Under QEMU's
 * TCG (no SHA-NI there) the purgatory spends most of its time here.
 */
static void block(uint32_t hs[8], const uint8_t *p)
{
	uint32_t w[16], a, b, c, d, e, f, g, h;
	int i;

	for (i = 0; i < 16; i++, p += 4)
		w[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	a = hs[0]; b = hs[1]; c = hs[2]; d = hs[3];
	e = hs[4]; f = hs[5]; g = hs[6]; h = hs[7];
	R8(0); R8(8); R8(16); R8(24); R8(32); R8(40); R8(48); R8(56);
	hs[0] += a; hs[1] += b; hs[2] += c; hs[3] += d;
	hs[4] += e; hs[5] += f; hs[6] += g; hs[7] += h;
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
	case HO_SHA256_CE:
#ifdef HO_SHA256_HAVE_ARM64
		return ho_sha256_arm64_has_ce();
#else
		return false;
#endif
	}
	return false;
}

enum ho_sha256_impl ho_sha256_cpu(void)
{
#if defined(HO_SHA256_HAVE_X86)
	return HO_SHA256_NI;
#elif defined(HO_SHA256_HAVE_ARM64)
	return HO_SHA256_CE;
#else
	return HO_SHA256_C;
#endif
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
	case HO_SHA256_CE:
		return "ce";
	}
	return "?";
}

/* Hash n whole blocks with the state's implementation. */
static void blocks(struct ho_sha256 *s, const uint8_t *p, size_t n)
{
#ifdef HO_SHA256_HAVE_X86
	if (s->impl == HO_SHA256_NI) {
		ho_sha256_x86_blocks(s->h, p, n, ho_sha256_k);
		return;
	}
#endif
#ifdef HO_SHA256_HAVE_ARM64
	if (s->impl == HO_SHA256_CE) {
		ho_sha256_arm64_blocks(s->h, p, n, ho_sha256_k);
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
		impl = ho_sha256_cpu();
#endif
	if ((impl != HO_SHA256_NI && impl != HO_SHA256_CE) ||
	    !ho_sha256_have(impl))
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
