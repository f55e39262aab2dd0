// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86_64 purgatory hooks (../../purgatory-arch.h): COM1, the TSC, SSE for
 * SHA-NI, and the zero page: the SETUP_KEXEC_KHO entry of its setup_data
 * chain (the handover descriptor), its e820_table (the memory map) and its
 * command line. entry64.S is the entry and the jump.
 */
#include <asm/bootparam.h>

#include <ho/ho.h>
#include <ho/x86.h>

#include "../../purgatory-arch.h"
#include "../../purgatory.h"

struct purg_regs purgatory_regs;

static const struct ho_phys phys = { .map = ho_phys_identity_map };

#ifdef PURGATORY_HOST_TEST
/*
 * tests/loader/test_loader.c runs the purgatory on the host, in memory
 * mapped at the "physical" addresses of its plan: it supplies the port I/O,
 * the clock and stop() (which returns there instead of halting).
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
void purg_arch_putc(char c)
{
	int i;

	for (i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb((uint8_t)c, COM1);
}

uint64_t purg_arch_cycles(void)
{
	return rdtsc();
}

/* The TSC's rate is not architected: the trace keeps kernel A's measure. */
uint64_t purg_arch_cycles_hz(void)
{
	return 0;
}

void purg_arch_stop(void)
{
	stop();
}

#define CR0_TS		(1ull << 3)
#define CR0_EM		(1ull << 2)
#define CR4_OSFXSR	(1ull << 9)

/* CR4 as the old kernel gave it, when sha_begin set OSFXSR. */
static uint64_t saved_cr4;
static bool sse_set;

/*
 * Kernel A's relocate_kernel sets CR4 to PAE (+LA57, +MCE on TDX) before
 * jumping here, so OSFXSR is clear and any SSE instruction would fault
 * (#UD); it clears CR0.EM and CR0.TS. With NI we set OSFXSR for the hashing
 * and sha_end() puts CR4 back, so the kernel is entered with the CR4 kernel
 * A gave. Nothing else uses XMM registers (the rest of the purgatory is
 * built -mgeneral-regs-only), so there is no state to save.
 */
enum ho_sha256_impl purg_arch_sha_begin(enum ho_sha256_impl want,
					const char **note)
{
	*note = 0;
	sse_set = false;
	if (want == HO_SHA256_C || !ho_sha256_have(HO_SHA256_NI) ||
	    (read_cr0() & (CR0_EM | CR0_TS)))
		return HO_SHA256_C;
	saved_cr4 = read_cr4();
	if (!(saved_cr4 & CR4_OSFXSR)) {
		write_cr4(saved_cr4 | CR4_OSFXSR);
		sse_set = true;
		*note = "SSE enabled for it";
	}
	return HO_SHA256_NI;
}

void purg_arch_sha_end(void)
{
	if (sse_set)
		write_cr4(saved_cr4);
	sse_set = false;
}

static struct boot_params *boot_params(void)
{
	return (struct boot_params *)(uintptr_t)purgatory_regs.rsi;
}

int purg_arch_handover(struct ho_handover *kd)
{
	uint64_t sd;
	int err;

	err = ho_sd_find(&phys, boot_params()->hdr.setup_data,
			 HO_SETUP_KEXEC_KHO, &sd);
	return err ? err : ho_sd_kho_data(&phys, sd, kd);
}

_Static_assert(sizeof(((struct boot_params *)0)->e820_table[0]) ==
	       sizeof(struct ho_e820_entry), "boot_e820_entry layout");

int purg_arch_memmap(struct ho_mem_range *r, uint32_t cap, uint32_t *count)
{
	const struct boot_params *bp = boot_params();
	uint32_t n = bp->e820_entries;

	if (n > E820_MAX_ENTRIES_ZEROPAGE)
		n = E820_MAX_ENTRIES_ZEROPAGE;
	if (n > cap)
		return HO_ERR_NO_SPACE;
	*count = ho_e820_to_memmap((const struct ho_e820_entry *)bp->e820_table,
				   n, r, cap);
	return HO_OK;
}

/* The payload of the entry the new kernel reads: the descriptor's 4 u64. */
int purg_arch_handover_update(const struct ho_handover *kd)
{
	struct ho_sd_kho k = ho_sd_kho_from(kd);
	uint64_t sd;
	void *payload;
	int err;

	err = ho_sd_find(&phys, boot_params()->hdr.setup_data,
			 HO_SETUP_KEXEC_KHO, &sd);
	if (err)
		return err;
	payload = ho_phys_map(&phys, sd + sizeof(struct ho_setup_data),
			      sizeof(k));
	if (!payload)
		return HO_ERR_SETUP_DATA_BAD;
	ho_memcpy(payload, &k, sizeof(k));
	return HO_OK;
}

void purg_arch_handover_drop(void)
{
	struct boot_params *bp = boot_params();
	uint64_t head = bp->hdr.setup_data, dropped;

	if (ho_sd_unlink(&phys, &head, HO_SETUP_KEXEC_KHO, &dropped))
		head = 0;			/* chain broken: drop it all */
	bp->hdr.setup_data = head;
}

void purg_arch_fault_handover_size(void)
{
	ho_fault_sd_kho_len(&phys, boot_params()->hdr.setup_data);
}

static char *cmdline(size_t *cap)
{
	struct boot_params *bp = boot_params();
	uint64_t a = bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr << 32;

	*cap = bp->hdr.cmdline_size + 1;
	return (char *)(uintptr_t)a;
}

const char *purg_arch_cmdline(size_t *cap)
{
	return cmdline(cap);
}

int purg_arch_cmdline_append(const char *key, const char *value)
{
	size_t cap;
	char *cl = cmdline(&cap);

	return ho_cmdline_append(cl, cap, key, value);
}
