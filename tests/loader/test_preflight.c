// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of luo-kexec's pre-flight (loader/preflight.h), table-
 * driven, TAP: the running kernel's formats file and the target's record
 * (parse), their comparison, the handover ranges file, and synthetic
 * bzImages whose payload (gzip, xz, lzma, zstd) carries a record, none,
 * a damaged one, or is itself corrupt or truncated.
 */
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "preflight.h"
#include "tap.h"

/* ---- formats and records ---------------------------------------------- */

#define RUN_OK "kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\n" \
	"subsystem selftest luo-selftest-v1\nfile memfd-rfc-v1 2\nsessions 1\n"
#define REC_OK LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\n" \
	"subsystem selftest luo-selftest-v1\nfile memfd-rfc-v1\nend\n"

struct parse_row {
	const char *name, *text;
	bool record;
	int err;
	unsigned int n;
	uint64_t sessions, files;
};

static const struct parse_row parse_rows[] = {
	{ "formats: ours", RUN_OK, false, 0, 5, 1, 2 },
	{ "formats: nothing preserved", "kho kho-v4\nluo luo-rfc-v1\nfile memfd-rfc-v1 0\nsessions 0\n",
	  false, 0, 3, 0, 0 },
	{ "formats: hex count", "file a-v1 0x10\nfile b-v1 1\n", false, 0, 2, 0, 17 },
	{ "formats: no trailing newline", "kho kho-v4", false, 0, 1, 0, 0 },
	{ "formats: empty file", "", false, 0, 0, 0, 0 },
	{ "formats: file without count", "file memfd-rfc-v1\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: negative count", "file memfd-rfc-v1 -1\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: count overflows", "file m 99999999999999999999999\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: two kho lines", "kho kho-v4\nkho kho-v5\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: same subsystem twice", "subsystem a x\nsubsystem a y\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: unknown keyword", "kho kho-v4\nfrobnicate x\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: empty line", "kho kho-v4\n\nluo l\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: control byte", "kho kho\tv4\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: sessions twice", "sessions 1\nsessions 2\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: end is a record word", "kho kho-v4\nend\n", false, -EINVAL, 0, 0, 0 },
	{ "record: ours", REC_OK, true, 0, 5, 0, 0 },
	{ "record: magic only, end", LD_FMT_MAGIC "end\n", true, 0, 0, 0, 0 },
	{ "record: no magic", "kho kho-v4\nend\n", true, -EINVAL, 0, 0, 0 },
	{ "record: no end", LD_FMT_MAGIC "kho kho-v4\n", true, -EINVAL, 0, 0, 0 },
	{ "record: line after end", LD_FMT_MAGIC "end\nkho kho-v4\n", true, -EINVAL, 0, 0, 0 },
	{ "record: file with a count", LD_FMT_MAGIC "file memfd-rfc-v1 2\nend\n", true, -EINVAL, 0, 0, 0 },
	{ "record: sessions line", LD_FMT_MAGIC "sessions 1\nend\n", true, -EINVAL, 0, 0, 0 },
	{ "record: unterminated last line", LD_FMT_MAGIC "kho kho-v4\nend", true, -EINVAL, 0, 0, 0 },
};

static void test_parse(void)
{
	static struct ld_formats f;
	unsigned int i;

	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];
		char why[LD_WHY_MAX] = "";
		int err = ld_fmt_parse(r->text, strlen(r->text), r->record, &f, why,
				       sizeof(why));
		bool ok = err == r->err;

		if (ok && !err)
			ok = f.n == r->n && f.sessions == r->sessions &&
				ld_fmt_files(&f) == r->files;
		if (ok && err)
			ok = why[0] != 0;
		tap(ok, "parse: %s (err %d%s%s)", r->name, err, why[0] ? ": " : "", why);
	}
	/* More than LD_FMT_MAX_ENTRIES lines; longer than LD_FMT_MAX_TEXT. */
	{
		size_t cap = LD_FMT_MAX_TEXT, len = 0;
		char *t = malloc(cap + 64), why[LD_WHY_MAX];
		unsigned int n = 0;

		while (n <= LD_FMT_MAX_ENTRIES)
			len += (size_t)sprintf(t + len, "file f%u-v1 1\n", n++);
		tap(ld_fmt_parse(t, len, false, &f, why, sizeof(why)) == -EINVAL &&
		    strstr(why, "entries"), "parse: %u entries refused (%s)", n, why);
		memset(t, 'a', cap + 1);
		tap(ld_fmt_parse(t, cap + 1, false, &f, why, sizeof(why)) == -EINVAL,
		    "parse: text over %u bytes refused (%s)", LD_FMT_MAX_TEXT, why);
		free(t);
	}
}

