# SPDX-License-Identifier: GPL-2.0-only
# loader/arch/arm64: the arm64 module of luo-kexec (struct ld_arch in
# arch_arm64.c): the Image type, the DTB with /chosen edited as the boot
# data, the purgatory's jump and relocations (included by loader/loader.mk
# when LD_ARCH is arch/arm64). Variables as in arch/x86_64/arch.mk.

LD_ARCH_PURE := $(LD_ARCH)/arch_arm64 $(LD_ARCH)/image_arm64 $(LD_ARCH)/dtb_arm64 \
	$(LD_ARCH)/iomem_arm64
LD_ARCH_PREFLIGHT := $(LD_ARCH)/formats_arm64
LD_ARCH_SYS := $(LD_ARCH)/sys_arm64
LD_ARCH_HDRS := $(LD_ARCH)/ld_arm64.h
LD_ARCH_CFLAGS = $(LIBFDT_CFLAGS)
