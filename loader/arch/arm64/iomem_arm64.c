// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/iomem as the arm64 memory map segments are placed in: the
 * top-level ranges, "System RAM" usable and anything else not. Nested
 * lines are not read: on arm64 the "reserved" ones are memblock's
 * reservations, which include the KHO scratch areas the segments must go
 * into (memory the firmware keeps for itself with no-map is already a hole
 * in System RAM at the top level).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ld_arm64.h"

int ld_a64_iomem_parse(const char *text, size_t len, struct ho_memmap *mm)
{
	struct ho_mem_range *r = NULL;
	const char *p = text, *end = text + len;
	uint32_t n = 0, cap = 0;

	mm->ranges = NULL;
	mm->count = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		unsigned long long s, e;
		char line[256], name[128];

		if (l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = '\0';
		} else {
			line[0] = '\0';		/* longer than any iomem line */
		}
		p += l + (nl ? 1 : 0);
		if (line[0] == ' ' || sscanf(line, "%llx-%llx : %127[^\n]", &s, &e, name) != 3)
			continue;
		if (e < s || (s == 0 && e == 0))
			continue;	/* unprivileged readers see zeros */
		if (n == LD_MAX_FREE) {
			free(r);
			return -E2BIG;
		}
		if (n == cap) {
			struct ho_mem_range *nr = realloc(r, (cap = cap ? 2 * cap : 32) * sizeof(*r));

			if (!nr) {
				free(r);
				return -ENOMEM;
			}
			r = nr;
		}
		r[n++] = (struct ho_mem_range){ s, e - s + 1,
			strcmp(name, "System RAM") ? HO_MEM_RESERVED : HO_MEM_RAM };
	}
	if (!n) {
		free(r);
		return -ENODATA;
	}
	mm->ranges = r;
	mm->count = n;
	return 0;
}
