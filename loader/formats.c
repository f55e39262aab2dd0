// SPDX-License-Identifier: GPL-2.0-only
/*
 * Handover formats: the running kernel's list (/sys/kernel/liveupdate/
 * formats), the target kernel's record, their comparison, and the handover
 * ranges file (/sys/kernel/liveupdate/handover). Pure functions.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "preflight.h"

__attribute__((format(printf, 3, 4)))
static int fail(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Split one line into at most 4 space-separated tokens; -1: bad bytes. */
static int tokens(char *line, char *tok[4])
{
	int n = 0;
	char *p = line;

	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return -1;
	p = line;
	while (*p) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (n == 4)
			return -1;
		tok[n++] = p;
		p += strcspn(p, " ");
		if (*p)
			*p++ = 0;
	}
	return n;
}

static int parse_count(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static int copy_tok(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (!n || n >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/*
 * The entry of kind whose key (a subsystem's name, else the compatible) is
 * key; key NULL: the first of that kind.
 */
static const struct ld_fmt_entry *find(const struct ld_formats *f,
				       enum ld_fmt_kind kind, const char *key)
{
	unsigned int i;

	for (i = 0; i < f->n; i++) {
		const struct ld_fmt_entry *e = &f->ent[i];

		if (e->kind != kind)
			continue;
		if (!key || !strcmp(kind == LD_FMT_SUBSYSTEM ? e->name : e->compat, key))
			return e;
	}
	return NULL;
}

static const char *key_of(const struct ld_fmt_entry *e)
{
	return e->kind == LD_FMT_SUBSYSTEM ? e->name : e->compat;
}

int ld_fmt_parse(const char *text, size_t len, bool record,
		 struct ld_formats *f, char *why, size_t whysize)
{
	const char *what = record ? "record" : "formats";
	size_t off = 0, mlen = strlen(LD_FMT_MAGIC);
	unsigned int lineno = 0;
	bool ended = false;
	char line[LD_FMT_NAME_MAX + LD_FMT_COMPAT_MAX + 64];

	memset(f, 0, sizeof(*f));
	if (len > LD_FMT_MAX_TEXT)
		return fail(why, whysize, "%s: longer than %u bytes", what, LD_FMT_MAX_TEXT);
	if (record) {
		if (len < mlen || memcmp(text, LD_FMT_MAGIC, mlen))
			return fail(why, whysize, "record: no %.14s magic", LD_FMT_MAGIC);
		off = mlen;
		lineno = 1;
	}
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
		struct ld_fmt_entry e = { 0 };
		char *tok[4];
		int n;

		lineno++;
		if (ended)
			return fail(why, whysize, "%s line %u: text after \"end\"", what, lineno);
		if (!nl && record)
			return fail(why, whysize, "record line %u: not terminated", lineno);
		if (l >= sizeof(line))
			return fail(why, whysize, "%s line %u: too long", what, lineno);
		memcpy(line, text + off, l);
		line[l] = 0;
		off += l + (nl ? 1 : 0);
		n = tokens(line, tok);
		if (n < 0)
			return fail(why, whysize, "%s line %u: bad bytes or too many words",
				    what, lineno);
		if (n == 0)
			return fail(why, whysize, "%s line %u: empty", what, lineno);
		if (record && n == 1 && !strcmp(tok[0], "end")) {
			ended = true;
			continue;
		}
		if (!record && n == 2 && !strcmp(tok[0], "sessions")) {
			if (f->has_sessions || parse_count(tok[1], &f->sessions))
				return fail(why, whysize, "formats line %u: bad or repeated "
					    "\"sessions\"", lineno);
			f->has_sessions = true;
			continue;
		}
		if (n == 2 && (!strcmp(tok[0], "kho") || !strcmp(tok[0], "luo"))) {
			e.kind = tok[0][0] == 'k' ? LD_FMT_KHO : LD_FMT_LUO;
			if (copy_tok(e.compat, sizeof(e.compat), tok[1]))
				return fail(why, whysize, "%s line %u: compatible too long",
					    what, lineno);
		} else if (n == 3 && !strcmp(tok[0], "subsystem")) {
			e.kind = LD_FMT_SUBSYSTEM;
			if (copy_tok(e.name, sizeof(e.name), tok[1]) ||
			    copy_tok(e.compat, sizeof(e.compat), tok[2]))
				return fail(why, whysize, "%s line %u: name or compatible too long",
					    what, lineno);
		} else if (!strcmp(tok[0], "file") && n == (record ? 2 : 3)) {
			e.kind = LD_FMT_FILE;
			if (copy_tok(e.compat, sizeof(e.compat), tok[1]))
				return fail(why, whysize, "%s line %u: compatible too long",
					    what, lineno);
			if (!record && parse_count(tok[2], &e.count))
				return fail(why, whysize, "%s line %u: bad file count \"%s\"",
					    what, lineno, tok[2]);
		} else {
			return fail(why, whysize, "%s line %u: unknown line \"%s\"",
				    what, lineno, tok[0]);
		}
		/* What is handed over has one KHO root and one LUO. */
		if (find(f, e.kind, !record && (e.kind == LD_FMT_KHO || e.kind == LD_FMT_LUO) ?
			 NULL : key_of(&e)))
			return fail(why, whysize, "%s line %u: %s given twice", what, lineno,
				    tok[0]);
		if (f->n == LD_FMT_MAX_ENTRIES)
			return fail(why, whysize, "%s: more than %u entries", what,
				    LD_FMT_MAX_ENTRIES);
		f->ent[f->n++] = e;
	}
	if (record && !ended)
		return fail(why, whysize, "record: no \"end\" line");
	return 0;
}

uint64_t ld_fmt_files(const struct ld_formats *run)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < run->n; i++)
		if (run->ent[i].kind == LD_FMT_FILE)
			n += run->ent[i].count;
	return n;
}

