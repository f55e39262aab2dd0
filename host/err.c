// SPDX-License-Identifier: GPL-2.0-only
/* Error messages of the host tools: "<prog>: message". */
#include <stdarg.h>
#include <stdio.h>

#include "host.h"

void errmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", host_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
