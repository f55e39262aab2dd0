/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 boot protocol helpers: the e820 memory map and the setup_data chain.
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
#include "ho/handover.h"

/*
 * e820 types (arch/x86/include/asm/e820/types.h) and the library's memory
 * types (ho/memmap.h): ho_mem_type_from_e820() for maps read from x86 boot
 * data, ho_e820_type() for maps written into it (boot_params.e820_table).
 * Unknown e820 types are HO_MEM_RESERVED (never usable); HO_MEM_RESERVED
 * and unknown library types become E820 reserved.
 */
#define HO_E820_RAM		1
#define HO_E820_RESERVED	2
#define HO_E820_ACPI		3
#define HO_E820_NVS		4
#define HO_E820_UNUSABLE	5
#define HO_E820_PMEM		7
#define HO_E820_PRAM		12	/* legacy persistent memory */

/* One boot_params.e820_table entry (struct boot_e820_entry, packed). */
struct ho_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct ho_e820_entry) == 20, "boot_e820_entry is 20 bytes");

uint32_t ho_mem_type_from_e820(uint32_t e820_type);
uint32_t ho_e820_type(uint32_t mem_type);
/*
 * Convert n e820 entries into ranges[0 .. cap): returns the number written,
 * min(n, cap).
 */
uint32_t ho_e820_to_memmap(const struct ho_e820_entry *e, uint32_t n,
			   struct ho_mem_range *ranges, uint32_t cap);

#define HO_SETUP_KEXEC_KHO	10
#define HO_SETUP_DATA_MAX	256	/* longest chain we walk */

struct ho_setup_data {
	uint64_t next;
	uint32_t type;
	uint32_t len;
};

/*
 * The SETUP_KEXEC_KHO payload (struct kho_data in
 * arch/x86/include/uapi/asm/setup_data.h): the kernel reads these 32 bytes.
 * It carries the four fields of struct ho_handover in the same order, so the
 * two convert field by field (ho_sd_kho_data(), ho_sd_make_kho()).
 */
struct ho_sd_kho {
	uint64_t fdt_addr, fdt_size, scratch_addr, scratch_size;
};
_Static_assert(sizeof(struct ho_sd_kho) == 32, "kho_data is 32 bytes");
_Static_assert(sizeof(struct ho_sd_kho) == sizeof(struct ho_handover) &&
	       offsetof(struct ho_sd_kho, fdt_addr) ==
	       offsetof(struct ho_handover, fdt_addr) &&
	       offsetof(struct ho_sd_kho, fdt_size) ==
	       offsetof(struct ho_handover, fdt_size) &&
	       offsetof(struct ho_sd_kho, scratch_addr) ==
	       offsetof(struct ho_handover, scratch_addr) &&
	       offsetof(struct ho_sd_kho, scratch_size) ==
	       offsetof(struct ho_handover, scratch_size),
	       "kho_data carries struct ho_handover's four u64 in order");

static inline struct ho_sd_kho ho_sd_kho_from(const struct ho_handover *h)
{
	return (struct ho_sd_kho){
		.fdt_addr = h->fdt_addr, .fdt_size = h->fdt_size,
		.scratch_addr = h->scratch_addr, .scratch_size = h->scratch_size,
	};
}

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
 * Read the SETUP_KEXEC_KHO payload of the entry at addr into *kd. The payload
 * may be longer than the 32-byte struct ho_sd_kho (the kernel reads only those): that is
 * where ho_sd_make_kho() puts the relocated FDT and scratch table.
 */
int ho_sd_kho_data(const struct ho_phys *p, uint64_t addr,
		   struct ho_handover *kd);
/* Link the entry at addr (header already written) in front of *head. */
int ho_sd_insert(const struct ho_phys *p, uint64_t *head, uint64_t addr);

/*
 * Relocation into one SETUP_KEXEC_KHO entry, which the new kernel reserves
 * as a whole before its early allocator runs: header, struct ho_sd_kho, the KHO FDT
 * (8-byte aligned), the scratch table (16-byte aligned). ho_sd_kho_size()
 * is the entry size needed (0 on overflow); ho_sd_make_kho() writes the
 * entry (next = 0) at entry/entry_phys, copies fdt and scratch (kd's sizes)
 * and points *kd at the copies. Link it with ho_sd_insert() after
 * unlinking the old entry.
 */
uint64_t ho_sd_kho_size(const struct ho_handover *kd);
int ho_sd_make_kho(void *entry, uint64_t entry_phys, uint64_t entry_size,
		   struct ho_handover *kd, const void *fdt,
		   const void *scratch);

/*
 * Test-only (ho/fault.h has the arch-neutral fault classes): shorten the
 * length of the first SETUP_KEXEC_KHO entry in the chain at head to half a
 * struct ho_sd_kho, so that ho_sd_kho_data() returns HO_ERR_KHO_DATA_SIZE.
 * The chain's errors as ho_sd_find().
 */
int ho_fault_sd_kho_len(const struct ho_phys *p, uint64_t head);

#endif /* HO_X86_H */
