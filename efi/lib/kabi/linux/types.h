/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Type shim: lets the stage library compile the pinned kernel's own ABI
 * headers (include/linux/kho/abi/luo.h, memfd.h, kexec_handover.h, block.h
 * and include/uapi/linux/liveupdate.h, fcntl.h) outside the kernel, so the
 * luo-v5 layouts are the kernel's, never restated (luo_v5.c). Only what those
 * headers use at file scope; x86_64 / arm64 LP64 sizes.
 */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int32_t __s32;
typedef int64_t __s64;
typedef uint64_t __aligned_u64 __attribute__((aligned(8)));
typedef uint64_t phys_addr_t;

#define __packed		__attribute__((packed))
#define static_assert(e, ...)	_Static_assert(e, #e)
#define BITS_PER_LONG		64
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits)	unsigned long name[BITS_TO_LONGS(bits)]

#endif
