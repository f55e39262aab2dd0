# SPDX-License-Identifier: GPL-2.0-only
# loader/arch/x86_64: the x86_64 module of luo-kexec (struct ld_arch in
# arch_x86.c): bzImage, boot_params, the purgatory's jump and relocations
# (included by loader/loader.mk when LD_ARCH is arch/x86_64).
#
#   LD_ARCH_PURE       planning, no system calls (fuzzed with the rest)
#   LD_ARCH_PREFLIGHT  the pre-flight's record of a kernel image
#   LD_ARCH_SYS        system side (sys.h's sys_arch_*): memory map, EFI data
#   LD_ARCH_HDRS       headers the arch's files and its tests include

LD_ARCH_PURE := $(LD_ARCH)/arch_x86 $(LD_ARCH)/bzimage $(LD_ARCH)/bootparams
LD_ARCH_PREFLIGHT := $(LD_ARCH)/image_x86
LD_ARCH_SYS := $(LD_ARCH)/sys_x86
LD_ARCH_HDRS := $(LD_ARCH)/ld_x86.h
