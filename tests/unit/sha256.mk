# SPDX-License-Identifier: GPL-2.0-only
# tests/unit/test_sha256.c: every SHA-256 implementation of the stage library
# against the FIPS examples and the C one (ho/sha256.h), TAP.
#
#   make check-unit-sha256   the ASan + UBSan build against host-san/libho.a
#                            prints the rows; the build against the
#                            freestanding free/libho.a adds one line; the
#                            same test cross-built for aarch64 (static) and
#                            run under qemu-aarch64 -cpu max (user mode,
#                            Debian qemu-user) adds one line per library:
#                            the hosted arm64/libho.a (HWCAP_SHA2) and the
#                            purgatory's free-a64/libho.a (ID_AA64ISAR0_EL1,
#                            read through the emulated MRS), each required
#                            to have run the SHA2-instruction ("ce") rows

include $(TOP)/efi/lib/lib.mk

SHA_TEST_SRC := $(TOP)/tests/unit/test_sha256.c
SHA_TEST_DEPS := $(SHA_TEST_SRC) $(TOP)/efi/lib/sha256_impl.h $(TOP)/tests/unit/tap.h
SHA_A64_CC := aarch64-linux-gnu-gcc
SHA_QEMU_A64 := qemu-aarch64 -cpu max

$(B)/unit/test-sha256-san: $(SHA_TEST_DEPS) $(B)/host-san/libho.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -DHO_TEST_LIB_HOSTED -I$(TOP)/tests/unit \
		$(HO_CFLAGS) -o $@ $< $(B)/host-san/libho.a

$(B)/unit/test-sha256-free: $(SHA_TEST_DEPS) $(B)/free/libho.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -no-pie -I$(TOP)/tests/unit $(HO_CFLAGS) -o $@ $< \
		$(B)/free/libho.a

# aarch64: $(B)/arm64/libho.a is tests/guest/guest.mk's variant, free-a64
# efi/purgatory/purgatory.mk's (the purgatory's own flags).
$(B)/unit/test-sha256-a64: $(SHA_TEST_DEPS) $(B)/arm64/libho.a
	@mkdir -p $(@D)
	$(SHA_A64_CC) $(HOST_CFLAGS) -static -DHO_TEST_LIB_HOSTED -I$(TOP)/tests/unit \
		$(HO_CFLAGS) -o $@ $< $(B)/arm64/libho.a

$(B)/unit/test-sha256-a64-free: $(SHA_TEST_DEPS) $(B)/free-a64/libho.a
	@mkdir -p $(@D)
	$(SHA_A64_CC) $(HOST_CFLAGS) -static -I$(TOP)/tests/unit $(HO_CFLAGS) -o $@ $< \
		$(B)/free-a64/libho.a

# In the recipe, line RC OUT TEXT [IMPL]: one TAP line for a whole run whose
# exit code was RC and output is in OUT: ok when it exited 0, printed its
# plan and no "not ok" (and, with IMPL, ran IMPL's rows: none skipped).
.PHONY: check-unit-sha256
check-unit-sha256: $(B)/unit/test-sha256-san $(B)/unit/test-sha256-free \
		$(B)/unit/test-sha256-a64 $(B)/unit/test-sha256-a64-free
	@set -o pipefail; out=$$($(B)/unit/test-sha256-san) ; rc=$$?; \
	echo "$$out" | grep -v '^1\.\.'; n=$$(echo "$$out" | grep -cE '^(not )?ok '); \
	line() { \
		n=$$((n + 1)); \
		if [ "$$1" = 0 ] && grep -q '^1\.\.' "$$2" && ! grep -q '^not ok' "$$2" && \
		   { [ -z "$${4:-}" ] || { grep -q "^ok .* - kat $$4:" "$$2" && \
		     ! grep -qE "^ok [0-9]+ - (kat |negative control: )?$$4[ :].*# SKIP" "$$2"; }; }; then \
			echo "ok $$n - $$3"; \
		else \
			echo "not ok $$n - $$3"; rc=1; \
			grep -E "^not ok|^ok [0-9]+ - (kat |negative control: )?$${4:-none}[ :].*# SKIP" "$$2" | \
				sed 's/^/#   /'; \
		fi; }; \
	o=$(B)/unit/test-sha256; \
	$(B)/unit/test-sha256-free > $$o-free.out 2>&1; \
	line $$? $$o-free.out "same rows against the freestanding free/libho.a"; \
	if ! command -v qemu-aarch64 >/dev/null; then \
		n=$$((n + 1)); rc=1; \
		echo "not ok $$n - aarch64 rows: no qemu-aarch64 (make deps installs qemu-user)"; \
	else \
		$(SHA_QEMU_A64) $(B)/unit/test-sha256-a64 > $$o-a64.out 2>&1; \
		line $$? $$o-a64.out "same rows for aarch64 under $(SHA_QEMU_A64), hosted arm64/libho.a (HWCAP_SHA2): ce vs c, the wrong-constant control" ce; \
		$(SHA_QEMU_A64) $(B)/unit/test-sha256-a64-free > $$o-a64-free.out 2>&1; \
		line $$? $$o-a64-free.out "same rows for aarch64 under $(SHA_QEMU_A64), the purgatory's free-a64/libho.a (ID_AA64ISAR0_EL1 through the emulated MRS)" ce; \
	fi; \
	echo "1..$$n"; exit $$rc

CHECK_SUITES += unit-sha256
