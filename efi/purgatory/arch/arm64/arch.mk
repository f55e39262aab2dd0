# SPDX-License-Identifier: GPL-2.0-only
# arm64 purgatory (included by efi/purgatory/purgatory.mk's arm64 block): the
# entry and jump in assembly, the hooks of efi/purgatory/purgatory-arch.h in
# C (the DTB through the library's ho/arm64.h, PL011, cntvct_el0).
PURG_A64_ASM := arch/arm64/entry.S
PURG_A64_C := arch/arm64/purgatory-arm64.c
