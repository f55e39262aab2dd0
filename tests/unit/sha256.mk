# SPDX-License-Identifier: GPL-2.0-only
# tests/unit/test_sha256.c: every SHA-256 implementation of the stage library
# against the FIPS examples and the C one (ho/sha256.h), TAP.
#
#   make check-unit-sha256   the ASan + UBSan build against host-san/libho.a
#                            prints the rows; the build against the
#                            freestanding free/libho.a adds one line

include $(TOP)/efi/lib/lib.mk

SHA_TEST_SRC := $(TOP)/tests/unit/test_sha256.c

$(B)/unit/test-sha256-san: $(SHA_TEST_SRC) $(B)/host-san/libho.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -DHO_TEST_LIB_HOSTED -I$(TOP)/tests/unit \
		$(HO_CFLAGS) -o $@ $< $(B)/host-san/libho.a

$(B)/unit/test-sha256-free: $(SHA_TEST_SRC) $(B)/free/libho.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -no-pie -I$(TOP)/tests/unit $(HO_CFLAGS) -o $@ $< \
		$(B)/free/libho.a

.PHONY: check-unit-sha256
check-unit-sha256: $(B)/unit/test-sha256-san $(B)/unit/test-sha256-free
	@set -o pipefail; out=$$($(B)/unit/test-sha256-san) ; rc=$$?; \
	echo "$$out" | grep -v '^1\.\.'; n=$$(echo "$$out" | grep -cE '^(not )?ok '); \
	$(B)/unit/test-sha256-free > $(B)/unit/test-sha256-free.out 2>&1 && \
		! grep -q '^not ok' $(B)/unit/test-sha256-free.out; r=$$?; n=$$((n + 1)); \
	if [ $$r = 0 ]; then echo "ok $$n - same rows against the freestanding free/libho.a"; \
	else echo "not ok $$n - same rows against the freestanding free/libho.a"; \
		grep '^not ok' $(B)/unit/test-sha256-free.out; rc=1; fi; \
	echo "1..$$n"; exit $$rc

CHECK_SUITES += unit-sha256
