# SPDX-License-Identifier: GPL-2.0-only
# tests/fuzz/fuzz_loader.c: luo-kexec's planner (loader/) under libFuzzer,
# run by check-fuzz-stage and make fuzz beside the stage library targets
# (fuzz.mk, included before this file). Its seed is the valid plan (the
# empty input: the input is XORed over valid inputs).

FUZZ_TARGETS += loader
FUZZ_LDR_SRCS := $(LD_PURE:%=$(TOP)/loader/%.c)

$(B)/fuzz/fuzz-loader: $(FUZZ_DIR)/fuzz_loader.c $(FUZZ_LDR_SRCS) $(LDR_HDRS) \
		$(LDR_B)/purgatory-blob.o $(B)/fuzz/libho.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(TOP)/loader $(FUZZ_SAN) -o $@ $< \
		$(FUZZ_LDR_SRCS) $(LDR_B)/purgatory-blob.o $(B)/fuzz/libho.a

$(B)/fuzz/seeds/loader/.stamp: $(B)/fuzz/seeds/.stamp
	@mkdir -p $(@D)
	@: > $(@D)/valid-plan
	@head -c 200 /dev/zero > $(@D)/valid-plan-long
	@touch $@

check-fuzz-stage fuzz: $(B)/fuzz/fuzz-loader $(B)/fuzz/seeds/loader/.stamp
