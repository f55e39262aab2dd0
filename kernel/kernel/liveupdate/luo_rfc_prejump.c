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
 * A kexec_load image must carry this handover, not another one (see
 * luo_rfc_image.c): one whose boot data names another KHO FDT (a stale
 * /chosen) is refused, and one that names none is refused when there is
 * something to hand over (after the check above, so that a loader that put
 * the segments anywhere still hears ERANGE); with nothing to hand over it
 * goes ahead without the check, as a kexec without live update would.
 *
 * On failure one line names the error, where it is and the detail, the live
 * update is cancelled (sessions and their files stay as they were, usable)
 * and reboot(RB_KEXEC) fails with:
 *
 * - ERANGE: a kexec segment lies outside scratch (or wraps);
 * - ESTALE: the loaded image names another handover than this kernel's;
 * - ENODATA: the loaded image carries no handover, and there is one;
 * - EBADMSG: any other defect of the handover;
 * - ENOMEM: no memory for the check's private copies;
 * - ENODEV: KHO has no outgoing FDT.
 *
 * On success the time the check took is logged at pr_info.
 *
 * With CONFIG_LIVEUPDATE_RFC_FAULT_INJECT the writable parameter
 * luo_rfc.prejump_fault (/sys/module/luo_rfc/parameters/prejump_fault)
 * damages a private copy of what the check is given, never the real
 * handover, with the stage library's fault classes (ho/fault.h, which the
 * purgatory's fault injection uses too): fdt-magic, scratch-unaligned,
 * scratch-overlap, kho-data-size (the FDT size given to the check is
 * wrong), luo-compatible and segment-outside-scratch; "none" switches it
 * off. "skip" runs no check at all: for the tests of the
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
#include <ho/fault.h>
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
 * address of the original; @copy is how the fault injection writes (a copy
 * made on first use).
 */
struct luo_prejump {
	struct ho_phys phys;
	struct ho_phys copy;
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
 * quadruples on HO_ERR_WORK_SPACE (few runs, and usually room left for the
 * copy the library's radix sort of the ranges takes), up to 32 bytes per
 * page of RAM (one range per page is the most there can be, and its copy).
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
		pj->work_size = min(size_mul(pj->work_size, 4), cap);
	}
}

#ifdef CONFIG_LIVEUPDATE_RFC_FAULT_INJECT
/*
 * ho_phys.map for the fault injection (ho/fault.h): a private copy of the
 * blob at @addr, which the check then sees instead of the original; our
 * copies so far (the scratch table, an earlier blob) as they are.
 */
static void *luo_prejump_copy_map(const struct ho_phys *p, uint64_t addr,
				  uint64_t size)
{
	struct luo_prejump *pj = container_of(p, struct luo_prejump, copy);
	void *ptr = ho_phys_window_map(&pj->phys, addr, size);
	void *src;

	if (ptr)
		return ptr;
	src = luo_prejump_map(&pj->phys, addr, size);
	if (!src || size > HO_FDT_MAX_SIZE || pj->fault_copy ||
	    pj->phys.nwin >= ARRAY_SIZE(pj->win))
		return NULL;
	pj->fault_copy = kvmalloc(size, GFP_KERNEL);
	if (!pj->fault_copy)
		return NULL;
	memcpy(pj->fault_copy, src, size);
	pj->win[pj->phys.nwin++] = (struct ho_window){
		.phys = addr, .ptr = pj->fault_copy, .size = size,
	};
	return pj->fault_copy;
}

/*
 * Damage the check's copies as luo_rfc.prejump_fault says, with the stage
 * library's fault classes, the purgatory's own. The scratch window spans
 * the whole private table while it runs: normalizing may have freed a slot
 * that scratch-overlap uses.
 */
