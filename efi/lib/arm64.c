// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 boot data: the DTB's /chosen handover, bootargs and memory map
 * (ho/arm64.h). Plain libfdt over a structure-checked blob; every loop is
 * bounded by the blob (libfdt's offsets only grow) and by the caller's cap.
 */
#include "internal.h"
#include "ho/arm64.h"

/* The root's cells, 1 or 2 each (libfdt: 2 and 1 when absent). */
static int root_cells(const void *dtb, int *ac, int *sc)
{
	*ac = fdt_address_cells(dtb, 0);
	*sc = fdt_size_cells(dtb, 0);
	if (*ac < 1 || *ac > 2 || *sc < 1 || *sc > 2)
		return HO_ERR_PROP_RANGE;
	return HO_OK;
}

static uint64_t cells(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 4 * n; i++)
		v = v << 8 | p[i];
	return v;
}

int ho_dtb_chosen_range(const void *dtb, const char *prop, uint64_t *addr,
			uint64_t *size)
{
	int chosen = fdt_path_offset(dtb, "/chosen"), ac, sc, len, err;
	const uint8_t *p;

	if (chosen < 0)
		return HO_ERR_NOT_FOUND;
	p = fdt_getprop(dtb, chosen, prop, &len);
	if (!p)
		return HO_ERR_NOT_FOUND;
	err = root_cells(dtb, &ac, &sc);
	if (err)
		return err;
	if (len != 4 * (ac + sc))
		return HO_ERR_KHO_DATA_SIZE;
	*addr = cells(p, ac);
	*size = cells(p + 4 * ac, sc);
	return HO_OK;
}

static int fdt_err(int e)
{
	if (!e)
		return HO_OK;
	return e == -FDT_ERR_NOSPACE ? HO_ERR_NO_SPACE : HO_ERR_INVAL;
}

int ho_dtb_chosen_set_range(void *dtb, const char *prop, uint64_t addr,
			    uint64_t size)
{
	int chosen, ac, sc, err = root_cells(dtb, &ac, &sc);

	if (err)
		return err;
	if ((ac == 1 && addr > UINT32_MAX) || (sc == 1 && size > UINT32_MAX))
		return HO_ERR_PROP_RANGE;
	err = ho_dtb_chosen_del(dtb, prop);
	if (err)
		return err;
	chosen = fdt_path_offset(dtb, "/chosen");
	if (chosen < 0)
		return HO_ERR_NOT_FOUND;
	return fdt_err(fdt_appendprop_addrrange(dtb, 0, chosen, prop, addr, size));
}

int ho_dtb_chosen_del(void *dtb, const char *prop)
{
	int chosen = fdt_path_offset(dtb, "/chosen"), e;

	if (chosen < 0)
		return HO_OK;
	e = fdt_delprop(dtb, chosen, prop);
	return e == -FDT_ERR_NOTFOUND ? HO_OK : fdt_err(e);
}

int ho_dtb_handover(const void *dtb, struct ho_handover *kd)
{
	int ef = ho_dtb_chosen_range(dtb, HO_DTB_KHO_FDT, &kd->fdt_addr,
				     &kd->fdt_size);
	int es = ho_dtb_chosen_range(dtb, HO_DTB_KHO_SCRATCH, &kd->scratch_addr,
				     &kd->scratch_size);

	if (ef == HO_ERR_NOT_FOUND && es == HO_ERR_NOT_FOUND)
		return HO_ERR_NOT_FOUND;
	if (ef && ef != HO_ERR_NOT_FOUND)
		return ef;
	if (es && es != HO_ERR_NOT_FOUND)
		return es;
	return ef || es ? HO_ERR_MISSING_PROP : HO_OK;
}

int ho_dtb_handover_set(void *dtb, const struct ho_handover *kd)
{
	int err = ho_dtb_chosen_set_range(dtb, HO_DTB_KHO_FDT, kd->fdt_addr,
					  kd->fdt_size);

	return err ? err : ho_dtb_chosen_set_range(dtb, HO_DTB_KHO_SCRATCH,
						   kd->scratch_addr,
						   kd->scratch_size);
}

void ho_dtb_handover_drop(void *dtb)
{
	ho_dtb_chosen_del(dtb, HO_DTB_KHO_FDT);
	ho_dtb_chosen_del(dtb, HO_DTB_KHO_SCRATCH);
}

bool ho_dtb_reloc_area(const struct ho_handover *kd, uint64_t *addr, uint64_t *size)
{
	if (!kd->fdt_size || kd->scratch_addr < kd->fdt_addr + kd->fdt_size ||
	    !ho_range_ok(kd->fdt_addr, kd->fdt_size) ||
	    !ho_range_ok(kd->scratch_addr, kd->scratch_size))
		return false;
	*addr = kd->fdt_addr;
	*size = kd->scratch_addr + kd->scratch_size - kd->fdt_addr;
	return true;
}

