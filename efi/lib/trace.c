// SPDX-License-Identifier: GPL-2.0-only
/*
 * The phase trace (ho/trace.h, <linux/kho/abi/luo_rfc_trace.h>): format
 * checks, append, decode, and the LUO root property's rules for the
 * validator (ho_trace_check_prop, called from luo.c).
 */
#include "internal.h"
#include "ho/trace.h"

#define HDR	sizeof(struct luo_rfc_trace_hdr)
#define ENT	sizeof(struct luo_rfc_trace_entry)

_Static_assert(sizeof(struct luo_rfc_trace_hdr) == 32, "trace header layout");
_Static_assert(sizeof(struct luo_rfc_trace_entry) == 16, "trace entry layout");

const char *ho_trace_bad(const void *t, uint64_t size)
{
	struct luo_rfc_trace_hdr h;

	if (!t)
		return "no trace";
	if (size < HDR)
		return "shorter than its header";
	ho_memcpy(&h, t, HDR);
	if (h.magic != LUO_RFC_TRACE_MAGIC)
		return "wrong magic";
	if (h.version != LUO_RFC_TRACE_VERSION)
		return "unknown version";
	if (h.entry_size != ENT)
		return "wrong entry size";
	if (h.capacity > (size - HDR) / ENT)
		return "capacity past its page";
	if (h.count > h.capacity)
		return "count past capacity";
	return 0;
}

void ho_trace_init(void *t, uint64_t size, uint64_t cycles_hz)
{
	struct luo_rfc_trace_hdr h = {
		.magic = LUO_RFC_TRACE_MAGIC,
		.version = LUO_RFC_TRACE_VERSION,
		.entry_size = ENT,
		.capacity = (uint32_t)((size - HDR) / ENT),
		.cycles_hz = cycles_hz,
	};

	ho_memset(t, 0, size);
	ho_memcpy(t, &h, HDR);
}

bool ho_trace_append(void *t, uint64_t size, uint16_t event, uint16_t clock,
		     uint32_t arg, uint64_t value)
{
	struct luo_rfc_trace_entry e = {
		.event = event, .clock = clock, .arg = arg, .value = value,
	};
	struct luo_rfc_trace_hdr h;

	if (ho_trace_bad(t, size))
		return false;
	ho_memcpy(&h, t, HDR);
	if (h.count >= h.capacity) {
		h.dropped++;
		ho_memcpy(t, &h, HDR);
		return false;
	}
	ho_memcpy((uint8_t *)t + HDR + (uint64_t)h.count * ENT, &e, ENT);
	h.count++;
	ho_memcpy(t, &h, HDR);
	return true;
}

bool ho_trace_set_hz(void *t, uint64_t size, uint64_t cycles_hz)
{
	struct luo_rfc_trace_hdr h;

	if (ho_trace_bad(t, size))
		return false;
	ho_memcpy(&h, t, HDR);
	h.cycles_hz = cycles_hz;
	ho_memcpy(t, &h, HDR);
	return true;
}

bool ho_trace_entry(const void *t, uint64_t size, uint32_t i,
		    struct luo_rfc_trace_entry *e)
{
	struct luo_rfc_trace_hdr h;

	if (ho_trace_bad(t, size))
		return false;
	ho_memcpy(&h, t, HDR);
	if (i >= h.count)
		return false;
	ho_memcpy(e, (const uint8_t *)t + HDR + (uint64_t)i * ENT, ENT);
	return true;
}

static const char *const event_names[LUO_RFC_TRACE_EV_MAX + 1] = {
	[LUO_RFC_TRACE_EV_PREPARE_START] = "prepare-start",
	[LUO_RFC_TRACE_EV_FILE_PREPARE] = "file-prepare",
	[LUO_RFC_TRACE_EV_PREPARE_END] = "prepare-end",
	[LUO_RFC_TRACE_EV_FREEZE_START] = "freeze-start",
	[LUO_RFC_TRACE_EV_FILE_FREEZE] = "file-freeze",
	[LUO_RFC_TRACE_EV_FREEZE_END] = "freeze-end",
	[LUO_RFC_TRACE_EV_KEXEC_CALL] = "kexec-call",
	[LUO_RFC_TRACE_EV_PREJUMP_END] = "prejump-end",
	[LUO_RFC_TRACE_EV_PURG_START] = "purgatory-start",
	[LUO_RFC_TRACE_EV_PURG_SHA_END] = "purgatory-checksums-end",
	[LUO_RFC_TRACE_EV_PURG_CHECK_END] = "purgatory-check-end",
	[LUO_RFC_TRACE_EV_PURG_JUMP] = "purgatory-jump",
	[LUO_RFC_TRACE_EV_IN_LUO_START] = "in-luo-start",
	[LUO_RFC_TRACE_EV_IN_LUO_READY] = "in-luo-ready",
	[LUO_RFC_TRACE_EV_IN_SESSION_RETRIEVE] = "in-session-retrieve",
	[LUO_RFC_TRACE_EV_IN_FILE_RETRIEVE] = "in-file-retrieve",
	[LUO_RFC_TRACE_EV_IN_FINISH] = "in-finish",
};

