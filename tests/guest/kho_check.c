// SPDX-License-Identifier: GPL-2.0-only
/*
 * kho_check: does the kernel after a kexec see a KHO handover?
 *
 * Stage 1 checks that KHO in the first kernel is on or off as kho= on the
 * command line asks (debugfs kho/out exists only when it is on).
 * Stage 2+ reads the incoming KHO root FDT from debugfs kho/in/fdt and checks
 * it with libfdt: a valid header, root compatible "kho-v4" and an 8-byte
 * preserved-memory-map. With kho_expect=none on the command line the test
 * instead expects no handover (a plain kexec).
 * Every stage checks /sys/kernel/kho/out (kernel/patches/0003-kho-*): there
 * exactly when KHO is on, root only, fdt_phys page aligned, fdt_len one
 * page, and scratch the same table as debugfs' scratch_phys/scratch_len.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guestlib.h"

#define KHO_OUT		"/sys/kernel/debug/kho/out"
#define KHO_SYSFS	"/sys/kernel/kho/out"
#define KHO_IN_FDT	"/sys/kernel/debug/kho/in/fdt"

static void check_fdt(const void *fdt, long len)
{
	const char *compat;
	const void *map;
	int clen, mlen;

	if (!gl_ok(len >= (long)sizeof(struct fdt_header) && fdt_check_header(fdt) == 0 &&
		   fdt_totalsize(fdt) <= (unsigned long)len,
		   "incoming KHO FDT has a valid header (%ld bytes)", len))
		return;
	compat = fdt_getprop(fdt, 0, "compatible", &clen);
	gl_ok(compat && clen > 0 && memchr(compat, '\0', clen) &&
	      strcmp(compat, "kho-v4") == 0,
	      "root compatible is \"kho-v4\" (got \"%.*s\")",
	      compat && clen > 0 ? clen : 0, compat ? compat : "");
	map = fdt_getprop(fdt, 0, "preserved-memory-map", &mlen);
	gl_ok(map && mlen == 8, "preserved-memory-map is a u64 (len %d)", map ? mlen : -1);
}

/* "0x<hex>\n" files: the values in order; -1 when the file is unreadable. */
static int hex_list(const char *path, unsigned long long *v, int max)
{
	char *buf, *p, *end;
	int n = 0;
	long len = gl_read_file(path, (void **)&buf);

	if (len < 0)
		return -1;
	buf = realloc(buf, (size_t)len + 1);
	buf[len] = 0;
	for (p = buf; *p && n < max; p = end + (*end == '\n')) {
		v[n++] = strtoull(p, &end, 16);
		if (end == p)
			break;
	}
	free(buf);
	return n;
}

static void check_sysfs(bool active)
{
	static const char *const files[] = { "fdt_phys", "fdt_len", "scratch" };
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
	unsigned long long phys[64] = { 0 }, lens[64] = { 0 }, v[1] = { 0 };
	char path[96];
	struct stat st;
	uint64_t *sc;
	long len;
	int i, n;

	if (!active) {
		gl_ok(stat(KHO_SYSFS, &st) != 0, "no " KHO_SYSFS " while KHO is off");
		return;
	}
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), KHO_SYSFS "/%s", files[i]);
		n = stat(path, &st);
		gl_ok(!n && (st.st_mode & 0777) == 0400, "%s is there, mode 0400 (%o)", path,
		      n ? 0 : (unsigned int)(st.st_mode & 0777));
	}
	n = hex_list(KHO_SYSFS "/fdt_phys", v, 1);
	gl_ok(n == 1 && v[0] && !(v[0] % page), "fdt_phys is a page-aligned address (0x%llx)",
	      v[0]);
	n = hex_list(KHO_SYSFS "/fdt_len", v, 1);
	gl_ok(n == 1 && v[0] == page, "fdt_len is one page (0x%llx)", v[0]);
	len = gl_read_file(KHO_SYSFS "/scratch", (void **)&sc);
	n = hex_list(KHO_OUT "/scratch_phys", phys, 64);
	if (!gl_ok(len > 0 && len % 16 == 0 && n == len / 16 &&
		   hex_list(KHO_OUT "/scratch_len", lens, 64) == n,
		   "scratch: %ld bytes, %d ranges in debugfs", len, n))
		goto out;
	for (i = 0; i < n; i++)
		if (sc[2 * i] != phys[i] || sc[2 * i + 1] != lens[i])
			break;
	gl_ok(i == n, "scratch table is debugfs' scratch_phys/scratch_len (%d ranges%s)", n,
	      i == n ? "" : ", one differs");
out:
	free(sc);
}

int main(int argc, char **argv)
{
	int stage = gl_stage(argc, argv);
	char expect[32] = "handover", kho[8] = "";
	struct stat st;
	bool active;
	void *fdt;
	long len;

	gl_cmdline_get("kho_expect", expect, sizeof(expect));
	gl_diag("kho_check stage %d, expecting %s", stage, expect);

	active = stat(KHO_OUT, &st) == 0;
	check_sysfs(active);
	if (stage == 1) {
		if (gl_cmdline_get("kho", kho, sizeof(kho)) && strcmp(kho, "off") == 0)
			gl_ok(!active, "stage 1: KHO is off, as kho=off asks");
		else
			gl_ok(active, "stage 1: KHO is active (%s)", KHO_OUT);
		return gl_exit_status();
	}

	len = gl_read_file(KHO_IN_FDT, &fdt);
	if (strcmp(expect, "none") == 0) {
		gl_ok(len < 0, "stage %d: no handover, as expected for a plain kexec", stage);
	} else if (gl_ok(len > 0, "stage %d: kernel received a KHO FDT%s", stage,
			 len > 0 ? "" : " (no handover)")) {
		check_fdt(fdt, len);
	}
	free(fdt);
	return gl_exit_status();
}
