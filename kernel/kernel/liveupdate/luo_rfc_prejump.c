// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: the check of the handover before the
 * jump.
 */

/**
 * DOC: Pre-jump check
 *
 * The purgatory checks the handover after the point of no return: when it
 * finds damage it can only boot the next kernel without it, and everything
 * preserved is lost. So the old kernel runs the same check first, while it
 * can still cancel: liveupdate_rfc_reboot() calls luo_prejump_check() after
 * freeze, before the kexec counts as committed.
 *
 * It is the purgatory's code, not a second implementation: the stage library
 * (efi/lib of luo-kexec, copied into stage/ at build time, with the schema
 * tables generated from fdt-schema/) runs ho_check_handover() on
 *
 * - the KHO root FDT (kho_get_out_fdt()) and, through it, the LUO blob and
 *   every memfd's data and folio table, read through a &struct ho_phys whose
 *   map() turns physical addresses into kernel pointers only for ranges that
 *   are System RAM;
 * - the scratch table as the next kernel will use it: KHO's table,
 *   normalized like the loader does (size-0 entries dropped, sorted,
 *   touching ranges merged);
 * - a memory map of the System RAM resources;
 * - the segments of the loaded image (kexec_image) against scratch.
 *
 * On failure one line names the error, where it is and the detail, the live
 * update is cancelled (sessions and their files stay as they were, usable)
 * and reboot(RB_KEXEC) fails with:
 *
 * - ERANGE: a kexec segment lies outside scratch (or wraps);
 * - EBADMSG: any other defect of the handover;
 * - ENOMEM: no memory for the check's private copies;
 * - ENODEV: KHO has no outgoing FDT.
 *
 * On success the time the check took is logged at pr_info.
 *
 * With CONFIG_LIVEUPDATE_RFC_FAULT_INJECT the writable parameter
 * luo_rfc.prejump_fault (/sys/module/luo_rfc/parameters/prejump_fault)
 * damages a private copy of what the check is given, never the real
 * handover: fdt-magic, scratch-unaligned, scratch-overlap, kho-data-size
 * (the FDT size given to the check is wrong), luo-compatible (as the
 * purgatory's faults of the same names) and segment-outside-scratch; "none"
 * switches it off. "skip" runs no check at all: for the tests of the
 * receiving kernel's own checks, which damage the real blob on purpose
 * (luo_rfc.fault=) and would otherwise be refused here.
 */

#define pr_fmt(fmt) "luo: " fmt

#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/ktime.h>
#include <linux/libfdt.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include <ho/check.h>
#include <ho/err.h>
#include <ho/fixup.h>
#include <ho/schema.h>

#include "kexec_handover_internal.h"
#include "luo_rfc_handover.h"
#include "luo_rfc_internal.h"

static_assert(sizeof(struct kho_scratch) == sizeof(struct ho_scratch));

enum luo_prejump_fault {
	LUO_PJ_NONE,
	LUO_PJ_FDT_MAGIC,
	LUO_PJ_SCRATCH_UNALIGNED,
	LUO_PJ_SCRATCH_OVERLAP,
	LUO_PJ_KHO_DATA_SIZE,
	LUO_PJ_LUO_COMPATIBLE,
	LUO_PJ_SEGMENT_OUTSIDE_SCRATCH,
	LUO_PJ_SKIP,
};

#ifdef CONFIG_LIVEUPDATE_RFC_FAULT_INJECT
static const char * const luo_prejump_fault_names[] = {
	[LUO_PJ_NONE] = "none",
	[LUO_PJ_FDT_MAGIC] = "fdt-magic",
	[LUO_PJ_SCRATCH_UNALIGNED] = "scratch-unaligned",
	[LUO_PJ_SCRATCH_OVERLAP] = "scratch-overlap",
	[LUO_PJ_KHO_DATA_SIZE] = "kho-data-size",
	[LUO_PJ_LUO_COMPATIBLE] = "luo-compatible",
	[LUO_PJ_SEGMENT_OUTSIDE_SCRATCH] = "segment-outside-scratch",
	[LUO_PJ_SKIP] = "skip",
};

static int luo_prejump_fault;

static int luo_prejump_fault_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(luo_prejump_fault_names, val);

	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(luo_prejump_fault, i);
	return 0;
}

static int luo_prejump_fault_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  luo_prejump_fault_names[READ_ONCE(luo_prejump_fault)]);
}