const char *ho_trace_event_name(uint16_t event)
{
	if (event > LUO_RFC_TRACE_EV_MAX || !event_names[event])
		return "unknown";
	return event_names[event];
}

const char *ho_trace_clock_name(uint16_t clock)
{
	switch (clock) {
	case LUO_RFC_TRACE_CLOCK_CYCLES:
		return "cycles";
	case LUO_RFC_TRACE_CLOCK_OUT_NS:
		return "out-ns";
	case LUO_RFC_TRACE_CLOCK_IN_NS:
		return "in-ns";
	}
	return "unknown";
}

/*
 * The validator's rules for the LUO root's optional "trace" (luo.c): a u64
 * of 8 bytes, not 0, page aligned, LUO_RFC_TRACE_SIZE bytes of RAM, one
 * preserved range for the disjointness sweep (so outside scratch and every
 * segment), and a block of at least LUO_RFC_TRACE_SIZE bytes in KHO's tree,
 * as the receiving kernel restores it. Its contents are not checked here:
 * a bad trace is ignored by its readers, never a reason to refuse.
 */
int ho_trace_check_prop(const void *fdt, const struct ho_env *env,
			struct ho_work *w, const char *where,
			struct ho_report *rep)
{
	uint64_t addr;
	int err;

	if (!fdt_getprop(fdt, 0, LUO_RFC_PROP_TRACE, 0))
		return HO_OK;
	err = ho_prop_u64(fdt, 0, LUO_RFC_PROP_TRACE, &addr, where, rep);
	if (err)
		return err;
	if (!addr)
		return ho_fail_at(rep, HO_ERR_PHYS_ZERO, where, fdt, 0,
				  LUO_RFC_PROP_TRACE);
	if (addr & (w->page_size - 1))
		return ho_fail_val(rep, HO_ERR_PROP_UNALIGNED, where, fdt, 0,
				   LUO_RFC_PROP_TRACE, addr);
	err = ho_check_addr(env->memmap, addr, LUO_RFC_TRACE_SIZE, where, fdt,
			    0, LUO_RFC_PROP_TRACE, rep);
	if (!err)
		err = ho_work_add(w, addr, w->page_size, "trace", rep);
	if (!err)
		err = ho_radix_prove(env, w, addr, -1, LUO_RFC_TRACE_SIZE,
				     "trace", rep);
	return err;
}

/* An FDT whose header fits size: the only FDTs libfdt is let loose on. */
static const void *fdt_at(const struct ho_env *env, uint64_t addr,
			  uint64_t size)
{
	const void *fdt = ho_phys_map(env->phys, addr, size);

	if (!fdt || size < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) > size)
		return 0;
	return fdt;
}

void *ho_trace_find(const struct ho_handover *kd, const struct ho_env *env,
		    const struct ho_segment *segs, uint32_t nseg,
		    const char **why)
{
	const struct ho_scratch *sc;
	struct ho_report rep = { 0 };
	uint64_t addr, size, i;
	const void *root, *blob;
	void *t;
	int node;

	*why = "no KHO root";
	root = fdt_at(env, kd->fdt_addr, kd->fdt_size);
	if (!root)
		return 0;
	*why = "no LUO blob";
	node = fdt_subnode_offset(root, 0, HO_LUO_SUBTREE);
	if (node < 0 || !ho_fdt_u64(root, node, "preserved-data", &addr) ||
	    !ho_fdt_u64(root, node, "blob-size", &size))
		return 0;
	blob = fdt_at(env, addr, size);
	if (!blob)
		return 0;
	*why = "no trace property";
	if (!ho_fdt_u64(blob, 0, LUO_RFC_PROP_TRACE, &addr))
		return 0;
	*why = "trace not page aligned";
	if (!addr || (addr & (LUO_RFC_TRACE_SIZE - 1)) ||
	    !ho_range_ok(addr, LUO_RFC_TRACE_SIZE))
		return 0;
	*why = "trace not in RAM";
	if (env->memmap && ho_check_addr(env->memmap, addr, LUO_RFC_TRACE_SIZE,
					 "trace", blob, 0,
					 LUO_RFC_PROP_TRACE, &rep))
		return 0;
	*why = "trace over a kexec segment";
	for (i = 0; i < nseg; i++)
		if (ho_ranges_overlap(addr, LUO_RFC_TRACE_SIZE, segs[i].mem,
				      segs[i].memsz))
			return 0;
	*why = "trace in scratch";
	sc = ho_phys_map(env->phys, kd->scratch_addr, kd->scratch_size);
	for (i = 0; sc && i < kd->scratch_size / sizeof(*sc); i++)
		if (ho_ranges_overlap(addr, LUO_RFC_TRACE_SIZE, sc[i].addr,
				      sc[i].size))
			return 0;
	t = ho_phys_map(env->phys, addr, LUO_RFC_TRACE_SIZE);
	*why = ho_trace_bad(t, LUO_RFC_TRACE_SIZE);
	return *why ? 0 : t;
}
