// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 purgatory hooks (../../purgatory-arch.h): the DTB in x0 is the boot
 * data, through the library's ho/arm64.h (/chosen linux,kho-fdt and
 * linux,kho-scratch, bootargs, the memory and /reserved-memory nodes and
 * the /memreserve/ block); the console is the PL011 of /chosen stdout-path;
 * the counter is cntvct_el0 (ticks at cntfrq_el0, which goes on the
 * command line beside luo_stage.cycles= as luo_stage.cntfrq=). SHA-256
 * uses the ARMv8 SHA2 instructions when ID_AA64ISAR0_EL1 says the CPU has
 * them (the library's HO_SHA256_CE, FP/SIMD enabled around it), else the
 * library's C code. entry.S is the entry and the jump.
 *
 * Every memory access runs with the MMU off (Device memory): the object is
 * built -mstrict-align, and the DTB is read through libfdt's byte loads.
 */
#include <libfdt.h>

#include <ho/ho.h>
#include <ho/arm64.h>

#include "../../purgatory-arch.h"
#include "../../purgatory.h"

struct purg_regs purgatory_regs;

static const struct ho_phys phys = { .map = ho_phys_identity_map };

#ifdef PURGATORY_HOST_TEST
/* A host test supplies the registers, the UART's stores and stop(). */
uint64_t read_cntvct(void);
uint64_t read_cntfrq(void);
uint32_t mmio_read32(uint64_t addr);
void mmio_write32(uint64_t addr, uint32_t v);
void __attribute__((noreturn)) stop(void);
/* The host build has no SHA2 instructions (ho_sha256_have() says so). */
static bool fp_enable(const char **note)
{
	(void)note;
	return false;
}

static void fp_restore(void)
{
}
#else
static inline uint64_t read_cntvct(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline uint64_t read_cntfrq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

static void __attribute__((noreturn)) stop(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

/*
 * FP/SIMD for the SHA2 instructions. EL1: CPACR_EL1.FPEN (bits 21:20,
 * 0b11 = no trap). EL2: CPTR_EL2, whose layout depends on HCR_EL2.E2H
 * (set: CPACR's, FPEN; clear: TFP, bit 10, traps when set). The old
 * kernel normally leaves FP on; whatever it left is restored after.
 */
#define CPACR_FPEN		(3ull << 20)
#define CPTR_EL2_TFP		(1ull << 10)
#define HCR_EL2_E2H		(1ull << 34)

static uint64_t fp_saved;
static int fp_el;		/* 0: nothing changed, else the EL whose register */

static bool fp_enable(const char **note)
{
	uint64_t el, v, hcr, on;

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	el = (el >> 2) & 3;
	if (el == 1) {
		__asm__ volatile("mrs %0, cpacr_el1" : "=r"(v));
		on = v | CPACR_FPEN;
	} else if (el == 2) {
		__asm__ volatile("mrs %0, hcr_el2" : "=r"(hcr));
		__asm__ volatile("mrs %0, cptr_el2" : "=r"(v));
		on = hcr & HCR_EL2_E2H ? v | CPACR_FPEN : v & ~CPTR_EL2_TFP;
	} else {
		return false;
	}
	if (on == v)
		return true;
	if (el == 1)
		__asm__ volatile("msr cpacr_el1, %0; isb" : : "r"(on) : "memory");
	else
		__asm__ volatile("msr cptr_el2, %0; isb" : : "r"(on) : "memory");
	fp_saved = v;
	fp_el = (int)el;
	*note = "FP/SIMD enabled for it";
	return true;
}

static void fp_restore(void)
{
	if (fp_el == 1)
		__asm__ volatile("msr cpacr_el1, %0; isb" : : "r"(fp_saved) : "memory");
	else if (fp_el == 2)
		__asm__ volatile("msr cptr_el2, %0; isb" : : "r"(fp_saved) : "memory");
	fp_el = 0;
}
#endif

/* booting.rst: the DTB is at most 2 MiB; the loader checked it, we too. */
#define DTB_MAX		(2u << 20)

/* The DTB when its structure is sound (checked once), else NULL. */
static void *dtb(void)
{
	static int state;	/* 0 unchecked, 1 good, -1 bad */
	void *p = (void *)(uintptr_t)purgatory_regs.x0;

	if (!state) {
		state = -1;
		if (p && !((uintptr_t)p & 7) &&
		    fdt_magic(p) == FDT_MAGIC && fdt_totalsize(p) <= DTB_MAX &&
		    !ho_fdt_check(p, fdt_totalsize(p), 0))
			state = 1;
	}
	return state > 0 ? p : 0;
}

/* ---- console: the PL011 of /chosen stdout-path ------------------------- */

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_TXFF	(1u << 5)

/*
 * The UART's base: /chosen stdout-path (or linux,stdout-path; "path" or
 * "alias", options after ':' ignored) naming a node compatible with
 * "arm,pl011" directly under the root (its reg then is a CPU physical
 * address, no ranges to translate). 0: no console, bytes are dropped.
 */
static uint64_t uart_base(void)
{
	static int state;	/* 0 unknown, 1 found, -1 none */
	static uint64_t base;
	const void *d;
	const char *path;
	const uint8_t *reg;
	int chosen, node, len, plen, ac;

	if (state)
		return state > 0 ? base : 0;
	state = -1;
	d = dtb();
	chosen = d ? fdt_path_offset(d, "/chosen") : -1;
	if (chosen < 0)
		return 0;
	path = fdt_getprop(d, chosen, "stdout-path", &len);
	if (!path)
		path = fdt_getprop(d, chosen, "linux,stdout-path", &len);
	if (!path || len < 2)
		return 0;
	for (plen = 0; plen < len && path[plen] && path[plen] != ':'; plen++)
		;
	node = fdt_path_offset_namelen(d, path, plen);
	if (node < 0 || fdt_parent_offset(d, node) != 0 ||
	    fdt_node_check_compatible(d, node, "arm,pl011"))
		return 0;
	ac = fdt_address_cells(d, 0);
	reg = fdt_getprop(d, node, "reg", &len);
	if (!reg || (ac != 1 && ac != 2) || len < 4 * ac)
		return 0;
	base = 0;
	for (plen = 0; plen < 4 * ac; plen++)
		base = base << 8 | reg[plen];
	state = 1;
	return base;
}

/* The old kernel left the UART enabled; bounded wait on a full FIFO. */
void purg_arch_putc(char c)
{
	uint64_t b = uart_base();
	int i;

	if (!b)
		return;
	for (i = 0; i < 100000 && (mmio_read32(b + UART_FR) & UART_FR_TXFF); i++)
		;
	mmio_write32(b + UART_DR, (uint8_t)c);
}

uint64_t purg_arch_cycles(void)
{
	return read_cntvct();
}

/*
 * cntvct_el0 counts at CNTFRQ_EL0 (the kernels' get_cycles() reads the same
 * counter: arch_timer_read_counter(), cntvct_el0 at EL1; at EL2 cntpct_el0,
 * equal to it as Linux zeroes CNTVOFF_EL2).
 */
uint64_t purg_arch_cycles_hz(void)
{
	return read_cntfrq();
}

void purg_arch_stop(void)
{
	stop();
}

/*
 * The SHA2 instructions (HO_SHA256_CE) unless luo_purgatory.sha=c asked
 * for C (any other value asks for the CPU's instructions) or the CPU lacks
 * them; FP/SIMD enabled for them when the old kernel left it trapping.
 */
enum ho_sha256_impl purg_arch_sha_begin(enum ho_sha256_impl want,
					const char **note)
{
	*note = 0;
	if (want == HO_SHA256_C || !ho_sha256_have(HO_SHA256_CE) ||
	    !fp_enable(note))
		return HO_SHA256_C;
	return HO_SHA256_CE;
}

void purg_arch_sha_end(void)
{
	fp_restore();
}

/* ---- the handover in /chosen ------------------------------------------- */

int purg_arch_handover(struct ho_handover *kd)
{
	void *d = dtb();

	return d ? ho_dtb_handover(d, kd) : HO_ERR_FDT_STRUCTURE;
}

int purg_arch_memmap(struct ho_mem_range *r, uint32_t cap, uint32_t *count)
{
	struct ho_handover kd;
	void *d = dtb();

	if (!d)
		return HO_ERR_FDT_STRUCTURE;
	return ho_dtb_memmap(d, ho_dtb_handover(d, &kd) ? 0 : &kd, &phys, r, cap, count);
}

/*
 * After the move into the loader's relocation area (the DTB segment's
 * tail): /chosen points at the copies and the area takes over the old
 * table's /memreserve/ entry (ho_dtb_handover_move).
 */
int purg_arch_handover_update(const struct ho_handover *kd)
{
	void *d = dtb();

	return d ? ho_dtb_handover_move(d, kd) : HO_ERR_FDT_STRUCTURE;
}

/* A broken DTB cannot be edited: the kernel gets it as it is. */
void purg_arch_handover_drop(void)
{
	void *d = dtb();

	if (d)
		ho_dtb_handover_drop(d);
}

void purg_arch_fault_handover_size(void)
{
	void *d = dtb();

	if (d)
		ho_dtb_fault_kho_len(d);
}

/* ---- bootargs ---------------------------------------------------------- */

const char *purg_arch_cmdline(size_t *cap)
{
	void *d = dtb();

	return d ? ho_dtb_cmdline(d, cap) : 0;
}

/*
 * Append " key=value" to bootargs. The counter's unit goes with it: after
 * luo_stage.cycles=, luo_stage.cntfrq=<cntfrq_el0 in Hz> (cycles on x86_64
 * are TSC cycles, here they are generic timer ticks).
 */
int purg_arch_cmdline_append(const char *key, const char *value)
{
	void *d = dtb();
	char num[24];
	struct ho_sbuf sb;
	int err;

	if (!d)
		return HO_ERR_FDT_STRUCTURE;
	err = ho_dtb_cmdline_append(d, key, value);
	if (err || ho_strcmp(key, "luo_stage.cycles"))
		return err;
	ho_sb_init(&sb, num, sizeof(num));
	ho_sb_dec(&sb, read_cntfrq());
	return ho_dtb_cmdline_append(d, "luo_stage.cntfrq", num);
}
