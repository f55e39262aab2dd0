// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo-stage.efi: the EFI stage. Firmware starts it; it reads luo-stage.cfg
 * from the root of its own volume, loads the kernel, the initrd and
 * optionally a handover bundle (luo-fdt gen --out-dir layout), checks the
 * handover with the stage library against the firmware's memory map and
 * boots Linux with it, or without it and with the reason on the command
 * line. mode=dump prints the handover instead of booting; mode=check checks
 * every bundle in the subdirectories of handover= as a boot would, one
 * verdict line each, and boots nothing.
 *
 *   1. config: every line "key=value" (kernel, initrd, cmdline, handover,
 *      mode), '#' comments; anything else is an error;
 *   2. the kernel and initrd must exist before anything else is done;
 *   3. handover: every DIR/phys/0x<addr>.bin is read into a buffer behind a
 *      window at its nominal address, DIR/kho_data.bin says where the KHO
 *      FDT and the scratch table are; ho_check_handover() gives the verdict
 *      with the memory map from GetMemoryMap (memmap_from_efi()) before
 *      anything is placed;
 *   4. accepted: place() finds the fixed ranges (files reached by address,
 *      scratch, the map page, every preserved block) free, or moves the
 *      whole handover by one offset so they are (ho_handover_rebase()); the files
 *      are copied to their addresses (AllocateAddress, EfiLoaderData, so
 *      Linux sees RAM), scratch and blocks allocated, KHO's preserved-memory
 *      map (the bundle's tree, or rebuilt by ho_preserved_tree_rebuild() after
 *      a move) proven by the library, the KHO FDT and scratch table handed
 *      over the arch's way (x86: one setup_data entry), each step checked again;
 *      rejected: one line with the error name, node path and detail, the
 *      handover's memory is freed and luo_stage.err=<HO_ERR_NAME> goes on
 *      the command line;
 *   5. the arch code boots the kernel (boot_x86.c, boot_arm64.c).
 *
 * Input errors (config, missing or truncated file, a bundle that is not
 * one) print one line and return the EFI status to the firmware, after
 * freeing what was allocated. Nothing here hangs or resets.
 */
#include "app.h"
#include "initrd.h"
#include <ho/preserved.h>

#define CFG_PATH	"\\luo-stage.cfg"
#define CFG_MAX		(64u << 10)	/* bytes of config */
#define LINE_MAX	(APP_CMDLINE_MAX + 16)
#define BLOBS_MAX	16384u		/* files in a bundle's phys/ */
#define READ_CHUNK	(1u << 20)
#define WORK_START	(1ull << 20)	/* check work buffer, doubled as needed */
#define WORK_MAX	(256ull << 20)
#define RADIX_CHUNK	64		/* tree pages of the first chunk, doubled after */
#define TREE_WIN	20		/* chunks (windows) for a rebuilt tree */
#define DUMP_LINES	400
#define CHECK_MAX	1024u		/* bundles of mode=check */
#define CHECK_NAME	64		/* bytes of a bundle's directory name */
#define PAGE		4096ull

/* ---- console ------------------------------------------------------------ */

void app_say(const char *line)
{
	Print(L"%a\n", line);
}

EFI_STATUS app_fail(EFI_STATUS status, const char *what)
{
	Print(L"luo-stage: error: %a: %r\n", what, status);
	return status;
}

UINT64 app_kernel_bad(const char *why, UINT64 a, UINT64 b)
{
	char line[200];
	struct ho_sbuf sb;

	ho_sb_init(&sb, line, sizeof(line));
	ho_sb_puts(&sb, "kernel: ");
	ho_sb_puts(&sb, why);
	ho_sb_puts(&sb, " (");
	ho_sb_hex(&sb, a);
	ho_sb_puts(&sb, ", ");
	ho_sb_hex(&sb, b);
	ho_sb_puts(&sb, ")");
	app_fail(EFI_LOAD_ERROR, line);
	return 0;
}

/* "luo-stage: error: <a><b>" with a status of the caller's choice. */
static EFI_STATUS fail2(EFI_STATUS status, const char *a, const char *b)
{
	char line[LINE_MAX];
	struct ho_sbuf sb;

	ho_sb_init(&sb, line, sizeof(line));
	ho_sb_puts(&sb, a);
	ho_sb_puts(&sb, b);
	return app_fail(status, line);
}

/* ---- allocations -------------------------------------------------------- */

EFI_STATUS app_alloc_pages(struct app *a, EFI_ALLOCATE_TYPE type,
			   EFI_PHYSICAL_ADDRESS *addr, UINTN pages,
			   enum app_group group)
{
	return app_alloc_pages_type(a, type, EfiLoaderData, addr, pages, group);
}

EFI_STATUS app_alloc_pages_type(struct app *a, EFI_ALLOCATE_TYPE type,
				EFI_MEMORY_TYPE mtype, EFI_PHYSICAL_ADDRESS *addr,
				UINTN pages, enum app_group group)
{
	EFI_STATUS st;

	if (a->nallocs == a->cap_allocs) {
		UINTN cap = a->cap_allocs ? 2 * a->cap_allocs : 64;
		struct app_alloc *n;

		st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData,
				       cap * sizeof(*n), (void **)&n);
		if (EFI_ERROR(st))
			return st;
		if (a->nallocs)
			CopyMem(n, a->allocs, a->nallocs * sizeof(*n));
		if (a->allocs)
			uefi_call_wrapper(BS->FreePool, 1, a->allocs);
		a->allocs = n;
		a->cap_allocs = cap;
	}
	st = uefi_call_wrapper(BS->AllocatePages, 4, type, mtype, pages, addr);
	if (EFI_ERROR(st))
		return st;
	ZeroMem((void *)(UINTN)*addr, pages * PAGE);
	a->allocs[a->nallocs++] = (struct app_alloc){ *addr, pages, group };
	return EFI_SUCCESS;
}

void app_free_group(struct app *a, enum app_group group)
{
	UINTN i, j = 0;

	for (i = a->nallocs; i-- > 0;) {
		if (group && a->allocs[i].group != group)
			continue;
		uefi_call_wrapper(BS->FreePages, 2, a->allocs[i].addr,
				  a->allocs[i].pages);
		a->allocs[i].pages = 0;
	}
	for (i = 0; i < a->nallocs; i++)
		if (a->allocs[i].pages)
			a->allocs[j++] = a->allocs[i];
	a->nallocs = j;
}

static void *pool(UINTN size)
{
	void *p = NULL;

	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData,
					size, &p)))
		return NULL;
	ZeroMem(p, size);
	return p;
}

static void pool_free(void *p)
{
	if (p)
		uefi_call_wrapper(BS->FreePool, 1, p);
}

/* ---- files -------------------------------------------------------------- */

/* ASCII path, '/' or '\\' separated, to an absolute CHAR16 path. */
static EFI_STATUS wpath(const char *path, CHAR16 *out, UINTN cap)
{
	UINTN i = 0;

	if (path[0] != '/' && path[0] != '\\')
		out[i++] = L'\\';
	for (; *path; path++) {
		if (i + 1 >= cap)
			return EFI_BAD_BUFFER_SIZE;
		out[i++] = *path == '/' ? L'\\' : (CHAR16)(unsigned char)*path;
	}
	out[i] = 0;
	return EFI_SUCCESS;
}

static EFI_STATUS open_path(struct app *a, const char *path,
			    EFI_FILE_HANDLE *fh)
{
	CHAR16 w[APP_PATH_MAX * 2];
	EFI_STATUS st = wpath(path, w, sizeof(w) / sizeof(w[0]));

	if (EFI_ERROR(st))
		return st;
	return uefi_call_wrapper(a->root->Open, 5, a->root, fh, w,
				 EFI_FILE_MODE_READ, 0);
}

static void close_file(EFI_FILE_HANDLE fh)
{
	if (fh)
		uefi_call_wrapper(fh->Close, 1, fh);
}

