# SPDX-License-Identifier: GPL-2.0-only
# tests/schema: the schema suite (YAML, generator, tables, luo-fdt).

CHECK_SUITES += schema

.PHONY: check-schema
check-schema: $(B)/bin/luo-fdt $(B)/bin/luo-fdt-san
	@TOP=$(TOP) B=$(B) LUO_FDT=$(B)/bin/luo-fdt CC="$(CC)" \
		LUO_FDT_SAN=$(B)/bin/luo-fdt-san \
		HOST_CFLAGS="$(HOST_CFLAGS)" HO_INCLUDE=$(HO_INCLUDE) \
		LUO_FDT_OBJS="$(LUO_FDT_OBJS)" \
		HO_LIBS="$(B)/hostlib/libhost.a $(B)/host/libho.a $(B)/host/libfdt.a" \
		$(TOP)/tests/schema/run.sh
