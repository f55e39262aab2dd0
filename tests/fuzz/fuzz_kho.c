// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ho_kho_check() on an image whose first byte is the KHO
 * root FDT at FUZZ_KHO_BASE; the luo-rfc subtree and everything below it
 * may point into the same image. Then ho_check_handover() on the same
 * image with its last 64 bytes as the scratch table (where mkseeds puts it)
 * and a segment in the table's first entry; ho_kho_check() again with 64
 * KiB pages. And the promise of fdt.c: once
 * ho_fdt_check() passes, libfdt's read-only walk never fails.
 */
#include <libfdt.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const void *fdt)
{
	const char *name;
	char path[256];
	int node = 0, depth = 0, prop, len;

	/* fdt_next_node() leaves the root with depth -1 (or NOTFOUND) */
	for (; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (!fdt_get_name(fdt, node, &len))
			abort();
		len = fdt_get_path(fdt, node, path, sizeof(path));
		if (len && len != -FDT_ERR_NOSPACE)
			abort();
		fdt_for_each_property_offset(prop, fdt, node)
			if (!fdt_getprop_by_offset(fdt, prop, &name, &len) ||
			    !name || len < 0)
				abort();
		if (prop != -FDT_ERR_NOTFOUND)
			abort();
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_ctx c;
	struct ho_report r;
	int err;

	if (fuzz_setup(&c, data, size, FUZZ_KHO_BASE))
		return 0;
	err = ho_kho_check(c.buf, size, &c.env, &r);
	fuzz_verdict(err, &r);
	/* the same image for a 64 KiB-page kernel: every page rule scales */
	c.env.page_size = 65536;
	fuzz_verdict(ho_kho_check(c.buf, size, &c.env, &r), &r);
	c.env.page_size = 0;
	/* the structural check alone must agree on structural failures */
	if (ho_fdt_check(c.buf, size, NULL)) {
		if (!err)
			abort();
	} else {
		walk(c.buf);
	}
	if (size >= 128) {
		struct ho_handover kd = {
			FUZZ_KHO_BASE, size - 64, FUZZ_KHO_BASE + size - 64, 64
		};
		struct ho_segment seg;

		memcpy(&seg, c.buf + size - 64, sizeof(seg));
		err = ho_check_handover(&kd, &seg, 1, &c.env, &r);
		fuzz_verdict(err, &r);
	}
	fuzz_free(&c);
	return 0;
}
