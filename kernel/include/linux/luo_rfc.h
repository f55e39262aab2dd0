/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live Update Orchestrator, RFC design: in-kernel interface.
 *
 * Subsystems take part in every phase transition through
 * liveupdate_register_subsystem(); file types become preservable through
 * liveupdate_register_file_ops(). In both cases the caller passes a const
 * ops table and its private data separately and gets back an opaque handle.
 */
#ifndef _LINUX_LUO_RFC_H
#define _LINUX_LUO_RFC_H

#include <linux/types.h>
#include <linux/err.h>

struct file;
struct luo_subsystem;
struct luo_file_handler;

/* Longest subsystem name or compatible string, including the NUL. */
#define LUO_NAME_MAX		32

/**
 * struct luo_subsystem_ops - phase callbacks of a subsystem
 * @prepare: normal -> prepared. Preserve what must survive; may set *@sdata
 *           (e.g. to a physical address) that lands in the handover blob.
 * @freeze:  prepared -> frozen, just before the kexec jump. Final updates;
 *           may change *@sdata. Must be quick.
 * @verify:  kexec hook, after freeze and before the update is committed:
 *           the last check that nothing frozen has changed since @freeze
 *           (userspace may freeze long before it kexecs). Must not change
 *           anything; a failure refuses the kexec and cancels everything.
 * @cancel:  prepared/frozen -> normal. Undo prepare (and freeze). @sdata is
 *           the value prepare/freeze left. Never called once the update is
 *           committed (see liveupdate_rfc_reboot()).
 * @finish:  new kernel, updated -> normal. @sdata is the value handed over
 *           by the previous kernel (0 if the subsystem was not there).
 *
 * @prepare and @freeze return 0 or a negative errno; a failure cancels the
 * subsystems already done, in reverse registration order. Every callback is
 * optional and runs in process context with the LUO state lock held: it must
 * not call back into the orchestrator.
 */
struct luo_subsystem_ops {
	int (*prepare)(void *data, u64 *sdata);
	int (*freeze)(void *data, u64 *sdata);
	int (*verify)(void *data, u64 sdata);
	void (*cancel)(void *data, u64 sdata);
	void (*finish)(void *data, u64 sdata);
};

/**
 * struct luo_file_args - arguments of the file handler callbacks
 * @handler_data: the private data given to liveupdate_register_file_ops()
 * @file:         the file being preserved; [OUT] for @retrieve
 * @data:         the u64 handed over in the blob ("data" property); set by
 *                @prepare, may be updated by @freeze; [IN] in the new kernel
 * @private_data: per-file runtime state of the outgoing kernel, owned by
 *                the handler between @prepare and @cancel
 * @retrieved:    [IN] for @finish: true if @retrieve succeeded for this file
 */
struct luo_file_args {
	void *handler_data;
	struct file *file;
	u64 data;
	void *private_data;
	bool retrieved;
};

/**
 * struct luo_file_ops - callbacks of a preservable file type
 * @can_preserve: cheap test whether @file is of this handler's type
 * @prepare:      serialize the file (no data copy), set @args->data
 * @freeze:       last check/update before kexec; optional
 * @verify:       kexec hook, after @freeze: fail (e.g. -EBUSY) if the file
 *                changed since @freeze in a way the handover would lose;
 *                must not change anything; optional
 * @cancel:       undo @prepare (and @freeze)
 * @retrieve:     new kernel: rebuild the file from @args->data, set
 *                @args->file (with one reference for the orchestrator)
 * @finish:       new kernel: release what @args->data refers to if the file
 *                was never retrieved; optional
 */
struct luo_file_ops {
	bool (*can_preserve)(void *handler_data, struct file *file);
	int (*prepare)(struct luo_file_args *args);
	int (*freeze)(struct luo_file_args *args);
	int (*verify)(struct luo_file_args *args);
	void (*cancel)(struct luo_file_args *args);
	int (*retrieve)(struct luo_file_args *args);
	void (*finish)(struct luo_file_args *args);
};

#ifdef CONFIG_LIVEUPDATE_RFC

bool liveupdate_rfc_enabled(void);
int liveupdate_rfc_reboot(void);

struct luo_subsystem *
liveupdate_register_subsystem(const char *name, const char *compatible,
			      const struct luo_subsystem_ops *ops, void *data);
void liveupdate_unregister_subsystem(struct luo_subsystem *ss);
int liveupdate_subsystem_incoming(struct luo_subsystem *ss, u64 *sdata);

struct luo_file_handler *
liveupdate_register_file_ops(const char *compatible,
			     const struct luo_file_ops *ops, void *data);
void liveupdate_unregister_file_ops(struct luo_file_handler *fh);

#else /* CONFIG_LIVEUPDATE_RFC */

static inline bool liveupdate_rfc_enabled(void)
{
	return false;
}

static inline int liveupdate_rfc_reboot(void)
{
	return 0;
}

static inline struct luo_subsystem *
liveupdate_register_subsystem(const char *name, const char *compatible,
			      const struct luo_subsystem_ops *ops, void *data)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void liveupdate_unregister_subsystem(struct luo_subsystem *ss)
{
}

static inline int liveupdate_subsystem_incoming(struct luo_subsystem *ss,
						u64 *sdata)
{
	return -EOPNOTSUPP;
}

static inline struct luo_file_handler *
liveupdate_register_file_ops(const char *compatible,
			     const struct luo_file_ops *ops, void *data)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void liveupdate_unregister_file_ops(struct luo_file_handler *fh)
{
}

#endif /* CONFIG_LIVEUPDATE_RFC */

#ifdef CONFIG_LIVEUPDATE_RFC_FAULT_INJECT
bool liveupdate_rfc_fault(const char *name);
#else
static inline bool liveupdate_rfc_fault(const char *name)
{
	return false;
}
#endif

#endif /* _LINUX_LUO_RFC_H */
