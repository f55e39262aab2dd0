# SPDX-License-Identifier: GPL-2.0-only
# bench/stage: validation time of a realistic handover vs SHA-256 of it.
#   make bench-stage (also part of make bench)

include $(TOP)/efi/lib/lib.mk

BENCH_STAGE_SRCS := $(TOP)/bench/stage.c $(TOP)/tests/unit/hobuild.c \
	$(TOP)/tests/unit/test_schemas.c
BENCH_STAGE_CFLAGS = -I$(TOP)/tests/unit $(HO_CFLAGS) $(LIBFDT_CFLAGS)
ifneq ($(wildcard $(TOP)/fdt-schema/gen-tables.py),)
BENCH_STAGE_SRCS += $(B)/gen/ho_schema_tables.c
BENCH_STAGE_CFLAGS += -DHO_HAVE_GEN_TABLES
endif

$(B)/bench/bench-stage: $(BENCH_STAGE_SRCS) $(B)/host/libho.a \
		$(TOP)/tests/unit/hobuild.h
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(BENCH_STAGE_CFLAGS) -o $@ $(BENCH_STAGE_SRCS) \
		$(B)/host/libho.a

.PHONY: bench-stage
bench-stage: $(B)/bench/bench-stage
	@$<

BENCHES += bench-stage
