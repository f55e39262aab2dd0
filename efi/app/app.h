/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * luo-stage.efi: shared state of the EFI application (main.c) and its arch
 * part (boot_x86.c, boot_arm64.c). gnu-efi types; the handover logic is in
 * walk.c, initrd.c and dtb_arm64.c, which include no EFI headers.
 */
#ifndef STAGE_APP_H
#define STAGE_APP_H

#include <efi.h>
#include <efilib.h>

#include <ho/ho.h>

#define APP_PATH_MAX	256
#define APP_CMDLINE_MAX	4096

/* Allocation groups: what is freed together. */
enum app_group {
	G_HANDOVER = 1,		/* blobs, scratch, radix pages, arch hand-over */
	G_BOOT = 2,		/* kernel, initrd, boot parameters, command line */
	G_TMP = 3,		/* work buffers, freed before the jump */
};

struct app_alloc {
	EFI_PHYSICAL_ADDRESS addr;
	UINTN pages;
	enum app_group group;
};

enum app_mode { MODE_BOOT, MODE_DUMP, MODE_CHECK };

struct app_cfg {
	char kernel[APP_PATH_MAX];
	char initrd[APP_PATH_MAX];
	char handover[APP_PATH_MAX];
	char cmdline[APP_CMDLINE_MAX];
	enum app_mode mode;
};

struct app {
	EFI_HANDLE image;
	EFI_FILE_HANDLE root;
	struct app_cfg cfg;
	struct app_alloc *allocs;
	UINTN nallocs, cap_allocs;
};

/* The arch the app is built for ("x86_64", "aarch64"): boot_<arch>.c. */
extern const char app_arch[];

/* One line on ConOut (which OVMF and most firmware copy to serial). */
void app_say(const char *line);
/* "luo-stage: error: <what>: <status>"; returns status. */
EFI_STATUS app_fail(EFI_STATUS status, const char *what);
/* "luo-stage: error: kernel: <why> (<a>, <b>): Load Error"; returns 0. */
UINT64 app_kernel_bad(const char *why, UINT64 a, UINT64 b);

/*
 * AllocatePages recorded in group; type is AllocateAnyPages,
 * AllocateMaxAddress (*addr = the limit) or AllocateAddress. The pages are
 * zeroed. Every EFI status is returned as is.
 */
EFI_STATUS app_alloc_pages(struct app *a, EFI_ALLOCATE_TYPE type,
			   EFI_PHYSICAL_ADDRESS *addr, UINTN pages,
			   enum app_group group);
/* The same with a memory type of the caller's (app_alloc_pages: EfiLoaderData). */
EFI_STATUS app_alloc_pages_type(struct app *a, EFI_ALLOCATE_TYPE type,
				EFI_MEMORY_TYPE mtype, EFI_PHYSICAL_ADDRESS *addr,
				UINTN pages, enum app_group group);
/* FreePages of every allocation of group (0: all), newest first. */
void app_free_group(struct app *a, enum app_group group);

/*
 * Read a whole file of the app's volume into pages below max_addr (0: any),
 * in group. Its size must agree with its EFI_FILE_INFO and the bytes read;
 * *size is the file's size (the allocation is zero-padded to a page).
 */
EFI_STATUS app_read_file(struct app *a, const char *path, UINT64 max_addr,
			 enum app_group group, void **buf, UINT64 *size);

/*
 * Give the checked handover kd the arch's form (x86: boot_x86.c, one
 * boot-data entry; arm64: boot_arm64.c, /chosen of a DTB copy), copying
 * the KHO FDT and the scratch table into G_HANDOVER pages the kernel
 * reserves before its early allocator runs. *moved describes the copies,
 * [*area, *area + *area_size) is the new memory (for the re-check) and
 * *link is what arch_boot_linux() takes as sd (x86: the entry, arm64: the
 * DTB copy). HO_OK or an HO_ERR_*.
 */
int arch_handover(struct app *a, const struct ho_handover *kd,
		  const void *fdt, const void *scratch,
		  struct ho_handover *moved, UINT64 *area, UINT64 *area_size,
		  UINT64 *link);

/*
 * Check that kbuf is a kernel this arch code can boot (a truncated or
 * foreign file gets a message) and return the highest address its initrd
 * may end at; 0 when it cannot be booted.
 */
UINT64 arch_kernel_check(const void *kbuf, UINT64 ksize);

/*
 * Boot the kernel in kbuf (x86_64: through its EFI handover entry) with
 * cmdline, the initrd (0 bytes: none) and the hand-over link sd from
 * arch_handover() (0: none). Returns only on failure, with everything it
 * allocated freed.
 */
EFI_STATUS arch_boot_linux(struct app *a, const void *kbuf, UINT64 ksize,
			   const void *initrd, UINT64 isize,
			   const char *cmdline, UINT64 sd);

#endif /* STAGE_APP_H */
