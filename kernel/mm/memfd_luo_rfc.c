// SPDX-License-Identifier: GPL-2.0
/*
 * memfd preservation for the RFC Live Update Orchestrator ("memfd-rfc-v2").
 */

/**
 * DOC: memfd across a live update
 *
 * A memfd keeps its size, contents, seals and holes across kexec without a
 * copy: the shmem folios themselves are handed over.
 *
 * - prepare: with the inode lock held the mapping is frozen (no truncate,
 *   no growth, no fallocate; see shmem_freeze()) and the number of pages in
 *   the page cache is noted; it bounds the pin array, so memory use follows
 *   the pages present, not the size (a sparse 1 TiB memfd with 4 pages
 *   needs 4 entries). The folios present are looked up, then pinned range
 *   by range with memfd_pin_folios(), each range once the lookup has
 *   dropped its references: holes are never filled, and pinning migrates
 *   any folio out of CMA, hence out of KHO scratch. If the page
 *   count moved meanwhile (a fault into a hole through a shared mapping) or
 *   the memfd has swapped-out pages (which the page-cache walk cannot see),
 *   prepare fails with EBUSY rather than lose them. Each folio is preserved
 *   with kho_preserve_folio(), marked dirty and uptodate, and described in
 *   the folio table, a vmalloc() area preserved with kho_preserve_vmalloc()
 *   (no contiguous allocation, no size limit of its own). A small
 *   "memfd-rfc-v2" FDT (preserved too) records size, seals, the table's
 *   first KHO chunk and its length; its physical address is the file's
 *   handover data. A large folio that straddles the
 *   end of the file (shmem THP: huge=always, or a truncate that could not
 *   split it) is split at the end first, so that every folio handed over
 *   lies inside the file, as the next kernel and the pre-jump check
 *   require; if it cannot be split (an extra reference, e.g. a long-term
 *   pin) prepare fails with EBUSY.
 * - freeze: refuses (EBUSY) if the memfd changed since prepare (page count,
 *   swapped pages, size): such data would be lost. Records the seals.
 * - verify (kexec hook): the same checks again, and the seals must be the
 *   ones freeze recorded; otherwise EBUSY and the kexec is refused.
 * - cancel: unpreserves and unpins everything and thaws the mapping; the
 *   contents, including writes made meanwhile, stay as they are.
 * - retrieve: restores the FDT and the table through KHO (which proves they
 *   were preserved; the table's chunk list is walked first, so that a bad
 *   pointer in it is refused, not followed), validates the whole
 *   description, then
 *   builds a new memfd of the same size, inserts each restored folio at its
 *   index, and applies the seals last. A folio larger than this kernel's
 *   page cache takes (a kernel without THP, after one with it) is copied
 *   into pages of order 0. A bad description refuses the file (EINVAL) and
 *   frees what it names: each folio KHO still holds (kho_restore_folio()
 *   proves it preserved and not restored yet) is restored and put, then the
 *   table and the FDT; when the FDT itself or the table is unreadable, the
 *   folios are not known and stay reserved (lost to this boot, never
 *   reused).
 * - finish without retrieve: restores and frees every folio.
 *
 * The rules the next kernel enforces on the incoming description are
 * listed at memfd_rfc_parse().
 */

#define pr_fmt(fmt) "luo memfd: " fmt

#include <linux/file.h>
#include <linux/folio_batch.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/huge_mm.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/kho/abi/memfd_rfc.h>
#include <linux/libfdt.h>
#include <linux/luo_rfc.h>
#include <linux/memcontrol.h>
#include <linux/memfd.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/swap.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>
#include <uapi/linux/memfd.h>

#include "internal.h"

/* The seals <linux/kho/abi/memfd_rfc.h> allows are exactly these. */
static_assert(MEMFD_RFC_SEALS ==
	      (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
	       F_SEAL_FUTURE_WRITE | F_SEAL_EXEC));

/* The folio table entry's layout, as the stage library asserts it too. */
static_assert(sizeof(struct memfd_rfc_folio) == MEMFD_RFC_FOLIO_SIZE);
static_assert(offsetof(struct memfd_rfc_folio, index) == 8);
static_assert(offsetof(struct memfd_rfc_folio, order) == 16);
static_assert(offsetof(struct memfd_rfc_folio, flags) == 20);

