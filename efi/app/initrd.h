/* SPDX-License-Identifier: GPL-2.0-only */
/* The initrd's own consistency, as far as the stage can see it (initrd.c). */
#ifndef STAGE_INITRD_H
#define STAGE_INITRD_H

#include <stddef.h>
#include <stdint.h>

/*
 * An uncompressed newc cpio ("070701"/"070702", as the kernel's
 * init/initramfs.c reads it) must hold every member it starts and reach its
 * TRAILER!!! entry; several archives may follow each other (NUL padding
 * between them). Anything else (compressed images) passes unchecked.
 * 0, or -1 with one sentence in why.
 */
int stage_initrd_check(const void *buf, uint64_t size, char *why,
		       size_t whylen);

#endif /* STAGE_INITRD_H */
