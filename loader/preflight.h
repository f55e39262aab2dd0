/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Nothing lost (issue 10): what the running kernel hands over, what a target
 * kernel can read, and whether the two agree, decided before anything is
 * loaded.
 *
 *   ld_fmt_parse        /sys/kernel/liveupdate/formats, or the target's
 *                       "LUO-FORMATS-V1" record (the same lines, without
 *                       counts, ending with "end")
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
};

/*
 * Parse text[0..len). record: the target's record (starts with
 * LD_FMT_MAGIC, "file <compat>", ends with "end\n", no "sessions");
 * otherwise the running kernel's formats file ("file <compat> <n>",
 * "sessions <n>"). The formats file has one kho and one luo line at most
 * (what is handed over); a record may list several compatibles of each
 * (every version the target reads: luo-rfc-v1 and luo-v5, memfd-v1 and
 * memfd-v2). Duplicates, unknown keywords, bad tokens, more than
 * LD_FMT_MAX_ENTRIES lines: -EINVAL.
 * (A list without kho or luo line is valid: that format is not there.)
 */
int ld_fmt_parse(const char *text, size_t len, bool record,
		 struct ld_formats *f, char *why, size_t whysize);

/* Sessions and preserved files: is there anything to hand over? */
uint64_t ld_fmt_files(const struct ld_formats *run);

/*
 * Compare what the running kernel hands over (run) with what the target
 * reads (tgt; NULL: unknown): each kho, luo, subsystem and file line of run
 * must be in tgt with the same compatible (a file only when it has
 * preserved files). Prints one line per format to out (when not
 * NULL) with prefix before each; returns the number of formats the target
 * lacks or reads in another version (0: compatible).
 */
unsigned int ld_fmt_compare(const struct ld_formats *run,
			    const struct ld_formats *tgt, FILE *out,
			    const char *prefix);

/*
 * Find the record in a decoded kernel (NUL-terminated string starting with
 * LD_FMT_MAGIC, which the kernel spells exactly once). 0 and *f filled;
 * -ENOENT: no record; -EINVAL: a record that does not parse, or the magic
 * twice (why says where).
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
