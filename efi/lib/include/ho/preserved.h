/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a handover preserves, object by object (the blocks the receiving
 * kernel restores, at the order it restores them), moving a whole handover
 * by one offset, KHO's preserved-memory map rebuilt for a moved one, and a
 * dump for a bring-up engineer's first look. Used by the EFI stage
 * (efi/app) and its host tests.
 *
 * Every function reads the handover through struct ho_phys only, with every
 * FDT checked by ho_fdt_check() before libfdt walks it, so they are safe on
 * a handover the checks rejected (the dump's purpose) as well as on one they
 * accepted.
 */
#ifndef HO_PRESERVED_H
#define HO_PRESERVED_H

#include <stdint.h>

#include "ho/ho.h"

/*
 * One preserved object as the receiving kernel restores it: a block of
 * 4 KiB << order bytes at phys, which KHO's preserved-memory map must list
 * with that order (kho_restore_folio() takes its size from there). what
 * names it for messages ("luo-rfc", "memfd@0x1100000 folio 3").
 */
typedef int (*ho_obj_fn)(void *ctx, uint64_t phys, uint32_t order,
			    const char *what);

/*
 * Call fn for every preserved object of the handover kd, in the order the
 * kernel meets them: each KHO subtree blob (one block of get_order(blob-size)),
 * and inside the luo-rfc blob every memfd-rfc-v2 file's FDT page, its folio
 * table (a kho_vmalloc area: each chunk and page, order 0) and each folio. Not the KHO FDT
 * and scratch table (arch code hands those over), nor the map page itself.
 * A block not aligned to its own size cannot be restored by any kernel:
 * HO_ERR_PROP_UNALIGNED. fn's non-zero return stops the walk and is returned.
 */
int ho_preserved_walk(const struct ho_handover *kd,
			 const struct ho_phys *phys, ho_obj_fn fn,
			 void *ctx, struct ho_report *rep);

/*
 * The KHO root's preserved-memory-map (the radix tree's root page) in *map;
 * HO_ERR_MISSING_PROP when the FDT at kd has none of 8 bytes.
 */
int ho_preserved_map_root(const struct ho_handover *kd, const struct ho_phys *phys,
		   uint64_t *map);

/*
 * Move a checked handover by delta bytes: every physical address it holds
 * (preserved-memory-map, subtree preserved-data, memfd file data, folio
 * table address, its chunk and page pointers, every folio, the scratch
 * ranges) and kd's FDT and scratch
 * table addresses, rewritten in place through phys (which still maps the old
 * addresses; the caller moves its windows afterwards). Only what the stage
 * knows the layout of can move: a subtree other than luo-rfc, a file other
 * than memfd-rfc-v2 or a subsystem with data is HO_ERR_NO_SCHEMA, nothing
 * changed. delta must keep every block aligned (a multiple of the largest).
 */
int ho_handover_rebase(struct ho_handover *kd, const struct ho_phys *phys,
		 int64_t delta, struct ho_report *rep);

/*
 * KHO's preserved-memory map for a handover ho_handover_rebase() moved (its keys
 * encode each block's pfn, so the bundle's tree no longer fits): the root
 * page at preserved-memory-map is zeroed and every block ho_preserved_walk()
 * gives is inserted with the stage library's builder (ho_radix_insert(),
 * 4 KiB pages). alloc(ctx) returns a zeroed page that phys maps, 0 when there
 * is none (HO_ERR_NO_SPACE). *nblocks: blocks inserted. The result is for
 * ho_check_handover() to prove, not trusted here.
 */
int ho_preserved_tree_rebuild(const struct ho_handover *kd, const struct ho_phys *phys,
		       uint64_t (*alloc)(void *ctx), void *ctx,
		       uint64_t *nblocks, struct ho_report *rep);

/* Smallest order with 4 KiB << order >= size (size 0: 0). */
uint32_t ho_page_order(uint64_t size);

/* One line of text, without its newline. */
typedef void (*ho_line_fn)(void *ctx, const char *line);

/*
 * The bring-up engineer's first look: the KHO root (compatible,
 * preserved-memory-map, subtrees), the LUO blob (count, sessions, files with
 * token, session and handler data, memfd size, seals and folios), the
 * scratch table, and for each of these ranges whether mm calls it RAM or
 * which other range it meets, one line each ("kho: compatible ...", without
 * a newline or a prefix: the caller adds its own, the EFI app
 * "luo-stage: dump: "). Bounded: at most max_lines lines (0: no limit),
 * then one line saying how many were left out.
 */
void ho_handover_dump(const struct ho_handover *kd, const struct ho_phys *phys,
		const struct ho_memmap *mm, uint32_t max_lines,
		ho_line_fn out, void *ctx);

#endif /* HO_PRESERVED_H */
