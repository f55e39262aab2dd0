/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the one architecture built in (LD_ARCH in loader.mk, a directory
 * loader/arch/<arch>/) gives the arch-neutral loader: loader/README.md.
 */
#ifndef LD_ARCH_H
#define LD_ARCH_H

struct ld_arch {
	const char *name;		/* "x86_64" */
	unsigned long kexec_arch;	/* kexec_load()'s KEXEC_ARCH_* flag */
};

/* Defined by loader/arch/<arch>/sys_<arch>.c. */
extern const struct ld_arch ld_arch;

#endif /* LD_ARCH_H */
