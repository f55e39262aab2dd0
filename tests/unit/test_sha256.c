// SPDX-License-Identifier: GPL-2.0-only
/*
 * SHA-256: every implementation (ho/sha256.h) against the FIPS 180-4
 * examples and against the generic C one on the same inputs: every length
 * 0..300 at every alignment 0..15, 1 MiB, and every way of splitting the
 * input over two or many updates. Rows for an implementation the CPU lacks
 * print "# SKIP". Negative control: each instruction-set block function
 * with one round constant changed must disagree with C. TAP, one line per
 * row. Built for the host (x86_64: C and SHA-NI) and for aarch64 (C and
 * the SHA2 instructions, run under qemu-aarch64 -cpu max: sha256.mk).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ho/sha256.h"
#include "tap.h"
/* the block functions themselves, for the negative control */
#include "../../efi/lib/sha256_impl.h"

#ifdef __aarch64__
#include <sys/auxv.h>
#endif

#define BIG	(1u << 20)

static const enum ho_sha256_impl impls[] = { HO_SHA256_C, HO_SHA256_NI, HO_SHA256_CE };

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

/* ---- negative control: a wrong round constant ---------------------------- */

/* The instruction-set block function of impl, or NULL (C, or not built). */
typedef void (*blocks_fn)(uint32_t h[8], const uint8_t *p, size_t n,
			  const uint32_t k[64]);

static blocks_fn block_function(enum ho_sha256_impl impl)
{
#ifdef HO_SHA256_HAVE_X86
	if (impl == HO_SHA256_NI)
		return ho_sha256_x86_blocks;
#endif
#ifdef HO_SHA256_HAVE_ARM64
	if (impl == HO_SHA256_CE)
		return ho_sha256_arm64_blocks;
#endif
	(void)impl;
	return NULL;
}

/*
 * impl's block function over 1 MiB gives C's state with the right K, and a
 * different one with K[i] changed, for a constant of the first, a middle
 * and the last round.
 */
static bool wrong_k(blocks_fn fn)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	static const int which[] = { 0, 31, 63 };
	uint8_t *buf = pattern(BIG, 4242);
	uint32_t k[64], h[8];
	struct ho_sha256 s;
	bool ok;
	size_t i;

	ho_sha256_init_impl(&s, HO_SHA256_C);
	ho_sha256_update(&s, buf, BIG);		/* whole blocks: s.h is the state */
	memcpy(k, ho_sha256_k, sizeof(k));
	memcpy(h, iv, sizeof(h));
	fn(h, buf, BIG / 64, k);
	ok = !memcmp(h, s.h, sizeof(h));
	for (i = 0; ok && i < sizeof(which) / sizeof(which[0]); i++) {
		memcpy(h, iv, sizeof(h));
		k[which[i]] ^= 1u << (which[i] % 32);
		fn(h, buf, BIG / 64, k);
		k[which[i]] ^= 1u << (which[i] % 32);
		ok = memcmp(h, s.h, sizeof(h)) != 0;
	}
	free(buf);
	return ok;
}

static void test_wrong_k(void)
{
	size_t j;

	for (j = 0; j < sizeof(impls) / sizeof(impls[0]); j++) {
		const char *n = ho_sha256_name(impls[j]);
		blocks_fn fn = block_function(impls[j]);

		if (impls[j] == HO_SHA256_C)
			continue;
		if (!fn || !ho_sha256_have(impls[j]))
			tap(true, "negative control: %s with a wrong round constant "
			    "disagrees with c # SKIP CPU lacks it", n);
		else
			tap(wrong_k(fn), "negative control: %s agrees with c on 1 MiB, "
			    "and with K[0], K[31] or K[63] changed it does not", n);
	}
}

/* ---- selection ---------------------------------------------------------- */

#ifndef __aarch64__
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
#endif

/*
 * What the OS says of the CPU's instructions: x86_64 /proc/cpuinfo's
 * sha_ni, arm64 HWCAP_SHA2 (the freestanding library reads
 * ID_AA64ISAR0_EL1 itself, here trapped and emulated). -1: unknown.
 */
static int os_says(void)
{
#ifdef __aarch64__
	return !!(getauxval(AT_HWCAP) & HWCAP_SHA2);
#else
	return cpuinfo_sha_ni();
#endif
}

static void test_select(void)
{
	struct ho_sha256 s;
	enum ho_sha256_impl cpu = ho_sha256_cpu(), other, a;
	const char *cn = ho_sha256_name(cpu);
	int os = os_says();
	bool have = ho_sha256_have(cpu);

	if (cpu == HO_SHA256_C)
		tap(true, "select: no instruction set for this architecture # SKIP");
	else if (os < 0)
		tap(true, "select: %s detection agrees with the OS # SKIP OS does not say", cn);
	else
		tap(have == (os == 1), "select: the library says %s %s, the OS (%s) %s", cn,
		    have ? "yes" : "no", cpu == HO_SHA256_CE ? "HWCAP_SHA2" : "cpuinfo sha_ni",
		    os ? "yes" : "no");
	a = ho_sha256_init_impl(&s, HO_SHA256_AUTO);
#if __STDC_HOSTED__ && defined(HO_TEST_LIB_HOSTED)
	tap(a == (have ? cpu : HO_SHA256_C),
	    "select: auto in a hosted library is %s", ho_sha256_name(a));
#else
	tap(a == HO_SHA256_C, "select: auto in the freestanding library is c (got %s)",
	    ho_sha256_name(a));
#endif
	a = ho_sha256_init_impl(&s, cpu);
	tap(a == (have ? cpu : HO_SHA256_C) && s.impl == a,
	    "select: asking for %s gives %s", cn, ho_sha256_name(a));
	/* the other architecture's instructions are never there */
	other = cpu == HO_SHA256_CE ? HO_SHA256_NI : HO_SHA256_CE;
	a = ho_sha256_init_impl(&s, other);
	tap(a == HO_SHA256_C && !ho_sha256_have(other),
	    "select: asking for %s (another architecture's) gives %s",
	    ho_sha256_name(other), ho_sha256_name(a));
	tap(ho_sha256_init_impl(&s, HO_SHA256_C) == HO_SHA256_C &&
	    ho_sha256_init_impl(&s, (enum ho_sha256_impl)99) == HO_SHA256_C &&
	    !strcmp(ho_sha256_name((enum ho_sha256_impl)99), "?"),
	    "select: c, and an unknown value falls back to c");
}

int main(void)
{
	printf("# %s on this CPU: %s\n", ho_sha256_name(ho_sha256_cpu()),
	       ho_sha256_have(ho_sha256_cpu()) ? "yes" : "no");
	test_kats();
	test_against_c();
	test_wrong_k();
	test_select();
	return tap_done();
}
