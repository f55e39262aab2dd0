/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parameters of the x86_64 purgatory, as the loader (loader/) pokes them.
 *
 * The purgatory is a relocatable ELF object; the loader places it, applies
 * its relocations and writes these globals by symbol name before loading it
 * (as kexec-tools does with its purgatory). Every symbol is a plain global
 * with exactly the layout below; both sides include this header.
 *
 *   purgatory_regs      registers for the jump to the kernel (rsi =
 *                       boot_params, rip = 64-bit entry, rsp = own stack)
 *   purgatory_segs      the kexec segments: where, how long, SHA-256 of the
 *                       loaded bytes (the purgatory's own segment has
 *                       flags PURG_SEG_SELF and is not hashed)
 *   purgatory_nsegs     entries used in purgatory_segs
 *   purgatory_reloc     a setup_data payload the loader reserved for the
 *                       KHO FDT and scratch table: the purgatory copies them
 *                       there (ho_relocate) when asked (PURG_RELOC_ALWAYS)
 *                       or when the FDT lies in scratch; the new kernel
 *                       keeps every setup_data entry reserved
 *   purgatory_work      memory for the stage library's sorts (ho_env.work):
 *                       the largest part of scratch no segment took, which
 *                       nothing uses after the jump; size 0: the
 *                       purgatory's own small buffer
 *   purgatory_fault     test-only fault injection (PURG_FAULT_*), 0 normally
 */
#ifndef PURGATORY_H
#define PURGATORY_H

#include <stdint.h>

struct purg_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
};

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
 */
#define PURG_FAULT_LIST(X) \
	X(NONE,			0, "no fault") \
	X(FDT_MAGIC,		1, "KHO FDT magic flipped (HO_ERR_BAD_MAGIC)") \
	X(SCRATCH_UNALIGNED,	2, "first scratch range moved by 16 bytes (HO_ERR_SCRATCH_UNALIGNED)") \
	X(SCRATCH_OVERLAP,	3, "second scratch range made equal to the first (HO_ERR_SCRATCH_OVERLAP)") \
	X(KHO_DATA_SIZE,	4, "SETUP_KEXEC_KHO length shortened (HO_ERR_KHO_DATA_SIZE)") \
	X(LUO_COMPATIBLE,	5, "LUO FDT compatible changed (HO_ERR_BAD_COMPATIBLE)") \
	X(IMAGE_CHECKSUM,	6, "one kernel byte changed: checksum mismatch, the purgatory stops")

#define PURG_FAULT_ENUM_(name, num, msg) PURG_FAULT_##name = num,
enum purg_fault { PURG_FAULT_LIST(PURG_FAULT_ENUM_) };
#undef PURG_FAULT_ENUM_

#endif /* PURGATORY_H */
