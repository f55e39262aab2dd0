/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Error codes of the handover library, in the manner of libfdt's FDT_ERR_*.
 *
 * Every check returns HO_OK (0) or one negative HO_ERR_* code; each distinct
 * failure has its own code. HO_ERROR_LIST is the one table of code, number
 * and message: the enum below and ho_errname()/ho_strerror() are generated
 * from it. Numbers are stable (they can end up in logs): only append.
 * Codes about one architecture's boot data are kept in that arch's header
 * (ho/err_x86.h) and spliced into the list, in the one number space.
 *
 * A struct ho_report, when the caller passes one, also says where a check
 * failed: the node path (prefixed with the blob it is in, e.g.
 * "luo:/file-descriptors/1f") and a short detail (property name, values).
 */
#ifndef HO_ERR_H
#define HO_ERR_H

#include <stdint.h>

#include "ho/err_x86.h"

#define HO_ERROR_LIST(X) \
	X(INVAL,			1,  "invalid argument") \
	X(FDT_TRUNCATED,		2,  "buffer too small for the FDT header") \
	X(FDT_ALIGNMENT,		3,  "FDT not 8-byte aligned in memory") \
	X(BAD_MAGIC,			4,  "FDT magic is wrong") \
	X(BAD_VERSION,			5,  "FDT version not supported") \
	X(FDT_TOTALSIZE,		6,  "FDT totalsize larger than the buffer or too small") \
	X(FDT_LAYOUT,			7,  "FDT block offsets or sizes out of bounds") \
	X(FDT_RSVMAP,			8,  "FDT memory reservation map not terminated before the structure block") \
	X(FDT_STRUCTURE,		9,  "FDT structure block malformed") \
	X(FDT_DEPTH,			10, "FDT nodes nested too deeply") \
	X(FDT_NODE_NAME,		11, "FDT node name malformed") \
	X(FDT_PROP_NAME,		12, "FDT property name offset or string malformed") \
	X(BAD_COMPATIBLE,		13, "compatible string is not the expected one") \
	X(MISSING_PROP,			14, "required property missing") \
	X(UNKNOWN_PROP,			15, "property not allowed here") \
	X(DUP_PROP,			16, "property appears twice in a node") \
	X(PROP_SIZE,			17, "property has the wrong size") \
	X(STRING_NO_NUL,		18, "string property not NUL-terminated") \
	X(STRING_BAD,			19, "string property empty or with embedded NUL") \
	X(PROP_ZERO,			20, "property must not be zero") \
	X(PROP_UNALIGNED,		21, "property must be page aligned") \
	X(PROP_RANGE,			22, "property value out of range") \
	X(MISSING_NODE,			23, "required node missing") \
	X(UNKNOWN_NODE,			24, "node not allowed here") \
	X(DUP_NODE,			25, "two sibling nodes have the same name") \
	X(TOO_MANY_NODES,		26, "more nodes of a kind than allowed") \
	X(BAD_NODE_NAME,		27, "node name does not match its rule") \
	X(BLOB_SIZE_ZERO,		28, "subtree blob-size is zero") \
	X(ADDR_OVERFLOW,		29, "address + size overflows") \
	X(ADDR_OUTSIDE_RAM,		30, "range not inside usable RAM") \
	X(ADDR_UNMAPPED,		31, "physical range cannot be accessed") \
	X(BLOB_TOO_SMALL,		32, "blob smaller than the FDT it holds") \
	X(NO_LUO,			33, "no luo-rfc subtree in the KHO FDT") \
	X(NO_SCHEMA,			34, "no schema for this compatible") \
	X(SCHEMA,			35, "schema table malformed") \
	X(DUP_TOKEN,			36, "two files of one session share a token") \
	X(BAD_SESSION_REF,		37, "file refers to a session that does not exist") \
	X(DUP_SESSION_NAME,		38, "two sessions have the same name") \
	X(FOLIO_TABLE,			39, "memfd folio table and nr-folios disagree") \
	X(FOLIO_UNSORTED,		40, "memfd folios not sorted by index") \
	X(FOLIO_OVERLAP,		41, "memfd folios overlap") \
	X(FOLIO_UNALIGNED,		42, "memfd folio not aligned to its size") \
	X(FOLIO_ORDER,			43, "memfd folio order too large") \
	X(FOLIO_FLAGS,			44, "memfd folio has unknown flags") \
	X(FOLIO_BEYOND_SIZE,		45, "memfd folio beyond the file size") \
	X(SCRATCH_EMPTY,		46, "scratch table is empty") \
	X(SCRATCH_SIZE,			47, "scratch table size not a multiple of 16") \
	X(SCRATCH_UNALIGNED,		48, "scratch range not page aligned") \
	X(SCRATCH_ZERO,			49, "scratch range has size zero") \
	X(SCRATCH_OVERFLOW,		50, "scratch range wraps around") \
	X(SCRATCH_OVERLAP,		51, "scratch ranges overlap") \
	X(SCRATCH_OUTSIDE_RAM,		52, "scratch range not inside usable RAM") \
	X(SEGMENT_OUTSIDE_SCRATCH,	53, "kexec segment not inside scratch") \
	X(SEGMENT_OVERFLOW,		54, "kexec segment wraps around") \
	X(NO_SPACE,			55, "destination buffer too small") \
	X(RELOC_OVERLAP,		56, "relocation destination overlaps its source") \
	X(NOT_FOUND,			57, "entry not found in the boot data") \
	HO_ERROR_LIST_X86(X)	/* 58, 59 */ \
	X(KHO_DATA_SIZE,		60, "kho_data payload has the wrong size") \
	X(HANDOVER_OUTSIDE_RAM,		61, "KHO FDT or scratch table not inside RAM") \
	X(FDT_SIZE,			62, "kho_data fdt_size disagrees with the FDT") \
	X(STRING_TOO_LONG,		63, "string property longer than allowed") \
	X(AMBIGUOUS_NODE,		64, "node name the kernel looks up matches more than one node") \
	X(FOLIO_INDEX_UNALIGNED,	65, "memfd folio index not a multiple of its size") \
	X(MEMFD_SIZE,			66, "memfd size above MAX_LFS_FILESIZE") \
	X(MEMFD_SEALS,			67, "memfd seals has unknown bits") \
	X(MEMFD_DATA_UNALIGNED,		68, "memfd-rfc-v2 FDT not page aligned") \
	X(MEMFD_FDT_SIZE,		69, "memfd-rfc-v2 FDT larger than one page") \
	X(FOLIO_TABLE_UNALIGNED,	70, "memfd folio table (a chunk or page of it) not page aligned") \
	X(PHYS_ZERO,			71, "physical address 0 where the kernel needs a page") \
	X(RANGE_OVERLAP,		72, "two preserved ranges overlap") \
	X(RANGE_SHARED,			73, "two preserved objects at one address") \
	X(PRESERVED_IN_SCRATCH,		74, "preserved range inside a scratch range") \
	X(WORK_SPACE,			75, "work buffer too small for this handover") \
	X(FDT_TOO_MANY_NODES,		76, "FDT has more nodes than the limit") \
	X(FDT_TOO_MANY_PROPS,		77, "FDT has more properties than the limit") \
	X(TOO_MANY_SUBTREES,		78, "KHO FDT has more subtrees than the limit") \
	X(TOO_MANY_SESSIONS,		79, "LUO FDT has more sessions than the limit") \
	X(TOO_MANY_FILES,		80, "LUO FDT has more files than the limit") \
	X(TOO_MANY_FOLIOS,		81, "memfd folio table has more entries than MEMFD_RFC_MAX_FOLIOS") \
	X(TOO_MANY_SCRATCH,		82, "scratch table has more entries than the limit") \
	X(PAGE_SIZE,			83, "page size not a power of two in [4 KiB, 64 KiB]") \
	X(FDT_RSVMAP_WRAP,		84, "FDT memory reservation entry wraps around") \
	X(FDT_RSVMAP_TOO_MANY,		85, "FDT memory reservation map has more entries than the limit") \
	X(FDT_RSVMAP_OVERLAP,		86, "FDT memory reservation entries overlap") \
	X(FDT_RSVMAP_ENTRY,		87, "memory reservation entry in a handover FDT (the kernel ignores it)") \
	X(KHO_NOT_PRESERVED,		88, "page or folio not in KHO's preserved-page tree at this order") \
	X(KHO_ORDER_AMBIGUOUS,		89, "page also preserved at another order in KHO's tree") \
	X(KHO_TREE_UNALIGNED,		90, "KHO radix tree page not page aligned") \
	X(KHO_TREE_OUTSIDE_RAM,		91, "KHO radix tree page not inside usable RAM") \
	X(KHO_TREE_LOOP,		92, "KHO radix tree page repeats on one lookup path") \
	/* 93..119 left for others; luo-v5 (luo_v5.c) from 120 */ \
	X(LUO_SER_SIZE,			120, "LUO entry blob smaller than struct luo_ser") \
	X(V5_UNALIGNED,			121, "luo-v5 block, page or chunk pointer not page aligned") \
	X(BLOCK_COUNT,			122, "kho_block entry count zero or more than a block holds") \
	X(BLOCK_LOOP,			123, "kho_block chain loops back on itself") \
	X(TOO_MANY_BLOCKS,		124, "kho_block chain longer than KHO_MAX_BLOCKS") \
	X(FILE_COUNT,			125, "luo-v5 session file count disagrees with its file blocks") \
	X(NAME_NO_NUL,			126, "luo-v5 fixed-size name or compatible not NUL-terminated") \
	X(NAME_EMPTY,			127, "luo-v5 session name, compatible or FLB name empty") \
	X(FLB_HEADER,			128, "luo-v5 FLB header page count or entry count out of range") \
	X(DUP_FLB,			129, "two luo-v5 FLB entries have the same name") \
	X(FLB_COUNT,			130, "luo-v5 FLB reference count not in 1..INT_MAX") \
	X(MEMFD_FLAGS,			131, "memfd-v2 flags has bits set (must be 0)") \
	X(MEMFD_POS,			132, "memfd-v2 position above MAX_LFS_FILESIZE") \
	X(MEMFD_PAGES,			133, "memfd-v2 size above UINT_MAX pages") \
	X(VMALLOC_FLAGS,		134, "kho_vmalloc flags has unknown bits") \
	X(VMALLOC_ORDER,		135, "kho_vmalloc page order above the largest folio order") \
	X(VMALLOC_PAGES,		136, "kho_vmalloc chunks disagree with its total_pages") \
	X(VMALLOC_CHAIN,		137, "kho_vmalloc chunk chain longer than its pages need") \
	X(VMALLOC_TOO_SMALL,		138, "memfd-v2 folio table larger than its kho_vmalloc area") \
	X(NO_LUO_V5,			139, "no LUO (luo-v5) entry in the KHO FDT") \
	X(NO_LUO_ANY,			140, "no LUO of either format (luo-rfc-v1, luo-v5) in the KHO FDT")

#define HO_ERR_ENUM_(name, num, msg) HO_ERR_##name = -(num),
enum ho_err {
	HO_OK = 0,
	HO_ERROR_LIST(HO_ERR_ENUM_)
};
#undef HO_ERR_ENUM_

/* Most negative code + 1; codes are HO_ERR_LAST_ .. -1. */
#define HO_ERR_COUNT 140

/* Where a check failed. Any field may be left empty. */
struct ho_report {
	int err;
	char path[128];		/* "<blob>:<node path>" */
	char detail[96];	/* property name and values */
};

/* "HO_ERR_BAD_MAGIC"; "HO_OK" for 0; "HO_ERR_UNKNOWN" for anything else. */
const char *ho_errname(int err);
/* One-line message; never NULL. */
const char *ho_strerror(int err);

#endif /* HO_ERR_H */
