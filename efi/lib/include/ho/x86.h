/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 boot protocol helpers: the setup_data chain.
 *
 * The chain starts at boot_params.hdr.setup_data (a physical address, 0 =
 * empty); each entry is struct setup_data {u64 next; u32 type; u32 len;
 * u8 data[len]}. Entries are read and written through struct ho_phys, so the
 * same code walks real memory in the purgatory and a buffer in a test.
 */
#ifndef HO_X86_H
#define HO_X86_H

#include <stddef.h>
#include <stdint.h>

#include "ho/check.h"
#include "ho/fixup.h"

#define HO_SETUP_KEXEC_KHO	10
#define HO_SETUP_DATA_MAX	256	/* longest chain we walk */

struct ho_setup_data {
	uint64_t next;
	uint32_t type;
	uint32_t len;
};

/*
 * Find the first entry of type; *addr = its physical address. The whole
 * chain must be readable (else HO_ERR_SETUP_DATA_BAD) and end within
 * HO_SETUP_DATA_MAX entries (else HO_ERR_SETUP_DATA_LOOP).
 */
int ho_sd_find(const struct ho_phys *p, uint64_t head, uint32_t type,
	       uint64_t *addr);
/*
 * Unlink the first entry of type from the chain whose head pointer is *head
 * (the caller's boot_params field); *addr = the unlinked entry.
 */
int ho_sd_unlink(const struct ho_phys *p, uint64_t *head, uint32_t type,
		 uint64_t *addr);
/*
 * Read the SETUP_KEXEC_KHO payload of the entry at addr. The payload may be
 * longer than the 32-byte kho_data (the kernel reads only those): that is
 * where ho_sd_make_kho() puts the relocated FDT and scratch table.
 */
int ho_sd_kho_data(const struct ho_phys *p, uint64_t addr,
		   struct ho_kho_data *kd);
/* Link the entry at addr (header already written) in front of *head. */
int ho_sd_insert(const struct ho_phys *p, uint64_t *head, uint64_t addr);

/*
 * Relocation into one SETUP_KEXEC_KHO entry, which the new kernel reserves
 * as a whole before its early allocator runs: header, kho_data, the KHO FDT
 * (8-byte aligned), the scratch table (16-byte aligned). ho_sd_kho_size()
 * is the entry size needed (0 on overflow); ho_sd_make_kho() writes the
 * entry (next = 0) at entry/entry_phys, copies fdt and scratch (kd's sizes)
 * and points *kd at the copies. Link it with ho_sd_insert() after
 * unlinking the old entry.
 */
uint64_t ho_sd_kho_size(const struct ho_kho_data *kd);
int ho_sd_make_kho(void *entry, uint64_t entry_phys, uint64_t entry_size,
		   struct ho_kho_data *kd, const void *fdt,
		   const void *scratch);

#endif /* HO_X86_H */
