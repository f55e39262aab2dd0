// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64: the firmware's DTB with the handover in /chosen (dtb_arm64.h).
 * The same rules as the loader's DTB editing (loader/arch/arm64/dtb_arm64.c)
 * and drivers/of/fdt.c early_init_dt_check_kho: one <addr size> pair per
 * property, in the root's #address-cells and #size-cells
 * (fdt_appendprop_addrrange). The arm64 EFI stub (7.3
 * drivers/firmware/efi/libstub/fdt.c update_fdt) copies this DTB, sets
 * bootargs, linux,uefi-* and kaslr-seed in /chosen and drops the
 * /memreserve/ entries, nothing else: the pair reaches the kernel.
 */
#include <ho/arm64.h>
#include <ho/ho.h>
#include <libfdt.h>

#include "dtb_arm64.h"

#define DTB_ROOM	4096u	/* two properties, maybe /chosen, their names */
#define DTB_MAX		(64u << 20)

static int say(int err, char *why, size_t len, const char *what)
{
	struct ho_sbuf sb;

	ho_sb_init(&sb, why, len);
	ho_sb_puts(&sb, what);
	ho_sb_puts(&sb, ": ");
	ho_sb_puts(&sb, fdt_strerror(err));
	return err;
}

uint64_t stage_dtb_size(const void *src, uint64_t src_max)
{
	uint64_t total;

	if (!src || src_max < sizeof(struct fdt_header) || fdt_check_header(src))
		return 0;
	total = fdt_totalsize(src);
	if (total > src_max || total > DTB_MAX)
		return 0;
	return total + DTB_ROOM;
}

int stage_dtb_set_kho(const void *src, uint64_t src_max, void *dst,
		      uint64_t dst_size, const struct ho_handover *kd,
		      char *why, size_t whylen)
{
	uint64_t need = stage_dtb_size(src, src_max);
	struct ho_report rep;
	struct ho_sbuf sb;
	int err, chosen;

	if (!need)
		return say(-FDT_ERR_BADSTRUCTURE, why, whylen,
			   "firmware DTB: no valid FDT header, or larger than its table");
	if (dst_size < need || dst_size > INT32_MAX)
		return say(-FDT_ERR_NOSPACE, why, whylen, "DTB copy");
	if (ho_fdt_check(src, fdt_totalsize(src), &rep)) {
		ho_sb_init(&sb, why, whylen);
		ho_sb_puts(&sb, "firmware DTB: ");
		ho_sb_puts(&sb, ho_errname(rep.err));
		ho_sb_puts(&sb, " ");
		ho_sb_puts(&sb, rep.detail);
		return -FDT_ERR_BADSTRUCTURE;
	}
	err = fdt_open_into(src, dst, (int)dst_size);
	if (err)
		return say(err, why, whylen, "firmware DTB copy");
	/*
	 * Without the properties libfdt assumes 2/1 cells, the kernel
	 * (OF_ROOT_NODE_*_CELLS_DEFAULT) 1/1: refused, not guessed.
	 */
	if (!fdt_getprop(dst, 0, "#address-cells", NULL) ||
	    !fdt_getprop(dst, 0, "#size-cells", NULL))
		return say(-FDT_ERR_BADNCELLS, why, whylen,
			   "firmware DTB: root without #address-cells or #size-cells");
	chosen = fdt_path_offset(dst, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(dst, 0, "chosen");
	if (chosen < 0)
		return say(chosen, why, whylen, "/chosen");
	/* The pair itself: the library's one copy (ho/arm64.h), as the purgatory. */
	err = ho_dtb_handover_set(dst, kd);
	if (err) {
		ho_sb_init(&sb, why, whylen);
		ho_sb_puts(&sb, "/chosen linux,kho-fdt/-scratch: ");
		ho_sb_puts(&sb, ho_errname(err));
		return err == HO_ERR_NO_SPACE ? -FDT_ERR_NOSPACE : -FDT_ERR_BADVALUE;
	}
	return 0;
}