static void luo_prejump_inject(struct luo_prejump *pj, struct ho_handover *kd,
			       int fault)
{
	int err = HO_OK;

	pr_warn("pre-jump check: fault injection: %s\n",
		luo_prejump_fault_names[fault]);
	pj->copy.map = luo_prejump_copy_map;
	pj->win[0].size = pj->scratch_max;
	switch (fault) {
	case LUO_PJ_FDT_MAGIC:
		err = ho_fault_fdt_magic(&pj->copy, kd);
		break;
	case LUO_PJ_SCRATCH_OVERLAP:
		err = ho_fault_scratch_overlap(&pj->copy, kd, pj->scratch_max);
		break;
	case LUO_PJ_SCRATCH_UNALIGNED:
		err = ho_fault_scratch_unaligned(&pj->copy, kd);
		break;
	case LUO_PJ_KHO_DATA_SIZE:
		err = ho_fault_fdt_size(kd);
		break;
	case LUO_PJ_LUO_COMPATIBLE:
		err = ho_fault_luo_compatible(&pj->phys, &pj->copy, kd);
		break;
	case LUO_PJ_SEGMENT_OUTSIDE_SCRATCH:
		err = ho_fault_segment_outside(&pj->phys, kd, pj->segs,
					       pj->nsegs, PAGE_SIZE);
		break;
	}
	pj->win[0].size = kd->scratch_size;
	if (err)
		pr_warn("pre-jump check: fault %s found nothing to damage: %s\n",
			luo_prejump_fault_names[fault], ho_errname(err));
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

/*
 * Which handover a kexec_load image carries (luo_rfc_image.c): 0 this
 * kernel's (or an image from kexec_file_load, which always does), -ENOENT
 * none, another -errno to refuse the kexec with.
 */
static int luo_prejump_carried(const struct luo_kho_handover *ho)
{
	struct ho_handover carried;
	int err;

	if (!kexec_image || kexec_image->file_mode)
		return 0;
	err = luo_image_handover(kexec_image, &carried);
	if (err == -EOPNOTSUPP)
		return 0;	/* cannot tell: the check below decides */
	if (err == -EBADMSG)
		pr_err("pre-jump check: the loaded image's KHO entry cannot be read: kexec refused\n");
	if (err)
		return err;
	if (carried.fdt_addr != ho->fdt_phys) {
		pr_err("pre-jump check: the loaded image names a KHO FDT at %#llx, this kernel's is at %pa: a stale handover (a DTB from /sys/firmware/fdt?): kexec refused\n",
		       carried.fdt_addr, &ho->fdt_phys);
		return -ESTALE;
	}
	return 0;
}

/**
 * luo_prejump_check - check the frozen handover before the kexec jump
 * @needed: there is something to hand over (a session, a subsystem's data)
 *
 * Runs the stage library's ho_check_handover() on the final handover and
 * the loaded image's segments, and checks that a kexec_load image carries
 * this handover (see the DOC above). Logs one line either way; every
 * buffer it allocates is freed before it returns.
 *
 * Context: process context, luo_lock and the kexec lock held, LUO frozen.
 * Return: 0 when the next kernel will accept the handover, or when the
 * image carries none and @needed is false; -EBADMSG for a bad handover,
 * -ERANGE for a kexec segment outside scratch, -ESTALE for an image that
 * names another handover, -ENODATA for one that names none while @needed,
 * -ENOMEM or -ENODEV when the check cannot run. The caller cancels on any
 * error.
 */
int luo_prejump_check(bool needed)
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
	int err, herr, carried;

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
	carried = luo_prejump_carried(&ho);
	if (carried && carried != -ENOENT)
		return carried;
	if (carried && !needed) {
		pr_info("pre-jump check: nothing to hand over, and the loaded image carries no handover: kexec without one\n");
		return 0;
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
		/* what memfd_luo_rfc.c accepts (larger than its page cache: copied) */
		.max_folio_order = MAX_PAGE_ORDER,
		/* the next kernel is this one's build: same page size */
		.page_size = PAGE_SIZE,
	};
	if (!herr)
		herr = luo_prejump_run(&pj, &kd, &env, &rep);
	err = luo_prejump_errno(herr);
	if (herr == HO_ERR_WORK_SPACE && !pj.work)
		err = -ENOMEM;	/* the work area could not grow */
	if (!err && carried) {
		pr_err("pre-jump check: the loaded image carries no handover: everything preserved would be lost: kexec refused\n");
		err = -ENODATA;
	} else if (err)
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
