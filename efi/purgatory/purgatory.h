/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parameters of the purgatory, as the loader (loader/) pokes them.
 *
 * The purgatory is a relocatable ELF object; the loader places it, applies
 * its relocations and writes these globals by symbol name before loading it
 * (as kexec-tools does with its purgatory). Every symbol is a plain global
 * with exactly the layout below; both sides include this header.
 *
 *   purgatory_regs      registers for the jump to the kernel, the boot
 *                       data pointer among them: the arch's struct
 *                       purg_regs (arch/<arch>/purgatory-<arch>.h)
 *   purgatory_segs      the kexec segments: where, how long, SHA-256 of the
 *                       loaded bytes (the purgatory's own segment has
 *                       flags PURG_SEG_SELF and is not hashed; one the
 *                       checksum policy skips has PURG_SEG_UNHASHED, len 0
 *                       and no digest)
 *   purgatory_nsegs     entries used in purgatory_segs
 *   purgatory_checksum  the segment checksum policy (PURG_CHECKSUM_*,
 *                       luo-kexec --checksum=), recorded in the verdict
 *   purgatory_reloc     memory the loader reserved for the KHO FDT and
 *                       scratch table, which the next kernel keeps reserved
 *                       from its first allocation on: the purgatory copies
 *                       them there (ho_relocate) when asked
 *                       (PURG_RELOC_ALWAYS) or when the FDT lies in scratch
 *   purgatory_work      memory for the stage library's sorts (ho_env.work):
 *                       the largest part of scratch no segment took, which
 *                       nothing uses after the jump; size 0: the
 *                       purgatory's own small buffer
 *   purgatory_fault     test-only fault injection (PURG_FAULT_*), 0 normally
 *
 * The symbols purgatory_start (entry) and purgatory_stack_end (top of its
 * own stack) are the loader's to read.
 */
#ifndef PURGATORY_H
#define PURGATORY_H

#include <stdint.h>

/* PURGATORY_HOST_ARM64: the arm64 purgatory built for a host test (tests/loader). */
#if defined(__aarch64__) || defined(PURGATORY_HOST_ARM64)
#include "arch/arm64/purgatory-arm64.h"
#elif defined(__x86_64__)
#include "arch/x86_64/purgatory-x86_64.h"
#else
#error "no purgatory for this architecture (efi/purgatory/arch/)"
#endif

#define PURG_MAX_SEGS	16
#define PURG_SEG_SELF	(1u << 0)	/* the purgatory itself: not hashed */
#define PURG_SEG_UNHASHED (1u << 1)	/* skipped by the checksum policy */

struct purg_seg {
	uint64_t mem;
	uint64_t memsz;
	uint64_t len;			/* bytes hashed from mem */
	uint32_t flags;
	uint32_t reserved;
	uint8_t sha256[32];
};

/*
 * Segment checksum policy (luo-kexec --checksum=POLICY), one table of
 * number, name and meaning: the loader's parser and --help, the
 * purgatory's verdict words (luo_stage.checksum=<name>) come from it.
 * Numbers are the loader's ABI: only append.
 *
 * The SHA-256 of the segments catches bytes that changed between the load
 * and the jump, wherever the change came from: a DMA that was never
 * cancelled landing in a segment's destination, a stray write by a bug of
 * the old kernel (into the destination, or into the source pages the old
 * kernel copies from at the kexec: kexec_load keeps the segments there
 * from -l to -e), a bit flip, a fault of the copy itself. Under TCG it is
 * most of the purgatory's time (bench/results/blackout-2026-12-01-sha.md).
 *
 *   ALL              every segment but the purgatory's own (the default)
 *   NONE             no SHA-256 at all: nothing of the above is caught; a
 *                    corrupted kernel is booted (tests/loader shows it)
 *   OUTSIDE_SCRATCH  skip the segments that lie wholly inside a range of
 *                    the handover's scratch table (the copy in the boot
 *                    data), hash the others. The rule of Linux's
 *                    kexec_file_load in our pinned 7.3 tree
 *                    (kernel/kexec_file.c, kexec_calculate_store_digests(),
 *                    commit "kexec_file: skip checksum verification when
 *                    safe", kexec list, June 2026), which skips every
 *                    segment of a non-crash image when KHO is on:
 *                    scratch is released to the page allocator as
 *                    MIGRATE_CMA, so it only ever held early boot and
 *                    movable allocations; a long-term DMA pin migrates its
 *                    pages out of CMA first, so no device was handed
 *                    memory there that a DMA not cancelled at shutdown
 *                    could still write. What it does not cover: writes
 *                    by the CPU (a kernel bug, a use-after-free), bit
 *                    flips, short-term DMA still running into a movable
 *                    page at the kexec, the source pages the copy reads
 *                    (outside scratch), and any bug of the copy. In
 *                    practice every segment of a load with a handover lies
 *                    in scratch (the running kernel accepts no other), so
 *                    it hashes nothing then, and everything without one.
 *                    The purgatory checks the rule itself: a segment the
 *                    loader left unhashed that is not inside the
 *                    handover's scratch stops it, as a mismatch does.
 */
