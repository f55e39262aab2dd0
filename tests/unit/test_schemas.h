/* SPDX-License-Identifier: GPL-2.0-only */
/* Hand-written schema tables for the unit tests (test_schemas.c). */
#ifndef TEST_SCHEMAS_H
#define TEST_SCHEMAS_H

#include "ho/schema.h"

extern const struct ho_schema test_kho_schema, test_luo_schema,
	test_memfd_schema, test_odd_schema, test_broken_schema;
/* kho-v4, luo-rfc-v1, memfd-rfc-v2; NULL-terminated */
extern const struct ho_schema *const test_schemas[];

#endif /* TEST_SCHEMAS_H */
