// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ho_luo_check() (schema tables + C rules + memfd data)
 * on an image whose first byte is the LUO FDT at FUZZ_LUO_BASE; memfd data
 * and folio tables may point into the same image. Also runs each schema
 * directly on the same bytes.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ho_schema *const *s;
	struct fuzz_ctx c;
	struct ho_report r;
	int err;

	if (fuzz_setup(&c, data, size, FUZZ_LUO_BASE))
		return 0;
	err = ho_luo_check(c.buf, size, &c.env, &r);
	fuzz_verdict(err, &r);
	for (s = FUZZ_SCHEMAS; *s; s++) {
		err = ho_schema_check(c.buf, size, *s, &c.mm, &r);
		fuzz_verdict(err, &r);
	}
	err = ho_memfd_check(c.buf, size, &c.env, &r);
	fuzz_verdict(err, &r);
	fuzz_free(&c);
	return 0;
}
