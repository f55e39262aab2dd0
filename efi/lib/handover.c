// SPDX-License-Identifier: GPL-2.0-only
/*
 * ho_check_handover(): the whole verdict on one handover, as the stage sees
 * it on x86 (a kho_data descriptor) plus the kexec segments.
 *
 * Order: where the two blobs are, the scratch table, the KHO FDT (and through
 * it the LUO FDT and memfd data), then the segments against scratch.
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

int ho_check_handover(const struct ho_kho_data *kd,
		      const struct ho_segment *seg, uint32_t nseg,
		      const struct ho_env *env, struct ho_report *rep)
{
	const void *fdt, *scratch;
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
	err = check_blob(env, kd->fdt_addr, kd->fdt_size, "fdt_addr", &fdt,
			 rep);
	if (!err)
		err = check_blob(env, kd->scratch_addr, kd->scratch_size,
				 "scratch_addr", &scratch, rep);
	if (!err)
		err = ho_scratch_check(scratch, kd->scratch_size, env->memmap,
				       rep);
	if (!err)
		err = ho_kho_check_at(fdt, kd->fdt_size, env, rep);
	if (!err)
		err = ho_segments_check(seg, nseg, scratch, kd->scratch_size,
					rep);
	return err;
}
