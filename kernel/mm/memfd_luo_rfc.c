// SPDX-License-Identifier: GPL-2.0
/*
 * memfd preservation for the RFC Live Update Orchestrator ("memfd-v1").
 */

/**
 * DOC: memfd across a live update
 *
 * A memfd keeps its size, contents, seals and holes across kexec without a
 * copy: the shmem folios themselves are handed over.
 *
 * - prepare: with the inode lock held the mapping is frozen (no truncate,
 *   no growth, no fallocate; see shmem_freeze()). The folios present in
 *   the page cache are looked up, then pinned range by range with
 *   memfd_pin_folios(): holes are never filled, and pinning migrates any
 *   folio out of CMA, hence out of KHO scratch. Each folio is preserved with
 *   kho_preserve_folio(), marked dirty and uptodate, and described in the
 *   folio table (preserved memory). A small "memfd-v1" FDT (preserved too)
 *   records size, seals, the table's address and length; its physical
 *   address is the file's handover data.
 * - freeze: refuses (EBUSY) if folios appeared since prepare, e.g. by a
 *   write into a hole: such data would be lost. Records seals added since
 *   prepare.
 * - cancel: unpreserves and unpins everything and thaws the mapping.
 * - retrieve: validates the FDT and the whole table first, then builds a
 *   new memfd of the same size, inserts each restored folio at its index,
 *   and applies the seals last.
 * - finish without retrieve: restores and frees every folio.
 */

#define pr_fmt(fmt) "luo memfd: " fmt

#include <linux/file.h>
#include <linux/folio_batch.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/luo_rfc.h>
#include <linux/memcontrol.h>
#include <linux/memfd.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/unaligned.h>
#include <uapi/linux/memfd.h>

#include "internal.h"

#define MEMFD_RFC_FOLIO_UPTODATE	BIT(0)
#define MEMFD_RFC_FOLIO_DIRTY		BIT(1)

#define MEMFD_RFC_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
			 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC)

/* One folio table entry, docs/handover-format.md section 3 (24 bytes). */
struct memfd_rfc_folio {
	u64 phys;
	u64 index;
	u32 order;
	u32 flags;
} __packed;

static_assert(sizeof(struct memfd_rfc_folio) == 24);

/**
 * struct memfd_rfc_out - runtime state of one prepared memfd
 * @folios:  the pinned folios, in index order
 * @nr:      entries in @folios and @table
 * @table:   the folio table (preserved memory), or NULL when @nr is 0
 * @fdt:     the memfd-v1 FDT (preserved memory)
 * @nrpages: pages in the page cache at prepare time
 */
struct memfd_rfc_out {
	struct folio **folios;
	unsigned long nr;
	struct memfd_rfc_folio *table;
	void *fdt;
	unsigned long nrpages;
};

/* Pin the folios present in [first, last] pages (all present). */
static int memfd_rfc_pin_run(struct file *file, pgoff_t first, pgoff_t last,
			     struct memfd_rfc_out *out, unsigned long max)
{
	loff_t size = i_size_read(file_inode(file));
	loff_t start = (loff_t)first << PAGE_SHIFT;
	loff_t end = min_t(loff_t, ((loff_t)(last + 1) << PAGE_SHIFT), size) - 1;
	pgoff_t offset;
	long n;

	while (start <= end) {
		if (out->nr >= max)
			return -EFBIG;
		n = memfd_pin_folios(file, start, end, out->folios + out->nr,
				     min_t(unsigned long, max - out->nr, UINT_MAX),
				     &offset);
		if (n <= 0)
			return n ? n : -EIO;
		out->nr += n;
		start = folio_pos(out->folios[out->nr - 1]) +
			folio_size(out->folios[out->nr - 1]);
	}
	return 0;
}

/* Pin every folio of @file up to its size, leaving holes alone. */
static int memfd_rfc_pin_present(struct file *file, struct memfd_rfc_out *out,
				 unsigned long max)
{
	struct address_space *mapping = file->f_mapping;
	pgoff_t run_first = 0, run_next = 0, index = 0;
	pgoff_t last = max - 1;
	struct folio_batch fbatch;
	bool in_run = false;
	unsigned int i;
	int err = 0;

	folio_batch_init(&fbatch);
	while (!err && filemap_get_folios(mapping, &index, last, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++) {
			struct folio *folio = fbatch.folios[i];

			if (in_run && folio->index == run_next) {
				run_next = folio_next_index(folio);
				continue;
			}
			if (in_run) {
				err = memfd_rfc_pin_run(file, run_first,
							run_next - 1, out, max);
				if (err)
					break;
			}
			in_run = true;
			run_first = folio->index;
			run_next = folio_next_index(folio);
		}
		folio_batch_release(&fbatch);
		cond_resched();
	}
	if (!err && in_run)
		err = memfd_rfc_pin_run(file, run_first,
					min_t(pgoff_t, run_next - 1, last),
					out, max);
	return err;
}

