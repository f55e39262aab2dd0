# SPDX-License-Identifier: GPL-2.0-only
# efi/app: luo-stage.efi, the EFI stage (gnu-efi, x86_64; aarch64 below).
#
#   $(B)/efi/luo-stage.efi   the application (PE32+, EFI subsystem 10)
#
# initrd.c includes no EFI header: it builds with the stage library's
# freestanding PIC flags (the handover walk, move and dump are the
# library's: ho/preserved.h). main.c and boot_x86.c build against
# gnu-efi 3.0.15 (Debian gnu-efi) with its calling-convention wrappers.

include $(TOP)/efi/lib/lib.mk

APP_DIR := $(TOP)/efi/app
APP_B := $(B)/efi/app
LUO_STAGE_EFI := $(B)/efi/luo-stage.efi
GNUEFI_INC := /usr/include/efi
GNUEFI_LIB := /usr/lib

APP_PURE_CFLAGS = $(HO_VCFLAGS_free-pic) -fno-asynchronous-unwind-tables \
	$(HO_CFLAGS) $(LIBFDT_CFLAGS) -include $(HO_FDT_ENV)
APP_EFI_CFLAGS = -std=c11 -O2 -g $(WARN) -ffreestanding -fno-builtin \
	-fno-stack-protector -fshort-wchar -mno-red-zone -mgeneral-regs-only \
	-fpic -maccumulate-outgoing-args -fno-asynchronous-unwind-tables \
	-DEFI_FUNCTION_WRAPPER -I$(GNUEFI_INC) -I$(GNUEFI_INC)/x86_64 \
	-I$(GNUEFI_INC)/protocol $(HO_CFLAGS)

APP_PURE := initrd
APP_EFI := main boot_x86
APP_OBJS := $(APP_PURE:%=$(APP_B)/%.o) $(APP_EFI:%=$(APP_B)/%.o) \
	$(APP_B)/ho_schema_tables.o

$(APP_PURE:%=$(APP_B)/%.o): $(APP_B)/%.o: $(APP_DIR)/%.c $(HO_FDT_ENV)
	@mkdir -p $(@D)
	$(CC) $(APP_PURE_CFLAGS) -MMD -MP -c -o $@ $<

