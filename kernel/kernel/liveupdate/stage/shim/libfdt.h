/* SPDX-License-Identifier: GPL-2.0 */
/* <libfdt.h> for the stage library inside the kernel: the kernel's libfdt. */
#ifndef _LUO_STAGE_SHIM_LIBFDT_H
#define _LUO_STAGE_SHIM_LIBFDT_H

#include <linux/libfdt.h>

#endif /* _LUO_STAGE_SHIM_LIBFDT_H */