int ld_fmt_from_luo_blob(const void *blob, size_t len, struct ld_formats *f,
			 char *why, size_t whysize)
{
	const char *b = blob, *nul;
	struct ld_fmt_entry *e;
	size_t n;

	memset(f, 0, sizeof(*f));
	nul = len ? memchr(b, 0, len < LD_FMT_COMPAT_MAX ? len : LD_FMT_COMPAT_MAX) : NULL;
	if (!nul)
		return fail(why, whysize, "%zu bytes, no NUL-terminated compatible in the "
			    "first %u", len, LD_FMT_COMPAT_MAX);
	n = (size_t)(nul - b);
	if (!n)
		return fail(why, whysize, "empty compatible");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)b[i] <= 0x20 || (unsigned char)b[i] > 0x7e)
			return fail(why, whysize, "compatible with byte 0x%02x at %zu: not a "
				    "LUO header", (unsigned char)b[i], i);
	f->ent[0] = (struct ld_fmt_entry){ .kind = LD_FMT_KHO };
	memcpy(f->ent[0].compat, HO_KHO_COMPATIBLE, sizeof(HO_KHO_COMPATIBLE));
	e = &f->ent[1];
	*e = (struct ld_fmt_entry){ .kind = LD_FMT_LUO };
	memcpy(e->compat, b, n + 1);
	f->n = 2;
	if (!strcmp(e->compat, HO_LUO_V5_COMPATIBLE)) {
		e = &f->ent[f->n++];
		*e = (struct ld_fmt_entry){ .kind = LD_FMT_FILE, .maybe = true };
		memcpy(e->compat, HO_MEMFD_V2_COMPATIBLE, sizeof(HO_MEMFD_V2_COMPATIBLE));
	}
	return 0;
}

unsigned int ld_fmt_scan(const void *buf, size_t len, const struct ld_formats *want,
			 struct ld_formats *found)
{
	unsigned int i, j, looked = 0, n = 0;

	for (i = 0; i < want->n && found->n < LD_FMT_MAX_ENTRIES; i++) {
		const struct ld_fmt_entry *w = &want->ent[i];
		struct ld_fmt_entry *e;
		bool seen = false, dup = false;

		/* A compatible asked for twice is looked for once. */
		for (j = 0; j < i && !dup; j++)
			dup = !strcmp(want->ent[j].compat, w->compat);
		if (dup) {
			for (j = 0; j < found->n && !seen; j++)
				seen = !strcmp(found->ent[j].compat, w->compat);
		} else if (looked < LD_FMT_SCAN_MAX) {
			looked++;
			/* with its NUL: a longer string does not match */
			seen = buf && memmem(buf, len, w->compat, strlen(w->compat) + 1);
		}
		if (!seen)
			continue;
		e = &found->ent[found->n++];
		*e = (struct ld_fmt_entry){ .kind = w->kind };
		memcpy(e->name, w->name, sizeof(e->name));
		memcpy(e->compat, w->compat, sizeof(e->compat));
		n++;
	}
	return n;
}

