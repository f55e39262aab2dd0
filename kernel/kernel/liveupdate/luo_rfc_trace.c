// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: the phase trace.
 */

/**
 * DOC: Phase trace of a live update
 *
 * Where does the time of a live update go? The outgoing kernel allocates
 * one page with kho_alloc_preserve() when a live update starts (prepare, or
 * the kexec hook when userspace prepared nothing), names it in the
 * handover blob's root property LUO_RFC_PROP_TRACE and appends a stamp
 * at each phase: prepare, each file's prepare and freeze, freeze, the kexec
 * call and the end of the pre-jump check. Cancel frees the page. The
 * purgatory of luo-kexec appends its own stamps after it checked the
 * handover; kexec_file_load has no such stage, so its trace simply lacks
 * them. The incoming kernel restores the page through KHO (which proves it
 * was preserved), checks its header and appends its own stamps: LUO start,
 * ready, each session and file retrieve, finish.
 *
 * Each stamp is two entries: the CPU counter (get_cycles(), which runs on
 * across the kexec) and the kernel's local_clock(), so the incoming
 * kernel's boot can be placed on the counter's line; the counter's
 * frequency is derived from the outgoing kernel's first and last pair.
 * The layout is <linux/kho/abi/luo_rfc_trace.h>; every read and write of
 * the page goes through the stage library's trace module (ho/trace.h, the
 * same code as the purgatory's and luo-kexec --trace's).
 *
 * It is opt-in: only with luo_rfc.trace=1 (boot, or
 * /sys/module/luo_rfc/parameters/trace before prepare) does the handover
 * carry the page and its property, so that by default the blob is the same
 * as without this feature and a stage or loader that predates the property
 * still accepts it.
 *
 * The trace is a record, never a reason to fail: no memory for it, a page
 * that was not preserved or a bad header only means no trace (with a
 * warning); a full page counts what it dropped.
 *
 * It is read as the binary file /sys/kernel/liveupdate/trace (0400), beside
 * the other files loaders read there, rather than in debugfs: a production
 * host has sysfs but often no debugfs, and the trace is what a live update
 * cost. It holds the incoming trace, the exact bytes of the page (what
 * the stage library's decoder reads), and is empty in a kernel not started by a live update.
 */

#define pr_fmt(fmt) "luo: " fmt

#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kobject.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/time64.h>
#include <linux/timex.h>

#include <ho/trace.h>

#include "luo_rfc_internal.h"

static DEFINE_SPINLOCK(luo_trace_lock);

static bool luo_trace_on;
module_param_named(trace, luo_trace_on, bool, 0644);
MODULE_PARM_DESC(trace, "carry a phase trace in the outgoing handover (default off)");

static struct {
	void *out;		/* outgoing page, while an update is under way */
	u64 out_c0, out_n0;	/* its first stamp: counter and local_clock */
	void *in;		/* incoming page, kept for good */
	u64 in_c0, in_n0;	/* LUO start, taken before the page is known */
} luo_trace;

static bool luo_trace_incoming_event(u16 event)
{
	return event >= LUO_RFC_TRACE_EV_IN_LUO_START;
}

static void luo_trace_put(void *t, u16 event, u16 clock, u32 arg, u64 c,
			  u64 ns)
{
	ho_trace_append(t, LUO_RFC_TRACE_SIZE, event,
			LUO_RFC_TRACE_CLOCK_CYCLES, arg, c);
	ho_trace_append(t, LUO_RFC_TRACE_SIZE, event, clock, arg, ns);
}

/**
 * luo_trace_stamp - append one event to the trace it belongs to
 * @event: LUO_RFC_TRACE_EV_*; the LUO_RFC_TRACE_EV_IN_* ones go to the
 *         incoming trace, the others to the outgoing one
 * @arg:   the file's token (low 32 bits) for per-file events, else 0
 *
 * Nothing happens when that trace does not exist.
 *
 * Context: any; takes a spinlock.
 */
void luo_trace_stamp(u16 event, u32 arg)
{
	bool in = luo_trace_incoming_event(event);
	unsigned long flags;
	u64 c, ns;
	void *t;

	spin_lock_irqsave(&luo_trace_lock, flags);
	t = in ? luo_trace.in : luo_trace.out;
	if (t) {
		c = get_cycles();
		ns = local_clock();
		luo_trace_put(t, event, in ? LUO_RFC_TRACE_CLOCK_IN_NS :
			      LUO_RFC_TRACE_CLOCK_OUT_NS, arg, c, ns);
	}
	spin_unlock_irqrestore(&luo_trace_lock, flags);
}

/**
 * luo_trace_begin - start the outgoing trace, if asked and none is under way
 *
 * Context: process context, luo_lock held.
 */
void luo_trace_begin(void)
{
	unsigned long flags;
	void *t;

	if (luo_trace.out || !READ_ONCE(luo_trace_on))
		return;
	t = kho_alloc_preserve(LUO_RFC_TRACE_SIZE);
	if (IS_ERR(t)) {
		pr_warn("no phase trace for this update: %pe\n", t);
		return;
	}
	ho_trace_init(t, LUO_RFC_TRACE_SIZE, 0);
	spin_lock_irqsave(&luo_trace_lock, flags);
	luo_trace.out = t;
	luo_trace.out_c0 = get_cycles();
	luo_trace.out_n0 = local_clock();
	spin_unlock_irqrestore(&luo_trace_lock, flags);
}

