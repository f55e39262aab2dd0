/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The handover descriptor, on every architecture: where the KHO FDT and the
 * scratch table (struct ho_scratch[]) lie in physical memory. How it reaches
 * the next kernel is the arch's business (x86: the SETUP_KEXEC_KHO
 * setup_data entry, ho/x86.h).
 */
#ifndef HO_HANDOVER_H
#define HO_HANDOVER_H

#include <stdint.h>

struct ho_handover {
	uint64_t fdt_addr, fdt_size, scratch_addr, scratch_size;
};

#endif /* HO_HANDOVER_H */
