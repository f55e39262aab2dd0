/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Library-internal helpers shared by the check files: failure reports and
 * typed property reads. Not installed; front ends use include/ho/.
 */
#ifndef HO_INTERNAL_H
#define HO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libfdt.h>

#include "ho/ho.h"
#include "ho/kho_radix.h"

/* Zero a report (NULL-safe); every public check starts with this. */
void ho_report_clear(struct ho_report *rep);

/*
 * Record err in rep (NULL-safe): path = "<where>:<path of node in fdt>"
 * (node < 0: just where), detail = what, then " = <val>" when has_val.
 * Returns err, so "return ho_fail(...)" reads naturally.
 */
int ho_fail(struct ho_report *rep, int err, const char *where,
	    const void *fdt, int node, const char *what,
	    bool has_val, uint64_t val);

static inline int ho_fail_at(struct ho_report *rep, int err, const char *where,
			     const void *fdt, int node, const char *what)
{
	return ho_fail(rep, err, where, fdt, node, what, false, 0);
}

static inline int ho_fail_val(struct ho_report *rep, int err, const char *where,
			      const void *fdt, int node, const char *what,
			      uint64_t val)
{
	return ho_fail(rep, err, where, fdt, node, what, true, val);
}

/*
 * Read a property of exactly the expected size; MISSING_PROP / PROP_SIZE
 * reported against node otherwise.
 */
int ho_prop_u64(const void *fdt, int node, const char *name, uint64_t *val,
		const char *where, struct ho_report *rep);
int ho_prop_u32(const void *fdt, int node, const char *name, uint32_t *val,
		const char *where, struct ho_report *rep);
/* A NUL-terminated, non-empty string without embedded NULs. */
int ho_prop_str(const void *fdt, int node, const char *name, const char **val,
		const char *where, struct ho_report *rep);
/* The root's compatible is want: HO_OK, its ho_prop_str() error, or
 * HO_ERR_BAD_COMPATIBLE. */
int ho_root_compat(const void *fdt, const char *want, const char *where,
		   struct ho_report *rep);
/* Check a string property's bytes: returns HO_OK or STRING_NO_NUL/BAD. */
int ho_str_valid(const char *s, int len);

/* Range in usable RAM, with overflow and zero size as distinct errors. */
int ho_check_addr(const struct ho_memmap *mm, uint64_t addr, uint64_t size,
		  const char *where, const void *fdt, int node,
		  const char *what, struct ho_report *rep);

struct ho_work;

/* ho_fdt_check() reporting failures under the name where. */
int ho_fdt_check_at(const void *fdt, uint64_t bufsize, const char *where,
		    struct ho_report *rep);

/*
 * Reading an FDT that passed ho_fdt_check_at() (fdt.c), with node and
 * property offsets from these readers or libfdt's: libfdt validates every
 * offset and name again on every call, these trust the check and return
 * what libfdt's function of the same name returns on that blob
 * (fdt_get_name, fdt_first_subnode, fdt_next_subnode,
 * fdt_first_property_offset, fdt_next_property_offset,
 * fdt_getprop_by_offset, fdt_getprop, fdt_subnode_offset; absent:
 * -FDT_ERR_NOTFOUND or NULL). Never on an unchecked blob.
 */
const char *ho_fdt_name(const void *fdt, int node, int *len);
int ho_fdt_first_subnode(const void *fdt, int node);
int ho_fdt_next_subnode(const void *fdt, int node);
int ho_fdt_first_prop(const void *fdt, int node);
int ho_fdt_next_prop(const void *fdt, int prop);
const void *ho_fdt_prop_at(const void *fdt, int prop, const char **name,
			   int *len);
const void *ho_fdt_getprop(const void *fdt, int node, const char *name,
			   int *len);
int ho_fdt_subnode(const void *fdt, int parent, const char *name);
/*
 * A u64 (u32) property read with libfdt from an FDT whose header was
 * checked: false when it is missing or not exactly 8 (4) bytes. No report.
 */
bool ho_fdt_u64(const void *fdt, int node, const char *name, uint64_t *v);
bool ho_fdt_u32(const void *fdt, int node, const char *name, uint32_t *v);
/* The children in one walk (fdt.c says how); never on an unchecked blob. */
int ho_fdt_body(const void *fdt, int node);
int ho_fdt_child_at(const void *fdt, int off, int *end);
int ho_fdt_node_end(const void *fdt, int node);

#define ho_fdt_for_each_subnode(node, fdt, parent)			\
	for ((node) = ho_fdt_first_subnode((fdt), (parent)); (node) >= 0;	\
	     (node) = ho_fdt_next_subnode((fdt), (node)))
#define ho_fdt_for_each_prop(prop, fdt, node)				\
	for ((prop) = ho_fdt_first_prop((fdt), (node)); (prop) >= 0;	\
	     (prop) = ho_fdt_next_prop((fdt), (prop)))

