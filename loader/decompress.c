// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decode a compressed kernel on the host, by its magic: gzip (zlib), xz and
 * lzma (liblzma), zstd (libzstd). Decoding stops at the end of the first
 * stream (Kbuild appends the decoded size after xz, lzma and zstd streams)
 * and at LD_DECODED_MAX bytes. Other formats (bzip2, lzo, lz4) are refused
 * by name: the record of such a kernel reads as unknown.
 */
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "preflight.h"

struct obuf {
	uint8_t *p;
	size_t len, cap;
};

/* Room for at least one more byte; -E2BIG past LD_DECODED_MAX. */
static int grow(struct obuf *o)
{
	size_t cap = o->cap ? 2 * o->cap : 16u << 20;
	uint8_t *np;

	if (o->len < o->cap)
		return 0;
	if (o->cap >= LD_DECODED_MAX)
		return -E2BIG;
	if (cap > LD_DECODED_MAX)
		cap = LD_DECODED_MAX;
	np = realloc(o->p, cap);
	if (!np)
		return -ENOMEM;
	o->p = np;
	o->cap = cap;
	return 0;
}

static int gunzip(const uint8_t *in, size_t len, struct obuf *o, char *why, size_t ws)
{
	z_stream z = { 0 };
	int r, err = 0;

	if (len > UINT32_MAX) {
		snprintf(why, ws, "gzip payload larger than 4 GiB");
		return -EINVAL;
	}
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	for (;;) {
		size_t before;

		err = grow(o);
		if (err)
			break;
		before = o->cap - o->len;	/* at most LD_DECODED_MAX */
		z.next_out = o->p + o->len;
		z.avail_out = (uInt)before;
		r = inflate(&z, Z_NO_FLUSH);
		o->len += before - z.avail_out;
		if (r == Z_STREAM_END)
			break;
		if (r == Z_OK && z.avail_in)
			continue;
		if (r == Z_OK || r == Z_BUF_ERROR) {
			if (!z.avail_out)
				continue;	/* output full: grow */
			snprintf(why, ws, "gzip payload: truncated");
			err = -EINVAL;
			break;
		}
		snprintf(why, ws, "gzip payload: %s", z.msg ? z.msg : "corrupt");
		err = r == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
		break;
	}
	inflateEnd(&z);
	return err;
}

static int unxz(const uint8_t *in, size_t len, bool alone, struct obuf *o,
		char *why, size_t ws)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;
	int err = 0;

	r = alone ? lzma_alone_decoder(&s, UINT64_MAX) :
		lzma_stream_decoder(&s, UINT64_MAX, 0);
	if (r != LZMA_OK)
		return -ENOMEM;
	s.next_in = in;
	s.avail_in = len;
	for (;;) {
		err = grow(o);
		if (err)
			break;
		s.next_out = o->p + o->len;
		s.avail_out = o->cap - o->len;
		size_t before = s.avail_out;

		r = lzma_code(&s, s.avail_in ? LZMA_RUN : LZMA_FINISH);
		o->len += before - s.avail_out;
		if (r == LZMA_STREAM_END)
			break;
		if (r == LZMA_OK)
			continue;
		snprintf(why, ws, "%s payload: %s", alone ? "lzma" : "xz",
			 r == LZMA_BUF_ERROR ? "truncated" : r == LZMA_MEM_ERROR ?
			 "out of memory" : "corrupt");
		err = r == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL;
		break;
	}
	lzma_end(&s);
	return err;
}

static int unzstd(const uint8_t *in, size_t len, struct obuf *o, char *why, size_t ws)
{
	ZSTD_DStream *d = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, len, 0 };
	int err = 0;
	size_t r;

	if (!d)
		return -ENOMEM;
	/* The kernel's zstd -22 --ultra uses a window of up to 2^27 bytes. */
	ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 27);
	for (;;) {
		ZSTD_outBuffer ob;

		err = grow(o);
		if (err)
			break;
		ob = (ZSTD_outBuffer){ o->p + o->len, o->cap - o->len, 0 };
		r = ZSTD_decompressStream(d, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(r)) {
			snprintf(why, ws, "zstd payload: %s", ZSTD_getErrorName(r));
			err = -EINVAL;
			break;
		}
		if (!r)
			break;			/* end of the frame */
		if (ib.pos == ib.size && ob.pos < ob.size) {
			snprintf(why, ws, "zstd payload: truncated");
			err = -EINVAL;
			break;
		}
	}
	ZSTD_freeDStream(d);
	return err;
}

int ld_decompress(const uint8_t *in, size_t len, uint8_t **out, size_t *olen,
		  char *why, size_t whysize)
{
	static const uint8_t xz[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static const uint8_t zst[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	struct obuf o = { 0 };
	int err;

	why[0] = 0;
	if (len >= 2 && in[0] == 0x1f && (in[1] == 0x8b || in[1] == 0x9e))
		err = gunzip(in, len, &o, why, whysize);
	else if (len >= 6 && !memcmp(in, xz, 6))
		err = unxz(in, len, false, &o, why, whysize);
	else if (len >= 4 && !memcmp(in, zst, 4))
		err = unzstd(in, len, &o, why, whysize);
	else if (len >= 13 && in[0] == 0x5d && !in[1] && !in[2])
		err = unxz(in, len, true, &o, why, whysize);
	else {
		const char *name = len >= 2 && in[0] == 'B' && in[1] == 'Z' ? "bzip2" :
			len >= 4 && in[0] == 0x89 && in[1] == 'L' ? "lzo" :
			len >= 4 && in[0] == 0x02 && in[1] == 0x21 ? "lz4" : NULL;

		if (name)
			snprintf(why, whysize, "%s-compressed kernel: not decoded here", name);
		else
			snprintf(why, whysize, "payload compression not recognised "
				 "(magic %02x %02x)", len > 0 ? in[0] : 0, len > 1 ? in[1] : 0);
		return -EOPNOTSUPP;
	}
	if (err == -E2BIG)
		snprintf(why, whysize, "decoded kernel larger than %llu MiB",
			 LD_DECODED_MAX >> 20);
	else if (err == -ENOMEM && !why[0])
		snprintf(why, whysize, "out of memory decoding the kernel");
	if (err) {
		free(o.p);
		return err;
	}
	*out = o.p;
	*olen = o.len;
	return 0;
}
