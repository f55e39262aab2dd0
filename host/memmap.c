// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory maps for "luo-fdt check" and luo-kexec: read, never judged here.
 *
 * Two layouts carry the same information as Linux's /sys/firmware/memmap:
 *
 *   a file      one range per line, "START END TYPE"; START and END are
 *               inclusive addresses (hex with 0x, or decimal), TYPE is the
 *               rest of the line ("System RAM", "Reserved", ...). Blank
 *               lines and text from '#' on are ignored.
 *   a directory N/start, N/end, N/type for N = 0, 1, ... (the sysfs layout;
 *               a copy of it works too).
 *
 * Both become a struct ho_memmap of the library's arch-neutral HO_MEM_*
 * types (the strings are Linux's, the same on every architecture that has
 * the file); whether an address is usable is the library's question
 * (ho_mem_usable()).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ho/memmap.h>

#include "host.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	uint32_t type;
} mem_types[] = {
	/* The strings Linux's firmware_map_add_entry() callers give. */
	{ "System RAM", HO_MEM_RAM },
	{ "Reserved", HO_MEM_RESERVED },
	{ "ACPI Tables", HO_MEM_ACPI },
	{ "ACPI Non-volatile Storage", HO_MEM_NVS },
	{ "Unusable memory", HO_MEM_UNUSABLE },
	{ "Persistent Memory", HO_MEM_PMEM },
	{ "Persistent Memory (legacy)", HO_MEM_PMEM },
};

uint32_t memmap_type(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mem_types); i++)
		if (!strcmp(name, mem_types[i].name))
			return mem_types[i].type;
	/* Anything else (soft reserved, ...) is not RAM. */
	return HO_MEM_RESERVED;
}

void memmap_free(struct ho_memmap *mm)
{
	free((void *)mm->ranges);
	mm->ranges = NULL;
	mm->count = 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Append [start, end] (inclusive) of type name; 0 or -1 (message printed). */
static int add_range(struct ho_memmap *mm, uint32_t *cap, const char *where,
		     const char *start, const char *end, const char *type)
{
	struct ho_mem_range *r = (struct ho_mem_range *)mm->ranges;
	uint64_t s, e;

	if (parse_u64(start, &s) || parse_u64(end, &e) || e < s ||
	    (s == 0 && e == UINT64_MAX) || !*type) {
		errmsg("%s: expected \"START END TYPE\" with START <= END", where);
		return -1;
	}
	if (mm->count == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		r = realloc(r, *cap * sizeof(*r));
		if (!r) {
			errmsg("%s: out of memory", where);
			return -1;
		}
		mm->ranges = r;
	}
	r[mm->count].addr = s;
	r[mm->count].size = e - s + 1;
	r[mm->count].type = memmap_type(type);
	mm->count++;
	return 0;
}

int memmap_read_file(const char *path, struct ho_memmap *mm)
{
	FILE *f = fopen(path, "r");
	char line[256], where[300];
	uint32_t cap = 0;
	unsigned int lineno = 0;

	mm->ranges = NULL;
	mm->count = 0;
	if (!f) {
		errmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p, *start, *end, *hash;

		lineno++;
		snprintf(where, sizeof(where), "%s:%u", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			errmsg("%s: line too long", where);
			goto err;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		p = trim(line);
		if (!*p)
			continue;
		start = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
		p = trim(p);
		end = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
		if (add_range(mm, &cap, where, start, end, trim(p)))
			goto err;
	}
	if (ferror(f)) {
		errmsg("%s: %s", path, strerror(errno));
		goto err;
	}
	fclose(f);
	return 0;

err:
	fclose(f);
	memmap_free(mm);
	return -1;
}

/* Read dir/name into buf as one trimmed line; 0 or -1 (message printed). */
static int read_attr(const char *dir, const char *name, char *buf,
		     size_t size)
{
	char path[4096];
	FILE *f;
	char *t;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		errmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	t = trim(buf);
	memmove(buf, t, strlen(t) + 1);
	return 0;
}

int memmap_read_sysfs(const char *dir, struct ho_memmap *mm)
{
	char sub[4096], start[64], end[64], type[128];
	uint32_t cap = 0;
	unsigned int n, count = 0;
	struct dirent *de;
	DIR *d;

	mm->ranges = NULL;
	mm->count = 0;
	d = opendir(dir);
	if (!d) {
		errmsg("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			count++;
	closedir(d);
	if (!count) {
		errmsg("%s: no entries N/{start,end,type}", dir);
		return -1;
	}
	/* Entries are numbered 0..count-1; read them in that order. */
	for (n = 0; n < count; n++) {
		snprintf(sub, sizeof(sub), "%s/%u", dir, n);
		if (read_attr(sub, "start", start, sizeof(start)) ||
		    read_attr(sub, "end", end, sizeof(end)) ||
		    read_attr(sub, "type", type, sizeof(type)) ||
		    add_range(mm, &cap, sub, start, end, type)) {
			memmap_free(mm);
			return -1;
		}
	}
	return 0;
}
