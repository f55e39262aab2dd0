// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86_64 purgatory: the stage between the old kernel and the new one.
 *
 * entry64.S calls purgatory_main() on our own stack, then jumps to the
 * kernel with the registers in purgatory_regs. purgatory_main():
 *
 *  1. verifies the SHA-256 of every loaded segment (purgatory_segs); a
 *     mismatch means a corrupted image, the one case where we stop (with a
 *     message, halted, never spinning hot). With the CPU's SHA extensions
 *     when cpuid has them (see sha_begin), else the generic C code;
 *  2. finds the SETUP_KEXEC_KHO entry in the boot_params setup_data chain
 *     and asks the stage library (efi/lib, freestanding) for a verdict on
 *     the whole handover, with the memory map from boot_params' e820;
 *  3. on any failure unlinks the entry (the new kernel then boots clean, as
 *     without handover), appends luo_stage.err=<HO_ERR_NAME> to the command
 *     line and prints one line; on success appends luo_stage.cycles=<TSC
 *     cycles spent here> luo_stage.sha=<ni|c> and prints one line.
 *
 * Test-only: luo_purgatory.sha=c (or ni) on the new kernel's command line
 * picks the SHA-256 implementation (ni only where the CPU has it).
 *
 * Parameters are plain globals the loader pokes (purgatory.h).
 */
#include <asm/bootparam.h>

#include <libfdt.h>

#include <ho/ho.h>
#include <ho/x86.h>

#include "purgatory.h"

struct purg_regs purgatory_regs;
struct purg_seg purgatory_segs[PURG_MAX_SEGS];
uint32_t purgatory_nsegs;
uint32_t purgatory_fault;
struct purg_reloc purgatory_reloc;
struct purg_work purgatory_work;

void purgatory_main(void);

static struct ho_mem_range mem_ranges[E820_MAX_ENTRIES_ZEROPAGE];
static uint8_t check_work[1 << 20];	/* 16 B per preserved range (ho/check.h) */

#ifdef PURGATORY_HOST_TEST
/*
 * tests/loader/test_purgatory.c runs this file on the host, in memory mapped
 * at the "physical" addresses of its plan: it supplies the port I/O, the
 * clock and stop() (which returns there instead of halting).
 */
void outb(uint8_t v, uint16_t port);
uint8_t inb(uint16_t port);
uint64_t rdtsc(void);
uint64_t read_cr0(void);
uint64_t read_cr4(void);
void write_cr4(uint64_t v);
void __attribute__((noreturn)) stop(void);
#else
static inline void outb(uint8_t v, uint16_t port)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static void __attribute__((noreturn)) stop(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
#endif

#define COM1 0x3f8

/* The old kernel left the UART set up; bounded wait, never a hang. */
static void serial_putc(char c)
{
	int i;

	for (i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb((uint8_t)c, COM1);
}

static void serial_line(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s);
	}
}

static const struct ho_phys phys = { .map = ho_phys_identity_map };

static struct boot_params *boot_params(void)
{
	return (struct boot_params *)(uintptr_t)purgatory_regs.rsi;
}

static char *cmdline(size_t *cap)
{
	struct boot_params *bp = boot_params();
	uint64_t a = bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr << 32;

	*cap = bp->hdr.cmdline_size + 1;
	return (char *)(uintptr_t)a;
}

/* Test-only: the value of luo_purgatory.sha= on the command line, or AUTO. */
static enum ho_sha256_impl sha_requested(const char *cl, size_t cap)
{
	static const char key[] = "luo_purgatory.sha=";
	size_t i, k;

	for (i = 0; i < cap && cl[i]; i++) {
		if (i && cl[i - 1] != ' ')
			continue;
		for (k = 0; key[k] && i + k < cap && cl[i + k] == key[k]; k++)
			;
		if (key[k])
			continue;
		if (i + k + 1 < cap && cl[i + k] == 'c' &&
		    (cl[i + k + 1] == ' ' || !cl[i + k + 1]))
			return HO_SHA256_C;
		return HO_SHA256_NI;
	}
	return HO_SHA256_AUTO;
}

