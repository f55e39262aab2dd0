/* SPDX-License-Identifier: GPL-2.0-only */
/* Command line edits shared by every architecture's purgatory. */
#ifndef HO_CMDLINE_H
#define HO_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Append " key=value" to the NUL-terminated command line in buf[size]
 * (size includes the NUL: the boot protocol's command line capacity).
 * Nothing is changed when it does not fit.
 */
int ho_cmdline_append(char *buf, size_t size, const char *key,
		      const char *value);
int ho_cmdline_append_u64(char *buf, size_t size, const char *key,
			  uint64_t value);

#endif /* HO_CMDLINE_H */
