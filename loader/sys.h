/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few things luo-kexec asks the running system (files and the memory
 * map come from the host library, host.h): the KHO handover ioctl (/dev/liveupdate), EFI data, and the kexec system calls.
 * Every function returns 0 or -errno.
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
};

/*
 * The running kernel's KHO state through the /dev/liveupdate ioctl (the
 * fallback of handover_query(), handover.h); -ENODEV when there is none to
 * carry, -EBUSY when another process holds the device.
 */
int sys_handover_ioctl(struct sys_handover *h);

/* EFI data for the next kernel (kexec-tools' x86 EFI handover). */
struct sys_efi {
	bool present;
	uint8_t efi_info[32];		/* struct efi_info */
	void *map;			/* runtime map, efi_memory_desc_t[] */
	uint32_t map_size;
	uint64_t sd[12];		/* struct efi_setup_data */
	uint64_t acpi_rsdp;
};

int sys_efi_query(struct sys_efi *e);

struct ld_plan;
int sys_kexec_load(const struct ld_plan *p);
int sys_kexec_file_load(const char *kernel, const char *initrd,
			const char *cmdline);
int sys_kexec_unload(bool file);
int sys_kexec_exec(void);

#endif /* LD_SYS_H */
