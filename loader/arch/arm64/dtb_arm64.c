// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DTB the next arm64 kernel boots with: the running system's
 * (/sys/firmware/fdt) with /chosen rewritten for it. The handover goes in
 * as drivers/of/fdt.c early_init_dt_check_kho reads it and dt-schema's
 * chosen.yaml documents it: linux,kho-fdt = <addr size> of the KHO FDT,
 * linux,kho-scratch = <addr size> of the scratch table, in the root's
 * #address-cells / #size-cells. The running kernel's DTB still carries the
 * pair (and the initrd) it booted with: those are removed first, with the
 * /memreserve/ entry that kept the old scratch table (or the old relocation
 * area, when the previous purgatory moved the handover there).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <ho/arm64.h>

#include "ld_arm64.h"

static int __attribute__((format(printf, 4, 5)))
say(int err, char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Every node and property of a header-checked blob walks (bounded by size). */
static int walk_ok(const void *fdt)
{
	int node, prop, len, depth = 0;

	/* fdt_next_node returns a depth below 0 past the root's end. */
	for (node = 0; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth)) {
		if (!fdt_get_name(fdt, node, &len))
			return len;
		fdt_for_each_property_offset(prop, fdt, node)
			if (!fdt_getprop_by_offset(fdt, prop, NULL, &len))
				return len;
		if (prop != -FDT_ERR_NOTFOUND)
			return prop;
	}
	return node >= 0 || node == -FDT_ERR_NOTFOUND ? 0 : node;
}

static int check_src(const struct ld_a64_dtb_in *in, char *why, size_t ws)
{
	int err;

	if (!in->src || in->src_size < sizeof(struct fdt_header))
		return say(LD_ERR_DTB, why, ws, "dtb: %zu bytes, no FDT header", in->src_size);
	err = fdt_check_header(in->src);
	if (err)
		return say(LD_ERR_DTB, why, ws, "dtb: %s", fdt_strerror(err));
	if (fdt_totalsize(in->src) > in->src_size || fdt_totalsize(in->src) > LD_A64_DTB_MAX)
		return say(LD_ERR_DTB, why, ws, "dtb: totalsize %u, the file %zu bytes (at most %u)",
			   fdt_totalsize(in->src), in->src_size, LD_A64_DTB_MAX);
	err = walk_ok(in->src);
	if (err)
		return say(LD_ERR_DTB, why, ws, "dtb: structure: %s", fdt_strerror(err));
	return LD_OK;
}

/*
 * The library's /chosen edits (ho/arm64.h, shared with the purgatory) in
 * libfdt's error space, for STEP(): no room is -FDT_ERR_NOSPACE (grow and
 * retry), an address that does not fit the cells -FDT_ERR_BADNCELLS.
 */
static int ho2fdt(int err)
{
	return !err ? 0 : err == HO_ERR_NO_SPACE ? -FDT_ERR_NOSPACE :
		err == HO_ERR_PROP_RANGE ? -FDT_ERR_BADNCELLS : -FDT_ERR_BADVALUE;
}

static int del(void *fdt, const char *prop)
{
	return ho2fdt(ho_dtb_chosen_del(fdt, prop));
}

/* prop = one number in the root's #address-cells (1 or 2). */
static int set_addr(void *fdt, const char *prop, uint64_t v)
{
	int ac = fdt_address_cells(fdt, 0), chosen = fdt_path_offset(fdt, "/chosen");

	if (chosen < 0)
		return chosen;
	if (ac == 2)
		return fdt_setprop_u64(fdt, chosen, prop, v);
	if (ac != 1 || v > UINT32_MAX)
		return -FDT_ERR_BADNCELLS;
	return fdt_setprop_u32(fdt, chosen, prop, (uint32_t)v);
}

/* kaslr-seed (8 bytes) and rng-seed (as long as it was, at most 64) refilled. */
static int reseed(void *fdt, const uint8_t *seed)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len, err = 0;

	if (chosen < 0)
		return chosen;
	if (fdt_getprop(fdt, chosen, "kaslr-seed", &len))
		err = fdt_setprop(fdt, chosen, "kaslr-seed", seed, 8);
	chosen = fdt_path_offset(fdt, "/chosen");
	if (!err && fdt_getprop(fdt, chosen, "rng-seed", &len) && len > 0)
		err = fdt_setprop(fdt, chosen, "rng-seed", seed + 8,
				  len < LD_A64_SEED_MAX ? len : LD_A64_SEED_MAX);
	return err;
}

