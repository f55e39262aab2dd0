// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ho_kho_check() on an image whose first byte is the KHO
 * root FDT at FUZZ_KHO_BASE; the luo-rfc subtree and everything below it
 * may point into the same image. Then ho_check_handover() on the same
 * image with its last 64 bytes as the scratch table (where mkseeds puts it)
 * and a segment in the table's first entry.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_ctx c;
	struct ho_report r;
	int err;

	if (fuzz_setup(&c, data, size, FUZZ_KHO_BASE))
		return 0;
	err = ho_kho_check(c.buf, size, &c.env, &r);
	fuzz_verdict(err, &r);
	/* the structural check alone must agree on structural failures */
	if (ho_fdt_check(c.buf, size, NULL) && !err)
		abort();
	if (size >= 128) {
		struct ho_kho_data kd = {
			FUZZ_KHO_BASE, size - 64, FUZZ_KHO_BASE + size - 64, 64
		};
		struct ho_segment seg;

		memcpy(&seg, c.buf + size - 64, sizeof(seg));
		err = ho_check_handover(&kd, &seg, 1, &c.env, &r);
		fuzz_verdict(err, &r);
	}
	free(c.buf);
	return 0;
}
