// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 boot protocol helpers (ho/x86.h): e820 types to and from the
 * library's memory types; the setup_data chain, read and unlinked through
 * struct ho_phys.
 * Every operation first checks that the whole chain is readable and ends
 * within HO_SETUP_DATA_MAX entries, so a cycle is an error, never a hang,
 * and an unlink never works on a chain that is broken further down.
 */
#include "internal.h"
#include "ho/fixup.h"
#include "ho/x86.h"

static const struct {
	uint32_t e820, mem;
} e820_types[] = {
	{ HO_E820_RAM,		HO_MEM_RAM },
	{ HO_E820_RESERVED,	HO_MEM_RESERVED },
	{ HO_E820_ACPI,		HO_MEM_ACPI },
	{ HO_E820_NVS,		HO_MEM_NVS },
	{ HO_E820_UNUSABLE,	HO_MEM_UNUSABLE },
	{ HO_E820_PMEM,		HO_MEM_PMEM },
	{ HO_E820_PRAM,		HO_MEM_PMEM },	/* one way: PMEM goes back as 7 */
};
#define N_E820_TYPES (sizeof(e820_types) / sizeof(e820_types[0]))

/* The other side of the first row whose e820 (or mem) column is v. */
static uint32_t e820_lookup(uint32_t v, bool from_e820, uint32_t none)
{
	uint32_t i;

	for (i = 0; i < N_E820_TYPES; i++)
		if ((from_e820 ? e820_types[i].e820 : e820_types[i].mem) == v)
			return from_e820 ? e820_types[i].mem : e820_types[i].e820;
	return none;
}

uint32_t ho_mem_type_from_e820(uint32_t e820_type)
{
	return e820_lookup(e820_type, true, HO_MEM_RESERVED);
}

uint32_t ho_e820_type(uint32_t mem_type)
{
	return e820_lookup(mem_type, false, HO_E820_RESERVED);
}

uint32_t ho_e820_to_memmap(const struct ho_e820_entry *e, uint32_t n,
			   struct ho_mem_range *ranges, uint32_t cap)
{
	uint32_t i;

	for (i = 0; i < n && i < cap; i++)
		ranges[i] = (struct ho_mem_range){
			.addr = e[i].addr, .size = e[i].size,
			.type = ho_mem_type_from_e820(e[i].type),
		};
	return i;
}

/* Entries are 8-byte aligned (the kernel's own chain is). */
static struct ho_setup_data *sd_map(const struct ho_phys *p, uint64_t addr)
{
	struct ho_setup_data *sd;

	if (addr & 7)
		return 0;
	sd = ho_phys_map(p, addr, sizeof(*sd));
	return (uintptr_t)sd & 7 ? 0 : sd;
}

/* The chain is readable and ends within HO_SETUP_DATA_MAX entries. */
static int sd_chain_ok(const struct ho_phys *p, uint64_t head)
{
	struct ho_setup_data *sd;
	int i;

	for (i = 0; i < HO_SETUP_DATA_MAX && head; i++) {
		sd = sd_map(p, head);
		if (!sd)
			return HO_ERR_SETUP_DATA_BAD;
		head = sd->next;
	}
	return head ? HO_ERR_SETUP_DATA_LOOP : HO_OK;
}

/*
 * Walk a chain that passed sd_chain_ok() to the first entry of type. *link = where the pointer to it lives
 * (head or the previous entry's next field), *addr = the entry.
 */
static int sd_walk(const struct ho_phys *p, uint64_t *head, uint32_t type,
		   uint64_t **link, uint64_t *addr)
{
	struct ho_setup_data *sd;
	uint64_t *l = head;
	int err;

	err = sd_chain_ok(p, *head);
	if (err)
		return err;
	for (; *l; l = &sd->next) {
		sd = sd_map(p, *l);
		if (sd->type == type) {
			*link = l;
			*addr = *l;
			return HO_OK;
		}
	}
	return HO_ERR_NOT_FOUND;
}

