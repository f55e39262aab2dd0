// SPDX-License-Identifier: GPL-2.0-only
/*
 * ho_check_handover(): the whole verdict on one handover, as the stage sees
 * it on x86 (a kho_data descriptor) plus the kexec segments.
 *
 * Order: where the two blobs are, the scratch table, the KHO FDT (and through
 * it the LUO FDT and memfd data), the disjointness of everything preserved
 * (one sort of the ranges collected on the way, in env->work), that no
 * scratch range holds preserved memory, then the segments against scratch.
 */
#include "internal.h"

static const char where_kd[] = "kho_data";

static int check_blob(const struct ho_env *env, uint64_t addr, uint64_t size,
		      const char *what, const void **p, struct ho_report *rep)
{
	if (!ho_range_ok(addr, size))
		return ho_fail_val(rep, HO_ERR_ADDR_OVERFLOW, where_kd, 0, -1,
				   what, addr);
	if (env->memmap && !ho_mem_usable(env->memmap, addr, size))
		return ho_fail_val(rep, HO_ERR_HANDOVER_OUTSIDE_RAM, where_kd,
				   0, -1, what, addr);
	*p = ho_phys_map(env->phys, addr, size);
	if (!*p)
		return ho_fail_val(rep, HO_ERR_ADDR_UNMAPPED, where_kd, 0, -1,
				   what, addr);
	return HO_OK;
}

static int fail_range(struct ho_report *rep, int err, const char *what,
		      uint64_t addr, const struct ho_range *hit)
{
	struct ho_sbuf sb;

	ho_fail_val(rep, err, "preserved", 0, -1, what, addr);
	if (rep) {
		ho_sb_init(&sb, rep->detail, sizeof(rep->detail));
		ho_sb_puts(&sb, what);
		ho_sb_puts(&sb, " ");
		ho_sb_hex(&sb, addr);
		ho_sb_puts(&sb, " meets ");
		ho_sb_hex(&sb, hit->addr);
		ho_sb_puts(&sb, "+");
		ho_sb_hex(&sb, hit->size);
	}
	return err;
}

/*
 * After the sweep (every preserved range disjoint from every other): the
 * KHO FDT and the scratch table are disjoint from those and from each
 * other, and no scratch range holds preserved memory (the new kernel
 * allocates from scratch before it knows what is preserved). The FDT and
 * the table themselves may lie in scratch: x86 reserves setup_data early.
 */
static int check_placement(const struct ho_handover *kd, const void *scratch,
			   const struct ho_work *w, struct ho_report *rep)
{
	uint64_t n = kd->scratch_size / sizeof(struct ho_scratch), i;
	struct ho_scratch e;
	struct ho_range hit;

	if (ho_work_hits(w, kd->fdt_addr, kd->fdt_size, &hit))
		return fail_range(rep, hit.addr == kd->fdt_addr ?
				  HO_ERR_RANGE_SHARED : HO_ERR_RANGE_OVERLAP,
				  "fdt_addr", kd->fdt_addr, &hit);
	if (ho_work_hits(w, kd->scratch_addr, kd->scratch_size, &hit))
		return fail_range(rep, hit.addr == kd->scratch_addr ?
				  HO_ERR_RANGE_SHARED : HO_ERR_RANGE_OVERLAP,
				  "scratch_addr", kd->scratch_addr, &hit);
	if (ho_ranges_overlap(kd->fdt_addr, kd->fdt_size, kd->scratch_addr,
			      kd->scratch_size)) {
		hit = (struct ho_range){ kd->fdt_addr, kd->fdt_size };
		return fail_range(rep, HO_ERR_RANGE_OVERLAP, "scratch_addr",
				  kd->scratch_addr, &hit);
	}
	for (i = 0; i < n; i++) {
		ho_memcpy(&e, (const uint8_t *)scratch + i * sizeof(e),
			  sizeof(e));
		if (ho_work_hits(w, e.addr, e.size, &hit))
			return fail_range(rep, HO_ERR_PRESERVED_IN_SCRATCH,
					  "scratch", e.addr, &hit);
	}
	return HO_OK;
}

int ho_check_handover(const struct ho_handover *kd,
		      const struct ho_segment *seg, uint32_t nseg,
		      const struct ho_env *env, struct ho_report *rep)
{
	uint64_t stack[HO_WORK_STACK / 8];
	const void *fdt, *scratch;
	struct ho_work w;
	int err;

	ho_report_clear(rep);
	if (!kd || !env || !env->phys)
		return ho_fail_at(rep, HO_ERR_INVAL, where_kd, 0, -1, "NULL");
	if (kd->fdt_size < sizeof(struct fdt_header))
		return ho_fail_val(rep, HO_ERR_FDT_TRUNCATED, where_kd, 0, -1,
				   "fdt_size", kd->fdt_size);
	if (!kd->scratch_size)
		return ho_fail_at(rep, HO_ERR_SCRATCH_EMPTY, where_kd, 0, -1,
				  "scratch_size");
	err = ho_work_init(&w, env, stack, sizeof(stack), rep);
	if (!err)
		err = check_blob(env, kd->fdt_addr, kd->fdt_size, "fdt_addr",
				 &fdt, rep);
	if (!err)
		err = check_blob(env, kd->scratch_addr, kd->scratch_size,
				 "scratch_addr", &scratch, rep);
	if (!err)
		err = ho_scratch_check_at(scratch, kd->scratch_size,
					  env->memmap, &w, rep);
	if (!err)
		err = ho_kho_check_at(fdt, kd->fdt_size, env, &w, rep);
	if (!err)
		err = ho_work_disjoint(&w, rep);
	if (!err)
		err = check_placement(kd, scratch, &w, rep);
	if (!err)
		err = ho_segments_check_at(seg, nseg, scratch,
					   kd->scratch_size, rep);
	return err;
}