#define CR0_TS		(1ull << 3)
#define CR0_EM		(1ull << 2)
#define CR4_OSFXSR	(1ull << 9)

/*
 * The SHA-256 implementation for the segments, and SSE made usable for it.
 * Kernel A's relocate_kernel sets CR4 to PAE (+LA57, +MCE on TDX) before
 * jumping here, so OSFXSR is clear and any SSE instruction would fault
 * (#UD); it clears CR0.EM and CR0.TS. With NI we set OSFXSR for the hashing
 * and sha_end() puts CR4 back, so the kernel is entered with the CR4 kernel
 * A gave. Nothing else uses XMM registers (the rest of the purgatory is
 * built -mgeneral-regs-only), so there is no state to save.
 */
static enum ho_sha256_impl sha_begin(const char *cl, size_t cap,
				     uint64_t *cr4, bool *sse_set)
{
	enum ho_sha256_impl want = sha_requested(cl, cap);

	*sse_set = false;
	if (want == HO_SHA256_C || !ho_sha256_have(HO_SHA256_NI) ||
	    (read_cr0() & (CR0_EM | CR0_TS)))
		return HO_SHA256_C;
	*cr4 = read_cr4();
	if (!(*cr4 & CR4_OSFXSR)) {
		write_cr4(*cr4 | CR4_OSFXSR);
		*sse_set = true;
	}
	return HO_SHA256_NI;
}

static void sha_end(uint64_t cr4, bool sse_set)
{
	if (sse_set)
		write_cr4(cr4);
}

static void verify_segments(enum ho_sha256_impl impl)
{
	uint8_t digest[HO_SHA256_SIZE];
	struct ho_sha256 st;
	char line[128];
	struct ho_sbuf sb;
	uint32_t i;

	for (i = 0; i < purgatory_nsegs && i < PURG_MAX_SEGS; i++) {
		const struct purg_seg *s = &purgatory_segs[i];

		if (s->flags & PURG_SEG_SELF)
			continue;
		ho_sha256_init_impl(&st, impl);
		ho_sha256_update(&st, (const void *)(uintptr_t)s->mem, s->len);
		ho_sha256_final(&st, digest);
		if (!ho_memcmp(digest, s->sha256, sizeof(digest)))
			continue;
		ho_sb_init(&sb, line, sizeof(line));
		ho_sb_puts(&sb, "luo-purgatory: segment ");
		ho_sb_dec(&sb, i);
		ho_sb_puts(&sb, " at ");
		ho_sb_hex(&sb, s->mem);
		ho_sb_puts(&sb, ": SHA-256 mismatch, image corrupted: stopping\n");
		serial_line(line);
		stop();
	}
}

/*
 * Test-only: damage the handover (the SETUP_KEXEC_KHO entry at sd_addr) the
 * way purgatory_fault says, or one byte of the kernel (sd_addr unused).
 */
static void inject_fault(uint64_t sd_addr)
{
	struct ho_setup_data *sd = (void *)(uintptr_t)sd_addr;
	struct ho_sd_kho *kd = (void *)(sd + 1);
	struct ho_scratch *sc;
	const void *fdt;
	const uint64_t *pd;
	uint64_t nsc;
	char *compat;
	int off, len;

	if (purgatory_fault == PURG_FAULT_IMAGE_CHECKSUM) {
		if (purgatory_nsegs)
			*(uint8_t *)(uintptr_t)purgatory_segs[0].mem ^= 1;
		return;
	}
	if (!sd_addr)
		return;
	sc = (void *)(uintptr_t)kd->scratch_addr;
	nsc = kd->scratch_size / sizeof(*sc);
	fdt = (const void *)(uintptr_t)kd->fdt_addr;
	switch (purgatory_fault) {
	case PURG_FAULT_FDT_MAGIC:
		*(uint8_t *)(uintptr_t)kd->fdt_addr ^= 1;
		break;
	case PURG_FAULT_SCRATCH_OVERLAP:
		if (nsc >= 2) {
			sc[1] = sc[0];		/* same range twice, inside RAM */
			break;
		}
		/* One range cannot overlap another: misalign it instead. */
		sc[0].addr += 16;
		break;
	case PURG_FAULT_SCRATCH_UNALIGNED:
		sc[0].addr += 16;
		break;
	case PURG_FAULT_KHO_DATA_SIZE:
		sd->len = sizeof(*kd) / 2;
		break;
	case PURG_FAULT_LUO_COMPATIBLE:
		off = fdt_subnode_offset(fdt, 0, HO_LUO_SUBTREE);
		pd = off < 0 ? 0 : fdt_getprop(fdt, off, "preserved-data", &len);
		if (!pd || len != 8)
			break;
		compat = fdt_getprop_w((void *)(uintptr_t)ho_get_u64(pd), 0,
				       "compatible", &len);
		if (compat && len > 1)
			compat[0] ^= 0x20;	/* "luo-rfc-v1" -> "Luo-rfc-v1" */
		break;
	}
}