static int memfd_rfc_write_fdt(void *fdt, u64 size, u32 seals, u64 table,
			       u64 nr)
{
	int err;

	err = fdt_create(fdt, PAGE_SIZE);
	if (!err)
		err = fdt_finish_reservemap(fdt);
	if (!err)
		err = fdt_begin_node(fdt, "");
	if (!err)
		err = fdt_property_string(fdt, "compatible",
					  MEMFD_RFC_COMPATIBLE);
	if (!err)
		err = fdt_property(fdt, "size", &size, sizeof(size));
	if (!err)
		err = fdt_property(fdt, "seals", &seals, sizeof(seals));
	if (!err)
		err = fdt_property(fdt, "folios", &table, sizeof(table));
	if (!err)
		err = fdt_property(fdt, "nr-folios", &nr, sizeof(nr));
	if (!err)
		err = fdt_end_node(fdt);
	if (!err)
		err = fdt_finish(fdt);
	return err ? -EINVAL : 0;
}

static void memfd_rfc_release_out(struct memfd_rfc_out *out,
				  unsigned long nr_preserved)
{
	unsigned long i;

	for (i = 0; i < nr_preserved; i++)
		kho_unpreserve_folio(out->folios[i]);
	unpin_folios(out->folios, out->nr);
	kvfree(out->folios);
	kfree(out);
}

static bool memfd_rfc_can_preserve(void *handler_data, struct file *file)
{
	return shmem_file(file) && !file_inode(file)->i_nlink;
}

static int memfd_rfc_prepare(struct luo_file_args *args)
{
	struct file *file = args->file;
	struct inode *inode = file_inode(file);
	struct memfd_rfc_out *out;
	unsigned long i, max;
	loff_t size;
	int seals, err;

	out = kzalloc_obj(*out);
	if (!out)
		return -ENOMEM;

	inode_lock(inode);
	seals = memfd_get_seals(file);
	if (seals < 0) {
		err = seals;
		goto err_unlock;
	}
	if (seals & ~MEMFD_RFC_SEALS) {
		err = -EOPNOTSUPP;
		goto err_unlock;
	}
	size = i_size_read(inode);
	max = DIV_ROUND_UP_ULL(size, PAGE_SIZE);
	if (max) {
		out->folios = kvmalloc_array(max, sizeof(*out->folios),
					     GFP_KERNEL);
		if (!out->folios) {
			err = -ENOMEM;
			goto err_unlock;
		}
	}
	shmem_freeze(inode, true);

	if (max) {
		err = memfd_rfc_pin_present(file, out, max);
		if (err) {
			pr_err("cannot pin folios: %pe\n", ERR_PTR(err));
			goto err_unpin;
		}
	}
	out->nrpages = file->f_mapping->nrpages;

	if (out->nr) {
		out->table = kho_alloc_preserve(out->nr * sizeof(*out->table));
		if (IS_ERR(out->table)) {
			err = PTR_ERR(out->table);
			out->table = NULL;
			goto err_unpin;
		}
	}
	for (i = 0; i < out->nr; i++) {
		struct folio *folio = out->folios[i];

		err = kho_preserve_folio(folio);
		if (err)
			goto err_unpreserve;
		folio_lock(folio);
		if (!folio_test_uptodate(folio)) {
			folio_zero_range(folio, 0, folio_size(folio));
			flush_dcache_folio(folio);
			folio_mark_uptodate(folio);
		}
		/* a clean folio could be reclaimed in the next kernel */
		folio_mark_dirty(folio);
		folio_unlock(folio);
		out->table[i].phys = PFN_PHYS(folio_pfn(folio));
		out->table[i].index = folio->index;
		out->table[i].order = folio_order(folio);
		out->table[i].flags = MEMFD_RFC_FOLIO_UPTODATE |
				      MEMFD_RFC_FOLIO_DIRTY;
	}

	out->fdt = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(out->fdt)) {
		err = PTR_ERR(out->fdt);
		out->fdt = NULL;
		goto err_unpreserve;
	}
	err = memfd_rfc_write_fdt(out->fdt, size, seals,
				  out->table ? virt_to_phys(out->table) : 0,
				  out->nr);
	if (err)
		goto err_free_fdt;
	inode_unlock(inode);

	args->data = virt_to_phys(out->fdt);
	args->private_data = out;
	return 0;

err_free_fdt:
	kho_unpreserve_free(out->fdt);
err_unpreserve:
	kho_unpreserve_free(out->table);
	memfd_rfc_release_out(out, i);
	goto err_thaw;
