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
UST_CFLAGS = -D_GNU_SOURCE= -O2 -Wall -Wno-unused-function \
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
#
# The -lk rows kexec with luo-kexec -l + -e (init: luo_loader=exec) instead
# of kexec_file_load, the purgatory checking the handover on the way
# (luo_vm_log=): on our kernel, and on Linux's own LUO (the upstream
# variant: handover from /sys/kernel/kho/out, kernel/patches/0003-kho-*).
# Negative control: a purgatory fault class on that path; kernel B boots
# clean without the handover, so the selftest's stage 2 finds no state
# ("Stage mismatch").
define UST_CASES
upstream-liveupdate        ours direct 1 luo_selftest pass luo_selftest=liveupdate
upstream-luo-kexec-simple  ours direct 2 luo_kexec_simple pass
upstream-luo-multi-session ours direct 2 luo_multi_session pass
upstream-luo-stress-sessions ours direct 2 luo_stress_sessions pass
upstream-luo-stress-files  ours direct 2 luo_stress_files pass
upstream-luo-kexec-simple-lk-ours ours direct 2 luo_kexec_simple pass luo_loader=exec luo_vm_log=luo-purgatory:.handover.ok
upstream-luo-multi-session-lk-ours ours direct 2 luo_multi_session pass luo_loader=exec luo_vm_log=luo-purgatory:.handover.ok
upstream-luo-stress-sessions-lk-ours ours direct 2 luo_stress_sessions pass luo_loader=exec luo_vm_log=luo-purgatory:.handover.ok
upstream-luo-stress-files-lk-ours ours direct 2 luo_stress_files pass luo_loader=exec luo_vm_log=luo-purgatory:.handover.ok
upstream-liveupdate-upstream upstream direct 1 luo_selftest pass kho=on liveupdate=on luo_selftest=liveupdate
upstream-luo-kexec-simple-lk-upstream upstream direct 2 luo_kexec_simple pass kho=on liveupdate=on luo_loader=exec luo_vm_log=luo-purgatory:.handover.ok
upstream-luo-multi-session-lk-upstream upstream direct 2 luo_multi_session pass kho=on liveupdate=on luo_loader=exec luo_vm_log=luo-purgatory:.handover.ok
upstream-luo-stress-sessions-lk-upstream upstream direct 2 luo_stress_sessions pass kho=on liveupdate=on luo_loader=exec luo_vm_log=luo-purgatory:.handover.ok
upstream-luo-stress-files-lk-upstream upstream direct 2 luo_stress_files pass kho=on liveupdate=on luo_loader=exec luo_vm_log=luo-purgatory:.handover.ok
upstream-luo-kexec-simple-lk-upstream-fault upstream direct 2 luo_kexec_simple fail:Stage\ mismatch kho=on liveupdate=on luo_loader=exec luo_kexec_args=--test-fault=fdt-magic
endef
export UST_CASES

.PHONY: check-upstream-selftests upstream-selftests
CHECK_SUITES += upstream-selftests
upstream-selftests: $(UST_BINS)
check-upstream-selftests: vm-image-ours vm-image-upstream
	@mkdir -p $(B)/vm/logs
	@printf '%s\n' "$$UST_CASES" > $(UST_B)/cases
	@$(TOP)/tests/vm/run-cases.sh $(UST_B)/cases
