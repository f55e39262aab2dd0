// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: test hooks.
 */

/**
 * DOC: LUO self-test subsystem
 *
 * With CONFIG_LIVEUPDATE_RFC_FAULT_INJECT a subsystem "selftest"
 * (compatible "luo-selftest-v1") takes part in every transition, after the
 * files subsystem. It shows the subsystem interface end to end: prepare
 * preserves one page with a magic value and hands its physical address
 * over; freeze marks it; the next kernel checks it when the subsystem
 * registers and releases it on finish. The verdict is the read-only
 * parameter /sys/module/luo_rfc/parameters/selftest: "none" (nothing came
 * in), "ok" or "bad". With luo_rfc.selftest_data=0 it hands nothing over
 * (data 0), so that a test kernel can have nothing to hand over at all.
 *
 * The writable parameter /sys/module/luo_rfc/parameters/fail set to
 * "prepare" or "freeze" makes that callback fail with EAGAIN, so tests can
 * check that the participants already done are cancelled in reverse order
 * and that the errno reaches userspace; "none" switches it off.
 *
 * Writing a file handler's compatible (e.g. "memfd-rfc-v2") to the write-only
 * parameter /sys/module/luo_rfc/parameters/unregister calls
 * liveupdate_unregister_file_ops() on it as its owner would; the write
 * fails with EBUSY while a file still needs the handler (an outgoing file
 * of its type, or an incoming one not finished yet: it stays registered),
 * with ENOENT when no handler has that compatible.
 */

#define pr_fmt(fmt) "luo selftest: " fmt

#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "luo_rfc_internal.h"

#define LUO_SELFTEST_MAGIC	0x4c554f5246435354ULL	/* "LUORFCST" */

/* The preserved page. */
struct luo_selftest_page {
	u64 magic;
	u64 frozen;
};

static char luo_selftest_fail[16] = "none";
module_param_string(fail, luo_selftest_fail, sizeof(luo_selftest_fail), 0644);
MODULE_PARM_DESC(fail, "make the selftest subsystem fail: prepare, freeze or none");

static bool luo_selftest_data = true;
module_param_named(selftest_data, luo_selftest_data, bool, 0644);
MODULE_PARM_DESC(selftest_data, "the selftest subsystem hands a page over (default 1)");

static char luo_selftest_result[8] = "none";
module_param_string(selftest, luo_selftest_result, sizeof(luo_selftest_result),
		    0444);
MODULE_PARM_DESC(selftest, "incoming selftest data: none, ok or bad");

static int luo_selftest_unregister(const char *val,
				   const struct kernel_param *kp)
{
	char compatible[LUO_NAME_MAX];

	strscpy(compatible, val);
	return luo_test_unregister(strim(compatible));
}

static const struct kernel_param_ops luo_selftest_unregister_ops = {
	.set = luo_selftest_unregister,
};
module_param_cb(unregister, &luo_selftest_unregister_ops, NULL, 0200);
MODULE_PARM_DESC(unregister, "unregister the file handler of this compatible");

static bool luo_selftest_fails(const char *phase)
{
	return sysfs_streq(luo_selftest_fail, phase);
}

static int luo_selftest_prepare(void *data, u64 *sdata)
{
	struct luo_selftest_page *page;

	if (luo_selftest_fails("prepare")) {
		pr_warn("failing prepare on request\n");
		return -EAGAIN;
	}
	if (!luo_selftest_data)
		return 0;
	page = kho_alloc_preserve(sizeof(*page));
	if (IS_ERR(page))
		return PTR_ERR(page);
	page->magic = LUO_SELFTEST_MAGIC;
	*sdata = virt_to_phys(page);
	return 0;
}

static int luo_selftest_freeze(void *data, u64 *sdata)
{
	struct luo_selftest_page *page;

	if (luo_selftest_fails("freeze")) {
		pr_warn("failing freeze on request\n");
		return -EAGAIN;
	}
	if (*sdata) {
		page = phys_to_virt(*sdata);
		page->frozen = 1;
	}
	return 0;
}

static void luo_selftest_cancel(void *data, u64 sdata)
{
	if (sdata)
		kho_unpreserve_free(phys_to_virt(sdata));
}

static bool luo_selftest_valid(u64 sdata)
{
	return sdata && PAGE_ALIGNED(sdata) && pfn_valid(PHYS_PFN(sdata));
}

static void luo_selftest_finish(void *data, u64 sdata)
{
	if (luo_selftest_valid(sdata))
		kho_restore_free(phys_to_virt(sdata));
}

static const struct luo_subsystem_ops luo_selftest_ops = {
	.prepare = luo_selftest_prepare,
	.freeze = luo_selftest_freeze,
	.cancel = luo_selftest_cancel,
	.finish = luo_selftest_finish,
};

static int __init luo_selftest_init(void)
{
	const struct luo_selftest_page *page;
	struct luo_subsystem *ss;
	u64 sdata;

	ss = liveupdate_register_subsystem(LUO_SELFTEST_NAME,
					   LUO_SELFTEST_COMPATIBLE,
					   &luo_selftest_ops, NULL);
	if (IS_ERR(ss))
		return 0;
	if (liveupdate_subsystem_incoming(ss, &sdata))
		return 0;
	page = luo_selftest_valid(sdata) ? phys_to_virt(sdata) : NULL;
	if (page && page->magic == LUO_SELFTEST_MAGIC && page->frozen)
		strscpy(luo_selftest_result, "ok");
	else
		strscpy(luo_selftest_result, "bad");
	pr_info("incoming data at %#llx: %s\n", sdata, luo_selftest_result);
	return 0;
}
late_initcall(luo_selftest_init);