struct cmp_row {
	const char *name, *run, *rec;	/* rec NULL: target unknown */
	unsigned int bad;
	const char *line;		/* a line the table must hold */
};

static const struct cmp_row cmp_rows[] = {
	{ "same formats", RUN_OK, REC_OK, 0, "memfd-rfc-v1 (2 preserved)" },
	{ "bumped LUO compatible", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v2\nsubsystem files luo-files-v1\n"
	  "subsystem selftest luo-selftest-v1\nfile memfd-rfc-v1\nend\n", 1, "luo-rfc-v2" },
	{ "no memfd handler, memfds preserved", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\n"
	  "subsystem selftest luo-selftest-v1\nend\n", 1, "MISSING" },
	{ "no memfd handler, none preserved",
	  "kho kho-v4\nluo luo-rfc-v1\nfile memfd-rfc-v1 0\nsessions 0\n",
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nend\n", 0, "not needed" },
	{ "other KHO version", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v5\nluo luo-rfc-v1\nsubsystem files luo-files-v1\n"
	  "subsystem selftest luo-selftest-v1\nfile memfd-rfc-v1\nend\n", 1, "kho-v5" },
	{ "subsystem in another version", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v2\n"
	  "subsystem selftest luo-selftest-v1\nfile memfd-rfc-v1\nend\n", 1, "MISMATCH" },
	{ "subsystem missing and LUO bumped", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v2\nsubsystem files luo-files-v1\n"
	  "file memfd-rfc-v1\nend\n", 2, "selftest" },
	{ "target reads more than is handed over", "kho kho-v4\nluo luo-rfc-v1\n",
	  REC_OK, 0, "subsystem files" },
	{ "file handler in another version", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\n"
	  "subsystem selftest luo-selftest-v1\nfile memfd-rfc-v2\nend\n", 1, "memfd-rfc-v2" },
	{ "target unknown", RUN_OK, NULL, 0, "unknown" },
};

static void test_compare(void)
{
	static struct ld_formats run, tgt;
	unsigned int i;

	for (i = 0; i < sizeof(cmp_rows) / sizeof(cmp_rows[0]); i++) {
		const struct cmp_row *r = &cmp_rows[i];
		char why[LD_WHY_MAX] = "", *buf = NULL;
		size_t blen = 0;
		FILE *out = open_memstream(&buf, &blen);
		unsigned int bad;
		bool ok;

		ok = !ld_fmt_parse(r->run, strlen(r->run), false, &run, why, sizeof(why)) &&
			(!r->rec || !ld_fmt_parse(r->rec, strlen(r->rec), true, &tgt, why,
						  sizeof(why)));
		bad = ld_fmt_compare(&run, r->rec ? &tgt : NULL, out, "  ");
		fclose(out);
		ok = ok && bad == r->bad && strstr(buf, r->line) &&
			strstr(buf, "running kernel hands over");
		if (!ok)
			printf("# %s%s", why, buf);
		tap(ok, "compare: %s: %u differ", r->name, bad);
		free(buf);
	}
}

/* ---- handover ranges -------------------------------------------------- */

struct ho_row {
	const char *name, *text;
	int err;
	uint32_t nscratch;
	uint64_t fdt, last;
};

static const struct ho_row ho_rows[] = {
	{ "fdt and two scratch", "fdt 0x3000000 0x1000\nscratch 0x1000000 0x1000000\n"
	  "scratch 0x30000000 0xe000000\n", 0, 2, 0x3000000, 0x30000000 },
	{ "zero-sized scratch kept (the planner drops it)",
	  "fdt 0x1000 0x1000\nscratch 0x2000 0x2000\nscratch 0x0 0x0\n", 0, 2, 0x1000, 0 },
	{ "no newline at the end", "fdt 0x1000 0x10\nscratch 0x2000 0x2000", 0, 1, 0x1000, 0x2000 },
	{ "empty (unreadable)", "", -EINVAL, 0, 0, 0 },
	{ "no scratch", "fdt 0x1000 0x1000\n", -EINVAL, 0, 0, 0 },
	{ "no fdt", "scratch 0x1000 0x1000\n", -EINVAL, 0, 0, 0 },
	{ "two fdt lines", "fdt 0x1 0x1\nfdt 0x2 0x2\nscratch 0x1000 0x1000\n", -EINVAL, 0, 0, 0 },
	{ "decimal numbers", "fdt 4096 4096\nscratch 0x1000 0x1000\n", -EINVAL, 0, 0, 0 },
	{ "missing size", "fdt 0x1000\nscratch 0x1000 0x1000\n", -EINVAL, 0, 0, 0 },
	{ "unknown word", "fdt 0x1000 0x1\nmem 0x1 0x1\nscratch 0x1000 0x1000\n", -EINVAL, 0, 0, 0 },
	{ "trailing junk", "fdt 0x1000 0x1zz\nscratch 0x1000 0x1000\n", -EINVAL, 0, 0, 0 },
};

static void test_handover(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(ho_rows) / sizeof(ho_rows[0]); i++) {
		const struct ho_row *r = &ho_rows[i];
		struct ld_handover_text h;
		char why[LD_WHY_MAX] = "";
		int err = ld_handover_parse(r->text, strlen(r->text), &h, why, sizeof(why));
		bool ok = err == r->err;

		if (ok && !err)
			ok = h.nscratch == r->nscratch && h.fdt_addr == r->fdt &&
				h.scratch[h.nscratch - 1].addr == r->last;
		if (ok && err)
			ok = !h.scratch && why[0];
		tap(ok, "handover file: %s (err %d%s%s)", r->name, err, why[0] ? ": " : "", why);
		if (!err)
			free(h.scratch);
	}
	{
		char *t = malloc(LD_FMT_MAX_TEXT), why[LD_WHY_MAX];
		struct ld_handover_text h;
		size_t len = (size_t)sprintf(t, "fdt 0x1000 0x1000\n");
		unsigned int n;

		for (n = 0; n <= LD_HANDOVER_MAX_SCRATCH; n++)
			len += (size_t)sprintf(t + len, "scratch 0x%x 0x1000\n", n << 12);
		tap(ld_handover_parse(t, len, &h, why, sizeof(why)) == -EINVAL && !h.scratch,
		    "handover file: %u scratch ranges refused (%s)", n, why);
		free(t);
	}
}

