// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: the state machine and the handover.
 */

/**
 * DOC: Live Update Orchestrator (RFC design)
 *
 * A live update replaces the running kernel through kexec while selected
 * resources (today: memfd contents) survive in place, without being copied.
 * The orchestrator (LUO) drives the update through one global state machine::
 *
 *   normal --prepare--> prepared --freeze--> frozen --kexec--> updated
 *     ^                    |                   |                  |
 *     +------cancel--------+-------cancel------+                  |
 *     +<----------------------------finish------------------------+
 *
 * Participants are *subsystems*, registered with
 * liveupdate_register_subsystem(): a name, a versioned compatible string, a
 * const &struct luo_subsystem_ops and an opaque private pointer that LUO
 * never looks into. Every transition calls the participants in registration
 * order. When one of them fails to prepare, those already prepared are
 * cancelled in reverse order and the errno is returned; when one fails to
 * freeze, everything is cancelled and the system is back in normal. There is
 * never a half-preserved state.
 *
 * File preservation is one such subsystem ("files", see luo_rfc_files.c).
 * File types plug into it with liveupdate_register_file_ops(); userspace
 * groups preserved files into named sessions through /dev/liveupdate.
 *
 * On freeze LUO writes its state as a flattened device tree, compatible
 * "luo-rfc-v1" (docs/handover-format.md), into KHO-preserved memory and
 * registers it as the KHO subtree "luo-rfc". kernel_kexec() calls
 * liveupdate_rfc_reboot(), which prepares and freezes on its own when
 * userspace did not, then asks every participant to verify that nothing
 * changed since freeze; if any of that fails, everything is cancelled and
 * the kexec is refused with the error.
 *
 * The commit point: once liveupdate_rfc_reboot() has returned 0 the update
 * is committed. The kexec goes ahead with exactly the handover that was
 * verified, while other tasks may still run until machine_shutdown(). To
 * keep them from editing it, liveupdate_rfc_reboot() keeps luo_lock held for
 * good, as upstream LUO keeps its serialization lock after a successful
 * serialize: cancel, finish, session release (close), new sessions and
 * preserves, and (un)registration all wait on the lock and never touch the
 * KHO subtree, the blob or any preserved memory again. Before the commit
 * point every one of them is allowed and cancels or edits as described
 * above.
 *
 * The next kernel finds the subtree early (fs_initcall_sync), validates the
 * whole blob and enters "updated". A blob that fails validation disables LUO:
 * the reason is logged with pr_err, /sys/kernel/liveupdate/state reads
 * "disabled" and opening /dev/liveupdate fails with EBADMSG; the kernel keeps
 * running. In "updated", userspace retrieves its sessions and files, then
 * finishes; finish releases every preserved resource nobody retrieved and
 * calls each subsystem's finish callback. The incoming blob is restored
 * from KHO at boot (which proves it was preserved) and kept for the life of
 * the kernel: debugfs kho/in/sub_fdts/luo-rfc points at it.
 *
 * How kernel code uses it: register a subsystem at boot; in @prepare
 * preserve memory with KHO (kho_preserve_folio(), kho_alloc_preserve()) and
 * return a u64 (typically the physical address of a small descriptor); after
 * the update call liveupdate_subsystem_incoming() to get that u64 back.
 *
 * How userspace uses it: open /dev/liveupdate (one opener at a time), create
 * sessions, preserve memfds into them with tokens, keep the session fds open
 * and kexec (kexec_file_load + reboot). Optionally drive the phases by hand
 * with LIVEUPDATE_IOCTL_PREPARE/FREEZE/CANCEL to know early whether the
 * update can go ahead. After the update retrieve the sessions by name and
 * the files by token, then finish each session (or the whole update).
 */

#define pr_fmt(fmt) "luo: " fmt

#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kobject.h>
#include <linux/libfdt.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/unaligned.h>

#include "luo_rfc_handover.h"
#include "luo_rfc_internal.h"

/* Serializes state changes, subsystem, session and file list updates. */
DEFINE_MUTEX(luo_lock);