err_unpin:
	memfd_rfc_release_out(out, 0);
err_thaw:
	shmem_freeze(inode, false);
	inode_unlock(inode);
	return err;
err_unlock:
	inode_unlock(inode);
	kfree(out);
	return err;
}

static int memfd_rfc_freeze(struct luo_file_args *args)
{
	struct memfd_rfc_out *out = args->private_data;
	u32 seals;
	int ret;

	if (args->file->f_mapping->nrpages != out->nrpages) {
		pr_err("memfd changed after prepare (%lu pages, was %lu): cancel and prepare again\n",
		       args->file->f_mapping->nrpages, out->nrpages);
		return -EBUSY;
	}
	/* seals may have been added since prepare (never removed) */
	ret = memfd_get_seals(args->file);
	if (ret < 0)
		return ret;
	if (ret & ~MEMFD_RFC_SEALS)
		return -EOPNOTSUPP;
	seals = ret;
	if (fdt_setprop_inplace(out->fdt, 0, "seals", &seals, sizeof(seals)))
		return -EINVAL;
	return 0;
}

static void memfd_rfc_cancel(struct luo_file_args *args)
{
	struct memfd_rfc_out *out = args->private_data;
	struct inode *inode = file_inode(args->file);

	kho_unpreserve_free(out->fdt);
	kho_unpreserve_free(out->table);
	memfd_rfc_release_out(out, out->nr);
	inode_lock(inode);
	shmem_freeze(inode, false);
	inode_unlock(inode);
}

/**
 * struct memfd_rfc_in - a validated incoming memfd-v1 description
 * @fdt:   the memfd FDT
 * @size:  file size
 * @seals: F_SEAL_* bits
 * @table: the folio table, or NULL
 * @nr:    entries in @table
 */
struct memfd_rfc_in {
	void *fdt;
	u64 size;
	u32 seals;
	struct memfd_rfc_folio *table;
	u64 nr;
};

static int memfd_rfc_get_u64(const void *fdt, const char *name, u64 *val)
{
	const void *p;
	int len;

	p = fdt_getprop(fdt, 0, name, &len);
	if (!p || len != sizeof(u64))
		return -EINVAL;
	*val = get_unaligned((const u64 *)p);
	return 0;
}

static bool memfd_rfc_phys_ok(u64 phys, u64 len)
{
	return phys && PAGE_ALIGNED(phys) && pfn_valid(PHYS_PFN(phys)) &&
	       pfn_valid(PHYS_PFN(phys + len - 1));
}

/* Check everything before touching a single folio. */
static int memfd_rfc_parse(u64 data, struct memfd_rfc_in *in)
{
	u64 table, pages, next = 0, i;
	const void *p;
	int len;

	if (!memfd_rfc_phys_ok(data, PAGE_SIZE))
		return -EINVAL;
	in->fdt = phys_to_virt(data);
	if (fdt_check_header(in->fdt) || fdt_totalsize(in->fdt) > PAGE_SIZE ||
	    fdt_node_check_compatible(in->fdt, 0, MEMFD_RFC_COMPATIBLE))
		goto err_bad;
	p = fdt_getprop(in->fdt, 0, "seals", &len);
	if (!p || len != sizeof(u32))
		goto err_bad;
	in->seals = get_unaligned((const u32 *)p);
	if (memfd_rfc_get_u64(in->fdt, "size", &in->size) ||
	    memfd_rfc_get_u64(in->fdt, "folios", &table) ||
	    memfd_rfc_get_u64(in->fdt, "nr-folios", &in->nr))
		goto err_bad;
	if (in->seals & ~MEMFD_RFC_SEALS || in->size > MAX_LFS_FILESIZE)
		goto err_bad;
	pages = DIV_ROUND_UP_ULL(in->size, PAGE_SIZE);
	if (in->nr > pages || !in->nr != !table)
		goto err_bad;
	in->table = NULL;
	if (!in->nr)
		return 0;
	if (!memfd_rfc_phys_ok(table, in->nr * sizeof(*in->table)))
		goto err_bad;
	in->table = phys_to_virt(table);
	for (i = 0; i < in->nr; i++) {
		const struct memfd_rfc_folio *e = &in->table[i];

		if (e->order > MAX_PAGE_ORDER || e->index < next ||
		    e->index + (1ULL << e->order) > pages ||
		    !IS_ALIGNED(e->phys, PAGE_SIZE << e->order) ||
		    !memfd_rfc_phys_ok(e->phys, PAGE_SIZE << e->order))
			goto err_bad;
		next = e->index + (1ULL << e->order);
	}
	return 0;

err_bad:
	pr_err("handover data at %#llx is not a valid %s description\n", data,
	       MEMFD_RFC_COMPATIBLE);
	return -EINVAL;
}

