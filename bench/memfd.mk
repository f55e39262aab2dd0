# SPDX-License-Identifier: GPL-2.0-only
# bench/memfd: memfd preserve and retrieve time vs size, ours against
# upstream's LUO and a memcpy of the same size, in the test VM
# (bench/memfd.py, tests/guest/memfd_bench.c).
#   make bench-memfd [BENCH_MEMFD_RUNS=5] [BENCH_MEMFD_SIZES=64,256,512,1024]
#                    [BENCH_MEMFD_CONFIGS=ours,upstream,ours-thp]
# Writes bench/results/memfd-<date>.{md,dat,png}. Part of make bench,
# never of make check. The ours-thp configurations need the kernel variant
# ours-thp (a kernel build of its own when it is not cached).

BENCH_MEMFD_RUNS ?= 5
BENCH_MEMFD_SIZES ?= 64,256,512,1024
BENCH_MEMFD_CONFIGS ?= ours,upstream,ours-thp

.PHONY: bench-memfd
bench-memfd: vm-image-ours vm-image-upstream \
		$(if $(findstring ours-thp,$(BENCH_MEMFD_CONFIGS)),vm-image-ours-thp)
	@python3 $(TOP)/bench/memfd.py --runs $(BENCH_MEMFD_RUNS) \
		--sizes $(BENCH_MEMFD_SIZES) --configs $(BENCH_MEMFD_CONFIGS)

BENCHES += bench-memfd
