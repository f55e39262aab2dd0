// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names and messages of the loader's error codes: LD_ERROR_LIST (ld.h),
 * then the architecture's own (ld_arch.errors).
 */
#include "ld.h"

#define LD_NAME_(name, num, msg) [num] = "LD_ERR_" #name,
static const char *const ld_names[] = { LD_ERROR_LIST(LD_NAME_) };
#undef LD_NAME_
#define LD_MSG_(name, num, msg) [num] = msg,
static const char *const ld_msgs[] = { LD_ERROR_LIST(LD_MSG_) };
#undef LD_MSG_

#define NCODES (sizeof(ld_names) / sizeof(ld_names[0]))

static const struct ld_err_desc *arch_err(int err)
{
	unsigned int i;

	for (i = 0; i < ld_arch.nerrors; i++)
		if (ld_arch.errors[i].code == err)
			return &ld_arch.errors[i];
	return NULL;
}

const char *ld_errname(int err)
{
	const struct ld_err_desc *d;

	if (!err)
		return "LD_OK";
	if (err < 0 && (unsigned int)-err < NCODES && ld_names[-err])
		return ld_names[-err];
	d = arch_err(err);
	return d ? d->name : "LD_ERR_UNKNOWN";
}

const char *ld_strerror(int err)
{
	const struct ld_err_desc *d;

	if (!err)
		return "success";
	if (err < 0 && (unsigned int)-err < NCODES && ld_msgs[-err])
		return ld_msgs[-err];
	d = arch_err(err);
	return d ? d->msg : "unknown error";
}
