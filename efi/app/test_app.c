// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the EFI stage's pure parts (the library's ho/preserved.h and radix builder,
 * initrd.c), built with ASan + UBSan against the host stage library.
 *
 *   test_app radix                 the preserved-memory tree, read back the
 *                                  way Linux 7.3 walks it (kho_radix_walk_tree)
 *   test_app initrd                newc cpio rows (valid, truncated, ...)
 *   test_app bundle DIR FILES FOLIOS
 *                                  a "luo-fdt gen --out-dir DIR" bundle: the
 *                                  library accepts it, the walk lists every
 *                                  preserved block once with its order, the
 *                                  tree holds exactly those, the dump runs
 *   test_app dump DIR              the dump and the walk on any bundle
 *                                  (a defective one): no crash, lines out
 *   test_app dtb                   arm64: the handover pair in /chosen of a
 *                                  copy of a firmware DTB (dtb_arm64.c),
 *                                  read back the way early_init_dt_check_kho
 *                                  reads it, in 2/2, 2/1 and 1/1 cells
 *   test_app move DIR DELTA OUT    the bundle moved by DELTA bytes
 *                                  (ho_handover_rebase, the tree rebuilt at
 *                                  TREE_PHYS + DELTA) written to OUT as
 *                                  luo-fdt gen --out-dir lays it out: gen's
 *                                  1 GiB q35 layout for another machine's
 *                                  RAM (arm64 virt: RAM from 1 GiB); a
 *                                  defect is kept, the moved bundle's
 *                                  verdict printed
 *
 * TAP lines "ok N - name"; exit 1 on any failure.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ho/ho.h>

#include <libfdt.h>

#include "dtb_arm64.h"
#include "initrd.h"
#include <ho/kho_radix.h>
#include <ho/preserved.h>

static int n_test, n_fail;

static void ok(int cond, const char *fmt, const char *arg)
{
	n_test++;
	if (!cond)
		n_fail++;
	printf("%sok %d - ", cond ? "" : "not ", n_test);
	printf(fmt, arg);
	printf("\n");
}

/* ---- radix -------------------------------------------------------------- */

static uint64_t host_page(void *ctx)
{
	void *p = aligned_alloc(4096, 4096);

	(void)ctx;
	if (p)
		memset(p, 0, 4096);
	return (uint64_t)(uintptr_t)p;
}

static void *host_map(void *ctx, uint64_t phys)
{
	(void)ctx;
	return (void *)(uintptr_t)phys;
}

struct keys {
	uint64_t phys[64];
	uint32_t order[64];
	int n;
};

/* Linux's kho_decode_radix_key(). */
static void decode(uint64_t key, struct keys *k)
{
	unsigned int bit = 63 - (unsigned int)__builtin_clzll(key);
	uint32_t order = 64 - (12 + bit);

	if (k->n < 64) {
		k->phys[k->n] = key << (12 + order);
		k->order[k->n++] = order;
	}
}

/* Linux's __kho_radix_walk_tree() over host pointers. */
static void walk_tree(const uint64_t *table, unsigned int level,
		      uint64_t start, struct keys *k)
{
	unsigned int i, b;

	for (i = 0; i < 512; i++) {
		uint64_t key;

		if (!table[i])
			continue;
		key = start | ((uint64_t)i << ((level - 1) * 9 + 15));
		if (level == 1) {
			const uint64_t *leaf = (const uint64_t *)(uintptr_t)table[i];

			for (b = 0; b < 32768; b++)
				if (leaf[b / 64] >> (b % 64) & 1)
					decode(key | b, k);
		} else {
			walk_tree((const uint64_t *)(uintptr_t)table[i], level - 1,
				  key, k);
		}
	}
}

static void free_tree(uint64_t *table, unsigned int level)
{
	unsigned int i;

	for (i = 0; level && i < 512; i++)
		if (table[i])
			free_tree((uint64_t *)(uintptr_t)table[i], level - 1);
	free(table);
}

