# SPDX-License-Identifier: GPL-2.0-only
# loader/: luo-kexec, a kexec_load loader that carries the KHO handover
# (and the purgatory from efi/purgatory); the image types and boot protocol
# come from the one architecture built in (LD_ARCH).
#
#   $(B)/loader/luo-kexec         static, built against our uapi
#                                 (kernel/include/uapi over the 7.3 tree's
#                                 headers_install, never the host's): the
#                                 handover query is always in; the test VM
#                                 runs this same binary (GUEST_EXTRA_BINS)
#   make check-unit-loader        planner and pre-flight unit tests
#                                 (tests/loader) + CLI
#
# Pure planning (LD_PURE) is separate from the few functions that make
# system calls (sys.c, handover.c) and the command line (main.c). The
# pre-flight (LD_PREFLIGHT: handover formats, the record of a kernel image)
# decodes kernels with Debian's static zlib, liblzma and libzstd.

include $(TOP)/efi/lib/lib.mk

LDR_DIR := $(TOP)/loader
LDR_B := $(B)/loader
# LD_ARCH: the directory of the image and boot protocol (loader/README.md).
LD_ARCH := arch/x86_64
# LD_ARCH=arm64 on the command line means arch/arm64.
override LD_ARCH := $(if $(findstring /,$(LD_ARCH)),$(LD_ARCH),arch/$(LD_ARCH))
include $(LDR_DIR)/$(LD_ARCH)/arch.mk
LD_PURE := err image place plan elf $(LD_ARCH_PURE)
LD_PREFLIGHT := formats decompress $(LD_ARCH_PREFLIGHT)
LDR_CFLAGS = $(HO_CFLAGS) -I$(LDR_DIR) $(HOST_LIB_CFLAGS) $(LD_ARCH_CFLAGS) -MMD -MP
LDR_HDRS := $(LDR_DIR)/ld.h $(LDR_DIR)/arch.h $(TOP)/efi/purgatory/purgatory.h \
	$(LDR_DIR)/preflight.h $(LD_ARCH_HDRS:%=$(LDR_DIR)/%)
LDR_LIBS := -lz -llzma -lzstd

