/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The purgatory's arch hooks: what purgatory.c (generic) asks of
 * arch/<arch>/ (kexec-tools' purgatory/arch/<arch> shape). Everything else,
 * the segment checksums, the handover check, relocation, the verdict, the
 * clean fallback, the command line words and the test faults, is generic.
 *
 * Control flow. arch/<arch>/entry*.S is entered by the old kernel's kexec
 * code with memory identity mapped, interrupts off; it switches to the
 * purgatory's own stack (symbol purgatory_stack_end, which the loader
 * reads), calls purgatory_main() and, when that returns, enters the kernel
 * as the boot protocol says, from purgatory_regs (purgatory.h: the arch's
 * struct purg_regs, which also carries the boot data pointer). The hooks
 * below are plain C called from purgatory_main() on that stack; none may
 * fail silently or hang, and only purg_arch_stop() does not return.
 * Physical memory is identity mapped: hooks reach the boot data through a
 * struct ho_phys with ho_phys_identity_map, as the generic code does.
 *
 * Boot data is what the next kernel reads: on x86_64 the zero page and what
 * hangs off it (arch/x86_64/purgatory-x86_64.h); on arm64 the DTB (x0),
 * its /chosen (linux,kho-fdt and linux,kho-scratch <addr size> in the
 * root's #address-cells/#size-cells, bootargs) and its memory and
 * /reserved-memory nodes. The handover hooks translate it into the
 * library's arch-neutral struct ho_handover and struct ho_memmap.
 *
 * An arm64 directory provides: entry.S (own stack; purgatory_main(); then
 * x0 = DTB, x1..x3 = 0, branch to the Image entry, MMU and D-cache as
 * Documentation/arch/arm64/booting.rst says), putc on the PL011 (its
 * address a poked parameter or /chosen stdout-path; bounded wait on
 * UARTFR.TXFF), the counter cntvct_el0 (ticks at CNTFRQ, not CPU cycles:
 * luo_stage.cycles= carries the counter's unit of each arch), SHA-256 in C
 * (or the ARMv8 SHA2 instructions once the library has them), and the DTB
 * edits: read /chosen's two KHO properties, rewrite them after relocation
 * (the destination the loader's area after the DTB, which then takes the
 * old table's /memreserve/ entry), delete both
 * to drop the handover, append to bootargs (fdt_setprop within the spare
 * space the loader left in the DTB: NO_SPACE is an error, never an
 * overflow); the memory map from /memory reg (HO_MEM_RAM) and
 * /reserved-memory plus the DTB's reservation block (HO_MEM_RESERVED).
 * Beside them: arch/arm64/purgatory-arm64.h with its struct purg_regs and
 * PURG_ARCH_PAGE_SIZE (arm64: from the Image header's flags, via a parameter)
 * (x0 = DTB, the Image entry), included by purgatory.h under __aarch64__;
 * arch/arm64/arch.mk (PURG_ARCH_ASM, PURG_ARCH_C); and a freestanding
 * arm64 variant of the stage library (lib.mk's "free" flags are x86's).
 */
#ifndef PURGATORY_ARCH_HOOKS_H
#define PURGATORY_ARCH_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include <ho/ho.h>

/* ---- console, clock, stop --------------------------------------------- */

/* One byte out on the console the old kernel left set up; bounded wait. */
void purg_arch_putc(char c);

/* A free-running counter (x86_64: TSC cycles; arm64: cntvct_el0 ticks). */
uint64_t purg_arch_cycles(void);

/*
 * The counter's frequency in Hz when the architecture states it (arm64:
 * CNTFRQ_EL0, which firmware sets for cntvct_el0), 0 when only a
 * measurement can tell (x86_64: the TSC). The phase trace's header gets it.
 */
uint64_t purg_arch_cycles_hz(void);

/* Stop for good, CPU idle (the checksum stop: the image is corrupted). */
void purg_arch_stop(void) __attribute__((noreturn));

/* ---- SHA-256 of the segments ------------------------------------------ */

/*
 * Choose the SHA-256 implementation for the segment checksums and make the
 * CPU ready for it. want: HO_SHA256_AUTO, or what the test-only
 * luo_purgatory.sha= asked (HO_SHA256_C or HO_SHA256_NI; an
 * implementation the CPU lacks falls back to C). Returns the one to use;
 * *note is NULL or a few words for the verdict line (x86_64: "SSE enabled
 * for it"). purg_arch_sha_end() undoes what begin changed, so the kernel
 * is entered with the CPU state the old kernel gave.
 */
enum ho_sha256_impl purg_arch_sha_begin(enum ho_sha256_impl want,
					const char **note);
void purg_arch_sha_end(void);

/* ---- the handover in the boot data ------------------------------------ */

/*
 * Find the handover descriptor in the boot data: HO_OK and *kd,
 * HO_ERR_NOT_FOUND when the boot data carries none (a boot without
 * handover, not an error), any other HO_ERR_* when the boot data around it
 * is malformed (then the generic code drops it: purg_arch_handover_drop()).
 */
int purg_arch_handover(struct ho_handover *kd);

/*
 * The memory map from the boot data, in the library's types: at most cap
 * ranges into r, *count = how many. More entries than cap: HO_ERR_NO_SPACE.
 */
int purg_arch_memmap(struct ho_mem_range *r, uint32_t cap, uint32_t *count);

/* Point the boot data's descriptor at kd (after relocation). */
int purg_arch_handover_update(const struct ho_handover *kd);

/*
 * Remove the handover from the boot data, so the kernel boots as without
 * one; when the boot data is too broken to remove just it, drop what holds
 * it (x86_64: the whole chain of entries). Never fails.
 */
void purg_arch_handover_drop(void);

/*
 * Test-only (PURG_FAULT_KHO_DATA_SIZE): damage the descriptor's framing in
 * the boot data so that purg_arch_handover() returns HO_ERR_KHO_DATA_SIZE
 * (x86_64: the length of the entry that carries it; arm64: the length of
 * linux,kho-fdt). Nothing when there is no handover.
 */
void purg_arch_fault_handover_size(void);

/* ---- the kernel command line ------------------------------------------ */

/* The command line (NUL-terminated within *cap bytes), or NULL. */
const char *purg_arch_cmdline(size_t *cap);

/* Append " key=value"; HO_ERR_NO_SPACE (nothing changed) when it does not fit. */
int purg_arch_cmdline_append(const char *key, const char *value);

#endif /* PURGATORY_ARCH_HOOKS_H */
