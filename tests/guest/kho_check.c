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
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guestlib.h"

#define KHO_OUT		"/sys/kernel/debug/kho/out"
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

	if (stage == 1) {
		active = stat(KHO_OUT, &st) == 0;
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
