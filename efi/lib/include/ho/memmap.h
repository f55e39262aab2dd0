/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory map and physical memory access.
 *
 * A memory map is an array of typed ranges (enum ho_mem_type: only HO_MEM_RAM
 * is usable, every other type, and any value not listed, is not). Ranges may
 * come in any order; usable RAM may be split over several touching entries.
 * The types are the library's own: each front end converts from what its
 * boot data or its kernel says (x86 e820: ho/x86.h; Linux's
 * /sys/firmware/memmap strings: host/memmap.c; System RAM resources: the
 * kernel's pre-jump check; a device tree's memory and reserved-memory
 * nodes: RAM and reserved).
 *
 * struct ho_phys turns a physical range into a pointer the checker can read
 * (and the boot data helpers write). The purgatory uses the identity map;
 * host programs, tests and fuzzers use windows over their own buffers.
 */
#ifndef HO_MEMMAP_H
#define HO_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The x86_64 (and default) page size. The checks take the receiving
 * kernel's page size from struct ho_env (page_size); arm64 kernels run with
 * 4, 16 or 64 KiB pages.
 */
#define HO_PAGE_SIZE		4096ull
#define HO_PAGE_SIZE_MIN	4096ull
#define HO_PAGE_SIZE_MAX	65536ull

/* A page size the checks accept (struct ho_env page_size; 0 is the default). */
static inline bool ho_page_size_valid(uint64_t ps)
{
	return ps >= HO_PAGE_SIZE_MIN && ps <= HO_PAGE_SIZE_MAX &&
	       !(ps & (ps - 1));
}

/*
 * Zero is "reserved", so a map entry nobody filled in is never usable. The
 * kinds after RAM are kept apart for messages and for converting back to a
 * boot protocol; the checks only ask "RAM or not".
 */
enum ho_mem_type {
	HO_MEM_RESERVED = 0,	/* not usable: reserved, or of a kind not listed */
	HO_MEM_RAM,		/* usable RAM */
	HO_MEM_ACPI,		/* firmware tables the OS may reclaim (ACPI) */
	HO_MEM_NVS,		/* firmware non-volatile storage (ACPI NVS) */
	HO_MEM_UNUSABLE,	/* memory found defective */
	HO_MEM_PMEM,		/* persistent memory */
	HO_MEM_TYPES		/* count */
};

struct ho_mem_range {
	uint64_t addr, size;
	uint32_t type;		/* enum ho_mem_type */
};

struct ho_memmap {
	const struct ho_mem_range *ranges;
	uint32_t count;
};

/*
 * True when [addr, addr + size) is covered by usable RAM entries (touching
 * entries join) and intersects no entry of another type. size 0 is never
 * usable; a range that wraps is never usable.
 */
bool ho_mem_usable(const struct ho_memmap *mm, uint64_t addr, uint64_t size);

/* addr + size does not wrap (an end of exactly 2^64 counts as a wrap). */
static inline bool ho_range_ok(uint64_t addr, uint64_t size)
{
	return addr + size >= addr;
}

/* Do [a, a + asz) and [b, b + bsz) share a byte? Wrap-safe. */
static inline bool ho_ranges_overlap(uint64_t a, uint64_t asz,
				     uint64_t b, uint64_t bsz)
{
	if (!asz || !bsz)
		return false;
	return a >= b ? a - b < bsz : b - a < asz;
}

struct ho_window {
	uint64_t phys;
	void *ptr;
	uint64_t size;
};

struct ho_phys {
	/* Return a pointer to [addr, addr + size) or NULL. */
	void *(*map)(const struct ho_phys *p, uint64_t addr, uint64_t size);
	const struct ho_window *win;	/* for ho_phys_window_map */
	uint32_t nwin;
};

/* map for a struct ho_phys over .win[0 .. nwin): range must fit one window. */
void *ho_phys_window_map(const struct ho_phys *p, uint64_t addr, uint64_t size);
/* map for identity-mapped physical memory (purgatory). */
void *ho_phys_identity_map(const struct ho_phys *p, uint64_t addr,
			   uint64_t size);
/* NULL-safe call of p->map; also rejects size 0 and wrap-around. */
void *ho_phys_map(const struct ho_phys *p, uint64_t addr, uint64_t size);

#endif /* HO_MEMMAP_H */
