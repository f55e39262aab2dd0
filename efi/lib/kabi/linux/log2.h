/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim for the kernel ABI headers (see linux/types.h here). */
#ifndef _LINUX_LOG2_H
#define _LINUX_LOG2_H
#define const_ilog2(n)	(63 - __builtin_clzll(n))
#endif
