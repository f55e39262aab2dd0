# SPDX-License-Identifier: GPL-2.0-only
# x86_64 purgatory (included by efi/purgatory/purgatory.mk): the entry and
# jump in assembly, the hooks of efi/purgatory/purgatory-arch.h in C (zero page,
# COM1, TSC, SSE for SHA-NI).
PURG_ARCH_ASM := arch/x86_64/entry64.S
PURG_ARCH_C := arch/x86_64/purgatory-x86_64.c
