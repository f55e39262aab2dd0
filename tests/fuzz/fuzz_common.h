/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared setup of the stage fuzzers: the input is a piece of "physical
 * memory" at a fixed address, so addresses inside the blobs (LUO subtree,
 * memfd data, folio tables) can point back into the input and the fuzzer
 * reaches the nested checks. The seeds are such images (mkseeds.c).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ho/ho.h"
#include "hobuild.h"

#ifdef HO_HAVE_GEN_TABLES
#define FUZZ_SCHEMAS ho_schemas
#else
#include "test_schemas.h"
#define FUZZ_SCHEMAS test_schemas
#endif

/* Image base per target: what phys the first input byte has. */
#define FUZZ_KHO_BASE	HB_ARENA_PHYS
#define FUZZ_LUO_BASE	(HB_ARENA_PHYS + FUZZ_KHO_SPACE)
#define FUZZ_KHO_SPACE	(4u << 10)
#define FUZZ_LUO_SPACE	(8u << 10)
/* run.sh gives kho and luo -max_len=FUZZ_MAX_INPUT: past HO_KHO_MAX_SUBTREES */
#define FUZZ_MAX_INPUT	(1u << 20)

struct fuzz_ctx {
	uint8_t *buf;			/* 8-byte aligned copy of the input */
	struct ho_mem_range ranges[3];
	struct ho_memmap mm;
	struct ho_window win;
	struct ho_phys phys;
	struct ho_env env;
	void *work;			/* env.work: 2 bytes per input byte + 64K */
};

/* Copy data (aligned) and describe it as RAM at base inside a bigger map. */
static inline int fuzz_setup(struct fuzz_ctx *c, const uint8_t *data,
			     size_t size, uint64_t base)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	c->buf = malloc(size ? size : 1);
	c->work = malloc(2 * size + (64u << 10));
	if (!c->buf || !c->work) {
		free(c->buf);
		free(c->work);
		return -1;
	}
	memcpy(c->buf, data, size);
	c->ranges[0] = (struct ho_mem_range){ 0x100000, 0x7ff00000,
					      HO_MEM_RAM };
	c->ranges[1] = (struct ho_mem_range){ 0x80000000, 0x100000,
					      HO_MEM_RESERVED };
	c->ranges[2] = (struct ho_mem_range){ 0x100000000ull, 0x40000000,
					      HO_MEM_RAM };
	c->mm = (struct ho_memmap){ c->ranges, 3 };
	c->win = (struct ho_window){ base, c->buf, size };
	c->phys = (struct ho_phys){ ho_phys_window_map, &c->win, 1 };
	c->env = (struct ho_env){ .memmap = &c->mm, .phys = &c->phys,
				  .schemas = FUZZ_SCHEMAS,
				  .flags = HO_CHECK_REQUIRE_LUO,
				  .work = c->work,
				  .work_size = 2 * size + (64u << 10) };
	return 0;
}

static inline void fuzz_free(struct fuzz_ctx *c)
{
	free(c->buf);
	free(c->work);
}

/* Every verdict must be a known code with a NUL-terminated report. */
static inline void fuzz_verdict(int err, const struct ho_report *r)
{
	if (err > 0 || err < -HO_ERR_COUNT ||
	    !strcmp(ho_errname(err), "HO_ERR_UNKNOWN") ||
	    (r && (r->err != err ||
		   !memchr(r->path, 0, sizeof(r->path)) ||
		   !memchr(r->detail, 0, sizeof(r->detail)))))
		abort();
}

#endif /* FUZZ_COMMON_H */