static const char *const kind_names[] = {
	[LD_FMT_KHO] = "kho", [LD_FMT_LUO] = "luo",
	[LD_FMT_SUBSYSTEM] = "subsystem", [LD_FMT_FILE] = "file",
};

/* "kho", "luo", "subsystem files", "file": the compare's first column */
static void label_of(const struct ld_fmt_entry *e, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", kind_names[e->kind],
		 e->kind == LD_FMT_SUBSYSTEM ? " " : "",
		 e->kind == LD_FMT_SUBSYSTEM ? e->name : "");
}

/* A file format matters only with preserved files (or maybe some). */
static bool needed(const struct ld_fmt_entry *e)
{
	return e->kind != LD_FMT_FILE || e->count || e->maybe;
}

/* The rule: tgt lacks e, or reads it in another version, and e is needed. */
static bool lacking(const struct ld_fmt_entry *e, const struct ld_formats *tgt)
{
	const struct ld_fmt_entry *t = find(tgt, e->kind, key_of(e));

	return needed(e) && !(t && !strcmp(t->compat, e->compat));
}

unsigned int ld_fmt_compare(const struct ld_formats *run,
			    const struct ld_formats *tgt, FILE *out,
			    const char *prefix)
{
	unsigned int i, bad = 0;

	if (out)
		fprintf(out, "%s%-22s %-26s %-26s %s\n", prefix, "format",
			"running kernel hands over", "target kernel reads", "verdict");
	for (i = 0; i < run->n; i++) {
		const struct ld_fmt_entry *e = &run->ent[i];
		const struct ld_fmt_entry *t = tgt ? find(tgt, e->kind, key_of(e)) : NULL;
		bool lacks = tgt && lacking(e, tgt);
		char label[LD_FMT_NAME_MAX + 16], have[LD_FMT_COMPAT_MAX + 32];
		const char *verdict;

		/* KHO root, LUO: another version the target reads, to show */
		if (tgt && !t && (e->kind == LD_FMT_KHO || e->kind == LD_FMT_LUO))
			t = find(tgt, e->kind, NULL);
		label_of(e, label, sizeof(label));
		if (e->kind == LD_FMT_FILE && e->maybe)
			snprintf(have, sizeof(have), "%s (? preserved)", e->compat);
		else if (e->kind == LD_FMT_FILE)
			snprintf(have, sizeof(have), "%s (%" PRIu64 " preserved)",
				 e->compat, e->count);
		else
			snprintf(have, sizeof(have), "%s", e->compat);
		if (!tgt)
			verdict = needed(e) ? "unknown" : "not needed";
		else if (lacks)
			verdict = t ? "MISMATCH" : "MISSING";
		else
			verdict = t && !strcmp(t->compat, e->compat) ? "ok" : "not needed";
		bad += lacks;
		if (out)
			fprintf(out, "%s%-22s %-26s %-26s %s\n", prefix, label, have,
				!tgt ? "?" : t ? t->compat : "-", verdict);
	}
	/* What the target reads and nothing here hands over: for the record. */
	for (i = 0; out && tgt && i < tgt->n; i++) {
		const struct ld_fmt_entry *t = &tgt->ent[i];
		char label[LD_FMT_NAME_MAX + 16];

		if (find(run, t->kind, key_of(t)))
			continue;
		label_of(t, label, sizeof(label));
		fprintf(out, "%s%-22s %-26s %-26s %s\n", prefix, label, "-", t->compat,
			"not needed");
	}
	return bad;
}

void ld_fmt_missing(const struct ld_formats *run, const struct ld_formats *tgt,
		    char *buf, size_t size)
{
	size_t used = 0;
	unsigned int i;

	if (size)
		buf[0] = 0;
	for (i = 0; i < run->n && used < size; i++) {
		const struct ld_fmt_entry *e = &run->ent[i];

		if (!lacking(e, tgt))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s %s%s%s",
					 used ? ", " : "", kind_names[e->kind], e->compat,
					 e->kind == LD_FMT_SUBSYSTEM ? " of " : "",
					 e->kind == LD_FMT_SUBSYSTEM ? e->name : "");
	}
}