/**
 * struct luo_subsystem - a registered participant
 * @list:         entry in luo_subsystems, in registration order
 * @name:         node name under /subsystems
 * @compatible:   versioned compatible string
 * @ops:          the caller's const callbacks
 * @data:         the caller's private data, passed back untouched
 * @sdata:        outgoing u64, written to the blob
 * @prepared:     @ops->prepare succeeded in this cycle
 * @has_incoming: the previous kernel handed over @incoming for us
 * @incoming:     the u64 the previous kernel handed over
 */
struct luo_subsystem {
	struct list_head list;
	char name[LUO_NAME_MAX];
	char compatible[LUO_NAME_MAX];
	const struct luo_subsystem_ops *ops;
	void *data;
	u64 sdata;
	bool prepared;
	bool has_incoming;
	u64 incoming;
};

/* A /subsystems node of the incoming blob, until its owner registers. */
struct luo_incoming_ss {
	struct list_head list;
	char name[LUO_NAME_MAX];
	char compatible[LUO_NAME_MAX];
	u64 sdata;
};

static LIST_HEAD(luo_subsystems);
static LIST_HEAD(luo_incoming_subsystems);

/*
 * Give @in to @ss if the names match. Returns true when @in was consumed
 * (and freed): either attached or dropped for an incompatible version.
 */
static bool luo_attach_incoming(struct luo_subsystem *ss,
				struct luo_incoming_ss *in)
{
	if (strcmp(in->name, ss->name))
		return false;
	if (strcmp(in->compatible, ss->compatible)) {
		pr_warn("subsystem %s: incoming data is %s, not %s: ignored\n",
			ss->name, in->compatible, ss->compatible);
	} else {
		ss->has_incoming = true;
		ss->incoming = in->sdata;
	}
	list_del(&in->list);
	kfree(in);
	return true;
}

static struct {
	enum liveupdate_state state;
	bool enabled;		/* kho=on and not liveupdate=off */
	int open_err;		/* errno for open() when disabled at runtime */
	u64 count;		/* live updates before this boot */
	void *blob;		/* outgoing blob while frozen */
} luo = {
	.state = LIVEUPDATE_STATE_DISABLED,
	.enabled = true,
};

static int __init luo_parse_param(char *p)
{
	if (!p)
		return -EINVAL;
	if (!strcmp(p, "off"))
		luo.enabled = false;
	else if (!strcmp(p, "on"))
		luo.enabled = true;
	else
		return -EINVAL;
	return 0;
}
early_param("liveupdate", luo_parse_param);

/**
 * liveupdate_rfc_enabled - whether the orchestrator runs
 *
 * Context: any.
 * Return: true unless KHO is off, liveupdate=off was given, or the incoming
 * handover blob was rejected.
 */
bool liveupdate_rfc_enabled(void)
{
	return READ_ONCE(luo.state) != LIVEUPDATE_STATE_DISABLED;
}

enum liveupdate_state luo_get_state(void)
{
	return READ_ONCE(luo.state);
}

int luo_open_error(void)
{
	return luo.open_err;
}

static void luo_set_state(enum liveupdate_state state)
{
	lockdep_assert_held(&luo_lock);
	WRITE_ONCE(luo.state, state);
}

/**
 * liveupdate_register_subsystem - add a participant to every transition
 * @name:       unique name, also its node name in the handover blob
 * @compatible: versioned compatible string, e.g. "foo-v1"
 * @ops:        const callbacks, kept by reference
 * @data:       private data passed to every callback
 *
 * In a kernel started by a live update, a blob node with the same @name and
 * @compatible becomes this subsystem's incoming data (see
 * liveupdate_subsystem_incoming()); a node with another compatible is
 * ignored with a warning.
 *
 * Context: process context; not while a live update is prepared or frozen.
 * Return: an opaque handle, or ERR_PTR(-EINVAL) for bad arguments,
 * ERR_PTR(-EEXIST) if @name is taken, ERR_PTR(-EBUSY) in the wrong state,
 * ERR_PTR(-EOPNOTSUPP) when LUO is disabled, ERR_PTR(-ENOMEM).
 */