int ho_sd_find(const struct ho_phys *p, uint64_t head, uint32_t type,
	       uint64_t *addr)
{
	uint64_t *link;

	return sd_walk(p, &head, type, &link, addr);
}

int ho_sd_unlink(const struct ho_phys *p, uint64_t *head, uint32_t type,
		 uint64_t *addr)
{
	struct ho_setup_data *sd;
	uint64_t *link;
	int err;

	err = sd_walk(p, head, type, &link, addr);
	if (err)
		return err;
	sd = sd_map(p, *addr);
	*link = sd->next;
	return HO_OK;
}

int ho_sd_kho_data(const struct ho_phys *p, uint64_t addr,
		   struct ho_handover *kd)
{
	const struct ho_setup_data *sd = sd_map(p, addr);
	const void *payload;
	struct ho_sd_kho k;

	if (!sd)
		return HO_ERR_SETUP_DATA_BAD;
	if (sd->type != HO_SETUP_KEXEC_KHO)
		return HO_ERR_NOT_FOUND;
	if (sd->len < sizeof(k))
		return HO_ERR_KHO_DATA_SIZE;
	payload = ho_phys_map(p, addr + sizeof(*sd), sizeof(k));
	if (!payload)
		return HO_ERR_SETUP_DATA_BAD;
	ho_memcpy(&k, payload, sizeof(k));
	*kd = (struct ho_handover){
		.fdt_addr = k.fdt_addr, .fdt_size = k.fdt_size,
		.scratch_addr = k.scratch_addr, .scratch_size = k.scratch_size,
	};
	return HO_OK;
}

int ho_sd_insert(const struct ho_phys *p, uint64_t *head, uint64_t addr)
{
	struct ho_setup_data *sd = sd_map(p, addr);

	if (!sd)
		return HO_ERR_SETUP_DATA_BAD;
	sd->next = *head;
	*head = addr;
	return HO_OK;
}

#define KHO_ENTRY_HDR	(sizeof(struct ho_setup_data) + sizeof(struct ho_sd_kho))

uint64_t ho_sd_kho_size(const struct ho_handover *kd)
{
	uint64_t n = ho_reloc_size(kd);

	if (!n || n > UINT32_MAX - KHO_ENTRY_HDR)
		return 0;
	return KHO_ENTRY_HDR + n;
}

int ho_sd_make_kho(void *entry, uint64_t entry_phys, uint64_t entry_size,
		   struct ho_handover *kd, const void *fdt,
		   const void *scratch)
{
	struct ho_setup_data sd = { 0, HO_SETUP_KEXEC_KHO, 0 };
	struct ho_sd_kho k;
	uint64_t need = ho_sd_kho_size(kd);
	uint8_t *e = entry;
	int err;

	if (!need || !entry)
		return HO_ERR_INVAL;
	if (need > entry_size)
		return HO_ERR_NO_SPACE;
	if (!ho_range_ok(entry_phys, KHO_ENTRY_HDR))
		return HO_ERR_ADDR_OVERFLOW;
	err = ho_relocate(kd, fdt, scratch, e + KHO_ENTRY_HDR,
			  entry_phys + KHO_ENTRY_HDR, need - KHO_ENTRY_HDR);
	if (err)
		return err;
	k = ho_sd_kho_from(kd);
	sd.len = (uint32_t)(need - sizeof(sd));
	ho_memcpy(e, &sd, sizeof(sd));
	ho_memcpy(e + sizeof(sd), &k, sizeof(k));
	return HO_OK;
}

int ho_fault_sd_kho_len(const struct ho_phys *p, uint64_t head)
{
	struct ho_setup_data *sd;
	uint64_t addr;
	int err;

	err = ho_sd_find(p, head, HO_SETUP_KEXEC_KHO, &addr);
	if (err)
		return err;
	sd = sd_map(p, addr);
	sd->len = sizeof(struct ho_sd_kho) / 2;
	return HO_OK;
}
