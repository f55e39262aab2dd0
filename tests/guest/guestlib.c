// SPDX-License-Identifier: GPL-2.0-only
/* guestlib: TAP and command-line helpers for in-guest test programs. */
#include "guestlib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

static int gl_test_no;
static int gl_fail_count;

bool gl_cmdline_get(const char *key, char *buf, size_t len)
{
	char line[4096], *tok, *save = NULL;
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/cmdline", "r");
	bool found = false;

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (strncmp(tok, key, klen) != 0)
			continue;
		if (tok[klen] == '=') {
			if (buf && len)
				snprintf(buf, len, "%s", tok + klen + 1);
			found = true;	/* the last occurrence wins, as in the kernel */
		} else if (tok[klen] == '\0') {
			if (buf && len)
				buf[0] = '\0';
			found = true;
		}
	}
	return found;
}

int gl_stage(int argc, char **argv)
{
	char val[16];
	int i;

	for (i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "-s") == 0)
			return atoi(argv[i + 1]);
	if (gl_cmdline_get("luo_stage", val, sizeof(val)))
		return atoi(val);
	return 1;
}

bool gl_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++gl_test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		gl_fail_count++;
	return cond;
}

void gl_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int gl_failures(void)
{
	return gl_fail_count;
}

int gl_exit_status(void)
{
	return gl_fail_count ? 1 : 0;
}

long gl_read_file(const char *path, void **bufp)
{
	size_t len;
	int err = host_read_file(path, HOST_FILE_MAX, bufp, &len);

	if (err) {
		*bufp = NULL;
		return err;
	}
	return (long)len;
}