static int test_radix(void)
{
	static const struct { uint64_t phys; uint32_t order; } in[] = {
		{ 0x1000, 0 }, { 0x1001000, 0 }, { 0x2100000, 0 },
		{ 0x20000000, 0 }, { 0x20002000, 1 }, { 0x40000000, 10 },
		{ 0x7ffffffff000ull, 0 }, { 0x1000000000000ull, 20 },
	};
	struct ho_radix_geom g;
	struct keys k = { .n = 0 };
	uint64_t root = host_page(0);
	size_t i, j;
	int found;

	ho_radix_geom_init(&g, HO_PAGE_SIZE);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		ok(ho_radix_insert(&g, root, ho_radix_key(&g, in[i].phys, in[i].order),
				   host_page, host_map, NULL) == HO_OK,
		   "radix: the library's builder adds a block%s", "");
	walk_tree((const uint64_t *)(uintptr_t)root, 5, 0, &k);
	ok(k.n == (int)(sizeof(in) / sizeof(in[0])),
	   "radix: the kernel's walk finds exactly the blocks added%s", "");
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		for (found = 0, j = 0; j < (size_t)k.n; j++)
			found += k.phys[j] == in[i].phys && k.order[j] == in[i].order;
		ok(found == 1, "radix: block found once with its order%s", "");
	}
	free_tree((uint64_t *)(uintptr_t)root, 5);
	return 0;
}

/* ---- initrd ------------------------------------------------------------- */

/* One newc member: header, name, data, each padded to 4. */
static size_t member(uint8_t *out, const char *name, size_t dlen)
{
	size_t nlen = strlen(name) + 1, off;

	off = (size_t)sprintf((char *)out,
			      "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
			      1u, 0100644u, 0u, 0u, 1u, 0u, dlen, 0u, 0u, 0u, 0u, nlen, 0u);
	memcpy(out + off, name, nlen);
	off = (off + nlen + 3) & ~(size_t)3;
	memset(out + off, 'x', dlen);
	return (off + dlen + 3) & ~(size_t)3;
}

static size_t archive(uint8_t *out)
{
	size_t n = member(out, "init", 100);

	n += member(out + n, "bin/x", 5000);
	n += member(out + n, "TRAILER!!!", 0);
	memset(out + n, 0, 512 - n % 512);
	return n + (512 - n % 512);
}

static int test_initrd(void)
{
	static uint8_t buf[65536];
	char why[160];
	size_t n = archive(buf), two;

	ok(!stage_initrd_check(buf, n, why, sizeof(why)), "initrd: a newc archive%s", "");
	two = n + archive(buf + n);
	ok(!stage_initrd_check(buf, two, why, sizeof(why)),
	   "initrd: two archives one after the other%s", "");
	ok(stage_initrd_check(buf, n - 600, why, sizeof(why)) == -1,
	   "initrd: cut inside a member's data: %s", why);
	ok(stage_initrd_check(buf, 120, why, sizeof(why)) == -1,
	   "initrd: cut inside the first name: %s", why);
	ok(stage_initrd_check(buf, 60, why, sizeof(why)) == -1,
	   "initrd: cut inside the first header: %s", why);
	ok(stage_initrd_check(buf, two - 600, why, sizeof(why)) == -1,
	   "initrd: second archive cut: %s", why);
	memcpy(buf + 54, "zzzzzzzz", 8);	/* filesize */
	ok(stage_initrd_check(buf, n, why, sizeof(why)) == -1,
	   "initrd: a header field not hex: %s", why);
	memcpy(buf, "\x1f\x8b\x08\x00", 4);
	ok(!stage_initrd_check(buf, 100, why, sizeof(why)),
	   "initrd: gzip passes unchecked%s", "");
	ok(!stage_initrd_check(buf, 0, why, sizeof(why)), "initrd: empty passes%s", "");
	return 0;
}

/* ---- arm64 DTB ---------------------------------------------------------- */

static uint64_t cells(const fdt32_t *p, int n)
{
	return n == 2 ? (uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]) :
			fdt32_to_cpu(p[0]);
}

