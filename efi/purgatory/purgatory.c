// SPDX-License-Identifier: GPL-2.0-only
/*
 * The purgatory: the stage between the old kernel and the new one, the same
 * on every architecture. arch/<arch>/ has the entry, the jump and the hooks
 * this file calls (purgatory-arch.h: console, counter, SHA-256 choice, the
 * handover and memory map in the boot data, the command line).
 *
 * The arch entry calls purgatory_main() on the purgatory's own stack, then
 * enters the kernel. purgatory_main():
 *
 *  1. verifies the SHA-256 of the loaded segments (purgatory_segs) the
 *     checksum policy says (purgatory_checksum, purgatory.h: every one by
 *     default); a mismatch means a corrupted image, the one case where we
 *     stop (with a message, halted, never spinning hot), with the
 *     implementation the arch picks (purg_arch_sha_begin: CPU instructions
 *     when it has them), which is not even asked for when nothing is
 *     hashed; a segment the loader left unhashed must lie inside the
 *     handover's scratch under outside-scratch (else we stop as well);
 *  2. finds the handover descriptor in the boot data and asks the stage
 *     library (efi/lib, freestanding) for a verdict on the whole handover,
 *     with the boot data's memory map; relocates the KHO FDT and scratch
 *     table when asked or needed (relocate());
 *  3. on any failure removes the handover from the boot data (the new
 *     kernel then boots clean, as without handover), appends
 *     luo_stage.err=<HO_ERR_NAME> to the command line and prints one line;
 *     on success appends luo_stage.cycles=<counter ticks spent here>
 *     luo_stage.sha=<ni|ce|c, none when nothing was hashed>
 *     luo_stage.checksum=<policy> and prints one line; the policy is on
 *     the rejected line and command line too.
 *
 * Phase trace: when the handover passed and its LUO blob names a trace
 * (<linux/kho/abi/luo_rfc_trace.h>), the counter values taken at start,
 * after the checksums and after the check are appended to it, then one
 * more just before returning to the arch entry's jump (ho_trace_find()
 * checks the page first: RAM, outside segments and scratch, sane header;
 * a bad trace is skipped, never fatal); where the arch states the counter's
 * rate (purg_arch_cycles_hz: arm64's CNTFRQ_EL0) it replaces the header's
 * cycles_hz, kernel A's estimate. On fallback nothing is appended:
 * the handover, and with it the trace, is dropped for the new kernel.
 *
 * Test-only: luo_purgatory.sha=c (or ni) on the new kernel's command line
 * picks the SHA-256 implementation (ni only where the CPU has it), and
 * purgatory_fault damages the handover (ho/fault.h) after the checksums.
 *
 * Parameters are plain globals the loader pokes (purgatory.h).
 */
#include <ho/ho.h>
#include <ho/fault.h>
#include <ho/trace.h>

#include "purgatory-arch.h"
#include "purgatory.h"

struct purg_seg purgatory_segs[PURG_MAX_SEGS];
uint32_t purgatory_nsegs;
uint32_t purgatory_checksum;
uint32_t purgatory_fault;
struct purg_reloc purgatory_reloc;
struct purg_work purgatory_work;

void purgatory_main(void);

static const struct ho_phys phys = { .map = ho_phys_identity_map };

/* The boot data's memory map: x86_64 has at most 128, a DTB a few more. */
#define PURG_MEM_RANGES	256
static struct ho_mem_range mem_ranges[PURG_MEM_RANGES];
static uint8_t check_work[1 << 20];	/* 16 B per preserved range (ho/check.h) */

static void console_line(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			purg_arch_putc('\r');
		purg_arch_putc(*s);
	}
}

/* Test-only: the value of luo_purgatory.sha= on the command line, or AUTO. */
static enum ho_sha256_impl sha_requested(void)
{
	static const char key[] = "luo_purgatory.sha=";
	size_t i, k, cap = 0;
	const char *cl = purg_arch_cmdline(&cap);

