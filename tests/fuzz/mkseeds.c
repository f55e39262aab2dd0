// SPDX-License-Identifier: GPL-2.0-only
/*
 * Write the fuzz seed corpus: for every builder defect, the image each
 * fuzzer reads (fuzz_common.h): the KHO image, the LUO image and the scratch
 * table; plus setup_data chains for the x86 target.
 * Usage: mkseeds <dir>; writes <dir>/{kho,luo,scratch,x86}/<name>.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "ho/x86.h"

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
	return ret ? 1 : 0;
}