/* A firmware DTB: root cells ac/sc (0: property absent), maybe /chosen. */
static void make_fw_dtb(void *buf, int ac, int sc, int chosen, int old_pair)
{
	int node;

	fdt_create_empty_tree(buf, 4096);
	if (ac)
		fdt_setprop_u32(buf, 0, "#address-cells", (uint32_t)ac);
	if (sc)
		fdt_setprop_u32(buf, 0, "#size-cells", (uint32_t)sc);
	fdt_setprop_string(buf, 0, "model", "linux,dummy-virt");
	if (chosen) {
		node = fdt_add_subnode(buf, 0, "chosen");
		fdt_setprop_string(buf, node, "stdout-path", "/pl011@9000000");
		if (old_pair) {
			fdt_setprop_u64(buf, node, "linux,kho-fdt", 0x1234);
			fdt_appendprop_u64(buf, node, "linux,kho-fdt", 0x99);
		}
	}
	fdt_pack(buf);
}

/* The pair as drivers/of/fdt.c reads it: <addr size> in the root's cells. */
static int read_pair(const void *fdt, const char *prop, int ac, int sc,
		     uint64_t *a, uint64_t *sz)
{
	int node = fdt_path_offset(fdt, "/chosen"), len;
	const fdt32_t *p = node < 0 ? NULL : fdt_getprop(fdt, node, prop, &len);

	if (!p || len != 4 * (ac + sc))
		return -1;
	*a = cells(p, ac);
	*sz = cells(p + ac, sc);
	return 0;
}

static int test_dtb(void)
{
	static const struct {
		const char *name;
		int ac, sc, chosen, old;
		uint64_t fdt, scratch;
		int fail;
	} rows[] = {
		{ "2/2 cells, /chosen there", 2, 2, 1, 0, 0x40f00000, 0x7e000000, 0 },
		{ "2/1 cells, no /chosen (created)", 2, 1, 0, 0, 0x140f00000ull, 0x7e000000, 0 },
		{ "no cell properties refused (libfdt and Linux default differently)", 0, 0, 1, 0, 0x40f00000, 0x40f10000, 1 },
		{ "1/1 cells, addresses below 4 GiB", 1, 1, 1, 0, 0x40f00000, 0x40f10000, 0 },
		{ "an old pair replaced", 2, 2, 1, 1, 0x40f00000, 0x7e000000, 0 },
		{ "1/1 cells, an address above 4 GiB refused", 1, 1, 1, 0, 0x140f00000ull, 0x40f10000, 1 },
	};
	static _Alignas(8) uint8_t src[4096], dst[8192];
	struct ho_report rep;
	char why[160];
	unsigned int i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ho_handover kd = { rows[i].fdt, 0x1000, rows[i].scratch, 0x10 };
		int ac = rows[i].ac ? rows[i].ac : 2, sc = rows[i].sc ? rows[i].sc : 1;
		uint64_t a[2] = { 0, 0 }, sz[2] = { 0, 0 };
		int err, good, node, len;

		make_fw_dtb(src, rows[i].ac, rows[i].sc, rows[i].chosen, rows[i].old);
		why[0] = 0;
		err = stage_dtb_set_kho(src, sizeof(src), dst, sizeof(dst), &kd, why,
					sizeof(why));
		if (rows[i].fail) {
			ok(err < 0 && why[0], "dtb: %s", rows[i].name);
			continue;
		}
		node = fdt_path_offset(dst, "/chosen");
		good = !err && !ho_fdt_check(dst, fdt_totalsize(dst), &rep) &&
		       !read_pair(dst, "linux,kho-fdt", ac, sc, &a[0], &sz[0]) &&
		       !read_pair(dst, "linux,kho-scratch", ac, sc, &a[1], &sz[1]) &&
		       a[0] == kd.fdt_addr && sz[0] == kd.fdt_size &&
		       a[1] == kd.scratch_addr && sz[1] == kd.scratch_size &&
		       fdt_getprop(dst, 0, "model", &len) &&
		       (!rows[i].chosen || fdt_getprop(dst, node, "stdout-path", &len));
		ok(good, "dtb: %s", rows[i].name);
	}
	memset(src, 0, sizeof(src));
	ok(stage_dtb_set_kho(src, sizeof(src), dst, sizeof(dst),
			     &(struct ho_handover){ 0x40f00000, 0x1000, 0x40f10000, 0x10 },
			     why, sizeof(why)) < 0 && why[0],
	   "dtb: no FDT header refused: %s", why);
	make_fw_dtb(src, 2, 2, 1, 0);
	ok(stage_dtb_set_kho(src, 64, dst, sizeof(dst),
			     &(struct ho_handover){ 0x40f00000, 0x1000, 0x40f10000, 0x10 },
			     why, sizeof(why)) < 0,
	   "dtb: a DTB larger than its table refused%s", "");
	ok(stage_dtb_set_kho(src, sizeof(src), dst, 128,
			     &(struct ho_handover){ 0x40f00000, 0x1000, 0x40f10000, 0x10 },
			     why, sizeof(why)) < 0,
	   "dtb: no room for the copy refused%s", "");
	return 0;
}

