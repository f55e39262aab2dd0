/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Nothing lost (issue 10): what the running kernel hands over, what a target
 * kernel can read, and whether the two agree, decided before anything is
 * loaded.
 *
 *   ld_fmt_parse        /sys/kernel/liveupdate/formats, or the target's
 *                       "LUO-FORMATS-V1" record (the same lines, without
 *                       counts, ending with "end")
 *   ld_fmt_from_luo_blob  what Linux's own LUO hands over (it has no
 *                       formats file): its KHO entry's blob names the LUO
 *   ld_fmt_scan         what a target without record reads: the running
 *                       kernel's compatibles looked for as strings in its
 *                       decoded image
 *   ld_fmt_compare      every format the running kernel hands over must be
 *                       read by the target: KHO root, LUO, each subsystem,
 *                       each file handler with preserved files
 *   ld_handover_parse   /sys/kernel/liveupdate/handover ("fdt", "scratch")
 *   ld_image_formats    the record of a kernel image (per architecture,
 *                       loader/arch/<arch>/: where the image keeps its
 *                       compressed kernel, decoded here on the host)
 *
 * Everything but ld_image_formats' decompressors is pure; all of it is
 * exercised on the host by tests/loader. Functions return 0 or -errno and
 * leave one line in why[] on failure.
 */
#ifndef LD_PREFLIGHT_H
#define LD_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ho/check.h>

#define LD_FMT_MAGIC		"LUO-FORMATS-V1\n"
#define LD_FMT_MAX_TEXT		(64u << 10)	/* record or sysfs file */
#define LD_FMT_MAX_ENTRIES	256
#define LD_FMT_NAME_MAX		64		/* with the NUL */
#define LD_FMT_COMPAT_MAX	128		/* with the NUL */
#define LD_WHY_MAX		512

enum ld_fmt_kind { LD_FMT_KHO, LD_FMT_LUO, LD_FMT_SUBSYSTEM, LD_FMT_FILE };

struct ld_fmt_entry {
	enum ld_fmt_kind kind;
	char name[LD_FMT_NAME_MAX];	/* subsystems only */
	char compat[LD_FMT_COMPAT_MAX];
	uint64_t count;			/* files in the running kernel's list */
	/*
	 * A file format that may be handed over, its count unknown: Linux's
	 * own LUO serializes its files only at the kexec, so which handlers
	 * have files cannot be read before; such a format is needed.
	 */
	bool maybe;
};

/*
 * Who a kernel is: its GNU build IDs (ELF notes NT_GNU_BUILD_ID; the
 * running kernel's from /sys/kernel/notes, a target's from its decoded
 * image, where the vDSO's own notes are found too) and its release (the
 * "Linux version <release> " banner; shown, never trusted).
 */
#define LD_BUILD_ID_MAX		64
#define LD_KERNEL_MAX_IDS	8
#define LD_RELEASE_MAX		65		/* __NEW_UTS_LEN + 1 */

struct ld_build_id {
	uint8_t len;
	uint8_t id[LD_BUILD_ID_MAX];
};

struct ld_kernel_id {
	struct ld_build_id ids[LD_KERNEL_MAX_IDS];
	unsigned int nids;
	char release[LD_RELEASE_MAX];	/* "" when not found */
};

struct ld_formats {
	struct ld_fmt_entry ent[LD_FMT_MAX_ENTRIES];
	unsigned int n;
	uint64_t sessions;		/* running kernel's list only */
	bool has_sessions;
	struct ld_kernel_id kid;	/* a target's (ld_fmt_find) */
	/*
	 * In, for ld_fmt_find (and so ld_image_formats): when the image has
	 * no record, look for the compatibles of *scan_for in it
	 * (ld_fmt_scan); the entries found become this list and scanned is
	 * set. NULL: no scan (the list stays empty).
	 */
	const struct ld_formats *scan_for;
	bool scanned;
};

/*
 * Parse text[0..len). record: the target's record (starts with
 * LD_FMT_MAGIC, "file <compat>", ends with "end\n", no "sessions");
 * otherwise the running kernel's formats file ("file <compat> <n>",
 * "sessions <n>"). The formats file has one kho and one luo line at most
 * (what is handed over); a record may list several compatibles of each
 * (every version the target reads: luo-rfc-v1 and luo-v5, memfd-rfc-v2 and
 * memfd-v2). Duplicates, unknown keywords, bad tokens, more than
 * LD_FMT_MAX_ENTRIES lines: -EINVAL.
 * (A list without kho or luo line is valid: that format is not there.)
 */
int ld_fmt_parse(const char *text, size_t len, bool record,
		 struct ld_formats *f, char *why, size_t whysize);

/* Sessions and preserved files: is there anything to hand over? */
uint64_t ld_fmt_files(const struct ld_formats *run);

/*
 * Linux's own LUO (no formats file): what it hands over, from the blob of
 * its KHO entry (HO_LUO_V5_ENTRY, "LUO"; debugfs kho/out/sub_fdts/LUO).
 * That blob starts with the LUO's NUL-terminated compatible (struct
 * luo_ser, include/linux/kho/abi/luo.h: compatible[] first). f gets:
 *   kho   HO_KHO_COMPATIBLE: our purgatory passes on no other KHO root (a
 *         handover it refuses is dropped at the jump), so it is what the
 *         target gets
 *   luo   the blob's compatible
 *   file  for luo-v5, its memfd handler's HO_MEMFD_V2_COMPATIBLE, maybe
 *         (which handlers have files is known only at the kexec); for
 *         another LUO version none are known
 * -EINVAL (why says it): no NUL within LD_FMT_COMPAT_MAX bytes, empty, or
 * bytes that are not printable.
 */
