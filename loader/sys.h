/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few things luo-kexec asks the running system (files and the memory
 * map readers come from the host library, host.h): the KHO handover ioctl
 * (/dev/liveupdate), the kexec system calls, and what only the architecture
 * knows where to find (sys_arch_*). Every function returns 0 or -errno.
 */
#ifndef LD_SYS_H
#define LD_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ho/check.h>
#include <ho/memmap.h>

/* host_read_file(), the memory map readers, errmsg(): host/. */
#include "host.h"

struct sys_handover {
	uint64_t fdt_addr, fdt_size;
	struct ho_scratch *scratch;	/* malloc()ed */
	uint32_t nscratch;
	const char *source;
	bool offered;	/* KHO is on (its files exist), yet the query failed */
};

/*
 * The running kernel's KHO state through the /dev/liveupdate ioctl (the
 * fallback of handover_query(), handover.h); -ENODEV when there is none to
 * carry, -EBUSY when another process holds the device.
 */
int sys_handover_ioctl(struct sys_handover *h);

/*
 * Per architecture (loader/arch/<arch>/sys_<arch>.c, as kexec-tools'
 * per-arch get_memory_ranges()):
 *
 *   sys_arch_memmap      the running system's memory map, the one segments
 *                        are placed in and the next kernel is given (*source
 *                        names where it came from); errors printed
 *   sys_arch_firmware    firmware data the next kernel needs again (struct
 *                        ld_fw, ld.h; malloc()ed, free with
 *                        sys_arch_firmware_free); -ENODEV: none. words: one
 *                        line for --debug
 */
struct ld_fw;
int sys_arch_memmap(struct ho_memmap *mm, const char **source);
int sys_arch_firmware(struct ld_fw **fw, char *words, size_t size);
void sys_arch_firmware_free(struct ld_fw *fw);

struct ld_plan;
int sys_kexec_load(const struct ld_plan *p);
int sys_kexec_file_load(const char *kernel, const char *initrd,
			const char *cmdline);
int sys_kexec_unload(bool file);
int sys_kexec_exec(void);

#endif /* LD_SYS_H */
