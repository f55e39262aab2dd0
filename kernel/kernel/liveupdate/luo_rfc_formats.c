// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: the record of readable formats.
 */

/**
 * DOC: handover formats record
 *
 * A loader must refuse, before anything is loaded, a next kernel that cannot
 * read what the running kernel hands over (upstream review: there is no safe
 * abort after the kexec). So every image built with LUO carries, in
 * .rodata, one NUL-terminated text record of the formats this kernel can
 * READ::
 *
 *   LUO-FORMATS-V1
 *   kho <KHO root compatible>
 *   luo <LUO blob compatible>
 *   subsystem <name> <compatible>   one per built-in subsystem
 *   file <compatible>               one per built-in file handler
 *   end
 *
 * The record is built by the preprocessor from the same definitions the
 * code uses (KHO_FDT_COMPATIBLE, LUO_FDT_COMPATIBLE, ...), and optional
 * participants appear only when they are configured in. A loader finds it by
 * searching the decompressed kernel for the magic "LUO-FORMATS-V1\n", which
 * must therefore appear exactly once in the image: nothing else may spell
 * it. The running kernel's outgoing formats are in
 * /sys/kernel/liveupdate/formats (luo_rfc_handover.c).
 */

#include <linux/compiler.h>
#include <linux/kconfig.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/kho/abi/memfd_rfc.h>
#include <linux/luo_rfc.h>

#include "luo_rfc_internal.h"

#if IS_ENABLED(CONFIG_LIVEUPDATE_RFC_FAULT_INJECT)
#define LUO_FORMATS_SELFTEST \
	"subsystem " LUO_SELFTEST_NAME " " LUO_SELFTEST_COMPATIBLE "\n"
#else
#define LUO_FORMATS_SELFTEST ""
#endif

#if IS_ENABLED(CONFIG_LIVEUPDATE_RFC_MEMFD)
#define LUO_FORMATS_MEMFD "file " MEMFD_RFC_COMPATIBLE "\n"
#else
#define LUO_FORMATS_MEMFD ""
#endif

static const char luo_formats_record[] __used =
	"LUO-FORMATS-V1\n"
	"kho " KHO_FDT_COMPATIBLE "\n"
	"luo " LUO_FDT_COMPATIBLE "\n"
	"subsystem " LUO_RFC_FILES_NAME " " LUO_RFC_FILES_COMPATIBLE "\n"
	LUO_FORMATS_SELFTEST
	LUO_FORMATS_MEMFD
	"end\n";
