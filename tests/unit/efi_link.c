// SPDX-License-Identifier: GPL-2.0-only
/*
 * Link test: a minimal gnu-efi application calling into the PIC build of
 * the stage library ($(B)/free-pic/libho.a). tests/unit/run.sh links it the
 * way gnu-efi apps are linked and checks that only relative relocations are
 * left (what gnu-efi's self-relocation handles). Never run.
 */
#include <efi.h>
#include <efilib.h>

#include "ho/ho.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct ho_handover kd = { 0 };
	struct ho_env env = { 0 };
	struct ho_report rep;

	InitializeLib(image, st);
	Print(L"%a\n", ho_errname(ho_check_handover(&kd, 0, 0, &env, &rep)));
	return EFI_SUCCESS;
}