/* ---- bundles ------------------------------------------------------------ */

struct bundle {
	struct ho_handover kd;
	struct ho_window win[4096];
	uint32_t n;
	struct ho_phys phys;
};

static void *slurp(const char *path, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *p;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc(n ? (size_t)n : 1);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*size = (uint64_t)n;
	return p;
}

static int load(const char *dir, struct bundle *b)
{
	char path[4096];
	struct dirent *de;
	uint64_t size;
	void *kd;
	DIR *d;

	snprintf(path, sizeof(path), "%s/kho_data.bin", dir);
	kd = slurp(path, &size);
	if (!kd || size != sizeof(b->kd))
		return -1;
	memcpy(&b->kd, kd, sizeof(b->kd));
	free(kd);
	snprintf(path, sizeof(path), "%s/phys", dir);
	d = opendir(path);
	if (!d)
		return -1;
	b->n = 0;
	while ((de = readdir(d)) && b->n < 4096) {
		uint64_t addr;

		if (sscanf(de->d_name, "0x%lx.bin", &addr) != 1)
			continue;
		snprintf(path, sizeof(path), "%s/phys/%s", dir, de->d_name);
		b->win[b->n].ptr = slurp(path, &size);
		b->win[b->n].phys = addr;
		b->win[b->n++].size = size;
	}
	closedir(d);
	b->phys = (struct ho_phys){ .map = ho_phys_window_map, .win = b->win,
				    .nwin = b->n };
	return 0;
}

static void unload(struct bundle *b)
{
	uint32_t i;

	for (i = 0; i < b->n; i++)
		free(b->win[i].ptr);
}

/* The gen memory map (1 GiB q35). */
static const struct ho_mem_range gen_ranges[] = {
	{ 0, 0x9fc00, HO_MEM_RAM }, { 0x100000, 0x3fee0000, HO_MEM_RAM },
	{ 0x3ffe0000, 0x20000, HO_MEM_RESERVED },
};

struct seen {
	uint64_t phys[70000];
	uint32_t order[70000];
	uint64_t n;
};

static int collect(void *ctx, uint64_t phys, uint32_t order, const char *what)
{
	struct seen *s = ctx;

	(void)what;
	if (s->n < 70000) {
		s->phys[s->n] = phys;
		s->order[s->n++] = order;
	}
	return 0;
}

static uint32_t lines;

/* Pages for a rebuilt tree, behind one window at TREE_PHYS (gen's RAM). */
#define TREE_PHYS	0x38000000ull
#define TREE_PAGES	256
static _Alignas(4096) uint8_t tree_pool[TREE_PAGES * 4096];
static uint32_t tree_used;

/* ctx: the pool's physical address (NULL: TREE_PHYS). */
static uint64_t tree_page(void *ctx)
{
	if (tree_used == TREE_PAGES)
		return 0;
	memset(tree_pool + tree_used * 4096ull, 0, 4096);
	return (ctx ? *(const uint64_t *)ctx : TREE_PHYS) + 4096ull * tree_used++;
}

static void count_line(void *ctx, const char *line)
{
	(void)ctx;
	if (getenv("TEST_APP_VERBOSE"))
		printf("# %s\n", line);
	lines++;
}

