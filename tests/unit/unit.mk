# SPDX-License-Identifier: GPL-2.0-only
# tests/unit: host unit tests of the stage library (efi/lib), TAP output.
#
#   make check-unit-stage   run them (ASan + UBSan build; the plain build
#                           and the build against the freestanding
#                           free/libho.a must pass too, one line each)
#
# hobuild.c (the handover builder) is shared with tests/fuzz and bench/.

include $(TOP)/efi/lib/lib.mk

UNIT_DIR := $(TOP)/tests/unit
UNIT_SRCS := $(UNIT_DIR)/test_stage.c $(UNIT_DIR)/hobuild.c \
	$(UNIT_DIR)/test_schemas.c
UNIT_CFLAGS = -I$(UNIT_DIR) $(HO_CFLAGS) $(LIBFDT_CFLAGS)

# Link fdt-schema's generated tables when their rule exists.
ifneq ($(wildcard $(TOP)/fdt-schema/gen-tables.py),)
UNIT_GEN := $(B)/gen/ho_schema_tables.c
UNIT_CFLAGS += -DHO_HAVE_GEN_TABLES
endif

$(B)/unit/test-stage: $(UNIT_SRCS) $(UNIT_GEN) $(B)/host/libho.a \
		$(wildcard $(UNIT_DIR)/*.h)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) $(UNIT_GEN) \
		$(B)/host/libho.a

$(B)/unit/test-stage-san: $(UNIT_SRCS) $(UNIT_GEN) $(B)/host-san/libho.a \
		$(wildcard $(UNIT_DIR)/*.h)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) \
		$(UNIT_GEN) $(B)/host-san/libho.a

# The freestanding objects (-mcmodel=large, no PIC) run on the host too.
$(B)/unit/test-stage-free: $(UNIT_SRCS) $(UNIT_GEN) $(B)/free/libho.a \
		$(wildcard $(UNIT_DIR)/*.h)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -no-pie $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) \
		$(UNIT_GEN) $(B)/free/libho.a

.PHONY: check-unit-stage
check-unit-stage: $(B)/unit/test-stage $(B)/unit/test-stage-san \
		$(B)/unit/test-stage-free $(B)/free/libho.a \
		$(B)/free-pic/libho.a
	@$(UNIT_DIR)/run.sh $(B)

CHECK_SUITES += unit-stage
