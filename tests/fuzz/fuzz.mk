# SPDX-License-Identifier: GPL-2.0-only
# tests/fuzz: libFuzzer targets (clang) on the stage library's checks.
#
#   make check-fuzz-stage   each target FUZZ_CHECK_SECONDS (15 s), TAP line
#                           per target, not ok on any crash or sanitizer report
#   make fuzz               each target FUZZ_SECONDS (300 s)
#
# Seeds come from mkseeds (hobuild.c images, one per builder defect); the
# growing corpus and crash artifacts stay under $(B)/fuzz.

include $(TOP)/efi/lib/lib.mk

FUZZ_DIR := $(TOP)/tests/fuzz
FUZZ_TARGETS := kho luo scratch x86
FUZZ_SECONDS ?= 300
FUZZ_CHECK_SECONDS ?= 15
FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -O1 -g $(WARN) -D_GNU_SOURCE -I$(FUZZ_DIR) \
	-I$(TOP)/tests/unit $(HO_CFLAGS) $(LIBFDT_CFLAGS)
FUZZ_EXTRA := $(TOP)/tests/unit/test_schemas.c
ifneq ($(wildcard $(TOP)/fdt-schema/gen-tables.py),)
FUZZ_EXTRA += $(B)/gen/ho_schema_tables.c
FUZZ_CFLAGS += -DHO_HAVE_GEN_TABLES
endif

$(B)/fuzz/fuzz-%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_DIR)/fuzz_common.h \
		$(FUZZ_EXTRA) $(B)/fuzz/libho.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -o $@ $< $(FUZZ_EXTRA) \
		$(B)/fuzz/libho.a

$(B)/fuzz/mkseeds: $(FUZZ_DIR)/mkseeds.c $(FUZZ_DIR)/fuzz_common.h \
		$(TOP)/tests/unit/hobuild.c $(TOP)/tests/unit/hobuild.h \
		$(FUZZ_EXTRA) $(B)/host/libho.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -I$(FUZZ_DIR) -I$(TOP)/tests/unit $(HO_CFLAGS) \
		$(HO_KABI_CFLAGS_luo_v5) \
		$(LIBFDT_CFLAGS) $(filter -D%,$(FUZZ_CFLAGS)) -o $@ $< \
		$(TOP)/tests/unit/hobuild.c $(FUZZ_EXTRA) $(B)/host/libho.a

$(B)/fuzz/seeds/.stamp: $(B)/fuzz/mkseeds
	@rm -rf $(@D)
	$< $(@D)
	@touch $@

FUZZ_BINS := $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz-%)

.PHONY: check-fuzz-stage fuzz
check-fuzz-stage: $(FUZZ_BINS) $(B)/fuzz/seeds/.stamp
	@FUZZ_SEED=1 $(FUZZ_DIR)/run.sh $(B)/fuzz $(FUZZ_CHECK_SECONDS) $(FUZZ_TARGETS)

fuzz: $(FUZZ_BINS) $(B)/fuzz/seeds/.stamp
	@$(FUZZ_DIR)/run.sh $(B)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

CHECK_SUITES += fuzz-stage