int ld_fmt_from_luo_blob(const void *blob, size_t len, struct ld_formats *f,
			 char *why, size_t whysize);

/*
 * What a kernel image without record reads, as far as it can be told:
 * every compatible of want (kho, luo, subsystem, file entries) looked for
 * in buf[0..len) as a NUL-terminated string (memmem of the compatible and
 * its NUL: "luo-v5x" or an unterminated "luo-v5" at the end of buf do not
 * match; "xluo-v5" does, the linker merges string tails). A kernel reads a
 * handover format only by comparing its compatible with a string of its
 * own (the ABI headers' rule: every change bumps the compatible), so one
 * that is not there is not read. The entries found are appended to found
 * (kind, name and compatible of want's, no count); returns how many.
 * Cost: one memmem (linear) per distinct compatible, at most
 * LD_FMT_SCAN_MAX of them (the rest count as not found), over at most
 * LD_DECODED_MAX bytes. Pure.
 */
#define LD_FMT_SCAN_MAX		32
unsigned int ld_fmt_scan(const void *buf, size_t len, const struct ld_formats *want,
			 struct ld_formats *found);

/*
 * Compare what the running kernel hands over (run) with what the target
 * reads (tgt; NULL: unknown): each kho, luo, subsystem and file line of run
 * must be in tgt with the same compatible (a file only when it has
 * preserved files, or maybe has). Prints one line per format to out (when not
 * NULL) with prefix before each; returns the number of formats the target
 * lacks or reads in another version (0: compatible).
 */
unsigned int ld_fmt_compare(const struct ld_formats *run,
			    const struct ld_formats *tgt, FILE *out,
			    const char *prefix);

/*
 * The formats of run that tgt lacks or reads in another version, by
 * ld_fmt_compare's rule, as "luo luo-v5, file memfd-v2" ("subsystem
 * COMPAT of NAME" for a subsystem) into buf (truncated to size); tgt not
 * NULL.
 */
void ld_fmt_missing(const struct ld_formats *run, const struct ld_formats *tgt,
		    char *buf, size_t size);

/*
 * Find the record in a decoded kernel (NUL-terminated string starting with
 * LD_FMT_MAGIC, which the kernel spells exactly once). 0 and *f filled;
 * -ENOENT: no record (with f->scan_for set, *f then holds what
 * ld_fmt_scan found and f->scanned is set); -EINVAL: a record that does
 * not parse, or the magic twice (why says where).
 */
int ld_fmt_find(const void *buf, size_t len, struct ld_formats *f,
		char *why, size_t whysize);

/*
 * The GNU build-ID notes (4-byte aligned, name "GNU", 1..LD_BUILD_ID_MAX
 * bytes of ID) and the first "Linux version " banner in buf: at most
 * LD_KERNEL_MAX_IDS IDs, the rest ignored. O(len). Pure; never fails.
 */
void ld_kernel_scan(const void *buf, size_t len, struct ld_kernel_id *k);

/*
 * Is the target the running kernel's own build? True when the running
 * kernel's first build ID (that of vmlinux: the first note of .notes) is
 * among the target's. A build ID is a hash over the whole vmlinux, so the
 * target is then the same code and configuration, and reads every format
 * the running kernel writes.
 */
bool ld_kernel_same_build(const struct ld_kernel_id *run,
			  const struct ld_kernel_id *tgt);

/* "99118c3e..." (at most size - 1 characters) */
void ld_build_id_hex(const struct ld_build_id *id, char *buf, size_t size);

/* ---- the handover (sysfs A) ------------------------------------------- */

#define LD_HANDOVER_MAX_SCRATCH	1024

struct ld_handover_text {
	uint64_t fdt_addr, fdt_size;
	struct ho_scratch *scratch;	/* malloc()ed */
	uint32_t nscratch;
};

/* "fdt 0x<phys> 0x<size>" once, "scratch 0x<addr> 0x<size>" one a range. */
int ld_handover_parse(const char *text, size_t len, struct ld_handover_text *h,
		      char *why, size_t whysize);

/*
 * The KHO patch's /sys/kernel/kho/out (kernel/patches/0003-kho-*): fdt_phys
 * and fdt_len ("0x<hex>\n" each) and scratch (the binary table, 16 bytes a
 * range, at most LD_HANDOVER_MAX_SCRATCH ranges, at least one).
 */
int ld_kho_sysfs_parse(const char *phys, size_t phys_len, const char *flen,
		       size_t flen_len, const void *scratch, size_t scratch_len,
		       struct ld_handover_text *h, char *why, size_t whysize);

/* ---- kernel images ------------------------------------------------------ */

#define LD_DECODED_MAX		(512ull << 20)	/* decoded kernel at most */

/* Decode a gzip, xz, zstd or lzma stream (by magic) into *out (malloc()ed). */
int ld_decompress(const uint8_t *in, size_t len, uint8_t **out, size_t *olen,
		  char *why, size_t whysize);

/*
 * The record of a kernel image: 0, -ENOENT (none: "unknown"), or -errno.
 * Defined by the architecture (LD_ARCH_PREFLIGHT in its arch.mk).
 */
int ld_image_formats(const void *img, size_t len, struct ld_formats *f,
		     char *why, size_t whysize);

#endif /* LD_PREFLIGHT_H */