/*
 * A handover blob (KHO root, LUO, memfd) has no memory reservation entry:
 * KHO never writes one and nothing in the receiving kernel reads one (only
 * the boot DT's block is scanned), so memory "reserved" there is not.
 * HO_ERR_FDT_RSVMAP_ENTRY; fdt passed ho_fdt_check_at().
 */
int ho_fdt_no_rsv(const void *fdt, const char *where, struct ho_report *rep);

/* ho_schema_check() on an FDT that passed ho_fdt_check_at(). */
int ho_schema_check_at(const void *fdt, const struct ho_schema *schema,
		       const struct ho_memmap *mm, struct ho_work *w,
		       const char *where, struct ho_report *rep);

/* The kho_alloc_preserve() folio order for bytes (get_order()). */
uint32_t ho_alloc_order(uint64_t bytes, uint64_t page_size);

/*
 * Map an FDT at physical addr through env->phys: its header, then
 * min(totalsize, max) bytes, each checked against env->memmap first.
 * The caller still runs ho_fdt_check_at() on the result.
 */
int ho_map_fdt(const struct ho_env *env, uint64_t addr, uint64_t max,
	       const void **fdt, uint64_t *size, const char *where,
	       struct ho_report *rep);

/*
 * The work buffer of one top-level check (ho/check.h, HO_WORK_PER_RANGE):
 * preserved ranges grow from the bottom, temporary sort arrays are taken
 * from the top and given back in reverse order.
 */
struct ho_range {
	uint64_t addr, size;
};

struct ho_work {
	uint8_t *base;
	uint64_t size;		/* bytes */
	uint64_t nranges;	/* struct ho_range at base */
	uint64_t top;		/* temporaries live in [top, size) */
	uint64_t page_size;	/* the receiving kernel's PAGE_SIZE */
	uint64_t radix_root;	/* KHO's tree (kho_radix.c); 0: not known */
	/*
	 * The tree page last mapped on each level for keys of order % 4
	 * (NULL: none): neighbouring keys of one order share all levels but
	 * the leaf, and often the leaf too, so a page is checked and mapped
	 * once, not once per lookup (the orders of one address alternate).
	 */
	uint64_t radix_page[4][HO_RADIX_MAX_DEPTH];
	const uint8_t *radix_ptr[4][HO_RADIX_MAX_DEPTH];
	/*
	 * The leaf last reached for keys of order % 4 and the key bits above
	 * its bitmap (valid while radix_leaf[] is not NULL): a key with the
	 * same bits takes the same path, already checked, so its lookup is
	 * one bit test. Likewise the last empty slot met: every key with the
	 * same bits above radix_none_shift is not in the tree (valid while
	 * radix_none_shift is not 0).
	 */
	uint64_t radix_leaf_key[4];
	const uint8_t *radix_leaf[4];
	uint64_t radix_none_key[4];
	uint32_t radix_none_shift[4];
	struct ho_radix_geom radix_geom;	/* for page_size */
};

/*
 * From env->work, or from stack (HO_WORK_STACK bytes) when there is none;
 * page_size from env (0: HO_PAGE_SIZE). HO_ERR_PAGE_SIZE (reported) when
 * env->page_size is not a power of two in [HO_PAGE_SIZE_MIN,
 * HO_PAGE_SIZE_MAX].
 */
int ho_work_init(struct ho_work *w, const struct ho_env *env, void *stack,
		 uint64_t stack_size, struct ho_report *rep);
/*
 * The start of a public check: rep cleared, *env (NULL: no memory map,
 * no schemas, defaults) made usable, then ho_work_init().
 */
int ho_work_begin(struct ho_work *w, const struct ho_env **env, void *stack,
		  uint64_t stack_size, struct ho_report *rep);
/* Record a preserved range (addr + size checked not to wrap already). */
int ho_work_add(struct ho_work *w, uint64_t addr, uint64_t size,
		const char *where, struct ho_report *rep);
/* n * size bytes from the top, 8-byte aligned; NULL + WORK_SPACE report. */
void *ho_work_take(struct ho_work *w, uint64_t n, uint64_t size,
		   const char *where, struct ho_report *rep);
/* Give back everything taken since top was old_top. */
static inline void ho_work_put(struct ho_work *w, uint64_t old_top)
{
	w->top = old_top;
}
/*
 * Sort the ranges and require them pairwise disjoint (RANGE_SHARED for two
 * at one address, RANGE_OVERLAP otherwise). O(n log n).
 */
int ho_work_disjoint(struct ho_work *w, struct ho_report *rep);
/* After ho_work_disjoint(): does [addr, addr + size) meet a range? */
bool ho_work_hits(const struct ho_work *w, uint64_t addr, uint64_t size,
		  struct ho_range *hit);

