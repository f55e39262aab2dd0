# SPDX-License-Identifier: GPL-2.0-only
# Checks on the built kernel images themselves (no VM).
#
#   make check-kernel-record   every variant carries exactly one
#                              LUO-FORMATS-V1 record with the expected lines
#                              (tests/kernel/record.sh, scripts/kernel-record.py)

.PHONY: check-kernel-record
CHECK_SUITES += kernel-record
check-kernel-record:
	@$(TOP)/tests/kernel/record.sh
