// SPDX-License-Identifier: GPL-2.0-only
/* System side of luo-kexec: sysfs, /dev/liveupdate and the kexec calls. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Our uapi (kernel/include/uapi) over the 7.3 tree's, never the host's. */
#include <linux/liveupdate_rfc.h>

#include "ld.h"
#include "sys.h"
#include "arch.h"

int sys_handover_ioctl(struct sys_handover *h)
{
	struct liveupdate_ioctl_kho_info q = { .size = sizeof(q) };
	int fd = open("/dev/liveupdate", O_RDWR | O_CLOEXEC), err = 0;

	memset(h, 0, sizeof(*h));
	if (fd < 0)
		return errno == ENOENT ? -ENODEV : -errno;	/* EBUSY: held open */
	if (ioctl(fd, LIVEUPDATE_IOCTL_GET_KHO_INFO, &q) && errno != ENOSPC) {
		err = -errno;
		goto out;
	}
	if (!q.nr_scratch) {
		err = -ENODEV;
		goto out;
	}
	h->scratch = calloc(q.nr_scratch, sizeof(*h->scratch));
	if (!h->scratch) {
		err = -ENOMEM;
		goto out;
	}
	q.ranges = (uintptr_t)h->scratch;
	q.max_ranges = q.nr_scratch;
	_Static_assert(sizeof(struct liveupdate_kho_range) == sizeof(struct ho_scratch),
		       "scratch range layout");
	if (ioctl(fd, LIVEUPDATE_IOCTL_GET_KHO_INFO, &q)) {
		err = -errno;
		goto out;
	}
	h->nscratch = q.nr_scratch;
	h->fdt_addr = q.fdt_phys;
	h->fdt_size = q.fdt_size;
	h->source = "/dev/liveupdate";
out:
	close(fd);
	if (err) {
		free(h->scratch);
		h->scratch = NULL;
	}
	return err;
}

int sys_kexec_load(const struct ld_plan *p)
{
	struct kexec_segment ks[LD_NSEG];
	unsigned int i;

	for (i = 0; i < p->nseg; i++) {
		ks[i].buf = p->seg[i].buf;
		ks[i].bufsz = p->seg[i].bufsz;
		ks[i].mem = (void *)(uintptr_t)p->seg[i].mem;
		ks[i].memsz = p->seg[i].memsz;
	}
	if (syscall(SYS_kexec_load, p->entry, (unsigned long)p->nseg, ks,
		    ld_arch.kexec_arch))
		return -errno;
	return 0;
}

int sys_kexec_file_load(const char *kernel, const char *initrd,
			const char *cmdline)
{
	int kfd = open(kernel, O_RDONLY | O_CLOEXEC), ifd = -1, err = 0;
	unsigned long flags = 0;

	if (kfd < 0)
		return -errno;
	if (initrd) {
		ifd = open(initrd, O_RDONLY | O_CLOEXEC);
		if (ifd < 0) {
			err = -errno;
			goto out;
		}
	} else {
		flags |= KEXEC_FILE_NO_INITRAMFS;
	}
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1,
		    cmdline, flags))
		err = -errno;
out:
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	return err;
}

int sys_kexec_unload(bool file)
{
	long r;

	if (file)
		r = syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL,
			    (unsigned long)KEXEC_FILE_UNLOAD);
	else
		r = syscall(SYS_kexec_load, 0UL, 0UL, NULL, ld_arch.kexec_arch);
	return r ? -errno : 0;
}

int sys_kexec_exec(void)
{
	sync();
	if (reboot(RB_KEXEC))
		return -errno;
	return 0;
}