	for (i = 0; cl && i < cap && cl[i]; i++) {
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

/* The policy poked; a number we do not know checks everything. */
static enum purg_checksum checksum_policy(void)
{
	return purgatory_checksum < PURG_CHECKSUM_COUNT ?
	       (enum purg_checksum)purgatory_checksum : PURG_CHECKSUM_ALL;
}

/*
 * Is segment s hashed under policy? The purgatory's own never; under
 * ALL every other one, whatever its flags say (a flag cannot weaken the
 * default); under NONE none; under OUTSIDE_SCRATCH those the loader did
 * not mark PURG_SEG_UNHASHED (checked by unhashed_in_scratch()).
 */
static bool seg_hashed(const struct purg_seg *s, enum purg_checksum policy)
{
	if (s->flags & PURG_SEG_SELF)
		return false;
	if (policy == PURG_CHECKSUM_ALL)
		return true;
	if (policy == PURG_CHECKSUM_NONE)
		return false;
	return !(s->flags & PURG_SEG_UNHASHED);
}

static __attribute__((noreturn)) void seg_stop(uint32_t i, const char *why)
{
	char line[160];
	struct ho_sbuf sb;

	ho_sb_init(&sb, line, sizeof(line));
	ho_sb_puts(&sb, "luo-purgatory: segment ");
	ho_sb_dec(&sb, i);
	ho_sb_puts(&sb, " at ");
	ho_sb_hex(&sb, purgatory_segs[i].mem);
	ho_sb_puts(&sb, ": ");
	ho_sb_puts(&sb, why);
	ho_sb_puts(&sb, ": stopping\n");
	console_line(line);
	purg_arch_stop();
}

/* How many segments policy hashes. */
static uint32_t count_hashed(enum purg_checksum policy)
{
	uint32_t i, n = 0;

	for (i = 0; i < purgatory_nsegs && i < PURG_MAX_SEGS; i++)
		n += seg_hashed(&purgatory_segs[i], policy);
	return n;
}

static void verify_segments(enum ho_sha256_impl impl, enum purg_checksum policy)
{
	uint8_t digest[HO_SHA256_SIZE];
	struct ho_sha256 st;
	uint32_t i;

	for (i = 0; i < purgatory_nsegs && i < PURG_MAX_SEGS; i++) {
		const struct purg_seg *s = &purgatory_segs[i];

		if (!seg_hashed(s, policy))
			continue;
		ho_sha256_init_impl(&st, impl);
		ho_sha256_update(&st, (const void *)(uintptr_t)s->mem, s->len);
		ho_sha256_final(&st, digest);
		if (ho_memcmp(digest, s->sha256, sizeof(digest)))
			seg_stop(i, "SHA-256 mismatch, image corrupted");
	}
}

/*
 * OUTSIDE_SCRATCH: the loader's word that a segment lies in scratch is
 * checked against the scratch table the boot data carries (kd; NULL: no
 * handover found, so no scratch). An unhashed segment outside it is
 * unverified memory the policy does not cover: stop, as on a mismatch.
 */
static void unhashed_in_scratch(const struct ho_handover *kd)
{
	uint32_t i;

	/*
	 * The table is in an unhashed segment itself: read it only where it
	 * can be read (8-aligned: arm64 runs with the MMU off, where an
	 * unaligned load faults); a table that cannot is no scratch.
	 */
	if (kd && ((kd->scratch_addr & 7) || (kd->scratch_size & 15) ||
		   !ho_range_ok(kd->scratch_addr, kd->scratch_size)))
		kd = NULL;
	for (i = 0; i < purgatory_nsegs && i < PURG_MAX_SEGS; i++) {
		const struct purg_seg *s = &purgatory_segs[i];

		if (s->flags & PURG_SEG_SELF || !(s->flags & PURG_SEG_UNHASHED))
			continue;
		if (!kd || !purg_in_scratch(s->mem, s->memsz,
					    (const uint64_t *)(uintptr_t)kd->scratch_addr,
					    kd->scratch_size))
			seg_stop(i, "not hashed (checksum=outside-scratch) and not inside "
				 "the handover's scratch");
	}
}

/*
 * Test-only: damage the handover kd describes the way purgatory_fault says
 * (the library's fault classes, ho/fault.h). The faults of the image and of
 * the boot data's framing are injected before, in purgatory_main().
 */
static void inject_fault(struct ho_handover *kd)
{
	switch (purgatory_fault) {
	case PURG_FAULT_FDT_MAGIC:
		ho_fault_fdt_magic(&phys, kd);
		break;
	case PURG_FAULT_SCRATCH_UNALIGNED:
		ho_fault_scratch_unaligned(&phys, kd);
		break;
	case PURG_FAULT_SCRATCH_OVERLAP:
		/* no room known after the table: one range gets misaligned */
		ho_fault_scratch_overlap(&phys, kd, kd->scratch_size);
		break;
	case PURG_FAULT_LUO_COMPATIBLE:
		ho_fault_luo_compatible(&phys, &phys, kd);
		break;
	case PURG_FAULT_LUO_V5_BLOCK_COUNT:
		ho_fault_luo_v5_block_count(&phys, &phys, kd);
		break;
	}
}

/*
 * Move the KHO FDT and scratch table into the area the loader reserved, when
 * asked, or when the FDT lies in scratch: the new kernel allocates from
 * scratch before it reserves preserved pages, and only the scratch table is
 * reserved by then (a segment over either was caught by the checksums or
 * ho_check_handover already). kd and the boot data's descriptor follow the
 * move.
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

static int relocate(struct ho_handover *kd, const struct ho_segment *segs,
		    uint32_t n, const struct ho_env *env, struct ho_report *rep)
{
	const struct purg_reloc *r = &purgatory_reloc;
	struct ho_handover moved = *kd;
	int err;

	if (!r->addr || !r->size ||
	    (!(r->flags & PURG_RELOC_ALWAYS) && !fdt_in_scratch(kd)))
		return HO_OK;
	err = ho_relocate(&moved, (const void *)(uintptr_t)kd->fdt_addr,
			  (const void *)(uintptr_t)kd->scratch_addr,
			  (void *)(uintptr_t)r->addr, r->addr, r->size);
	if (!err)
		err = ho_check_handover(&moved, segs, n, env, rep);
	if (!err)
		err = purg_arch_handover_update(&moved);
	if (err)
		return err;
	*kd = moved;
	return HO_OK;
}

struct sha_run {
	enum ho_sha256_impl impl;
	uint64_t cycles;
	const char *note;	/* what the arch changed for it, or NULL */
	enum purg_checksum policy;
	uint32_t hashed, segs;	/* segments hashed, segments but our own */
};

/* "ni", "ce", "c"; "none" when no segment was hashed. */
static const char *sha_word(const struct sha_run *sha)
{
	return sha->hashed ? ho_sha256_name(sha->impl) : "none";
}

/* ", checksum=outside-scratch: 1 of 3 segments hashed" */
static void checksum_words(struct ho_sbuf *sb, const struct sha_run *sha)
{
	ho_sb_puts(sb, ", checksum=");
	ho_sb_puts(sb, purg_checksum_name(sha->policy));
	ho_sb_puts(sb, ": ");
	ho_sb_dec(sb, sha->hashed);
	ho_sb_puts(sb, " of ");
	ho_sb_dec(sb, sha->segs);
	ho_sb_puts(sb, " segments hashed");
}

/* Append the purgatory's stamps (counter ticks) to the handover's trace. */
static void trace_stamps(const struct ho_handover *kd,
			 const struct ho_env *env, const struct ho_segment *segs,
			 uint32_t n, const uint64_t *t, uint32_t nt)
{
	static const uint16_t ev[] = {
		LUO_RFC_TRACE_EV_PURG_START, LUO_RFC_TRACE_EV_PURG_SHA_END,
		LUO_RFC_TRACE_EV_PURG_CHECK_END, LUO_RFC_TRACE_EV_PURG_JUMP,
	};
	const char *why;
	void *tr = ho_trace_find(kd, env, segs, n, &why);
	uint64_t hz = purg_arch_cycles_hz();
	uint32_t i;

	if (!tr)
		return;
	/* An architected rate beats kernel A's estimate from its stamps. */
	if (hz)
		ho_trace_set_hz(tr, LUO_RFC_TRACE_SIZE, hz);
	for (i = 0; i < nt && i < sizeof(ev) / sizeof(ev[0]); i++)
		ho_trace_append(tr, LUO_RFC_TRACE_SIZE, ev[i],
				LUO_RFC_TRACE_CLOCK_CYCLES, 0, t[i]);
	/* the jump: as late as the generic code can stamp it */
	ho_trace_append(tr, LUO_RFC_TRACE_SIZE, LUO_RFC_TRACE_EV_PURG_JUMP,
			LUO_RFC_TRACE_CLOCK_CYCLES, 0, purg_arch_cycles());
}

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
		ho_sb_puts(&sb, "; booting without it (checksum=");
		ho_sb_puts(&sb, purg_checksum_name(sha->policy));
		ho_sb_puts(&sb, ")");
	} else {
		ho_sb_puts(&sb, ", ");
		ho_sb_dec(&sb, cycles);
		ho_sb_puts(&sb, " cycles (SHA-256 of the segments ");
		ho_sb_dec(&sb, sha->cycles);
		ho_sb_puts(&sb, ", sha=");
		ho_sb_puts(&sb, sha_word(sha));
		if (sha->note) {
			ho_sb_puts(&sb, ", ");
			ho_sb_puts(&sb, sha->note);
		}
		checksum_words(&sb, sha);
		ho_sb_puts(&sb, ")");
	}
	ho_sb_puts(&sb, "\n");
	console_line(line);
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
	struct ho_segment segs[PURG_MAX_SEGS];
	struct ho_memmap mm = { .ranges = mem_ranges };
	struct ho_env env = {
		.memmap = &mm, .phys = &phys, .schemas = ho_schemas,
		.page_size = PURG_ARCH_PAGE_SIZE,
	};
	struct ho_report rep = { 0 };
	struct ho_handover kd;
	struct sha_run sha;
	uint64_t t0 = purg_arch_cycles();
	uint32_t i, n = 0;
	int err;

	work_area(&env);
	if (purgatory_fault == PURG_FAULT_IMAGE_CHECKSUM && purgatory_nsegs)
		*(uint8_t *)(uintptr_t)purgatory_segs[0].mem ^= 1;
	sha.policy = checksum_policy();
	sha.hashed = count_hashed(sha.policy);
	sha.segs = count_hashed(PURG_CHECKSUM_ALL);
	sha.impl = HO_SHA256_C;
	sha.note = NULL;
	/* Nothing to hash: the arch is not asked (x86_64 leaves SSE off). */
	if (sha.hashed) {
		sha.impl = purg_arch_sha_begin(sha_requested(), &sha.note);
		verify_segments(sha.impl, sha.policy);
		purg_arch_sha_end();
	}
	sha.cycles = purg_arch_cycles() - t0;

	if (purgatory_fault == PURG_FAULT_KHO_DATA_SIZE)
		purg_arch_fault_handover_size();
	err = purg_arch_handover(&kd);
	if (sha.policy == PURG_CHECKSUM_OUTSIDE_SCRATCH)
		unhashed_in_scratch(err ? NULL : &kd);
	if (err == HO_ERR_NOT_FOUND) {
		say("no handover", 0, 0, purg_arch_cycles() - t0, &sha);
		return;
	}
	if (!err && purgatory_fault)
		inject_fault(&kd);
	if (!err)
		err = purg_arch_memmap(mem_ranges, PURG_MEM_RANGES, &mm.count);
	for (i = 0; i < purgatory_nsegs && i < PURG_MAX_SEGS; i++) {
		segs[n].mem = purgatory_segs[i].mem;
		segs[n++].memsz = purgatory_segs[i].memsz;
	}
	if (!err)
		err = ho_check_handover(&kd, segs, n, &env, &rep);
	if (!err)
		err = relocate(&kd, segs, n, &env, &rep);
	if (!err) {
		uint64_t now = purg_arch_cycles(), cycles = now - t0;
		uint64_t stamps[3] = { t0, t0 + sha.cycles, now };
		char num[24];
		struct ho_sbuf sb;

		ho_sb_init(&sb, num, sizeof(num));
		ho_sb_dec(&sb, cycles);
		purg_arch_cmdline_append("luo_stage.cycles", num);
		purg_arch_cmdline_append("luo_stage.sha", sha_word(&sha));
		purg_arch_cmdline_append("luo_stage.checksum",
					 purg_checksum_name(sha.policy));
		say(kd.fdt_addr == purgatory_reloc.addr && kd.fdt_addr ?
		    "handover ok, relocated" : "handover ok", 0, 0, cycles, &sha);
		trace_stamps(&kd, &env, segs, n, stamps, 3);
		return;
	}
	/* Fall back to a clean boot: no handover, the error passed on. */
	purg_arch_handover_drop();
	purg_arch_cmdline_append("luo_stage.err", ho_errname(err));
	purg_arch_cmdline_append("luo_stage.checksum", purg_checksum_name(sha.policy));
	say("handover rejected", err, &rep, 0, &sha);
}
