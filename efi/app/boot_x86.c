// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86_64: boot a bzImage through its EFI handover entry
 * (Documentation/arch/x86/boot.rst, "EFI Handover Protocol").
 *
 * Why this entry: the handover entry takes a boot_params the loader built,
 * and the 7.3 EFI stub keeps its setup_data chain (it appends its own
 * entries at the end: drivers/firmware/efi/libstub/x86-stub.c), so the
 * SETUP_KEXEC_KHO entry reaches the kernel exactly as on a kexec, while the
 * stub still does everything else itself: decompression, the memory map and
 * e820 table, efi_info for the runtime services, ExitBootServices. The PE
 * entry (LoadImage/StartImage) builds its own boot_params with an empty
 * chain; entering at startup_64 after our own ExitBootServices would mean
 * redoing the stub's work (efi_info, runtime map) by hand.
 *
 * The loader's part (boot.rst): a zeroed boot_params below 4 GiB with the
 * image's setup header copied in, type_of_loader 0xff, cmd_line_ptr,
 * ramdisk_image/size, setup_data, code32_start = the protected-mode code
 * copied to init_size bytes of its own (the stub's BSS, heap and stack lie
 * past the end of the file: a buffer of the file's size would let it
 * overwrite whatever follows), aligned to kernel_alignment; then, with interrupts off, a SysV call of
 * code32_start + 512 + handover_offset (handle, system table, boot_params).
 * It does not return; the stub's own failures Exit() our image with a status.
 */
#include "app.h"

#include <ho/x86.h>

const char app_arch[] = "x86_64";

/* Setup header offsets in the file and in boot_params (boot.rst). */
#define SETUP_SECTS	0x1f1
#define SYSSIZE		0x1f4
#define BOOT_FLAG	0x1fe
#define JUMP		0x200
#define HEADER		0x202
#define VERSION		0x206
#define TYPE_OF_LOADER	0x210
#define CODE32_START	0x214
#define RAMDISK_IMAGE	0x218
#define RAMDISK_SIZE	0x21c
#define CMD_LINE_PTR	0x228
#define INITRD_ADDR_MAX	0x22c
#define XLOADFLAGS	0x236
#define CMDLINE_SIZE	0x238
#define SETUP_DATA	0x250
#define KERNEL_ALIGNMENT	0x230
#define INIT_SIZE	0x260
#define HANDOVER_OFFSET	0x264
#define HDR_END_MAX	0x290	/* the setup header ends before this */
#define EXT_RAMDISK_IMAGE 0x0c0
#define EXT_RAMDISK_SIZE 0x0c4
#define EXT_CMD_LINE_PTR 0x0c8

#define XLF_KERNEL_64		(1u << 0)
#define XLF_EFI_HANDOVER_64	(1u << 3)
#define BOOT_PARAMS_SIZE	4096
#define CMDLINE_SIZE_MAX	(1u << 20)

