// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: the handover in an x86 kexec_load
 * image (see luo_rfc_image.c).
 */

#include <linux/kexec.h>
#include <asm/bootparam.h>

#include <ho/check.h>
#include <ho/x86.h>

#include "luo_rfc_handover.h"

/* setup_header.header: "HdrS" */
#define LUO_BOOT_HDR_MAGIC	0x53726448

/*
 * Each segment that starts with a struct boot_params (the setup header's
 * magic): its setup_data chain, read through @img, has a SETUP_KEXEC_KHO
 * entry or not. A chain that leaves the image cannot be followed and names
 * nothing the check could see.
 */
int luo_arch_image_handover(const struct ho_phys *img,
			    const struct kimage *image, struct ho_handover *kd)
{
	const struct boot_params *bp;
	unsigned long i;
	u64 addr;
	int herr;

	for (i = 0; i < image->nr_segments; i++) {
		bp = ho_phys_map(img, image->segment[i].mem, sizeof(*bp));
		if (!bp || bp->hdr.header != LUO_BOOT_HDR_MAGIC)
			continue;
		herr = ho_sd_find(img, bp->hdr.setup_data, HO_SETUP_KEXEC_KHO,
				  &addr);
		if (herr)
			continue;
		return ho_sd_kho_data(img, addr, kd) ? -EBADMSG : 0;
	}
	return -ENOENT;
}