int ho_dtb_handover_move(void *dtb, const struct ho_handover *kd)
{
	struct ho_handover old;
	uint64_t a, s, area, area_size;
	int n, err;

	if (!ho_dtb_reloc_area(kd, &area, &area_size))
		return HO_ERR_INVAL;
	err = ho_dtb_handover(dtb, &old);
	if (err)
		return err;
	n = fdt_num_mem_rsv(dtb);
	if (n < 0)
		return HO_ERR_FDT_RSVMAP;
	while (n-- > 0) {
		if (fdt_get_mem_rsv(dtb, n, &a, &s))
			return HO_ERR_FDT_RSVMAP;
		if (a != old.scratch_addr || s != old.scratch_size)
			continue;
		err = fdt_err(fdt_del_mem_rsv(dtb, n));
		if (err)
			return err;
	}
	err = fdt_err(fdt_add_mem_rsv(dtb, area, area_size));
	return err ? err : ho_dtb_handover_set(dtb, kd);
}

/* Append n ranges of type to r[*count .. cap). */
static int add(struct ho_mem_range *r, uint32_t cap, uint32_t *count,
	       uint64_t addr, uint64_t size, uint32_t type)
{
	if (!size)
		return HO_OK;
	if (*count >= cap)
		return HO_ERR_NO_SPACE;
	r[*count].addr = addr;
	r[*count].size = size;
	r[*count].type = type;
	(*count)++;
	return HO_OK;
}

/* Every <addr size> of node's reg, in the cells of its parent. */
static int add_reg(const void *dtb, int parent, int node, uint32_t type,
		   struct ho_mem_range *r, uint32_t cap, uint32_t *count)
{
	int ac = fdt_address_cells(dtb, parent), sc = fdt_size_cells(dtb, parent);
	const uint8_t *p;
	int len, i, err;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return HO_ERR_PROP_RANGE;
	p = fdt_getprop(dtb, node, "reg", &len);
	if (!p)
		return HO_OK;
	if (len % (4 * (ac + sc)))
		return HO_ERR_PROP_SIZE;
	for (i = 0; i < len; i += 4 * (ac + sc)) {
		err = add(r, cap, count, cells(p + i, ac), cells(p + i + 4 * ac, sc),
			  type);
		if (err)
			return err;
	}
	return HO_OK;
}

static bool is_memory(const void *dtb, int node)
{
	int len;
	const char *t = fdt_getprop(dtb, node, "device_type", &len);

	return t && len == 7 && !ho_memcmp(t, "memory", 7);
}

/* A /chosen number of 4 or 8 bytes (as efi_get_fdt_prop reads them). */
static bool chosen_num(const void *dtb, int chosen, const char *prop, uint64_t *v)
{
	int len;
	const uint8_t *p = fdt_getprop(dtb, chosen, prop, &len);

	if (!p || (len != 4 && len != 8))
		return false;
	*v = cells(p, len / 4);
	return true;
}

/* EFI memory types and attribute (UEFI spec, include/linux/efi.h). */
#define EFI_LOADER_CODE		1
#define EFI_LOADER_DATA		2
#define EFI_BS_CODE		3
#define EFI_BS_DATA		4
#define EFI_CONVENTIONAL	7
#define EFI_UNUSABLE		8
#define EFI_ACPI_RECLAIM	9
#define EFI_ACPI_NVS		10
#define EFI_PERSISTENT		14
#define EFI_MEMORY_WB		(1ull << 3)
#define EFI_DESC_MIN		40	/* type, pad, phys, virt, pages, attribute */
#define EFI_MMAP_MAX		(1u << 20)

/*
 * What the next arm64 kernel makes of one EFI descriptor
 * (drivers/firmware/efi/efi-init.c is_usable_memory): RAM for the types
 * free after ExitBootServices() when write-back cacheable; ACPI reclaim is
 * kept apart (the kernel reserves it "for kexec"), the rest reserved.
 */
static uint32_t efi_type(uint32_t type, uint64_t attr)
{
	switch (type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BS_CODE:
	case EFI_BS_DATA:
	case EFI_CONVENTIONAL:
		return attr & EFI_MEMORY_WB ? HO_MEM_RAM : HO_MEM_RESERVED;
	case EFI_PERSISTENT:
		return HO_MEM_PMEM;
	case EFI_ACPI_RECLAIM:
		return HO_MEM_ACPI;
	case EFI_ACPI_NVS:
		return HO_MEM_NVS;
	case EFI_UNUSABLE:
		return HO_MEM_UNUSABLE;
	}
	return HO_MEM_RESERVED;
}

/*
 * The EFI memory map /chosen points at (linux,uefi-mmap-start, -size,
 * -desc-size: the EFI stub's, which the old kernel keeps reserved), read
 * through phys. HO_OK (nothing added) when /chosen has none.
 */
static int add_efi_mmap(const void *dtb, const struct ho_phys *phys,
			struct ho_mem_range *r, uint32_t cap, uint32_t *count)
{
	int chosen = fdt_path_offset(dtb, "/chosen");
	uint64_t start, size, dsize, off;
	const uint8_t *map;
	int err;

