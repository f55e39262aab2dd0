// SPDX-License-Identifier: GPL-2.0-only
/*
 * Physical memory for luo-fdt check and dump (--phys SPEC): the blobs a
 * handover points to, found by their physical addresses.
 *
 * - DIR: one file DIR/<address>.bin per blob, as gen --out-dir writes them;
 * - ram:FILE[@BASE]: an image of a machine's RAM from BASE on (default 0),
 *   for example the file behind QEMU's memory-backend-file of a guest
 *   (tests/vm/capture.sh): the handover a real kernel wrote, checked from
 *   outside. It is mapped copy-on-write: --test-fault damages the copy,
 *   never the file.
 *
 * An input FILE of the form phys:ADDR:SIZE is read from that memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ho/check.h>

#include "luo-fdt.h"

#define WORK_RAM_MAX	((uint64_t)256 << 20)

void phys_free(struct phys_files *pf)
{
	uint32_t i;

	if (pf->ram)
		munmap(pf->ram, pf->ram_size);
	else
		for (i = 0; i < pf->nwin; i++)
			free(pf->win[i].ptr);
	free(pf->win);
	memset(pf, 0, sizeof(*pf));
}

static int phys_read_dir(const char *dir, struct phys_files *pf)
{
	char path[4096], addr[64];
	struct ho_window *w;
	struct dirent *de;
	size_t len, size;
	uint64_t a;
	void *buf;
	DIR *d;

	memset(pf, 0, sizeof(*pf));
	d = opendir(dir);
	if (!d) {
		errmsg("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len < 5 || len >= sizeof(addr) ||
		    strcmp(de->d_name + len - 4, ".bin"))
			continue;
		memcpy(addr, de->d_name, len - 4);
		addr[len - 4] = '\0';
		if (parse_u64(addr, &a)) {
			errmsg("%s/%s: not <address>.bin", dir, de->d_name);
			goto err;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (read_file(path, &buf, &size))
			goto err;
		w = realloc(pf->win, (pf->nwin + 1) * sizeof(*w));
		if (!w) {
			free(buf);
			errmsg("out of memory");
			goto err;
		}
		pf->win = w;
		pf->win[pf->nwin++] = (struct ho_window){ a, buf, size };
	}
	closedir(d);
	pf->phys.map = ho_phys_window_map;
	pf->phys.win = pf->win;
	pf->phys.nwin = pf->nwin;
	return 0;

err:
	closedir(d);
	phys_free(pf);
	return -1;
}


static int phys_map_ram(const char *spec, struct phys_files *pf)
{
	char path[4096];
	const char *at = strrchr(spec, '@');
	uint64_t base = 0;
	struct stat st;
	size_t len;
	void *ram;
	int fd;

	memset(pf, 0, sizeof(*pf));
	len = at ? (size_t)(at - spec) : strlen(spec);
	if (!len || len >= sizeof(path) || (at && parse_u64(at + 1, &base))) {
		errmsg("--phys ram:%s: expected ram:FILE[@BASE]", spec);
		return -1;
	}
	memcpy(path, spec, len);
	path[len] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		errmsg("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!st.st_size || (uint64_t)st.st_size > UINT64_MAX - base) {
		errmsg("%s: %s", path, st.st_size ? "too large for its base" : "empty");
		close(fd);
		return -1;
	}
	ram = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	pf->win = calloc(1, sizeof(*pf->win));
	if (ram == MAP_FAILED || !pf->win) {
		errmsg("%s: %s", path, ram == MAP_FAILED ? strerror(errno) : "out of memory");
		if (ram != MAP_FAILED)
			munmap(ram, st.st_size);
		free(pf->win);
		pf->win = NULL;
		return -1;
	}
	pf->ram = ram;
	pf->ram_size = st.st_size;
	pf->win[0] = (struct ho_window){ base, ram, st.st_size };
	pf->nwin = 1;
	pf->phys.map = ho_phys_window_map;
	pf->phys.win = pf->win;
	pf->phys.nwin = 1;
	return 0;
}

int phys_open(const char *spec, struct phys_files *pf)
{
	if (!strncmp(spec, "ram:", 4))
		return phys_map_ram(spec + 4, pf);
	return phys_read_dir(spec, pf);
}

int phys_spec(const char *file, uint64_t *addr, uint64_t *size)
{
	char buf[64], *colon;

	if (strncmp(file, "phys:", 5))
		return 0;
	snprintf(buf, sizeof(buf), "%s", file + 5);
	colon = strchr(buf, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	if (parse_u64(buf, addr) || parse_u64(colon + 1, size) || !*size)
		return -1;
	return 1;
}

int read_input(const char *file, const struct phys_files *pf, void **buf,
	       size_t *size)
{
	uint64_t addr, len;
	const void *p;
	int r = phys_spec(file, &addr, &len);

	if (!r)
		return read_file(file, buf, size);
	if (r < 0 || len > HOST_FILE_MAX) {
		errmsg("%s: expected phys:ADDR:SIZE (SIZE 1..%zu)", file, (size_t)HOST_FILE_MAX);
		return -1;
	}
	p = pf && pf->nwin ? ho_phys_map(&pf->phys, addr, len) : NULL;
	if (!p) {
		errmsg("%s: no memory behind it (--phys)", file);
		return -1;
	}
	*buf = malloc(len);
	if (!*buf) {
		errmsg("out of memory");
		return -1;
	}
	memcpy(*buf, p, len);
	*size = len;
	return 0;
}

/*
 * Work buffer for the library's sorts: 16 bytes per preserved range or
 * name, and every range or name costs at least 12 input bytes, so twice the
 * input (the file plus everything --phys holds) is always enough. A RAM
 * image is mostly not handover: at most 256 MiB there (16 M ranges; a
 * handover with more gets the library's HO_ERR_WORK_SPACE).
 */
uint64_t phys_work_size(size_t file_size, const struct phys_files *pf)
{
	uint64_t total = file_size + (1u << 20);
	uint32_t i;

	for (i = 0; pf && i < pf->nwin; i++)
		total += pf->win[i].size;
	total *= 2;
	if (pf && pf->ram && total > WORK_RAM_MAX)
		total = WORK_RAM_MAX;
	return total;
}
