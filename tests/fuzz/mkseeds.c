// SPDX-License-Identifier: GPL-2.0-only
/*
 * Write the fuzz seed corpus: for every builder defect, the image each
 * fuzzer reads (fuzz_common.h): the KHO image, the LUO image and the scratch
 * table; plus setup_data chains for the x86 target and an upstream LUO
 * (luo-v5) handover for the kho target.
 * Usage: mkseeds <dir>; writes <dir>/{kho,luo,scratch,x86}/<name>.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libfdt.h>

#include "fuzz_common.h"
#include "ho/kho_radix.h"
#include "ho/x86.h"

#include <uapi/linux/fcntl.h>
#include <linux/kho/abi/luo.h>
#include <linux/kho/abi/memfd.h>

static int write_file(const char *dir, const char *t, const char *name,
		      const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, t, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "mkseeds: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Memory at phys 0x1000: head pointer, then entries of types 1, 10
 * (kho_data) and 3, then a command line.
 */
static int x86_seeds(const char *dir)
{
	uint64_t m[40] = { 0 };
	struct ho_setup_data sd[3] = {
		{ 0x1000 + 8 * 4, 1, 8 },
		{ 0x1000 + 8 * 10, HO_SETUP_KEXEC_KHO, 32 },
		{ 0, 3, 0 },
	};
	const char line[] = "console=ttyS0 kho=on";
	int ret;

	m[0] = 0x1008;
	memcpy(&m[1], &sd[0], 16);
	memcpy(&m[4], &sd[1], 16);
	m[6] = 0x1000000;	/* kho_data payload */
	m[7] = 0x1000;
	m[8] = 0x2000000;
	m[9] = 0x40;
	memcpy(&m[10], &sd[2], 16);
	memcpy(&m[12], line, sizeof(line));
	ret = write_file(dir, "x86", "chain", m, sizeof(m));
	m[10] = 0x1008;		/* cycle */
	ret |= write_file(dir, "x86", "cycle", m, sizeof(m));
	return ret;
}

/*
 * An upstream LUO (luo-v5) handover image at FUZZ_KHO_BASE, as the kernel
 * lays it out (one page each): KHO root, radix tree root and its tables,
 * luo_ser, a session block, a file block, a memfd_luo_ser, a kho_vmalloc
 * chunk and one table page of three folios; the folios themselves lie in
 * RAM outside the image (the checks never read them). Layouts from the
 * kernel's ABI headers (efi/lib/kabi/ shim, as luo_v5.c).
 */
#define V5_PG		4096u
#define V5_PAGES	16u
#define V5_PA(i)	(FUZZ_KHO_BASE + (uint64_t)(i) * V5_PG)

struct v5_img {
	uint8_t buf[V5_PAGES * V5_PG];
	unsigned int next;	/* next free page (tree tables) */
};

static uint64_t v5_tree_alloc(void *ctx)
{
	struct v5_img *m = ctx;

	return m->next < V5_PAGES ? V5_PA(m->next++) : 0;
}

static void *v5_tree_map(void *ctx, uint64_t phys)
{
	return ((struct v5_img *)ctx)->buf + (phys - FUZZ_KHO_BASE);
}

static void *v5_page(struct v5_img *m, unsigned int i)
{
	return m->buf + (size_t)i * V5_PG;
}

