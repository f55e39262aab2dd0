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
