// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: what the running kernel hands over.
 */

/**
 * DOC: /sys/kernel/liveupdate/handover and formats
 *
 * A loader that builds the kexec image itself (kexec_load) needs to know
 * where KHO's outgoing handover lives, and whether the next kernel can read
 * it. Both are plain text files beside /sys/kernel/liveupdate/state, so they
 * can be read while another process (the one that keeps the sessions) holds
 * /dev/liveupdate open.
 *
 * ``handover`` (mode 0400, root only: physical addresses) has one item per
 * line::
 *
 *   fdt 0x<phys> 0x<size>          the KHO root FDT
 *   scratch 0x<addr> 0x<size>      one line per scratch range, in the
 *                                  kernel's order, size-0 ranges included
 *
 * It is the data of LIVEUPDATE_IOCTL_GET_KHO_INFO (both use
 * luo_kho_handover()); read() fails with ENODEV when KHO is not enabled.
 *
 * ``formats`` (mode 0444) says what the running kernel would hand over now::
 *
 *   kho <KHO root compatible>
 *   luo <LUO blob compatible>
 *   subsystem <name> <compatible>  one per registered subsystem
 *   file <compatible> <n>          one per registered file handler, with
 *                                  the number of files it preserves in
 *                                  outgoing sessions now
 *   sessions <n>                   the number of outgoing sessions
 *
 * The kho line is there when KHO is enabled, the others when LUO runs; the
 * file is empty when neither does. What a kernel image can read is recorded
 * in the image itself (luo_rfc_formats.c).
 */

#define pr_fmt(fmt) "luo: " fmt

#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>

#include "kexec_handover_internal.h"
#include "luo_rfc_handover.h"
#include "luo_rfc_internal.h"

/**
 * luo_kho_handover - where the outgoing KHO handover lives
 * @ho: filled with the root FDT and the scratch table
 *
 * Context: any; the scratch table does not change after boot.
 * Return: 0, or -ENODEV when KHO is not enabled.
 */
int luo_kho_handover(struct luo_kho_handover *ho)
{
	int err;

	err = kho_get_out_fdt(&ho->fdt_phys, &ho->fdt_size);
	if (err)
		return err;
	ho->scratch = kho_scratch;
	ho->scratch_phys = virt_to_phys(kho_scratch);
	ho->nr_scratch = kho_scratch_cnt;
	return 0;
}

/* Append one line to a sysfs buffer; -EFBIG when it does not fit whole. */
static __printf(3, 4) int luo_emit_line(char *buf, int *len,
					const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(buf + *len, PAGE_SIZE - *len, fmt, args);
	va_end(args);
	if (n >= PAGE_SIZE - *len) {
		buf[*len] = '\0';
		return -EFBIG;
	}
	*len += n;
	return 0;
}

static ssize_t handover_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct luo_kho_handover ho;
	unsigned int i;
	int len = 0, err;

	err = luo_kho_handover(&ho);
	if (err)
		return err;
	err = luo_emit_line(buf, &len, "fdt 0x%llx 0x%llx\n",
			    (u64)ho.fdt_phys, (u64)ho.fdt_size);
	for (i = 0; !err && i < ho.nr_scratch; i++)
		err = luo_emit_line(buf, &len, "scratch 0x%llx 0x%llx\n",
				    (u64)ho.scratch[i].addr,
				    (u64)ho.scratch[i].size);
	return err ? err : len;
}

struct kobj_attribute luo_handover_attr = __ATTR_RO_MODE(handover, 0400);

struct luo_formats_buf {
	char *buf;
	int len;
	int err;
};

static void luo_formats_subsystem(void *arg, const char *name,
				  const char *compatible)
{
	struct luo_formats_buf *fb = arg;

	if (!fb->err)
		fb->err = luo_emit_line(fb->buf, &fb->len, "subsystem %s %s\n",
					name, compatible);
}

static void luo_formats_file(void *arg, const char *compatible,
			     unsigned int nfiles)
{
	struct luo_formats_buf *fb = arg;

	if (!fb->err)
		fb->err = luo_emit_line(fb->buf, &fb->len, "file %s %u\n",
					compatible, nfiles);
}

static ssize_t formats_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct luo_formats_buf fb = { .buf = buf };
	unsigned int sessions;

	if (kho_is_enabled())
		fb.err = luo_emit_line(buf, &fb.len, "kho %s\n",
				       KHO_FDT_COMPATIBLE);
	if (fb.err || !liveupdate_rfc_enabled())
		return fb.err ? fb.err : fb.len;

	guard(mutex)(&luo_lock);
	fb.err = luo_emit_line(buf, &fb.len, "luo %s\n", LUO_FDT_COMPATIBLE);
	if (!fb.err)
		luo_walk_subsystems(luo_formats_subsystem, &fb);
	sessions = luo_walk_file_handlers(luo_formats_file, &fb);
	if (!fb.err)
		fb.err = luo_emit_line(buf, &fb.len, "sessions %u\n", sessions);
	return fb.err ? fb.err : fb.len;
}

struct kobj_attribute luo_formats_attr = __ATTR_RO(formats);