/*
 * KHO's preserved-page tree at w->radix_root (kho_radix.c): phys is the
 * head of exactly one preservation; its order in *order. HO_OK, or
 * KHO_NOT_PRESERVED, KHO_ORDER_AMBIGUOUS, KHO_TREE_*, ADDR_UNMAPPED
 * (reported under where). Needs env->phys and w->radix_root.
 */
int ho_radix_head_order(const struct ho_env *env, struct ho_work *w,
			uint64_t phys, uint32_t *order, const char *where,
			struct ho_report *rep);
/*
 * What kho_restore_folio(phys) in the new kernel will accept: a folio of
 * exactly order (order >= 0), or a block of at least bytes (order < 0:
 * kho_alloc_preserve() memory the kernel takes back by its head). HO_OK
 * without a tree to look in (no env->phys, or no radix_root).
 */
int ho_radix_prove(const struct ho_env *env, struct ho_work *w,
		   uint64_t phys, int64_t order, uint64_t bytes,
		   const char *where, struct ho_report *rep);

/*
 * A preserved object of bytes at phys that the kernel takes back by its
 * head (kho_vmalloc.c): not 0 (PHYS_ZERO), page aligned (else the caller's
 * code unaligned), rec bytes in RAM and recorded for the sweep, proven
 * preserved (order >= 0: exactly that order; < 0: a block of >= bytes),
 * mapped (ADDR_UNMAPPED). NULL with the error in *err. Needs env->phys.
 */
const void *ho_preserved_map(const struct ho_env *env, struct ho_work *w,
			     uint64_t phys, uint64_t bytes, uint64_t rec,
			     int64_t order, int unaligned, const char *where,
			     const char *what, struct ho_report *rep, int *err);

/*
 * A kho_vmalloc area (struct kho_vmalloc of <linux/kho/abi/
 * kexec_handover.h>, read out of its format's wire layout), walked as
 * kho_restore_vmalloc() restores it (kho_vmalloc.c says the rules). Every
 * chunk and page is recorded in the work buffer and proven in KHO's tree;
 * failures are reported under where. Needs env->phys.
 */
struct ho_vmalloc {
	uint64_t first;		/* the first struct kho_vmalloc_chunk */
	uint64_t total_pages;
	uint32_t flags;		/* KHO_VMALLOC_* */
	uint32_t order;		/* each listed piece is 1 << order pages */
};

/* What a walk's hook is given: a chunk (c: it) or a page (c: its entry). */
enum ho_vpiece { HO_VPIECE_CHUNK, HO_VPIECE_PAGE };
typedef int (*ho_vpiece_fn)(void *ctx, enum ho_vpiece kind, uint64_t phys,
			    uint8_t *c);

struct ho_vwalk {
	const struct ho_env *env;	/* NULL: a raw walk */
	struct ho_work *w;		/* NULL: a raw walk */
	struct ho_report *rep;
	const struct ho_phys *phys;
	uint64_t ps;			/* page size */
	ho_vpiece_fn fn;		/* raw walks: called on each piece */
	void *ctx;
	const char *where;
	int unaligned;		/* the code for a chunk or page not aligned */
	struct ho_vmalloc vm;
	uint64_t chunk, next;	/* current chunk, the next */
	const uint8_t *ent;	/* the current chunk's page list */
	uint64_t nent, e;	/* entries per chunk, the next one */
	uint64_t chunks, max_chunks;
	uint64_t idx;		/* pages restored so far */
	uint64_t piece, k;	/* ho_vmalloc_read(): piece, page in it, */
	const uint8_t *p;	/* that page mapped, */
	uint64_t off;		/* the next byte in it */
};

/*
 * Start a walk of vm: VMALLOC_FLAGS (bits other than KHO's two),
 * VMALLOC_ORDER (order above ho_max_folio_order()). unaligned: the code
 * for a chunk or page address that is not page aligned.
 */
int ho_vmalloc_begin(struct ho_vwalk *v, const struct ho_vmalloc *vm,
		     int unaligned, const struct ho_env *env,
		     struct ho_work *w, const char *where,
		     struct ho_report *rep);
/*
 * A raw walk (preserved.c: on a handover whether or not it passed the
 * checks): no memory map, sweep or KHO tree, only the bounds (chain
 * length, total_pages), page alignment (FOLIO_TABLE_UNALIGNED) and mapping
 * (ADDR_UNMAPPED); order 0 pieces. fn (if not NULL) sees every chunk after
 * its next pointer was read and every page after its entry was read, so it
 * may rewrite either; its non-zero return stops the walk and is returned.
 */
void ho_vmalloc_begin_raw(struct ho_vwalk *v, const struct ho_vmalloc *vm,
			  const struct ho_phys *phys, uint64_t page_size,
			  ho_vpiece_fn fn, void *ctx);
