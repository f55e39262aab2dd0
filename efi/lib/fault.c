// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only damage of a handover (ho/fault.h): one function per fault class,
 * shared by the purgatory and the kernel's pre-jump check.
 */
#include "internal.h"
#include "ho/fault.h"

#include <linux/kho/abi/block.h>
#include <linux/kho/abi/luo.h>

/* An FDT whose header fits size: the only FDTs libfdt is let loose on. */
static bool fdt_fits(const void *fdt, uint64_t size)
{
	return fdt && size >= sizeof(struct fdt_header) && !fdt_check_header(fdt) &&
	       fdt_totalsize(fdt) <= size;
}

int ho_fault_fdt_magic(const struct ho_phys *w, const struct ho_handover *kd)
{
	uint8_t *fdt = ho_phys_map(w, kd->fdt_addr, kd->fdt_size);

	if (!fdt)
		return HO_ERR_ADDR_UNMAPPED;
	fdt[0] ^= 1;
	return HO_OK;
}

int ho_fault_scratch_unaligned(const struct ho_phys *w,
			       const struct ho_handover *kd)
{
	struct ho_scratch *sc = ho_phys_map(w, kd->scratch_addr,
					    kd->scratch_size);

	if (!sc || kd->scratch_size < sizeof(*sc))
		return HO_ERR_ADDR_UNMAPPED;
	sc[0].addr += 16;
	return HO_OK;
}

int ho_fault_scratch_overlap(const struct ho_phys *w, struct ho_handover *kd,
			     uint64_t cap)
{
	uint64_t n = kd->scratch_size / sizeof(struct ho_scratch);
	bool grow = n == 1 && cap >= kd->scratch_size + sizeof(struct ho_scratch);
	struct ho_scratch *sc;

	sc = ho_phys_map(w, kd->scratch_addr,
			 grow ? kd->scratch_size + sizeof(*sc) : kd->scratch_size);
	if (!sc || !n)
		return HO_ERR_ADDR_UNMAPPED;
	if (n == 1 && !grow) {
		sc[0].addr += 16;	/* one range cannot overlap another */
		return HO_OK;
	}
	sc[1] = sc[0];			/* the same range twice, inside RAM */
	if (grow)
		kd->scratch_size += sizeof(*sc);
	return HO_OK;
}

int ho_fault_fdt_size(struct ho_handover *kd)
{
	kd->fdt_size = 16;
	return HO_OK;
}

/* The address and size of the KHO root's subtree @name (read through r). */
static int kho_entry(const struct ho_phys *r, const struct ho_handover *kd,
		     const char *name, uint64_t *addr, uint64_t *size)
{
	const void *root = ho_phys_map(r, kd->fdt_addr, kd->fdt_size);
	int off = -1;

	if (fdt_fits(root, kd->fdt_size))
		off = fdt_subnode_offset(root, 0, name);
	if (off < 0 || !ho_fdt_u64(root, off, "preserved-data", addr) ||
	    !ho_fdt_u64(root, off, "blob-size", size))
		return HO_ERR_NOT_FOUND;
	return HO_OK;
}

int ho_fault_luo_compatible(const struct ho_phys *r, const struct ho_phys *w,
			    const struct ho_handover *kd)
{
	uint64_t addr, size;
	char *compat;
	void *blob;
	int len, err;

	err = kho_entry(r, kd, HO_LUO_SUBTREE, &addr, &size);
	if (err)
		return err;
	blob = ho_phys_map(w, addr, size);
	if (!fdt_fits(blob, size))
		return HO_ERR_ADDR_UNMAPPED;
	compat = fdt_getprop_w(blob, 0, "compatible", &len);
	if (!compat || len < 2)
		return HO_ERR_NOT_FOUND;
	compat[0] ^= 0x20;
	return HO_OK;
}

int ho_fault_luo_v5_block_count(const struct ho_phys *r,
				const struct ho_phys *w,
				const struct ho_handover *kd)
{
	const struct luo_ser *ser;
	struct kho_block_header_ser *hd;
	uint64_t addr, size, sessions;
	int err;

	err = kho_entry(r, kd, HO_LUO_V5_ENTRY, &addr, &size);
	if (err)
		return err;
	ser = ho_phys_map(r, addr, sizeof(*ser));
	if (!ser || size < sizeof(*ser))
		return HO_ERR_ADDR_UNMAPPED;
	ho_memcpy(&sessions, &ser->sessions_pa, sizeof(sessions));
	if (!sessions)
		return HO_ERR_NOT_FOUND;
	hd = ho_phys_map(w, sessions, sizeof(*hd));
	if (!hd)
		return HO_ERR_ADDR_UNMAPPED;
	hd->count = 0;
	return HO_OK;
}

int ho_fault_segment_outside(const struct ho_phys *r,
			     const struct ho_handover *kd,
			     struct ho_segment *segs, uint32_t nseg,
			     uint64_t len)
{
	const struct ho_scratch *sc = ho_phys_map(r, kd->scratch_addr,
						  kd->scratch_size);
	uint64_t end = 0, i;

	if (!sc)
		return HO_ERR_ADDR_UNMAPPED;
	if (!nseg)
		return HO_ERR_NOT_FOUND;
	for (i = 0; i < kd->scratch_size / sizeof(*sc); i++)
		if (sc[i].addr + sc[i].size > end)
			end = sc[i].addr + sc[i].size;
	segs[0].mem = end;
	segs[0].memsz = len;
	return HO_OK;
}