/* Free the folios of entries [from, nr) and the table and FDT themselves. */
static void memfd_rfc_discard(struct memfd_rfc_in *in, u64 from)
{
	struct folio *folio;
	u64 i;

	for (i = from; i < in->nr; i++) {
		folio = kho_restore_folio(in->table[i].phys);
		if (folio)
			folio_put(folio);
		else
			pr_warn_ratelimited("folio at %#llx was not preserved\n",
					    in->table[i].phys);
	}
	if (in->table)
		kho_restore_free(in->table);
	kho_restore_free(in->fdt);
}

static int memfd_rfc_insert(struct file *file, struct folio *folio, u64 index,
			    u32 flags)
{
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = file_inode(file);
	gfp_t gfp = mapping_gfp_mask(mapping);
	int err;

	__folio_set_locked(folio);
	__folio_set_swapbacked(folio);
	err = mem_cgroup_charge(folio, NULL, gfp);
	if (err)
		goto err_unlock;
	err = shmem_add_to_page_cache(folio, mapping, index, NULL, gfp);
	if (err)
		goto err_unlock;
	if (flags & MEMFD_RFC_FOLIO_UPTODATE)
		folio_mark_uptodate(folio);
	if (flags & MEMFD_RFC_FOLIO_DIRTY)
		folio_mark_dirty(folio);
	err = shmem_inode_acct_blocks(inode, folio_nr_pages(folio));
	if (err)
		goto err_remove;
	folio_add_lru(folio);
	folio_unlock(folio);
	folio_put(folio);
	return 0;

err_remove:
	filemap_remove_folio(folio);
err_unlock:
	folio_unlock(folio);
	folio_put(folio);
	return err;
}

static int memfd_rfc_retrieve(struct luo_file_args *args)
{
	struct memfd_rfc_in in;
	struct folio *folio;
	struct file *file;
	long added = 0;
	u64 i = 0;
	int err;

	err = memfd_rfc_parse(args->data, &in);
	if (err)
		return err;

	file = memfd_alloc_file("luo", MFD_ALLOW_SEALING);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto err_discard;
	}
	i_size_write(file_inode(file), in.size);

	for (i = 0; i < in.nr; i++) {
		const struct memfd_rfc_folio *e = &in.table[i];

		folio = kho_restore_folio(e->phys);
		if (!folio) {
			pr_err("folio at %#llx was not preserved\n", e->phys);
			err = -EIO;
			goto err_discard_rest;
		}
		if (folio_order(folio) != e->order) {
			pr_err("folio at %#llx has order %u, expected %u\n",
			       e->phys, folio_order(folio), e->order);
			folio_put(folio);
			err = -EIO;
			goto err_discard_rest;
		}
		err = memfd_rfc_insert(file, folio, e->index, e->flags);
		if (err) {
			pr_err("cannot insert folio at index %llu: %pe\n",
			       e->index, ERR_PTR(err));
			goto err_discard_rest;
		}
		added += 1L << e->order;
	}
	shmem_recalc_inode(file_inode(file), added, 0);

	err = memfd_add_seals(file, in.seals);
	if (err) {
		pr_err("cannot add seals %#x: %pe\n", in.seals, ERR_PTR(err));
		goto err_fput;
	}
	if (in.table)
		kho_restore_free(in.table);
	kho_restore_free(in.fdt);
	args->file = file;
	return 0;

err_discard_rest:
	shmem_recalc_inode(file_inode(file), added, 0);
	i++;
err_fput:
	fput(file);
err_discard:
	memfd_rfc_discard(&in, i);
	return err;
}

static void memfd_rfc_finish(struct luo_file_args *args)
{
	struct memfd_rfc_in in;

	if (args->retrieved || memfd_rfc_parse(args->data, &in))
		return;
	memfd_rfc_discard(&in, 0);
}

static const struct luo_file_ops memfd_rfc_ops = {
	.can_preserve = memfd_rfc_can_preserve,
	.prepare = memfd_rfc_prepare,
	.freeze = memfd_rfc_freeze,
	.cancel = memfd_rfc_cancel,
	.retrieve = memfd_rfc_retrieve,
	.finish = memfd_rfc_finish,
};

static int __init memfd_rfc_init(void)
{
	struct luo_file_handler *fh;

	fh = liveupdate_register_file_ops(MEMFD_RFC_COMPATIBLE, &memfd_rfc_ops,
					  NULL);
	if (IS_ERR(fh) && PTR_ERR(fh) != -EOPNOTSUPP) {
		pr_err("cannot register: %pe\n", fh);
		return PTR_ERR(fh);
	}
	return 0;
}
device_initcall(memfd_rfc_init);
