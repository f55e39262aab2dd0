/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live Update Orchestrator, RFC design: the phase trace of a live update.
 */

/**
 * DOC: luo-rfc phase trace
 *
 * The outgoing kernel allocates one KHO-preserved page for the trace of
 * this live update and names it in the LUO blob's root property
 * LUO_RFC_PROP_TRACE (<linux/kho/abi/luo_rfc.h>). Everyone on the path
 * appends fixed-size entries to it: the outgoing kernel (prepare, each
 * file's prepare and freeze, freeze, the kexec call, the pre-jump check),
 * the purgatory of luo-kexec (start, checksums, check, jump) and the
 * incoming kernel (LUO start, ready, each retrieve, finish), which exposes
 * it read-only as /sys/kernel/liveupdate/trace.
 *
 * The page starts with struct luo_rfc_trace_hdr, followed by @capacity
 * entries of struct luo_rfc_trace_entry, of which the first @count are
 * used; an appender that finds no room counts the entry in @dropped.
 * Everything is native endian. An entry carries one value of one clock:
 *
 *  - LUO_RFC_TRACE_CLOCK_CYCLES: the CPU's free-running counter (x86 TSC,
 *    arm64 cntvct_el0), which runs on across the kexec; @cycles_hz is its
 *    frequency (0: unknown; the outgoing kernel derives it from its own
 *    pairs of stamps);
 *  - LUO_RFC_TRACE_CLOCK_OUT_NS, LUO_RFC_TRACE_CLOCK_IN_NS: local_clock()
 *    of the outgoing and of the incoming kernel, nanoseconds since each
 *    one's boot.
 *
 * A kernel stamps an event twice (counter, then its clock) so that the
 * incoming kernel's boot can be placed on the counter's time line.
 * Within one clock the values never decrease.
 *
 * A reader never trusts the page: the magic, version, entry size and
 * capacity must fit in the bytes it has, @count is at most @capacity, and
 * a trace that fails is ignored (with a reason), never fatal. Changes to
 * the layout bump LUO_RFC_TRACE_VERSION; new event ids may be added.
 */
#ifndef _LINUX_KHO_ABI_LUO_RFC_TRACE_H
#define _LINUX_KHO_ABI_LUO_RFC_TRACE_H

#include <linux/types.h>

#define LUO_RFC_TRACE_MAGIC		0x54554c4fu	/* "OLUT" */
#define LUO_RFC_TRACE_VERSION		1
/* The trace's size in bytes: one page of the smallest size, 4 KiB. */
#define LUO_RFC_TRACE_SIZE		4096u

/**
 * struct luo_rfc_trace_hdr - the start of the trace page
 * @magic:      LUO_RFC_TRACE_MAGIC
 * @version:    LUO_RFC_TRACE_VERSION
 * @entry_size: sizeof(struct luo_rfc_trace_entry)
 * @capacity:   entries the page has room for after the header
 * @count:      entries used, at most @capacity
 * @dropped:    entries that found no room
 * @reserved:   0
 * @cycles_hz:  frequency of LUO_RFC_TRACE_CLOCK_CYCLES, 0 if unknown
 */
struct luo_rfc_trace_hdr {
	__u32 magic;
	__u16 version;
	__u16 entry_size;
	__u32 capacity;
	__u32 count;
	__u32 dropped;
	__u32 reserved;
	__u64 cycles_hz;
};

/**
 * struct luo_rfc_trace_entry - one stamp
 * @event: LUO_RFC_TRACE_EV_*
 * @clock: LUO_RFC_TRACE_CLOCK_*
 * @arg:   per event: the low 32 bits of the file's token for the per-file
 *         events, the session's index for a session retrieve, else 0
 * @value: the clock's value
 */
struct luo_rfc_trace_entry {
	__u16 event;
	__u16 clock;
	__u32 arg;
	__u64 value;
};

#define LUO_RFC_TRACE_CLOCK_CYCLES	1
#define LUO_RFC_TRACE_CLOCK_OUT_NS	2
#define LUO_RFC_TRACE_CLOCK_IN_NS	3

/*
 * Events, in the order a live update passes them (KEXEC_CALL comes first
 * when the kexec hook prepares by itself). New ids may be appended; the
 * readers' names are in the stage library (efi/lib/trace.c).
 */
enum luo_rfc_trace_event {
	LUO_RFC_TRACE_EV_PREPARE_START = 1,
	LUO_RFC_TRACE_EV_FILE_PREPARE = 2,
	LUO_RFC_TRACE_EV_PREPARE_END = 3,
	LUO_RFC_TRACE_EV_FREEZE_START = 4,
	LUO_RFC_TRACE_EV_FILE_FREEZE = 5,
	LUO_RFC_TRACE_EV_FREEZE_END = 6,
	LUO_RFC_TRACE_EV_KEXEC_CALL = 7,
	LUO_RFC_TRACE_EV_PREJUMP_END = 8,
	LUO_RFC_TRACE_EV_PURG_START = 9,
	LUO_RFC_TRACE_EV_PURG_SHA_END = 10,
	LUO_RFC_TRACE_EV_PURG_CHECK_END = 11,
	LUO_RFC_TRACE_EV_PURG_JUMP = 12,
	LUO_RFC_TRACE_EV_IN_LUO_START = 13,
	LUO_RFC_TRACE_EV_IN_LUO_READY = 14,
	LUO_RFC_TRACE_EV_IN_SESSION_RETRIEVE = 15,
	LUO_RFC_TRACE_EV_IN_FILE_RETRIEVE = 16,
	LUO_RFC_TRACE_EV_IN_FINISH = 17,
};

#define LUO_RFC_TRACE_EV_MAX		17

#endif /* _LINUX_KHO_ABI_LUO_RFC_TRACE_H */
