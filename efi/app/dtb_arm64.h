/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64: the handover in the DTB's /chosen (dtb_arm64.c; no EFI header). */
#ifndef STAGE_DTB_ARM64_H
#define STAGE_DTB_ARM64_H

#include <stddef.h>
#include <stdint.h>

#include <ho/handover.h>

/* Bytes stage_dtb_set_kho() wants for src; 0 when src is no FDT. */
uint64_t stage_dtb_size(const void *src, uint64_t src_max);

/*
 * Copy the firmware's DTB src (at most src_max bytes, checked with
 * the library's ho_fdt_check) into dst and set /chosen linux,kho-fdt = <fdt_addr
 * fdt_size> and linux,kho-scratch = <scratch_addr scratch_size> of kd in
 * the root's #address-cells / #size-cells (both must be there: libfdt and
 * the kernel default differently), as drivers/of/fdt.c
 * early_init_dt_check_kho reads them (a pair already there is replaced;
 * /chosen is created when missing). 0, or a negative libfdt error with one
 * sentence in why.
 */
int stage_dtb_set_kho(const void *src, uint64_t src_max, void *dst,
		      uint64_t dst_size, const struct ho_handover *kd,
		      char *why, size_t whylen);

#endif /* STAGE_DTB_ARM64_H */