struct luo_subsystem *
liveupdate_register_subsystem(const char *name, const char *compatible,
			      const struct luo_subsystem_ops *ops, void *data)
{
	struct luo_incoming_ss *in, *tmp;
	struct luo_subsystem *ss, *it;
	int err;

	if (!name || !compatible || !ops || !*name ||
	    strlen(name) >= LUO_NAME_MAX || strlen(compatible) >= LUO_NAME_MAX)
		return ERR_PTR(-EINVAL);

	ss = kzalloc_obj(*ss);
	if (!ss)
		return ERR_PTR(-ENOMEM);
	strscpy(ss->name, name);
	strscpy(ss->compatible, compatible);
	ss->ops = ops;
	ss->data = data;

	mutex_lock(&luo_lock);
	err = -EOPNOTSUPP;
	if (!liveupdate_rfc_enabled())
		goto err_unlock;
	err = -EBUSY;
	if (luo.state == LIVEUPDATE_STATE_PREPARED ||
	    luo.state == LIVEUPDATE_STATE_FROZEN)
		goto err_unlock;
	err = -EEXIST;
	list_for_each_entry(it, &luo_subsystems, list)
		if (!strcmp(it->name, name))
			goto err_unlock;

	list_for_each_entry_safe(in, tmp, &luo_incoming_subsystems, list) {
		if (luo_attach_incoming(ss, in))
			break;
	}
	list_add_tail(&ss->list, &luo_subsystems);
	mutex_unlock(&luo_lock);
	return ss;

err_unlock:
	mutex_unlock(&luo_lock);
	kfree(ss);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(liveupdate_register_subsystem);

/**
 * liveupdate_unregister_subsystem - remove a participant
 * @ss: handle from liveupdate_register_subsystem()
 *
 * A prepared or frozen live update is cancelled first.
 *
 * Context: process context.
 */
void liveupdate_unregister_subsystem(struct luo_subsystem *ss)
{
	if (IS_ERR_OR_NULL(ss))
		return;
	mutex_lock(&luo_lock);
	if (luo.state == LIVEUPDATE_STATE_PREPARED ||
	    luo.state == LIVEUPDATE_STATE_FROZEN) {
		pr_warn("subsystem %s unregisters: cancelling the live update\n",
			ss->name);
		luo_cancel();
	}
	list_del(&ss->list);
	mutex_unlock(&luo_lock);
	kfree(ss);
}
EXPORT_SYMBOL_GPL(liveupdate_unregister_subsystem);

/**
 * liveupdate_subsystem_incoming - the data the previous kernel handed over
 * @ss:    handle from liveupdate_register_subsystem()
 * @sdata: the u64 the previous kernel's @prepare/@freeze set
 *
 * Context: process context.
 * Return: 0 and *@sdata set, or -ENOENT if nothing was handed over for @ss.
 */
int liveupdate_subsystem_incoming(struct luo_subsystem *ss, u64 *sdata)
{
	guard(mutex)(&luo_lock);
	if (!ss->has_incoming)
		return -ENOENT;
	*sdata = ss->incoming;
	return 0;
}
EXPORT_SYMBOL_GPL(liveupdate_subsystem_incoming);

/**
 * luo_walk_subsystems - call @fn for every registered subsystem
 * @fn:  called with @arg, the subsystem's name and compatible
 * @arg: passed to @fn
 *
 * Context: luo_lock held.
 */
void luo_walk_subsystems(luo_subsystem_fn fn, void *arg)
{
	struct luo_subsystem *ss;

	lockdep_assert_held(&luo_lock);
	list_for_each_entry(ss, &luo_subsystems, list)
		fn(arg, ss->name, ss->compatible);
}

static void luo_cancel_subsystems(void)
{
	struct luo_subsystem *ss;

	list_for_each_entry_reverse(ss, &luo_subsystems, list) {
		if (!ss->prepared)
			continue;
		if (ss->ops->cancel)
			ss->ops->cancel(ss->data, ss->sdata);
		ss->prepared = false;
		ss->sdata = 0;
	}
}

/**
 * luo_prepare - normal -> prepared
 *
 * Context: luo_lock held.
 * Return: 0, -EBUSY when not in normal, or the first participant's error
 * (everything prepared so far is cancelled again).
 */
int luo_prepare(void)
{
	struct luo_subsystem *ss;
	int err;

	lockdep_assert_held(&luo_lock);
	if (luo.state != LIVEUPDATE_STATE_NORMAL)
		return -EBUSY;

	luo_trace_begin();
	luo_trace_stamp(LUO_RFC_TRACE_EV_PREPARE_START, 0);
	list_for_each_entry(ss, &luo_subsystems, list) {
		ss->sdata = 0;
		err = ss->ops->prepare ? ss->ops->prepare(ss->data, &ss->sdata) : 0;
		if (err) {
			pr_err("subsystem %s failed to prepare: %pe\n", ss->name,
			       ERR_PTR(err));
			goto err_cancel;
		}
		ss->prepared = true;
	}
	luo_trace_stamp(LUO_RFC_TRACE_EV_PREPARE_END, 0);
	luo_set_state(LIVEUPDATE_STATE_PREPARED);
	return 0;

err_cancel:
	luo_cancel_subsystems();
	luo_trace_end();
	return err;
}

/* Write the outgoing blob into @fdt; returns 0 or a -FDT_ERR_* code. */
static int luo_write_blob(void *fdt, size_t size)
{
	struct luo_subsystem *ss;
	u64 count = luo.count + 1;
	u64 trace = luo_trace_phys();
	int err;

	err = fdt_create(fdt, size);
	if (!err)
		err = fdt_finish_reservemap(fdt);
	if (!err)
		err = fdt_begin_node(fdt, "");
	if (!err)
		err = fdt_property_string(fdt, "compatible", LUO_FDT_COMPATIBLE);
	if (!err)
		err = fdt_property(fdt, LUO_RFC_PROP_COUNT, &count, sizeof(count));
	if (!err && trace)
		err = fdt_property(fdt, LUO_RFC_PROP_TRACE, &trace,
				   sizeof(trace));
	if (!err)
		err = fdt_begin_node(fdt, LUO_RFC_NODE_SUBSYSTEMS);
	list_for_each_entry(ss, &luo_subsystems, list) {
		if (!err)
			err = fdt_begin_node(fdt, ss->name);
		if (!err)
			err = fdt_property_string(fdt, "compatible",
						  ss->compatible);
		if (!err)
			err = fdt_property(fdt, LUO_RFC_PROP_DATA, &ss->sdata,
					   sizeof(ss->sdata));
		if (!err)
			err = fdt_end_node(fdt);
	}
	if (!err)
		err = fdt_end_node(fdt);
	if (!err)
		err = luo_files_serialize(fdt);
	if (!err)
		err = fdt_end_node(fdt);
	if (!err)
		err = fdt_finish(fdt);
	return err;
}

#ifdef CONFIG_LIVEUPDATE_RFC_FAULT_INJECT
/*
 * luo_rfc.fault=compatible|truncate damages the outgoing blob on purpose,
 * so that tests can check how the next kernel rejects it.
 */
static char *luo_fault;
module_param_named(fault, luo_fault, charp, 0444);
MODULE_PARM_DESC(fault, "damage the outgoing handover: compatible, truncate, dup-data, memfd-index-overflow, memfd-index-unaligned, memfd-order, memfd-count, memfd-flags, memfd-size, memfd-no-split (a large folio across the end of a memfd is not split) or memfd-order0 (next kernel: large folios copied into pages)");

/**
 * liveupdate_rfc_fault - whether the test fault @name was asked for
 * @name: one of the names of the luo_rfc.fault= boot parameter
 *
 * Test kernels only (CONFIG_LIVEUPDATE_RFC_FAULT_INJECT): the code that
 * writes a part of the handover damages it on purpose when this returns
 * true, so that tests can check how the next kernel refuses it.
 *
 * Context: any.
 * Return: true if luo_rfc.fault=@name was given.
 */
bool liveupdate_rfc_fault(const char *name)
{
	return luo_fault && !strcmp(luo_fault, name);
}
EXPORT_SYMBOL_GPL(liveupdate_rfc_fault);

static size_t luo_inject_fault(void *blob, size_t size)
{
	if (liveupdate_rfc_fault("compatible")) {
		pr_warn("fault injection: compatible\n");
		fdt_setprop_inplace(blob, 0, "compatible", "luo-rfc-v9",
				    sizeof(LUO_FDT_COMPATIBLE));
	} else if (liveupdate_rfc_fault("truncate")) {
		pr_warn("fault injection: truncate\n");
		size = 64;
	}
	return size;
}
#else
static size_t luo_inject_fault(void *blob, size_t size)
{
	return size;
}
#endif

/* Build the blob in preserved memory and hand it to KHO. */
static int luo_publish_blob(void)
{
	size_t size = PAGE_SIZE;
	void *blob;
	int err;

	for (;;) {
		blob = kho_alloc_preserve(size);
		if (IS_ERR(blob))
			return PTR_ERR(blob);
		err = luo_write_blob(blob, size);
		if (err != -FDT_ERR_NOSPACE)
			break;
		kho_unpreserve_free(blob);
		size *= 2;
	}
	if (err) {
		pr_err("cannot write the handover blob: %s\n",
		       fdt_strerror(err));
		err = -EINVAL;
		goto err_free_blob;
	}

	err = kho_add_subtree(LUO_RFC_KHO_SUBTREE, blob,
			      luo_inject_fault(blob, fdt_totalsize(blob)));
	if (err) {
		pr_err("cannot add KHO subtree %s: %pe\n", LUO_RFC_KHO_SUBTREE,
		       ERR_PTR(err));
		goto err_free_blob;
	}
	luo.blob = blob;
	return 0;

err_free_blob:
	kho_unpreserve_free(blob);
	return err;
}

static void luo_unpublish_blob(void)
{
	if (!luo.blob)
		return;
	kho_remove_subtree(luo.blob);
	kho_unpreserve_free(luo.blob);
	luo.blob = NULL;
}

/**
 * luo_freeze - prepared -> frozen
 *
 * Context: luo_lock held.
 * Return: 0, -EBUSY when not prepared, or the error of the participant that
 * failed; on failure everything is cancelled and the state is normal.
 */
int luo_freeze(void)
{
	struct luo_subsystem *ss;
	int err;

	lockdep_assert_held(&luo_lock);
	if (luo.state != LIVEUPDATE_STATE_PREPARED)
		return -EBUSY;

	luo_trace_stamp(LUO_RFC_TRACE_EV_FREEZE_START, 0);
	list_for_each_entry(ss, &luo_subsystems, list) {
		if (!ss->ops->freeze)
			continue;
		err = ss->ops->freeze(ss->data, &ss->sdata);
		if (err) {
			pr_err("subsystem %s failed to freeze: %pe\n", ss->name,
			       ERR_PTR(err));
			goto err_cancel;
		}
	}

	err = luo_publish_blob();
	if (err)
		goto err_cancel;
	luo_trace_stamp(LUO_RFC_TRACE_EV_FREEZE_END, 0);
	luo_set_state(LIVEUPDATE_STATE_FROZEN);
	return 0;

err_cancel:
	luo_cancel_subsystems();
	luo_trace_end();
	luo_set_state(LIVEUPDATE_STATE_NORMAL);
	return err;
}

/**
 * luo_cancel - prepared or frozen -> normal
 *
 * Context: luo_lock held.
 * Return: 0, or -EBUSY when there is nothing to cancel.
 */
int luo_cancel(void)
{
	lockdep_assert_held(&luo_lock);
	if (luo.state != LIVEUPDATE_STATE_PREPARED &&
	    luo.state != LIVEUPDATE_STATE_FROZEN)
		return -EBUSY;

	luo_unpublish_blob();
	luo_cancel_subsystems();
	luo_trace_end();
	luo_set_state(LIVEUPDATE_STATE_NORMAL);
	return 0;
}

/**
 * luo_finish - updated -> normal
 *
 * Calls every subsystem's finish callback; the files subsystem releases
 * every preserved file that was not retrieved.
 *
 * Context: luo_lock held.
 * Return: 0, or -EBUSY when not in updated.
 */
int luo_finish(void)
{
	struct luo_incoming_ss *in, *tmp;
	struct luo_subsystem *ss;

	lockdep_assert_held(&luo_lock);
	if (luo.state != LIVEUPDATE_STATE_UPDATED)
		return -EBUSY;

	luo_trace_stamp(LUO_RFC_TRACE_EV_IN_FINISH, 0);
	list_for_each_entry(ss, &luo_subsystems, list) {
		if (ss->ops->finish)
			ss->ops->finish(ss->data,
					ss->has_incoming ? ss->incoming : 0);
		ss->has_incoming = false;
		ss->incoming = 0;
	}
	list_for_each_entry_safe(in, tmp, &luo_incoming_subsystems, list) {
		pr_warn("subsystem %s (%s) never registered: its data is lost\n",
			in->name, in->compatible);
		list_del(&in->list);
		kfree(in);
	}
	/* the incoming blob stays: debugfs kho/in/sub_fdts/luo-rfc shows it */
	luo_set_state(LIVEUPDATE_STATE_NORMAL);
	pr_info("live update %llu finished\n", luo.count);
	return 0;
}

/**
 * luo_maybe_finish - finish once the last incoming session is finished
 *
 * Context: luo_lock held.
 */
void luo_maybe_finish(void)
{
	lockdep_assert_held(&luo_lock);
	if (luo.state == LIVEUPDATE_STATE_UPDATED &&
	    !luo_files_incoming_pending())
		luo_finish();
}

/* Ask every subsystem whether what it froze is still what it handed over. */
static int luo_verify(void)
{
	struct luo_subsystem *ss;
	int err;

	list_for_each_entry(ss, &luo_subsystems, list) {
		if (!ss->ops->verify)
			continue;
		err = ss->ops->verify(ss->data, ss->sdata);
		if (err) {
			pr_err("subsystem %s changed since freeze: %pe\n",
			       ss->name, ERR_PTR(err));
			return err;
		}
	}
	return 0;
}

/* Finish a pending incoming update, then prepare and freeze what is left. */
static int luo_freeze_for_kexec(void)
{
	int err = 0;

	if (luo.state == LIVEUPDATE_STATE_UPDATED) {
		pr_info("kexec before finish: releasing what was not retrieved\n");
		luo_finish();
	}
	if (luo.state == LIVEUPDATE_STATE_NORMAL)
		err = luo_prepare();
	if (!err && luo.state == LIVEUPDATE_STATE_PREPARED)
		err = luo_freeze();
	return err;
}

/*
 * Is there anything to hand over: an outgoing session (even an empty one:
 * the next kernel would recreate it) or a subsystem's data? Without, a
 * kexec whose image carries no handover (kexec_load by a loader that knows
 * no KHO) loses nothing (luo_prejump_check()).
 * Context: luo_lock held, frozen.
 */
static bool luo_handover_needed(void)
{
	struct luo_subsystem *ss;

	if (luo_files_outgoing())
		return true;
	list_for_each_entry(ss, &luo_subsystems, list)
		if (ss->sdata)
			return true;
	return false;
}

/**
 * liveupdate_rfc_reboot - kexec hook: freeze, verify and commit the update
 *
 * Called by kernel_kexec() before the point of no return. Finishes a
 * pending incoming update (what was not retrieved is released), prepares
 * and freezes whatever userspace left undone, and lets every participant
 * verify that nothing changed since freeze, then runs the pre-jump check.
 * On success the update is committed: luo_lock stays held for good, so that no other task can
 * cancel, finish, close a session or preserve anything while the kexec
 * goes ahead with the handover as verified here.
 *
 * Context: process context, kexec lock held.
 * Return: 0 to go ahead (committed), or a negative errno to refuse the
 * kexec; in that case the orchestrator is back in normal with nothing
 * preserved.
 */
int liveupdate_rfc_reboot(void)
{
	int err;

	mutex_lock(&luo_lock);
	if (!liveupdate_rfc_enabled()) {
		mutex_unlock(&luo_lock);
		return 0;
	}
	/* a trace for this update, unless prepare already began one */
	if (luo.state != LIVEUPDATE_STATE_PREPARED &&
	    luo.state != LIVEUPDATE_STATE_FROZEN)
		luo_trace_begin();
	luo_trace_stamp(LUO_RFC_TRACE_EV_KEXEC_CALL, 0);
	err = luo_freeze_for_kexec();
	if (!err)
		err = luo_verify();
	/* frozen and verified: the purgatory's checks, while we can cancel */
	if (!err)
		err = luo_prejump_check(luo_handover_needed());
	if (err) {
		luo_cancel();
		mutex_unlock(&luo_lock);
		pr_err("kexec refused, nothing preserved: %pe\n", ERR_PTR(err));
		return err;
	}
	/* committed: luo_lock is never released (see DOC above) */
	luo_trace_commit();
	pr_info("committed to kexec (live update %llu)\n", luo.count + 1);
	return 0;
}

/* Copy out a NUL-terminated string property of 1..@max-1 characters. */
int luo_fdt_get_string(const void *fdt, int off, const char *name,
		       char *buf, size_t max)
{
	const char *s;
	int len;

	s = fdt_getprop(fdt, off, name, &len);
	if (!s || len < 2 || len > max || s[len - 1] || strlen(s) != len - 1)
		return -EINVAL;
	memcpy(buf, s, len);
	return 0;
}

int luo_fdt_get_u64(const void *fdt, int off, const char *name, u64 *val)
{
	const void *p;
	int len;

	p = fdt_getprop(fdt, off, name, &len);
	if (!p || len != sizeof(u64))
		return -EINVAL;
	*val = get_unaligned((const u64 *)p);
	return 0;
}

int luo_fdt_get_u32(const void *fdt, int off, const char *name, u32 *val)
{
	const void *p;
	int len;

	p = fdt_getprop(fdt, off, name, &len);
	if (!p || len != sizeof(u32))
		return -EINVAL;
	*val = get_unaligned((const u32 *)p);
	return 0;
}

static void __init luo_free_incoming_subsystems(void)
{
	struct luo_incoming_ss *in, *tmp;

	list_for_each_entry_safe(in, tmp, &luo_incoming_subsystems, list) {
		list_del(&in->list);
		kfree(in);
	}
}

static int __init luo_parse_subsystems(const void *fdt)
{
	struct luo_incoming_ss *in;
	struct luo_subsystem *ss;
	int node, off;

	node = fdt_subnode_offset(fdt, 0, LUO_RFC_NODE_SUBSYSTEMS);
	if (node < 0) {
		pr_err("incoming blob: no /%s node\n", LUO_RFC_NODE_SUBSYSTEMS);
		return -EINVAL;
	}
	fdt_for_each_subnode(off, fdt, node) {
		const char *name = fdt_get_name(fdt, off, NULL);

		if (!name || strlen(name) >= LUO_NAME_MAX) {
			pr_err("incoming blob: bad subsystem node name\n");
			return -EINVAL;
		}
		in = kzalloc_obj(*in);
		if (!in)
			return -ENOMEM;
		strscpy(in->name, name);
		list_add_tail(&in->list, &luo_incoming_subsystems);
		if (luo_fdt_get_string(fdt, off, "compatible", in->compatible,
				       LUO_NAME_MAX) ||
		    luo_fdt_get_u64(fdt, off, LUO_RFC_PROP_DATA, &in->sdata)) {
			pr_err("incoming blob: subsystem %s: bad compatible or data\n",
			       name);
			return -EINVAL;
		}
		list_for_each_entry(ss, &luo_subsystems, list)
			if (luo_attach_incoming(ss, in))
				break;
	}
	return 0;
}

/* Validate and take in the blob the previous kernel handed over. */
static int __init luo_parse_blob(const void *fdt, size_t size)
{
	u64 trace;
	int err;

	if (size < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) > size) {
		pr_err("incoming blob: not a valid FDT of at most %zu bytes\n",
		       size);
		return -EINVAL;
	}
	if (fdt_node_check_compatible(fdt, 0, LUO_FDT_COMPATIBLE)) {
		pr_err("incoming blob: not compatible with %s\n",
		       LUO_FDT_COMPATIBLE);
		return -EINVAL;
	}
	if (luo_fdt_get_u64(fdt, 0, LUO_RFC_PROP_COUNT, &luo.count) || !luo.count) {
		pr_err("incoming blob: bad %s\n", LUO_RFC_PROP_COUNT);
		return -EINVAL;
	}
	/* optional; a bad trace is ignored, never a reason to refuse */
	if (!luo_fdt_get_u64(fdt, 0, LUO_RFC_PROP_TRACE, &trace))
		luo_trace_restore(trace);
	err = luo_parse_subsystems(fdt);
	if (err)
		return err;
	return luo_files_deserialize(fdt);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	static const char * const names[] = {
		[LIVEUPDATE_STATE_NORMAL] = "normal",
		[LIVEUPDATE_STATE_PREPARED] = "prepared",
		[LIVEUPDATE_STATE_FROZEN] = "frozen",
		[LIVEUPDATE_STATE_UPDATED] = "updated",
		[LIVEUPDATE_STATE_DISABLED] = "disabled",
	};

	return sysfs_emit(buf, "%s\n", names[luo_get_state()]);
}