static const struct kernel_param_ops luo_prejump_fault_ops = {
	.set = luo_prejump_fault_set,
	.get = luo_prejump_fault_get,
};
module_param_cb(prejump_fault, &luo_prejump_fault_ops, NULL, 0644);
MODULE_PARM_DESC(prejump_fault,
		 "damage the pre-jump check's copy of the handover: none, fdt-magic, scratch-unaligned, scratch-overlap, kho-data-size, luo-compatible, segment-outside-scratch; skip: no check");

static int luo_prejump_fault_get_id(void)
{
	return READ_ONCE(luo_prejump_fault);
}
#else
static int luo_prejump_fault_get_id(void)
{
	return LUO_PJ_NONE;
}
#endif

/*
 * Everything the check is given. The scratch table and, with a fault, one
 * damaged blob are private copies, reached through @win at the physical
 * address of the original.
 */
struct luo_prejump {
	struct ho_phys phys;
	struct ho_window win[2];
	struct ho_memmap memmap;
	struct ho_mem_range *ranges;
	u32 max_ranges;
	struct ho_segment *segs;
	u32 nsegs;
	struct ho_scratch *scratch;
	u64 scratch_size;
	u64 scratch_max;
	void *work;
	u64 work_size;
	void *fault_copy;
};

/* ho_phys.map: our private copies first, then System RAM only. */
static void *luo_prejump_map(const struct ho_phys *p, uint64_t addr,
			     uint64_t size)
{
	void *ptr = ho_phys_window_map(p, addr, size);

	if (ptr)
		return ptr;
	if (!size || addr + size < addr ||
	    region_intersects(addr, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_INTERSECTS)
		return NULL;
	return phys_to_virt(addr);
}

static int luo_prejump_count_ram(struct resource *res, void *arg)
{
	(*(u32 *)arg)++;
	return 0;
}

static int luo_prejump_add_ram(struct resource *res, void *arg)
{
	struct luo_prejump *pj = arg;
	struct ho_mem_range *r;

	if (pj->memmap.count >= pj->max_ranges)
		return 1;	/* RAM added since counting: left out, stricter */
	r = &pj->ranges[pj->memmap.count++];
	r->addr = res->start;
	r->size = resource_size(res);
	r->type = HO_MEM_RAM;
	return 0;
}

static void luo_prejump_count_files(void *arg, const char *compatible,
				    unsigned int nfiles)
{
	*(u64 *)arg += nfiles;
}

/* Allocate the check's buffers in one piece; fill memmap, scratch, segs. */
static int luo_prejump_setup(struct luo_prejump *pj,
			     const struct luo_kho_handover *ho)
{
	u64 nfiles = 0;
	size_t ranges_sz, segs_sz, scratch_sz;
	u32 i;
	char *buf;

	walk_system_ram_res(0, U64_MAX, &pj->max_ranges, luo_prejump_count_ram);
	luo_walk_file_handlers(luo_prejump_count_files, &nfiles);
	pj->nsegs = kexec_image ? kexec_image->nr_segments : 0;

	ranges_sz = array_size(pj->max_ranges, sizeof(*pj->ranges));
	segs_sz = array_size(pj->nsegs, sizeof(*pj->segs));
	scratch_sz = array_size(ho->nr_scratch, sizeof(*pj->scratch));
	/*
	 * The library's sorts take HO_WORK_PER_RANGE bytes per preserved
	 * range (every folio) and per file: start from the files, grow on
	 * HO_ERR_WORK_SPACE (luo_prejump_run()).
	 */
	pj->work_size = max_t(u64, SZ_64K, size_mul(nfiles, 4 * HO_WORK_PER_RANGE));
	buf = kvzalloc(size_add(size_add(ranges_sz, segs_sz), scratch_sz),
		       GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	pj->ranges = (void *)buf;
	pj->segs = (void *)(buf + ranges_sz);
	pj->scratch = (void *)(buf + ranges_sz + segs_sz);

	pj->memmap.ranges = pj->ranges;
	walk_system_ram_res(0, U64_MAX, pj, luo_prejump_add_ram);
	for (i = 0; i < pj->nsegs; i++) {
		pj->segs[i].mem = kexec_image->segment[i].mem;
		pj->segs[i].memsz = kexec_image->segment[i].memsz;
	}
	memcpy(pj->scratch, ho->scratch, scratch_sz);
	pj->scratch_size = scratch_sz;
	pj->scratch_max = scratch_sz;
	return 0;
}

/*
 * ho_check_handover() with a work area that grows until the sorts fit: it
 * doubles on HO_ERR_WORK_SPACE, up to 16 bytes per page of RAM (one range
 * per page is the most there can be).
 */
static int luo_prejump_run(struct luo_prejump *pj, struct ho_handover *kd,
			   struct ho_env *env, struct ho_report *rep)
{
	u64 cap = size_mul(totalram_pages(), 2 * HO_WORK_PER_RANGE);
	int herr;

	for (;;) {
		pj->work = kvmalloc(pj->work_size, GFP_KERNEL);
		if (!pj->work)
			return HO_ERR_WORK_SPACE;
		env->work = pj->work;
		env->work_size = pj->work_size;
		herr = ho_check_handover(kd, pj->segs, pj->nsegs, env, rep);
		if (herr != HO_ERR_WORK_SPACE || pj->work_size >= cap)
			return herr;
		kvfree(pj->work);
		pj->work = NULL;
		pj->work_size = min(size_mul(pj->work_size, 2), cap);
	}
}

/* A private, damaged copy of the blob at @phys, seen by the check instead. */
static void *luo_prejump_copy_blob(struct luo_prejump *pj, u64 phys,
				   u64 size)
{
	void *src = luo_prejump_map(&pj->phys, phys, size);

	if (!src || size > HO_FDT_MAX_SIZE)
		return NULL;
	pj->fault_copy = kvmalloc(size, GFP_KERNEL);
	if (!pj->fault_copy)
		return NULL;
	memcpy(pj->fault_copy, src, size);
	pj->win[pj->phys.nwin++] = (struct ho_window){
		.phys = phys, .ptr = pj->fault_copy, .size = size,
	};
	return pj->fault_copy;
}

#ifdef CONFIG_LIVEUPDATE_RFC_FAULT_INJECT
static void luo_prejump_fault_luo(struct luo_prejump *pj,
				  const struct ho_handover *kd)
{
	const void *root = luo_prejump_map(&pj->phys, kd->fdt_addr,
					   kd->fdt_size);
	const void *pd, *sz;
	char *compat;
	void *blob;
	int off, len;

	off = root ? fdt_subnode_offset(root, 0, LUO_KHO_SUBTREE) : -1;
	pd = off < 0 ? NULL : fdt_getprop(root, off, KHO_SUB_TREE_PROP_NAME,
					  &len);
	sz = off < 0 ? NULL : fdt_getprop(root, off,
					  KHO_SUB_TREE_SIZE_PROP_NAME, &len);
	if (!pd || !sz)
		return;
	blob = luo_prejump_copy_blob(pj, get_unaligned((const u64 *)pd),
				     get_unaligned((const u64 *)sz));
	compat = blob ? fdt_getprop_w(blob, 0, "compatible", &len) : NULL;
	if (compat && len > 1)
		compat[0] ^= 0x20;	/* "luo-rfc-v1" -> "Luo-rfc-v1" */
}

/* Damage the check's copies as luo_rfc.prejump_fault says. */
static void luo_prejump_inject(struct luo_prejump *pj, struct ho_handover *kd,
			       int fault)
{
	struct ho_scratch *sc = pj->scratch;
	u64 nsc = pj->scratch_size / sizeof(*sc), end = 0, i;
	u8 *fdt;

	pr_warn("pre-jump check: fault injection: %s\n",
		luo_prejump_fault_names[fault]);
	switch (fault) {
	case LUO_PJ_FDT_MAGIC:
		fdt = luo_prejump_copy_blob(pj, kd->fdt_addr, kd->fdt_size);
		if (fdt)
			fdt[0] ^= 1;
		break;
	case LUO_PJ_SCRATCH_OVERLAP:
		/* the same range twice, inside RAM */
		if (nsc >= 2) {
			sc[1] = sc[0];
			break;
		}
		if (pj->scratch_size + sizeof(*sc) <= pj->scratch_max) {
			sc[nsc] = sc[0];	/* normalizing freed a slot */
			pj->scratch_size += sizeof(*sc);
			kd->scratch_size = pj->scratch_size;
			pj->win[0].size = pj->scratch_size;
			break;
		}
		/* one range cannot overlap another: misalign it instead */
		fallthrough;
	case LUO_PJ_SCRATCH_UNALIGNED:
		sc[0].addr += 16;
		break;
	case LUO_PJ_KHO_DATA_SIZE:
		kd->fdt_size = sizeof(*kd) / 2;
		break;
	case LUO_PJ_LUO_COMPATIBLE:
		luo_prejump_fault_luo(pj, kd);
		break;
	case LUO_PJ_SEGMENT_OUTSIDE_SCRATCH:
		/* just past the highest range: outside the merged table */
		for (i = 0; i < nsc; i++)
			end = max(end, sc[i].addr + sc[i].size);
		if (pj->nsegs) {
			pj->segs[0].mem = end;
			pj->segs[0].memsz = PAGE_SIZE;
		}
		break;
	}
}
#else
static void luo_prejump_inject(struct luo_prejump *pj, struct ho_handover *kd,
			       int fault)
{
}
#endif

static int luo_prejump_errno(int err)
{
	switch (err) {
	case HO_OK:
		return 0;
	case HO_ERR_SEGMENT_OUTSIDE_SCRATCH:
	case HO_ERR_SEGMENT_OVERFLOW:
		return -ERANGE;
	default:
		return -EBADMSG;
	}
}

/**
 * luo_prejump_check - check the frozen handover before the kexec jump
 *
 * Runs the stage library's ho_check_handover() on the final handover and
 * the loaded image's segments (see the DOC above). Logs one line either
 * way; every buffer it allocates is freed before it returns.
 *
 * Context: process context, luo_lock and the kexec lock held, LUO frozen.
 * Return: 0 when the next kernel will accept the handover; -EBADMSG for a
 * bad handover, -ERANGE for a kexec segment outside scratch, -ENOMEM or
 * -ENODEV when the check cannot run. The caller cancels on any error.
 */
int luo_prejump_check(void)
{
	struct luo_prejump pj = {
		.phys = { .map = luo_prejump_map },
	};
	struct ho_report rep = { 0 };
	struct luo_kho_handover ho;
	struct ho_handover kd;
	struct ho_env env;
	ktime_t start = ktime_get();
	int fault = luo_prejump_fault_get_id();
	int err, herr;

	if (fault == LUO_PJ_SKIP) {
		pr_warn("pre-jump check skipped (luo_rfc.prejump_fault=skip)\n");
		return 0;
	}
	err = luo_kho_handover(&ho);
	if (err) {
		pr_err("pre-jump check: no outgoing KHO FDT: %pe\n",
		       ERR_PTR(err));
		return err;
	}
	err = luo_prejump_setup(&pj, &ho);
	if (err) {
		pr_err("pre-jump check: cannot allocate its buffers: %pe\n",
		       ERR_PTR(err));
		return err;
	}
	pj.phys.win = pj.win;

	/* The scratch table as the next kernel uses it (as luo-kexec does). */
	herr = ho_scratch_normalize(pj.scratch, &pj.scratch_size, &rep);
	kd = (struct ho_handover){
		.fdt_addr = ho.fdt_phys,
		.fdt_size = ho.fdt_size,
		.scratch_addr = ho.scratch_phys,
		.scratch_size = pj.scratch_size,
	};
	pj.win[pj.phys.nwin++] = (struct ho_window){
		.phys = kd.scratch_addr, .ptr = pj.scratch,
		.size = pj.scratch_size,
	};
	if (!herr && fault != LUO_PJ_NONE)
		luo_prejump_inject(&pj, &kd, fault);

	env = (struct ho_env){
		.memmap = &pj.memmap,
		.phys = &pj.phys,
		.schemas = ho_schemas,
		.flags = HO_CHECK_REQUIRE_LUO,
		/* what memfd_luo_rfc.c accepts from the table */
		.max_folio_order = min(MAX_PAGECACHE_ORDER, MAX_PAGE_ORDER),
		/* the next kernel is this one's build: same page size */
		.page_size = PAGE_SIZE,
	};
	if (!herr)
		herr = luo_prejump_run(&pj, &kd, &env, &rep);
	err = luo_prejump_errno(herr);
	if (herr == HO_ERR_WORK_SPACE && !pj.work)
		err = -ENOMEM;	/* the work area could not grow */
	if (err)
		pr_err("pre-jump check failed: %s (%s) at %s %s: kexec refused (%pe)\n",
		       ho_errname(herr), ho_strerror(herr),
		       rep.path[0] ? rep.path : "-", rep.detail, ERR_PTR(err));
	else
		pr_info("pre-jump check: handover ok in %lld us (%u RAM ranges, %u segments)\n",
			ktime_us_delta(ktime_get(), start), pj.memmap.count,
			pj.nsegs);
	kvfree(pj.work);
	kvfree(pj.fault_copy);
	kvfree(pj.ranges);
	return err;
}