/* ---- synthetic bzImages ----------------------------------------------- */

enum comp { GZIP, XZ, LZMA, ZSTD, RAW };
static const char *const comp_names[] = { "gzip", "xz", "lzma", "zstd", "raw" };

/* A "kernel": filler, the record (twice: two), more filler. */
static uint8_t *mk_kernel(const char *record, bool two, size_t *len)
{
	size_t n = 3u << 20, off = 1u << 20;
	uint8_t *k = malloc(n);
	size_t i;

	for (i = 0; i < n; i++)
		k[i] = (uint8_t)((i * 2654435761u) >> 13);
	if (record)
		memcpy(k + off, record, strlen(record) + 1);
	if (record && two)
		memcpy(k + 2 * off, record, strlen(record) + 1);
	*len = n;
	return k;
}

static uint8_t *pack(enum comp c, const uint8_t *in, size_t len, size_t *olen)
{
	size_t cap = len + len / 2 + (1u << 16), n = 0;
	uint8_t *out = malloc(cap + 4);

	switch (c) {
	case GZIP: {
		z_stream z = { 0 };

		deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
		z.next_in = (Bytef *)in;
		z.avail_in = (uInt)len;
		z.next_out = out;
		z.avail_out = (uInt)cap;
		deflate(&z, Z_FINISH);
		n = z.total_out;
		deflateEnd(&z);
		break;
	}
	case XZ:
		lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, in, len, out, &n, cap);
		break;
	case LZMA: {
		lzma_stream s = LZMA_STREAM_INIT;
		lzma_options_lzma o;

		lzma_lzma_preset(&o, 1);
		if (lzma_alone_encoder(&s, &o) != LZMA_OK)
			abort();
		s.next_in = in;
		s.avail_in = len;
		s.next_out = out;
		s.avail_out = cap;
		while (lzma_code(&s, LZMA_FINISH) == LZMA_OK)
			;
		n = s.total_out;
		lzma_end(&s);
		break;
	}
	case ZSTD: {
		/* As the zstd tool Kbuild runs: with the frame checksum. */
		ZSTD_CCtx *z = ZSTD_createCCtx();

		ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 1);
		n = ZSTD_compress2(z, out, cap, in, len);
		ZSTD_freeCCtx(z);
		break;
	}
	case RAW:
		memcpy(out, in, len);
		n = len;
		break;
	}
	/* Kbuild appends the decoded size (le32) after the stream. */
	memcpy(out + n, &(uint32_t){ (uint32_t)len }, 4);
	*olen = n + 4;
	return out;
}

/* Setup (4 + 1 sectors), then a 1 KiB "decompressor", then the payload. */
static uint8_t *mk_bz(const uint8_t *payload, size_t plen, size_t *len)
{
	size_t setup = 5 * 512, n = setup + 1024 + plen;
	uint8_t *b = calloc(1, n);
	uint32_t off = 1024, pl = (uint32_t)plen;

	b[0x1f1] = 4;
	b[0x1fe] = 0x55;
	b[0x1ff] = 0xaa;
	memcpy(b + 0x202, "HdrS", 4);
	memcpy(b + 0x206, &(uint16_t){ 0x020f }, 2);
	memcpy(b + 0x248, &off, 4);
	memcpy(b + 0x24c, &pl, 4);
	memcpy(b + setup + off, payload, plen);
	*len = n;
	return b;
}

