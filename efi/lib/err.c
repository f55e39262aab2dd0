// SPDX-License-Identifier: GPL-2.0-only
/* Names and messages of the HO_ERR_* codes, generated from HO_ERROR_LIST. */
#include "ho/err.h"

struct err_info {
	const char *name;
	const char *msg;
};

#define HO_ERR_INFO_(n, num, m) [num] = { "HO_ERR_" #n, m },
static const struct err_info err_table[] = {
	[0] = { "HO_OK", "success" },
	HO_ERROR_LIST(HO_ERR_INFO_)
};
#undef HO_ERR_INFO_

_Static_assert(sizeof(err_table) / sizeof(err_table[0]) == HO_ERR_COUNT + 1,
	       "HO_ERR_COUNT out of date");

static const struct err_info *err_lookup(int err)
{
	if (err > 0 || -err > HO_ERR_COUNT || !err_table[-err].name)
		return 0;
	return &err_table[-err];
}

const char *ho_errname(int err)
{
	const struct err_info *e = err_lookup(err);

	return e ? e->name : "HO_ERR_UNKNOWN";
}

const char *ho_strerror(int err)
{
	const struct err_info *e = err_lookup(err);

	return e ? e->msg : "unknown error";
}
