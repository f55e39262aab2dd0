/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim for the kernel ABI headers (see linux/types.h here). */
#ifndef _LINUX_MATH_H
#define _LINUX_MATH_H
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#endif