int ld_fmt_find(const void *buf, size_t len, struct ld_formats *f,
		char *why, size_t whysize)
{
	const uint8_t *p = buf, *m, *again, *nul;
	const struct ld_formats *want = f->scan_for;
	size_t mlen = strlen(LD_FMT_MAGIC), max;
	int err;

	memset(f, 0, sizeof(*f));
	f->scan_for = want;
	m = memmem(p, len, LD_FMT_MAGIC, mlen);
	if (!m) {
		ld_kernel_scan(buf, len, &f->kid);
		if (want) {
			ld_fmt_scan(buf, len, want, f);
			f->scanned = true;
		}
		snprintf(why, whysize, "no %.14s record", LD_FMT_MAGIC);
		return -ENOENT;
	}
	/* The kernel spells the magic once: a second one makes it ambiguous. */
	again = memmem(m + 1, len - (size_t)(m + 1 - p), LD_FMT_MAGIC, mlen);
	if (again)
		return fail(why, whysize, "%.14s twice (offsets %zu and %zu): ambiguous",
			    LD_FMT_MAGIC, (size_t)(m - p), (size_t)(again - p));
	max = len - (size_t)(m - p);
	if (max > LD_FMT_MAX_TEXT + 1)
		max = LD_FMT_MAX_TEXT + 1;
	nul = memchr(m, 0, max);
	if (!nul)
		return fail(why, whysize, "record at offset %zu: no NUL within %u bytes",
			    (size_t)(m - p), LD_FMT_MAX_TEXT);
	err = ld_fmt_parse((const char *)m, (size_t)(nul - m), true, f, why, whysize);
	ld_kernel_scan(buf, len, &f->kid);
	return err;
}

/* ---- who a kernel is ----------------------------------------------------- */

#define NT_GNU_BUILD_ID_TYPE	3
#define BANNER			"Linux version "

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

void ld_kernel_scan(const void *buf, size_t len, struct ld_kernel_id *k)
{
	const uint8_t *b = buf, *p, *end = b + len;
	size_t blen = strlen(BANNER);

	memset(k, 0, sizeof(*k));
	/* An ELF note: namesz 4, descsz, type 3, "GNU\0", desc (4-aligned). */
	for (p = b; p < end && (p = memmem(p, (size_t)(end - p), "GNU", 4)); p += 4) {
		size_t off = (size_t)(p - b);
		uint32_t descsz;

		if (off < 12 || off % 4 || rd32(p - 12) != 4 ||
		    rd32(p - 4) != NT_GNU_BUILD_ID_TYPE)
			continue;
		descsz = rd32(p - 8);
		if (!descsz || descsz > LD_BUILD_ID_MAX || descsz > (size_t)(end - p) - 4)
			continue;
		if (k->nids == LD_KERNEL_MAX_IDS)
			break;
		k->ids[k->nids].len = (uint8_t)descsz;
		memcpy(k->ids[k->nids].id, p + 4, descsz);
		k->nids++;
	}
	/* "Linux version 7.3.4 (luo@build) ...": the release up to the space */
	p = len >= blen ? memmem(b, len, BANNER, blen) : NULL;
	if (p) {
		const uint8_t *r = p + blen, *q = r;

		while (q < end && q - r < LD_RELEASE_MAX - 1 && *q > ' ' && *q < 0x7f)
			q++;
		if (q < end && *q == ' ' && q > r) {
			memcpy(k->release, r, (size_t)(q - r));
			k->release[q - r] = 0;
		}
	}
}

bool ld_kernel_same_build(const struct ld_kernel_id *run,
			  const struct ld_kernel_id *tgt)
{
	unsigned int i;

	if (!run->nids)
		return false;
	for (i = 0; i < tgt->nids; i++)
		if (tgt->ids[i].len == run->ids[0].len &&
		    !memcmp(tgt->ids[i].id, run->ids[0].id, run->ids[0].len))
			return true;
	return false;
}

