#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check the handover schemas against the kernel's ABI headers.

    fdt-schema/abi-check.py [--abi DIR] [--schemas DIR]   exit 0 or 1
    fdt-schema/abi-check.py --tap                          the test suite

The wire format is defined once, in kernel/include/linux/kho/abi/
luo_rfc.h and memfd_rfc.h; fdt-schema/luo-rfc-v1.yaml and
memfd-rfc-v2.yaml state it again for the generated tables and docs. This
compares them: compatible strings, node and property names, the seals
mask, the folio entry (its fields, and its size as the header defines it,
as the fields add up and as the YAML states it), nr-folios' maximum
(MEMFD_RFC_MAX_FOLIOS) and the folio table's kho_vmalloc descriptor (flags
MEMFD_RFC_TABLE_KHO_FLAGS, order 0).

--tap prints one TAP row per check on the real files, then negative
controls: copies with one thing changed (a compatible string, a folio
field, the YAML's entry size), each of which must fail.
"""
import os
import re
import shutil
import sys
import tempfile

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ABI = os.path.join(TOP, "kernel/include/linux/kho/abi")
SCHEMAS = os.path.join(TOP, "fdt-schema")
TYPES = {"__u64": 8, "__u32": 4}


def defines(text):
    out = {}
    for name, val in re.findall(r"^#define\s+(\w+)\s+(\"[^\"]*\"|\w+)",
                                text, re.M):
        if val.startswith('"'):
            out[name] = val[1:-1]
        elif re.fullmatch(r"(0x[0-9a-fA-F]+|[0-9]+)(u|ul|ull)?", val):
            out[name] = int(val.rstrip("ul"), 0)
        else:
            out[name] = val
    return out


def struct_fields(text, name):
    m = re.search(r"struct\s+%s\s*\{([^}]*)\};" % name, text)
    if not m:
        return None
    return re.findall(r"(\w+)\s+(\w+);", m.group(1))


def checks(abi, schemas):
    """Yield (name, ok, detail) for every comparison."""
    with open(os.path.join(abi, "luo_rfc.h")) as f:
        luo = defines(f.read())
    with open(os.path.join(abi, "memfd_rfc.h")) as f:
        mtext = f.read()
    mem = defines(mtext)
    with open(os.path.join(schemas, "luo-rfc-v1.yaml")) as f:
        ly = yaml.safe_load(f)
    with open(os.path.join(schemas, "memfd-rfc-v2.yaml")) as f:
        my = yaml.safe_load(f)

    def eq(name, got, want):
        return (name, got == want, f"header {want!r}, schema {got!r}")

    def names(macros, *keys):
        """"compatible" and the names the header's macros keys define."""
        return sorted(["compatible"] + [macros.get(k) for k in keys])

    def root(tag, props, macros, compat, *keys):
        """The root's compatible and its property names."""
        yield eq(f"{tag} compatible", props["compatible"]["const"],
                 macros.get(compat))
        yield eq(f"{tag} root properties", sorted(props),
                 names(macros, *keys))

    lp = ly["properties"]
    yield from root("luo-rfc", lp, luo, "LUO_RFC_COMPATIBLE",
                    "LUO_RFC_PROP_COUNT", "LUO_RFC_NODE_SUBSYSTEMS",
                    "LUO_RFC_NODE_SESSIONS", "LUO_RFC_NODE_FILES",
                    "LUO_RFC_PROP_TRACE")

    def child(node):
        return next(iter(lp[node]["patternProperties"].values()))["properties"]
    yield eq("luo-rfc subsystem properties",
             sorted(child(luo.get("LUO_RFC_NODE_SUBSYSTEMS", ""))),
             names(luo, "LUO_RFC_PROP_DATA"))
    yield eq("luo-rfc session properties",
             sorted(child(luo.get("LUO_RFC_NODE_SESSIONS", ""))),
             [luo.get("LUO_RFC_PROP_NAME")])
    yield eq("luo-rfc file properties",
             sorted(child(luo.get("LUO_RFC_NODE_FILES", ""))),
             names(luo, "LUO_RFC_PROP_TOKEN", "LUO_RFC_PROP_SESSION",
                   "LUO_RFC_PROP_DATA"))
    desc = ly["description"]
    yield ("luo-rfc KHO subtree name in the schema",
           f'"{luo.get("LUO_RFC_KHO_SUBTREE")}"' in desc,
           f'"{luo.get("LUO_RFC_KHO_SUBTREE")}" in the description')
    sub = child(luo.get("LUO_RFC_NODE_SUBSYSTEMS", ""))["compatible"]
    yield ("luo-files compatible in the schema",
           f'"{luo.get("LUO_RFC_FILES_COMPATIBLE")}"' in sub["description"],
           f'"{luo.get("LUO_RFC_FILES_COMPATIBLE")}" in subsystems/compatible')

    mp = my["properties"]
    yield from root("memfd", mp, mem, "MEMFD_RFC_COMPATIBLE",
                    "MEMFD_RFC_PROP_SIZE", "MEMFD_RFC_PROP_SEALS",
                    "MEMFD_RFC_PROP_FOLIOS", "MEMFD_RFC_PROP_NR_FOLIOS")
    yield eq("memfd seals mask", mp.get(mem.get("MEMFD_RFC_PROP_SEALS"), {})
             .get("maximum"), mem.get("MEMFD_RFC_SEALS"))

    fields = struct_fields(mtext, "memfd_rfc_folio") or []
    size = mem.get("MEMFD_RFC_FOLIO_SIZE")
    yield eq("folio entry: fields add up to MEMFD_RFC_FOLIO_SIZE",
             sum(TYPES.get(t, 0) for t, _ in fields), size)
    yield ("folio entry: only __u64/__u32, naturally aligned",
           fields != [] and all(t in TYPES for t, _ in fields) and
           all(sum(TYPES[t] for t, _ in fields[:i]) % TYPES[fields[i][0]] == 0
               for i in range(len(fields))), f"{fields}")
    m = re.search(r"struct \{([^}]*)\} \((\d+) bytes", " ".join(
        my["description"].split()))
    ydesc = m and [tuple(x.split()) for x in m.group(1).split(";") if x.strip()]
    yield eq("folio entry: fields the schema states",
             ydesc, [(t.lstrip("_"), n) for t, n in fields])
    yield eq("folio entry: size the schema states",
             m and int(m.group(2)), size)
    yield eq("nr-folios maximum: MEMFD_RFC_MAX_FOLIOS",
             mp.get(mem.get("MEMFD_RFC_PROP_NR_FOLIOS"), {}).get("maximum"),
             mem.get("MEMFD_RFC_MAX_FOLIOS"))
    d = " ".join(my["description"].split())
    m = re.search(r"\.flags = (\w+)", d)
    yield eq("folio table: kho_vmalloc flags the schema states",
             m and int(m.group(1), 0), mem.get("MEMFD_RFC_TABLE_KHO_FLAGS"))
    m = re.search(r"\.order = (\w+)", d)
    yield eq("folio table: kho_vmalloc order the schema states",
             m and int(m.group(1), 0), 0)


def run(abi, schemas):
    try:
        return list(checks(abi, schemas))
    except (OSError, KeyError, TypeError, AttributeError, StopIteration,
            yaml.YAMLError) as e:
        return [("read header and schema", False, repr(e))]


# Negative controls: (name, file, old, new); each copy must fail.
CONTROLS = [
    ("luo-rfc compatible changed in the header", "abi/luo_rfc.h",
     '"luo-rfc-v1"', '"luo-rfc-v9"'),
    ("luo-files compatible changed in the header", "abi/luo_rfc.h",
     '"luo-files-v1"', '"luo-files-v2"'),
    ("memfd compatible changed in the schema", "schemas/memfd-rfc-v2.yaml",
     "const: memfd-rfc-v2", "const: memfd-rfc-v9"),
    ("folio field order widened to __u64", "abi/memfd_rfc.h",
     "__u32 order;", "__u64 order;"),
    ("folio fields swapped", "abi/memfd_rfc.h",
     "__u64 phys;\n\t__u64 index;", "__u64 index;\n\t__u64 phys;"),
    ("schema states 32-byte entries", "schemas/memfd-rfc-v2.yaml",
     "(24 bytes", "(32 bytes"),
    ("MEMFD_RFC_MAX_FOLIOS lowered in the header", "abi/memfd_rfc.h",
     "0xffffffffull", "0xfffffffeull"),
    ("table flags changed in the header", "abi/memfd_rfc.h",
     "MEMFD_RFC_TABLE_KHO_FLAGS\t0x1u", "MEMFD_RFC_TABLE_KHO_FLAGS\t0x3u"),
    ("property renamed in the header", "abi/memfd_rfc.h",
     '"nr-folios"', '"nr_folios"'),
]


def tap():
    n = fails = 0

    def row(ok, name):
        nonlocal n, fails
        n += 1
        fails += not ok
        print(f"{'ok' if ok else 'not ok'} {n} - {name}")

    for name, ok, detail in run(ABI, SCHEMAS):
        row(ok, name)
        if not ok:
            print(f"# {detail}")
    for name, path, old, new in CONTROLS:
        with tempfile.TemporaryDirectory() as d:
            shutil.copytree(ABI, os.path.join(d, "abi"))
            shutil.copytree(SCHEMAS, os.path.join(d, "schemas"),
                            ignore=shutil.ignore_patterns("luo-fdt"))
            p = os.path.join(d, path)
            with open(p) as f:
                text = f.read()
            changed = text.replace(old, new)
            with open(p, "w") as f:
                f.write(changed)
            bad = [c for c in run(os.path.join(d, "abi"),
                                  os.path.join(d, "schemas")) if not c[1]]
            row(changed != text and bad != [],
                f"negative control: {name} is caught"
                + (f" ({bad[0][0]})" if bad else ""))
    print(f"1..{n}")
    return 1 if fails else 0


def main(argv):
    if argv[1:] == ["--tap"]:
        return tap()
    abi, schemas = ABI, SCHEMAS
    args = argv[1:]
    while args:
        opt = args.pop(0)
        if opt == "--abi" and args:
            abi = args.pop(0)
        elif opt == "--schemas" and args:
            schemas = args.pop(0)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    bad = [c for c in run(abi, schemas) if not c[1]]
    for name, _, detail in bad:
        print(f"abi-check: {name}: {detail}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
