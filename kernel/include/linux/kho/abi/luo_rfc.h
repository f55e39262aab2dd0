/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live Update Orchestrator, RFC design: the handover FDT "luo-rfc-v1".
 */

/**
 * DOC: luo-rfc-v1 handover ABI
 *
 * The LUO blob is an FDT reached from the KHO root through the subtree node
 * LUO_RFC_KHO_SUBTREE. Its root has compatible LUO_RFC_COMPATIBLE and a u64
 * LUO_RFC_PROP_COUNT, and three nodes:
 *
 *  - LUO_RFC_NODE_SUBSYSTEMS: one node per subsystem, named after it, with
 *    a string "compatible" and a u64 LUO_RFC_PROP_DATA. The files subsystem
 *    (LUO_RFC_FILES_NAME, LUO_RFC_FILES_COMPATIBLE) is always there.
 *  - LUO_RFC_NODE_SESSIONS: one node per session, named by its index in
 *    lower-case hex, with a string LUO_RFC_PROP_NAME.
 *  - LUO_RFC_NODE_FILES: one node per preserved file, named by its id in
 *    lower-case hex, with the handler's string "compatible", a u64
 *    LUO_RFC_PROP_TOKEN, a u32 LUO_RFC_PROP_SESSION (index of a node under
 *    LUO_RFC_NODE_SESSIONS) and a u64 LUO_RFC_PROP_DATA (the handler's data,
 *    for memfd-rfc-v2 see <linux/kho/abi/memfd_rfc.h>).
 *
 * The root may also carry an optional u64 LUO_RFC_PROP_TRACE: the physical
 * address of the phase trace, one page the outgoing kernel preserved with
 * KHO (kho_alloc_preserve()), page aligned, its layout in
 * <linux/kho/abi/luo_rfc_trace.h>. The property is checked like every other
 * one (8 bytes, not 0, aligned, RAM, preserved, disjoint from every other
 * preserved range); the page's contents are only a record: a bad trace is
 * ignored by everyone who reads it, never a reason to refuse the handover.
 *
 * Every u64 property is 8 bytes and every u32 4 bytes, native endian. The
 * full rules are fdt-schema/luo-rfc-v1.yaml and docs/handover-format.md.
 *
 * This interface is a contract between the outgoing kernel, the stage
 * library of luo-kexec (efi/lib, which includes this header) and the
 * receiving kernel. Any change to a node, a property, its size or meaning
 * is a breaking change and bumps LUO_RFC_COMPATIBLE (or, for the files
 * subsystem's part, LUO_RFC_FILES_COMPATIBLE); make check-schema compares
 * the strings here with the schema.
 *
 * Only string constants: the header has no types and includes nothing, so
 * it builds unchanged in the kernel and in the hosted and freestanding
 * stage library.
 */
#ifndef _LINUX_KHO_ABI_LUO_RFC_H
#define _LINUX_KHO_ABI_LUO_RFC_H

/* The KHO subtree that holds the blob. */
#define LUO_RFC_KHO_SUBTREE		"luo-rfc"

/* The blob's root. */
#define LUO_RFC_COMPATIBLE		"luo-rfc-v1"
#define LUO_RFC_PROP_COUNT		"liveupdate-count"
#define LUO_RFC_NODE_SUBSYSTEMS		"subsystems"
#define LUO_RFC_NODE_SESSIONS		"sessions"
#define LUO_RFC_NODE_FILES		"file-descriptors"
#define LUO_RFC_PROP_TRACE		"trace"

/* Properties of subsystem, session and file nodes. */
#define LUO_RFC_PROP_DATA		"data"
#define LUO_RFC_PROP_NAME		"name"
#define LUO_RFC_PROP_TOKEN		"token"
#define LUO_RFC_PROP_SESSION		"session"

/* The files subsystem, the first participant of every transition. */
#define LUO_RFC_FILES_NAME		"files"
#define LUO_RFC_FILES_COMPATIBLE	"luo-files-v1"

#endif /* _LINUX_KHO_ABI_LUO_RFC_H */
