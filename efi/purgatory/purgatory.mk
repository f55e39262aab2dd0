# SPDX-License-Identifier: GPL-2.0-only
# efi/purgatory: the kexec purgatory, a relocatable ELF object the loader
# (loader/) places, relocates and parametrizes. purgatory.c is the same on
# every architecture; arch/$(PURG_ARCH)/ has the entry and the hooks
# (purgatory-arch.h), listed in its arch.mk.
#
#   $(B)/purgatory/purgatory.ro   the arch's entry + purgatory.c + its hooks
#                                 + the schema tables, linked (ld -r) with
#                                 the freestanding stage library
#                                 $(B)/free/libho.a; no undefined symbols
#                                 (tests/loader checks it)
#   PURG_HOST_SRCS                the C sources, for the host build of the
#                                 purgatory in tests/loader

include $(TOP)/efi/lib/lib.mk

PURG_DIR := $(TOP)/efi/purgatory
PURG_B := $(B)/purgatory
PURG_ARCH := x86_64
include $(PURG_DIR)/arch/$(PURG_ARCH)/arch.mk
PURGATORY_RO := $(PURG_B)/purgatory.ro
PURG_CFLAGS = $(HO_VCFLAGS_free) -fno-asynchronous-unwind-tables \
	$(HO_CFLAGS) $(LIBFDT_CFLAGS) -include $(HO_FDT_ENV) -I$(PURG_DIR)
PURG_C_SRCS := purgatory.c $(PURG_ARCH_C)
PURG_HOST_SRCS := $(PURG_C_SRCS:%=$(PURG_DIR)/%)
PURG_HDRS := $(PURG_DIR)/purgatory.h $(PURG_DIR)/purgatory-arch.h \
	$(wildcard $(PURG_DIR)/arch/$(PURG_ARCH)/*.h)
PURG_OBJS := $(PURG_ARCH_ASM:%.S=$(PURG_B)/%.o) $(PURG_C_SRCS:%.c=$(PURG_B)/%.o) \
	$(PURG_B)/ho_schema_tables.o

$(PURG_B)/%.o: $(PURG_DIR)/%.S
	@mkdir -p $(@D)
	$(CC) -c -o $@ $<

$(PURG_B)/%.o: $(PURG_DIR)/%.c $(PURG_HDRS) $(HO_FDT_ENV)
	@mkdir -p $(@D)
	$(CC) $(PURG_CFLAGS) -MMD -MP -c -o $@ $<

$(PURG_B)/ho_schema_tables.o: $(B)/gen/ho_schema_tables.c
	@mkdir -p $(@D)
	$(CC) $(PURG_CFLAGS) -c -o $@ $<

$(PURGATORY_RO): $(PURG_OBJS) $(B)/free/libho.a $(B)/free/libho-libc.a
	$(LD) -r -S -o $@ $(PURG_OBJS) $(B)/free/libho.a $(B)/free/libho-libc.a

-include $(PURG_C_SRCS:%.c=$(PURG_B)/%.d)
ALL_TARGETS += $(PURGATORY_RO)

# arm64 (issue 13): the same purgatory.c with arch/arm64/'s hooks, built with
# the cross compiler next to x86_64's, for the aarch64 luo-kexec
# (loader/loader.mk's arm64 block):
#
#   $(B)/purgatory-arm64/purgatory.ro   aarch64 relocatable ELF, linked with
#                                       $(B)/free-a64/libho.a (the library
#                                       freestanding for aarch64)
#
# Code model small (adrp + add/ldr and branches: the relocations the loader's
# arm64 module applies), no PIC; -mstrict-align because the purgatory runs
# with the MMU off, where every data access is Device memory and an
# unaligned one faults.
PURG_A64_CC := aarch64-linux-gnu-gcc
PURG_A64_LD := aarch64-linux-gnu-ld
include $(PURG_DIR)/arch/arm64/arch.mk
PURG_A64_B := $(B)/purgatory-arm64
PURGATORY_A64_RO := $(PURG_A64_B)/purgatory.ro
HO_CC_free-a64 = $(PURG_A64_CC)
HO_VCFLAGS_free-a64 = -std=c11 -O2 -g $(WARN) -ffreestanding -fno-builtin \
	-fno-stack-protector -mgeneral-regs-only -nostdlib -fno-pic -mstrict-align \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
$(eval $(call ho_variant,free-a64))
$(B)/free-a64/libho-libc.a: $(B)/free-a64/ho/libc.o
	@rm -f $@
	$(AR) rcs $@ $^
PURG_A64_CFLAGS = $(HO_VCFLAGS_free-a64) $(HO_CFLAGS) $(LIBFDT_CFLAGS) \
	-include $(HO_FDT_ENV) -I$(PURG_DIR)
PURG_A64_C_SRCS := purgatory.c $(PURG_A64_C)
PURG_A64_HOST_SRCS := $(PURG_A64_C_SRCS:%=$(PURG_DIR)/%)
PURG_A64_HDRS := $(PURG_DIR)/purgatory.h $(PURG_DIR)/purgatory-arch.h \
	$(wildcard $(PURG_DIR)/arch/arm64/*.h) $(HO_LIB_DIR)/include/ho/arm64.h
PURG_A64_OBJS := $(PURG_A64_ASM:%.S=$(PURG_A64_B)/%.o) \
	$(PURG_A64_C_SRCS:%.c=$(PURG_A64_B)/%.o) $(PURG_A64_B)/ho_schema_tables.o

$(PURG_A64_B)/%.o: $(PURG_DIR)/%.S
	@mkdir -p $(@D)
	$(PURG_A64_CC) -c -o $@ $<

$(PURG_A64_B)/%.o: $(PURG_DIR)/%.c $(PURG_A64_HDRS) $(HO_FDT_ENV)
	@mkdir -p $(@D)
	$(PURG_A64_CC) $(PURG_A64_CFLAGS) -MMD -MP -c -o $@ $<

$(PURG_A64_B)/ho_schema_tables.o: $(B)/gen/ho_schema_tables.c
	@mkdir -p $(@D)
	$(PURG_A64_CC) $(PURG_A64_CFLAGS) -c -o $@ $<

$(PURGATORY_A64_RO): $(PURG_A64_OBJS) $(B)/free-a64/libho.a $(B)/free-a64/libho-libc.a
	$(PURG_A64_LD) -r -S -o $@ $(PURG_A64_OBJS) $(B)/free-a64/libho.a \
		$(B)/free-a64/libho-libc.a

-include $(PURG_A64_C_SRCS:%.c=$(PURG_A64_B)/%.d)
.PHONY: purgatory-arm64
purgatory-arm64: $(PURGATORY_A64_RO)

# Both purgatories' memcpy/memset/memmove/memcmp (efi/lib/libc.c) and the
# ho_mem* functions behind them never call one of the four
# (tests/unit/purgatory-libc.sh).
CHECK_SUITES += purgatory-libc
.PHONY: check-purgatory-libc
check-purgatory-libc: $(PURGATORY_RO) $(PURGATORY_A64_RO)
	@PURG_A64_CC="$(PURG_A64_CC) $(HO_VCFLAGS_free-a64)" \
		$(TOP)/tests/unit/purgatory-libc.sh objdump:$(PURGATORY_RO) \
		aarch64-linux-gnu-objdump:$(PURGATORY_A64_RO)