/*
 * Move the KHO FDT and scratch table into the area the loader reserved, when
 * asked, or when the FDT lies in scratch: the new kernel allocates from
 * scratch before it reserves preserved pages, and only the scratch table is
 * reserved by then (a segment over either was caught by the checksums or
 * ho_check_handover already). kd and its setup_data copy follow the move.
 */
static bool fdt_in_scratch(const struct ho_handover *kd)
{
	const struct ho_scratch *sc = (const void *)(uintptr_t)kd->scratch_addr;
	uint64_t i;

	for (i = 0; i < kd->scratch_size / sizeof(*sc); i++)
		if (ho_ranges_overlap(kd->fdt_addr, kd->fdt_size, sc[i].addr,
				      sc[i].size))
			return true;
	return false;
}

static int relocate(struct ho_handover *kd, uint64_t sd,
		    const struct ho_segment *segs, uint32_t n,
		    const struct ho_env *env, struct ho_report *rep)
{
	const struct purg_reloc *r = &purgatory_reloc;
	struct ho_handover moved = *kd;
	struct ho_sd_kho k;
	int err;

	if (!r->addr || !r->size ||
	    (!(r->flags & PURG_RELOC_ALWAYS) && !fdt_in_scratch(kd)))
		return HO_OK;
	err = ho_relocate(&moved, (const void *)(uintptr_t)kd->fdt_addr,
			  (const void *)(uintptr_t)kd->scratch_addr,
			  (void *)(uintptr_t)r->addr, r->addr, r->size);
	if (!err)
		err = ho_check_handover(&moved, segs, n, env, rep);
	if (err)
		return err;
	*kd = moved;
	k = ho_sd_kho_from(kd);
	ho_memcpy((void *)(uintptr_t)(sd + sizeof(struct ho_setup_data)), &k,
		  sizeof(k));
	return HO_OK;
}

struct sha_run {
	enum ho_sha256_impl impl;
	uint64_t cycles;
	bool sse_set;		/* CR4.OSFXSR was clear: set for the hashing */
};

static void say(const char *what, int err, const struct ho_report *rep,
		uint64_t cycles, const struct sha_run *sha)
{
	char line[320];
	struct ho_sbuf sb;

	ho_sb_init(&sb, line, sizeof(line));
	ho_sb_puts(&sb, "luo-purgatory: ");
	ho_sb_puts(&sb, what);
	if (err) {
		ho_sb_puts(&sb, ": ");
		ho_sb_puts(&sb, ho_errname(err));
		ho_sb_puts(&sb, " (");
		ho_sb_puts(&sb, ho_strerror(err));
		ho_sb_puts(&sb, ")");
		if (rep && rep->path[0]) {
			ho_sb_puts(&sb, " at ");
			ho_sb_puts(&sb, rep->path);
		}
		if (rep && rep->detail[0]) {
			ho_sb_puts(&sb, " ");
			ho_sb_puts(&sb, rep->detail);
		}
		ho_sb_puts(&sb, "; booting without it");
	} else {
		ho_sb_puts(&sb, ", ");
		ho_sb_dec(&sb, cycles);
		ho_sb_puts(&sb, " cycles (SHA-256 of the segments ");
		ho_sb_dec(&sb, sha->cycles);
		ho_sb_puts(&sb, ", sha=");
		ho_sb_puts(&sb, ho_sha256_name(sha->impl));
		if (sha->sse_set)
			ho_sb_puts(&sb, ", SSE enabled for it");
		ho_sb_puts(&sb, ")");
	}
	ho_sb_puts(&sb, "\n");
	serial_line(line);
}