static int v5_seed(const char *dir)
{
	/* pages: 0 KHO FDT, 1 tree root, 2 luo_ser, 3 sessions, 4 files,
	 * 5 memfd, 6 chunk, 7 table, 8 FLBs, 9.. tree tables */
	static struct v5_img m;
	const uint64_t folio = 0x40000000ull;
	struct ho_radix_geom g;
	struct luo_ser *ser = v5_page(&m, 2);
	struct kho_block_header_ser *sb = v5_page(&m, 3), *fb = v5_page(&m, 4);
	struct luo_session_ser *s = (void *)(sb + 1);
	struct luo_file_ser *f = (void *)(fb + 1);
	struct memfd_luo_ser *mf = v5_page(&m, 5);
	struct kho_vmalloc_chunk *ch = v5_page(&m, 6);
	struct memfd_luo_folio_ser *t = v5_page(&m, 7);
	struct luo_flb_header_ser *fh = v5_page(&m, 8);
	struct kho_vmalloc vm = { .total_pages = 1, .flags = 1 };
	uint64_t v;
	unsigned int i;
	void *fdt = m.buf;

	memset(&m, 0, sizeof(m));
	m.next = 9;
	ho_radix_geom_init(&g, V5_PG);
	memcpy(ser->compatible, LUO_ABI_COMPATIBLE, sizeof(LUO_ABI_COMPATIBLE));
	ser->liveupdate_num = 1;
	ser->sessions_pa = V5_PA(3);
	ser->flbs_pa = V5_PA(8);
	fh->pgcnt = 1;
	sb->count = 1;
	snprintf(s->name, sizeof(s->name), "fuzz-session");
	s->file_set_ser.files = V5_PA(4);
	s->file_set_ser.count = 1;
	fb->count = 1;
	snprintf(f->compatible, sizeof(f->compatible), MEMFD_LUO_FH_COMPATIBLE);
	f->token = 7;
	f->data = V5_PA(5);
	mf->size = 3 * V5_PG;
	mf->nr_folios = 3;
	vm.first.phys = V5_PA(6);
	memcpy((uint8_t *)mf + __builtin_offsetof(struct memfd_luo_ser, folios),
	       &vm, sizeof(vm));
	ch->phys[0] = V5_PA(7);
	for (i = 0; i < 3; i++) {
		t[i].pfn = (folio + i * V5_PG) / V5_PG;
		t[i].flags = MEMFD_LUO_FOLIO_DIRTY | MEMFD_LUO_FOLIO_UPTODATE;
		t[i].index = i;
	}
	for (i = 2; i < 9; i++)
		if (ho_radix_insert(&g, V5_PA(1), ho_radix_key(&g, V5_PA(i), 0),
				    v5_tree_alloc, v5_tree_map, &m))
			return -1;
	for (i = 0; i < 3; i++)
		if (ho_radix_insert(&g, V5_PA(1),
				    ho_radix_key(&g, folio + i * V5_PG, 0),
				    v5_tree_alloc, v5_tree_map, &m))
			return -1;
	if (fdt_create(fdt, V5_PG) || fdt_finish_reservemap(fdt) ||
	    fdt_begin_node(fdt, "") ||
	    fdt_property_string(fdt, "compatible", "kho-v4"))
		return -1;
	v = V5_PA(1);
	if (fdt_property(fdt, "preserved-memory-map", &v, sizeof(v)) ||
	    fdt_begin_node(fdt, LUO_KHO_ENTRY_NAME))
		return -1;
	v = V5_PA(2);
	if (fdt_property(fdt, "preserved-data", &v, sizeof(v)))
		return -1;
	v = sizeof(*ser);
	if (fdt_property(fdt, "blob-size", &v, sizeof(v)) ||
	    fdt_end_node(fdt) || fdt_end_node(fdt) || fdt_finish(fdt))
		return -1;
	return write_file(dir, "kho", "luo-v5", m.buf,
			  (size_t)m.next * V5_PG);
}

int main(int argc, char **argv)
{
	static const char *const targets[] = { "kho", "luo", "scratch", "x86" };
	struct hb_params p;
	struct hb h = { 0 };
	char path[512];
	int d, i, ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds <dir>\n");
		return 2;
	}
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], targets[i]);
		mkdir(argv[1], 0755);
		mkdir(path, 0755);
	}
	hb_params_default(&p);
	p.nsessions = 2;
	p.nfiles = 3;
	p.nfolios = 3;
	p.kho_space = FUZZ_KHO_SPACE;
	p.luo_space = FUZZ_LUO_SPACE;
	for (d = 0; d < HB_NDEFECTS; d++) {
		const char *name = hb_defect_names[d];

		if (hb_build(&h, &p, d, FUZZ_SCHEMAS)) {
			fprintf(stderr, "mkseeds: cannot build %s\n", name);
			return 1;
		}
		/* a folio table of two chunks: larger than any input */
		if (h.used > FUZZ_MAX_INPUT)
			continue;
		ret |= write_file(argv[1], "kho", name, h.arena, h.used);
		ret |= write_file(argv[1], "luo", name, h.arena + p.kho_space,
				  h.used - p.kho_space);
		if (!strncmp(name, "SCRATCH", 7) || !strncmp(name, "SEG", 3) ||
		    d == HB_NONE)
			ret |= write_file(argv[1], "scratch", name,
					  hb_ptr(&h, h.kd.scratch_addr),
					  h.kd.scratch_size);
	}
	p.nscratch = 64;
	if (hb_build(&h, &p, HB_SCRATCH_UNSORTED, FUZZ_SCHEMAS))
		return 1;
	ret |= write_file(argv[1], "scratch", "64-ranges",
			  hb_ptr(&h, h.kd.scratch_addr), h.kd.scratch_size);
	hb_free(&h);
	ret |= x86_seeds(argv[1]);
	ret |= v5_seed(argv[1]);
	return ret ? 1 : 0;
}
