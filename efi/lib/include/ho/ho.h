/* SPDX-License-Identifier: GPL-2.0-only */
/* The handover stage library: everything arch-neutral (x86: ho/x86.h). */
#ifndef HO_HO_H
#define HO_HO_H

#include "ho/err.h"
#include "ho/string.h"
#include "ho/memmap.h"
#include "ho/schema.h"
#include "ho/handover.h"
#include "ho/check.h"
#include "ho/fixup.h"
#include "ho/sha256.h"
#include "ho/cmdline.h"

#endif /* HO_HO_H */