	if (chosen < 0 || !chosen_num(dtb, chosen, "linux,uefi-mmap-start", &start))
		return HO_OK;
	if (!chosen_num(dtb, chosen, "linux,uefi-mmap-size", &size) ||
	    !chosen_num(dtb, chosen, "linux,uefi-mmap-desc-size", &dsize) ||
	    dsize < EFI_DESC_MIN || dsize > 4096 || (dsize & 7) || !size ||
	    size > EFI_MMAP_MAX || size % dsize)
		return HO_ERR_PROP_RANGE;
	map = ho_phys_map(phys, start, size);
	if (!map)
		return HO_ERR_ADDR_UNMAPPED;
	for (off = 0; off < size; off += dsize) {
		const uint8_t *d = map + off;
		uint64_t addr = ho_get_u64(d + 8), pages = ho_get_u64(d + 24);

		if (pages >> 52 || !ho_range_ok(addr, pages << 12))
			return HO_ERR_ADDR_OVERFLOW;
		err = add(r, cap, count, addr, pages << 12,
			  efi_type(ho_get_u32(d), ho_get_u64(d + 32)));
		if (err)
			return err;
	}
	return HO_OK;
}

int ho_dtb_memmap(const void *dtb, const struct ho_handover *kd,
		  const struct ho_phys *phys, struct ho_mem_range *r, uint32_t cap,
		  uint32_t *count)
{
	uint64_t a, s, area = 0, area_size = 0;
	bool moved = kd && ho_dtb_reloc_area(kd, &area, &area_size);
	int node, rm, n, i, err;

	*count = 0;
	fdt_for_each_subnode(node, dtb, 0) {
		if (!is_memory(dtb, node))
			continue;
		err = add_reg(dtb, 0, node, HO_MEM_RAM, r, cap, count);
		if (err)
			return err;
	}
	/* Booted through the EFI stub: no memory node, the EFI map instead. */
	if (!*count) {
		err = add_efi_mmap(dtb, phys, r, cap, count);
		if (err)
			return err;
	}
	rm = fdt_path_offset(dtb, "/reserved-memory");
	if (rm >= 0) {
		fdt_for_each_subnode(node, dtb, rm) {
			err = add_reg(dtb, rm, node, HO_MEM_RESERVED, r, cap, count);
			if (err)
				return err;
		}
	}
	n = fdt_num_mem_rsv(dtb);
	for (i = 0; i < n; i++) {
		if (fdt_get_mem_rsv(dtb, i, &a, &s))
			return HO_ERR_FDT_RSVMAP;
		if ((kd && a == kd->scratch_addr && s == kd->scratch_size) ||
		    (moved && a == area && s == area_size))
			continue;
		err = add(r, cap, count, a, s, HO_MEM_RESERVED);
		if (err)
			return err;
	}
	return HO_OK;
}

const char *ho_dtb_cmdline(const void *dtb, size_t *cap)
{
	int chosen = fdt_path_offset(dtb, "/chosen"), len;
	const char *p;

	if (chosen < 0)
		return 0;
	p = fdt_getprop(dtb, chosen, "bootargs", &len);
	if (!p || len < 1 || p[len - 1])
		return 0;
	*cap = (size_t)len;
	return p;
}

int ho_dtb_cmdline_append(void *dtb, const char *key, const char *value)
{
	size_t cap = 0, len = 0, need;
	int chosen, err;
	char *buf;
	void *p;

	if (!key || !value)
		return HO_ERR_INVAL;
	if (ho_dtb_cmdline(dtb, &cap))
		len = cap - 1;
	need = len + (len ? 1 : 0) + ho_strlen(key) + 1 + ho_strlen(value) + 1;
	if (need > HO_DTB_CMDLINE_MAX)
		return HO_ERR_NO_SPACE;
	chosen = fdt_path_offset(dtb, "/chosen");
	if (chosen < 0)
		return HO_ERR_NOT_FOUND;
	/* resized in place, the old bytes kept: no copy on the stack */
	err = fdt_setprop_placeholder(dtb, chosen, "bootargs", (int)need, &p);
	if (err)
		return fdt_err(err);
	buf = p;
	buf[len] = 0;	/* a new property's bytes are not set */
	return ho_cmdline_append(buf, need, key, value);
}

void ho_dtb_fault_kho_len(void *dtb)
{
	int chosen = fdt_path_offset(dtb, "/chosen"), len;
	const void *p = chosen < 0 ? 0 :
		fdt_getprop(dtb, chosen, HO_DTB_KHO_FDT, &len);
	uint8_t v[16];

	/* At most 2 + 2 cells; shrinking needs no room. */
	if (!p || len < 4 || len > (int)sizeof(v))
		return;
	ho_memcpy(v, p, (size_t)len);
	fdt_setprop(dtb, chosen, HO_DTB_KHO_FDT, v, len - 4);
}