/* Size and directory bit of an open file, from its EFI_FILE_INFO. */
static EFI_STATUS file_info(EFI_FILE_HANDLE fh, UINT64 *size, BOOLEAN *dir)
{
	EFI_FILE_INFO *info = LibFileInfo(fh);

	if (!info)
		return EFI_DEVICE_ERROR;
	*size = info->FileSize;
	*dir = (info->Attribute & EFI_FILE_DIRECTORY) != 0;
	pool_free(info);
	return EFI_SUCCESS;
}

/*
 * Read exactly size bytes (the file info's size) into dst, which has room
 * for them; the file must then be at its end.
 */
static EFI_STATUS read_exact(EFI_FILE_HANDLE fh, const char *path,
			     UINT8 *dst, UINT64 size)
{
	char msg[APP_PATH_MAX + 96];
	struct ho_sbuf sb;
	UINT64 done = 0;
	UINT8 probe;
	UINTN n;
	EFI_STATUS st;

	while (done < size) {
		n = size - done < READ_CHUNK ? (UINTN)(size - done) : READ_CHUNK;
		st = uefi_call_wrapper(fh->Read, 3, fh, &n, dst + done);
		if (EFI_ERROR(st))
			return fail2(st, "read ", path);
		if (!n || n > size - done) {
			ho_sb_init(&sb, msg, sizeof(msg));
			ho_sb_puts(&sb, path);
			ho_sb_puts(&sb, ": truncated: read ");
			ho_sb_dec(&sb, done);
			ho_sb_puts(&sb, " of the ");
			ho_sb_dec(&sb, size);
			ho_sb_puts(&sb, " bytes its file info gives");
			return app_fail(EFI_END_OF_FILE, msg);
		}
		done += n;
	}
	n = 1;
	st = uefi_call_wrapper(fh->Read, 3, fh, &n, &probe);
	if (EFI_ERROR(st))
		return fail2(st, "read ", path);
	if (n)
		return fail2(EFI_BAD_BUFFER_SIZE, path,
			     ": longer than its file info says");
	return EFI_SUCCESS;
}

/* Open path as a regular file and give its size. */
static EFI_STATUS open_regular(struct app *a, const char *path,
			       EFI_FILE_HANDLE *fh, UINT64 *size)
{
	BOOLEAN dir;
	EFI_STATUS st;

	*fh = NULL;
	st = open_path(a, path, fh);
	if (EFI_ERROR(st))
		return fail2(st, "cannot open ", path);
	st = file_info(*fh, size, &dir);
	if (EFI_ERROR(st)) {
		close_file(*fh);
		*fh = NULL;
		return fail2(st, "no file info for ", path);
	}
	if (dir) {
		close_file(*fh);
		*fh = NULL;
		return fail2(EFI_INVALID_PARAMETER, path, ": is a directory");
	}
	return EFI_SUCCESS;
}

EFI_STATUS app_read_file(struct app *a, const char *path, UINT64 max_addr,
			 enum app_group group, void **buf, UINT64 *size)
{
	EFI_PHYSICAL_ADDRESS addr = max_addr;
	EFI_FILE_HANDLE fh;
	EFI_STATUS st;
	UINTN pages;

	st = open_regular(a, path, &fh, size);
	if (EFI_ERROR(st))
		return st;
	if (!*size) {
		close_file(fh);
		return fail2(EFI_LOAD_ERROR, path, ": empty file");
	}
	pages = (UINTN)((*size + PAGE - 1) / PAGE);
	st = app_alloc_pages(a, max_addr ? AllocateMaxAddress : AllocateAnyPages,
			     &addr, pages, group);
	if (EFI_ERROR(st)) {
		close_file(fh);
		return fail2(st, "no memory for ", path);
	}
	st = read_exact(fh, path, (UINT8 *)(UINTN)addr, *size);
	close_file(fh);
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(BS->FreePages, 2, addr, pages);
		a->nallocs--;
		return st;
	}
	*buf = (void *)(UINTN)addr;
	return EFI_SUCCESS;
}

/* ---- config ------------------------------------------------------------- */

static bool key_is(const char *s, size_t n, const char *key)
{
	return ho_strlen(key) == n && !ho_memcmp(s, key, n);
}

static EFI_STATUS cfg_error(UINTN lineno, const char *why, const char *s,
			    size_t n)
{
	char msg[256];
	struct ho_sbuf sb;

	ho_sb_init(&sb, msg, sizeof(msg));
	ho_sb_puts(&sb, "luo-stage.cfg line ");
	ho_sb_dec(&sb, lineno);
	ho_sb_puts(&sb, ": ");
	ho_sb_puts(&sb, why);
	if (s) {
		ho_sb_puts(&sb, " '");
		ho_sb_putsn(&sb, s, n > 64 ? 64 : n);
		ho_sb_puts(&sb, n > 64 ? "...'" : "'");
	}
	return app_fail(EFI_INVALID_PARAMETER, msg);
}

static EFI_STATUS cfg_line(struct app_cfg *c, UINTN lineno, const char *s,
			   size_t n, unsigned int *seen)
{
	static const char *const keys[] = {
		"kernel", "initrd", "cmdline", "handover", "mode",
	};
	char *const dst[] = { c->kernel, c->initrd, c->cmdline, c->handover,
			      NULL };
	const size_t cap[] = { sizeof(c->kernel), sizeof(c->initrd),
			       sizeof(c->cmdline), sizeof(c->handover), 8 };
	const char *eq = ho_memchr(s, '=', n), *v;
	size_t k, vn, i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return cfg_error(lineno, "control or non-ASCII byte in",
					 s, n);
	if (!eq)
		return cfg_error(lineno, "not key=value:", s, n);
	v = eq + 1;
	vn = n - (size_t)(v - s);
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (key_is(s, (size_t)(eq - s), keys[k]))
			break;
	if (k == sizeof(keys) / sizeof(keys[0]))
		return cfg_error(lineno, "unknown key (kernel, initrd, cmdline, handover, mode):",
				 s, (size_t)(eq - s));
	if (*seen & (1u << k))
		return cfg_error(lineno, "key given twice:", s, (size_t)(eq - s));
	*seen |= 1u << k;
	if (vn + 1 > cap[k])
		return cfg_error(lineno, "value too long:", s, n);
	if (!vn && k != 2)
		return cfg_error(lineno, "empty value:", s, n);
	if (!dst[k]) {
		if (key_is(v, vn, "boot"))
			c->mode = MODE_BOOT;
		else if (key_is(v, vn, "dump"))
			c->mode = MODE_DUMP;
		else if (key_is(v, vn, "check"))
			c->mode = MODE_CHECK;
		else
			return cfg_error(lineno, "mode is boot, dump or check, not", v, vn);
		return EFI_SUCCESS;
	}
	ho_memcpy(dst[k], v, vn);
	dst[k][vn] = 0;
	return EFI_SUCCESS;
}

static EFI_STATUS read_config(struct app *a)
{
	struct app_cfg *c = &a->cfg;
	unsigned int seen = 0;
	const char *p, *end, *nl;
	UINTN lineno = 0;
	UINT64 size;
	void *buf;
	EFI_STATUS st;

	st = app_read_file(a, CFG_PATH, 0, G_TMP, &buf, &size);
	if (EFI_ERROR(st))
		return st;
	if (size > CFG_MAX)
		return app_fail(EFI_BAD_BUFFER_SIZE, "luo-stage.cfg is larger than 64 KiB");
	for (p = buf, end = p + size; p < end; p = nl + 1) {
		size_t n;

		nl = ho_memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		n = (size_t)(nl - p);
		if (n && p[n - 1] == '\r')
			n--;
		lineno++;
		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (!n || *p == '#')
			continue;
		st = cfg_line(c, lineno, p, n, &seen);
		if (EFI_ERROR(st))
			return st;
	}
	if (!c->kernel[0])
		return app_fail(EFI_INVALID_PARAMETER, "luo-stage.cfg: no kernel= line");
	if (c->mode == MODE_DUMP && !c->handover[0])
		return app_fail(EFI_INVALID_PARAMETER, "luo-stage.cfg: mode=dump needs handover=");
	if (c->mode == MODE_CHECK && !c->handover[0])
		return app_fail(EFI_INVALID_PARAMETER,
				"luo-stage.cfg: mode=check needs handover= (a directory of bundles)");
	return EFI_SUCCESS;
}

