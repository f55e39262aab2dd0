/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shim for the kernel ABI headers (see linux/types.h here). The layouts the
 * library takes from them do not depend on the page size except
 * struct kho_vmalloc_chunk and KHO_BLOCK_SIZE, which luo_v5.c recomputes
 * from the receiving kernel's page size (struct ho_env page_size).
 */
#ifndef _ASM_PAGE_H
#define _ASM_PAGE_H
#define PAGE_SHIFT	12
#define PAGE_SIZE	(1ul << PAGE_SHIFT)
#endif
