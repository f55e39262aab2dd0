// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the x86 helpers. The input is memory at phys 0x1000
 * holding a setup_data chain whose head pointer is the first 8 bytes; the
 * chain is searched, its kho_data read and entries unlinked until none of
 * the type is left (bounded, since every unlink shortens the chain). The
 * last bytes also serve as a command line to append to.
 */
#include "fuzz_common.h"
#include "ho/x86.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void chain(struct fuzz_ctx *c, uint64_t head)
{
	struct ho_handover kd;
	uint64_t addr;
	uint32_t type;
	int i, err;

	for (type = 1; type <= HO_SETUP_KEXEC_KHO; type += 9) {
		err = ho_sd_find(&c->phys, head, type, &addr);
		fuzz_verdict(err, NULL);
		if (!err)
			fuzz_verdict(ho_sd_kho_data(&c->phys, addr, &kd), NULL);
		for (i = 0; i <= HO_SETUP_DATA_MAX; i++) {
			err = ho_sd_unlink(&c->phys, &head, type, &addr);
			fuzz_verdict(err, NULL);
			if (err)
				break;
		}
		if (i > HO_SETUP_DATA_MAX)
			abort();
	}
}

static void cmdline(const uint8_t *data, size_t size)
{
	char buf[64];
	size_t n = size < sizeof(buf) ? size : sizeof(buf);

	if (!n)
		return;
	memcpy(buf, data + size - n, n);
	fuzz_verdict(ho_cmdline_append(buf, n, "luo_stage.err",
				       "HO_ERR_BAD_MAGIC"), NULL);
	fuzz_verdict(ho_cmdline_append_u64(buf, n, "luo_stage.cycles",
					   size), NULL);
	if (!memchr(buf, 0, n) && memchr(data + size - n, 0, n))
		abort();	/* a terminated line stays terminated */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_ctx c;
	uint64_t head;

	if (size < 8 || fuzz_setup(&c, data, size, 0x1000))
		return 0;
	memcpy(&head, c.buf, 8);
	chain(&c, head);
	cmdline(data, size);
	fuzz_free(&c);
	return 0;
}
