// SPDX-License-Identifier: GPL-2.0-only
/*
 * SHA-256: every implementation (ho/sha256.h) against the FIPS 180-4
 * examples and against the generic C one on the same inputs: every length
 * 0..300 at every alignment 0..15, 1 MiB, and every way of splitting the
 * input over two or many updates. Rows for an implementation the CPU lacks
 * print "# SKIP". TAP, one line per row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ho/sha256.h"
#include "tap.h"

#define BIG	(1u << 20)

static const enum ho_sha256_impl impls[] = { HO_SHA256_C, HO_SHA256_NI };

static void hex(const uint8_t *d, char *out)
{
	int i;

	for (i = 0; i < HO_SHA256_SIZE; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Hash p[0..len) with impl, fed in pieces of size step (0: one update). */
static enum ho_sha256_impl hash(enum ho_sha256_impl impl, const uint8_t *p,
				size_t len, size_t step, uint8_t *out)
{
	struct ho_sha256 s;
	enum ho_sha256_impl got = ho_sha256_init_impl(&s, impl);
	size_t n;

	if (!step)
		step = len ? len : 1;
	for (; len; p += n, len -= n) {
		n = len < step ? len : step;
		ho_sha256_update(&s, p, n);
	}
	ho_sha256_final(&s, out);
	return got;
}

static uint8_t *pattern(size_t len, uint32_t seed)
{
	uint8_t *p = malloc(len + 64);
	size_t i;

	for (i = 0; i < len + 64; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
	return p;
}

/* ---- known answers ------------------------------------------------------ */

struct kat {
	const char *name, *msg;
	size_t repeat;		/* msg repeated this many times */
	const char *digest;
};

static const struct kat kats[] = {
	{ "empty", "", 1,
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "\"abc\"", "abc", 1,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "448-bit message (two blocks of padding)",
	  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "896-bit message",
	  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 1,
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "one million 'a'", "a", 1000000,
	  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

static void test_kats(void)
{
	size_t i, j, k, len;
	uint8_t *buf, d[HO_SHA256_SIZE];
	char h[2 * HO_SHA256_SIZE + 1];

	for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const struct kat *t = &kats[i];

		len = strlen(t->msg) * t->repeat;
		buf = malloc(len + 1);
		for (k = 0; k < t->repeat; k++)
			memcpy(buf + k * strlen(t->msg), t->msg, strlen(t->msg));
		for (j = 0; j < sizeof(impls) / sizeof(impls[0]); j++) {
			const char *n = ho_sha256_name(impls[j]);

			if (!ho_sha256_have(impls[j])) {
				tap(true, "kat %s: %s # SKIP CPU lacks it", n, t->name);
				continue;
			}
			hash(impls[j], buf, len, 0, d);
			hex(d, h);
			tap(!strcmp(h, t->digest), "kat %s: %s", n, t->name);
		}
		free(buf);
	}
}

/* ---- every implementation against C ------------------------------------- */

enum row_kind { LENGTHS, BIG_BUF, SPLIT2, CHUNKS, CHANGED };

struct row {
	const char *name;
	enum row_kind kind;
	size_t align;		/* buffer offset from 64-byte alignment */
};

static const struct row rows[] = {
	{ "lengths 0..300, aligned", LENGTHS, 0 },
	{ "lengths 0..300, offsets 1..15 (unaligned)", LENGTHS, 1 },
	{ "1 MiB, aligned", BIG_BUF, 0 },
	{ "1 MiB at offset 3", BIG_BUF, 3 },
	{ "300 bytes split in two at every point 0..300", SPLIT2, 0 },
	{ "300 bytes at offset 7 split in two at every point", SPLIT2, 7 },
	{ "1 MiB in pieces of 1..130 and 4095 bytes", CHUNKS, 5 },
	{ "one byte changed: every implementation's digest changes", CHANGED, 0 },
};

/* impl and C agree on p[0..len) fed in step pieces. */
static bool same(enum ho_sha256_impl impl, const uint8_t *p, size_t len,
		 size_t step)
{
	uint8_t a[HO_SHA256_SIZE], b[HO_SHA256_SIZE];

	hash(HO_SHA256_C, p, len, 0, a);
	return hash(impl, p, len, step, b) == impl && !memcmp(a, b, sizeof(a));
}

static bool split2(enum ho_sha256_impl impl, const uint8_t *p, size_t len)
{
	uint8_t a[HO_SHA256_SIZE], b[HO_SHA256_SIZE];
	struct ho_sha256 s;
	size_t cut;

	hash(HO_SHA256_C, p, len, 0, a);
	for (cut = 0; cut <= len; cut++) {
		ho_sha256_init_impl(&s, impl);
		ho_sha256_update(&s, p, cut);
		ho_sha256_update(&s, p + cut, len - cut);
		ho_sha256_final(&s, b);
		if (memcmp(a, b, sizeof(a)))
			return false;
	}
	return true;
}

static bool run_row(const struct row *r, enum ho_sha256_impl impl)
{
	uint8_t *buf = pattern(BIG, (uint32_t)r->kind * 77 + 1);
	uint8_t a[HO_SHA256_SIZE], b[HO_SHA256_SIZE];
	static const size_t steps[] = { 1, 2, 3, 7, 31, 63, 64, 65, 127, 130, 4095 };
	bool ok = true;
	size_t len, off, i;

	switch (r->kind) {
	case LENGTHS:
		for (off = r->align; off < (r->align ? 16 : 1); off++)
			for (len = 0; len <= 300; len++)
				ok &= same(impl, buf + off, len, 0);
		break;
	case BIG_BUF:
		ok = same(impl, buf + r->align, BIG - 64, 0);
		break;
	case SPLIT2:
		ok = split2(impl, buf + r->align, 300);
		break;
	case CHUNKS:
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
			ok &= same(impl, buf + r->align, BIG - 64, steps[i]);
		break;
	case CHANGED:
		for (len = 1; len <= 300 && ok; len += 37) {
			hash(impl, buf, len, 0, a);
			buf[len / 2] ^= 0x40;
			hash(impl, buf, len, 0, b);
			buf[len / 2] ^= 0x40;
			ok = memcmp(a, b, sizeof(a)) != 0;
		}
		break;
	}
	free(buf);
	return ok;
}

static void test_against_c(void)
{
	size_t i, j;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (j = 0; j < sizeof(impls) / sizeof(impls[0]); j++) {
			const char *n = ho_sha256_name(impls[j]);

			if (!ho_sha256_have(impls[j]))
				tap(true, "%s vs c: %s # SKIP CPU lacks it", n,
				    rows[i].name);
			else
				tap(run_row(&rows[i], impls[j]), "%s vs c: %s", n,
				    rows[i].name);
		}
}

/* ---- selection ---------------------------------------------------------- */

/* cpuid as the kernel reports it: /proc/cpuinfo's sha_ni flag. */
static int cpuinfo_sha_ni(void)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			found = strstr(line, " sha_ni") != NULL;
			break;
		}
	fclose(f);
	return found;
}

