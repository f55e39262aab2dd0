// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of the stage library: time to validate a realistic handover
 * (KHO root + LUO FDT of about 64 KiB together, memfd data behind every
 * file, 64 scratch ranges) with ho_check_handover(), next to SHA-256 over the
 * same FDT bytes, in TSC cycles and nanoseconds (median of many runs).
 *
 * Then the same over handover sizes (sessions, files, folios per file,
 * scratch ranges): a markdown table of the LUO blob check (ho_luo_check:
 * the LUO FDT, every memfd-rfc-v2 FDT and folio table it follows: chunks
 * and pages of a kho_vmalloc area) and of the
 * whole ho_check_handover (plus the KHO root, the scratch table and the
 * proofs in KHO's radix tree), each against SHA-256 of the same number of
 * bytes the check reads (its blobs; the radix tree pages are not counted),
 * with the C and, where the CPU has them, the instruction implementation.
 * The target is "LUO blob check <= 1x SHA-256 of the same bytes".
 * Numbers only; nothing here passes or fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include <libfdt.h>

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

/*
 * Fewer runs for the big rows of the size table; the minimum, not the
 * median: on a shared machine long runs are often preempted, and the
 * cycle counter counts that too.
 */
static struct sample measure_n(int (*fn)(void *), void *arg, int runs)
{
	static uint64_t c[RUNS], n[RUNS];
	uint64_t t0, c0;
	int i;

	if (runs > RUNS)
		runs = RUNS;
	for (i = 0; i < runs; i++) {
		t0 = now_ns();
		c0 = __rdtsc();
		sink = fn(arg);
		c[i] = __rdtsc() - c0;
		n[i] = now_ns() - t0;
	}
	qsort(c, runs, sizeof(c[0]), cmp_u64);
	qsort(n, runs, sizeof(n[0]), cmp_u64);
	return (struct sample){ c[0], n[0] };
}

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

/* ---- over handover sizes ------------------------------------------------ */

struct size_row {
	int nsessions, nfiles, nfolios, nscratch;
	int shuffle_folios;	/* folio addresses not in file order */
};

static const struct size_row size_rows[] = {
	{ 1, 1, 1, 4, 0 },
	{ 3, 6, 4, 4, 0 },		/* the unit tests' default */
	{ 4, 16, 4, 16, 0 },
	{ 16, 64, 4, 64, 0 },
	{ 16, 64, 64, 64, 0 },
	{ 16, 256, 4, 64, 0 },
	{ 64, 512, 16, 64, 0 },
	{ 256, 1024, 1, 64, 0 },
	{ 16, 16, 512, 64, 0 },
	/* one 512 MiB memfd of 8 KiB folios, as the pages lie and shuffled */
	{ 1, 1, 65536, 4, 0 },
	{ 1, 1, 65536, 4, 1 },
};

/*
 * The bytes ho_luo_check reads, copied one after the other into buf: the LUO
 * FDT, then per memfd-rfc-v2 file its FDT and folio table (each chunk of
 * its kho_vmalloc area, then the entries' bytes of each page it lists).
 * Returns the count.
 */
static size_t luo_bytes(struct hb *h, uint8_t *buf, size_t cap)
{
	const void *luo = hb_ptr(h, h->luo_phys);
	size_t n = 0;
	int fds, node;

#define PUT(p, len) do {						\
		if (n + (len) <= cap)					\
			memcpy(buf + n, (p), (len));			\
		n += (len);						\
	} while (0)
	PUT(luo, h->luo_size);
	fds = fdt_subnode_offset(luo, 0, "file-descriptors");
	fdt_for_each_subnode(node, luo, fds) {
		const void *d = fdt_getprop(luo, node, "data", NULL);
		const uint64_t *c;
		const void *m;
		uint64_t chunk, bytes, k;

		if (!d)
			continue;
		m = hb_ptr(h, ho_get_u64(d));
		PUT(m, fdt_totalsize(m));
		chunk = ho_get_u64(fdt_getprop(m, 0, "folios", NULL));
		bytes = ho_get_u64(fdt_getprop(m, 0, "nr-folios", NULL)) *
			sizeof(struct ho_memfd_folio);
		for (; chunk; chunk = c[0]) {
			c = hb_ptr(h, chunk);
			PUT(c, 4096);
			for (k = 1; k < 512 && c[k] && bytes; k++) {
				PUT(hb_ptr(h, c[k]), bytes < 4096 ? bytes : 4096);
				bytes -= bytes < 4096 ? bytes : 4096;
			}
		}
	}
#undef PUT
	return n;
}

