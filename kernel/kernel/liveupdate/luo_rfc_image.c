// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: the handover a kexec_load image
 * carries.
 */

/**
 * DOC: The handover in the loaded image
 *
 * With kexec_file_load the kernel puts its own outgoing handover into the
 * image. With kexec_load the loader builds the boot data, and it may carry
 * this kernel's handover (luo-kexec -l), none (kexec-tools' kexec -l on
 * x86), or a stale one: kexec-tools on arm64 builds the next DTB from
 * /sys/firmware/fdt, whose /chosen still names the handover this kernel was
 * booted with, long since restored and its memory reused. The next kernel
 * would follow that pointer into whatever lies there now.
 *
 * luo_image_handover() reads the loaded segments (kimage_map_segment(), each
 * segment mapped once, on first use) as a &struct ho_phys, and the
 * architecture's luo_arch_image_handover() looks for the handover in its
 * boot data with the stage library's own readers: x86's setup_data chain
 * (SETUP_KEXEC_KHO) from each segment that holds a struct boot_params, or
 * arm64's /chosen linux,kho-fdt in each segment that holds a DTB. The
 * pre-jump check then refuses a stale handover, and a kexec that would carry
 * none while there is something to hand over; one that carries none and
 * has nothing to lose goes ahead without the check.
 */

#include <linux/kexec.h>
#include <linux/slab.h>

#include <ho/check.h>

#include "luo_rfc_handover.h"

struct luo_image {
	struct ho_phys phys;
	struct kimage *image;
	void **maps;
};

/* ho_phys.map over the image: [addr, addr + size) inside one segment. */
static void *luo_image_map(const struct ho_phys *p, uint64_t addr,
			   uint64_t size)
{
	const struct luo_image *im = container_of(p, struct luo_image, phys);
	const struct kexec_segment *seg;
	unsigned long i;
	u64 off;

	for (i = 0; i < im->image->nr_segments; i++) {
		seg = &im->image->segment[i];
		if (addr < seg->mem || addr - seg->mem >= seg->memsz)
			continue;
		off = addr - seg->mem;
		if (!size || size > seg->memsz - off)
			return NULL;
		if (!im->maps[i])
			im->maps[i] = kimage_map_segment(im->image, i);
		return im->maps[i] ? im->maps[i] + off : NULL;
	}
	return NULL;
}

/**
 * luo_image_handover - the handover a kexec_load image carries
 * @image: the loaded image (not kexec_file_load's)
 * @kd:    the handover it names, on success
 *
 * Context: process context, the kexec lock held.
 * Return: 0 when the image names a handover (in @kd); -ENOENT when it
 * names none; -EBADMSG when its boot data names one that cannot be read
 * (a short or broken entry); -EOPNOTSUPP on an architecture without
 * luo_arch_image_handover(); -ENOMEM.
 */
int luo_image_handover(struct kimage *image, struct ho_handover *kd)
{
	struct luo_image im = {
		.phys = { .map = luo_image_map },
		.image = image,
	};
	unsigned long i;
	int err;

	im.maps = kcalloc(image->nr_segments, sizeof(*im.maps), GFP_KERNEL);
	if (!im.maps)
		return -ENOMEM;
	err = luo_arch_image_handover(&im.phys, image, kd);
	for (i = 0; i < image->nr_segments; i++)
		kimage_unmap_segment(im.maps[i]);
	kfree(im.maps);
	return err;
}
