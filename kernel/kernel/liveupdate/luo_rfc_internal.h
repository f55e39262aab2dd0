/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live Update Orchestrator, RFC design: definitions shared by the core, the
 * files subsystem and the /dev/liveupdate front end.
 */
#ifndef _KERNEL_LIVEUPDATE_LUO_RFC_INTERNAL_H
#define _KERNEL_LIVEUPDATE_LUO_RFC_INTERNAL_H

#include <linux/build_bug.h>
#include <linux/kho/abi/luo_rfc.h>
#include <linux/kho/abi/luo_rfc_trace.h>
#include <linux/luo_rfc.h>
#include <linux/mutex.h>
#include <linux/stddef.h>
#include <uapi/linux/liveupdate_rfc.h>

/*
 * The KHO subtree and its blob (<linux/kho/abi/luo_rfc.h>). Test kernels
 * may write a bumped compatible, to check that the stage refuses it.
 */
#ifdef CONFIG_LIVEUPDATE_RFC_TEST_BUMP_COMPAT
#define LUO_FDT_COMPATIBLE	"luo-rfc-v2"	/* test kernels only */
#else
#define LUO_FDT_COMPATIBLE	LUO_RFC_COMPATIBLE
#endif
/* The name luo_rfc_prejump.c uses. */
#define LUO_KHO_SUBTREE		LUO_RFC_KHO_SUBTREE

/* The self-test subsystem (luo_rfc_test.c, CONFIG_LIVEUPDATE_RFC_FAULT_INJECT). */
#define LUO_SELFTEST_NAME	"selftest"
#define LUO_SELFTEST_COMPATIBLE	"luo-selftest-v1"

/* Serializes every state change and every session/file list update. */
extern struct mutex luo_lock;

enum liveupdate_state luo_get_state(void);
int luo_open_error(void);

int luo_prepare(void);
int luo_freeze(void);
int luo_cancel(void);
int luo_finish(void);
void luo_maybe_finish(void);

/* What is handed over, for luo_rfc_handover.c and luo_rfc_prejump.c. */
typedef void (*luo_subsystem_fn)(void *arg, const char *name,
				 const char *compatible);
typedef void (*luo_file_handler_fn)(void *arg, const char *compatible,
				    unsigned int nfiles);
void luo_walk_subsystems(luo_subsystem_fn fn, void *arg);
unsigned int luo_walk_file_handlers(luo_file_handler_fn fn, void *arg);

/* Strict readers of blob properties: 0 or -EINVAL. */
int luo_fdt_get_string(const void *fdt, int off, const char *name,
		       char *buf, size_t max);
int luo_fdt_get_u64(const void *fdt, int off, const char *name, u64 *val);
int luo_fdt_get_u32(const void *fdt, int off, const char *name, u32 *val);

/*
 * ioctl dispatch (luo_rfc_dev.c), shared by /dev/liveupdate and the session
 * fds: one table of struct luo_ioctl_op per fd type.
 */

/**
 * struct luo_ucmd - one ioctl call being handled
 * @ubuffer:   the userspace argument
 * @user_size: the size userspace gave in the argument's first u32
 * @cmd:       the kernel copy of the argument
 */
struct luo_ucmd {
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

/**
 * struct luo_ioctl_op - one ioctl of an fd type
 * @cmd:      the ioctl number
 * @size:     size of the kernel's argument structure
 * @min_size: smallest size userspace may pass (end of the last mandatory
 *            field)
 * @execute:  the handler, called with the argument copied in
 */
struct luo_ioctl_op {
	unsigned int cmd;
	unsigned int size;
	unsigned int min_size;
	int (*execute)(struct file *filep, struct luo_ucmd *ucmd);
};

/* Room for the argument of any LUO ioctl. */
union luo_ucmd_buffer {
	struct liveupdate_ioctl_create_session create;
	struct liveupdate_ioctl_retrieve_session retrieve;
	struct liveupdate_ioctl_get_state state;
	struct liveupdate_ioctl_phase phase;
	struct liveupdate_ioctl_kho_info kho;
	struct liveupdate_session_preserve_fd preserve_fd;
	struct liveupdate_session_retrieve_fd retrieve_fd;
	struct liveupdate_session_finish finish;
	struct liveupdate_session_get_name get_name;
};

#define LUO_IOCTL_OP(_ioctl, _fn, _struct, _last)			\
	{								\
		.cmd = _ioctl,						\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(union luo_ucmd_buffer) < \
					  sizeof(_struct)),		\
		.min_size = offsetofend(_struct, _last),		\
		.execute = _fn,						\
	}

long luo_ioctl_dispatch(const struct luo_ioctl_op *ops, size_t nr_ops,
			struct file *filep, unsigned int cmd,
			unsigned long arg);
int luo_ucmd_respond(struct luo_ucmd *ucmd, size_t ksize);
int luo_ucmd_install(struct luo_ucmd *ucmd, size_t ksize, int fd,
		     struct file *file, int (*publish)(struct file *file));

/* Phase trace (luo_rfc_trace.c, <linux/kho/abi/luo_rfc_trace.h>). */
void luo_trace_stamp(u16 event, u32 arg);
void luo_trace_begin(void);
void luo_trace_end(void);
void luo_trace_commit(void);
u64 luo_trace_phys(void);
void luo_trace_boot(void);
void luo_trace_restore(u64 phys);
extern const struct bin_attribute luo_trace_attr;

/* Files subsystem (luo_rfc_files.c). */
int luo_files_register(void);
int luo_files_serialize(void *fdt);
int luo_files_deserialize(const void *fdt);
bool luo_files_incoming_pending(void);
bool luo_files_outgoing(void);
int luo_session_create(const char *name, struct file **filep);
int luo_session_publish(struct file *file);
int luo_session_retrieve(const char *name, struct file **filep);
int luo_test_unregister(const char *compatible);

#endif /* _KERNEL_LIVEUPDATE_LUO_RFC_INTERNAL_H */
