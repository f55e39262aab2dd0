/* SPDX-License-Identifier: GPL-2.0-only */
/* The handover stage library: everything. */
#ifndef HO_HO_H
#define HO_HO_H

#include "ho/err.h"
#include "ho/string.h"
#include "ho/memmap.h"
#include "ho/schema.h"
#include "ho/check.h"
#include "ho/fixup.h"
#include "ho/sha256.h"
#include "ho/cmdline.h"
#include "ho/x86.h"

#endif /* HO_HO_H */
