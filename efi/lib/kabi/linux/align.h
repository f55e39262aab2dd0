/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim for the kernel ABI headers (see linux/types.h here). */
#ifndef _LINUX_ALIGN_H
#define _LINUX_ALIGN_H
#define ALIGN(x, a)	(((x) + (a) - 1) / (a) * (a))
#endif
