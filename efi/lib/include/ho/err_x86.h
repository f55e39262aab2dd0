/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Error codes about the x86 boot data (the setup_data chain, ho/x86.h).
 * They are part of the library's one error table: err.h splices this list
 * into HO_ERROR_LIST at their numbers, so names, numbers and messages come
 * from the same X-macro as every other HO_ERR_* code.
 */
#ifndef HO_ERR_X86_H
#define HO_ERR_X86_H

#define HO_ERROR_LIST_X86(X) \
	X(SETUP_DATA_LOOP,		58, "setup_data chain too long or cyclic") \
	X(SETUP_DATA_BAD,		59, "setup_data entry unreadable or malformed")

#endif /* HO_ERR_X86_H */
