// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of luo-kexec's pre-flight (loader/preflight.h), table-
 * driven, TAP: the running kernel's formats file and the target's record
 * (parse), their comparison, the handover ranges file, and synthetic
 * bzImages whose payload (gzip, xz, lzma, zstd) carries a record, none,
 * a damaged one, or is itself corrupt or truncated; Linux's own LUO (no
 * formats file, no record): what its KHO blob names, and the compatibles
 * looked for in a target's decoded image.
 */
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <zstd.h>

#include "preflight.h"
#include "tap.h"

/* ---- formats and records ---------------------------------------------- */

#define RUN_OK "kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\n" \
	"subsystem selftest luo-selftest-v1\nfile memfd-rfc-v2 2\nsessions 1\n"
#define REC_OK LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\n" \
	"subsystem selftest luo-selftest-v1\nfile memfd-rfc-v2\nend\n"

struct parse_row {
	const char *name, *text;
	bool record;
	int err;
	unsigned int n;
	uint64_t sessions, files;
};

static const struct parse_row parse_rows[] = {
	{ "formats: ours", RUN_OK, false, 0, 5, 1, 2 },
	{ "formats: nothing preserved", "kho kho-v4\nluo luo-rfc-v1\nfile memfd-rfc-v2 0\nsessions 0\n",
	  false, 0, 3, 0, 0 },
	{ "formats: hex count", "file a-v1 0x10\nfile b-v1 1\n", false, 0, 2, 0, 17 },
	{ "formats: no trailing newline", "kho kho-v4", false, 0, 1, 0, 0 },
	{ "formats: empty file", "", false, 0, 0, 0, 0 },
	{ "formats: file without count", "file memfd-rfc-v2\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: negative count", "file memfd-rfc-v2 -1\n", false, -EINVAL, 0, 0, 0 },
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
	{ "record: file with a count", LD_FMT_MAGIC "file memfd-rfc-v2 2\nend\n", true, -EINVAL, 0, 0, 0 },
	{ "record: sessions line", LD_FMT_MAGIC "sessions 1\nend\n", true, -EINVAL, 0, 0, 0 },
	{ "record: unterminated last line", LD_FMT_MAGIC "kho kho-v4\nend", true, -EINVAL, 0, 0, 0 },
	{ "record: two LUO versions read", LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nluo luo-v5\n"
	  "file memfd-rfc-v2\nfile memfd-v2\nend\n", true, 0, 5, 0, 0 },
	{ "record: one LUO version twice", LD_FMT_MAGIC "luo luo-v5\nluo luo-v5\nend\n", true,
	  -EINVAL, 0, 0, 0 },
	{ "formats: two LUOs handed over", "luo luo-rfc-v1\nluo luo-v5\n", false, -EINVAL, 0, 0, 0 },
	{ "formats: upstream LUO", "kho kho-v4\nluo luo-v5\nfile memfd-v2 3\nsessions 2\n", false,
	  0, 3, 2, 3 },
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
	{ "same formats", RUN_OK, REC_OK, 0, "memfd-rfc-v2 (2 preserved)" },
	{ "bumped LUO compatible", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v2\nsubsystem files luo-files-v1\n"
	  "subsystem selftest luo-selftest-v1\nfile memfd-rfc-v2\nend\n", 1, "luo-rfc-v2" },
	{ "no memfd handler, memfds preserved", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\n"
	  "subsystem selftest luo-selftest-v1\nend\n", 1, "MISSING" },
	{ "no memfd handler, none preserved",
	  "kho kho-v4\nluo luo-rfc-v1\nfile memfd-rfc-v2 0\nsessions 0\n",
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nend\n", 0, "not needed" },
	{ "other KHO version", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v5\nluo luo-rfc-v1\nsubsystem files luo-files-v1\n"
	  "subsystem selftest luo-selftest-v1\nfile memfd-rfc-v2\nend\n", 1, "kho-v5" },
	{ "subsystem in another version", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v2\n"
	  "subsystem selftest luo-selftest-v1\nfile memfd-rfc-v2\nend\n", 1, "MISMATCH" },
	{ "subsystem missing and LUO bumped", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v2\nsubsystem files luo-files-v1\n"
	  "file memfd-rfc-v2\nend\n", 2, "selftest" },
	{ "target reads more than is handed over", "kho kho-v4\nluo luo-rfc-v1\n",
	  REC_OK, 0, "subsystem files" },
	{ "file handler in another version", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nsubsystem files luo-files-v1\n"
	  "subsystem selftest luo-selftest-v1\nfile memfd-rfc-v3\nend\n", 1, "memfd-rfc-v3" },
	{ "target unknown", RUN_OK, NULL, 0, "unknown" },
	{ "luo-v5 handed over, target reads both LUOs",
	  "kho kho-v4\nluo luo-v5\nfile memfd-v2 1\nsessions 1\n",
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nluo luo-v5\nfile memfd-rfc-v2\nfile memfd-v2\nend\n",
	  0, "memfd-v2 (1 preserved)" },
	{ "luo-v5 handed over, target reads luo-rfc-v1 only",
	  "kho kho-v4\nluo luo-v5\nfile memfd-v2 1\nsessions 1\n",
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nfile memfd-rfc-v2\nend\n", 2, "MISMATCH" },
	{ "luo-rfc-v1 handed over, target reads both: luo-v5 not needed", RUN_OK,
	  LD_FMT_MAGIC "kho kho-v4\nluo luo-rfc-v1\nluo luo-v5\nsubsystem files luo-files-v1\n"
	  "subsystem selftest luo-selftest-v1\nfile memfd-rfc-v2\nend\n", 0, "not needed" },
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

/* ---- /sys/kernel/kho/out (the KHO patch) -------------------------------- */

struct khos_row {
	const char *name, *phys, *flen;
	unsigned int nranges;		/* 16-byte ranges in the scratch file */
	size_t extra;			/* bytes after them */
	int err;
	const char *why;
};

static const struct khos_row khos_rows[] = {
	{ "fdt and three ranges", "0x3000000\n", "0x1000\n", 3, 0, 0, NULL },
	{ "no newline", "0x3000000", "0x1000", 1, 0, 0, NULL },
	{ "scratch not whole ranges", "0x3000000\n", "0x1000\n", 2, 8, -EINVAL, "16-byte" },
	{ "scratch empty", "0x3000000\n", "0x1000\n", 0, 0, -EINVAL, "at least one" },
	{ "too many ranges", "0x3000000\n", "0x1000\n", LD_HANDOVER_MAX_SCRATCH + 1, 0,
	  -EINVAL, "more than" },
	{ "decimal fdt_phys", "50331648\n", "0x1000\n", 1, 0, -EINVAL, "fdt_phys" },
	{ "fdt_phys with junk", "0x3000000 x\n", "0x1000\n", 1, 0, -EINVAL, "fdt_phys" },
	{ "fdt_len empty", "0x3000000\n", "", 1, 0, -EINVAL, "fdt_len" },
	{ "fdt_len 0", "0x3000000\n", "0x0\n", 1, 0, -EINVAL, "empty or wraps" },
	{ "fdt wraps", "0xfffffffffffff000\n", "0x2000\n", 1, 0, -EINVAL, "wraps" },
	{ "fdt_phys over 64 bits", "0x10000000000000000\n", "0x1000\n", 1, 0, -EINVAL, "fdt_phys" },
};

static void test_kho_sysfs(void)
{
	unsigned int i, j;

	for (i = 0; i < sizeof(khos_rows) / sizeof(khos_rows[0]); i++) {
		const struct khos_row *r = &khos_rows[i];
		size_t slen = r->nranges * sizeof(struct ho_scratch) + r->extra;
		struct ho_scratch *sc = calloc(1, slen + 16);
		struct ld_handover_text h;
		char why[LD_WHY_MAX] = "";
		int err;
		bool ok;

		for (j = 0; j < r->nranges; j++)
			sc[j] = (struct ho_scratch){ (uint64_t)(j + 1) << 28, 0x1000000 };
		err = ld_kho_sysfs_parse(r->phys, strlen(r->phys), r->flen, strlen(r->flen),
					 sc, slen, &h, why, sizeof(why));
		ok = err == r->err;
		if (ok && !err)
			ok = h.fdt_addr == 0x3000000 && h.fdt_size == 0x1000 &&
				h.nscratch == r->nranges &&
				!memcmp(h.scratch, sc, r->nranges * sizeof(*sc));
		if (ok && err)
			ok = !h.scratch && strstr(why, r->why);
		tap(ok, "kho sysfs: %s (err %d%s%s)", r->name, err, why[0] ? ": " : "", why);
		if (!err)
			free(h.scratch);
		free(sc);
	}
}

/* ---- who a kernel is: build-ID notes, banner ----------------------------- */

/* Append an ELF note (namesz 4 "GNU", type) with an id of n bytes of v. */
static size_t put_note(uint8_t *b, size_t off, uint32_t type, uint32_t n, uint8_t v)
{
	uint32_t hdr[3] = { 4, n, type };

	memcpy(b + off, hdr, sizeof(hdr));
	memcpy(b + off + 12, "GNU", 4);
	memset(b + off + 16, v, n);
	return off + 16 + ((n + 3) & ~3u);
}

enum kid_shape { K_ONE, K_VDSO_FIRST, K_MISALIGNED, K_OTHER_TYPE, K_HUGE, K_CUT, K_NONE,
		 K_MANY };

struct kid_row {
	const char *name;
	enum kid_shape shape;
	const char *banner;		/* NULL: none */
	unsigned int nids;
	const char *release;
	bool same;			/* the same build as RUN_ID */
};

static const struct kid_row kid_rows[] = {
	{ "one build ID and a banner", K_ONE, "Linux version 7.3.4 (luo@build) #1", 1, "7.3.4", true },
	{ "the vDSO's ID before the kernel's", K_VDSO_FIRST, NULL, 2, "", true },
	{ "misaligned note: ignored", K_MISALIGNED, NULL, 0, "", false },
	{ "other note type: ignored", K_OTHER_TYPE, NULL, 0, "", false },
	{ "descsz over 64: ignored", K_HUGE, NULL, 0, "", false },
	{ "note cut by the end of the buffer: ignored", K_CUT, NULL, 0, "", false },
	{ "no notes", K_NONE, "Linux version 7.3.4-rc1+ (x@y) #2", 0, "7.3.4-rc1+", false },
	{ "more notes than kept: the first 8", K_MANY, NULL, LD_KERNEL_MAX_IDS, "", false },
	{ "banner without a space after the release", K_ONE, "Linux version 7.3.4", 1, "", true },
};

static void test_kernel_id(void)
{
	static struct ld_kernel_id run, k;
	static uint8_t note[64];
	unsigned int i, j;

	put_note(note, 0, 3, 20, 0xab);
	ld_kernel_scan(note, 36, &run);	/* as /sys/kernel/notes gives it */
	tap(run.nids == 1 && run.ids[0].len == 20 && run.ids[0].id[19] == 0xab,
	    "kernel id: /sys/kernel/notes-like buffer: one 20-byte ID");
	for (i = 0; i < sizeof(kid_rows) / sizeof(kid_rows[0]); i++) {
		const struct kid_row *r = &kid_rows[i];
		size_t n = 1u << 16, off = 4096;
		uint8_t *b = calloc(1, n);
		bool ok;

		switch (r->shape) {
		case K_ONE:
			put_note(b, off, 3, 20, 0xab);
			break;
		case K_VDSO_FIRST:
			off = put_note(b, off, 3, 20, 0x11);
			put_note(b, off + 64, 3, 20, 0xab);
			break;
		case K_MISALIGNED:
			put_note(b, off + 2, 3, 20, 0xab);
			break;
		case K_OTHER_TYPE:
			put_note(b, off, 1, 20, 0xab);
			break;
		case K_HUGE:
			put_note(b, off, 3, 68, 0xab);
			break;
		case K_CUT:
			off = n - 24;
			put_note(b, off, 3, 4, 0xab);
			memcpy(b + off + 4, &(uint32_t){ 20 }, 4);	/* says 20, 8 there */
			break;
		case K_NONE:
			break;
		case K_MANY:
			for (j = 0; j < LD_KERNEL_MAX_IDS + 2; j++)
				off = put_note(b, off, 3, 20, (uint8_t)j);
			break;
		}
		if (r->banner)
			memcpy(b + n / 2, r->banner, strlen(r->banner));
		ld_kernel_scan(b, n, &k);
		ok = k.nids == r->nids && !strcmp(k.release, r->release) &&
			ld_kernel_same_build(&run, &k) == r->same;
		tap(ok, "kernel id: %s (%u IDs, release \"%s\")", r->name, k.nids, k.release);
		free(b);
	}
	memset(&k, 0, sizeof(k));
	tap(!ld_kernel_same_build(&k, &k), "kernel id: no running build ID is never the same build");
	{
		char hex[8];

		ld_build_id_hex(&run.ids[0], hex, sizeof(hex));
		tap(!strcmp(hex, "ababab"), "kernel id: hex cut to the buffer (%s)", hex);
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

/* A bzImage without record still says who it is; one with a record too. */
static void test_image_id(void)
{
	static struct ld_formats f;
	static const char *const recs[] = { NULL, REC_OK };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		char why[LD_WHY_MAX] = "";
		size_t klen, plen, blen;
		uint8_t *k = mk_kernel(recs[i], false, &klen), *p, *b;
		int err;

		put_note(k, 2u << 20, 3, 20, 0xab);
		memcpy(k + (2u << 20) + 64, "Linux version 7.3.4 (luo@build)", 31);
		p = pack(XZ, k, klen, &plen);
		b = mk_bz(p, plen, &blen);
		err = ld_image_formats(b, blen, &f, why, sizeof(why));
		tap(err == (recs[i] ? 0 : -ENOENT) && f.kid.nids == 1 &&
		    !strcmp(f.kid.release, "7.3.4"),
		    "image: %s record: build ID and release found (err %d, %u IDs, \"%s\")",
		    recs[i] ? "with a" : "without", err, f.kid.nids, f.kid.release);
		free(k);
		free(p);
		free(b);
	}
}

/* ---- Linux's own LUO: its KHO blob, compatibles in a target image ------ */

/* struct luo_ser as kernel 7.3 writes it: compatible[8], three u64. */
#define LUO_SER(c) c "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"

struct blob_row {
	const char *name, *blob;
	size_t len;
	int err;
	unsigned int n;			/* entries */
	const char *luo, *why;
};

static const struct blob_row blob_rows[] = {
	{ "luo-v5: kho, luo, memfd-v2 maybe", LUO_SER("luo-v5"), 32, 0, 3, "luo-v5", NULL },
	{ "another LUO version: no file handler known", LUO_SER("luo-v6"), 32, 0, 2, "luo-v6",
	  NULL },
	{ "empty blob", "", 0, -EINVAL, 0, NULL, "no NUL-terminated" },
	{ "no NUL in the blob", "luo-v5xx", 8, -EINVAL, 0, NULL, "no NUL-terminated" },
	{ "empty compatible", LUO_SER(""), 32, -EINVAL, 0, NULL, "empty" },
	{ "control byte", LUO_SER("luo\x01v5"), 32, -EINVAL, 0, NULL, "byte 0x01" },
	{ "space in the compatible", LUO_SER("luo v5"), 32, -EINVAL, 0, NULL, "byte 0x20" },
};

static void test_luo_blob(void)
{
	static struct ld_formats f;
	unsigned int i;

	for (i = 0; i < sizeof(blob_rows) / sizeof(blob_rows[0]); i++) {
		const struct blob_row *r = &blob_rows[i];
		char why[LD_WHY_MAX] = "";
		int err = ld_fmt_from_luo_blob(r->blob, r->len, &f, why, sizeof(why));
		bool ok = err == r->err;

		if (!err)
			ok = ok && f.n == r->n && f.ent[0].kind == LD_FMT_KHO &&
				!strcmp(f.ent[0].compat, "kho-v4") && f.ent[1].kind == LD_FMT_LUO &&
				!strcmp(f.ent[1].compat, r->luo) &&
				(f.n < 3 || (f.ent[2].kind == LD_FMT_FILE && f.ent[2].maybe &&
					     !strcmp(f.ent[2].compat, "memfd-v2")));
		else
			ok = ok && strstr(why, r->why);
		tap(ok, "luo blob: %s (err %d, %u entries%s%s)", r->name, err, err ? 0 : f.n,
		    why[0] ? ": " : "", why);
	}
}

/* A decoded "kernel" of filler with the given strings (each with its NUL
 * unless it is last and cut) at 64 KiB steps. */
static uint8_t *mk_strings(const char *const *strs, bool cut_last, size_t *len)
{
	size_t n = 1u << 20, off = 64u << 10, i;
	uint8_t *k = malloc(n);

	for (i = 0; i < n; i++)
		k[i] = (uint8_t)(((i * 2654435761u) >> 13) | 0x80);	/* never NUL or ASCII */
	for (i = 0; strs[i]; i++, off += 64u << 10)
		memcpy(k + off, strs[i], strlen(strs[i]) + 1);
	if (cut_last && i) {
		size_t l = strlen(strs[i - 1]);

		/* the last string ends the buffer, without its NUL */
		memmove(k + n - l, strs[i - 1], l);
		memset(k + off - (64u << 10), 0x80, l + 1);
	}
	*len = n;
	return k;
}

struct scan_row {
	const char *name;
	const char *strs[5];
	bool cut_last;
	unsigned int found, bad;
	const char *line;		/* in the comparison table */
};

static const struct scan_row scan_rows[] = {
	{ "every compatible found", { "kho-v4", "luo-v5", "memfd-v2", NULL }, false, 3, 0,
	  "memfd-v2 (? preserved)" },
	{ "LUO missing", { "kho-v4", "memfd-v2", NULL }, false, 2, 1, "MISSING" },
	{ "memfd handler missing", { "kho-v4", "luo-v5", NULL }, false, 2, 1, "MISSING" },
	{ "a longer string is not the compatible", { "kho-v4", "luo-v5x", "memfd-v2", NULL },
	  false, 2, 1, "MISSING" },
	{ "a longer string for the file handler", { "kho-v4", "luo-v5", "memfd-v23", NULL },
	  false, 2, 1, "MISSING" },
	{ "unterminated at the end of the image", { "kho-v4", "memfd-v2", "luo-v5", NULL },
	  true, 2, 1, "MISSING" },
	{ "a merged string tail matches", { "kho-v4", "xluo-v5", "memfd-v2", NULL }, false, 3, 0,
	  "ok" },
	{ "nothing there", { NULL }, false, 0, 3, "MISSING" },
};

static void test_scan(void)
{
	static struct ld_formats run, tgt;
	char why[LD_WHY_MAX] = "";
	unsigned int i;

	ld_fmt_from_luo_blob(LUO_SER("luo-v5"), 32, &run, why, sizeof(why));
	for (i = 0; i < sizeof(scan_rows) / sizeof(scan_rows[0]); i++) {
		const struct scan_row *r = &scan_rows[i];
		char *buf = NULL;
		size_t klen, blen = 0;
		uint8_t *k = mk_strings(r->strs, r->cut_last, &klen);
		FILE *out = open_memstream(&buf, &blen);
		unsigned int found, bad;

		memset(&tgt, 0, sizeof(tgt));
		found = ld_fmt_scan(k, klen, &run, &tgt);
		bad = ld_fmt_compare(&run, &tgt, out, "  ");
		fclose(out);
		if (found != r->found || bad != r->bad || !strstr(buf, r->line))
			printf("%s", buf);
		/* a cut row really ends the image with its last string */
		if (r->cut_last) {
			const char *l = r->strs[1] ? r->strs[2] : r->strs[0];

			found += memcmp(k + klen - strlen(l), l, strlen(l)) ? 100 : 0;
		}
		tap(found == r->found && tgt.n == found && bad == r->bad && strstr(buf, r->line),
		    "scan: %s: %u of 3 found, %u missing", r->name, found, bad);
		free(buf);
		free(k);
	}
	memset(&tgt, 0, sizeof(tgt));
	tap(!ld_fmt_scan(NULL, 0, &run, &tgt) && !tgt.n, "scan: an empty image has none");
	/* The limit: at most LD_FMT_SCAN_MAX distinct compatibles looked for. */
	{
		static struct ld_formats many;
		size_t n = 16u << 20;
		uint8_t *k = calloc(1, n);
		struct timespec a, b;
		unsigned int found;
		double s;

		for (i = 0; i < LD_FMT_SCAN_MAX + 8; i++) {
			many.ent[i].kind = LD_FMT_FILE;
			snprintf(many.ent[i].compat, sizeof(many.ent[i].compat), "h%02u-v1", i);
			memcpy(k + n - 8 * (i + 1), many.ent[i].compat,
			       strlen(many.ent[i].compat) + 1);
		}
		many.n = LD_FMT_SCAN_MAX + 8;
		/* the same compatible twice is looked for once, found once */
		many.ent[many.n++] = many.ent[0];
		memset(&tgt, 0, sizeof(tgt));
		clock_gettime(CLOCK_MONOTONIC, &a);
		found = ld_fmt_scan(k, n, &many, &tgt);
		clock_gettime(CLOCK_MONOTONIC, &b);
		s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		tap(found == LD_FMT_SCAN_MAX + 1 && tgt.n == found,
		    "scan: %u compatibles asked, %u looked for (%u found, a repeat once more) "
		    "in 16 MiB in %.3f s", many.n, LD_FMT_SCAN_MAX, found, s);
		tap(s < 10, "scan: %u passes over 16 MiB within 10 s (%.3f s)", LD_FMT_SCAN_MAX, s);
		free(k);
	}
}

/*
 * Through ld_image_formats (a zstd bzImage, as Kbuild builds ours): an
 * upstream-like decoded kernel without record, and a modified copy of it
 * with its LUO compatible patched (the same bytes otherwise); with a
 * record the record wins and nothing is scanned.
 */
static void test_image_scan(void)
{
	static struct ld_formats run, f;
	static const char *const strs[] = { "kho-v4", "luo-v5", "memfd-v2", NULL };
	char why[LD_WHY_MAX] = "";
	unsigned int v;

	ld_fmt_from_luo_blob(LUO_SER("luo-v5"), 32, &run, why, sizeof(why));
	for (v = 0; v < 3; v++) {
		size_t klen, plen, blen;
		uint8_t *k = mk_strings(strs, false, &klen), *p, *b, *at;
		unsigned int bad;
		int err;

		if (v == 1) {	/* the modified copy: luo-v5 -> luo-v9 */
			at = memmem(k, klen, "luo-v5", 7);
			at[5] = '9';
		}
		if (v == 2)
			memcpy(k + 4096, REC_OK, sizeof(REC_OK));
		p = pack(ZSTD, k, klen, &plen);
		b = mk_bz(p, plen, &blen);
		memset(&f, 0, sizeof(f));
		f.scan_for = &run;
		err = ld_image_formats(b, blen, &f, why, sizeof(why));
		bad = ld_fmt_compare(&run, &f, NULL, "");
		if (v == 0)
			tap(err == -ENOENT && f.scanned && f.n == 3 && !bad,
			    "image scan: no record, every compatible in the image (err %d, %u found)",
			    err, f.n);
		else if (v == 1)
			tap(err == -ENOENT && f.scanned && f.n == 2 && bad == 1,
			    "image scan: the copy with luo-v5 patched lacks it (%u found, %u missing)",
			    f.n, bad);
		else
			tap(!err && !f.scanned && f.n == 5 && bad == 2,
			    "image scan: a record wins, nothing scanned (%u entries, luo-v5 and "
			    "memfd-v2 not in it: %u)", f.n, bad);
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
	test_kho_sysfs();
	test_kernel_id();
	test_images();
	test_image_id();
	test_luo_blob();
	test_scan();
	test_image_scan();
	return tap_done();
}
