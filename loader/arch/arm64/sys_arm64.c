// SPDX-License-Identifier: GPL-2.0-only
/*
 * The arm64 side of what luo-kexec asks the running system (sys.h): the
 * memory map (/proc/iomem, iomem_arm64.c)
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
	size_t len;
	void *text;
	int err;

	*source = IOMEM;
	err = host_read_file(IOMEM, (size_t)16 << 20, &text, &len);
	if (err) {
		errmsg("%s: %s", IOMEM, strerror(-err));
		return err;
	}
	err = ld_a64_iomem_parse(text, len, mm);
	free(text);
	if (err)
		errmsg("%s: %s", IOMEM, err == -ENODATA ? "no ranges (run as root)" :
		       err == -E2BIG ? "more than 256 ranges" : strerror(-err));
	return err;
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
