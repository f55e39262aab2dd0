/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Library-internal helpers shared by the check files: failure reports and
 * typed property reads. Not installed; front ends use include/ho/.
 */
#ifndef HO_INTERNAL_H
#define HO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libfdt.h>

#include "ho/ho.h"

/* Zero a report (NULL-safe); every public check starts with this. */
void ho_report_clear(struct ho_report *rep);

/*
 * Record err in rep (NULL-safe): path = "<where>:<path of node in fdt>"
 * (node < 0: just where), detail = what, then " = <val>" when has_val.
 * Returns err, so "return ho_fail(...)" reads naturally.
 */
int ho_fail(struct ho_report *rep, int err, const char *where,
	    const void *fdt, int node, const char *what,
	    bool has_val, uint64_t val);

static inline int ho_fail_at(struct ho_report *rep, int err, const char *where,
			     const void *fdt, int node, const char *what)
{
	return ho_fail(rep, err, where, fdt, node, what, false, 0);
}

static inline int ho_fail_val(struct ho_report *rep, int err, const char *where,
			      const void *fdt, int node, const char *what,
			      uint64_t val)
{
	return ho_fail(rep, err, where, fdt, node, what, true, val);
}

/*
 * Read a property of exactly the expected size; MISSING_PROP / PROP_SIZE
 * reported against node otherwise.
 */
int ho_prop_u64(const void *fdt, int node, const char *name, uint64_t *val,
		const char *where, struct ho_report *rep);
int ho_prop_u32(const void *fdt, int node, const char *name, uint32_t *val,
		const char *where, struct ho_report *rep);
/* A NUL-terminated, non-empty string without embedded NULs. */
int ho_prop_str(const void *fdt, int node, const char *name, const char **val,
		const char *where, struct ho_report *rep);
/* Check a string property's bytes: returns HO_OK or STRING_NO_NUL/BAD. */
int ho_str_valid(const char *s, int len);

/* Range in usable RAM, with overflow and zero size as distinct errors. */
int ho_check_addr(const struct ho_memmap *mm, uint64_t addr, uint64_t size,
		  const char *where, const void *fdt, int node,
		  const char *what, struct ho_report *rep);

/* ho_fdt_check() reporting failures under the name where. */
int ho_fdt_check_at(const void *fdt, uint64_t bufsize, const char *where,
		    struct ho_report *rep);

/* ho_schema_check() on an FDT that passed ho_fdt_check_at(). */
int ho_schema_check_at(const void *fdt, const struct ho_schema *schema,
		       const struct ho_memmap *mm, const char *where,
		       struct ho_report *rep);

/*
 * Map an FDT at physical addr through env->phys: its header, then
 * min(totalsize, max) bytes, each checked against env->memmap first.
 * The caller still runs ho_fdt_check_at() on the result.
 */
int ho_map_fdt(const struct ho_env *env, uint64_t addr, uint64_t max,
	       const void **fdt, uint64_t *size, const char *where,
	       struct ho_report *rep);

/* The blob checks without clearing the report; env is not NULL. */
int ho_kho_check_at(const void *fdt, uint64_t size, const struct ho_env *env,
		    struct ho_report *rep);
int ho_luo_check_at(const void *fdt, uint64_t size, const struct ho_env *env,
		    const char *where, struct ho_report *rep);
int ho_memfd_check_at(const void *fdt, uint64_t size,
		      const struct ho_env *env, const char *where,
		      struct ho_report *rep);

#endif /* HO_INTERNAL_H */
