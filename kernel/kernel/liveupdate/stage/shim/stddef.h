/* SPDX-License-Identifier: GPL-2.0 */
/* <stddef.h> for the stage library inside the kernel. */
#ifndef _LUO_STAGE_SHIM_STDDEF_H
#define _LUO_STAGE_SHIM_STDDEF_H

#include <linux/stddef.h>
#include <linux/types.h>

#endif /* _LUO_STAGE_SHIM_STDDEF_H */