static int test_bundle(const char *dir, unsigned int files, unsigned int folios)
{
	static struct bundle b;
	static struct seen s;
	static uint8_t work[1 << 20];
	struct ho_memmap mm = { gen_ranges, 3 };
	struct ho_env env = { .memmap = &mm, .phys = &b.phys, .schemas = ho_schemas,
			      .work = work, .work_size = sizeof(work) };
	struct ho_report rep;
	/* memfd FDT; the table's chunks and pages (kho_vmalloc); folios */
	uint64_t tpages = memfd_rfc_table_pages((uint64_t)folios, 4096);
	uint64_t want = 1 + (uint64_t)files *
			(folios ? 1 + tpages / 511 + 1 + tpages + folios : 1), i, j;
	struct keys dummy;
	int dup = 0;

	(void)dummy;
	if (load(dir, &b)) {
		ok(0, "bundle: load %s", dir);
		return 1;
	}
	ok(ho_check_handover(&b.kd, NULL, 0, &env, &rep) == HO_OK,
	   "bundle: the library accepts %s", dir);
	memset(&s, 0, sizeof(s));
	ok(ho_preserved_walk(&b.kd, &b.phys, collect, &s, &rep) == HO_OK,
	   "bundle: walk of %s", dir);
	ok(s.n == want, "bundle: every preserved block once (LUO blob, memfd FDT, table chunks and pages, folios)%s",
	   "");
	for (i = 0; i < s.n; i++)
		for (j = i + 1; j < s.n && j < i + 64; j++)
			dup += s.phys[i] == s.phys[j];
	ok(!dup, "bundle: no block twice%s", "");
	lines = 0;
	ho_handover_dump(&b.kd, &b.phys, &mm, 0, count_line, NULL);
	ok(lines >= 4 + files, "bundle: the dump has a line per object%s", "");

	/* moved by +6 MiB: accepted again, every block moved by as much */
	{
		static struct seen t;
		const int64_t delta = 0x600000;
		uint32_t k;
		uint64_t nb;
		int same = 1, neg;

		ok(ho_handover_rebase(&b.kd, &b.phys, delta, &rep) == HO_OK,
		   "bundle: rebase by +6 MiB%s", "");
		for (k = 0; k < b.n; k++)
			b.win[k].phys += (uint64_t)delta;
		/* negative control: the bundle's tree holds the old keys */
		neg = ho_check_handover(&b.kd, NULL, 0, &env, &rep);
		ok(neg != HO_OK,
		   "bundle: the moved handover with the bundle's tree refused (%s)",
		   ho_errname(neg));
		tree_used = 0;
		b.win[b.n] = (struct ho_window){ TREE_PHYS, tree_pool, sizeof(tree_pool) };
		b.phys.nwin = b.n + 1;
		ok(ho_preserved_tree_rebuild(&b.kd, &b.phys, tree_page, NULL, &nb, &rep) == HO_OK &&
		   nb == s.n, "bundle: the tree rebuilt for the moved blocks%s", "");
		ok(ho_check_handover(&b.kd, NULL, 0, &env, &rep) == HO_OK,
		   "bundle: the library accepts the moved handover (%s)", rep.detail);
		b.phys.nwin = b.n;
		memset(&t, 0, sizeof(t));
		ho_preserved_walk(&b.kd, &b.phys, collect, &t, &rep);
		for (i = 0; i < s.n; i++)
			same &= t.phys[i] == s.phys[i] + (uint64_t)delta &&
				t.order[i] == s.order[i];
		ok(t.n == s.n && same, "bundle: every block moved by the offset%s", "");
	}
	unload(&b);
	return 0;
}

static int test_dump(const char *dir)
{
	static struct bundle b;
	static struct seen s;
	struct ho_memmap mm = { gen_ranges, 3 };
	struct ho_report rep;

	if (load(dir, &b)) {
		ok(0, "dump: load %s", dir);
		return 1;
	}
	lines = 0;
	ho_handover_dump(&b.kd, &b.phys, &mm, 50, count_line, NULL);
	ok(lines > 0 && lines <= 51, "dump: bounded lines for %s", dir);
	memset(&s, 0, sizeof(s));
	ho_preserved_walk(&b.kd, &b.phys, collect, &s, &rep);
	ok(1, "walk: no crash on %s", dir);
	unload(&b);
	return 0;
}

