/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KHO's preserved-memory map (kho-v4, Linux 7.3
 * include/linux/kho/abi/kexec_handover.h, "KHO persistent memory tracker"):
 * a radix tree of 4 KiB pages. Keys encode a block's physical address and
 * order: key = 1 << (52 - order) | phys >> (12 + order). Levels 5 to 1 are
 * tables of 512 physical addresses indexed by key bits 51-15 (9 bits a
 * level); level 0 is a bitmap of key bits 14-0. The receiving kernel walks
 * it in kho_mem_retrieve() and marks each block preserved with its order,
 * which kho_restore_folio() then checks.
 *
 * The old kernel writes this tree; on the EFI path the stage is the old
 * kernel, so it builds the tree for the blocks it placed. Pure C; pages
 * come from the caller (identity-mapped, zeroed).
 */
#ifndef STAGE_KHO_RADIX_H
#define STAGE_KHO_RADIX_H

#include <stdint.h>

/* A zeroed 4 KiB page, identity mapped; 0 when there is none. */
typedef uint64_t (*kho_radix_page_fn)(void *ctx);

struct kho_radix {
	uint64_t root;			/* level-5 table, zeroed by the caller */
	kho_radix_page_fn page;
	void *ctx;
	uint64_t nodes;			/* pages taken from page() */
};

/* 0, or -1 when phys/order do not form a key or page() gave nothing. */
int kho_radix_add(struct kho_radix *r, uint64_t phys, uint32_t order);



/* Blocks the tree at root holds, counted the way the kernel walks it. */
uint64_t kho_radix_count(uint64_t root);
#endif /* STAGE_KHO_RADIX_H */