$(LDR_B)/host/%.o: $(LDR_DIR)/%.c $(LDR_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(LDR_CFLAGS) -c -o $@ $<

$(LDR_B)/san/%.o: $(LDR_DIR)/%.c $(LDR_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(LDR_CFLAGS) -c -o $@ $<

$(LDR_B)/purgatory-blob.o: $(LDR_DIR)/purgatory-blob.S $(PURGATORY_RO)
	@mkdir -p $(@D)
	$(CC) -DPURGATORY_RO='"$(PURGATORY_RO)"' -c -o $@ $<

LDR_OBJS_host := $(LD_PURE:%=$(LDR_B)/host/%.o) $(LD_PREFLIGHT:%=$(LDR_B)/host/%.o)
LDR_OBJS_san := $(LD_PURE:%=$(LDR_B)/san/%.o) $(LD_PREFLIGHT:%=$(LDR_B)/san/%.o)
LDR_TOOL_SRCS := $(LDR_DIR)/main.c $(LDR_DIR)/sys.c $(LDR_DIR)/handover.c \
	$(LD_ARCH_SYS:%=$(LDR_DIR)/%.c)

# UAPI_CFLAGS (tests/guest/guest.mk): a missing <linux/liveupdate_rfc.h>
# fails the build; there is no luo-kexec without the handover query.
$(LDR_B)/luo-kexec: $(LDR_TOOL_SRCS) $(LDR_OBJS_host) $(LDR_B)/purgatory-blob.o \
		$(B)/hostlib/libhost.a $(B)/host/libho.a $(LDR_HDRS) $(LDR_DIR)/sys.h \
		$(LDR_DIR)/handover.h $(TOP)/kernel/include/uapi/linux/liveupdate_rfc.h
	$(CC) $(HOST_CFLAGS) $(LDR_CFLAGS) $(UAPI_CFLAGS) -static -o $@.tmp $(LDR_TOOL_SRCS) \
		$(LDR_OBJS_host) $(LDR_B)/purgatory-blob.o $(B)/hostlib/libhost.a \
		$(B)/host/libho.a $(LDR_LIBS)
	@file $@.tmp | grep -q 'statically linked' || { echo "$@: not static" >&2; exit 1; }
	@mv $@.tmp $@

GUEST_EXTRA_BINS += $(LDR_B)/luo-kexec

# Unit tests (tests/loader), with ASan + UBSan; the purgatory's C part runs
# on the host too (PURGATORY_HOST_TEST), over tests/unit's handover builder.
LDR_TEST_SRCS := $(TOP)/tests/loader/test_loader.c $(PURG_HOST_SRCS) \
	$(TOP)/tests/unit/hobuild.c $(B)/gen/ho_schema_tables.c
$(LDR_B)/test-loader: $(LDR_TEST_SRCS) $(LDR_OBJS_san) $(B)/host-san/libho.a \
		$(LDR_HDRS) $(TOP)/tests/unit/tap.h $(TOP)/tests/unit/hobuild.h
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(LDR_CFLAGS) $(LIBFDT_CFLAGS) \
		-DPURGATORY_HOST_TEST -I$(TOP)/tests/unit -I$(TOP)/efi/purgatory \
		-o $@ $(LDR_TEST_SRCS) $(LDR_OBJS_san) $(B)/host-san/libho.a $(LDR_LIBS)

# Pre-flight unit tests (tests/loader/test_preflight.c), ASan + UBSan.
$(LDR_B)/test-preflight: $(TOP)/tests/loader/test_preflight.c $(LDR_OBJS_san) \
		$(B)/host-san/libho.a $(LDR_HDRS) $(TOP)/tests/unit/tap.h
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(LDR_CFLAGS) -I$(TOP)/tests/unit -o $@ $< \
		$(LD_PREFLIGHT:%=$(LDR_B)/san/%.o) $(B)/host-san/libho.a $(LDR_LIBS)

.PHONY: check-unit-loader
check-unit-loader: $(LDR_B)/test-loader $(LDR_B)/test-preflight $(LDR_B)/luo-kexec $(PURGATORY_RO)
	@$(TOP)/tests/loader/run.sh $(B)

CHECK_SUITES += unit-loader

-include $(wildcard $(LDR_B)/host/*.d $(LDR_B)/san/*.d $(LDR_B)/host/$(LD_ARCH)/*.d \
	$(LDR_B)/san/$(LD_ARCH)/*.d)
ALL_TARGETS += $(LDR_B)/luo-kexec

# Debian's kexec-tools as a peer in the test VM (tests/guest/loader_check.c
# runs it through its dynamic loader with --library-path /bin).
KEXEC_PEER := $(wildcard /usr/sbin/kexec)
ifneq ($(KEXEC_PEER),)
GUEST_EXTRA_BINS += $(KEXEC_PEER) $(shell ldd $(KEXEC_PEER) 2>/dev/null | \
	awk '$$2 == "=>" && $$3 ~ /^\// {print $$3} $$1 ~ /^\/.*ld-linux/ {print $$1}')
endif

# The real CLI built with ASan + UBSan from the same sources, for the CLI
# table of check-unit-loader (tests/loader/run.sh): not static (sanitizers).
$(LDR_B)/san/luo-kexec: $(LDR_TOOL_SRCS) $(LDR_OBJS_san) $(LDR_B)/purgatory-blob.o \
		$(B)/hostlib-san/libhost.a $(B)/host-san/libho.a $(LDR_HDRS) $(LDR_DIR)/sys.h \
		$(LDR_DIR)/handover.h $(TOP)/kernel/include/uapi/linux/liveupdate_rfc.h
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(LDR_CFLAGS) $(UAPI_CFLAGS) -o $@ $(LDR_TOOL_SRCS) \
		$(LDR_OBJS_san) $(LDR_B)/purgatory-blob.o $(B)/hostlib-san/libhost.a \
		$(B)/host-san/libho.a $(LDR_LIBS)
check-unit-loader: $(LDR_B)/san/luo-kexec

# The arm64 module's unit tests (tests/loader/test_arm64.c), on the host
# whatever LD_ARCH is: its sources built here as the binary's ld_arch, with
# only the neutral err.c and elf.c, ASan + UBSan, libfdt from libho.
LDR_A64_DIR := $(LDR_DIR)/arch/arm64
LDR_A64_SRCS := $(LDR_A64_DIR)/arch_arm64.c $(LDR_A64_DIR)/image_arm64.c \
	$(LDR_A64_DIR)/dtb_arm64.c $(LDR_A64_DIR)/iomem_arm64.c
# The neutral planner (err image place plan elf) is linked too, for whole
# plans over a cross-compiled aarch64 object with the purgatory's symbols
# (tests/loader/purg_fixture_arm64.c: a fixture, not the purgatory).
LDR_A64_NEUTRAL := $(patsubst %,$(LDR_DIR)/%.c,err image place plan elf)
LDR_A64_FIXTURE := $(LDR_B)/purg_fixture_arm64.o
$(LDR_A64_FIXTURE): $(TOP)/tests/loader/purg_fixture_arm64.c $(TOP)/efi/purgatory/purgatory.h
	aarch64-linux-gnu-gcc -std=c11 -O2 $(WARN) -ffreestanding -fno-pic -fno-stack-protector \
		-mgeneral-regs-only -I$(TOP)/efi/purgatory -c -o $@ $<
# The arm64 purgatory's C part runs there too (PURGATORY_HOST_TEST with
# PURGATORY_HOST_ARM64: purgatory.h then takes the arm64 parameter block),
# over plans of the real aarch64 purgatory.ro ($(PURGATORY_A64_RO)).
LDR_A64_PURG_SRCS := $(PURG_A64_HOST_SRCS) $(TOP)/tests/unit/hobuild.c $(B)/gen/ho_schema_tables.c
$(LDR_B)/test-arm64: $(TOP)/tests/loader/test_arm64.c $(LDR_A64_SRCS) \
		$(LDR_A64_DIR)/ld_arm64.h $(LDR_A64_NEUTRAL) $(LDR_A64_PURG_SRCS) $(PURG_A64_HDRS) \
		$(B)/host-san/libho.a $(LDR_DIR)/ld.h $(LDR_DIR)/arch.h $(TOP)/tests/unit/tap.h \
		$(TOP)/tests/unit/hobuild.h
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(HO_CFLAGS) -I$(LDR_DIR) -I$(LDR_A64_DIR) \
		$(LIBFDT_CFLAGS) -I$(TOP)/tests/unit -I$(TOP)/efi/purgatory \
		-DPURGATORY_HOST_TEST -DPURGATORY_HOST_ARM64 -o $@ \
		$(TOP)/tests/loader/test_arm64.c $(LDR_A64_SRCS) $(LDR_A64_PURG_SRCS) \
		$(LDR_A64_NEUTRAL) $(B)/host-san/libho.a
# QEMU virt's own DTB, a source the tests did not build.
$(LDR_B)/qemu-virt.dtb:
	@mkdir -p $(@D)
	qemu-system-aarch64 -M virt,dumpdtb=$@ -cpu max -m 1G -display none
check-unit-loader: $(LDR_B)/test-arm64 $(LDR_A64_FIXTURE) $(LDR_B)/qemu-virt.dtb $(PURGATORY_A64_RO)

# The arm64 module and the neutral planning code compiled for aarch64
# (aarch64-linux-gnu-gcc, -Werror), objects only: a static aarch64
# luo-kexec also needs arm64 libz/liblzma/libzstd and the arm64 purgatory.
LDR_A64_CROSS := err image place plan elf formats arch/arm64/arch_arm64 \
	arch/arm64/image_arm64 arch/arm64/dtb_arm64 arch/arm64/iomem_arm64 \
	arch/arm64/formats_arm64
$(LDR_B)/aarch64/%.o: $(LDR_DIR)/%.c $(LDR_DIR)/ld.h $(LDR_DIR)/arch.h $(LDR_A64_DIR)/ld_arm64.h
	@mkdir -p $(@D)
	aarch64-linux-gnu-gcc $(HOST_CFLAGS) $(HO_CFLAGS) -I$(LDR_DIR) $(HOST_LIB_CFLAGS) \
		$(LIBFDT_CFLAGS) -c -o $@ $<
.PHONY: loader-arm64-objs
loader-arm64-objs: $(LDR_A64_CROSS:%=$(LDR_B)/aarch64/%.o)
check-unit-loader: loader-arm64-objs

# arm64 (issue 13): luo-kexec for aarch64, static, from the same sources
# with the arm64 module and the arm64 purgatory ($(PURGATORY_A64_RO)),
# against the arm64 uapi (tests/guest/guest.mk's LINUX_UAPI_arm64), the
# aarch64 stage library and host library ($(B)/arm64/libho.a,
# $(B)/hostlib-arm64/libhost.a). Debian bookworm has no arm64 static
# zlib/liblzma/libzstd without multiarch, so this build decodes no
# compressed kernel (arch/arm64/nodecompress_arm64.c says so); an arm64
# Image is not compressed. It runs in the arm64 test VM (GUEST_EXTRA_BINS_arm64).
LDR_A64_TOOL := $(B)/aarch64/luo-kexec
LDR_A64_TOOL_SRCS := $(LDR_DIR)/main.c $(LDR_DIR)/sys.c $(LDR_DIR)/handover.c \
	$(LDR_A64_DIR)/sys_arm64.c
LDR_A64_TOOL_OBJS := $(LDR_A64_CROSS:%=$(LDR_B)/aarch64/%.o) \
	$(LDR_B)/aarch64/arch/arm64/nodecompress_arm64.o
$(LDR_B)/aarch64/arch/arm64/nodecompress_arm64.o: $(LDR_DIR)/preflight.h
$(LDR_B)/aarch64/purgatory-blob.o: $(LDR_DIR)/purgatory-blob.S $(PURGATORY_A64_RO)
	@mkdir -p $(@D)
	aarch64-linux-gnu-gcc -DPURGATORY_RO='"$(PURGATORY_A64_RO)"' -c -o $@ $<
$(LDR_A64_TOOL): $(LDR_A64_TOOL_SRCS) $(LDR_A64_TOOL_OBJS) $(LDR_B)/aarch64/purgatory-blob.o \
		$(B)/hostlib-arm64/libhost.a $(B)/arm64/libho.a $(LDR_HDRS) $(LDR_A64_DIR)/ld_arm64.h \
		$(LDR_DIR)/sys.h $(LDR_DIR)/handover.h $(TOP)/kernel/include/uapi/linux/liveupdate_rfc.h
	@mkdir -p $(@D)
	aarch64-linux-gnu-gcc $(HOST_CFLAGS) $(HO_CFLAGS) -I$(LDR_DIR) -I$(LDR_A64_DIR) \
		$(HOST_LIB_CFLAGS) $(LIBFDT_CFLAGS) -isystem $(TOP)/kernel/include/uapi \
		-isystem $(LINUX_UAPI_arm64) -static -o $@.tmp $(LDR_A64_TOOL_SRCS) \
		$(LDR_A64_TOOL_OBJS) $(LDR_B)/aarch64/purgatory-blob.o \
		$(B)/hostlib-arm64/libhost.a $(B)/arm64/libho.a
	@file $@.tmp | grep -q 'ARM aarch64.*statically linked' || { echo "$@: not a static aarch64 binary" >&2; exit 1; }
	@mv $@.tmp $@
.PHONY: luo-kexec-arm64
luo-kexec-arm64: $(LDR_A64_TOOL)
GUEST_EXTRA_BINS_arm64 += $(LDR_A64_TOOL)