/*
 * The stage library's work area: the loader's spare scratch range when it
 * gave one that no segment touches (nothing else lives there once the
 * segments are in place), else the small buffer of our own.
 */
static void work_area(struct ho_env *env)
{
	const struct purg_work *w = &purgatory_work;
	uint32_t i;

	env->work = check_work;
	env->work_size = sizeof(check_work);
	if (!w->addr || w->size <= sizeof(check_work) || !ho_range_ok(w->addr, w->size))
		return;
	for (i = 0; i < purgatory_nsegs && i < PURG_MAX_SEGS; i++)
		if (ho_ranges_overlap(w->addr, w->size, purgatory_segs[i].mem,
				      purgatory_segs[i].memsz))
			return;
	env->work = (void *)(uintptr_t)w->addr;
	env->work_size = w->size;
}

void purgatory_main(void)
{
	struct boot_params *bp = boot_params();
	struct ho_segment segs[PURG_MAX_SEGS];
	struct ho_memmap mm = { .ranges = mem_ranges };
	struct ho_env env = {
		.memmap = &mm, .phys = &phys, .schemas = ho_schemas,
		.page_size = 4096,	/* x86_64 */
	};
	struct ho_report rep = { 0 };
	struct ho_handover kd;
	struct sha_run sha;
	uint64_t t0 = rdtsc(), cr4 = 0, sd = 0, dropped, head;
	uint32_t i, n = 0;
	size_t cap;
	char *cl = cmdline(&cap);
	int err;

	work_area(&env);
	if (purgatory_fault == PURG_FAULT_IMAGE_CHECKSUM)
		inject_fault(0);
	sha.impl = sha_begin(cl, cap, &cr4, &sha.sse_set);
	verify_segments(sha.impl);
	sha_end(cr4, sha.sse_set);
	sha.cycles = rdtsc() - t0;

	err = ho_sd_find(&phys, bp->hdr.setup_data, HO_SETUP_KEXEC_KHO, &sd);
	if (err == HO_ERR_NOT_FOUND) {
		say("no handover", 0, 0, rdtsc() - t0, &sha);
		return;
	}
	if (!err && purgatory_fault)
		inject_fault(sd);
	for (i = 0; i < bp->e820_entries && i < E820_MAX_ENTRIES_ZEROPAGE; i++) {
		mem_ranges[i].addr = bp->e820_table[i].addr;
		mem_ranges[i].size = bp->e820_table[i].size;
		mem_ranges[i].type = bp->e820_table[i].type;
	}
	mm.count = i;
	for (i = 0; i < purgatory_nsegs && i < PURG_MAX_SEGS; i++) {
		segs[n].mem = purgatory_segs[i].mem;
		segs[n++].memsz = purgatory_segs[i].memsz;
	}
	if (!err)
		err = ho_sd_kho_data(&phys, sd, &kd);
	if (!err)
		err = ho_check_handover(&kd, segs, n, &env, &rep);
	if (!err)
		err = relocate(&kd, sd, segs, n, &env, &rep);
	if (!err) {
		uint64_t cycles = rdtsc() - t0;

		ho_cmdline_append_u64(cl, cap, "luo_stage.cycles", cycles);
		ho_cmdline_append(cl, cap, "luo_stage.sha",
				  ho_sha256_name(sha.impl));
		say(kd.fdt_addr == purgatory_reloc.addr && kd.fdt_addr ?
		    "handover ok, relocated" : "handover ok", 0, 0, cycles, &sha);
		return;
	}
	/* Fall back to a clean boot: no handover, the error passed on. */
	head = bp->hdr.setup_data;
	if (ho_sd_unlink(&phys, &head, HO_SETUP_KEXEC_KHO, &dropped))
		head = 0;			/* chain broken: drop it all */
	bp->hdr.setup_data = head;
	ho_cmdline_append(cl, cap, "luo_stage.err", ho_errname(err));
	say("handover rejected", err, &rep, 0, &sha);
}