/* ---- memory map ---------------------------------------------------------- */

/*
 * The firmware's memory map as the stage library's memory map, typed as the
 * kernel will see it after ExitBootServices (the x86 EFI stub's setup_e820():
 * loader, boot services and conventional memory are RAM unless marked
 * specific-purpose). The one place that knows both type systems; out is
 * pool memory the caller frees.
 */
static EFI_STATUS memmap_from_efi(struct ho_memmap *mm, struct ho_mem_range **out)
{
	UINTN n, key, dsize, i;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver);
	struct ho_mem_range *r;

	if (!map)
		return app_fail(EFI_DEVICE_ERROR, "GetMemoryMap");
	r = pool((n ? n : 1) * sizeof(*r));
	if (!r) {
		pool_free(map);
		return app_fail(EFI_OUT_OF_RESOURCES, "memory map copy");
	}
	for (i = 0; i < n; i++) {
		const EFI_MEMORY_DESCRIPTOR *d =
			(const void *)((const UINT8 *)map + i * dsize);
		uint32_t type;

		switch (d->Type) {
		case EfiLoaderCode:
		case EfiLoaderData:
		case EfiBootServicesCode:
		case EfiBootServicesData:
		case EfiConventionalMemory:
			type = (d->Attribute & 0x40000ull /* EFI_MEMORY_SP */) ?
			       HO_MEM_RESERVED : HO_MEM_RAM;
			break;
		case EfiACPIReclaimMemory:
			type = HO_MEM_ACPI;
			break;
		case EfiACPIMemoryNVS:
			type = HO_MEM_NVS;
			break;
		case EfiUnusableMemory:
			type = HO_MEM_UNUSABLE;
			break;
		default:	/* reserved, runtime, MMIO, PAL, persistent */
			type = HO_MEM_RESERVED;
			break;
		}
		r[i] = (struct ho_mem_range){ d->PhysicalStart,
					      d->NumberOfPages * PAGE, type };
	}
	pool_free(map);
	*out = r;
	mm->ranges = r;
	mm->count = (uint32_t)n;
	return EFI_SUCCESS;
}

/* ---- the handover bundle ------------------------------------------------- */

struct blob {
	UINT64 addr, size;
};

struct bundle {
	struct ho_handover kd;
	struct blob *blobs;		/* sorted by addr */
	UINT32 n;
	/* n + 1 + TREE_WIN: blobs, the arch's hand-over copy, tree chunks */
	struct ho_window *win;
	struct ho_phys phys;
	struct blob *ext;		/* page extents holding the blobs */
	UINT32 next;
	struct ho_report rep;		/* verdict; rep.err != 0: rejected */
	UINT64 sd;			/* arch_handover()'s link */
	INT64 moved;			/* offset place() moved it by */
	UINT64 map;			/* preserved-memory-map root written */
	UINT64 nblocks, nradix;		/* nradix: pages of a rebuilt tree */
	/* tree page chunk, its window win[n + 1 + nchunk - 1] */
	UINT64 chunk, chunk_left, chunk_pages;
	UINT32 nchunk;
};

static void bundle_free(struct bundle *b)
{
	pool_free(b->blobs);
	pool_free(b->win);
	pool_free(b->ext);
	b->blobs = NULL;
	b->win = NULL;
	b->ext = NULL;
}

/* "0x<hex>.bin" (any case) to an address. */
static bool blob_name(const CHAR16 *s, UINT64 *addr)
{
	UINT64 v = 0;
	UINTN i, digits = 0;

	if (s[0] != L'0' || (s[1] != L'x' && s[1] != L'X'))
		return false;
	for (i = 2; s[i] && s[i] != L'.'; i++) {
		CHAR16 c = s[i];
		UINT64 d;

		if (c >= L'0' && c <= L'9')
			d = c - L'0';
		else if (c >= L'a' && c <= L'f')
			d = c - L'a' + 10;
		else if (c >= L'A' && c <= L'F')
			d = c - L'A' + 10;
		else
			return false;
		if (++digits > 16)
			return false;
		v = v << 4 | d;
	}
	if (!digits || s[i] != L'.' ||
	    !((s[i + 1] | 0x20) == L'b' && (s[i + 2] | 0x20) == L'i' &&
	      (s[i + 3] | 0x20) == L'n' && !s[i + 4]))
		return false;
	*addr = v;
	return true;
}

static void join(char *out, UINTN cap, const char *a, const char *b)
{
	struct ho_sbuf sb;

	ho_sb_init(&sb, out, cap);
	ho_sb_puts(&sb, a);
	ho_sb_puts(&sb, b);
}

/*
 * The next entry of the open directory fh into *fi, pool memory of *bufsize
 * bytes, grown (and *bufsize with it) when an entry needs more, up to 64
 * KiB. EFI_SUCCESS: *fi holds it; EFI_END_OF_FILE: the end of the directory;
 * else the firmware's error, or EFI_OUT_OF_RESOURCES with *fi NULL.
 */
static EFI_STATUS dir_next(EFI_FILE_HANDLE fh, EFI_FILE_INFO **fi, UINTN *bufsize)
{
	for (;;) {
		UINTN n = *bufsize;
		EFI_STATUS st = uefi_call_wrapper(fh->Read, 3, fh, &n, *fi);

		if (st == EFI_BUFFER_TOO_SMALL && n > *bufsize && n < 65536) {
			pool_free(*fi);
			*bufsize = n;
			*fi = pool(n);
			if (!*fi)
				return EFI_OUT_OF_RESOURCES;
			continue;
		}
		if (EFI_ERROR(st))
			return st;
		return n ? EFI_SUCCESS : EFI_END_OF_FILE;
	}
}

/* DIR/phys: every file's address and size, sorted, disjoint. */
static EFI_STATUS list_blobs(struct app *a, struct bundle *b,
			     const char *dir)
{
	char path[APP_PATH_MAX + 16], name[80], msg[160];
	EFI_FILE_HANDLE fh = NULL;
	UINTN bufsize = 512, i, j, cap = 0;
	EFI_FILE_INFO *fi = pool(bufsize);
	struct ho_sbuf sb;
	EFI_STATUS st;

	join(path, sizeof(path), dir, "/phys");
	if (!fi)
		return app_fail(EFI_OUT_OF_RESOURCES, "directory buffer");
	st = open_path(a, path, &fh);
	if (EFI_ERROR(st)) {
		pool_free(fi);
		return fail2(st, "cannot open ", path);
	}
	while (!EFI_ERROR((st = dir_next(fh, &fi, &bufsize)))) {
		UINT64 addr;

		if (fi->Attribute & EFI_FILE_DIRECTORY)
			continue;		/* ".", ".." */
		for (i = 0; fi->FileName[i] && i + 1 < sizeof(name); i++)
			name[i] = fi->FileName[i] < 0x80 ? (char)fi->FileName[i] : '?';
		name[i] = 0;
		if (!blob_name(fi->FileName, &addr)) {
			st = fail2(EFI_INVALID_PARAMETER, "handover: not a 0x<address>.bin file: phys/", name);
			goto out;
		}
		if (!fi->FileSize || addr + fi->FileSize < addr) {
			st = fail2(EFI_INVALID_PARAMETER, "handover: empty or wrapping: phys/", name);
			goto out;
		}
		if (b->n == cap) {
			struct blob *nb;

			if (cap >= BLOBS_MAX) {
				st = app_fail(EFI_OUT_OF_RESOURCES,
					      "handover: more than 16384 files in phys/");
				goto out;
			}
			cap = cap ? 2 * cap : 64;
			nb = pool(cap * sizeof(*nb));
			if (!nb) {
				st = EFI_OUT_OF_RESOURCES;
				goto out;
			}
			if (b->n)
				CopyMem(nb, b->blobs, b->n * sizeof(*nb));
			pool_free(b->blobs);
			b->blobs = nb;
		}
		/* insertion keeps them sorted (at most 4096) */
		for (j = b->n; j > 0 && b->blobs[j - 1].addr > addr; j--)
			b->blobs[j] = b->blobs[j - 1];
		b->blobs[j] = (struct blob){ addr, fi->FileSize };
		b->n++;
	}
	if (st == EFI_END_OF_FILE)
		st = EFI_SUCCESS;	/* the end of the directory */
	if (EFI_ERROR(st)) {
		st = fail2(st, "cannot list ", path);
		goto out;
	}
	if (!b->n) {
		st = fail2(EFI_NOT_FOUND, "handover: no blobs in ", path);
		goto out;
	}
	for (i = 1; i < b->n; i++) {
		if (b->blobs[i - 1].addr + b->blobs[i - 1].size <= b->blobs[i].addr)
			continue;
		ho_sb_init(&sb, msg, sizeof(msg));
		ho_sb_puts(&sb, "handover: phys/");
		ho_sb_hex(&sb, b->blobs[i - 1].addr);
		ho_sb_puts(&sb, ".bin overlaps phys/");
		ho_sb_hex(&sb, b->blobs[i].addr);
		ho_sb_puts(&sb, ".bin");
		st = app_fail(EFI_INVALID_PARAMETER, msg);
		goto out;
	}
	st = EFI_SUCCESS;
out:
	close_file(fh);
	pool_free(fi);
	return st;
}

