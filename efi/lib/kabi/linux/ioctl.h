/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim for the kernel ABI headers (see linux/types.h here): nothing used. */
#ifndef _SHIM_LINUX_IOCTL_H
#define _SHIM_LINUX_IOCTL_H
#endif
