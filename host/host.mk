# SPDX-License-Identifier: GPL-2.0-only
# host/: the host library (host.h), linked by luo-kexec, luo-fdt and the
# guest test programs.
#
#   $(B)/hostlib/libhost.a        host build
#   $(B)/hostlib-san/libhost.a    with ASan + UBSan
#   (tests/guest/guest.mk adds $(B)/hostlib-arm64/libhost.a, cross-built)
#
# Users name these archives by path in their prerequisites (this file is
# included after fdt-schema/schema.mk) and add $(HOST_LIB_CFLAGS).

HOST_LIB_DIR := $(TOP)/host
HOST_LIB_SRCS := $(sort $(wildcard $(HOST_LIB_DIR)/*.c))
HOST_LIB_CFLAGS = -I$(HOST_LIB_DIR)

# $(call host_lib_variant,DIR,CC,CFLAGS): $(B)/DIR/libhost.a built with CC.
define host_lib_variant
$(B)/$(1)/%.o: $(HOST_LIB_DIR)/%.c $(HOST_LIB_DIR)/host.h
	@mkdir -p $$(@D)
	$(2) $(3) $$(HO_CFLAGS) $(HOST_LIB_CFLAGS) -MMD -MP -c -o $$@ $$<

$(B)/$(1)/libhost.a: $(HOST_LIB_SRCS:$(HOST_LIB_DIR)/%.c=$(B)/$(1)/%.o)
	rm -f $$@ && $(AR) rcs $$@ $$^

-include $(HOST_LIB_SRCS:$(HOST_LIB_DIR)/%.c=$(B)/$(1)/%.d)
endef

$(eval $(call host_lib_variant,hostlib,$(CC),$(HOST_CFLAGS)))
$(eval $(call host_lib_variant,hostlib-san,$(CC),$(HOST_CFLAGS) $(SAN_FLAGS)))