/**
 * luo_trace_end - drop the outgoing trace (the update was cancelled)
 *
 * Context: process context, luo_lock held.
 */
void luo_trace_end(void)
{
	unsigned long flags;
	void *t;

	spin_lock_irqsave(&luo_trace_lock, flags);
	t = luo_trace.out;
	luo_trace.out = NULL;
	spin_unlock_irqrestore(&luo_trace_lock, flags);
	if (t)
		kho_unpreserve_free(t);
}

/**
 * luo_trace_commit - stamp the committed kexec and record the frequency
 *
 * Appends LUO_RFC_TRACE_EV_PREJUMP_END and writes the counter's frequency,
 * derived from the first stamp and this one, into the header.
 *
 * Context: process context, luo_lock held.
 */
void luo_trace_commit(void)
{
	struct luo_rfc_trace_hdr *h;
	unsigned long flags;
	u64 c, ns;

	spin_lock_irqsave(&luo_trace_lock, flags);
	h = luo_trace.out;
	if (h && !ho_trace_bad(h, LUO_RFC_TRACE_SIZE)) {
		c = get_cycles();
		ns = local_clock();
		luo_trace_put(h, LUO_RFC_TRACE_EV_PREJUMP_END,
			      LUO_RFC_TRACE_CLOCK_OUT_NS, 0, c, ns);
		if (ns > luo_trace.out_n0 && c > luo_trace.out_c0)
			h->cycles_hz = mul_u64_u64_div_u64(c - luo_trace.out_c0,
							   NSEC_PER_SEC,
							   ns - luo_trace.out_n0);
	}
	spin_unlock_irqrestore(&luo_trace_lock, flags);
}

/**
 * luo_trace_phys - where the outgoing trace is, for the handover blob
 *
 * Context: luo_lock held.
 * Return: its physical address, or 0 when this update has none.
 */
u64 luo_trace_phys(void)
{
	return luo_trace.out ? virt_to_phys(luo_trace.out) : 0;
}

/**
 * luo_trace_boot - note when the incoming kernel's LUO starts
 *
 * Taken before the blob (and so the trace) is read; appended as
 * LUO_RFC_TRACE_EV_IN_LUO_START by luo_trace_restore().
 *
 * Context: early boot (luo_rfc_init).
 */
void __init luo_trace_boot(void)
{
	luo_trace.in_c0 = get_cycles();
	luo_trace.in_n0 = local_clock();
}

/**
 * luo_trace_restore - take the incoming trace over from KHO
 * @phys: the blob's LUO_RFC_PROP_TRACE
 *
 * A page that was not preserved, or whose header is bad, is ignored with a
 * warning: the live update goes on without a trace.
 *
 * Context: early boot (luo_rfc_init), luo_lock held.
 */
void __init luo_trace_restore(u64 phys)
{
	struct folio *folio;
	const char *why;
	unsigned long flags;
	void *t;

	if (!phys || !PAGE_ALIGNED(phys)) {
		pr_warn("incoming trace at %#llx: not page aligned, ignored\n",
			phys);
		return;
	}
	folio = kho_restore_folio(phys);
	if (!folio) {
		pr_warn("incoming trace at %#llx was not preserved, ignored\n",
			phys);
		return;
	}
	t = folio_address(folio);
	why = folio_size(folio) < LUO_RFC_TRACE_SIZE ? "page too small" :
	      ho_trace_bad(t, LUO_RFC_TRACE_SIZE);
	if (why) {
		pr_warn("incoming trace at %#llx ignored: %s\n", phys, why);
		folio_put(folio);
		return;
	}
	spin_lock_irqsave(&luo_trace_lock, flags);
	luo_trace.in = t;
	luo_trace_put(t, LUO_RFC_TRACE_EV_IN_LUO_START,
		      LUO_RFC_TRACE_CLOCK_IN_NS, 0, luo_trace.in_c0,
		      luo_trace.in_n0);
	spin_unlock_irqrestore(&luo_trace_lock, flags);
}

static ssize_t trace_read(struct file *file, struct kobject *kobj,
			  const struct bin_attribute *attr, char *buf,
			  loff_t off, size_t count)
{
	const struct luo_rfc_trace_hdr *h;
	unsigned long flags;
	size_t len = 0;

	spin_lock_irqsave(&luo_trace_lock, flags);
	h = luo_trace.in;
	if (h && !ho_trace_bad(h, LUO_RFC_TRACE_SIZE))
		len = LUO_RFC_TRACE_SIZE;
	if (off >= len) {
		count = 0;
	} else {
		count = min_t(size_t, count, len - off);
		memcpy(buf, (const char *)h + off, count);
	}
	spin_unlock_irqrestore(&luo_trace_lock, flags);
	return count;
}

/* /sys/kernel/liveupdate/trace: the incoming trace, read-only, root only. */
const struct bin_attribute luo_trace_attr =
	__BIN_ATTR(trace, 0400, trace_read, NULL, LUO_RFC_TRACE_SIZE);
