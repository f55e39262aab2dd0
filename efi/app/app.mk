# SPDX-License-Identifier: GPL-2.0-only
# efi/app: luo-stage.efi, the EFI stage (gnu-efi, x86_64).
#
#   $(B)/efi/luo-stage.efi   the application (PE32+, EFI subsystem 10)
#
# walk.c and initrd.c include no EFI header: they build with the stage
# library's freestanding PIC flags. main.c and boot_x86.c build against
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

APP_PURE := walk initrd
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
# suite efi-app of make check (15 rows, ~3 min under TCG).
.PHONY: check-efi-app
CHECK_SUITES += efi-app
check-efi-app: $(LUO_STAGE_EFI) $(B)/bin/luo-fdt vm-image-ours
	@mkdir -p $(B)/vm/logs
	@VM_RUNNER=$(TOP)/tests/vm/efiapp.sh $(TOP)/tests/vm/run-cases.sh $(TOP)/tests/vm/cases-efi

# Host tests of walk.c and initrd.c (ASan + UBSan), with
# luo-fdt gen bundles: make check-unit-efi-app.
APP_TEST := $(B)/efi/test_app
$(APP_TEST): $(APP_DIR)/test_app.c $(APP_PURE:%=$(APP_DIR)/%.c) $(wildcard $(APP_DIR)/*.h) \
		$(B)/host-san/libho.a $(B)/gen/ho_schema_tables.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(HO_CFLAGS) $(LIBFDT_CFLAGS) -I$(APP_DIR) -o $@ \
		$(APP_DIR)/test_app.c $(APP_PURE:%=$(APP_DIR)/%.c) $(B)/gen/ho_schema_tables.c \
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