/* Drop the /memreserve/ entries equal to [addr, addr + size). */
static int unreserve(void *fdt, uint64_t addr, uint64_t size)
{
	int n = fdt_num_mem_rsv(fdt), err;
	uint64_t a, s;

	if (n < 0)
		return n;
	while (n-- > 0) {
		err = fdt_get_mem_rsv(fdt, n, &a, &s);
		if (err)
			return err;
		if (a == addr && s == size) {
			err = fdt_del_mem_rsv(fdt, n);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * fdt_open_into needs cap >= the source's totalsize, free space included:
 * a source with spare room is packed into a copy first.
 */
static int open_packed(const void *src, void *buf, uint32_t cap)
{
	uint32_t size = fdt_totalsize(src);
	void *tmp;
	int err;

	if (size <= cap)
		return fdt_open_into(src, buf, cap);
	tmp = malloc(size);
	if (!tmp)
		return -FDT_ERR_NOSPACE;
	err = fdt_open_into(src, tmp, size);
	if (!err)
		err = fdt_pack(tmp);
	if (!err)
		err = fdt_open_into(tmp, buf, cap);
	free(tmp);
	return err;
}

#define STEP(what, call) do { \
		err = (call); \
		if (err) { \
			step = (what); \
			goto fail; \
		} \
	} while (0)

int ld_a64_dtb_edit(const struct ld_a64_dtb_in *in, void *buf, uint32_t cap,
		    uint32_t *used, char *why, size_t ws)
{
	const char *cmdline = in->cmdline ? in->cmdline : "";
	uint64_t old_addr, old_size, area, area_size;
	struct ho_handover old;
	bool old_rsv, old_moved;
	const char *step;
	int err;

	err = check_src(in, why, ws);
	if (err)
		return err;
	if (in->handover && (!in->fdt_size || !in->scratch_size))
		return say(LD_ERR_INVAL, why, ws, "dtb: empty KHO FDT or scratch table");
	old_rsv = !ho_dtb_chosen_range(in->src, HO_DTB_KHO_SCRATCH, &old_addr, &old_size) &&
		  old_size;
	/* A relocated handover: the area [FDT, end of the table) was reserved. */
	old_moved = old_rsv && !ho_dtb_handover(in->src, &old) &&
		    ho_dtb_reloc_area(&old, &area, &area_size);
	STEP("open", open_packed(in->src, buf, cap));
	if (fdt_path_offset(buf, "/chosen") == -FDT_ERR_NOTFOUND) {
		int node = fdt_add_subnode(buf, 0, "chosen");

		STEP("add /chosen", node < 0 ? node : 0);
	}
	STEP("remove linux,kho-fdt", del(buf, HO_DTB_KHO_FDT));
	STEP("remove linux,kho-scratch", del(buf, HO_DTB_KHO_SCRATCH));
	STEP("remove linux,initrd-start", del(buf, "linux,initrd-start"));
	STEP("remove linux,initrd-end", del(buf, "linux,initrd-end"));
	if (old_rsv)
		STEP("remove the old scratch table's /memreserve/",
		     unreserve(buf, old_addr, old_size));
	if (old_moved)
		STEP("remove the old relocation area's /memreserve/",
		     unreserve(buf, area, area_size));
	STEP("set bootargs", fdt_setprop_string(buf, fdt_path_offset(buf, "/chosen"),
						"bootargs", cmdline));
	if (in->initrd_size) {
		if (in->initrd_start + in->initrd_size < in->initrd_start)
			return say(LD_ERR_INVAL, why, ws, "dtb: initrd wraps around");
		STEP("set linux,initrd-start", set_addr(buf, "linux,initrd-start",
							in->initrd_start));
		STEP("set linux,initrd-end", set_addr(buf, "linux,initrd-end",
						      in->initrd_start + in->initrd_size));
	}
	if (in->handover) {
		struct ho_handover kd = { in->fdt_addr, in->fdt_size, in->scratch_addr,
					  in->scratch_size };

		STEP("set linux,kho-fdt and linux,kho-scratch",
		     ho2fdt(ho_dtb_handover_set(buf, &kd)));
		STEP("reserve the scratch table", fdt_add_mem_rsv(buf, in->scratch_addr,
								  in->scratch_size));
	}
	if (in->seed)
		STEP("set kaslr-seed / rng-seed", reseed(buf, in->seed));
	STEP("pack", fdt_pack(buf));
	*used = fdt_totalsize(buf);
	return LD_OK;
fail:
	if (err == -FDT_ERR_NOSPACE)
		return say(LD_ERR_BUF_SIZE, why, ws, "dtb: %s: no room in %u bytes", step, cap);
	return say(LD_ERR_DTB_EDIT, why, ws, "dtb: %s: %s", step, fdt_strerror(err));
}

int ld_a64_dtb_size(const struct ld_a64_dtb_in *in, uint32_t *size, char *why, size_t ws)
{
	uint32_t cap, used;
	void *buf;
	int err;

	err = check_src(in, why, ws);
	if (err)
		return err;
	/* The first try has no more room than the source (packed: none). */
	for (cap = fdt_totalsize(in->src);; cap += cap / 2 + 1024) {
		if (cap > LD_A64_DTB_MAX)
			cap = LD_A64_DTB_MAX;
		buf = malloc(cap);
		if (!buf)
			return say(LD_ERR_INVAL, why, ws, "dtb: out of memory");
		err = ld_a64_dtb_edit(in, buf, cap, &used, why, ws);
		free(buf);
		if (err != LD_ERR_BUF_SIZE)
			break;
		if (cap == LD_A64_DTB_MAX)
			return say(LD_ERR_DTB_TOO_BIG, why, ws,
				   "dtb: the edited tree does not fit in %u bytes", LD_A64_DTB_MAX);
	}
	if (!err)
		*size = used;
	return err;
}