/*
 * The KHO FDT and the scratch table are found through the descriptor alone
 * and the arch code copies them (x86: into setup_data), so their files need
 * not sit at their nominal addresses (which the firmware may be using): a
 * file exactly at and of the size of either is loaded anywhere. Everything
 * else is reached by physical address from inside the FDTs and is placed.
 */
static bool relocatable(const struct bundle *b, UINT32 i)
{
	const struct blob *x = &b->blobs[i];

	return (x->addr == b->kd.fdt_addr && x->size == b->kd.fdt_size) ||
	       (x->addr == b->kd.scratch_addr && x->size == b->kd.scratch_size);
}

/* Page extents covering the placed blobs, touching ones merged. */
static EFI_STATUS make_extents(struct bundle *b)
{
	UINT32 i;

	b->ext = pool(b->n * sizeof(*b->ext));
	if (!b->ext)
		return app_fail(EFI_OUT_OF_RESOURCES, "extent table");
	for (i = 0; i < b->n; i++) {
		if (relocatable(b, i))
			continue;
		UINT64 s = b->blobs[i].addr & ~(PAGE - 1);
		UINT64 e = (b->blobs[i].addr + b->blobs[i].size + PAGE - 1) &
			   ~(PAGE - 1);

		if (b->next && b->ext[b->next - 1].addr +
			       b->ext[b->next - 1].size >= s) {
			struct blob *x = &b->ext[b->next - 1];

			if (e > x->addr + x->size)
				x->size = e - x->addr;
			continue;
		}
		b->ext[b->next++] = (struct blob){ s, e - s };
	}
	return EFI_SUCCESS;
}

