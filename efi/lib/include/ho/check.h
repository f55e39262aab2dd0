/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of a handover (docs/handover-format.md) before the jump.
 *
 * All checks are pure: bytes, a memory map and physical access in, a verdict
 * (HO_OK or a negative HO_ERR_*) out, with the place of the failure in an
 * optional struct ho_report. Nothing is modified.
 *
 *   ho_fdt_check        structure of any FDT: header, blocks, tags, names
 *   ho_schema_check     one FDT against one schema table (schema.h)
 *   ho_kho_check        KHO root FDT "kho-v4", following its subtrees
 *   ho_luo_check        our LUO FDT "luo-rfc-v1" (schema + C rules)
 *   ho_memfd_check      memfd handler data "memfd-v1" + its folio table
 *   ho_scratch_check    scratch table (array of {u64 addr, u64 size})
 *   ho_segments_check   every kexec segment inside scratch
 *   ho_check_handover   all of the above from a kho_data descriptor
 */
#ifndef HO_CHECK_H
#define HO_CHECK_H

#include <stdint.h>

#include "ho/err.h"
#include "ho/memmap.h"
#include "ho/schema.h"

#define HO_KHO_COMPATIBLE	"kho-v4"
#define HO_LUO_COMPATIBLE	"luo-rfc-v1"
#define HO_MEMFD_COMPATIBLE	"memfd-v1"
#define HO_LUO_SUBTREE		"luo-rfc"

/* Limits that keep every check bounded. */
#define HO_FDT_MAX_DEPTH	16
#define HO_FDT_MAX_SIZE		(16u << 20)	/* any FDT we follow */
#define HO_FOLIO_MAX_ORDER	18		/* 1 GiB folios */

/* ho_env.flags */
#define HO_CHECK_REQUIRE_LUO	(1u << 0)	/* KHO without luo-rfc is an error */

/* What the checks may look at besides the bytes they are given. */
struct ho_env {
	const struct ho_memmap *memmap;		/* NULL: no address checks */
	const struct ho_phys *phys;		/* NULL: nested blobs not followed */
	const struct ho_schema *const *schemas;	/* NULL-terminated; NULL: none */
	uint32_t flags;				/* HO_CHECK_* */
	/*
	 * Optional scratch memory for checks that are quadratic without it
	 * (token uniqueness over files in arbitrary order needs 16 bytes per
	 * file). NULL or too small: slower, same verdicts.
	 */
	void *work;
	uint64_t work_size;
};

/* x86 SETUP_KEXEC_KHO payload (arch/x86/include/uapi/asm/setup_data.h). */
struct ho_kho_data {
	uint64_t fdt_addr, fdt_size, scratch_addr, scratch_size;
};

/* One entry of the scratch table (Linux struct kho_scratch). */
struct ho_scratch {
	uint64_t addr, size;
};

/* Where a kexec segment lands. */
struct ho_segment {
	uint64_t mem, memsz;
};

/* One folio table entry of memfd-v1 (24 bytes, native endian). */
struct ho_memfd_folio {
	uint64_t phys;
	uint64_t index;
	uint32_t order;
	uint32_t flags;
};
#define HO_FOLIO_UPTODATE	(1u << 0)
#define HO_FOLIO_DIRTY		(1u << 1)

int ho_fdt_check(const void *fdt, uint64_t bufsize, struct ho_report *rep);

int ho_schema_check(const void *fdt, uint64_t size,
		    const struct ho_schema *schema,
		    const struct ho_memmap *memmap, struct ho_report *rep);
const struct ho_schema *ho_schema_find(const struct ho_schema *const *list,
				       const char *compatible);

int ho_kho_check(const void *fdt, uint64_t size, const struct ho_env *env,
		 struct ho_report *rep);
int ho_luo_check(const void *fdt, uint64_t size, const struct ho_env *env,
		 struct ho_report *rep);
int ho_memfd_check(const void *fdt, uint64_t size, const struct ho_env *env,
		   struct ho_report *rep);

int ho_scratch_check(const void *table, uint64_t size,
		     const struct ho_memmap *memmap, struct ho_report *rep);
int ho_segments_check(const struct ho_segment *seg, uint32_t nseg,
		      const void *scratch, uint64_t scratch_size,
		      struct ho_report *rep);

/*
 * Everything: kd's FDT and scratch table are read through env->phys (which
 * is required), and must lie in RAM when env->memmap is given.
 */
int ho_check_handover(const struct ho_kho_data *kd,
		      const struct ho_segment *seg, uint32_t nseg,
		      const struct ho_env *env, struct ho_report *rep);

#endif /* HO_CHECK_H */