#define PURG_CHECKSUM_LIST(X) \
	X(ALL,			0, "all", "SHA-256 of every segment (the default)") \
	X(NONE,			1, "none", "no SHA-256 at all: a corrupted segment is not detected") \
	X(OUTSIDE_SCRATCH,	2, "outside-scratch", "skip segments wholly inside the handover's scratch ranges")

#define PURG_CHECKSUM_ENUM_(name, num, word, msg) PURG_CHECKSUM_##name = num,
enum purg_checksum { PURG_CHECKSUM_LIST(PURG_CHECKSUM_ENUM_) };
#undef PURG_CHECKSUM_ENUM_

#define PURG_CHECKSUM_ONE_(name, num, word, msg) + 1
#define PURG_CHECKSUM_COUNT (0 PURG_CHECKSUM_LIST(PURG_CHECKSUM_ONE_))

/* The policy's word ("all", ...), NULL for a number not in the list. */
static inline const char *purg_checksum_name(uint32_t policy)
{
	switch (policy) {
#define PURG_CHECKSUM_CASE_(name, num, word, msg) case num: return word;
	PURG_CHECKSUM_LIST(PURG_CHECKSUM_CASE_)
#undef PURG_CHECKSUM_CASE_
	}
	return 0;
}

/*
 * Is [mem, mem + memsz) wholly inside one range of a scratch table (the
 * wire format of Linux's struct kho_scratch: 16-byte entries, address then
 * size, native endian)? The one definition of the loader's choice under
 * PURG_CHECKSUM_OUTSIDE_SCRATCH and of the purgatory's check of it. Empty
 * or wrapping segments and ranges are never inside.
 */
static inline int purg_in_scratch(uint64_t mem, uint64_t memsz,
				  const uint64_t *table, uint64_t table_size)
{
	uint64_t i;

	if (!memsz || mem + memsz < mem)
		return 0;
	for (i = 0; i + 1 < table_size / 8; i += 2) {
		uint64_t a = table[i], sz = table[i + 1];

		if (sz && a + sz >= a && mem >= a && mem + memsz <= a + sz)
			return 1;
	}
	return 0;
}

#define PURG_RELOC_ALWAYS	(1u << 0)

struct purg_reloc {
	uint64_t addr;			/* payload address, 0: no area */
	uint64_t size;
	uint32_t flags;			/* PURG_RELOC_* */
	uint32_t reserved;
};

/* The loader caps the work area: 16 B per preserved range (ho/check.h). */
#define PURG_WORK_MAX	(64ull << 20)

struct purg_work {
	uint64_t addr;			/* page aligned, 0: none */
	uint64_t size;
};

/*
 * Faults the purgatory injects into the handover after it was loaded and
 * its checksums verified, to test the fallback; each expects its own error.
 * One table of name, number and message, as HO_ERROR_LIST (ho/err.h):
 * the enum and the loader's --test-fault names come from it. Numbers are
 * the loader's ABI: only append, and bump PURG_FAULT_COUNT.
 */
#define PURG_FAULT_LIST(X) \
	X(NONE,			0, "no fault") \
	X(FDT_MAGIC,		1, "KHO FDT magic flipped (HO_ERR_BAD_MAGIC)") \
	X(SCRATCH_UNALIGNED,	2, "first scratch range moved by 16 bytes (HO_ERR_SCRATCH_UNALIGNED)") \
	X(SCRATCH_OVERLAP,	3, "second scratch range made equal to the first (HO_ERR_SCRATCH_OVERLAP)") \
	X(KHO_DATA_SIZE,	4, "handover descriptor in the boot data shortened (HO_ERR_KHO_DATA_SIZE)") \
	X(LUO_COMPATIBLE,	5, "LUO FDT compatible changed (HO_ERR_BAD_COMPATIBLE)") \
	X(IMAGE_CHECKSUM,	6, "one kernel byte changed: checksum mismatch, the purgatory stops") \
	X(LUO_V5_BLOCK_COUNT,	7, "first luo-v5 session block's entry count set to 0 (HO_ERR_BLOCK_COUNT)")

#define PURG_FAULT_ENUM_(name, num, msg) PURG_FAULT_##name = num,
enum purg_fault { PURG_FAULT_LIST(PURG_FAULT_ENUM_) };
#undef PURG_FAULT_ENUM_

/*
 * Faults are PURG_FAULT_NONE .. PURG_FAULT_COUNT - 1: as many entries as
 * the highest number + 1 (a number given twice is an initializer
 * overridden, which -Wextra turns into an error).
 */
#define PURG_FAULT_COUNT 8
#define PURG_FAULT_ONE_(name, num, msg) + 1
#define PURG_FAULT_IDX_(name, num, msg) [num] = 1,
_Static_assert(0 PURG_FAULT_LIST(PURG_FAULT_ONE_) == PURG_FAULT_COUNT &&
	       sizeof((char[]){ PURG_FAULT_LIST(PURG_FAULT_IDX_) }) ==
	       PURG_FAULT_COUNT, "PURG_FAULT_COUNT out of date");
#undef PURG_FAULT_IDX_
#undef PURG_FAULT_ONE_

#endif /* PURGATORY_H */