static void test_select(void)
{
	struct ho_sha256 s;
	int ci = cpuinfo_sha_ni();
	enum ho_sha256_impl a;
	bool have = ho_sha256_have(HO_SHA256_NI);

	if (ci < 0)
		tap(true, "select: cpuid agrees with /proc/cpuinfo # SKIP no flags line");
	else
		tap(have == (ci == 1), "select: cpuid says SHA-NI %s, /proc/cpuinfo sha_ni %s",
		    have ? "yes" : "no", ci ? "yes" : "no");
	a = ho_sha256_init_impl(&s, HO_SHA256_AUTO);
#if __STDC_HOSTED__ && defined(HO_TEST_LIB_HOSTED)
	tap(a == (have ? HO_SHA256_NI : HO_SHA256_C),
	    "select: auto in a hosted library is %s", ho_sha256_name(a));
#else
	tap(a == HO_SHA256_C, "select: auto in the freestanding library is c (got %s)",
	    ho_sha256_name(a));
#endif
	a = ho_sha256_init_impl(&s, HO_SHA256_NI);
	tap(a == (have ? HO_SHA256_NI : HO_SHA256_C) && s.impl == a,
	    "select: asking for ni gives %s", ho_sha256_name(a));
	tap(ho_sha256_init_impl(&s, HO_SHA256_C) == HO_SHA256_C &&
	    ho_sha256_init_impl(&s, (enum ho_sha256_impl)99) == HO_SHA256_C &&
	    !strcmp(ho_sha256_name((enum ho_sha256_impl)99), "?"),
	    "select: c, and an unknown value falls back to c");
}

int main(void)
{
	printf("# SHA-NI on this CPU: %s\n", ho_sha256_have(HO_SHA256_NI) ? "yes" : "no");
	test_kats();
	test_against_c();
	test_select();
	return tap_done();
}
