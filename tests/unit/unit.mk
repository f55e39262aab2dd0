# SPDX-License-Identifier: GPL-2.0-only
# tests/unit: host unit tests of the stage library (efi/lib), TAP output.

include $(TOP)/efi/lib/lib.mk
