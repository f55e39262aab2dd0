# SPDX-License-Identifier: GPL-2.0-only
# host/: the host library (host.h), linked by luo-kexec, luo-fdt and the
# guest test programs.
#
#   $(B)/hostlib/libhost.a        host build
#   $(B)/hostlib-san/libhost.a    with ASan + UBSan
#
# Users name these archives by path in their prerequisites (this file is
# included after fdt-schema/schema.mk) and add $(HOST_LIB_CFLAGS).

HOST_LIB_DIR := $(TOP)/host
HOST_LIB_SRCS := $(sort $(wildcard $(HOST_LIB_DIR)/*.c))
HOST_LIB_CFLAGS = -I$(HOST_LIB_DIR)
HOST_LIB_OBJS := $(HOST_LIB_SRCS:$(HOST_LIB_DIR)/%.c=$(B)/hostlib/%.o)
HOST_LIB_SAN_OBJS := $(HOST_LIB_SRCS:$(HOST_LIB_DIR)/%.c=$(B)/hostlib-san/%.o)

$(B)/hostlib/%.o: $(HOST_LIB_DIR)/%.c $(HOST_LIB_DIR)/host.h
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -I$(TOP)/efi/lib/include $(HOST_LIB_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/hostlib-san/%.o: $(HOST_LIB_DIR)/%.c $(HOST_LIB_DIR)/host.h
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -I$(TOP)/efi/lib/include $(HOST_LIB_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/hostlib/libhost.a: $(HOST_LIB_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/hostlib-san/libhost.a: $(HOST_LIB_SAN_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

-include $(HOST_LIB_OBJS:.o=.d) $(HOST_LIB_SAN_OBJS:.o=.d)
