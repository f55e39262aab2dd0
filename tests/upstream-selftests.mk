# Upstream Linux 7.3 LUO selftests (tools/testing/selftests/liveupdate:
# liveupdate, luo_kexec_simple, luo_multi_session, luo_stress_sessions with
# 2000 sessions, luo_stress_files with 500 memfds), built
# unmodified from the kernel source against the 7.3 uapi headers (with our
# overlay's first), and run in the VM on our kernel.
#
#   make check-upstream-selftests      TAP, one line per program
#
# The binaries land in the guest's /bin under their own names
# (GUEST_EXTRA_BINS). liveupdate is a kselftest harness program that takes no
# "-s N", so its case runs it through tests/guest/luo_selftest.c.

UST_B := $(B)/upstream-selftests
UST_PROGS := liveupdate luo_kexec_simple luo_multi_session luo_stress_sessions luo_stress_files
UST_BINS := $(addprefix $(UST_B)/,$(UST_PROGS))
GUEST_EXTRA_BINS += $(UST_BINS)
UST_DIR = $(LINUX_SRC)/tools/testing/selftests/liveupdate
# Our uapi (overlay) over the 7.3 tree's, as for the other guest programs.
UST_CFLAGS = -D_GNU_SOURCE= -O2 -Wall -Wno-unused-function -static \
	$(UAPI_CFLAGS) -I$(UST_DIR)/lib/include -I$(UST_DIR)/..

$(UST_B)/%: $(TOP)/kernel/include/uapi/linux/liveupdate_rfc.h
	@mkdir -p $(@D)
	$(CC) $(UST_CFLAGS) -o $@ $(UST_DIR)/$*.c $(UST_DIR)/lib/lu_utils.c

# The same programs cross-built for the arm64 guest (tests/vm/cases-arm64),
# against the arm64 uapi headers.
UST_B_arm64 := $(B)/upstream-selftests-arm64
UST_BINS_arm64 := $(addprefix $(UST_B_arm64)/,$(UST_PROGS))
GUEST_EXTRA_BINS_arm64 += $(UST_BINS_arm64)
UST_CFLAGS_arm64 = $(subst $(LINUX_UAPI),$(LINUX_UAPI_arm64),$(UST_CFLAGS))

$(UST_B_arm64)/%: $(TOP)/kernel/include/uapi/linux/liveupdate_rfc.h
	@mkdir -p $(@D)
	$(GUEST_ARCH_CC_arm64) $(UST_CFLAGS_arm64) -o $@ $(UST_DIR)/$*.c $(UST_DIR)/lib/lu_utils.c

# name variant boot stages prog expect append...
define UST_CASES
upstream-liveupdate        ours direct 1 luo_selftest pass luo_selftest=liveupdate
upstream-luo-kexec-simple  ours direct 2 luo_kexec_simple pass
upstream-luo-multi-session ours direct 2 luo_multi_session pass
upstream-luo-stress-sessions ours direct 2 luo_stress_sessions pass
upstream-luo-stress-files  ours direct 2 luo_stress_files pass
endef
export UST_CASES

.PHONY: check-upstream-selftests upstream-selftests
CHECK_SUITES += upstream-selftests
upstream-selftests: $(UST_BINS)
check-upstream-selftests: vm-image-ours
	@mkdir -p $(B)/vm/logs
	@printf '%s\n' "$$UST_CASES" > $(UST_B)/cases
	@$(TOP)/tests/vm/run-cases.sh $(UST_B)/cases
