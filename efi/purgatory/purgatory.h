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
 *                       flags PURG_SEG_SELF and is not hashed)
 *   purgatory_nsegs     entries used in purgatory_segs
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

struct purg_seg {
	uint64_t mem;
	uint64_t memsz;
	uint64_t len;			/* bytes hashed from mem */
	uint32_t flags;
	uint32_t reserved;
	uint8_t sha256[32];
};

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
