# SPDX-License-Identifier: GPL-2.0-only
# loader/arch/x86_64: the x86_64 bzImage, boot_params and purgatory ELF
# (included by loader/loader.mk when LD_ARCH is arch/x86_64).
#
#   LD_ARCH_PURE       planning, no system calls (fuzzed with the rest)
#   LD_ARCH_PREFLIGHT  the pre-flight's record of a kernel image
#   LD_ARCH_SYS        system side: kexec arch number, EFI data

LD_ARCH_PURE := $(LD_ARCH)/bzimage $(LD_ARCH)/bootparams $(LD_ARCH)/elf
LD_ARCH_PREFLIGHT := $(LD_ARCH)/image_x86
LD_ARCH_SYS := $(LD_ARCH)/sys_x86