static int write_file(const char *path, const void *p, uint64_t size)
{
	FILE *f = fopen(path, "wb");
	int err = !f || fwrite(p, 1, (size_t)size, f) != (size_t)size;

	if (f && fclose(f))
		err = 1;
	if (err)
		fprintf(stderr, "test_app move: cannot write %s\n", path);
	return err;
}

static int test_move(const char *dir, const char *delta_s, const char *out)
{
	static struct bundle b;
	static uint8_t work[1 << 20];
	int64_t delta = strtoll(delta_s, NULL, 0);
	struct ho_mem_range moved_ranges[3];
	struct ho_memmap mm = { moved_ranges, 3 };
	struct ho_env env = { .memmap = &mm, .phys = &b.phys, .schemas = ho_schemas,
			      .work = work, .work_size = sizeof(work) };
	struct ho_report rep;
	char path[4096];
	uint64_t nb = 0, map = 0, base;
	uint32_t k;
	int err, bad = 0;

	if (load(dir, &b)) {
		fprintf(stderr, "test_app move: cannot load %s\n", dir);
		return 1;
	}
	err = ho_handover_rebase(&b.kd, &b.phys, delta, &rep);
	if (err) {
		fprintf(stderr, "test_app move: ho_handover_rebase: %s %s %s\n",
			ho_errname(err), rep.path, rep.detail);
		unload(&b);
		return 1;
	}
	for (k = 0; k < b.n; k++)
		b.win[k].phys += (uint64_t)delta;
	tree_used = 0;
	base = TREE_PHYS + (uint64_t)delta;
	b.win[b.n] = (struct ho_window){ base, tree_pool, sizeof(tree_pool) };
	b.phys.nwin = b.n + 1;
	if (!ho_preserved_map_root(&b.kd, &b.phys, &map) && map) {
		err = ho_preserved_tree_rebuild(&b.kd, &b.phys, tree_page, &base, &nb, &rep);
		if (err)
			fprintf(stderr, "test_app move: tree rebuild: %s\n", ho_errname(err));
	}
	for (k = 0; k < 3; k++)
		moved_ranges[k] = (struct ho_mem_range){ gen_ranges[k].addr + (uint64_t)delta,
							 gen_ranges[k].size, gen_ranges[k].type };
	err = ho_check_handover(&b.kd, NULL, 0, &env, &rep);
	printf("verdict %s %s %s\n", ho_errname(err), rep.path, rep.detail);
	snprintf(path, sizeof(path), "mkdir -p '%s/phys'", out);
	if (system(path))
		bad = 1;
	snprintf(path, sizeof(path), "%s/kho_data.bin", out);
	bad |= write_file(path, &b.kd, sizeof(b.kd));
	for (k = 0; k < b.n; k++) {
		snprintf(path, sizeof(path), "%s/phys/0x%llx.bin", out,
			 (unsigned long long)b.win[k].phys);
		bad |= write_file(path, b.win[k].ptr, b.win[k].size);
	}
	for (k = 0; k < tree_used; k++) {
		snprintf(path, sizeof(path), "%s/phys/0x%llx.bin", out,
			 (unsigned long long)(base + 4096ull * k));
		bad |= write_file(path, tree_pool + 4096ull * k, 4096);
	}
	unload(&b);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "radix"))
		test_radix();
	else if (argc >= 2 && !strcmp(argv[1], "initrd"))
		test_initrd();
	else if (argc >= 2 && !strcmp(argv[1], "dtb"))
		test_dtb();
	else if (argc == 5 && !strcmp(argv[1], "bundle"))
		test_bundle(argv[2], (unsigned int)atoi(argv[3]),
			    (unsigned int)atoi(argv[4]));
	else if (argc == 3 && !strcmp(argv[1], "dump"))
		test_dump(argv[2]);
	else if (argc == 5 && !strcmp(argv[1], "move"))
		return test_move(argv[2], argv[3], argv[4]);
	else {
		fprintf(stderr, "usage: test_app radix|initrd|dtb|bundle DIR F N|dump DIR|move DIR DELTA OUT\n");
		return 2;
	}
	return n_fail ? 1 : 0;
}