static struct kobj_attribute luo_state_attr = __ATTR_RO(state);

static ssize_t count_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%llu\n", luo.count);
}

static struct kobj_attribute luo_count_attr = __ATTR_RO(count);

static struct attribute *luo_attrs[] = {
	&luo_state_attr.attr,
	&luo_count_attr.attr,
	&luo_handover_attr.attr,
	&luo_formats_attr.attr,
	NULL,
};

static const struct bin_attribute *const luo_bin_attrs[] = {
	&luo_trace_attr,
	NULL,
};

static const struct attribute_group luo_attr_group = {
	.attrs = luo_attrs,
	.bin_attrs = luo_bin_attrs,
};

static void __init luo_sysfs_init(void)
{
	struct kobject *kobj;

	kobj = kobject_create_and_add("liveupdate", kernel_kobj);
	if (!kobj || sysfs_create_group(kobj, &luo_attr_group))
		pr_warn("cannot create /sys/kernel/liveupdate\n");
}

/*
 * Take the incoming blob over from KHO before reading a byte of it: the
 * restore proves that the pages were preserved (and not restored before) and
 * gives their size. The blob is never freed (debugfs kho/in points at it).
 */
static int __init luo_restore_blob(phys_addr_t phys, size_t size)
{
	struct folio *folio;

	if (!phys || !PAGE_ALIGNED(phys) || !size) {
		pr_err("incoming blob: bad address %pa or size %zu\n", &phys,
		       size);
		return -EINVAL;
	}
	folio = kho_restore_folio(phys);
	if (!folio) {
		pr_err("incoming blob at %pa was not preserved\n", &phys);
		return -EINVAL;
	}
	if (size > folio_size(folio)) {
		pr_err("incoming blob: %zu bytes in a preserved block of %zu\n",
		       size, folio_size(folio));
		return -EINVAL;
	}
	return 0;
}

