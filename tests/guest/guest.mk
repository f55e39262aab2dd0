# In-guest programs for the test VM's initramfs, linked against glibc's shared
# libraries: a static glibc program is ~700 KiB, and three dozen of them made
# the initramfs 25 MiB, which every boot unpacks (0.5-0.9 s of kernel A's
# 1.8 s to /init under TCG) and every kexec_load copies and the purgatory
# hashes. tests/vm/mkimage.sh puts each program's loader and libraries into
# the image. The loaders (luo-kexec) stay static: that is how users build
# them.
#
# Every tests/guest/*.c except init.c and guestlib.c is a test program,
# linked with guestlib.o, the stage library and libfdt. Other .mk files may
# append paths of further binaries to GUEST_EXTRA_BINS; they land in
# /bin of the initramfs under their own names.

GUEST_DIR := $(TOP)/tests/guest
GUEST_B := $(B)/guest
GUEST_PROGS := $(filter-out init guestlib,$(basename $(notdir $(wildcard $(GUEST_DIR)/*.c))))
GUEST_BINS := $(addprefix $(GUEST_B)/,$(GUEST_PROGS))
GUEST_EXTRA_BINS ?=
# Kernel uapi headers: ours from the overlay (kernel/include/uapi) first, then
# the 7.3 tree's (headers_install of the pristine tree, no kernel build).
# LINUX_UAPI is evaluated once, on first use.
LINUX_UAPI = $(eval LINUX_UAPI := $(shell $(TOP)/scripts/linux-uapi.sh x86_64))$(LINUX_UAPI)
UAPI_CFLAGS = -isystem $(TOP)/kernel/include/uapi -isystem $(LINUX_UAPI)
GUEST_CFLAGS = -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I$(GUEST_DIR) \
	$(LIBFDT_CFLAGS) $(UAPI_CFLAGS)

$(GUEST_B)/guestlib.o: $(GUEST_DIR)/guestlib.c $(GUEST_DIR)/guestlib.h
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) $(HOST_LIB_CFLAGS) -c -o $@ $<

$(GUEST_B)/init: $(GUEST_DIR)/init.c $(GUEST_B)/guestlib.o $(B)/hostlib/libhost.a
	$(CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_B)/guestlib.o $(B)/hostlib/libhost.a

$(GUEST_B)/%: $(GUEST_DIR)/%.c $(wildcard $(GUEST_DIR)/*.h) $(GUEST_B)/guestlib.o $(B)/host/libfdt.a $(B)/host/libho.a \
		$(B)/hostlib/libhost.a
	$(CC) $(GUEST_CFLAGS) $(HO_CFLAGS) -o $@ $< $(GUEST_B)/guestlib.o \
		$(B)/hostlib/libhost.a $(B)/host/libho.a $(B)/host/libfdt.a

# The host's luo-fdt tool, linked for the guest (kho_blob_check runs it
# on the blobs the kernel emits).
$(GUEST_B)/luo-fdt: $(LUO_FDT_OBJS) $(B)/gen/ho_schema_tables.o $(B)/hostlib/libhost.a \
		$(B)/host/libho.a $(B)/host/libfdt.a
	$(CC) -o $@ $^
GUEST_EXTRA_BINS += $(GUEST_B)/luo-fdt

.PHONY: guest vm-image-ours vm-image-upstream vm-image-upstream-targets
# GUEST_EXTRA_BINS is filled by .mk files included after this one.
.SECONDEXPANSION:
guest: $(GUEST_B)/init $(GUEST_BINS) $$(GUEST_EXTRA_BINS)

# Kernel + initramfs of a variant for the VM tests: build/vm/<variant>/.
# The image "ours-targets" is ours with further kernels in its initramfs as
# /boot/bzImage-<name>: next kernels that cannot read our handover, for the
# loader's refusal tests and make demo. They stay out of the plain ours
# image: every MiB of initramfs grows KHO's default scratch (CMA), which
# leaves less memory to pin preserved memfds into (ENOMEM at PREPARE).
VM_EXTRA_KERNELS_ours-targets := ours-nomemfd ours-luov2 upstream
VM_KERNEL_ours-targets := ours
# "upstream-targets": Linux's own LUO running, our kernel (luo-rfc-v1) as a
# next kernel that cannot read its luo-v5 handover (pre-flight, issue 17).
VM_EXTRA_KERNELS_upstream-targets := ours
VM_KERNEL_upstream-targets := upstream
vm-image-ours vm-image-upstream vm-image-ours-targets vm-image-upstream-targets \
vm-image-ours-thp: vm-image-%: guest
	@VM_KERNEL=$(or $(VM_KERNEL_$*),$*) VM_EXTRA_KERNELS="$(VM_EXTRA_KERNELS_$*)" \
		$(TOP)/tests/vm/mkimage.sh $* $(B)/vm/$* $(GUEST_B)/init $(GUEST_BINS) $(GUEST_EXTRA_BINS)

# arm64: the same programs cross-built with gcc-aarch64-linux-gnu
# (libc6-dev-arm64-cross) into $(B)/guest-arm64/, against the arm64 uapi
# headers and an arm64 build of the stage library, libfdt included
# ($(B)/arm64/libho.a: efi/lib's ho_variant, compiled like "host" with the
# cross compiler). Images: vm-image-arm64-<variant>, the kernel of
# `kernel-build.sh <variant> arm64` (tests/vm/mkimage.sh).
GUEST_ARCH_CC_arm64 := aarch64-linux-gnu-gcc
GUEST_B_arm64 := $(B)/guest-arm64
HO_CC_arm64 = $(GUEST_ARCH_CC_arm64)
HO_VCFLAGS_arm64 = $(HOST_CFLAGS)
$(eval $(call ho_variant,arm64))
LINUX_UAPI_arm64 = $(eval LINUX_UAPI_arm64 := $(shell $(TOP)/scripts/linux-uapi.sh arm64))$(LINUX_UAPI_arm64)
GUEST_CFLAGS_arm64 = $(subst $(LINUX_UAPI),$(LINUX_UAPI_arm64),$(GUEST_CFLAGS))
GUEST_BINS_arm64 := $(addprefix $(GUEST_B_arm64)/,$(GUEST_PROGS))

$(eval $(call host_lib_variant,hostlib-arm64,$(GUEST_ARCH_CC_arm64),$(HOST_CFLAGS)))

$(GUEST_B_arm64)/guestlib.o: $(GUEST_DIR)/guestlib.c $(GUEST_DIR)/guestlib.h
	@mkdir -p $(@D)
	$(GUEST_ARCH_CC_arm64) $(GUEST_CFLAGS_arm64) $(HOST_LIB_CFLAGS) -c -o $@ $<

$(GUEST_B_arm64)/init: $(GUEST_DIR)/init.c $(GUEST_B_arm64)/guestlib.o $(B)/hostlib-arm64/libhost.a
	$(GUEST_ARCH_CC_arm64) $(GUEST_CFLAGS_arm64) -o $@ $< $(GUEST_B_arm64)/guestlib.o \
		$(B)/hostlib-arm64/libhost.a

$(GUEST_B_arm64)/%: $(GUEST_DIR)/%.c $(wildcard $(GUEST_DIR)/*.h) $(GUEST_B_arm64)/guestlib.o $(B)/arm64/libho.a \
		$(B)/hostlib-arm64/libhost.a
	$(GUEST_ARCH_CC_arm64) $(GUEST_CFLAGS_arm64) $(HO_CFLAGS) -o $@ $< \
		$(GUEST_B_arm64)/guestlib.o $(B)/hostlib-arm64/libhost.a $(B)/arm64/libho.a

.PHONY: guest-arm64 vm-image-arm64-ours vm-image-arm64-ours-64k vm-image-arm64-upstream
# GUEST_EXTRA_BINS_arm64: further arm64 binaries (as GUEST_EXTRA_BINS).
GUEST_EXTRA_BINS_arm64 ?=
guest-arm64: $(GUEST_B_arm64)/init $(GUEST_BINS_arm64) $$(GUEST_EXTRA_BINS_arm64)
vm-image-arm64-ours vm-image-arm64-ours-64k vm-image-arm64-upstream: vm-image-arm64-%: guest-arm64
	@VM_KERNEL=$* VM_ARCH=arm64 $(TOP)/tests/vm/mkimage.sh arm64-$* $(B)/vm/arm64-$* \
		$(GUEST_B_arm64)/init $(GUEST_BINS_arm64) $(GUEST_EXTRA_BINS_arm64)
