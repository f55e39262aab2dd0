// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: /dev/liveupdate.
 */

/**
 * DOC: /dev/liveupdate
 *
 * One process at a time may hold /dev/liveupdate open (a second open fails
 * with EBUSY). Closing it changes nothing: sessions live as long as their
 * own file descriptors.
 *
 * The device understands the upstream 7.3 session ioctls
 * (LIVEUPDATE_IOCTL_CREATE_SESSION, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, see
 * <linux/liveupdate.h>) and the phase ioctls of <linux/liveupdate_rfc.h>:
 * GET_STATE, PREPARE, FREEZE, CANCEL, FINISH and GET_KHO_INFO. Every ioctl
 * takes a structure whose first u32 is its size; bytes the kernel does not
 * know must be zero (E2BIG otherwise).
 *
 * When the incoming live update state was rejected at boot, open() fails
 * with EBADMSG and /sys/kernel/liveupdate/state reads "disabled".
 */

#define pr_fmt(fmt) "luo: " fmt

#include <linux/atomic.h>
#include <linux/cleanup.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/miscdevice.h>
#include <linux/uaccess.h>

#include "kexec_handover_internal.h"
#include "luo_rfc_handover.h"
#include "luo_rfc_internal.h"

static atomic_t luo_dev_in_use = ATOMIC_INIT(0);

static int luo_dev_open(struct inode *inode, struct file *filep)
{
	int err = luo_open_error();

	if (err)
		return err;
	if (atomic_cmpxchg(&luo_dev_in_use, 0, 1))
		return -EBUSY;
	return 0;
}

static int luo_dev_release(struct inode *inode, struct file *filep)
{
	atomic_set(&luo_dev_in_use, 0);
	return 0;
}

static int luo_dev_kho_info(struct liveupdate_ioctl_kho_info *info)
{
	struct liveupdate_kho_range __user *ranges;
	struct liveupdate_kho_range r;
	struct luo_kho_handover ho;
	unsigned int i;
	int err;

	if (info->reserved)
		return -EINVAL;
	err = luo_kho_handover(&ho);
	if (err)
		return err;
	info->fdt_phys = ho.fdt_phys;
	info->fdt_size = ho.fdt_size;
	info->nr_scratch = ho.nr_scratch;
	if (!info->ranges)
		return 0;
	if (info->max_ranges < ho.nr_scratch)
		return -ENOSPC;
	ranges = u64_to_user_ptr(info->ranges);
	for (i = 0; i < ho.nr_scratch; i++) {
		r.addr = ho.scratch[i].addr;
		r.size = ho.scratch[i].size;
		if (copy_to_user(&ranges[i], &r, sizeof(r)))
			return -EFAULT;
	}
	return 0;
}

/*
 * CREATE_SESSION / RETRIEVE_SESSION: open the session named in the argument,
 * install it as a new fd and copy the argument (with the fd) back.
 */
static int luo_dev_session(struct luo_ucmd *ucmd, bool create)
{
	struct liveupdate_ioctl_create_session *argp = ucmd->cmd;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	struct file *file;
	int fd, err;

	/* create and retrieve share one layout: size, fd, name */
	BUILD_BUG_ON(offsetof(struct liveupdate_ioctl_retrieve_session, name) !=
		     offsetof(struct liveupdate_ioctl_create_session, name));
	BUILD_BUG_ON(offsetof(struct liveupdate_ioctl_retrieve_session, fd) !=
		     offsetof(struct liveupdate_ioctl_create_session, fd));
	memcpy(name, argp->name, sizeof(name));
	if (strnlen(name, sizeof(name)) == sizeof(name))
		return -EINVAL;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	if (create)
		err = luo_session_create(name, &file);
	else
		err = luo_session_retrieve(name, &file);
	if (err) {
		put_unused_fd(fd);
		return err;
	}

	argp->fd = fd;
	/* a new session takes part only once userspace knows its fd */
	return luo_ucmd_install(ucmd, sizeof(*argp), fd, file,
				create ? luo_session_publish : NULL);
}

static int luo_ioctl_create_session(struct file *filep, struct luo_ucmd *ucmd)
{
	return luo_dev_session(ucmd, true);
}

static int luo_ioctl_retrieve_session(struct file *filep,
				      struct luo_ucmd *ucmd)
{
	return luo_dev_session(ucmd, false);
}

