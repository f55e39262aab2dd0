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

int sys_read_file(const char *path, void **buf, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap), *nb;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0 || !b) {
		err = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	for (;;) {
		if (n == cap) {
			nb = realloc(b, cap *= 2);
			if (!nb) {
				err = -ENOMEM;
				goto out;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto out;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
out:
	if (fd >= 0)
		close(fd);
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* First line of a small sysfs file as a number (hex with 0x or decimal). */
static int read_u64(const char *path, uint64_t *v)
{
	char line[64], *end;
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f))
		err = -EIO;
	fclose(f);
	if (err)
		return err;
	errno = 0;
	*v = strtoull(line, &end, 0);
	return errno || end == line ? -EINVAL : 0;
}

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

/* efi_memory_desc_t as the kernel and kexec-tools lay it out. */
struct efi_desc {
	uint32_t type, pad;
	uint64_t phys_addr, virt_addr, num_pages, attribute;
};

#define EFI_DIR "/sys/firmware/efi"

int sys_efi_query(struct sys_efi *e)
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
	err = sys_read_file("/sys/kernel/boot_params/data", &bp, &bplen);
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
		if (read_u64(path, &t))
			break;
		d.type = (uint32_t)t;
#define FIELD(name) do { \
		snprintf(path, sizeof(path), EFI_DIR "/runtime-map/%u/" #name, n); \
		err = read_u64(path, &d.name); \
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
	read_u64(EFI_DIR "/fw_vendor", &e->sd[0]);
	read_u64(EFI_DIR "/config_table", &e->sd[2]);
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
	e->present = true;
	return 0;
fail:
	free(map);
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
		    KEXEC_ARCH_X86_64))
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
		r = syscall(SYS_kexec_load, 0UL, 0UL, NULL, KEXEC_ARCH_X86_64);
	return r ? -errno : 0;
}

int sys_kexec_exec(void)
{
	sync();
	if (reboot(RB_KEXEC))
		return -errno;
	return 0;
}
