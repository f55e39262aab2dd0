# SPDX-License-Identifier: GPL-2.0-only
# fdt-schema/: the handover FDT schemas (YAML), their generator, the
# generated C tables and docs, and the luo-fdt host tool.
#
#   $(B)/gen/ho_schema_tables.c   C tables from fdt-schema/*.yaml (schema.h types)
#   $(B)/gen/ho_schema_tables.o   host object of the above
#   $(B)/bin/luo-fdt              check / dump / gen handover FDTs
#   make schema-docs              regenerate docs/schema-reference.md
#   make check-schema             the schema test suite (tests/schema/)

SCHEMA_DIR := $(TOP)/fdt-schema
SCHEMA_YAML := $(sort $(wildcard $(SCHEMA_DIR)/*.yaml))
SCHEMA_GEN := $(SCHEMA_DIR)/gen-tables.py
SCHEMA_DOC := $(TOP)/docs/schema-reference.md
HO_INCLUDE := $(TOP)/efi/lib/include

LUO_FDT_SRCS := $(sort $(wildcard $(SCHEMA_DIR)/luo-fdt/*.c))
LUO_FDT_OBJS := $(patsubst $(SCHEMA_DIR)/luo-fdt/%.c,$(B)/luo-fdt/%.o,$(LUO_FDT_SRCS))
LUO_FDT_CFLAGS = $(HOST_CFLAGS) $(HO_CFLAGS) $(HOST_LIB_CFLAGS) $(LIBFDT_CFLAGS) -MMD -MP

$(B)/gen/ho_schema_tables.c: $(SCHEMA_YAML) $(SCHEMA_GEN)
	@mkdir -p $(@D)
	python3 $(SCHEMA_GEN) -c $@ $(SCHEMA_YAML)

$(B)/gen/ho_schema_tables.o: $(B)/gen/ho_schema_tables.c $(HO_INCLUDE)/ho/schema.h
	$(CC) $(HOST_CFLAGS) $(HO_CFLAGS) -c -o $@ $<

$(B)/luo-fdt/%.o: $(SCHEMA_DIR)/luo-fdt/%.c
	@mkdir -p $(@D)
	$(CC) $(LUO_FDT_CFLAGS) -c -o $@ $<

# The tables object is linked last but one on purpose: tests/schema relinks
# the same objects against tables generated from a modified YAML.
$(B)/bin/luo-fdt: $(LUO_FDT_OBJS) $(B)/gen/ho_schema_tables.o $(B)/hostlib/libhost.a \
		$(B)/host/libho.a $(B)/host/libfdt.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $^

# The same tool with ASan + UBSan, for the robustness tests.
LUO_FDT_SAN_OBJS := $(LUO_FDT_OBJS:$(B)/luo-fdt/%=$(B)/luo-fdt-san/%)

$(B)/luo-fdt-san/%.o: $(SCHEMA_DIR)/luo-fdt/%.c
	@mkdir -p $(@D)
	$(CC) $(LUO_FDT_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/luo-fdt-san/ho_schema_tables.o: $(B)/gen/ho_schema_tables.c $(HO_INCLUDE)/ho/schema.h
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(HO_CFLAGS) -c -o $@ $<

$(B)/bin/luo-fdt-san: $(LUO_FDT_SAN_OBJS) $(B)/luo-fdt-san/ho_schema_tables.o \
		$(B)/hostlib-san/libhost.a $(B)/host-san/libho.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -o $@ $^

-include $(LUO_FDT_OBJS:.o=.d) $(LUO_FDT_SAN_OBJS:.o=.d)

.PHONY: schema-docs
schema-docs: $(SCHEMA_YAML) $(SCHEMA_GEN)
	python3 $(SCHEMA_GEN) -m $(SCHEMA_DOC) $(SCHEMA_YAML)

ALL_TARGETS += $(B)/gen/ho_schema_tables.o $(B)/bin/luo-fdt

# The schemas against the kernel's ABI headers (kernel/include/linux/kho/abi/),
# with negative controls. Its own suite: tests/schema/run.sh is not ours to
# edit; it may call fdt-schema/abi-check.py --tap as well.
CHECK_SUITES += schema-abi
.PHONY: check-schema-abi
check-schema-abi:
	@python3 $(SCHEMA_DIR)/abi-check.py --tap