static int luo_ioctl_get_state(struct file *filep, struct luo_ucmd *ucmd)
{
	struct liveupdate_ioctl_get_state *argp = ucmd->cmd;

	argp->state = luo_get_state();
	return luo_ucmd_respond(ucmd, sizeof(*argp));
}

/* PREPARE, FREEZE, CANCEL, FINISH: one state transition under luo_lock. */
static int luo_dev_phase(struct luo_ucmd *ucmd, int (*transition)(void))
{
	struct liveupdate_ioctl_phase *argp = ucmd->cmd;

	if (argp->reserved)
		return -EINVAL;
	guard(mutex)(&luo_lock);
	return transition();
}

static int luo_ioctl_prepare(struct file *filep, struct luo_ucmd *ucmd)
{
	return luo_dev_phase(ucmd, luo_prepare);
}

static int luo_ioctl_freeze(struct file *filep, struct luo_ucmd *ucmd)
{
	return luo_dev_phase(ucmd, luo_freeze);
}

static int luo_ioctl_cancel(struct file *filep, struct luo_ucmd *ucmd)
{
	return luo_dev_phase(ucmd, luo_cancel);
}

static int luo_ioctl_finish(struct file *filep, struct luo_ucmd *ucmd)
{
	return luo_dev_phase(ucmd, luo_finish);
}

/*
 * GET_KHO_INFO: the counts are copied back also on -ENOSPC, so that
 * userspace learns how many ranges to make room for.
 */
static int luo_ioctl_get_kho_info(struct file *filep, struct luo_ucmd *ucmd)
{
	struct liveupdate_ioctl_kho_info *argp = ucmd->cmd;
	int err, rerr;

	err = luo_dev_kho_info(argp);
	if (err && err != -ENOSPC)
		return err;
	rerr = luo_ucmd_respond(ucmd, sizeof(*argp));
	return rerr ? rerr : err;
}

static const struct luo_ioctl_op luo_dev_ioctl_ops[] = {
	LUO_IOCTL_OP(LIVEUPDATE_IOCTL_CREATE_SESSION, luo_ioctl_create_session,
		     struct liveupdate_ioctl_create_session, name),
	LUO_IOCTL_OP(LIVEUPDATE_IOCTL_RETRIEVE_SESSION,
		     luo_ioctl_retrieve_session,
		     struct liveupdate_ioctl_retrieve_session, name),
	LUO_IOCTL_OP(LIVEUPDATE_IOCTL_GET_STATE, luo_ioctl_get_state,
		     struct liveupdate_ioctl_get_state, state),
	LUO_IOCTL_OP(LIVEUPDATE_IOCTL_PREPARE, luo_ioctl_prepare,
		     struct liveupdate_ioctl_phase, reserved),
	LUO_IOCTL_OP(LIVEUPDATE_IOCTL_FREEZE, luo_ioctl_freeze,
		     struct liveupdate_ioctl_phase, reserved),
	LUO_IOCTL_OP(LIVEUPDATE_IOCTL_CANCEL, luo_ioctl_cancel,
		     struct liveupdate_ioctl_phase, reserved),
	LUO_IOCTL_OP(LIVEUPDATE_IOCTL_FINISH, luo_ioctl_finish,
		     struct liveupdate_ioctl_phase, reserved),
	LUO_IOCTL_OP(LIVEUPDATE_IOCTL_GET_KHO_INFO, luo_ioctl_get_kho_info,
		     struct liveupdate_ioctl_kho_info, reserved),
};

/*
 * luo_copy_ucmd - copy an extensible ioctl argument from userspace
 * @dst:     kernel copy of the argument
 * @ksize:   size of the kernel's structure
 * @minsize: smallest size userspace may pass (up to the last needed field)
 * @uarg:    userspace pointer; the structure starts with its u32 size
 * @usize:   returns the size userspace passed
 *
 * The argument structures of /dev/liveupdate and session ioctls start with
 * their own size, as in upstream's uapi: a shorter structure than @minsize is
 * refused, a longer one must have only zeroes beyond @ksize.
 *
 * Return: 0, -EFAULT, -EINVAL (too short) or -E2BIG (non-zero tail).
 */
