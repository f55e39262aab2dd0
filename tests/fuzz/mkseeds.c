// SPDX-License-Identifier: GPL-2.0-only
/*
 * Write the fuzz seed corpus: for every builder defect, the image each
 * fuzzer reads (fuzz_common.h): the KHO image, the LUO image and the scratch
 * table. Usage: mkseeds <dir>; writes <dir>/{kho,luo,scratch}/<defect>.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

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

int main(int argc, char **argv)
{
	static const char *const targets[] = { "kho", "luo", "scratch" };
	struct hb_params p;
	struct hb h = { 0 };
	char path[512];
	int d, i, ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds <dir>\n");
		return 2;
	}
	for (i = 0; i < 3; i++) {
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
	return ret ? 1 : 0;
}
