// SPDX-License-Identifier: GPL-2.0-only
/*
 * Whole-file reading. sysfs and debugfs files report a size that is not
 * theirs (4096, or 0), so the file is read until end of file, never sized
 * with stat(); the buffer doubles from 64 KiB up to one byte over the
 * caller's limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "host.h"

int host_read_file(const char *path, size_t max, void **bufp, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 65536, len = 0;
	char *buf = NULL, *nbuf;
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		if (!buf || len == cap) {
			if (buf) {
				if (len > max) {
					err = -EFBIG;
					break;
				}
				/* max + 1 bytes tell a file over the limit. */
				cap = cap > max / 2 ? max + 1 : cap * 2;
			}
			/* malloc's alignment covers every type, libfdt's 8 too. */
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				err = -ENOMEM;
				break;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!err && len > max)
		err = -EFBIG;
	if (err) {
		free(buf);
		return err;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int host_read_u64(const char *path, uint64_t *v)
{
	char line[64], *end;
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f))
		err = -EIO;
	fclose(f);
	if (err)
		return err;
	errno = 0;
	*v = strtoull(line, &end, 0);
	return errno || end == line ? -EINVAL : 0;
}