void ld_build_id_hex(const struct ld_build_id *id, char *buf, size_t size)
{
	size_t i, used = 0;

	if (size)
		buf[0] = 0;
	for (i = 0; i < id->len && used + 2 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%02x", id->id[i]);
}

int ld_handover_parse(const char *text, size_t len, struct ld_handover_text *h,
		      char *why, size_t whysize)
{
	size_t off = 0;
	unsigned int lineno = 0;
	bool have_fdt = false;
	uint32_t cap = 0;

	memset(h, 0, sizeof(*h));
	if (len > LD_FMT_MAX_TEXT)
		return fail(why, whysize, "longer than %u bytes", LD_FMT_MAX_TEXT);
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
		char line[128], *tok[4];
		uint64_t a, s;
		int n;

		lineno++;
		if (l >= sizeof(line))
			goto bad;
		memcpy(line, text + off, l);
		line[l] = 0;
		off += l + (nl ? 1 : 0);
		n = tokens(line, tok);
		if (n != 3 || strncmp(tok[1], "0x", 2) || strncmp(tok[2], "0x", 2) ||
		    parse_count(tok[1], &a) || parse_count(tok[2], &s))
			goto bad;
		if (!strcmp(tok[0], "fdt")) {
			if (have_fdt)
				goto bad;
			have_fdt = true;
			h->fdt_addr = a;
			h->fdt_size = s;
		} else if (!strcmp(tok[0], "scratch")) {
			if (h->nscratch == LD_HANDOVER_MAX_SCRATCH) {
				free(h->scratch);
				h->scratch = NULL;
				return fail(why, whysize, "more than %u scratch ranges",
					    LD_HANDOVER_MAX_SCRATCH);
			}
			if (h->nscratch == cap) {
				struct ho_scratch *ns = realloc(h->scratch,
					(cap = cap ? 2 * cap : 8) * sizeof(*ns));

				if (!ns) {
					free(h->scratch);
					h->scratch = NULL;
					return -ENOMEM;
				}
				h->scratch = ns;
			}
			h->scratch[h->nscratch].addr = a;
			h->scratch[h->nscratch].size = s;
			h->nscratch++;
		} else {
			goto bad;
		}
	}
	if (!have_fdt || !h->nscratch) {
		free(h->scratch);
		h->scratch = NULL;
		h->nscratch = 0;
		return fail(why, whysize, "no %s line", have_fdt ? "scratch" : "fdt");
	}
	return 0;
bad:
	free(h->scratch);
	h->scratch = NULL;
	h->nscratch = 0;
	return fail(why, whysize, "line %u: not \"fdt|scratch 0x<addr> 0x<size>\"", lineno);
}

/* "0x<hex>\n", nothing else */
static int parse_hex_file(const char *text, size_t len, uint64_t *v)
{
	char buf[24];

	if (len && text[len - 1] == '\n')
		len--;
	if (len < 3 || len >= sizeof(buf))
		return -1;
	memcpy(buf, text, len);
	buf[len] = 0;
	if (strncmp(buf, "0x", 2) || strspn(buf + 2, "0123456789abcdefABCDEF") != len - 2)
		return -1;
	return parse_count(buf, v);
}

int ld_kho_sysfs_parse(const char *phys, size_t phys_len, const char *flen,
		       size_t flen_len, const void *scratch, size_t scratch_len,
		       struct ld_handover_text *h, char *why, size_t whysize)
{
	size_t n = scratch_len / sizeof(struct ho_scratch);

	memset(h, 0, sizeof(*h));
	if (parse_hex_file(phys, phys_len, &h->fdt_addr))
		return fail(why, whysize, "fdt_phys: not \"0x<hex>\"");
	if (parse_hex_file(flen, flen_len, &h->fdt_size))
		return fail(why, whysize, "fdt_len: not \"0x<hex>\"");
	if (!h->fdt_size || !ho_range_ok(h->fdt_addr, h->fdt_size))
		return fail(why, whysize, "fdt 0x%" PRIx64 " + 0x%" PRIx64 ": empty or wraps",
			    h->fdt_addr, h->fdt_size);
	if (scratch_len % sizeof(struct ho_scratch) || !n)
		return fail(why, whysize, "scratch: %zu bytes, not a whole number of "
			    "16-byte ranges (at least one)", scratch_len);
	if (n > LD_HANDOVER_MAX_SCRATCH)
		return fail(why, whysize, "scratch: more than %u ranges",
			    LD_HANDOVER_MAX_SCRATCH);
	h->scratch = malloc(n * sizeof(*h->scratch));
	if (!h->scratch)
		return -ENOMEM;
	memcpy(h->scratch, scratch, n * sizeof(*h->scratch));
	h->nscratch = (uint32_t)n;
	return 0;
}
