/* SPDX-License-Identifier: GPL-2.0 */
/* <stdint.h> for the stage library inside the kernel. */
#ifndef _LUO_STAGE_SHIM_STDINT_H
#define _LUO_STAGE_SHIM_STDINT_H

#include <linux/limits.h>
#include <linux/types.h>

#define UINT32_MAX	U32_MAX
#define UINT64_MAX	U64_MAX
#define UINTPTR_MAX	ULONG_MAX

#endif /* _LUO_STAGE_SHIM_STDINT_H */
