// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ho_kho_check() on an image whose first byte is the KHO
 * root FDT at FUZZ_KHO_BASE; the luo-rfc subtree and everything below it
 * may point into the same image.
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
	free(c.buf);
	return 0;
}