/**
 * struct memfd_rfc_out - runtime state of one prepared memfd
 * @folios:  the pinned folios, in index order
 * @nr:      entries in @folios and @table
 * @max:     room in @folios: the pages in the page cache at prepare
 * @table:   the folio table (vmalloc()), or NULL when @nr is 0
 * @table_kho: its KHO preservation (first chunk, pages)
 * @fdt:     the memfd-rfc-v2 FDT (preserved memory)
 * @nrpages: pages in the page cache when prepare began
 * @size:    file size at prepare
 * @seals:   seals recorded by freeze
 */
struct memfd_rfc_out {
	struct folio **folios;
	unsigned long nr;
	unsigned long max;
	struct memfd_rfc_folio *table;
	struct kho_vmalloc table_kho;
	void *fdt;
	unsigned long nrpages;
	loff_t size;
	u32 seals;
};

/* Pin the folios present in [first, last] pages (all present). */
static int memfd_rfc_pin_run(struct file *file, pgoff_t first, pgoff_t last,
			     struct memfd_rfc_out *out)
{
	loff_t start = (loff_t)first << PAGE_SHIFT;
	loff_t end = min_t(loff_t, ((loff_t)(last + 1) << PAGE_SHIFT),
			   out->size) - 1;
	unsigned long max = out->max;
	pgoff_t offset;
	long n;

