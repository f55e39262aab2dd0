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
 *   <root>/kernel/debug/kho/out/sub_fdts/LUO
 *                                      Linux's own LUO's struct luo_ser
 *                                      (debugfs, KEXEC_HANDOVER_DEBUGFS):
 *                                      its compatible, when there is no
 *                                      formats file
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
	/*
	 * No formats file (Linux's own LUO): what its KHO entry's blob says
	 * is handed over (ld_fmt_from_luo_blob; debugfs
	 * kho/out/sub_fdts/LUO), no counts. malloc()ed; NULL: unknown, why
	 * in kho_why.
	 */
	struct ld_formats *kho;
	char kho_why[LD_WHY_MAX];
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
 * over? What is handed over is the formats file (our LUO), else what
 * Linux's own LUO's KHO entry names (p->kho: KHO root, LUO, its memfd
 * handler maybe). What the target reads is its record, else the
 * compatibles of that list found as strings in its decoded image
 * (ld_fmt_scan). The rules, in order:
 *   1. the target is the running kernel's own build (ld_kernel_same_build)
 *      and has no record, or nothing is listed here: it reads every
 *      format this kernel writes: go on;
 *   2. every format listed here is in the target's record or image: go on;
 *   3. one is missing or in another version: LD_ERR_TARGET_FORMAT, the
 *      missing ones named;
 *   4. either side unknown (no list here, target undecodable):
 *      LD_ERR_TARGET_UNKNOWN.
 * The release names of both are shown, never trusted. check: print the
 * comparison and the verdict to stdout (--check). Otherwise (-l, a
 * handover is carried): one line on stderr when it can; the comparison on
 * stderr when it cannot, or when either side is unknown.
 * Returns 0 to go on (compatible, or force), else the LD_ERR_* code of the
 * refusal (printed with it).
 */
int handover_preflight(const char *kernel, const void *img, size_t len,
		       const struct handover_pending *p, bool force, bool check);

#endif /* LD_HANDOVER_H */
