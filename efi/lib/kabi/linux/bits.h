/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim for the kernel ABI headers (see linux/types.h here). */
#ifndef _LINUX_BITS_H
#define _LINUX_BITS_H
#define BIT(n)		(1ul << (n))
#define BITS_PER_BYTE	8
#endif