	while (start <= end) {
		/* more folios than pages were present: it changed meanwhile */
		if (out->nr >= max)
			return -EBUSY;
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

/* A run of present pages, pinned once the folio batch is released. */
struct memfd_rfc_run {
	pgoff_t first;
	pgoff_t last;
};

/*
 * Pin every folio of @file up to its size, leaving holes alone. A run is
 * pinned only after the batch that found its end is released: a folio the
 * batch still holds a reference to cannot migrate out of KHO scratch
 * (MIGRATE_CMA) for the long-term pin, and memfd_pin_folios() then fails
 * with -ENOMEM.
 */
static int memfd_rfc_pin_present(struct file *file, struct memfd_rfc_out *out)
{
	struct address_space *mapping = file->f_mapping;
	pgoff_t run_first = 0, run_next = 0, index = 0;
	pgoff_t last = DIV_ROUND_UP_ULL(out->size, PAGE_SIZE) - 1;
	struct memfd_rfc_run runs[FOLIO_BATCH_SIZE];
	struct folio_batch fbatch;
	unsigned int i, nr_runs;
	bool in_run = false;
	int err = 0;

	folio_batch_init(&fbatch);
	while (!err && filemap_get_folios(mapping, &index, last, &fbatch)) {
		nr_runs = 0;
		for (i = 0; i < folio_batch_count(&fbatch); i++) {
			struct folio *folio = fbatch.folios[i];

			if (in_run && folio->index == run_next) {
				run_next = folio_next_index(folio);
				continue;
			}
			/* at most one run ends per folio of the batch */
			if (in_run)
				runs[nr_runs++] = (struct memfd_rfc_run){
					run_first, run_next - 1 };
			in_run = true;
			run_first = folio->index;
			run_next = folio_next_index(folio);
		}
		folio_batch_release(&fbatch);
		for (i = 0; !err && i < nr_runs; i++)
			err = memfd_rfc_pin_run(file, runs[i].first, runs[i].last,
						out);
		cond_resched();
	}
	if (!err && in_run)
		err = memfd_rfc_pin_run(file, run_first,
					min_t(pgoff_t, run_next - 1, last),
					out);
	return err;
}

/*
 * shmem may keep a large folio across the end of the file (huge=always, or
 * a truncate that failed to split it). Split it at the first page past the
 * end: the folios below stay as large as their alignment allows, those
 * above are dropped or lie outside the file and are not handed over.
 * Context: inode locked, mapping frozen, nothing pinned yet.
 */
static int memfd_rfc_split_eof(struct file *file, loff_t size)
{
	pgoff_t end = DIV_ROUND_UP_ULL(size, PAGE_SIZE);
	struct folio *folio;
	int err = 0;

	/* test fault: hand the folio over as it is (the next kernel refuses) */
	if (!end || liveupdate_rfc_fault("memfd-no-split"))
		return 0;
	folio = filemap_lock_folio(file->f_mapping, end - 1);
	if (IS_ERR(folio))
		return 0;
	/* in swap cache only a uniform split (to order 0) would do */
	if (folio_next_index(folio) > end)
		err = folio_test_swapcache(folio) ? -EBUSY :
		      folio_split(folio, min_order_for_split(folio),
				  folio_page(folio, end - folio->index), NULL);
	if (err)
		pr_err("large folio (index %lu, order %u) across the end of the file cannot be split: %pe\n",
		       folio->index, folio_order(folio), ERR_PTR(err));
	folio_unlock(folio);
	folio_put(folio);
	return err ? -EBUSY : 0;
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
		err = fdt_property(fdt, MEMFD_RFC_PROP_SIZE, &size,
				   sizeof(size));
	if (!err)
		err = fdt_property(fdt, MEMFD_RFC_PROP_SEALS, &seals,
				   sizeof(seals));
	if (!err)
		err = fdt_property(fdt, MEMFD_RFC_PROP_FOLIOS, &table,
				   sizeof(table));
	if (!err)
		err = fdt_property(fdt, MEMFD_RFC_PROP_NR_FOLIOS, &nr,
				   sizeof(nr));
	if (!err)
		err = fdt_end_node(fdt);
	if (!err)
		err = fdt_finish(fdt);
	return err ? -EINVAL : 0;
}

/* Unpreserve the first @nr_preserved folios, unpin all; @out stays. */
static void memfd_rfc_release_out(struct memfd_rfc_out *out,
				  unsigned long nr_preserved)
{
	unsigned long i;

	for (i = 0; i < nr_preserved; i++)
		kho_unpreserve_folio(out->folios[i]);
	unpin_folios(out->folios, out->nr);
	kvfree(out->folios);
}

/*
 * Has @file changed since prepare in a way the handover would lose? New
 * pages (a fault into a hole), pages gone to swap (the page-cache walk does
 * not see them), another size.
 */
static int memfd_rfc_check_unchanged(struct file *file,
				     struct memfd_rfc_out *out)
{
	struct inode *inode = file_inode(file);
	unsigned long nrpages = READ_ONCE(file->f_mapping->nrpages);
	unsigned long swapped = READ_ONCE(SHMEM_I(inode)->swapped);

	if (nrpages != out->nrpages || swapped ||
	    i_size_read(inode) != out->size) {
		pr_err("memfd changed after prepare (%lu pages, was %lu; %lu swapped; size %lld, was %lld): cancel and prepare again\n",
		       nrpages, out->nrpages, swapped, i_size_read(inode),
		       out->size);
		return -EBUSY;
	}
	return 0;
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
	unsigned long i = 0;
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
	shmem_freeze(inode, true);
	out->size = i_size_read(inode);
	err = memfd_rfc_split_eof(file, out->size);
	if (err)
		goto err_thaw;
	/* before the walk: a page faulted in during it shows as a change */
	out->nrpages = READ_ONCE(file->f_mapping->nrpages);
	out->max = out->nrpages;
	if (out->max) {
		out->folios = kvmalloc_array(out->max, sizeof(*out->folios),
					     GFP_KERNEL);
		if (!out->folios) {
			err = -ENOMEM;
			goto err_unpin;
		}
	}
	if (out->max && out->size) {
		err = memfd_rfc_pin_present(file, out);
		if (err) {
			pr_err("cannot pin folios: %pe\n", ERR_PTR(err));
			goto err_unpin;
		}
	}
	/* pinned folios stay; anything new or swapped out would be lost */
	err = memfd_rfc_check_unchanged(file, out);
	if (err)
		goto err_unpin;

	if (out->nr > MEMFD_RFC_MAX_FOLIOS) {
		err = -E2BIG;
		goto err_unpin;
	}
	if (out->nr) {
		out->table = vzalloc(array_size(out->nr, sizeof(*out->table)));
		if (!out->table) {
			err = -ENOMEM;
			goto err_unpin;
		}
	}
	for (i = 0; i < out->nr; i++) {
		struct folio *folio = out->folios[i];

		err = kho_preserve_folio(folio);
		if (err)
			goto err_free_table;
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

	if (out->nr) {
		err = kho_preserve_vmalloc(out->table, &out->table_kho);
		if (err)
			goto err_free_table;
		/* what the next kernel assumes (memfd_rfc_restore_table()) */
		if (WARN_ON_ONCE(out->table_kho.flags !=
				 MEMFD_RFC_TABLE_KHO_FLAGS ||
				 out->table_kho.order ||
				 out->table_kho.total_pages !=
				 memfd_rfc_table_pages(out->nr, PAGE_SIZE))) {
			err = -EINVAL;
			goto err_unpreserve_table;
		}
	}

	out->fdt = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(out->fdt)) {
		err = PTR_ERR(out->fdt);
		out->fdt = NULL;
		goto err_unpreserve_table;
	}
	err = memfd_rfc_write_fdt(out->fdt, out->size, seals,
				  out->table_kho.first.phys, out->nr);
	if (err)
		goto err_free_fdt;
	inode_unlock(inode);

	args->data = virt_to_phys(out->fdt);
	args->private_data = out;
	return 0;

err_free_fdt:
	kho_unpreserve_free(out->fdt);
err_unpreserve_table:
	kho_unpreserve_vmalloc(&out->table_kho);
err_free_table:
	vfree(out->table);
err_unpin:
	/* @i folios preserved so far; none before the loop */
	memfd_rfc_release_out(out, i);
err_thaw:
	shmem_freeze(inode, false);
err_unlock:
	inode_unlock(inode);
	kfree(out);
	return err;
}

#ifdef CONFIG_LIVEUPDATE_RFC_FAULT_INJECT
/*
 * luo_rfc.fault=memfd-*: damage the description of the first memfd frozen
 * that has folios, so that tests see the next kernel refuse it.
 */
static void memfd_rfc_inject_fault(struct memfd_rfc_out *out)
{
	static bool done;
	struct memfd_rfc_folio *last;
	u64 val;

	if (done || !out->nr)
		return;
	done = true;
	last = &out->table[out->nr - 1];
	if (liveupdate_rfc_fault("memfd-index-overflow")) {
		last->index = U64_MAX;
	} else if (liveupdate_rfc_fault("memfd-index-unaligned")) {
		last->order = 1;
		last->index |= 1;
	} else if (liveupdate_rfc_fault("memfd-order")) {
		out->table[0].order = 31;
	} else if (liveupdate_rfc_fault("memfd-flags")) {
		out->table[0].flags |= BIT(31);
	} else if (liveupdate_rfc_fault("memfd-count")) {
		val = (u64)out->table_kho.total_pages * PAGE_SIZE /
		      sizeof(*out->table) + 1;
		fdt_setprop_inplace(out->fdt, 0, MEMFD_RFC_PROP_NR_FOLIOS,
				    &val, sizeof(val));
	} else if (liveupdate_rfc_fault("memfd-size")) {
		val = (u64)MAX_LFS_FILESIZE + 1;
		fdt_setprop_inplace(out->fdt, 0, MEMFD_RFC_PROP_SIZE,
				    &val, sizeof(val));
	} else {
		return;
	}
	pr_warn("fault injection: %s\n", "memfd description damaged");
}
#else
static void memfd_rfc_inject_fault(struct memfd_rfc_out *out)
{
}
#endif

/* Unchanged since prepare? Then the seals now (0 or more), or -errno. */
static int memfd_rfc_seals_now(struct luo_file_args *args)
{
	int ret = memfd_rfc_check_unchanged(args->file, args->private_data);

	if (ret)
		return ret;
	ret = memfd_get_seals(args->file);
	if (ret >= 0 && ret & ~MEMFD_RFC_SEALS)
		return -EOPNOTSUPP;
	return ret;
}

static int memfd_rfc_freeze(struct luo_file_args *args)
{
	struct memfd_rfc_out *out = args->private_data;
	int ret;

	/* seals may have been added since prepare (never removed) */
	ret = memfd_rfc_seals_now(args);
	if (ret < 0)
		return ret;
	out->seals = ret;
	if (fdt_setprop_inplace(out->fdt, 0, MEMFD_RFC_PROP_SEALS, &out->seals,
				sizeof(out->seals)))
		return -EINVAL;
	memfd_rfc_inject_fault(out);
	return 0;
}

static int memfd_rfc_verify(struct luo_file_args *args)
{
	struct memfd_rfc_out *out = args->private_data;
	int ret;

	ret = memfd_rfc_seals_now(args);
	if (ret < 0)
		return ret;
	if (ret != out->seals) {
		pr_err("memfd seals changed after freeze (%#x, was %#x)\n", ret,
		       out->seals);
		return -EBUSY;
	}
	return 0;
}

static void memfd_rfc_cancel(struct luo_file_args *args)
{
	struct memfd_rfc_out *out = args->private_data;
	struct inode *inode = file_inode(args->file);

	kho_unpreserve_free(out->fdt);
	kho_unpreserve_vmalloc(&out->table_kho);
	vfree(out->table);
	memfd_rfc_release_out(out, out->nr);
	kfree(out);
	inode_lock(inode);
	shmem_freeze(inode, false);
	inode_unlock(inode);
}

/**
 * struct memfd_rfc_in - a validated incoming memfd-rfc-v2 description
 * @fdt:       the memfd FDT (restored from KHO)
 * @size:      file size
 * @seals:     F_SEAL_* bits
 * @table:     the folio table (restored from KHO, vmalloc()), or NULL
 * @nr:        entries in @table
 * @chunks:    physical addresses of the table's KHO chunks, or NULL
 * @nr_chunks: entries in @chunks
 */
struct memfd_rfc_in {
	void *fdt;
	u64 size;
	u32 seals;
	struct memfd_rfc_folio *table;
	u64 nr;
	u64 *chunks;
	u64 nr_chunks;
};

/* A physical range [start, end) for the overlap check. */
struct memfd_rfc_range {
	u64 start;
	u64 end;
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

/*
 * Take over the block that holds the FDT or the table from KHO. Its magic
 * check proves that the block was preserved and not restored before, and
 * gives its size. NULL if not.
 */
static struct folio *memfd_rfc_restore_block(u64 phys)
{
	if (!phys || !PAGE_ALIGNED(phys))
		return NULL;
	return kho_restore_folio(phys);
}

static void memfd_rfc_free_block(void *mem)
{
	if (mem)
		folio_put(virt_to_folio(mem));
}

/*
 * Walk the table's chunk list before kho_restore_vmalloc() follows it:
 * every chunk page aligned and in online memory, and no more chunks than
 * kho_preserve_vmalloc() writes for @pages pages (so the list has no
 * loop), listing exactly @pages pages. A bad pointer is refused here
 * rather than dereferenced. The chunks' addresses are kept for the overlap
 * check.
 */
static int memfd_rfc_walk_chunks(struct memfd_rfc_in *in, u64 first, u64 pages)
{
	const struct kho_vmalloc_chunk *chunk;
	u64 max = pages / KHO_VMALLOC_SIZE + 1, phys = first, listed = 0;
	unsigned int i;

	in->chunks = kvmalloc_array(max, sizeof(*in->chunks), GFP_KERNEL);
	if (!in->chunks)
		return -ENOMEM;
	while (phys) {
		if (in->nr_chunks == max || !PAGE_ALIGNED(phys) ||
		    !pfn_to_online_page(PHYS_PFN(phys))) {
			pr_err("folio table chunk %llu at %#llx: %s\n",
			       in->nr_chunks, phys,
			       in->nr_chunks == max ? "one too many" :
			       "not a page of memory");
			return -EINVAL;
		}
		in->chunks[in->nr_chunks++] = phys;
		chunk = phys_to_virt(phys);
		for (i = 0; i < ARRAY_SIZE(chunk->phys) && chunk->phys[i]; i++)
			listed++;
		phys = chunk->hdr.next.phys;
	}
	if (listed != pages) {
		pr_err("folio table: %llu entries need %llu pages, its chunks list %llu\n",
		       in->nr, pages, listed);
		return -EINVAL;
	}
	return 0;
}

/*
 * Restore the folio table of @in->nr entries whose first chunk is at
 * @first, with the descriptor kho_preserve_vmalloc() wrote for it in the
 * previous kernel (<linux/kho/abi/memfd_rfc.h>).
 */
static int memfd_rfc_restore_table(struct memfd_rfc_in *in, u64 first)
{
	struct kho_vmalloc kv = {
		.first.phys = first,
		.total_pages = memfd_rfc_table_pages(in->nr, PAGE_SIZE),
		.flags = MEMFD_RFC_TABLE_KHO_FLAGS,
		.order = 0,
	};
	int err;

	err = memfd_rfc_walk_chunks(in, first, kv.total_pages);
	if (err)
		return err;
	in->table = kho_restore_vmalloc(&kv);
	if (!in->table) {
		pr_err("folio table at %#llx (%u pages) is not preserved memory\n",
		       first, kv.total_pages);
		return -EINVAL;
	}
	return 0;
}

static void memfd_rfc_free_table(struct memfd_rfc_in *in)
{
	vfree(in->table);
	kvfree(in->chunks);
	in->table = NULL;
	in->chunks = NULL;
}

static int memfd_rfc_range_cmp(const void *a, const void *b)
{
	const struct memfd_rfc_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * No two of the folios, the FDT, the table's pages and its chunks may share
 * a byte: a page would be handed out twice. O(n log n) in the ranges left
 * after joining each folio to the one before it when it starts where that
 * one ends (the usual layout of a file's pages, and the same verdict: the
 * joined range is exactly the pages of both).
 */
static int memfd_rfc_check_overlap(struct memfd_rfc_in *in, u64 fdt)
{
	u64 pages = memfd_rfc_table_pages(in->nr, PAGE_SIZE);
	u64 i, j = 0, n = in->nr + 1 + pages + in->nr_chunks, start;
	struct memfd_rfc_range *r;
	int err = 0;

	r = kvmalloc_array(n, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	for (i = 0; i < in->nr; i++) {
		start = in->table[i].phys;
		if (j && r[j - 1].end == start) {
			r[j - 1].end += PAGE_SIZE << in->table[i].order;
			continue;
		}
		r[j].start = start;
		r[j++].end = start + (PAGE_SIZE << in->table[i].order);
	}
	r[j].start = fdt;
	r[j++].end = fdt + folio_size(virt_to_folio(in->fdt));
	for (i = 0; i < pages; i++, j++) {
		r[j].start = PFN_PHYS(vmalloc_to_pfn((char *)in->table +
						     i * PAGE_SIZE));
		r[j].end = r[j].start + PAGE_SIZE;
	}
	for (i = 0; i < in->nr_chunks; i++, j++) {
		r[j].start = in->chunks[i];
		r[j].end = r[j].start + PAGE_SIZE;
	}
	n = j;
	sort(r, n, sizeof(*r), memfd_rfc_range_cmp, NULL);
	for (i = 1; i < n; i++) {
		if (r[i].start < r[i - 1].end) {
			pr_err("memory at %#llx is named twice\n", r[i].start);
			err = -EINVAL;
			break;
		}
	}
	kvfree(r);
	return err;
}

/*
 * Free the folios of entries [from, nr), then the table and the FDT. An
 * entry with no address, or not page aligned, names nothing and is
 * skipped; for any other KHO checks that a folio was preserved there and
 * not restored yet.
 */
static void memfd_rfc_discard(struct memfd_rfc_in *in, u64 from)
{
	struct folio *folio;
	u64 i, phys;

	for (i = from; i < in->nr; i++) {
		phys = in->table[i].phys;
		if (!phys || !PAGE_ALIGNED(phys))
			continue;
		folio = kho_restore_folio(phys);
		if (folio)
			folio_put(folio);
		else
			pr_warn_ratelimited("folio at %#llx was not preserved\n",
					    phys);
		cond_resched();
	}
	memfd_rfc_free_table(in);
	memfd_rfc_free_block(in->fdt);
}

/* Check one table entry; @next is the first index after the previous one. */
static const char *memfd_rfc_bad_entry(const struct memfd_rfc_folio *e,
				       u64 pages, u64 *next)
{
	u64 nr_pages, end, pend;

	if (e->flags & ~MEMFD_RFC_FOLIO_FLAGS)
		return "unknown flags";
	if (e->order > MAX_PAGE_ORDER)
		return "order too large";
	nr_pages = 1ULL << e->order;
	if (!IS_ALIGNED(e->index, nr_pages))
		return "index not aligned to the folio size";
	if (check_add_overflow(e->index, nr_pages, &end))
		return "index overflows";
	if (e->index < *next)
		return "index not above the previous folio";
	if (end > pages)
		return "folio past the end of the file";
	if (!e->phys || !IS_ALIGNED(e->phys, PAGE_SIZE << e->order) ||
	    check_add_overflow(e->phys, PAGE_SIZE << e->order, &pend))
		return "address not aligned to the folio size";
	*next = end;
	return NULL;
}

/**
 * memfd_rfc_parse - take over and validate an incoming memfd-rfc-v2 description
 * @data: the file's handover data: physical address of its memfd-rfc-v2 FDT
 * @in:   the description, on success
 *
 * Everything is checked before a single folio is touched:
 *
 * - @data is page aligned and a block preserved with KHO (restored here);
 *   the FDT passes fdt_check_header(), its totalsize fits the block, its
 *   root is compatible "memfd-rfc-v2";
 * - "size" (u64) is at most MAX_LFS_FILESIZE; "seals" (u32) has no bits
 *   outside F_SEAL_SEAL|SHRINK|GROW|WRITE|FUTURE_WRITE|EXEC; "folios" (u64)
 *   and "nr-folios" (u64) are both zero or both non-zero, nr-folios is at
 *   most MEMFD_RFC_MAX_FOLIOS and at most the file's pages (size rounded up
 *   to pages);
 * - "folios" is the first chunk of a vmalloc area preserved with KHO of
 *   exactly the pages nr-folios entries of 24 bytes need (restored here,
 *   see memfd_rfc_restore_table()), its chunks page aligned, in memory and
 *   no more than that many pages need;
 * - each entry: flags only UPTODATE|DIRTY; order at most MAX_PAGE_ORDER
 *   (the largest folio KHO can preserve; one larger than the page cache
 *   takes is copied at retrieve); index aligned to 2^order;
 *   index + 2^order does not overflow; index at or above the end of the
 *   previous entry (ascending, no overlap); index + 2^order at most the
 *   file's pages (no folio straddles the end of the file: prepare splits
 *   such a folio); phys non-zero and aligned to the folio size;
 * - no two folios, the FDT, the table's pages and its chunks overlap in
 *   physical memory.
 *
 * On failure everything the description names is freed: each folio of the
 * table that KHO still holds (when the table could be restored), the table
 * and the FDT (see memfd_rfc_discard()). Nothing is left for finish.
 *
 * Context: process context.
 * Return: 0, -EINVAL for a bad description, -ENOMEM.
 */
static int memfd_rfc_parse(u64 data, struct memfd_rfc_in *in)
{
	u64 table, pages, next = 0, i;
	struct folio *folio;
	const char *why;
	const void *p;
	int len, err;

	memset(in, 0, sizeof(*in));
	folio = memfd_rfc_restore_block(data);
	if (!folio) {
		pr_err("handover data at %#llx is not preserved memory\n", data);
		return -EINVAL;
	}
	in->fdt = folio_address(folio);
	err = -EINVAL;
	if (fdt_check_header(in->fdt) ||
	    fdt_totalsize(in->fdt) > folio_size(folio) ||
	    fdt_node_check_compatible(in->fdt, 0, MEMFD_RFC_COMPATIBLE))
		goto err_bad;
	p = fdt_getprop(in->fdt, 0, MEMFD_RFC_PROP_SEALS, &len);
	if (!p || len != sizeof(u32))
		goto err_bad;
	in->seals = get_unaligned((const u32 *)p);
	if (memfd_rfc_get_u64(in->fdt, MEMFD_RFC_PROP_SIZE, &in->size) ||
	    memfd_rfc_get_u64(in->fdt, MEMFD_RFC_PROP_FOLIOS, &table) ||
	    memfd_rfc_get_u64(in->fdt, MEMFD_RFC_PROP_NR_FOLIOS, &in->nr))
		goto err_bad;
	/* the table first: whatever is wrong below, its folios are freed */
	if (in->nr > MEMFD_RFC_MAX_FOLIOS)
		goto err_bad;
	if (in->nr && table) {
		err = memfd_rfc_restore_table(in, table);
		if (err == -ENOMEM)
			goto err_free;
		err = -EINVAL;
		if (!in->table)
			goto err_bad;
	}
	if (in->seals & ~MEMFD_RFC_SEALS || in->size > MAX_LFS_FILESIZE)
		goto err_bad;
	pages = DIV_ROUND_UP_ULL(in->size, PAGE_SIZE);
	if (in->nr > pages || !in->nr != !table)
		goto err_bad;
	if (!in->nr)
		return 0;

	for (i = 0; i < in->nr; i++) {
		why = memfd_rfc_bad_entry(&in->table[i], pages, &next);
		if (why) {
			pr_err("folio %llu (index %#llx, order %u, flags %#x): %s\n",
			       i, in->table[i].index, in->table[i].order,
			       in->table[i].flags, why);
			goto err_bad;
		}
	}
	err = memfd_rfc_check_overlap(in, data);
	if (err)
		goto err_free;
	return 0;

err_bad:
	pr_err("handover data at %#llx is not a valid %s description\n", data,
	       MEMFD_RFC_COMPATIBLE);
err_free:
	/* free what the table names, when it could be read */
	if (!in->table)
		in->nr = 0;
	if (in->nr)
		pr_err("freeing the %llu folios the refused description names\n",
		       in->nr);
	memfd_rfc_discard(in, 0);
	in->fdt = NULL;
	return err;
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

/*
 * The largest folio the new memfd's page cache takes: 0 without THP (no
 * multi-index xarray entries). luo_rfc.fault=memfd-order0 makes it 0 here
 * too, so that tests reach the copy below on a kernel with THP.
 */
static unsigned int memfd_rfc_cache_order(struct file *file)
{
	if (liveupdate_rfc_fault("memfd-order0"))
		return 0;
	return mapping_max_folio_order(file->f_mapping);
}

/*
 * @big is larger than the page cache takes: copy its pages inside the file
 * (below @pages) into folios of order 0 and insert those; @big is put.
 * Adds the pages inserted to @added.
 */
static int memfd_rfc_insert_copy(struct file *file, struct folio *big,
				 u64 index, u32 flags, u64 pages, long *added)
{
	gfp_t gfp = mapping_gfp_mask(file->f_mapping);
	unsigned long i, nr = folio_nr_pages(big);
	struct folio *folio;
	int err = 0;

	for (i = 0; i < nr && index + i < pages; i++) {
		folio = folio_alloc(gfp, 0);
		if (!folio) {
			err = -ENOMEM;
			break;
		}
		copy_highpage(folio_page(folio, 0), folio_page(big, i));
		err = memfd_rfc_insert(file, folio, index + i, flags);
		if (err)
			break;
		(*added)++;
		cond_resched();
	}
	folio_put(big);
	return err;
}

static int memfd_rfc_retrieve(struct luo_file_args *args)
{
	struct memfd_rfc_in in;
	unsigned int max_order;
	struct folio *folio;
	struct file *file;
	long added = 0;
	u64 i = 0, pages;
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
	pages = DIV_ROUND_UP_ULL(in.size, PAGE_SIZE);
	max_order = memfd_rfc_cache_order(file);

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
		if (e->order > max_order) {
			err = memfd_rfc_insert_copy(file, folio, e->index,
						    e->flags, pages, &added);
		} else {
			err = memfd_rfc_insert(file, folio, e->index, e->flags);
			if (!err)
				added += 1L << e->order;
		}
		if (err) {
			pr_err("cannot insert folio at index %llu: %pe\n",
			       e->index, ERR_PTR(err));
			goto err_discard_rest;
		}
	}
	shmem_recalc_inode(file_inode(file), added, 0);

	err = memfd_add_seals(file, in.seals);
	if (err) {
		pr_err("cannot add seals %#x: %pe\n", in.seals, ERR_PTR(err));
		goto err_fput;
	}
	memfd_rfc_free_table(&in);
	memfd_rfc_free_block(in.fdt);
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
	.verify = memfd_rfc_verify,
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
