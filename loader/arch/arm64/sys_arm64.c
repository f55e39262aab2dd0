// SPDX-License-Identifier: GPL-2.0-only
/*
 * The arm64 side of what luo-kexec asks the running system (sys.h): the
 * memory map (/proc/iomem's top-level "System RAM" ranges, as kexec-tools'
 * arm64 get_memory_ranges reads them; everything else there is kept out)
 * and the DTB the next kernel boots with (/sys/firmware/fdt, the blob the
 * running kernel booted with), plus random bytes for its kaslr-seed and
 * rng-seed when it has them (getrandom).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ld_arm64.h"
#include "sys.h"

#define IOMEM "/proc/iomem"
#define FDT_FILE "/sys/firmware/fdt"

int sys_arch_memmap(struct ho_memmap *mm, const char **source)
{
	struct ho_mem_range *r = NULL;
	uint32_t n = 0, cap = 0;
	char line[256];
	FILE *f;

	*source = IOMEM;
	mm->ranges = NULL;
	mm->count = 0;
	f = fopen(IOMEM, "re");
	if (!f) {
		errmsg("%s: %s", IOMEM, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		char name[128];

		/* Top level only: nested lines start with spaces. */
		if (line[0] == ' ' || sscanf(line, "%llx-%llx : %127[^\n]", &s, &e, name) != 3)
			continue;
		if (e < s || (s == 0 && e == 0))
			continue;	/* unprivileged readers see zeros */
		if (n == cap) {
			struct ho_mem_range *nr = realloc(r, (cap = cap ? 2 * cap : 32) * sizeof(*r));

			if (!nr) {
				free(r);
				fclose(f);
				return -ENOMEM;
			}
			r = nr;
		}
		r[n++] = (struct ho_mem_range){ s, e - s + 1,
			strcmp(name, "System RAM") ? HO_MEM_RESERVED : HO_MEM_RAM };
	}
	fclose(f);
	if (!n) {
		free(r);
		errmsg("%s: no ranges (run as root)", IOMEM);
		return -ENODATA;
	}
	mm->ranges = r;
	mm->count = n;
	return 0;
}

struct sys_dtb {
	struct ld_fw fw;
	void *blob;
};

int sys_arch_firmware(struct ld_fw **fw, char *words, size_t size)
{
	struct sys_dtb *d = calloc(1, sizeof(*d));
	size_t len, got = 0;
	int err;

	*fw = NULL;
	if (!d)
		return -ENOMEM;
	err = host_read_file(FDT_FILE, LD_A64_DTB_MAX, &d->blob, &len);
	if (err) {
		free(d);
		return err;
	}
	while (got < sizeof(d->fw.seed)) {
		ssize_t r = getrandom(d->fw.seed + got, sizeof(d->fw.seed) - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : -EIO;
			free(d->blob);
			free(d);
			return err;
		}
		got += (size_t)r;
	}
	d->fw.dtb = d->blob;
	d->fw.dtb_size = (uint32_t)len;
	snprintf(words, size, "DTB: %s, %zu bytes", FDT_FILE, len);
	*fw = &d->fw;
	return 0;
}

void sys_arch_firmware_free(struct ld_fw *fw)
{
	struct sys_dtb *d = (struct sys_dtb *)fw;	/* fw is its first member */

	if (d) {
		free(d->blob);
		free(d);
	}
}