/* Is the page at addr inside a blob extent? Binary search. */
static bool in_extent(const struct bundle *b, UINT64 addr)
{
	UINT32 lo = 0, hi = b->next;

	while (lo < hi) {
		UINT32 mid = lo + (hi - lo) / 2;
		const struct blob *x = &b->ext[mid];

		if (addr < x->addr)
			hi = mid;
		else if (addr - x->addr >= x->size)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static void reject(struct bundle *b, int err, const char *path, UINT64 addr,
		   UINT64 size, EFI_STATUS st)
{
	struct ho_sbuf sb;
	CHAR16 wst[64];
	UINTN i;

	b->rep.err = err;
	ho_sb_init(&sb, b->rep.path, sizeof(b->rep.path));
	ho_sb_puts(&sb, path);
	ho_sb_init(&sb, b->rep.detail, sizeof(b->rep.detail));
	ho_sb_hex(&sb, addr);
	ho_sb_puts(&sb, "+");
	ho_sb_hex(&sb, size);
	ho_sb_puts(&sb, " not free in the firmware's memory map (AllocatePages: ");
	StatusToString(wst, st);
	for (i = 0; wst[i] && i < 40; i++) {
		char c[2] = { (char)(wst[i] < 0x80 ? wst[i] : '?'), 0 };

		ho_sb_puts(&sb, c);
	}
	ho_sb_puts(&sb, ")");
}

/*
 * Load the bundle in dir into buffers anywhere, each behind a window at its
 * nominal physical address: the library checks it there before anything is
 * placed (place() and copy_in() do that for an accepted one). Input errors
 * return an EFI error.
 */
static EFI_STATUS load_bundle(struct app *a, struct bundle *b,
			      const char *dir)
{
	char path[APP_PATH_MAX + 40];
	EFI_FILE_HANDLE fh;
	UINT64 size;
	void *kd;
	UINT32 i;
	EFI_STATUS st;

	join(path, sizeof(path), dir, "/kho_data.bin");
	st = app_read_file(a, path, 0, G_TMP, &kd, &size);
	if (EFI_ERROR(st))
		return st;
	if (size != sizeof(b->kd))
		return fail2(EFI_INVALID_PARAMETER, path,
			     ": not 32 bytes (fdt_addr, fdt_size, scratch_addr, scratch_size)");
	ho_memcpy(&b->kd, kd, sizeof(b->kd));
	st = list_blobs(a, b, dir);
	if (EFI_ERROR(st))
		return st;
	st = make_extents(b);
	if (EFI_ERROR(st))
		return st;
	b->win = pool((b->n + 1 + TREE_WIN) * sizeof(*b->win));
	if (!b->win)
		return app_fail(EFI_OUT_OF_RESOURCES, "window table");
	b->win[b->n] = (struct ho_window){ 0, NULL, 0 };
	for (i = 0; i < b->n; i++) {
		EFI_PHYSICAL_ADDRESS x = b->blobs[i].addr;
		struct ho_sbuf sb;

		ho_sb_init(&sb, path, sizeof(path));
		ho_sb_puts(&sb, dir);
		ho_sb_puts(&sb, "/phys/");
		ho_sb_hex(&sb, b->blobs[i].addr);
		ho_sb_puts(&sb, ".bin");
		st = app_alloc_pages(a, AllocateAnyPages, &x,
				     (b->blobs[i].size + PAGE - 1) / PAGE, G_HANDOVER);
		if (EFI_ERROR(st))
			return fail2(st, "no memory for ", path);
		st = open_regular(a, path, &fh, &size);
		if (EFI_ERROR(st))
			return st;
		if (size != b->blobs[i].size) {
			close_file(fh);
			return fail2(EFI_VOLUME_CORRUPTED, path,
				     ": size changed since the directory listing");
		}
		st = read_exact(fh, path, (UINT8 *)(UINTN)x, size);
		close_file(fh);
		if (EFI_ERROR(st))
			return st;
		b->win[i] = (struct ho_window){ b->blobs[i].addr,
						(void *)(UINTN)x, size };
	}
	b->phys = (struct ho_phys){ .map = ho_phys_window_map, .win = b->win,
				    .nwin = b->n };
	return EFI_SUCCESS;
}

/* ho_check_handover() with a work buffer grown until it is big enough. */
static int check(const struct ho_handover *kd, const struct ho_phys *phys,
		 const struct ho_memmap *mm, struct ho_report *rep)
{
	struct ho_env env = { .memmap = mm, .phys = phys, .schemas = ho_schemas };
	UINT64 size;
	int err = HO_ERR_WORK_SPACE;

	for (size = WORK_START; size <= WORK_MAX && err == HO_ERR_WORK_SPACE;
	     size *= 2) {
		env.work = pool(size);
		if (!env.work)
			break;
		env.work_size = size;
		err = ho_check_handover(kd, NULL, 0, &env, rep);
		pool_free(env.work);
	}
	return err;
}

/* ---- placement: every fixed range free, or the whole handover moved ----- */

struct range {
	UINT64 addr, size;
};

struct need {
	struct range *r;
	UINT32 n, cap;
	UINT64 align;		/* largest block: a move keeps it aligned */
};

static int need_add(struct need *nd, UINT64 addr, UINT64 size)
{
	if (!size)
		return 0;
	if (nd->n == nd->cap) {
		UINT32 cap = nd->cap ? 2 * nd->cap : 256;
		struct range *r = pool(cap * sizeof(*r));

		if (!r)
			return -1;
		if (nd->n)
			CopyMem(r, nd->r, nd->n * sizeof(*r));
		pool_free(nd->r);
		nd->r = r;
		nd->cap = cap;
	}
	nd->r[nd->n++] = (struct range){ addr & ~(PAGE - 1),
		((addr + size + PAGE - 1) & ~(PAGE - 1)) - (addr & ~(PAGE - 1)) };
	return 0;
}

static int need_block(void *ctx, uint64_t phys, uint32_t order,
		      const char *what)
{
	struct need *nd = ctx;

	(void)what;
	if ((PAGE << order) > nd->align)
		nd->align = PAGE << order;
	return need_add(nd, phys, PAGE << order) ? HO_ERR_NO_SPACE : HO_OK;
}

/* Conventional memory now, sorted and merged. */
static EFI_STATUS free_ranges(struct range **out, UINT32 *count)
{
	UINTN n, key, dsize, i, j;
	UINT32 dver, k = 0;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver);
	struct range *r;

	if (!map)
		return EFI_DEVICE_ERROR;
	r = pool((n ? n : 1) * sizeof(*r));
	if (!r) {
		pool_free(map);
		return EFI_OUT_OF_RESOURCES;
	}
	for (i = 0; i < n; i++) {
		const EFI_MEMORY_DESCRIPTOR *d =
			(const void *)((const UINT8 *)map + i * dsize);
		struct range x = { d->PhysicalStart, d->NumberOfPages * PAGE };

		if (d->Type != EfiConventionalMemory)
			continue;
		for (j = k; j > 0 && r[j - 1].addr > x.addr; j--)
			r[j] = r[j - 1];
		r[j] = x;
		k++;
	}
	pool_free(map);
	for (i = 1, j = 0; i < k; i++) {
		if (r[j].addr + r[j].size == r[i].addr)
			r[j].size += r[i].size;
		else
			r[++j] = r[i];
	}
	*out = r;
	*count = k ? (UINT32)j + 1 : 0;
	return EFI_SUCCESS;
}

/* Is [addr, addr + size) inside one free range? Binary search. */
static bool is_free(const struct range *fr, UINT32 nf, UINT64 addr, UINT64 size)
{
	UINT32 lo = 0, hi = nf;

	while (lo < hi) {
		UINT32 mid = lo + (hi - lo) / 2;

		if (addr < fr[mid].addr)
			hi = mid;
		else if (addr - fr[mid].addr >= fr[mid].size)
			lo = mid + 1;
		else
			return size <= fr[mid].size - (addr - fr[mid].addr);
	}
	return false;
}

static bool all_free(const struct need *nd, const struct range *fr, UINT32 nf,
		     INT64 delta, UINT32 *bad)
{
	UINT32 i;

	for (i = 0; i < nd->n; i++) {
		UINT64 a = nd->r[i].addr + (UINT64)delta;

		if ((delta < 0 && nd->r[i].addr < (UINT64)-delta + 0x100000) ||
		    (delta > 0 && a < nd->r[i].addr) ||
		    !is_free(fr, nf, a, nd->r[i].size)) {
			*bad = i;
			return false;
		}
	}
	return true;
}

/*
 * The offset that puts every fixed range into free memory: 0 when the
 * handover's own addresses are free, else the nearest multiple of the
 * alignment (up or down, within 4 GiB of them) that is. Fails with the
 * first range the firmware holds at offset 0.
 */
static bool choose_delta(const struct need *nd, const struct range *fr,
			 UINT32 nf, INT64 *delta, UINT32 *bad)
{
	UINT64 k, kmax = (4ull << 30) / nd->align;
	UINT32 dummy;

	*delta = 0;
	if (all_free(nd, fr, nf, 0, bad))
		return true;
	for (k = 1; k <= kmax; k++) {
		INT64 d = (INT64)(k * nd->align);

		if (all_free(nd, fr, nf, d, &dummy) || all_free(nd, fr, nf, -d, &dummy)) {
			*delta = all_free(nd, fr, nf, d, &dummy) ? d : -d;
			return true;
		}
	}
	return false;
}

struct place_ctx {
	struct app *a;
	struct bundle *b;
	EFI_STATUS st;
};

/*
 * Allocate the pages of [addr, addr + size) no blob extent holds; a page
 * the firmware does not give is a rejection with err.
 */
static EFI_STATUS alloc_uncovered(struct app *a, struct bundle *b,
				  UINT64 addr, UINT64 size, const char *what,
				  int err)
{
	UINT64 p = addr & ~(PAGE - 1), end = addr + size, q;
	EFI_STATUS st;

	while (p < end) {
		EFI_PHYSICAL_ADDRESS x = p;

		if (in_extent(b, p)) {
			p += PAGE;
			continue;
		}
		for (q = p; q < end && !in_extent(b, q); q += PAGE)
			;
		st = app_alloc_pages(a, AllocateAddress, &x, (q - p) / PAGE,
				     G_HANDOVER);
		if (EFI_ERROR(st)) {
			reject(b, err, what, p, q - p, st);
			return st;
		}
		p = q;
	}
	return EFI_SUCCESS;
}

/*
 * A zeroed page for a rebuilt tree (ho_preserved_tree_rebuild), from chunks of
 * doubling size, each behind its own window so that the library's check
 * reaches it.
 */
static uint64_t radix_page(void *ctx)
{
	struct place_ctx *c = ctx;
	struct bundle *b = c->b;
	EFI_PHYSICAL_ADDRESS x;
	UINT64 p;

	if (!b->chunk_left) {
		UINT64 pages = b->chunk_pages ? 2 * b->chunk_pages : RADIX_CHUNK;

		if (b->nchunk == TREE_WIN ||
		    EFI_ERROR(app_alloc_pages(c->a, AllocateAnyPages, &x, pages,
					      G_HANDOVER)))
			return 0;
		b->chunk = x;
		b->chunk_left = b->chunk_pages = pages;
		b->win[b->n + 1 + b->nchunk++] =
			(struct ho_window){ x, (void *)(UINTN)x, pages * PAGE };
		b->phys.nwin = b->n + 1 + b->nchunk;
	}
	p = b->chunk + (b->chunk_pages - b->chunk_left--) * PAGE;
	ZeroMem((void *)(UINTN)p, PAGE);
	b->nradix++;
	return p;
}

static int place_block(void *ctx, uint64_t phys, uint32_t order,
		       const char *what)
{
	struct place_ctx *c = ctx;

	c->st = alloc_uncovered(c->a, c->b, phys, PAGE << order, what,
				HO_ERR_ADDR_OUTSIDE_RAM);
	if (EFI_ERROR(c->st))
		return HO_ERR_ADDR_OUTSIDE_RAM;
	c->b->nblocks++;
	return HO_OK;
}

/*
 * Where the checked handover goes: every fixed range (placed files, scratch,
 * the map page, every preserved block) free in the firmware's map at the
 * handover's own addresses, or the whole handover moved by one offset
 * (ho_handover_rebase) so that it is. Then the files are copied to their
 * addresses (the windows follow). A failure is a rejection in b->rep.
 */
static void place(struct bundle *b)
{
	struct need nd = { .align = 2ull << 20 };
	struct range *fr = NULL;
	const struct ho_scratch *sc;
	UINT64 i, map = 0;
	UINT32 nf = 0, bad = 0;
	INT64 delta;
	char line[160];
	struct ho_sbuf sb;
	int err = HO_OK;

	sc = ho_phys_map(&b->phys, b->kd.scratch_addr, b->kd.scratch_size);
	for (i = 0; i < b->next && !err; i++)
		err = need_add(&nd, b->ext[i].addr, b->ext[i].size) ? HO_ERR_NO_SPACE : 0;
	for (i = 0; sc && !err && i < b->kd.scratch_size / sizeof(*sc); i++)
		err = need_add(&nd, sc[i].addr, sc[i].size) ? HO_ERR_NO_SPACE : 0;
	if (!err && !ho_preserved_map_root(&b->kd, &b->phys, &map) && map)
		err = need_add(&nd, map, PAGE) ? HO_ERR_NO_SPACE : 0;
	if (!err)
		err = ho_preserved_walk(&b->kd, &b->phys, need_block, &nd, &b->rep);
	if (!err && EFI_ERROR(free_ranges(&fr, &nf)))
		err = HO_ERR_NO_SPACE;
	if (err) {
		b->rep.err = err;
		goto out;
	}
	if (!choose_delta(&nd, fr, nf, &delta, &bad)) {
		reject(b, HO_ERR_ADDR_OUTSIDE_RAM, "placement", nd.r[bad].addr,
		       nd.r[bad].size, EFI_NOT_FOUND);
		goto out;
	}
	if (delta) {
		err = ho_handover_rebase(&b->kd, &b->phys, delta, &b->rep);
		if (err) {
			b->rep.err = err;
			goto out;
		}
		for (i = 0; i < b->n; i++) {
			b->blobs[i].addr += (UINT64)delta;
			b->win[i].phys += (UINT64)delta;
		}
		for (i = 0; i < b->next; i++)
			b->ext[i].addr += (UINT64)delta;
		ho_sb_init(&sb, line, sizeof(line));
		ho_sb_puts(&sb, "luo-stage: the firmware holds ");
		ho_sb_hex(&sb, nd.r[bad].addr);
		ho_sb_puts(&sb, "+");
		ho_sb_hex(&sb, nd.r[bad].size);
		ho_sb_puts(&sb, ": handover moved by ");
		ho_sb_puts(&sb, delta < 0 ? "-" : "+");
		ho_sb_hex(&sb, delta < 0 ? (UINT64)-delta : (UINT64)delta);
		app_say(line);
	}
	b->moved = delta;
out:
	pool_free(nd.r);
	pool_free(fr);
}

/* The placed files: allocated at their addresses, copied, windows moved. */
static void copy_in(struct app *a, struct bundle *b)
{
	UINT32 i;

	for (i = 0; i < b->next; i++) {
		EFI_PHYSICAL_ADDRESS x = b->ext[i].addr;
		EFI_STATUS st = app_alloc_pages(a, AllocateAddress, &x,
						b->ext[i].size / PAGE, G_HANDOVER);

		if (EFI_ERROR(st)) {
			reject(b, HO_ERR_ADDR_OUTSIDE_RAM, "phys", b->ext[i].addr,
			       b->ext[i].size, st);
			return;
		}
	}
	for (i = 0; i < b->n; i++) {
		if (relocatable(b, i))
			continue;
		CopyMem((void *)(UINTN)b->blobs[i].addr, b->win[i].ptr,
			b->win[i].size);
		b->win[i].ptr = (void *)(UINTN)b->blobs[i].addr;
	}
}

/*
 * Make the accepted handover real: placed (moved if it must be), scratch and
 * preserved blocks allocated, the radix tree written at
 * preserved-memory-map, the KHO FDT and scratch table handed over the arch's
 * way, checked once more. A failure is a rejection in b->rep.
 */
static void make_real(struct app *a, struct bundle *b,
		      const struct ho_memmap *mm)
{
	struct place_ctx c = { .a = a, .b = b };
	const struct ho_scratch *sc;
	struct ho_handover moved;
	UINT64 i, map = 0, sdsize, link, x;
	const void *fdt;
	char what[32];
	struct ho_sbuf sb;
	int err;

	place(b);
	if (!b->rep.err)
		copy_in(a, b);
	if (b->rep.err)
		return;
	sc = ho_phys_map(&b->phys, b->kd.scratch_addr, b->kd.scratch_size);
	for (i = 0; sc && i < b->kd.scratch_size / sizeof(*sc); i++) {
		ho_sb_init(&sb, what, sizeof(what));
		ho_sb_puts(&sb, "scratch[");
		ho_sb_dec(&sb, i);
		ho_sb_puts(&sb, "]");
		if (EFI_ERROR(alloc_uncovered(a, b, sc[i].addr, sc[i].size, what,
					      HO_ERR_SCRATCH_OUTSIDE_RAM)))
			return;
	}
	if (!ho_preserved_map_root(&b->kd, &b->phys, &map) && map) {
		if (EFI_ERROR(alloc_uncovered(a, b, map, PAGE,
					      "preserved-memory-map",
					      HO_ERR_ADDR_OUTSIDE_RAM)))
			return;
		err = ho_preserved_walk(&b->kd, &b->phys, place_block, &c,
					   &b->rep);
		if (err) {
			b->rep.err = err;
			return;
		}
	}
	/*
	 * The bundle's tree holds the keys of the addresses it was made for:
	 * moved, the tree is built again at the moved root for the moved
	 * blocks (the bundle's other tree pages stay unreferenced).
	 */
	if (map && b->moved) {
		UINT64 n;

		err = ho_preserved_tree_rebuild(&b->kd, &b->phys, radix_page, &c, &n,
					 &b->rep);
		if (err) {
			b->rep.err = err;
			return;
		}
	}
	b->map = map;
	/*
	 * The placed (maybe moved) handover checked where it now is, the
	 * preserved-memory map proven block by block: what the kernel reads.
	 */
	err = check(&b->kd, &b->phys, mm, &b->rep);
	if (err) {
		b->rep.err = err;
		return;
	}
	fdt = ho_phys_map(&b->phys, b->kd.fdt_addr, b->kd.fdt_size);
	err = fdt && sc ? arch_handover(a, &b->kd, fdt, sc, &moved, &x, &sdsize,
					&link) : HO_ERR_ADDR_UNMAPPED;
	if (err) {
		b->rep.err = err;
		return;
	}
	b->win[b->n] = (struct ho_window){ x, (void *)(UINTN)x, sdsize };
	b->phys.nwin = b->n + 1 + b->nchunk;
	err = check(&moved, &b->phys, mm, &b->rep);
	if (err) {
		b->rep.err = err;
		return;
	}
	b->kd = moved;
	b->sd = link;
}

/*
 * "<head>handover rejected: NAME (message) at PATH DETAIL<tail>", or
 * "<head>handover ok: ...<tail>"; head is "luo-stage: " or, in mode=check,
 * "luo-stage: check NAME: ".
 */
static void say_verdict(const struct bundle *b, const char *head,
			const char *tail)
{
	char line[600];
	struct ho_sbuf sb;

	ho_sb_init(&sb, line, sizeof(line));
	ho_sb_puts(&sb, head);
	if (!b->rep.err) {
		ho_sb_puts(&sb, "handover ok: ");
		ho_sb_dec(&sb, b->nblocks);
		ho_sb_puts(&sb, " preserved block(s) in KHO's memory map (root at ");
		ho_sb_hex(&sb, b->map);
		if (b->moved) {
			ho_sb_puts(&sb, ", rebuilt for the move: ");
			ho_sb_dec(&sb, b->nradix);
			ho_sb_puts(&sb, " new tree pages");
		} else {
			ho_sb_puts(&sb, ", the bundle's tree");
		}
		ho_sb_puts(&sb, "), ");
		ho_sb_dec(&sb, b->kd.scratch_size / sizeof(struct ho_scratch));
		ho_sb_puts(&sb, " scratch range(s), KHO FDT and scratch table handed over at ");
		ho_sb_hex(&sb, b->sd);
	} else {
		ho_sb_puts(&sb, "handover rejected: ");
		ho_sb_puts(&sb, ho_errname(b->rep.err));
		ho_sb_puts(&sb, " (");
		ho_sb_puts(&sb, ho_strerror(b->rep.err));
		ho_sb_puts(&sb, ")");
		if (b->rep.path[0]) {
			ho_sb_puts(&sb, " at ");
			ho_sb_puts(&sb, b->rep.path);
		}
		if (b->rep.detail[0]) {
			ho_sb_puts(&sb, " ");
			ho_sb_puts(&sb, b->rep.detail);
		}
	}
	ho_sb_puts(&sb, tail);
	app_say(line);
}

static void dump_line(void *ctx, const char *line)
{
	char buf[300];
	struct ho_sbuf sb;

	(void)ctx;
	ho_sb_init(&sb, buf, sizeof(buf));
	ho_sb_puts(&sb, "luo-stage: dump: ");
	ho_sb_puts(&sb, line);
	app_say(buf);
}

static const char *efi_type_name(UINT32 t)
{
	static const char *const names[] = {
		"Reserved", "LoaderCode", "LoaderData", "BootServicesCode",
		"BootServicesData", "RuntimeServicesCode", "RuntimeServicesData",
		"Conventional", "Unusable", "ACPIReclaim", "ACPINVS", "MMIO",
		"MMIOPortSpace", "PalCode", "Persistent", "Unaccepted",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "Other";
}

/*
 * For the dump: which firmware allocations (anything but conventional
 * memory) sit where the handover must go: the placed files, the scratch
 * ranges and the preserved-memory map page. At most 64 lines.
 */
static void dump_efi_overlaps(const struct bundle *b)
{
	UINTN n, key, dsize, i, j, lines = 0;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver);
	const struct ho_scratch *sc = ho_phys_map(&b->phys, b->kd.scratch_addr,
						  b->kd.scratch_size);
	UINT64 nsc = sc ? b->kd.scratch_size / sizeof(*sc) : 0, mp = 0;
	char line[200];
	struct ho_sbuf sb;

	if (!map)
		return;
	ho_preserved_map_root(&b->kd, &b->phys, &mp);
	for (j = 0; j < b->n + nsc + 1 && lines < 64; j++) {
		UINT64 a, sz;
		const char *what;

		if (j < b->n) {
			if (relocatable(b, (UINT32)j))
				continue;
			a = b->blobs[j].addr;
			sz = b->blobs[j].size;
			what = "phys file";
		} else if (j < b->n + nsc) {
			a = sc[j - b->n].addr;
			sz = sc[j - b->n].size;
			what = "scratch";
		} else {
			a = mp;
			sz = mp ? PAGE : 0;
			what = "preserved-memory-map";
		}
		for (i = 0; i < n && sz && lines < 64; i++) {
			const EFI_MEMORY_DESCRIPTOR *d =
				(const void *)((const UINT8 *)map + i * dsize);

			if (d->Type == EfiConventionalMemory ||
			    !ho_ranges_overlap(a, sz, d->PhysicalStart,
					       d->NumberOfPages * PAGE))
				continue;
			ho_sb_init(&sb, line, sizeof(line));
			ho_sb_puts(&sb, "luo-stage: dump: firmware: ");
			ho_sb_puts(&sb, what);
			ho_sb_puts(&sb, " ");
			ho_sb_hex(&sb, a);
			ho_sb_puts(&sb, "+");
			ho_sb_hex(&sb, sz);
			ho_sb_puts(&sb, " meets Efi");
			ho_sb_puts(&sb, efi_type_name(d->Type));
			ho_sb_puts(&sb, " ");
			ho_sb_hex(&sb, d->PhysicalStart);
			ho_sb_puts(&sb, "+");
			ho_sb_hex(&sb, d->NumberOfPages * PAGE);
			ho_sb_puts(&sb, ": not free for AllocateAddress");
			app_say(line);
			lines++;
		}
	}
	pool_free(map);
}

/* mode=dump: the bundle in buffers, the dump, the verdict; never boots. */
static EFI_STATUS dump(struct app *a)
{
	struct bundle b = { 0 };
	struct ho_mem_range *ranges = NULL;
	struct ho_memmap mm;
	EFI_STATUS st;

	st = load_bundle(a, &b, a->cfg.handover);
	if (!EFI_ERROR(st))
		st = memmap_from_efi(&mm, &ranges);
	if (!EFI_ERROR(st)) {
		ho_handover_dump(&b.kd, &b.phys, &mm, DUMP_LINES, dump_line, NULL);
		dump_efi_overlaps(&b);
		b.rep.err = check(&b.kd, &b.phys, &mm, &b.rep);
		if (b.rep.err)
			say_verdict(&b, "luo-stage: ", " (dump mode: nothing placed)");
		else
			app_say("luo-stage: dump: verdict HO_OK: the stage library accepts this handover against this machine's memory map");
		app_say("luo-stage: dump done, returning to the firmware");
	}
	pool_free(ranges);
	bundle_free(&b);
	app_free_group(a, 0);
	return st;
}

/* ---- mode=check: many bundles, one verdict each --------------------------- */

/* Byte order of two NUL-terminated names. */
static int name_cmp(const char *x, const char *y)
{
	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (unsigned char)*x - (unsigned char)*y;
}

/*
 * The subdirectories of dir (each one bundle), sorted by name, into *names
 * (pool memory, CHECK_NAME bytes each). Files beside them are ignored; a
 * name that is not printable ASCII or too long is an input error.
 */
static EFI_STATUS list_bundles(struct app *a, const char *dir, char **names,
			       UINT32 *count)
{
	EFI_FILE_HANDLE fh = NULL;
	UINTN bufsize = 512, i, j;
	EFI_FILE_INFO *fi = pool(bufsize);
	char *nm = pool(CHECK_MAX * CHECK_NAME), name[CHECK_NAME];
	UINT32 k = 0;
	EFI_STATUS st;

	*names = NULL;
	*count = 0;
	if (!fi || !nm) {
		st = app_fail(EFI_OUT_OF_RESOURCES, "bundle list");
		goto out;
	}
	st = open_path(a, dir, &fh);
	if (EFI_ERROR(st)) {
		st = fail2(st, "cannot open ", dir);
		goto out;
	}
	while (!EFI_ERROR((st = dir_next(fh, &fi, &bufsize)))) {
		if (!(fi->Attribute & EFI_FILE_DIRECTORY) ||
		    (fi->FileName[0] == L'.' && (!fi->FileName[1] ||
		     (fi->FileName[1] == L'.' && !fi->FileName[2]))))
			continue;
		for (i = 0; fi->FileName[i]; i++) {
			if (i + 1 >= sizeof(name) || fi->FileName[i] <= 0x20 ||
			    fi->FileName[i] > 0x7e) {
				st = app_fail(EFI_INVALID_PARAMETER,
					      "mode=check: a bundle directory's name is not 1-63 printable ASCII bytes");
				goto out;
			}
			name[i] = (char)fi->FileName[i];
		}
		name[i] = 0;
		if (k == CHECK_MAX) {
			st = app_fail(EFI_OUT_OF_RESOURCES,
				      "mode=check: more than 1024 bundles");
			goto out;
		}
		/* insertion keeps them sorted */
		for (j = k; j > 0 && name_cmp(nm + (j - 1) * CHECK_NAME, name) > 0; j--)
			ho_memcpy(nm + j * CHECK_NAME, nm + (j - 1) * CHECK_NAME, CHECK_NAME);
		ho_memcpy(nm + j * CHECK_NAME, name, i + 1);
		k++;
	}
	if (st == EFI_END_OF_FILE)
		st = EFI_SUCCESS;	/* the end of the directory */
	if (EFI_ERROR(st)) {
		st = fail2(st, "cannot list ", dir);
		goto out;
	}
	if (!k) {
		st = fail2(EFI_NOT_FOUND, "mode=check: no bundle directories in ", dir);
		goto out;
	}
	*names = nm;
	*count = k;
	nm = NULL;
	st = EFI_SUCCESS;
out:
	close_file(fh);
	pool_free(fi);
	pool_free(nm);
	return st;
}

/*
 * mode=check: every bundle of the handover= directory goes through what a
 * boot does with it up to the jump (loaded, checked against the firmware's
 * memory map, and accepted, placed, allocated and handed over the arch's
 * way, checked again), then everything is freed before the next one:
 *
 *   luo-stage: check NAME: handover ok: ...
 *   luo-stage: check NAME: handover rejected: HO_ERR_... (...) at ...
 *   luo-stage: check NAME: input error: <status>   (after its own message)
 *
 * and "luo-stage: check done: ..."; nothing boots. The firmware's memory
 * map is the one each bundle would meet as the only handover of a boot.
 */
static EFI_STATUS check_bundles(struct app *a)
{
	char *names, path[APP_PATH_MAX + CHECK_NAME + 2], head[CHECK_NAME + 32];
	char line[200];
	UINT32 count, i, ok = 0, bad = 0, input = 0;
	struct ho_sbuf sb;
	EFI_STATUS st;

	st = list_bundles(a, a->cfg.handover, &names, &count);
	if (EFI_ERROR(st))
		return st;
	for (i = 0; i < count; i++) {
		const char *name = names + i * CHECK_NAME;
		struct bundle b = { 0 };
		struct ho_mem_range *ranges = NULL;
		struct ho_memmap mm;

		ho_sb_init(&sb, path, sizeof(path));
		ho_sb_puts(&sb, a->cfg.handover);
		ho_sb_puts(&sb, "/");
		ho_sb_puts(&sb, name);
		ho_sb_init(&sb, head, sizeof(head));
		ho_sb_puts(&sb, "luo-stage: check ");
		ho_sb_puts(&sb, name);
		ho_sb_puts(&sb, ": ");
		st = load_bundle(a, &b, path);
		app_free_group(a, G_TMP);
		if (!EFI_ERROR(st))
			st = memmap_from_efi(&mm, &ranges);
		if (EFI_ERROR(st)) {
			Print(L"%ainput error: %r\n", head, st);
			input++;
		} else {
			b.rep.err = check(&b.kd, &b.phys, &mm, &b.rep);
			if (!b.rep.err)
				make_real(a, &b, &mm);
			say_verdict(&b, head, "");
			if (b.rep.err)
				bad++;
			else
				ok++;
		}
		pool_free(ranges);
		bundle_free(&b);
		app_free_group(a, 0);
	}
	pool_free(names);
	ho_sb_init(&sb, line, sizeof(line));
	ho_sb_puts(&sb, "luo-stage: check done: ");
	ho_sb_dec(&sb, count);
	ho_sb_puts(&sb, " bundle(s), ");
	ho_sb_dec(&sb, ok);
	ho_sb_puts(&sb, " accepted, ");
	ho_sb_dec(&sb, bad);
	ho_sb_puts(&sb, " rejected, ");
	ho_sb_dec(&sb, input);
	ho_sb_puts(&sb, " input error(s); returning to the firmware");
	app_say(line);
	return EFI_SUCCESS;
}

/* ---- main ----------------------------------------------------------------- */

/* The kernel and initrd exist (checked before any work is done). */
static EFI_STATUS files_exist(struct app *a)
{
	const char *paths[] = { a->cfg.kernel, a->cfg.initrd };
	EFI_FILE_HANDLE fh;
	UINT64 size;
	EFI_STATUS st;
	UINTN i;

	for (i = 0; i < 2; i++) {
		if (!paths[i][0])
			continue;
		st = open_regular(a, paths[i], &fh, &size);
		if (EFI_ERROR(st))
			return st;
		close_file(fh);
		if (!size)
			return fail2(EFI_LOAD_ERROR, paths[i], ": empty file");
	}
	return EFI_SUCCESS;
}

static EFI_STATUS run(struct app *a)
{
	struct bundle b = { 0 };
	struct ho_mem_range *ranges = NULL;
	struct ho_memmap mm;
	char cmdline[APP_CMDLINE_MAX + 64];
	void *kbuf, *ibuf = NULL;
	UINT64 ksize, isize = 0, imax;
	EFI_STATUS st;

	st = read_config(a);
	app_free_group(a, G_TMP);
	if (EFI_ERROR(st))
		return st;
	if (a->cfg.mode == MODE_DUMP)
		return dump(a);
	if (a->cfg.mode == MODE_CHECK)
		return check_bundles(a);
	st = files_exist(a);
	if (EFI_ERROR(st))
		return st;

	ho_memcpy(cmdline, a->cfg.cmdline, ho_strlen(a->cfg.cmdline) + 1);
	if (a->cfg.handover[0]) {
		st = load_bundle(a, &b, a->cfg.handover);
		app_free_group(a, G_TMP);
		if (!EFI_ERROR(st) && !b.rep.err)
			st = memmap_from_efi(&mm, &ranges);
		if (EFI_ERROR(st))
			goto out;
		if (!b.rep.err)
			b.rep.err = check(&b.kd, &b.phys, &mm, &b.rep);
		if (!b.rep.err)
			make_real(a, &b, &mm);
		if (b.rep.err) {
			say_verdict(&b, "luo-stage: ", "; booting without it");
			app_free_group(a, G_HANDOVER);
			b.sd = 0;
			if (ho_cmdline_append(cmdline, sizeof(cmdline),
					      "luo_stage.err",
					      ho_errname(b.rep.err))) {
				st = app_fail(EFI_BUFFER_TOO_SMALL,
					      "no room for luo_stage.err on the command line");
				goto out;
			}
		} else {
			say_verdict(&b, "luo-stage: ", "");
		}
	}

	st = app_read_file(a, a->cfg.kernel, 0xffffffffull, G_BOOT, &kbuf, &ksize);
	if (EFI_ERROR(st))
		goto out;
	imax = arch_kernel_check(kbuf, ksize);
	if (!imax) {
		st = EFI_LOAD_ERROR;
		goto out;
	}
	if (a->cfg.initrd[0]) {
		char why[160];

		st = app_read_file(a, a->cfg.initrd, imax, G_BOOT, &ibuf, &isize);
		if (EFI_ERROR(st))
			goto out;
		if (stage_initrd_check(ibuf, isize, why, sizeof(why))) {
			st = fail2(EFI_VOLUME_CORRUPTED, "initrd: ", why);
			goto out;
		}
	}
	pool_free(ranges);
	ranges = NULL;
	bundle_free(&b);
	st = arch_boot_linux(a, kbuf, ksize, ibuf, isize, cmdline, b.sd);
out:
	pool_free(ranges);
	bundle_free(&b);
	app_free_group(a, 0);
	return st;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li = NULL;
	struct app a = { .image = image };
	EFI_STATUS st;

	InitializeLib(image, systab);
	Print(L"luo-stage: EFI stage for Linux live update handovers (%a)\n",
	      app_arch);
	st = uefi_call_wrapper(BS->HandleProtocol, 3, image,
			       &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return app_fail(st, "LoadedImage protocol");
	a.root = LibOpenRoot(li->DeviceHandle);
	if (!a.root)
		return app_fail(EFI_NOT_FOUND, "cannot open the app's own volume");
	st = run(&a);
	close_file(a.root);
	pool_free(a.allocs);
	if (EFI_ERROR(st))
		Print(L"luo-stage: returning to the firmware: %r\n", st);
	return st;
}
