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

union luo_dev_ucmd {
	struct liveupdate_ioctl_create_session create;
	struct liveupdate_ioctl_retrieve_session retrieve;
	struct liveupdate_ioctl_get_state state;
	struct liveupdate_ioctl_phase phase;
	struct liveupdate_ioctl_kho_info kho;
};

/*
 * CREATE_SESSION / RETRIEVE_SESSION: open the session named @uname, install
 * it as a new fd and copy the structure (with the fd) back to @uarg.
 */
static int luo_dev_session(unsigned int cmd, const u8 *uname, void __user *uarg,
			   void *kbuf, size_t len)
{
	struct liveupdate_ioctl_create_session *arg = kbuf;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	struct file *file;
	int fd, err;

	/* create and retrieve share one layout: size, fd, name */
	BUILD_BUG_ON(offsetof(struct liveupdate_ioctl_retrieve_session, name) !=
		     offsetof(struct liveupdate_ioctl_create_session, name));
	memcpy(name, uname, sizeof(name));
	if (strnlen(name, sizeof(name)) == sizeof(name))
		return -EINVAL;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	if (cmd == LIVEUPDATE_IOCTL_CREATE_SESSION)
		err = luo_session_create(name, &file);
	else
		err = luo_session_retrieve(name, &file);
	if (err)
		goto err_put_fd;

	arg->fd = fd;
	if (copy_to_user(uarg, arg, len)) {
		err = -EFAULT;
		fput(file);
		goto err_put_fd;
	}
	fd_install(fd, file);
	return 0;

err_put_fd:
	put_unused_fd(fd);
	return err;
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

/**
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
 * Context: process context, may fault.
 * Return: 0, -EFAULT, -EINVAL (too short) or -E2BIG (non-zero tail).
 */
int luo_copy_ucmd(void *dst, size_t ksize, size_t minsize,
		  void __user *uarg, u32 *usize)
{
	if (get_user(*usize, (u32 __user *)uarg))
		return -EFAULT;
	if (*usize < minsize)
		return -EINVAL;
	return copy_struct_from_user(dst, ksize, uarg, *usize);
}

static long luo_dev_ioctl(struct file *filep, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	union luo_dev_ucmd u;
	size_t ksize, minsize, outlen;
	u32 usize;
	int err;

	switch (cmd) {
	case LIVEUPDATE_IOCTL_CREATE_SESSION:
	case LIVEUPDATE_IOCTL_RETRIEVE_SESSION:
		ksize = sizeof(u.create);
		minsize = offsetofend(typeof(u.create), name);
		break;
	case LIVEUPDATE_IOCTL_GET_STATE:
		ksize = sizeof(u.state);
		minsize = offsetofend(typeof(u.state), state);
		break;
	case LIVEUPDATE_IOCTL_PREPARE:
	case LIVEUPDATE_IOCTL_FREEZE:
	case LIVEUPDATE_IOCTL_CANCEL:
	case LIVEUPDATE_IOCTL_FINISH:
		ksize = sizeof(u.phase);
		minsize = offsetofend(typeof(u.phase), reserved);
		break;
	case LIVEUPDATE_IOCTL_GET_KHO_INFO:
		ksize = sizeof(u.kho);
		minsize = offsetofend(typeof(u.kho), reserved);
		break;
	default:
		return -ENOTTY;
	}
	err = luo_copy_ucmd(&u, ksize, minsize, uarg, &usize);
	if (err)
		return err;
	outlen = min_t(size_t, usize, ksize);

	switch (cmd) {
	case LIVEUPDATE_IOCTL_CREATE_SESSION:
		return luo_dev_session(cmd, u.create.name, uarg, &u, outlen);
	case LIVEUPDATE_IOCTL_RETRIEVE_SESSION:
		return luo_dev_session(cmd, u.retrieve.name, uarg, &u, outlen);
	case LIVEUPDATE_IOCTL_GET_STATE:
		u.state.state = luo_get_state();
		break;
	case LIVEUPDATE_IOCTL_PREPARE:
	case LIVEUPDATE_IOCTL_FREEZE:
	case LIVEUPDATE_IOCTL_CANCEL:
	case LIVEUPDATE_IOCTL_FINISH:
		if (u.phase.reserved)
			return -EINVAL;
		mutex_lock(&luo_lock);
		if (cmd == LIVEUPDATE_IOCTL_PREPARE)
			err = luo_prepare();
		else if (cmd == LIVEUPDATE_IOCTL_FREEZE)
			err = luo_freeze();
		else if (cmd == LIVEUPDATE_IOCTL_CANCEL)
			err = luo_cancel();
		else
			err = luo_finish();
		mutex_unlock(&luo_lock);
		return err;
	case LIVEUPDATE_IOCTL_GET_KHO_INFO:
		err = luo_dev_kho_info(&u.kho);
		if (err && err != -ENOSPC)
			return err;
		if (copy_to_user(uarg, &u, outlen))
			return -EFAULT;
		return err;
	}
	if (copy_to_user(uarg, &u, outlen))
		return -EFAULT;
	return 0;
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