static void size_table(void)
{
	static const enum ho_sha256_impl impls[] = { HO_SHA256_C, HO_SHA256_NI };
	static uint8_t buf[8u << 20];
	struct hb_params p;
	struct sample luo, all, sha[2];
	struct sha_job j = { .p = buf };
	size_t i, k, lbytes, abytes;
	int runs;

	printf("\nCycles: the minimum of 31 to 101 runs; check/x = check cycles over "
	       "SHA-256 (x) cycles of as many bytes as the check reads.\n");
	printf("\n| sessions | files | folios/file | scratch | LUO bytes | ho_luo_check cycles |"
	       " SHA-256 c | check/c | SHA-256 ni | check/ni |"
	       " all bytes | ho_check_handover cycles | check/c | check/ni |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < sizeof(size_rows) / sizeof(size_rows[0]); i++) {
		const struct size_row *r = &size_rows[i];

		hb_params_default(&p);
		p.nsessions = r->nsessions;
		p.nfiles = r->nfiles;
		p.nfolios = r->nfolios;
		p.nscratch = r->nscratch;
		p.shuffle_folios = r->shuffle_folios;
		p.luo_space = HB_LUO_SPACE;
		if (hb_build(&hb, &p, HB_NONE, BENCH_SCHEMAS) || run_check(NULL) ||
		    run_luo_only(NULL)) {
			printf("| %d | %d | %d | %d | (builder or check failed) |\n",
			       r->nsessions, r->nfiles, r->nfolios, r->nscratch);
			continue;
		}
		lbytes = luo_bytes(&hb, buf, sizeof(buf));
		/* all: + the KHO root and the scratch table */
		abytes = lbytes + hb.kd.fdt_size + hb.kd.scratch_size;
		runs = r->nfiles >= 256 || r->nfolios >= 64 ? 31 : 101;
		luo = measure_n(run_luo_only, NULL, runs);
		all = measure_n(run_check, NULL, runs);
		for (k = 0; k < 2; k++) {
			sha[k] = (struct sample){ 0, 0 };
			if (!ho_sha256_have(impls[k]))
				continue;
			j.impl = impls[k];
			j.len = lbytes;
			sha[k] = measure_n(run_sha, &j, runs);
		}
		printf("| %d | %d | %d%s | %d | %zu | %llu | %llu | %.2f |",
		       r->nsessions, r->nfiles, r->nfolios,
		       r->shuffle_folios ? " shuffled" : "", r->nscratch, lbytes,
		       (unsigned long long)luo.cycles,
		       (unsigned long long)sha[0].cycles,
		       (double)luo.cycles / sha[0].cycles);
		if (sha[1].cycles)
			printf(" %llu | %.2f |", (unsigned long long)sha[1].cycles,
			       (double)luo.cycles / sha[1].cycles);
		else
			printf(" - | - |");
		/* SHA-256 is linear in bytes: scale to the larger count */
		printf(" %zu | %llu | %.2f |", abytes, (unsigned long long)all.cycles,
		       (double)all.cycles / ((double)sha[0].cycles * abytes / lbytes));
		if (sha[1].cycles)
			printf(" %.2f |\n",
			       (double)all.cycles / ((double)sha[1].cycles * abytes / lbytes));
		else
			printf(" - |\n");
	}
}

/*
 * For perf: bench-stage --loop N SESSIONS FILES FOLIOS SCRATCH WHAT, WHAT
 * luo or all, or luo-shuffled or all-shuffled (folio addresses not in file
 * order), builds that handover once and runs the one check N times.
 */
static int loop(int argc, char **argv)
{
	struct hb_params p;
	long i, n;
	int err = 0;

	if (argc != 8)
		return 2;
	hb_params_default(&p);
	n = atol(argv[2]);
	p.nsessions = atoi(argv[3]);
	p.nfiles = atoi(argv[4]);
	p.nfolios = atoi(argv[5]);
	p.nscratch = atoi(argv[6]);
	p.shuffle_folios = !!strstr(argv[7], "-shuffled");
	p.luo_space = HB_LUO_SPACE;
	if (hb_build(&hb, &p, HB_NONE, BENCH_SCHEMAS)) {
		fprintf(stderr, "bench-stage: builder failed\n");
		return 1;
	}
	for (i = 0; i < n && !err; i++)
		err = strncmp(argv[7], "luo", 3) ? run_check(NULL) :
						    run_luo_only(NULL);
	if (err)
		fprintf(stderr, "bench-stage: %s\n", ho_errname(err));
	return !!err;
}

int main(int argc, char **argv)
{
	struct hb_params p;
	struct sample s;
	int err;

	if (argc > 1 && !strcmp(argv[1], "--loop"))
		return loop(argc, argv);
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
	if (argc > 1 && !strcmp(argv[1], "--no-sizes"))
		return 0;
	size_table();
	return 0;
}
