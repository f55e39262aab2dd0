/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phase trace of a live update (<linux/kho/abi/luo_rfc_trace.h>): one
 * page named by the LUO blob's optional "trace" property, to which the
 * outgoing kernel, the purgatory and the incoming kernel append stamps.
 * This module is the one reader and writer of the format: the kernel
 * (stage library built in), the purgatory and luo-kexec --trace use it.
 *
 * Nothing here trusts the page: every function checks the header against
 * the bytes it was given first, and writes only inside them. A bad trace is
 * a reason string, never an HO_ERR_* of the handover.
 */
#ifndef HO_TRACE_H
#define HO_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kho/abi/luo_rfc_trace.h>

#include "ho/check.h"
#include "ho/handover.h"

/*
 * NULL when the trace at t (size readable bytes) is usable, else why not
 * ("wrong magic", "count past capacity", ...). t NULL is "no trace".
 */
const char *ho_trace_bad(const void *t, uint64_t size);

/* Start an empty trace in size bytes at t (size >= the header). */
void ho_trace_init(void *t, uint64_t size, uint64_t cycles_hz);

/*
 * Append one entry. false, with nothing written, when the trace is bad
 * (ho_trace_bad) or full (then its dropped counter grows).
 */
bool ho_trace_append(void *t, uint64_t size, uint16_t event, uint16_t clock,
		     uint32_t arg, uint64_t value);

/*
 * Set the header's cycles_hz (a stage that knows the counter's architected
 * rate, arm64's CNTFRQ_EL0, writes it over the outgoing kernel's estimate).
 * false, nothing written, when the trace is bad.
 */
bool ho_trace_set_hz(void *t, uint64_t size, uint64_t cycles_hz);

/* "prepare-start", ...; "unknown" for an id not in LUO_RFC_TRACE_EVENTS. */
const char *ho_trace_event_name(uint16_t event);
/* "cycles", "out-ns", "in-ns"; "unknown" otherwise. */
const char *ho_trace_clock_name(uint16_t clock);

/*
 * The trace a handover names, for the purgatory after ho_check_handover()
 * passed: the KHO root's "luo-rfc" subtree, its blob's "trace" property,
 * the page in RAM of env->memmap (when given), outside every segment and
 * every scratch range, and its header sane. Returns the page (identity of
 * env->phys) or NULL with *why set ("no trace property", ...).
 */
void *ho_trace_find(const struct ho_handover *kd, const struct ho_env *env,
		    const struct ho_segment *segs, uint32_t nseg,
		    const char **why);

/*
 * Decoded view for printers: the stamp i of a usable trace; false past
 * count.
 */
bool ho_trace_entry(const void *t, uint64_t size, uint32_t i,
		    struct luo_rfc_trace_entry *e);

#endif /* HO_TRACE_H */
