// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the scratch table. The input is the table; a table that
 * passes must still pass after ho_scratch_normalize() (never longer, sorted,
 * no touching neighbours), and every segment inside an entry must pass
 * ho_segments_check() before and after. Whatever normalize accepts (it also
 * drops empty entries) must pass the strict check afterwards.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_normalized(uint8_t *t, uint64_t size, uint64_t nsize)
{
	struct ho_scratch a, b;
	uint64_t i;

	if (nsize > size || ho_scratch_check(t, nsize, NULL, NULL))
		abort();
	for (i = 16; i < nsize; i += 16) {
		memcpy(&a, t + i - 16, 16);
		memcpy(&b, t + i, 16);
		if (a.addr + a.size >= b.addr)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ho_segment seg[2];
	struct fuzz_ctx c;
	struct ho_report r;
	struct ho_scratch e;
	uint64_t nsize = size;
	int err, err_mm;

	if (fuzz_setup(&c, data, size, 0))
		return 0;
	err = ho_scratch_check(c.buf, size, NULL, &r);
	fuzz_verdict(err, &r);
	err_mm = ho_scratch_check(c.buf, size, &c.mm, &r);
	fuzz_verdict(err_mm, &r);
	if (err && !err_mm)
		abort();	/* a memory map can only add failures */
	if (err) {
		err = ho_scratch_normalize(c.buf, &nsize, &r);
		fuzz_verdict(err, &r);
		if (!err)
			check_normalized(c.buf, size, nsize);
	} else {
		memcpy(&e, c.buf, 16);
		seg[0] = (struct ho_segment){ e.addr, e.size };
		memcpy(&e, c.buf + size - 16, 16);
		seg[1] = (struct ho_segment){ e.addr + e.size / 2,
					      e.size / 2 };
		if (ho_segments_check(seg, 2, c.buf, size, &r))
			abort();
		err = ho_scratch_normalize(c.buf, &nsize, &r);
		fuzz_verdict(err, &r);
		if (err)
			abort();
		check_normalized(c.buf, size, nsize);
		if (ho_segments_check(seg, 2, c.buf, nsize, &r))
			abort();
	}
	fuzz_free(&c);
	return 0;
}