enum damage { NONE, FLIP, CUT_STREAM, CUT_FILE, LEN_ZERO, OLD_PROTO, NOT_BZ, TWO };

struct img_row {
	const char *name;
	enum comp comp;
	const char *record;		/* NULL: a kernel without one */
	enum damage damage;
	int err;
	unsigned int n;			/* entries of the record found */
	const char *why;		/* in the reason on failure */
};

#define BAD_REC LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\n"	/* no end */

static const struct img_row img_rows[] = {
	{ "gzip payload with a record", GZIP, REC_OK, NONE, 0, 5, NULL },
	{ "xz payload with a record", XZ, REC_OK, NONE, 0, 5, NULL },
	{ "lzma payload with a record", LZMA, REC_OK, NONE, 0, 5, NULL },
	{ "zstd payload with a record", ZSTD, REC_OK, NONE, 0, 5, NULL },
	{ "gzip payload without a record: unknown", GZIP, NULL, NONE, -ENOENT, 0, "no LUO-FORMATS" },
	{ "zstd payload without a record: unknown", ZSTD, NULL, NONE, -ENOENT, 0, "no LUO-FORMATS" },
	{ "record without end", GZIP, BAD_REC, NONE, -EINVAL, 0, "no \"end\"" },
	{ "two records: ambiguous", GZIP, REC_OK, TWO, -EINVAL, 0, "twice" },
	{ "corrupted gzip payload", GZIP, REC_OK, FLIP, -EINVAL, 0, "gzip payload" },
	{ "corrupted xz payload", XZ, REC_OK, FLIP, -EINVAL, 0, "xz payload" },
	{ "corrupted zstd payload", ZSTD, REC_OK, FLIP, -EINVAL, 0, "zstd payload" },
	{ "truncated gzip stream", GZIP, REC_OK, CUT_STREAM, -EINVAL, 0, "truncated" },
	{ "truncated xz stream", XZ, REC_OK, CUT_STREAM, -EINVAL, 0, "truncated" },
	{ "truncated zstd stream", ZSTD, REC_OK, CUT_STREAM, -EINVAL, 0, "truncated" },
	{ "truncated file", GZIP, REC_OK, CUT_FILE, -EINVAL, 0, "outside" },
	{ "payload_length 0", GZIP, REC_OK, LEN_ZERO, -EINVAL, 0, "payload_length 0" },
	{ "boot protocol 2.06", GZIP, REC_OK, OLD_PROTO, -EINVAL, 0, "boot protocol" },
	{ "not a bzImage", GZIP, REC_OK, NOT_BZ, -EINVAL, 0, "not a bzImage" },
	{ "uncompressed payload: not recognised", RAW, REC_OK, NONE, -EOPNOTSUPP, 0,
	  "not recognised" },
};

static void test_images(void)
{
	static struct ld_formats f;
	unsigned int i;

	for (i = 0; i < sizeof(img_rows) / sizeof(img_rows[0]); i++) {
		const struct img_row *r = &img_rows[i];
		char why[LD_WHY_MAX] = "";
		size_t klen, plen, blen;
		uint8_t *k = mk_kernel(r->record, r->damage == TWO, &klen);
		uint8_t *p = pack(r->comp, k, klen, &plen);
		uint8_t *b;
		int err;
		bool ok;

		if (r->damage == FLIP)
			for (size_t j = plen / 3; j < plen / 3 + 64; j++)
				p[j] ^= 0x5a;
		if (r->damage == CUT_STREAM)
			plen = plen / 2;
		b = mk_bz(p, plen, &blen);
		if (r->damage == CUT_FILE)
			blen -= plen / 2;
		if (r->damage == LEN_ZERO)
			memset(b + 0x24c, 0, 4);
		if (r->damage == OLD_PROTO)
			memcpy(b + 0x206, &(uint16_t){ 0x0206 }, 2);
		if (r->damage == NOT_BZ)
			memset(b + 0x202, 0, 4);
		err = ld_image_formats(b, blen, &f, why, sizeof(why));
		ok = err == r->err && (!err ? f.n == r->n : strstr(why, r->why) != NULL);
		tap(ok, "image: %s (%s; err %d%s%s)", r->name, comp_names[r->comp], err,
		    why[0] ? ": " : "", why);
		free(k);
		free(p);
		free(b);
	}
}

int main(void)
{
	test_parse();
	test_compare();
	test_handover();
	test_images();
	return tap_done();
}
