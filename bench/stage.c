// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of the stage library: time to validate a realistic handover
 * (KHO root + LUO FDT of about 64 KiB together, memfd data behind every
 * file, 64 scratch ranges) with ho_check_handover(), next to SHA-256 over the
 * same FDT bytes, in TSC cycles and nanoseconds (median of many runs).
 * Numbers only; nothing here passes or fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "ho/ho.h"
#include "hobuild.h"
#include "test_schemas.h"

#ifdef HO_HAVE_GEN_TABLES
#define BENCH_SCHEMAS ho_schemas
#else
#define BENCH_SCHEMAS test_schemas
#endif

#define RUNS	301
#define TARGET	(64u << 10)

struct sample {
	uint64_t cycles, ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static volatile int sink;

static struct sample measure(int (*fn)(void *), void *arg)
{
	static uint64_t c[RUNS], n[RUNS];
	uint64_t t0, c0;
	int i;

	for (i = 0; i < RUNS; i++) {
		t0 = now_ns();
		c0 = __rdtsc();
		sink = fn(arg);
		c[i] = __rdtsc() - c0;
		n[i] = now_ns() - t0;
	}
	qsort(c, RUNS, sizeof(c[0]), cmp_u64);
	qsort(n, RUNS, sizeof(n[0]), cmp_u64);
	return (struct sample){ c[RUNS / 2], n[RUNS / 2] };
}

/* One run (the pairwise fallback is too slow for many). */
static struct sample measure1(int (*fn)(void *))
{
	uint64_t t0 = now_ns(), c0 = __rdtsc();

	sink = fn(NULL);
	return (struct sample){ __rdtsc() - c0, now_ns() - t0 };
}

static struct hb hb;
static uint64_t work[4096];
static uint8_t fdtbytes[HB_KHO_SPACE + HB_LUO_SPACE];
static size_t nbytes;

static int run_check(void *arg)
{
	(void)arg;
	return ho_check_handover(&hb.kd, hb.seg, hb.nseg, &hb.env, NULL);
}

static int run_kho_only(void *arg)
{
	struct ho_env env = hb.env;

	(void)arg;
	env.phys = NULL;	/* root only, nested blobs not followed */
	return ho_kho_check(hb_ptr(&hb, hb.kd.fdt_addr), hb.kd.fdt_size,
			    &env, NULL);
}

static int run_luo_only(void *arg)
{
	(void)arg;
	return ho_luo_check(hb_ptr(&hb, hb.luo_phys), hb.luo_size, &hb.env,
			    NULL);
}

static int run_scratch(void *arg)
{
	(void)arg;
	return ho_scratch_check(hb_ptr(&hb, hb.kd.scratch_addr),
				hb.kd.scratch_size, &hb.mm, NULL);
}

struct sha_job {
	enum ho_sha256_impl impl;
	const void *p;
	size_t len;
};

static int run_sha(void *arg)
{
	const struct sha_job *j = arg;
	uint8_t out[HO_SHA256_SIZE];
	struct ho_sha256 s;

	ho_sha256_init_impl(&s, j->impl);
	ho_sha256_update(&s, j->p, j->len);
	ho_sha256_final(&s, out);
	return out[0];
}

/* SHA-256 of the same bytes with each implementation the CPU has. */
static void show_sha(const char *what, const void *p, size_t len)
{
	static const enum ho_sha256_impl impls[] = { HO_SHA256_C, HO_SHA256_NI };
	struct sha_job j = { .p = p, .len = len };
	struct sample s;
	char name[96];
	size_t i;

	for (i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		j.impl = impls[i];
		if (!ho_sha256_have(j.impl))
			continue;
		s = measure(run_sha, &j);
		snprintf(name, sizeof(name), "sha256 (%s) %s", ho_sha256_name(j.impl),
			 what);
		printf("%-44s %10llu cycles %9.1f us %6.2f cycles/B\n", name,
		       (unsigned long long)s.cycles, s.ns / 1000.0,
		       (double)s.cycles / len);
	}
}

static void show(const char *what, struct sample s)
{
	printf("%-44s %10llu cycles %9.1f us\n", what,
	       (unsigned long long)s.cycles, s.ns / 1000.0);
}

int main(void)
{
	struct hb_params p;
	struct sample s;
	int err;

	hb_params_default(&p);
	p.nsessions = 16;
	p.nscratch = 64;
	p.nfolios = 4;
	p.luo_space = HB_LUO_SPACE;
	/* grow the file count until KHO + LUO FDT reach 64 KiB */
	for (p.nfiles = 64;; p.nfiles += 8) {
		if (hb_build(&hb, &p, HB_NONE, BENCH_SCHEMAS)) {
			fprintf(stderr, "bench-stage: builder failed\n");
			return 1;
		}
		if (hb.kd.fdt_size + hb.luo_size >= TARGET)
			break;
	}
	err = run_check(NULL);
	if (err) {
		fprintf(stderr, "bench-stage: handover invalid: %s\n",
			ho_errname(err));
		return 1;
	}
	memcpy(fdtbytes, hb_ptr(&hb, hb.kd.fdt_addr), hb.kd.fdt_size);
	memcpy(fdtbytes + hb.kd.fdt_size, hb_ptr(&hb, hb.luo_phys),
	       hb.luo_size);
	nbytes = hb.kd.fdt_size + hb.luo_size;

	printf("# stage bench: KHO FDT %llu B + LUO FDT %llu B = %zu B, "
	       "%d sessions, %d memfd files x %d folios, %d scratch ranges, "
	       "median of %d runs\n",
	       (unsigned long long)hb.kd.fdt_size,
	       (unsigned long long)hb.luo_size, nbytes, p.nsessions,
	       p.nfiles, p.nfolios, p.nscratch, RUNS);
	show("ho_check_handover (all, incl. memfd data)",
	     measure(run_check, NULL));
	show("  ho_kho_check (root only)", measure(run_kho_only, NULL));
	show("  ho_luo_check (LUO + memfd data)", measure(run_luo_only, NULL));
	show("  ho_scratch_check (64 ranges)", measure(run_scratch, NULL));
	show_sha("over the same FDT bytes", fdtbytes, nbytes);
	{
		size_t big = 1u << 20, i;
		uint8_t *buf = malloc(big);

		for (i = 0; buf && i < big; i++)
			buf[i] = (uint8_t)(i * 131 + (i >> 9));
		if (buf)
			show_sha("over 1 MiB", buf, big);
		free(buf);
	}

	/* files in no token order: sorted in a work area, or pairwise */
	p.shuffle_tokens = 1;
	if (hb_build(&hb, &p, HB_NONE, BENCH_SCHEMAS))
		return 1;
	hb.env.work = work;
	hb.env.work_size = sizeof(work);
	show("ho_check_handover, unordered tokens, work", measure(run_check,
								   NULL));
	hb.env.work = NULL;
	s = measure1(run_check);
	show("ho_check_handover, unordered tokens, no work", s);
	return 0;
}