static uint16_t get16(const UINT8 *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const UINT8 *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put32(UINT8 *p, uint32_t v)
{
	ho_memcpy(p, &v, 4);
}

static void put64(UINT8 *p, uint64_t v)
{
	ho_memcpy(p, &v, 8);
}

/* Bytes of setup code (setup_sects + 1 sectors; 0 means 4). */
static UINT64 setup_bytes(const UINT8 *k)
{
	UINT64 s = k[SETUP_SECTS] ? k[SETUP_SECTS] : 4;

	return (s + 1) * 512;
}

UINT64 arch_kernel_check(const void *kbuf, UINT64 ksize)
{
	const UINT8 *k = kbuf;
	UINT64 setup, code, sys, end;
	uint32_t imax;

	if (ksize < HDR_END_MAX)
		return app_kernel_bad("too small for a bzImage setup header", ksize, HDR_END_MAX);
	if (get16(k + BOOT_FLAG) != 0xaa55 || get32(k + HEADER) != 0x53726448)
		return app_kernel_bad("not a bzImage (boot_flag, \"HdrS\")",
			   get16(k + BOOT_FLAG), get32(k + HEADER));
	if (get16(k + VERSION) < 0x020b)
		return app_kernel_bad("boot protocol older than 2.11 (no handover_offset)",
			   get16(k + VERSION), 0x020b);
	if ((get16(k + XLOADFLAGS) & (XLF_KERNEL_64 | XLF_EFI_HANDOVER_64)) !=
	    (XLF_KERNEL_64 | XLF_EFI_HANDOVER_64) || !get32(k + HANDOVER_OFFSET))
		return app_kernel_bad("no 64-bit EFI handover entry (xloadflags, handover_offset)",
			   get16(k + XLOADFLAGS), get32(k + HANDOVER_OFFSET));
	end = HEADER + k[JUMP + 1];
	if (k[JUMP] != 0xeb || end > HDR_END_MAX || end < HANDOVER_OFFSET + 4)
		return app_kernel_bad("setup header length out of range", end, HDR_END_MAX);
	setup = setup_bytes(k);
	sys = (UINT64)get32(k + SYSSIZE) * 16;
	if (setup >= ksize)
		return app_kernel_bad("truncated: the file ends inside the setup sectors",
			   ksize, setup);
	code = ksize - setup;
	if (!sys || sys > code)
		return app_kernel_bad("truncated: syssize says more protected-mode code than the file has",
			   sys, code);
	if (get32(k + HANDOVER_OFFSET) >= code - 512 ||
	    code - 512 - get32(k + HANDOVER_OFFSET) < 16)
		return app_kernel_bad("handover_offset outside the protected-mode code",
			   get32(k + HANDOVER_OFFSET), code);
	if (get32(k + INIT_SIZE) < sys || get32(k + INIT_SIZE) > (1u << 30))
		return app_kernel_bad("init_size smaller than the code or above 1 GiB",
			   get32(k + INIT_SIZE), sys);
	if (!get32(k + KERNEL_ALIGNMENT) ||
	    (get32(k + KERNEL_ALIGNMENT) & (get32(k + KERNEL_ALIGNMENT) - 1)) ||
	    get32(k + KERNEL_ALIGNMENT) > (1u << 30))
		return app_kernel_bad("kernel_alignment not a power of two up to 1 GiB",
			   get32(k + KERNEL_ALIGNMENT), 0);
	if (get32(k + CMDLINE_SIZE) > CMDLINE_SIZE_MAX)
		return app_kernel_bad("cmdline_size above the limit", get32(k + CMDLINE_SIZE),
			   CMDLINE_SIZE_MAX);
	imax = get32(k + INITRD_ADDR_MAX);
	if (imax < 0x100000)
		return app_kernel_bad("initrd_addr_max below 1 MiB", imax, 0x100000);
	return imax;
}

int arch_handover(struct app *a, const struct ho_handover *kd,
		  const void *fdt, const void *scratch,
		  struct ho_handover *moved, UINT64 *area, UINT64 *area_size,
		  UINT64 *link)
{
	UINT64 size = ho_sd_kho_size(kd);
	EFI_PHYSICAL_ADDRESS x;
	int err;

	if (!size)
		return HO_ERR_NO_SPACE;
	if (EFI_ERROR(app_alloc_pages(a, AllocateAnyPages, &x,
				      (UINTN)((size + 4095) / 4096), G_HANDOVER)))
		return HO_ERR_NO_SPACE;
	*moved = *kd;
	err = ho_sd_make_kho((void *)(UINTN)x, x, size, moved, fdt, scratch);
	if (err)
		return err;
	*area = x;
	*area_size = size;
	*link = x;
	return HO_OK;
}

typedef void (*handover_fn)(EFI_HANDLE, EFI_SYSTEM_TABLE *, void *)
	__attribute__((sysv_abi));

EFI_STATUS arch_boot_linux(struct app *a, const void *kbuf, UINT64 ksize,
			   const void *initrd, UINT64 isize,
			   const char *cmdline, UINT64 sd)
{
	const UINT8 *k = kbuf;
	UINT64 code, len, cap, clen, run, align;
	EFI_PHYSICAL_ADDRESS bpa = 0xffffffffull, cla = 0xffffffffull;
	EFI_PHYSICAL_ADDRESS ka = 0xffffffffull;
	UINT8 *bp;
	handover_fn entry;
	EFI_STATUS st;

	if (!arch_kernel_check(kbuf, ksize))
		return EFI_LOAD_ERROR;
	clen = ksize - setup_bytes(k);
	run = get32(k + INIT_SIZE) > clen ? get32(k + INIT_SIZE) : clen;
	align = get32(k + KERNEL_ALIGNMENT);
	if (initrd && ((UINT64)(UINTN)initrd + isize - 1 >
		       get32(k + INITRD_ADDR_MAX) ||
		       (UINT64)(UINTN)initrd + isize > 0x100000000ull))
		return app_fail(EFI_LOAD_ERROR, "initrd above initrd_addr_max");
	len = ho_strlen(cmdline);
	cap = get32(k + CMDLINE_SIZE) ? get32(k + CMDLINE_SIZE) : 255;
	if (len > cap)
		return app_fail(EFI_BAD_BUFFER_SIZE,
				"command line longer than the kernel's cmdline_size");

	st = app_alloc_pages(a, AllocateMaxAddress, &ka,
			     (UINTN)((run + align + 4095) / 4096), G_BOOT);
	if (EFI_ERROR(st))
		return app_fail(st, "memory for the kernel's init_size");
	code = (ka + align - 1) & ~(align - 1);
	ho_memcpy((void *)(UINTN)code, k + setup_bytes(k), clen);
	st = app_alloc_pages(a, AllocateMaxAddress, &bpa,
			     BOOT_PARAMS_SIZE / 4096, G_BOOT);
	if (EFI_ERROR(st)) {
		app_free_group(a, G_BOOT);
		return app_fail(st, "boot_params");
	}
	st = app_alloc_pages(a, AllocateMaxAddress, &cla,
			     (UINTN)((len + 1 + 4095) / 4096), G_BOOT);
	if (EFI_ERROR(st)) {
		app_free_group(a, G_BOOT);
		return app_fail(st, "command line");
	}
	ho_memcpy((void *)(UINTN)cla, cmdline, len + 1);

	bp = (UINT8 *)(UINTN)bpa;
	ho_memcpy(bp + SETUP_SECTS, k + SETUP_SECTS,
		  HEADER + k[JUMP + 1] - SETUP_SECTS);
	bp[TYPE_OF_LOADER] = 0xff;
	put32(bp + CODE32_START, (uint32_t)code);
	put32(bp + CMD_LINE_PTR, (uint32_t)cla);
	put32(bp + EXT_CMD_LINE_PTR, 0);
	put32(bp + RAMDISK_IMAGE, initrd ? (uint32_t)(UINTN)initrd : 0);
	put32(bp + RAMDISK_SIZE, initrd ? (uint32_t)isize : 0);
	put32(bp + EXT_RAMDISK_IMAGE, 0);
	put32(bp + EXT_RAMDISK_SIZE, 0);
	put64(bp + SETUP_DATA, sd);

	entry = (handover_fn)(UINTN)(code + 512 + get32(k + HANDOVER_OFFSET));
	app_say("luo-stage: starting the kernel (EFI handover entry)");
	__asm__ volatile("cli");
	entry(a->image, ST, bp);
	/* not reached: the stub Exit()s our image on its own failures */
	app_free_group(a, G_BOOT);
	return app_fail(EFI_LOAD_ERROR, "the kernel's handover entry returned");
}
