// SPDX-License-Identifier: GPL-2.0-only
/*
 * SHA-256 with the x86 SHA extensions (sha256rnds2, sha256msg1/2) plus
 * SSSE3 (pshufb) and SSE4.1 (pblendw), for sha256.c.
 *
 * The library is built with -mgeneral-regs-only for the purgatory; only
 * ho_sha256_x86_blocks() is compiled for SSE (target attribute), so no other
 * code touches an XMM register. Running it needs SSE enabled (CR4.OSFXSR):
 * always true in user space; the purgatory sets it first (purgatory.c).
 * Legacy (non-VEX) encodings only, so XCR0 does not matter.
 */
#include "sha256_impl.h"

#ifdef HO_SHA256_HAVE_X86
#include <cpuid.h>
#include <immintrin.h>

#define CPUID1_ECX_SSSE3	(1u << 9)
#define CPUID1_ECX_SSE41	(1u << 19)
#define CPUID7_EBX_SHA		(1u << 29)

bool ho_sha256_x86_has_ni(void)
{
	unsigned int a, b, c, d;

	if (__get_cpuid_max(0, 0) < 7)
		return false;
	__cpuid(1, a, b, c, d);
	if ((c & (CPUID1_ECX_SSSE3 | CPUID1_ECX_SSE41)) !=
	    (CPUID1_ECX_SSSE3 | CPUID1_ECX_SSE41))
		return false;
	__cpuid_count(7, 0, a, b, c, d);
	return b & CPUID7_EBX_SHA;
}

/*
 * The instructions keep the state as two vectors, ABEF and CDGH; each
 * sha256rnds2 does two rounds, so four words of the message schedule (one
 * vector) take two of them. Schedule, for words t..t+3 from group g = t/4:
 * W[t-16] + s0(W[t-15]) is sha256msg1(g-4, g-3), plus W[t-7] (alignr of
 * g-1 and g-2), then sha256msg2 adds s1(W[t-2]) from g-1.
 */
__attribute__((target("sha,sse4.1,ssse3")))
void ho_sha256_x86_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks,
			  const uint32_t k[64])
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bull,
					     0x0405060700010203ull);
	__m128i abef, cdgh, abef0, cdgh0, t, wk, m[4];
	int i;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xb1);
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1b);
	abef = _mm_alignr_epi8(t, cdgh, 8);		/* A B E F */
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);		/* C D G H */

	for (; nblocks; nblocks--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		for (i = 0; i < 4; i++)
			m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)
							(p + 16 * i)), bswap);
#pragma GCC unroll 16
		for (i = 0; i < 16; i++) {
			wk = _mm_add_epi32(m[i % 4],
					   _mm_loadu_si128((const __m128i *)&k[4 * i]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
			abef = _mm_sha256rnds2_epu32(abef, cdgh,
						     _mm_shuffle_epi32(wk, 0x0e));
			if (i < 12) {	/* group i + 4 replaces group i */
				t = _mm_sha256msg1_epu32(m[i % 4], m[(i + 1) % 4]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(m[(i + 3) % 4],
								     m[(i + 2) % 4], 4));
				m[i % 4] = _mm_sha256msg2_epu32(t, m[(i + 3) % 4]);
			}
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}

	t = _mm_shuffle_epi32(abef, 0x1b);		/* F E B A */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);		/* D C H G */
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));
}
#endif /* HO_SHA256_HAVE_X86 */