static int luo_copy_ucmd(void *dst, size_t ksize, size_t minsize,
			 void __user *uarg, u32 *usize)
{
	if (get_user(*usize, (u32 __user *)uarg))
		return -EFAULT;
	if (*usize < minsize)
		return -EINVAL;
	return copy_struct_from_user(dst, ksize, uarg, *usize);
}

/**
 * luo_ucmd_respond - copy an ioctl argument back to userspace
 * @ucmd:  the call, as luo_ioctl_dispatch() passed it to the handler
 * @ksize: size of the kernel's structure
 *
 * Copies as much of the kernel's structure as userspace's size covers.
 *
 * Context: process context, may fault.
 * Return: 0 or -EFAULT.
 */
int luo_ucmd_respond(struct luo_ucmd *ucmd, size_t ksize)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, ksize)))
		return -EFAULT;
	return 0;
}

/**
 * luo_ucmd_install - hand a new file to userspace as the result of an ioctl
 * @ucmd:    the call; its argument holds @fd already
 * @ksize:   size of the kernel's argument structure
 * @fd:      from get_unused_fd_flags()
 * @file:    the file @fd is to name
 * @publish: if not NULL, called once the argument is copied back, before
 *           @fd is installed
 *
 * Copies the argument back (luo_ucmd_respond()), calls @publish and installs
 * @fd. On failure @file is put and @fd released.
 *
 * Context: process context, may fault.
 * Return: 0, -EFAULT, or what @publish returns.
 */
int luo_ucmd_install(struct luo_ucmd *ucmd, size_t ksize, int fd,
		     struct file *file, int (*publish)(struct file *file))
{
	int err;

	err = luo_ucmd_respond(ucmd, ksize);
	if (!err && publish)
		err = publish(file);
	if (err) {
		fput(file);
		put_unused_fd(fd);
		return err;
	}
	fd_install(fd, file);
	return 0;
}

/**
 * luo_ioctl_dispatch - run one ioctl of an fd type from its table
 * @ops:    the fd type's ioctls
 * @nr_ops: entries in @ops
 * @filep:  the file the ioctl was made on, passed to the handler
 * @cmd:    the ioctl number
 * @arg:    the userspace argument
 *
 * Looks @cmd up in @ops, copies the argument in (luo_copy_ucmd()) and calls
 * the handler, which copies back what it returns (luo_ucmd_respond()).
 *
 * Context: process context, may fault.
 * Return: -ENOTTY for an unknown @cmd, -EFAULT, -EINVAL (argument shorter
 * than the op's minimum), -E2BIG (non-zero bytes past the kernel's
 * structure), or what the handler returns.
 */
long luo_ioctl_dispatch(const struct luo_ioctl_op *ops, size_t nr_ops,
			struct file *filep, unsigned int cmd,
			unsigned long arg)
{
	struct luo_ucmd ucmd = { .ubuffer = (void __user *)arg };
	const struct luo_ioctl_op *op;
	union luo_ucmd_buffer buf;
	size_t i;
	int err;

	for (i = 0; i < nr_ops; i++)
		if (ops[i].cmd == cmd)
			break;
	if (i == nr_ops)
		return -ENOTTY;
	op = &ops[i];

	err = luo_copy_ucmd(&buf, op->size, op->min_size, ucmd.ubuffer,
			    &ucmd.user_size);
	if (err)
		return err;
	ucmd.cmd = &buf;
	return op->execute(filep, &ucmd);
}

static long luo_dev_ioctl(struct file *filep, unsigned int cmd,
			  unsigned long arg)
{
	return luo_ioctl_dispatch(luo_dev_ioctl_ops,
				  ARRAY_SIZE(luo_dev_ioctl_ops), filep, cmd,
				  arg);
}

static const struct file_operations luo_dev_fops = {
	.owner = THIS_MODULE,
	.open = luo_dev_open,
	.release = luo_dev_release,
	.unlocked_ioctl = luo_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice luo_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "liveupdate",
	.fops = &luo_dev_fops,
};

/*
 * The device exists when LUO runs, and also when it was disabled by a bad
 * incoming blob, so that userspace gets EBADMSG rather than ENOENT.
 */
static int __init luo_dev_init(void)
{
	if (!liveupdate_rfc_enabled() && !luo_open_error())
		return 0;
	return misc_register(&luo_miscdev);
}
late_initcall(luo_dev_init);
