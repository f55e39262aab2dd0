# SPDX-License-Identifier: GPL-2.0-only
# efi/purgatory: the x86_64 kexec purgatory, a relocatable ELF object the
# loader (loader/) places, relocates and parametrizes.
#
#   $(B)/purgatory/purgatory.ro   entry64.S + purgatory.c + the schema tables,
#                                 linked (ld -r) with the freestanding stage
#                                 library $(B)/free/libho.a; no undefined
#                                 symbols (tests/loader checks it)

include $(TOP)/efi/lib/lib.mk

PURG_DIR := $(TOP)/efi/purgatory
PURG_B := $(B)/purgatory
PURGATORY_RO := $(PURG_B)/purgatory.ro
PURG_CFLAGS = $(HO_VCFLAGS_free) -fno-asynchronous-unwind-tables \
	$(HO_CFLAGS) $(LIBFDT_CFLAGS) -include $(HO_FDT_ENV) -I$(PURG_DIR)

$(PURG_B)/entry64.o: $(PURG_DIR)/entry64.S
	@mkdir -p $(@D)
	$(CC) -c -o $@ $<

$(PURG_B)/purgatory.o: $(PURG_DIR)/purgatory.c $(PURG_DIR)/purgatory.h $(HO_FDT_ENV)
	@mkdir -p $(@D)
	$(CC) $(PURG_CFLAGS) -MMD -MP -c -o $@ $<

$(PURG_B)/ho_schema_tables.o: $(B)/gen/ho_schema_tables.c
	@mkdir -p $(@D)
	$(CC) $(PURG_CFLAGS) -c -o $@ $<

$(PURGATORY_RO): $(PURG_B)/entry64.o $(PURG_B)/purgatory.o \
		$(PURG_B)/ho_schema_tables.o $(B)/free/libho.a $(B)/free/libho-libc.a
	$(LD) -r -S -o $@ $(PURG_B)/entry64.o $(PURG_B)/purgatory.o \
		$(PURG_B)/ho_schema_tables.o $(B)/free/libho.a $(B)/free/libho-libc.a

-include $(PURG_B)/purgatory.d
ALL_TARGETS += $(PURGATORY_RO)
