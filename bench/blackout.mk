# SPDX-License-Identifier: GPL-2.0-only
# bench/blackout: kexec call to memfd checked in the new kernel, ours against
# Debian kexec-tools and upstream's LUO, in the test VM (bench/blackout.py).
#   make bench-blackout [BLACKOUT_RUNS=5] [BLACKOUT_ONLY=id,id]
# Writes bench/results/blackout-<date>.{md,dat,png}. Part of make bench,
# never of make check.

BLACKOUT_RUNS ?= 5
BLACKOUT_ONLY ?=

.PHONY: bench-blackout
bench-blackout: vm-image-ours vm-image-upstream
	@python3 $(TOP)/bench/blackout.py --runs $(BLACKOUT_RUNS) \
		$(if $(BLACKOUT_ONLY),--only $(BLACKOUT_ONLY))

BENCHES += bench-blackout
