// SPDX-License-Identifier: GPL-2.0-only
/*
 * Failure reports and the typed property reads every checker shares
 * (internal.h).
 */
#include "internal.h"

void ho_report_clear(struct ho_report *rep)
{
	if (!rep)
		return;
	rep->err = HO_OK;
	rep->path[0] = '\0';
	rep->detail[0] = '\0';
}

int ho_fail(struct ho_report *rep, int err, const char *where,
	    const void *fdt, int node, const char *what,
	    bool has_val, uint64_t val)
{
	struct ho_sbuf sb;

	if (!rep)
		return err;
	rep->err = err;
	ho_sb_init(&sb, rep->path, sizeof(rep->path));
	ho_sb_puts(&sb, where ? where : "");
	if (fdt && node >= 0) {
		ho_sb_puts(&sb, ":");
		if (sb.len + 1 < sb.size &&
		    fdt_get_path(fdt, node, sb.buf + sb.len,
				 (int)(sb.size - sb.len)) < 0)
			ho_sb_puts(&sb, "?");
	}
	ho_sb_init(&sb, rep->detail, sizeof(rep->detail));
	ho_sb_puts(&sb, what ? what : "");
	if (has_val) {
		ho_sb_puts(&sb, " = ");
		ho_sb_hex(&sb, val);
	}
	return err;
}

static const void *prop_sized(const void *fdt, int node, const char *name,
			      int want, const char *where,
			      struct ho_report *rep, int *err)
{
	const void *p;
	int len;

	p = ho_fdt_getprop(fdt, node, name, &len);
	if (!p) {
		*err = ho_fail_at(rep, HO_ERR_MISSING_PROP, where, fdt, node,
				  name);
		return 0;
	}
	if (len != want) {
		*err = ho_fail_val(rep, HO_ERR_PROP_SIZE, where, fdt, node,
				   name, (uint64_t)len);
		return 0;
	}
	*err = HO_OK;
	return p;
}

int ho_prop_u64(const void *fdt, int node, const char *name, uint64_t *val,
		const char *where, struct ho_report *rep)
{
	const void *p;
	int err;

	p = prop_sized(fdt, node, name, 8, where, rep, &err);
	if (p)
		*val = ho_get_u64(p);
	return err;
}

int ho_prop_u32(const void *fdt, int node, const char *name, uint32_t *val,
		const char *where, struct ho_report *rep)
{
	const void *p;
	int err;

	p = prop_sized(fdt, node, name, 4, where, rep, &err);
	if (p)
		*val = ho_get_u32(p);
	return err;
}

int ho_str_valid(const char *s, int len)
{
	if (len <= 0 || s[len - 1] != '\0')
		return HO_ERR_STRING_NO_NUL;
	if (len == 1 || ho_strnlen(s, len) != (size_t)len - 1)
		return HO_ERR_STRING_BAD;
	return HO_OK;
}

int ho_prop_str(const void *fdt, int node, const char *name, const char **val,
		const char *where, struct ho_report *rep)
{
	const char *p;
	int len, err;

	p = ho_fdt_getprop(fdt, node, name, &len);
	if (!p)
		return ho_fail_at(rep, HO_ERR_MISSING_PROP, where, fdt, node,
				  name);
	err = ho_str_valid(p, len);
	if (err)
		return ho_fail_at(rep, err, where, fdt, node, name);
	*val = p;
	return HO_OK;
}

int ho_root_compat(const void *fdt, const char *want, const char *where,
		   struct ho_report *rep)
{
	const char *compat;
	int err;

	err = ho_prop_str(fdt, 0, "compatible", &compat, where, rep);
	if (err)
		return err;
	if (ho_strcmp(compat, want))
		return ho_fail_at(rep, HO_ERR_BAD_COMPATIBLE, where, fdt, 0,
				  "compatible");
	return HO_OK;
}

int ho_check_addr(const struct ho_memmap *mm, uint64_t addr, uint64_t size,
		  const char *where, const void *fdt, int node,
		  const char *what, struct ho_report *rep)
{
	if (!ho_range_ok(addr, size))
		return ho_fail_val(rep, HO_ERR_ADDR_OVERFLOW, where, fdt, node,
				   what, addr);
	if (mm && !ho_mem_usable(mm, addr, size))
		return ho_fail_val(rep, HO_ERR_ADDR_OUTSIDE_RAM, where, fdt,
				   node, what, addr);
	return HO_OK;
}

int ho_map_fdt(const struct ho_env *env, uint64_t addr, uint64_t max,
	       const void **fdt, uint64_t *size, const char *where,
	       struct ho_report *rep)
{
	const uint64_t hsize = sizeof(struct fdt_header);
	const void *hdr;
	uint64_t total;
	int err;

	if (max < hsize)
		return ho_fail_val(rep, HO_ERR_FDT_TRUNCATED, where, 0, -1,
				   "FDT size", max);
	err = ho_check_addr(env->memmap, addr, hsize, where, 0, -1,
			    "FDT header", rep);
	if (err)
		return err;
	hdr = ho_phys_map(env->phys, addr, hsize);
	if (!hdr)
		return ho_fail_val(rep, HO_ERR_ADDR_UNMAPPED, where, 0, -1,
				   "FDT header", addr);
	if ((addr | (uintptr_t)hdr) & 7)
		return ho_fail_val(rep, HO_ERR_FDT_ALIGNMENT, where, 0, -1,
				   "FDT", addr);
	total = fdt_totalsize(hdr);
	if (total > max)
		total = max;
	if (total < hsize)
		total = hsize;
	err = ho_check_addr(env->memmap, addr, total, where, 0, -1, "FDT",
			    rep);
	if (err)
		return err;
	*fdt = ho_phys_map(env->phys, addr, total);
	if (!*fdt)
		return ho_fail_val(rep, HO_ERR_ADDR_UNMAPPED, where, 0, -1,
				   "FDT", addr);
	*size = total;
	return HO_OK;
}
