// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory map queries and physical memory access (ho/memmap.h).
 *
 * Coverage is computed without sorting: starting at the range's start, find
 * a RAM entry containing the current point and jump to its end, until the
 * range is covered; at most one jump per entry, so O(n^2) in the worst case
 * and O(n) per step. Memory maps have tens of entries.
 */
#include "ho/memmap.h"

/* End of an entry, saturating: a map entry reaching 2^64 ends at UINT64_MAX. */
static uint64_t entry_end(const struct ho_mem_range *r)
{
	return r->addr + r->size < r->addr ? UINT64_MAX : r->addr + r->size;
}

static bool ram_covers(const struct ho_memmap *mm, uint64_t addr, uint64_t end)
{
	uint64_t cur = addr;
	uint32_t steps, i;

	for (steps = 0; steps <= mm->count && cur < end; steps++) {
		for (i = 0; i < mm->count; i++) {
			const struct ho_mem_range *r = &mm->ranges[i];

			if (r->type == HO_MEM_RAM && r->size &&
			    r->addr <= cur && cur < entry_end(r))
				break;
		}
		if (i == mm->count)
			return false;
		cur = entry_end(&mm->ranges[i]);
	}
	return cur >= end;
}

static bool hits_other(const struct ho_memmap *mm, uint64_t addr, uint64_t end)
{
	uint32_t i;

	for (i = 0; i < mm->count; i++) {
		const struct ho_mem_range *r = &mm->ranges[i];

		if (r->type != HO_MEM_RAM && r->size &&
		    r->addr < end && addr < entry_end(r))
			return true;
	}
	return false;
}

bool ho_mem_usable(const struct ho_memmap *mm, uint64_t addr, uint64_t size)
{
	uint64_t end = addr + size;

	if (!mm || !mm->ranges || !size || end < addr)
		return false;
	return ram_covers(mm, addr, end) && !hits_other(mm, addr, end);
}

void *ho_phys_window_map(const struct ho_phys *p, uint64_t addr, uint64_t size)
{
	uint32_t i;

	for (i = 0; i < p->nwin; i++) {
		const struct ho_window *w = &p->win[i];

		if (addr >= w->phys && addr - w->phys <= w->size &&
		    size <= w->size - (addr - w->phys))
			return (char *)w->ptr + (addr - w->phys);
	}
	return 0;
}

void *ho_phys_identity_map(const struct ho_phys *p, uint64_t addr,
			   uint64_t size)
{
	(void)p;
	if (addr > UINTPTR_MAX || size > UINTPTR_MAX - addr || !addr)
		return 0;
	return (void *)(uintptr_t)addr;
}

void *ho_phys_map(const struct ho_phys *p, uint64_t addr, uint64_t size)
{
	if (!p || !p->map || !size || addr + size < addr)
		return 0;
	return p->map(p, addr, size);
}
