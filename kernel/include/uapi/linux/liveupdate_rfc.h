/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Phase control and KHO query ioctls of the RFC Live Update Orchestrator.
 *
 * These ioctls are issued on /dev/liveupdate next to the session ioctls of
 * <linux/liveupdate.h>. They share its ioctl type (0xBA) and the "size
 * first" structure convention, and use command numbers from 0x80 up so
 * they never collide with the upstream ones (0x00-0x3f on the device,
 * 0x40-0x7f on session file descriptors).
 */
#ifndef _UAPI_LINUX_LIVEUPDATE_RFC_H
#define _UAPI_LINUX_LIVEUPDATE_RFC_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/liveupdate.h>

/**
 * enum liveupdate_state - global state of the live update orchestrator
 * @LIVEUPDATE_STATE_NORMAL:   no live update in progress; sessions and files
 *                             may be added and removed freely.
 * @LIVEUPDATE_STATE_PREPARED: every participant has prepared (e.g. memfd
 *                             folios are pinned and KHO-preserved); the
 *                             workload still runs.
 * @LIVEUPDATE_STATE_FROZEN:   the handover blob is final; the next step is
 *                             the kexec jump.
 * @LIVEUPDATE_STATE_UPDATED:  this kernel was started by a live update and
 *                             preserved state waits to be retrieved; ends
 *                             with finish.
 * @LIVEUPDATE_STATE_DISABLED: the orchestrator is off (kho=off,
 *                             liveupdate=off, or the incoming handover blob
 *                             was invalid).
 */
enum liveupdate_state {
	LIVEUPDATE_STATE_NORMAL = 1,
	LIVEUPDATE_STATE_PREPARED = 2,
	LIVEUPDATE_STATE_FROZEN = 3,
	LIVEUPDATE_STATE_UPDATED = 4,
	LIVEUPDATE_STATE_DISABLED = 5,
};

enum {
	LIVEUPDATE_CMD_RFC_BASE = 0x80,
	LIVEUPDATE_CMD_GET_STATE = LIVEUPDATE_CMD_RFC_BASE,
	LIVEUPDATE_CMD_PREPARE = 0x81,
	LIVEUPDATE_CMD_FREEZE = 0x82,
	LIVEUPDATE_CMD_CANCEL = 0x83,
	LIVEUPDATE_CMD_FINISH = 0x84,
	LIVEUPDATE_CMD_GET_KHO_INFO = 0x85,
};

/**
 * struct liveupdate_ioctl_get_state - ioctl(LIVEUPDATE_IOCTL_GET_STATE)
 * @size:  Input; sizeof(struct liveupdate_ioctl_get_state)
 * @state: Output; one of &enum liveupdate_state
 */
struct liveupdate_ioctl_get_state {
	__u32	size;
	__u32	state;
};

#define LIVEUPDATE_IOCTL_GET_STATE \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_GET_STATE)

/**
 * struct liveupdate_ioctl_phase - argument of the phase ioctls
 * @size:     Input; sizeof(struct liveupdate_ioctl_phase)
 * @reserved: Input; must be zero
 *
 * LIVEUPDATE_IOCTL_PREPARE: normal -> prepared. Every subsystem prepares, in
 * registration order; on failure those already prepared are cancelled in
 * reverse order and the error is returned.
 * LIVEUPDATE_IOCTL_FREEZE: prepared -> frozen. Every subsystem freezes and the
 * handover blob is written; on failure everything is cancelled (state normal).
 * LIVEUPDATE_IOCTL_CANCEL: prepared or frozen -> normal.
 * LIVEUPDATE_IOCTL_FINISH: updated -> normal; releases every preserved
 * resource that was not retrieved.
 * A transition that is not allowed from the current state fails with EBUSY.
 */
struct liveupdate_ioctl_phase {
	__u32	size;
	__u32	reserved;
};

#define LIVEUPDATE_IOCTL_PREPARE \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_PREPARE)
#define LIVEUPDATE_IOCTL_FREEZE \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_FREEZE)
#define LIVEUPDATE_IOCTL_CANCEL \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_CANCEL)
#define LIVEUPDATE_IOCTL_FINISH \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_FINISH)

/**
 * struct liveupdate_kho_range - one KHO scratch range
 * @addr: physical start address
 * @size: size in bytes
 */
struct liveupdate_kho_range {
	__aligned_u64	addr;
	__aligned_u64	size;
};

/**
 * struct liveupdate_ioctl_kho_info - ioctl(LIVEUPDATE_IOCTL_GET_KHO_INFO)
 * @size:       Input; sizeof(struct liveupdate_ioctl_kho_info)
 * @nr_scratch: Output; number of KHO scratch ranges
 * @fdt_phys:   Output; physical address of the outgoing KHO root FDT
 * @fdt_size:   Output; size of the buffer that holds the KHO root FDT
 * @ranges:     Input; user pointer to an array of
 *              &struct liveupdate_kho_range, or 0 to only count
 * @max_ranges: Input; number of entries @ranges has room for
 * @reserved:   Input; must be zero
 *
 * Everything a userspace kexec_load() loader needs to hand KHO over by
 * itself: on x86 it builds a SETUP_KEXEC_KHO setup_data entry from
 * @fdt_phys/@fdt_size and a copy of the scratch ranges, and places every
 * segment inside a scratch range. The ranges are the kernel's scratch
 * table exactly as kexec_file_load() hands it over, which may contain
 * entries of size 0 (an empty per-node area). Fails with ENOSPC (after
 * filling @nr_scratch) when @max_ranges is too small, and ENODEV when KHO
 * is off.
 */
struct liveupdate_ioctl_kho_info {
	__u32		size;
	__u32		nr_scratch;
	__aligned_u64	fdt_phys;
	__aligned_u64	fdt_size;
	__aligned_u64	ranges;
	__u32		max_ranges;
	__u32		reserved;
};

#define LIVEUPDATE_IOCTL_GET_KHO_INFO \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_GET_KHO_INFO)

#endif /* _UAPI_LINUX_LIVEUPDATE_RFC_H */
