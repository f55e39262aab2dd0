// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: the handover in an arm64 kexec_load
 * image (see luo_rfc_image.c).
 */

#include <linux/kexec.h>
#include <linux/libfdt.h>

#include <ho/arm64.h>
#include <ho/check.h>

#include "luo_rfc_handover.h"

/*
 * Each segment that starts with a well-formed DTB: its /chosen
 * linux,kho-fdt and linux,kho-scratch (ho_dtb_handover()), both or
 * neither.
 */
int luo_arch_image_handover(const struct ho_phys *img,
			    const struct kimage *image, struct ho_handover *kd)
{
	struct ho_report rep = { 0 };
	const void *dtb;
	unsigned long i;
	u32 size;
	int herr;

	for (i = 0; i < image->nr_segments; i++) {
		dtb = ho_phys_map(img, image->segment[i].mem,
				  sizeof(struct fdt_header));
		if (!dtb || fdt_magic(dtb) != FDT_MAGIC)
			continue;
		size = fdt_totalsize(dtb);
		dtb = ho_phys_map(img, image->segment[i].mem, size);
		if (!dtb || ho_fdt_check(dtb, size, &rep))
			continue;
		herr = ho_dtb_handover(dtb, kd);
		if (herr == HO_ERR_NOT_FOUND)
			continue;
		return herr ? -EBADMSG : 0;
	}
	return -ENOENT;
}
