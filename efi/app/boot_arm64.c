// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64: boot an Image (PE/COFF, the EFI stub) with LoadImage/StartImage,
 * the handover in the DTB's /chosen.
 *
 * The 7.3 arm64 EFI stub (drivers/firmware/efi/libstub/fdt.c) takes the DTB
 * from the DEVICE_TREE configuration table, copies it, sets bootargs (from
 * our LoadOptions), linux,uefi-* and kaslr-seed in /chosen and drops the
 * /memreserve/ entries, nothing else; so linux,kho-fdt and
 * linux,kho-scratch, set here in a copy of the firmware's DTB that is
 * installed as that table right before StartImage, reach
 * early_init_dt_check_kho() exactly as after a kexec_file_load. The initrd
 * goes through the LoadFile2 protocol on a handle with the
 * LINUX_EFI_INITRD_MEDIA_GUID vendor device path, which the generic stub
 * asks first (efi_load_initrd_lf2).
 *
 * Memory: kho_populate() reserves the scratch table but not the KHO FDT
 * (on a kexec it is a preserved block of the old kernel), and LUO reads the
 * FDT again late. Both are copied into EfiACPIReclaimMemory: the arm64
 * kernel's efi reserve_regions() keeps that type in the linear map and
 * memblock_reserve()s it for good, as x86 does with its setup_data copy.
 */
#include "app.h"
#include "dtb_arm64.h"

#include <ho/fixup.h>

const char app_arch[] = "aarch64";

/* PE/COFF and arm64 Image header (Documentation/arch/arm64/booting.rst). */
#define IMAGE_MAGIC	0x644d5241u	/* "ARM\x64" at 0x38 */
#define PE_MACHINE_A64	0xaa64
#define HDR_MIN		0x40

static EFI_GUID dtb_guid = { 0xb1b621d5, 0xf19c, 0x41a5,
			     { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } };
static EFI_GUID lf2_guid = { 0x4006c0c1, 0xfcb3, 0x403e,
			     { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } };
static EFI_GUID initrd_media_guid = { 0x5568e427, 0x68fc, 0x4f3d,
				      { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } };

/*
 * The DTB arch_handover() made, installed by arch_boot_linux(), and the
 * firmware's, put back when the kernel's stub returns.
 */
static void *kho_dtb, *fw_dtb;

