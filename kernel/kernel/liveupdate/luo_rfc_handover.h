/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live Update Orchestrator, RFC design: what the running kernel hands over
 * (luo_rfc_handover.c) and the check of it before the jump
 * (luo_rfc_prejump.c).
 */
#ifndef _KERNEL_LIVEUPDATE_LUO_RFC_HANDOVER_H
#define _KERNEL_LIVEUPDATE_LUO_RFC_HANDOVER_H

#include <linux/errno.h>
#include <linux/sysfs.h>
#include <linux/types.h>

struct kho_scratch;

/**
 * struct luo_kho_handover - where the outgoing KHO handover lives
 * @fdt_phys:   physical address of the KHO root FDT
 * @fdt_size:   its size as handed over (x86 kho_data.fdt_size)
 * @scratch:    the scratch table as the kernel hands it on (size-0 entries
 *              included)
 * @scratch_phys: physical address of @scratch
 * @nr_scratch: number of entries in @scratch
 */
struct luo_kho_handover {
	phys_addr_t fdt_phys;
	size_t fdt_size;
	const struct kho_scratch *scratch;
	phys_addr_t scratch_phys;
	unsigned int nr_scratch;
};

int luo_kho_handover(struct luo_kho_handover *ho);

int luo_prejump_check(bool needed);

struct kimage;
struct ho_phys;
struct ho_handover;
int luo_image_handover(struct kimage *image, struct ho_handover *kd);
#if IS_ENABLED(CONFIG_X86) || IS_ENABLED(CONFIG_ARM64)
int luo_arch_image_handover(const struct ho_phys *img,
			    const struct kimage *image, struct ho_handover *kd);
#else
static inline int luo_arch_image_handover(const struct ho_phys *img,
					  const struct kimage *image,
					  struct ho_handover *kd)
{
	return -EOPNOTSUPP;
}
#endif

/* /sys/kernel/liveupdate/{handover,formats}, in luo_attrs[]. */
extern struct kobj_attribute luo_handover_attr;
extern struct kobj_attribute luo_formats_attr;

#endif /* _KERNEL_LIVEUPDATE_LUO_RFC_HANDOVER_H */