/*
 * The physical address of the area's next piece (1 << order pages, proven
 * and recorded), 0 at the end of the chain (*err HO_OK) or on an error in
 * *err: VMALLOC_CHAIN, VMALLOC_PAGES (more pieces than total_pages),
 * PHYS_ZERO, unaligned, ADDR_*, KHO_*, WORK_SPACE.
 */
uint64_t ho_vmalloc_next(struct ho_vwalk *v, int *err);
/*
 * The area's next n bytes into buf (NULL: skipped), across page and piece
 * boundaries (what the kernel's virtually contiguous mapping reads):
 * ho_vmalloc_next()'s errors, VMALLOC_PAGES when the chain ends first,
 * ADDR_UNMAPPED. Do not mix with ho_vmalloc_next() on one walk.
 */
int ho_vmalloc_read(struct ho_vwalk *v, void *buf, uint64_t n);
/*
 * The next n bytes in place when they lie in one page (an 8-byte field at
 * an 8-aligned offset always does), NULL with *err set otherwise
 * (HO_ERR_INVAL when they straddle, or ho_vmalloc_read()'s errors).
 */
uint8_t *ho_vmalloc_map(struct ho_vwalk *v, uint64_t n, int *err);
/*
 * The rest of the chain walked (every piece restored, as the kernel does)
 * and the pages counted: VMALLOC_PAGES unless exactly total_pages.
 */
int ho_vmalloc_end(struct ho_vwalk *v);

/* In-place heap sort of n elements of size bytes (fastest: 8-aligned). */
typedef int (*ho_cmp_fn)(const void *a, const void *b, const void *ctx);
void ho_sort(void *base, uint64_t n, uint64_t size, ho_cmp_fn cmp,
	     const void *ctx);

/* Scratch table and segment checks with the caller's work buffer. */
int ho_scratch_check_at(const void *table, uint64_t size,
			const struct ho_memmap *memmap, struct ho_work *w,
			struct ho_report *rep);
/* Segments against a scratch table already known to be disjoint. */
int ho_segments_check_at(const struct ho_segment *seg, uint32_t nseg,
			 const void *scratch, uint64_t scratch_size,
			 struct ho_report *rep);

/* A name with its node, for sorting names without going back to libfdt. */
struct ho_name_key {
	const char *s;
	uint32_t len;
	int32_t node;
};

/*
 * Order by length, then bytes, then node offset (a ho_cmp_fn). Static: in
 * the PIC build the address of a global function would need a GOT.
 */
static inline int ho_name_key_cmp(const void *a, const void *b,
				  const void *ctx)
{
	const struct ho_name_key *x = a, *y = b;
	int c;

	(void)ctx;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	c = ho_memcmp(x->s, y->s, x->len);
	if (c)
		return c;
	return x->node < y->node ? -1 : x->node > y->node;
}

static inline bool ho_name_key_eq(const struct ho_name_key *a,
				  const struct ho_name_key *b)
{
	return a->len == b->len && !ho_memcmp(a->s, b->s, a->len);
}

/* The largest folio order env allows. */
uint32_t ho_max_folio_order(const struct ho_env *env);

/* The blob checks without clearing the report; env is not NULL. */
int ho_kho_check_at(const void *fdt, uint64_t size, const struct ho_env *env,
		    struct ho_work *w, struct ho_report *rep);
int ho_luo_check_at(const void *fdt, uint64_t size, const struct ho_env *env,
		    struct ho_work *w, const char *where,
		    struct ho_report *rep);
/* The LUO root's optional "trace" property (trace.c). */
int ho_trace_check_prop(const void *fdt, const struct ho_env *env,
			struct ho_work *w, const char *where,
			struct ho_report *rep);
int ho_memfd_check_at(const void *fdt, uint64_t size,
		      const struct ho_env *env, struct ho_work *w,
		      const char *where, struct ho_report *rep);
/*
 * Upstream LUO's struct luo_ser of size bytes at physical addr (the KHO
 * entry "LUO", already recorded and in RAM) and everything it points to
 * (luo_v5.c). HO_OK without env->phys.
 */
int ho_luo_v5_check_at(uint64_t addr, uint64_t size, const struct ho_env *env,
		       struct ho_work *w, struct ho_report *rep);

/* The blob ho_check_alone() checks. */
enum ho_blob { HO_BLOB_KHO, HO_BLOB_LUO, HO_BLOB_MEMFD };

/*
 * ho_kho_check / ho_luo_check / ho_memfd_check: the report cleared, env
 * NULL meaning none, a work area (env->work or a stack fallback), the blob's
 * check, then its preserved ranges disjoint.
 */
int ho_check_alone(enum ho_blob blob, const void *fdt, uint64_t size,
		   const struct ho_env *env, struct ho_report *rep);

#endif /* HO_INTERNAL_H */