static uint16_t get16(const UINT8 *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const UINT8 *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

UINT64 arch_kernel_check(const void *kbuf, UINT64 ksize)
{
	const UINT8 *k = kbuf;
	UINT64 pe, opt, sec, n, i, end;

	if (ksize < HDR_MIN)
		return app_kernel_bad("too small for an arm64 Image header", ksize, HDR_MIN);
	if (get32(k + 0x38) != IMAGE_MAGIC || get16(k) != 0x5a4d)
		return app_kernel_bad("not an arm64 Image with an EFI stub (magic, \"MZ\")",
			   get32(k + 0x38), get16(k));
	pe = get32(k + 0x3c);
	if (pe > ksize || ksize - pe < 24 || get32(k + pe) != 0x00004550)
		return app_kernel_bad("no PE header", pe, ksize);
	if (get16(k + pe + 4) != PE_MACHINE_A64)
		return app_kernel_bad("PE machine is not arm64", get16(k + pe + 4), PE_MACHINE_A64);
	n = get16(k + pe + 6);
	opt = get16(k + pe + 20);
	sec = pe + 24 + opt;
	if (!n || sec > ksize || (ksize - sec) / 40 < n)
		return app_kernel_bad("truncated: the file ends inside the PE section table",
			   ksize, sec + 40 * n);
	for (i = 0; i < n; i++) {
		const UINT8 *s = k + sec + 40 * i;

		end = (UINT64)get32(s + 20) + get32(s + 16);
		if (end > ksize)
			return app_kernel_bad("truncated: a PE section's raw data runs past the end of the file",
				   end, ksize);
	}
	return ~0ull;	/* the initrd goes through LoadFile2: no limit here */
}

int arch_handover(struct app *a, const struct ho_handover *kd,
		  const void *fdt, const void *scratch,
		  struct ho_handover *moved, UINT64 *area, UINT64 *area_size,
		  UINT64 *link)
{
	UINT64 size = ho_reloc_size(kd), dsize, i;
	EFI_CONFIGURATION_TABLE *ct = ST->ConfigurationTable;
	EFI_PHYSICAL_ADDRESS x, d;
	const void *src = NULL;
	char why[160];
	int err;

	for (i = 0; i < ST->NumberOfTableEntries; i++)
		if (!CompareGuid(&ct[i].VendorGuid, &dtb_guid))
			src = ct[i].VendorTable;
	if (!src) {
		app_say("luo-stage: no DEVICE_TREE configuration table (ACPI boot?): the handover cannot be passed");
		return HO_ERR_INVAL;
	}
	if (!size)
		return HO_ERR_NO_SPACE;
	if (EFI_ERROR(app_alloc_pages_type(a, AllocateAnyPages, EfiACPIReclaimMemory,
					   &x, (UINTN)((size + 4095) / 4096),
					   G_HANDOVER)))
		return HO_ERR_NO_SPACE;
	*moved = *kd;
	err = ho_relocate(moved, fdt, scratch, (void *)(UINTN)x, x, size);
	if (err)
		return err;
	dsize = stage_dtb_size(src, ~0ull);
	if (!dsize || EFI_ERROR(app_alloc_pages(a, AllocateAnyPages, &d,
						(UINTN)((dsize + 4095) / 4096),
						G_HANDOVER)))
		dsize = 0;
	err = dsize ? stage_dtb_set_kho(src, ~0ull, (void *)(UINTN)d,
					(dsize + 4095) & ~4095ull, moved, why,
					sizeof(why)) : -1;
	if (err) {
		app_fail(EFI_LOAD_ERROR, dsize ? why : "firmware DTB: not an FDT, or no memory for its copy");
		return dsize ? HO_ERR_INVAL : HO_ERR_NO_SPACE;
	}
	kho_dtb = (void *)(UINTN)d;
	fw_dtb = (void *)src;
	*area = x;
	*area_size = size;
	*link = d;
	return HO_OK;
}

/* LoadFile2 for the stub's initrd (efi_load_initrd_lf2). */
struct lf2 {
	EFI_STATUS (EFIAPI *load_file)(struct lf2 *self, EFI_DEVICE_PATH *fp,
				       BOOLEAN boot_policy, UINTN *size, VOID *buf);
	const void *data;
	UINTN size;
};

static EFI_STATUS EFIAPI initrd_load(struct lf2 *self, EFI_DEVICE_PATH *fp,
				     BOOLEAN boot_policy, UINTN *size, VOID *buf)
{
	(void)fp;
	if (boot_policy)
		return EFI_UNSUPPORTED;
	if (!size)
		return EFI_INVALID_PARAMETER;
	if (!buf || *size < self->size) {
		*size = self->size;
		return EFI_BUFFER_TOO_SMALL;
	}
	CopyMem(buf, (void *)self->data, self->size);
	*size = self->size;
	return EFI_SUCCESS;
}

struct __attribute__((packed)) initrd_dp {
	EFI_DEVICE_PATH vendor;
	EFI_GUID guid;
	EFI_DEVICE_PATH end;
};

static struct initrd_dp initrd_path = {
	{ MEDIA_DEVICE_PATH, MEDIA_VENDOR_DP, { sizeof(EFI_DEVICE_PATH) + sizeof(EFI_GUID), 0 } },
	{ 0 },
	{ END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, { sizeof(EFI_DEVICE_PATH), 0 } },
};

static struct lf2 initrd_lf2 = { initrd_load, NULL, 0 };

EFI_STATUS arch_boot_linux(struct app *a, const void *kbuf, UINT64 ksize,
			   const void *initrd, UINT64 isize,
			   const char *cmdline, UINT64 sd)
{
	EFI_HANDLE kh = NULL, ih = NULL;
	EFI_LOADED_IMAGE *li = NULL;
	CHAR16 *opts = NULL;
	UINTN len = ho_strlen(cmdline), i, xsize = 0;
	CHAR16 *xdata = NULL;
	EFI_STATUS st;

	if (!arch_kernel_check(kbuf, ksize))
		return EFI_LOAD_ERROR;
	initrd_path.guid = initrd_media_guid;
	st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData,
			       (len + 1) * sizeof(CHAR16), (void **)&opts);
	if (EFI_ERROR(st))
		return app_fail(st, "command line");
	for (i = 0; i < len; i++)
		opts[i] = (CHAR16)(unsigned char)cmdline[i];
	opts[len] = 0;
	if (initrd && isize) {
		initrd_lf2.data = initrd;
		initrd_lf2.size = (UINTN)isize;
		st = uefi_call_wrapper(BS->InstallProtocolInterface, 4, &ih,
				       &DevicePathProtocol, EFI_NATIVE_INTERFACE,
				       &initrd_path);
		if (!EFI_ERROR(st))
			st = uefi_call_wrapper(BS->InstallProtocolInterface, 4, &ih,
					       &lf2_guid, EFI_NATIVE_INTERFACE,
					       &initrd_lf2);
		if (EFI_ERROR(st)) {
			app_fail(st, "initrd LoadFile2 protocol");
			goto out;
		}
	}
	st = uefi_call_wrapper(BS->LoadImage, 6, FALSE, a->image, NULL,
			       (void *)kbuf, (UINTN)ksize, &kh);
	if (EFI_ERROR(st)) {
		app_fail(st, "LoadImage of the kernel");
		goto out;
	}
	st = uefi_call_wrapper(BS->HandleProtocol, 3, kh, &LoadedImageProtocol,
			       (void **)&li);
	if (EFI_ERROR(st)) {
		app_fail(st, "the kernel's LoadedImage protocol");
		goto out;
	}
	li->LoadOptions = opts;
	li->LoadOptionsSize = (UINT32)((len + 1) * sizeof(CHAR16));
	if (sd) {
		st = uefi_call_wrapper(BS->InstallConfigurationTable, 2, &dtb_guid,
				       kho_dtb);
		if (EFI_ERROR(st)) {
			app_fail(st, "installing the DTB with the handover");
			goto out;
		}
	}
	app_say(sd ? "luo-stage: starting the kernel (LoadImage/StartImage, handover in /chosen)" :
		     "luo-stage: starting the kernel (LoadImage/StartImage)");
	st = uefi_call_wrapper(BS->StartImage, 3, kh, &xsize, &xdata);
	app_fail(st, "the kernel's EFI stub returned");
	if (sd)		/* our copy is freed with G_HANDOVER */
		uefi_call_wrapper(BS->InstallConfigurationTable, 2, &dtb_guid,
				  fw_dtb);
out:
	if (kh)
		uefi_call_wrapper(BS->UnloadImage, 1, kh);
	if (ih) {
		uefi_call_wrapper(BS->UninstallProtocolInterface, 3, ih, &lf2_guid,
				  &initrd_lf2);
		uefi_call_wrapper(BS->UninstallProtocolInterface, 3, ih,
				  &DevicePathProtocol, &initrd_path);
	}
	uefi_call_wrapper(BS->FreePool, 1, opts);
	return EFI_ERROR(st) ? st : EFI_LOAD_ERROR;
}