$(APP_EFI:%=$(APP_B)/%.o): $(APP_B)/%.o: $(APP_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(APP_EFI_CFLAGS) -MMD -MP -c -o $@ $<

$(APP_B)/ho_schema_tables.o: $(B)/gen/ho_schema_tables.c
	@mkdir -p $(@D)
	$(CC) $(APP_PURE_CFLAGS) -c -o $@ $<

$(APP_B)/luo-stage.so: $(APP_OBJS) $(B)/free-pic/libho.a
	$(LD) -nostdlib -znocombreloc -T $(GNUEFI_LIB)/elf_x86_64_efi.lds \
		-shared -Bsymbolic --no-undefined -L$(GNUEFI_LIB) $(GNUEFI_LIB)/crt0-efi-x86_64.o \
		$(APP_OBJS) $(B)/free-pic/libho.a -lefi -lgnuefi -o $@

$(LUO_STAGE_EFI): $(APP_B)/luo-stage.so
	objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@

-include $(APP_PURE:%=$(APP_B)/%.d) $(APP_EFI:%=$(APP_B)/%.d)
ALL_TARGETS += $(LUO_STAGE_EFI)
.PHONY: efi-app
efi-app: $(LUO_STAGE_EFI)

# VM tests of the app under OVMF (tests/vm/cases-efi, tests/vm/efiapp.sh):
# suite efi-app of make check (19 rows, ~6 min under TCG with two VMs at once).
.PHONY: check-efi-app
CHECK_SUITES += efi-app
check-efi-app: $(LUO_STAGE_EFI) $(B)/bin/luo-fdt vm-image-ours
	@mkdir -p $(B)/vm/logs
	@VM_RUNNER=$(TOP)/tests/vm/efiapp.sh $(TOP)/tests/vm/run-cases.sh $(TOP)/tests/vm/cases-efi

# Host tests of ho/preserved.h, initrd.c and dtb_arm64.c (ASan + UBSan), with
# luo-fdt gen bundles: make check-unit-efi-app.
APP_TEST := $(B)/efi/test_app
$(APP_TEST): $(APP_DIR)/test_app.c $(APP_PURE:%=$(APP_DIR)/%.c) $(APP_DIR)/dtb_arm64.c $(wildcard $(APP_DIR)/*.h) \
		$(B)/host-san/libho.a $(B)/gen/ho_schema_tables.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(HO_CFLAGS) $(LIBFDT_CFLAGS) -I$(APP_DIR) -o $@ \
		$(APP_DIR)/test_app.c $(APP_PURE:%=$(APP_DIR)/%.c) $(APP_DIR)/dtb_arm64.c $(B)/gen/ho_schema_tables.c \
		$(B)/host-san/libho.a
.PHONY: check-unit-efi-app
CHECK_SUITES += unit-efi-app
check-unit-efi-app: $(APP_TEST) $(B)/bin/luo-fdt
	@$(APP_DIR)/test-app.sh $(APP_TEST) $(B)/bin/luo-fdt

# Every defect class luo-fdt gen knows, one OVMF boot each (~15 s under
# TCG): the app names the error the host's purgatory verdict names and the
# kernel boots clean with luo_stage.err=; the few defects valid by default
# are skips. Long (~20 min): not in check-efi-app.
.PHONY: check-efi-app-defects
check-efi-app-defects: $(LUO_STAGE_EFI) $(B)/bin/luo-fdt vm-image-ours
	@mkdir -p $(B)/vm/logs
	@$(B)/bin/luo-fdt gen --list-defects | \
		awk '{ printf "efi-defect-all-%s defect:%s std pass\n", $$1, $$1 }' \
		> $(B)/vm/cases-efi-defects
	@VM_RUNNER=$(TOP)/tests/vm/efiapp.sh $(TOP)/tests/vm/run-cases.sh $(B)/vm/cases-efi-defects

# ---- aarch64 (issue 14): $(B)/efi/aarch64/luo-stage.efi ----------------------
# Cross-built with aarch64-linux-gnu-gcc against Debian's gnu-efi for arm64,
# which cannot be installed beside the amd64 one: scripts/gnu-efi-arm64.sh
# fetches and unpacks it into the build cache. The stage library is built
# once more for it (variant free-pic-arm64 of efi/lib's ho_variant). gnu-efi's
# aarch64 crt0 carries the PE header itself: the image is `objcopy -O
# binary` of the linked ELF, the subsystem set at link time. Part of `make`
# when the cross compiler is installed.
A64_CC := aarch64-linux-gnu-gcc
A64_LD := aarch64-linux-gnu-ld
A64_OBJCOPY := aarch64-linux-gnu-objcopy
LUO_STAGE_EFI_A64 := $(B)/efi/aarch64/luo-stage.efi
APP_B_A64 := $(B)/efi/app-aarch64
GNUEFI_A64 = $(eval GNUEFI_A64 := $(shell $(TOP)/scripts/gnu-efi-arm64.sh))$(GNUEFI_A64)
HO_CC_free-pic-arm64 = $(A64_CC)
HO_VCFLAGS_free-pic-arm64 = -std=c11 -O2 -g $(WARN) -ffreestanding -fno-builtin \
	-fno-stack-protector -mgeneral-regs-only -nostdlib -fpic -fshort-wchar
$(eval $(call ho_variant,free-pic-arm64))

APP_PURE_A64 := initrd dtb_arm64
APP_EFI_A64 := main boot_arm64
APP_OBJS_A64 := $(APP_PURE_A64:%=$(APP_B_A64)/%.o) $(APP_EFI_A64:%=$(APP_B_A64)/%.o) \
	$(APP_B_A64)/ho_schema_tables.o
APP_PURE_CFLAGS_A64 = $(HO_VCFLAGS_free-pic-arm64) -fno-asynchronous-unwind-tables \
	$(HO_CFLAGS) $(LIBFDT_CFLAGS) -include $(HO_FDT_ENV)
APP_EFI_CFLAGS_A64 = -std=c11 -O2 -g $(WARN) -ffreestanding -fno-builtin \
	-fno-stack-protector -fshort-wchar -mgeneral-regs-only -fpic \
	-fno-asynchronous-unwind-tables -I$(GNUEFI_A64)/usr/include/efi \
	-I$(GNUEFI_A64)/usr/include/efi/aarch64 -I$(GNUEFI_A64)/usr/include/efi/protocol \
	$(HO_CFLAGS)

$(APP_PURE_A64:%=$(APP_B_A64)/%.o): $(APP_B_A64)/%.o: $(APP_DIR)/%.c $(HO_FDT_ENV)
	@mkdir -p $(@D)
	$(A64_CC) $(APP_PURE_CFLAGS_A64) -MMD -MP -c -o $@ $<

$(APP_EFI_A64:%=$(APP_B_A64)/%.o): $(APP_B_A64)/%.o: $(APP_DIR)/%.c
	@mkdir -p $(@D)
	$(A64_CC) $(APP_EFI_CFLAGS_A64) -MMD -MP -c -o $@ $<

$(APP_B_A64)/ho_schema_tables.o: $(B)/gen/ho_schema_tables.c
	@mkdir -p $(@D)
	$(A64_CC) $(APP_PURE_CFLAGS_A64) -c -o $@ $<

$(APP_B_A64)/luo-stage.so: $(APP_OBJS_A64) $(B)/free-pic-arm64/libho.a
	$(A64_LD) -nostdlib -znocombreloc -T $(GNUEFI_A64)/usr/lib/elf_aarch64_efi.lds \
		-shared -Bsymbolic --no-undefined --no-warn-rwx-segments --defsym=EFI_SUBSYSTEM=0xa \
		-L$(GNUEFI_A64)/usr/lib $(GNUEFI_A64)/usr/lib/crt0-efi-aarch64.o \
		$(APP_OBJS_A64) $(B)/free-pic-arm64/libho.a -lefi -lgnuefi \
		$(shell $(A64_CC) -print-libgcc-file-name) -o $@

$(LUO_STAGE_EFI_A64): $(APP_B_A64)/luo-stage.so
	@mkdir -p $(@D)
	$(A64_OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .rodata -j .rel \
		-j .rela -j .rel.* -j .rela.* -j .rel* -j .rela* -j .areloc -j .reloc \
		-O binary $< $@
	@# The header's .data runs to _edata (the lds aligns it to 512 bytes);
	@# -O binary stops at the last byte of content: pad, or the firmware
	@# refuses the image (AAVMF: "Unsupported").
	truncate -s $$((0x$$(aarch64-linux-gnu-nm $< | awk '$$3 == "_edata" { print $$1 }'))) $@

-include $(APP_PURE_A64:%=$(APP_B_A64)/%.d) $(APP_EFI_A64:%=$(APP_B_A64)/%.d)
ifneq ($(shell command -v $(A64_CC)),)
ALL_TARGETS += $(LUO_STAGE_EFI_A64)
endif
.PHONY: efi-app-arm64
efi-app-arm64: $(LUO_STAGE_EFI_A64)

# The arm64 rows under AAVMF (tests/vm/cases-efi-arm64; EFI_ARCH=arm64 of
# tests/vm/efiapp.sh): suite efi-app-arm64 of make check (10 rows, ~2.5 min
# under TCG).
.PHONY: check-efi-app-arm64
CHECK_SUITES += efi-app-arm64
check-efi-app-arm64: $(LUO_STAGE_EFI_A64) $(B)/bin/luo-fdt $(APP_TEST) vm-image-arm64-ours
	@mkdir -p $(B)/vm/logs
	@EFI_ARCH=arm64 VM_RUNNER=$(TOP)/tests/vm/efiapp.sh $(TOP)/tests/vm/run-cases.sh \
		$(TOP)/tests/vm/cases-efi-arm64
