/* SPDX-License-Identifier: GPL-2.0 */
/* <stdbool.h> for the stage library inside the kernel. */
#ifndef _LUO_STAGE_SHIM_STDBOOL_H
#define _LUO_STAGE_SHIM_STDBOOL_H

#include <linux/types.h>

#endif /* _LUO_STAGE_SHIM_STDBOOL_H */
