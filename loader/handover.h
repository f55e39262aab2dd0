/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the running kernel would hand over, asked of sysfs (issue 10):
 *
 *   <root>/kernel/liveupdate/handover  KHO FDT and scratch ranges (0400;
 *                                      ENODEV when KHO is off; our LUO)
 *   <root>/kernel/kho/out/{fdt_phys,fdt_len,scratch}
 *                                      the same, from the KHO patch
 *                                      (kernel/patches/0003-kho-*), on any
 *                                      LUO; absent when KHO is off
 *   <root>/kernel/liveupdate/formats   formats, sessions, preserved files
 *   <root>/kernel/liveupdate/state     normal, prepared, frozen, ...
 *   <root>/kernel/notes                the running kernel's build ID
 *
 * <root> is /sys (--sysfs-root=DIR in tests). The handover is read from
 * the first of liveupdate/handover and kho/out that exists; the
 * /dev/liveupdate ioctl is asked only when neither does (an older kernel
 * of ours): the device has one opener, normally the session holder.
 */
#ifndef LD_HANDOVER_H
#define LD_HANDOVER_H

#include <stdbool.h>

#include "preflight.h"
#include "sys.h"

/* 0, or -errno with the reason in why ("KHO is off", ...). */
int handover_query(const char *root, struct sys_handover *h, char *why,
		   size_t whysize);

struct handover_pending {
	struct ld_formats *fmt;		/* malloc()ed; NULL: unreadable */
	char fmt_why[LD_WHY_MAX];	/* why fmt is NULL */
	char state[32];			/* "" when unreadable */
	uint64_t sessions, files;
	bool anything;			/* something would be lost */
	struct ld_kernel_id self;	/* the running kernel (notes, uname) */
};

/* Read formats and state; never fails (what is unreadable says why). */
void handover_pending(const char *root, struct handover_pending *p);
void handover_pending_free(struct handover_pending *p);

/* "2 sessions, 3 preserved files, LUO state prepared" */
void handover_pending_words(const struct handover_pending *p, char *buf,
			    size_t size);


/*
 * Pre-flight: can the target kernel (image bytes img) read what p hands
 * over? Proven when the target's record lists every format of the running
 * kernel's formats file, or when the target is the running kernel's own
 * build (ld_kernel_same_build; the only proof on a kernel without formats
 * file or target without record, e.g. Linux's own LUO); the release names
 * of both are shown, never trusted. check: print the comparison and the
 * verdict to stdout (--check).
 * Otherwise (-l, a handover is carried): one line on stderr when it can;
 * the comparison on stderr when it cannot, or when either side is unknown.
 * Returns 0 to go on (compatible, or force), 1 to refuse.
 */
int handover_preflight(const char *kernel, const void *img, size_t len,
		       const struct handover_pending *p, bool force, bool check);

#endif /* LD_HANDOVER_H */
