# Top-level Makefile: kexec handover path for Linux live update.
#
#   make deps      install the Debian packages we need (bookworm + pinned trixie-backports)
#   make demo      build what is missing and show a live update in QEMU
#   make check     run every test; last line "N passed, N failed"
#   make kernel    build (or reuse) the cached kernels
#   make bench     print benchmark numbers
#
# Each directory adds its own rules in a *.mk file included below and
# registers its test suites in CHECK_SUITES (each suite is a make target
# check-<name> that prints TAP lines "ok N - ..." / "not ok N - ...").

.DEFAULT_GOAL := all
SHELL := /bin/bash
TOP := $(CURDIR)
B := $(TOP)/build
LUO_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/luo-kexec
export LUO_CACHE

CC ?= cc
WARN := -Wall -Wextra -Werror
HOST_CFLAGS := -std=c11 -O2 -g $(WARN) -D_GNU_SOURCE
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Linux source (pristine, extracted from the pinned Debian package on demand).
# Evaluated once, on first use.
LINUX_SRC = $(eval LINUX_SRC := $(shell $(TOP)/scripts/linux-src.sh))$(LINUX_SRC)

CHECK_SUITES :=
BENCHES :=
ALL_TARGETS :=

include $(sort $(wildcard $(TOP)/*/*.mk $(TOP)/*/*/*.mk $(TOP)/tests/*.mk))

# Kernel variants `make kernel` builds: ours-* are ours plus one fragment
# (scripts/kernel-build.sh), next kernels for the loader's refusal tests.
KERNEL_VARIANTS := ours upstream ours-nomemfd ours-luov2

.PHONY: all deps kernel $(addprefix kernel-,$(KERNEL_VARIANTS)) demo check check-quick bench clean distclean
all: $(ALL_TARGETS)

deps:
	@$(TOP)/scripts/deps.sh

kernel: $(addprefix kernel-,$(KERNEL_VARIANTS))
$(addprefix kernel-,$(KERNEL_VARIANTS)): kernel-%:
	@$(TOP)/scripts/kernel-build.sh $* x86_64

demo:
	@$(TOP)/scripts/demo.sh

# Run every registered suite, count TAP results over all of them. The arm64
# suites (and vm-capture, which needs an arm64 kernel too) come last, so
# that their kernels have the longest time to build in the background
# (scripts/check.sh). CHECK_KERNELS: every kernel a suite builds, in the
# order the suites need them.
CHECK_KERNELS := $(addprefix x86_64:,$(KERNEL_VARIANTS)) \
	$(addprefix arm64:,ours upstream ours-64k)
check: deps
	@CHECK_KERNELS="$(CHECK_KERNELS)" $(TOP)/scripts/check.sh \
		$(filter-out %-arm64 vm-capture,$(CHECK_SUITES)) $(filter %-arm64,$(CHECK_SUITES)) \
		$(filter vm-capture,$(CHECK_SUITES))

bench: $(BENCHES)

clean:
	rm -rf $(B)

distclean: clean
	@echo "the kernel cache in $(LUO_CACHE) is kept; remove it by hand"
