// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86_64 side of what luo-kexec asks the running system (sys.h): the
 * memory map (/sys/firmware/memmap, the firmware's e820 map), the EFI
 * data the next kernel's boot_params carry (kexec-tools' x86 EFI
 * handover), read from /sys/firmware/efi and /sys/kernel/boot_params, and
 * whether the running kernel uses 5-level paging (/proc/cpuinfo).
 */
#include <errno.h>
#include <linux/kexec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ld_x86.h"
#include "sys.h"

#define MEMMAP_DIR "/sys/firmware/memmap"

int sys_arch_memmap(struct ho_memmap *mm, const char **source)
{
	*source = MEMMAP_DIR;
	return memmap_read_sysfs(MEMMAP_DIR, mm);
}

/* EFI data for the next kernel: struct ld_fw points into the rest. */
struct sys_efi {
	struct ld_fw fw;
	uint8_t efi_info[32];		/* struct efi_info */
	void *map;			/* runtime map, efi_memory_desc_t[] */
	uint32_t map_size;
	uint64_t sd[12];		/* struct efi_setup_data */
	uint64_t acpi_rsdp;
};

/* efi_memory_desc_t as the kernel and kexec-tools lay it out. */
struct efi_desc {
	uint32_t type, pad;
	uint64_t phys_addr, virt_addr, num_pages, attribute;
};

#define EFI_DIR "/sys/firmware/efi"

static int efi_query(struct sys_efi *e)
{
	char path[128], line[128];
	struct efi_desc *map = NULL;
	uint32_t n, cap = 0;
	size_t bplen;
	void *bp;
	FILE *f;
	int err;

	memset(e, 0, sizeof(*e));
	if (access(EFI_DIR "/runtime-map", R_OK))
		return -ENODEV;
	err = host_read_file("/sys/kernel/boot_params/data", HOST_FILE_MAX, &bp, &bplen);
	if (err)
		return err;
	if (bplen >= 0x1e0)
		memcpy(e->efi_info, (uint8_t *)bp + 0x1c0, sizeof(e->efi_info));
	free(bp);
	if (bplen < 0x1e0)
		return -EIO;
	for (n = 0;; n++) {
		struct efi_desc d = { 0 };
		uint64_t t;

		snprintf(path, sizeof(path), EFI_DIR "/runtime-map/%u/type", n);
		if (host_read_u64(path, &t))
			break;
		d.type = (uint32_t)t;
#define FIELD(name) do { \
		snprintf(path, sizeof(path), EFI_DIR "/runtime-map/%u/" #name, n); \
		err = host_read_u64(path, &d.name); \
		if (err) \
			goto fail; \
	} while (0)
		FIELD(phys_addr);
		FIELD(virt_addr);
		FIELD(num_pages);
		FIELD(attribute);
#undef FIELD
		if (n == cap) {
			struct efi_desc *nm = realloc(map, (cap = cap ? 2 * cap : 16) * sizeof(*map));

			if (!nm) {
				err = -ENOMEM;
				goto fail;
			}
			map = nm;
		}
		map[n] = d;
	}
	if (!n) {
		err = -ENODEV;
		goto fail;
	}
	e->map = map;
	e->map_size = n * sizeof(*map);
	/* efi_info: our descriptor size, the running kernel's version. */
	{
		uint32_t ds = sizeof(*map);

		memcpy(e->efi_info + 8, &ds, sizeof(ds));
	}
	/* struct efi_setup_data: fw_vendor, __unused (0), tables, smbios. */
	host_read_u64(EFI_DIR "/fw_vendor", &e->sd[0]);
	host_read_u64(EFI_DIR "/config_table", &e->sd[2]);
	f = fopen(EFI_DIR "/systab", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "SMBIOS=", 7))
			e->sd[3] = strtoull(line + 7, NULL, 0);
		else if (!strncmp(line, "ACPI20=", 7))
			e->acpi_rsdp = strtoull(line + 7, NULL, 0);
		else if (!strncmp(line, "ACPI=", 5) && !e->acpi_rsdp)
			e->acpi_rsdp = strtoull(line + 5, NULL, 0);
	}
	if (f)
		fclose(f);
	return 0;
fail:
	free(map);
	return err;
}

/*
 * 5-level paging on: the kernel clears the la57 CPU flag when it does not
 * use it (no5lvl, or a kernel without CONFIG_X86_5LEVEL), so the flag in
 * /proc/cpuinfo says what the running kernel does, not only what the CPU
 * can. -errno when /proc/cpuinfo is unreadable.
 */
static int running_la57(bool *la57)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "re");

	*la57 = false;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *p;

		if (strncmp(line, "flags", 5))
			continue;
		for (p = strstr(line, "la57"); p; p = strstr(p + 1, "la57"))
			if (p[-1] == ' ' && (p[4] == ' ' || p[4] == '\n'))
				*la57 = true;
		break;
	}
	fclose(f);
	return 0;
}

int sys_arch_firmware(struct ld_fw **fw, char *words, size_t size)
{
	struct sys_efi *e = calloc(1, sizeof(*e));
	bool la57;
	int err;

	*fw = NULL;
	if (!e)
		return -ENOMEM;
	err = running_la57(&la57);
	if (err) {
		free(e);
		return err;
	}
	err = efi_query(e);
	if (err == -ENODEV) {
		/* booted without EFI: the system's facts alone */
		memset(e, 0, sizeof(*e));
		e->fw.la57 = la57;
		snprintf(words, size, "no EFI; %s-level paging", la57 ? "5" : "4");
		*fw = &e->fw;
		return 0;
	}
	if (err) {
		free(e);
		return err;
	}
	e->fw = (struct ld_fw){
		.efi_info = e->efi_info, .efi_map = e->map, .efi_map_size = e->map_size,
		.efi_sd = e->sd, .efi_sd_size = sizeof(e->sd), .acpi_rsdp = e->acpi_rsdp,
		.la57 = la57,
	};
	snprintf(words, size, "EFI: runtime map of %u bytes, ACPI RSDP 0x%llx; %s-level paging",
		 e->map_size, (unsigned long long)e->acpi_rsdp, la57 ? "5" : "4");
	*fw = &e->fw;
	return 0;
}

void sys_arch_firmware_free(struct ld_fw *fw)
{
	struct sys_efi *e = (struct sys_efi *)fw;	/* fw is its first member */

	if (e) {
		free(e->map);
		free(e);
	}
}