/*
 * After kho_init() (fs_initcall): KHO's outgoing tree exists and incoming
 * preserved memory can be restored. Subsystems and file handlers register
 * later (device_initcall and after).
 */
static int __init luo_rfc_init(void)
{
	phys_addr_t phys;
	size_t size;
	int err;

	luo_trace_boot();
	luo_sysfs_init();
	if (!luo.enabled || !kho_is_enabled()) {
		pr_info("disabled (%s)\n", luo.enabled ? "kho=off" :
			"liveupdate=off");
		return 0;
	}

	mutex_lock(&luo_lock);
	luo_set_state(LIVEUPDATE_STATE_NORMAL);
	mutex_unlock(&luo_lock);

	err = luo_files_register();
	if (err)
		goto err_disable;

	err = kho_retrieve_subtree(LUO_RFC_KHO_SUBTREE, &phys, &size);
	if (err == -ENOENT)
		return 0;
	if (err) {
		pr_err("incoming KHO subtree %s unreadable: %pe\n",
		       LUO_RFC_KHO_SUBTREE, ERR_PTR(err));
		goto err_disable;
	}

	err = luo_restore_blob(phys, size);
	if (err)
		goto err_disable;

	mutex_lock(&luo_lock);
	err = luo_parse_blob(phys_to_virt(phys), size);
	if (err) {
		luo_free_incoming_subsystems();
		mutex_unlock(&luo_lock);
		goto err_disable;
	}
	luo_set_state(LIVEUPDATE_STATE_UPDATED);
	mutex_unlock(&luo_lock);
	luo_trace_stamp(LUO_RFC_TRACE_EV_IN_LUO_READY, 0);
	pr_info("live update %llu: handover blob accepted\n", luo.count);
	return 0;

err_disable:
	pr_err("disabled: incoming live update state rejected (%pe); preserved memory is not reused\n",
	       ERR_PTR(err));
	luo.open_err = -EBADMSG;
	mutex_lock(&luo_lock);
	luo_set_state(LIVEUPDATE_STATE_DISABLED);
	mutex_unlock(&luo_lock);
	return 0;
}
fs_initcall_sync(luo_rfc_init);
