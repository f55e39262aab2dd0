# SPDX-License-Identifier: GPL-2.0-only
# efi/lib: the handover stage library (validate, normalize, relocate), one
# set of sources built four ways, plus libfdt from the pristine kernel tree.
#
#   $(B)/host/libho.a       hosted (tests, loader, tools); includes libfdt
#   $(B)/host-san/libho.a   hosted with ASan + UBSan
#   $(B)/free/libho.a       freestanding, -mcmodel=large, no PIC (purgatory)
#   $(B)/free-pic/libho.a   freestanding, PIC, short wchar (EFI app)
#   $(B)/free*/libho-libc.a memcpy/memmove/memset/memcmp for front ends
#                           without a libc
#   $(B)/host/libfdt.a      hosted libfdt alone (static guest programs)
#
# Use: $(HO_CFLAGS) (our headers) and $(LIBFDT_CFLAGS) (libfdt.h).
#
# The top Makefile includes only */*.mk and tests/*/*.mk, so this file is
# included from tests/unit/unit.mk (and may be from an efi/*.mk): guarded.

ifndef HO_LIB_MK
HO_LIB_MK := 1

HO_LIB_DIR := $(TOP)/efi/lib
# The wire-format ABI headers (<linux/kho/abi/*.h>) come from the kernel
# overlay, searched after the system's headers so that nothing else of
# kernel/include/ shadows a host <linux/...> header.
HO_CFLAGS := -I$(HO_LIB_DIR)/include -idirafter $(TOP)/kernel/include
LIBFDT_DIR = $(LINUX_SRC)/scripts/dtc/libfdt
LIBFDT_CFLAGS = -I$(LINUX_SRC)/scripts/dtc/libfdt
HO_FDT_ENV := $(HO_LIB_DIR)/libfdt_env.h

HO_LIB_NAMES := string err memmap report fdt schema kho kho_radix kho_vmalloc luo luo_v5 \
	scratch work \
	handover reloc sha256 sha256_x86 x86 cmdline fault trace
# SHA-256 with the arm64 SHA2 instructions: detection in C, the block
# function in assembly (sha256_arm64_ce.S; both empty on other targets).
HO_LIB_NAMES += sha256_arm64
HO_LIB_ASM_NAMES := sha256_arm64_ce
# arm64's boot data (the DTB's /chosen handover, bootargs, memory map): ho/arm64.h
HO_LIB_NAMES += arm64
# a handover's preserved blocks, moving it, its dump: ho/preserved.h (the EFI app)
HO_LIB_NAMES += preserved
HO_LIBFDT_NAMES := fdt fdt_ro fdt_rw fdt_wip fdt_sw fdt_strerror \
	fdt_empty_tree fdt_addresses
HO_VARIANTS := host host-san free free-pic fuzz

HO_FREE_CFLAGS := -std=c11 -O2 -g $(WARN) -ffreestanding -fno-builtin \
	-fno-stack-protector -mno-red-zone -mgeneral-regs-only -nostdlib
HO_VCFLAGS_host = $(HOST_CFLAGS)
HO_VCFLAGS_host-san = $(HOST_CFLAGS) $(SAN_FLAGS)
HO_VCFLAGS_free = $(HO_FREE_CFLAGS) -fno-pic -mcmodel=large
HO_VCFLAGS_free-pic = $(HO_FREE_CFLAGS) -fpic -fshort-wchar
# For tests/fuzz only (clang, libFuzzer coverage); not part of "all".
HO_VCFLAGS_fuzz = -std=c11 -O1 -g $(WARN) -D_GNU_SOURCE \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_CC ?= clang
HO_CC_fuzz = $(FUZZ_CC)
# libfdt is upstream code: our warnings, minus the ones it trips.
HO_FDT_WARN := -Wno-sign-compare -Wno-unused-parameter

# luo_v5.c (and fault.c) compile the pinned kernel's own ABI headers
# (include/linux/kho/abi/luo.h, memfd.h, ...) through the type shim kabi/,
# which comes first so that those headers' <linux/types.h> etc. are its;
# the kernel tree is searched last (after the system headers).
HO_KABI_CFLAGS_luo_v5 = -I$(HO_LIB_DIR)/kabi -idirafter $(LINUX_SRC)/include
# fault.c: luo-v5's struct luo_ser and kho_block header (one fault class)
HO_KABI_CFLAGS_fault = $(HO_KABI_CFLAGS_luo_v5)
# kho_vmalloc.c: struct kho_vmalloc_chunk (kexec_handover.h)
HO_KABI_CFLAGS_kho_vmalloc = $(HO_KABI_CFLAGS_luo_v5)
HO_KABI_CFLAGS = $(HO_KABI_CFLAGS_$(basename $(notdir $@)))

# $(call ho_variant,name): objects and archives of one variant.
define ho_variant
HO_OBJS_$(1) := $$(HO_LIB_NAMES:%=$(B)/$(1)/ho/%.o) $$(HO_LIB_ASM_NAMES:%=$(B)/$(1)/ho/%.o)
HO_FDT_OBJS_$(1) := $$(HO_LIBFDT_NAMES:%=$(B)/$(1)/libfdt/%.o)

$(B)/$(1)/ho/%.o: $(HO_LIB_DIR)/%.c $(HO_FDT_ENV)
	@mkdir -p $$(@D)
	$$(or $$(HO_CC_$(1)),$$(CC)) $$(HO_VCFLAGS_$(1)) $(HO_CFLAGS) $$(HO_KABI_CFLAGS) \
		$$(LIBFDT_CFLAGS) -include $(HO_FDT_ENV) -MMD -MP -c -o $$@ $$<

$(B)/$(1)/ho/%.o: $(HO_LIB_DIR)/%.S
	@mkdir -p $$(@D)
	$$(or $$(HO_CC_$(1)),$$(CC)) -g -c -o $$@ $$<

# The pristine source is not a prerequisite: it is pinned and never changes,
# and naming it here would fetch the kernel source while parsing.
$(B)/$(1)/libfdt/%.o: $(HO_FDT_ENV)
	@mkdir -p $$(@D)
	$$(or $$(HO_CC_$(1)),$$(CC)) $$(HO_VCFLAGS_$(1)) $$(HO_FDT_WARN) $(HO_CFLAGS) \
		$$(LIBFDT_CFLAGS) -include $(HO_FDT_ENV) -c -o $$@ \
		$$(LIBFDT_DIR)/$$*.c

$(B)/$(1)/libho.a: $$(HO_OBJS_$(1)) $$(HO_FDT_OBJS_$(1))
	@rm -f $$@
	$$(AR) rcs $$@ $$^

-include $$(HO_OBJS_$(1):.o=.d)
endef
$(foreach v,$(HO_VARIANTS),$(eval $(call ho_variant,$(v))))

$(B)/host/libfdt.a: $(HO_FDT_OBJS_host)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/free/libho-libc.a $(B)/free-pic/libho-libc.a: $(B)/%/libho-libc.a: $(B)/%/ho/libc.o
	@rm -f $@
	$(AR) rcs $@ $^

HO_LIBS := $(patsubst %,$(B)/%/libho.a,host host-san free free-pic) \
	$(B)/host/libfdt.a \
	$(B)/free/libho-libc.a $(B)/free-pic/libho-libc.a
.PHONY: libho
libho: $(HO_LIBS)
ALL_TARGETS += $(HO_LIBS)

endif # HO_LIB_MK
