// SPDX-License-Identifier: GPL-2.0-only
/* Strict number parsing for command lines, memory maps and sysfs files. */
#include <errno.h>
#include <stdlib.h>

#include "host.h"

int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}
