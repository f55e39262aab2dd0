#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the handover FDT schemas (fdt-schema/*.yaml) into C tables and docs.

Usage: gen-tables.py [-c OUT.c] [-m OUT.md] [--root DIR] SCHEMA.yaml...

Each YAML file is checked against the small json-schema / dt-schema subset
described in fdt-schema/README.md; anything else (an unknown key, a wrong
type, a missing description) is an error, reported as
"gen-tables.py: FILE: PATH: message", exit status 1.

With -c, writes the C tables of efi/lib/include/ho/schema.h (struct
ho_schema and friends) and the NULL-terminated ho_schemas[]. With -m, writes
the Markdown reference (docs/schema-reference.md). Outputs depend only on
the YAML contents and on the file names relative to --root (default: the
directory above this script), so they are reproducible.
"""

import argparse
import os
import re
import sys

import yaml

PROG = "gen-tables.py"
META_SCHEMA = "http://luo-kexec.invalid/meta-schemas/handover.yaml#"
ID_PREFIX = "http://luo-kexec.invalid/schemas/"

# Node name patterns we understand, and how the C side matches them.
NAME_PATTERNS = {
    "^(0|[1-9a-f][0-9a-f]*)$": ("HO_NAME_HEX", "<hex>",
                                "lower-case hex, no leading zeros"),
    "^.*$": ("HO_NAME_ANY", "<name>", "any name"),
}

# x-type: C type, size in bytes (None: variable), Markdown wording.
PROP_TYPES = {
    "empty": ("HO_PROP_EMPTY", 0, "empty (no value)"),
    "u32": ("HO_PROP_U32", 4, "u32, native endian"),
    "u64": ("HO_PROP_U64", 8, "u64, native endian"),
    "phys": ("HO_PROP_PHYS", 8, "u64 physical address, native endian"),
    "string": ("HO_PROP_STRING", None, "NUL-terminated string"),
    "bytes": ("HO_PROP_BYTES", None, "opaque bytes"),
}
INT_TYPES = ("u32", "u64", "phys")
INT_MAX = {"u32": (1 << 32) - 1, "u64": (1 << 64) - 1, "phys": (1 << 64) - 1}
MAX_LEN_LIMIT = 0xffff          # ho_prop_rule.max_len is a uint16_t
MAX_COUNT_LIMIT = 0xffff        # ho_node_rule.max_count is a uint16_t

TOP_KEYS = {"$id", "$schema", "title", "description", "properties",
            "patternProperties", "required", "additionalProperties"}
TOP_REQUIRED = {"$id", "$schema", "title", "description", "properties",
                "additionalProperties"}
NODE_KEYS = {"type", "description", "properties", "patternProperties",
             "required", "additionalProperties", "x-max-count"}
NODE_REQUIRED = {"type", "description", "additionalProperties"}
PROP_KEYS = {"x-type", "description", "const", "minimum", "maximum",
             "minLength", "maxLength", "x-page-aligned", "x-in-ram"}
PROP_REQUIRED = {"x-type", "description"}


class SchemaError(Exception):
    pass


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that rejects duplicate mapping keys."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise SchemaError("line %d: duplicate key '%s'" %
                              (key_node.start_mark.line + 1, key))
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def fail(path, msg):
    raise SchemaError("%s: %s" % (path or "/", msg))


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def want(cond, path, msg):
    if not cond:
        fail(path, msg)


def check_keys(d, allowed, required, path, what):
    want(isinstance(d, dict), path, "%s must be a mapping" % what)
    for k in d:
        want(isinstance(k, str), path, "key %r is not a string" % (k,))
        want(k in allowed, path, "unknown key '%s' in %s" % (k, what))
    for k in sorted(required):
        want(k in d, path, "missing '%s' in %s" % (k, what))


def check_text(v, path, key):
    want(isinstance(v, str) and v.strip(), path,
         "'%s' must be a non-empty string" % key)


class Prop:
    def __init__(self, name, d, path):
        self.name = name
        self.path = path
        check_keys(d, PROP_KEYS, PROP_REQUIRED, path, "property")
        check_text(d["description"], path, "description")
        self.description = d["description"].strip()
        t = d["x-type"]
        want(t in PROP_TYPES, path, "bad x-type %r (one of: %s)" %
             (t, ", ".join(PROP_TYPES)))
        self.xtype = t
        self.required = False
        self.const = None
        self.minimum = None
        self.maximum = None
        self.min_len = None
        self.max_len = None
        self.page_aligned = False
        self.in_ram = False

        if "const" in d:
            want(t == "string", path, "'const' needs x-type string")
            want(isinstance(d["const"], str), path, "'const' must be a string")
            self.const = d["const"]
        for k in ("minimum", "maximum"):
            if k not in d:
                continue
            want(t in INT_TYPES, path, "'%s' needs an integer x-type" % k)
            v = d[k]
            want(is_int(v) and 0 <= v <= INT_MAX[t], path,
                 "'%s' must be an integer in [0, %#x]" % (k, INT_MAX[t]))
            setattr(self, k, v)
        if self.minimum is not None and self.maximum is not None:
            want(self.minimum <= self.maximum, path,
                 "'minimum' is above 'maximum'")
        if "minLength" in d:
            want(t == "string", path, "'minLength' needs x-type string")
            want(d["minLength"] in (0, 1) and is_int(d["minLength"]), path,
                 "'minLength' must be 0 or 1 (non-empty)")
            self.min_len = d["minLength"]
        if "maxLength" in d:
            want(t in ("string", "bytes"), path,
                 "'maxLength' needs x-type string or bytes")
            v = d["maxLength"]
            # max_len counts the NUL of a string, maxLength does not.
            extra = 1 if t == "string" else 0
            want(is_int(v) and 1 <= v and v + extra <= MAX_LEN_LIMIT, path,
                 "'maxLength' must be an integer in [1, %d]" %
                 (MAX_LEN_LIMIT - extra))
            self.max_len = v
        if self.const is not None:
            want(self.min_len is None and self.max_len is None, path,
                 "'const' already fixes the length")
        for k, attr in (("x-page-aligned", "page_aligned"),
                        ("x-in-ram", "in_ram")):
            if k not in d:
                continue
            want(isinstance(d[k], bool), path, "'%s' must be true or false" % k)
            want(t in INT_TYPES if k == "x-page-aligned" else t == "phys",
                 path, "'%s' does not apply to x-type %s" % (k, t))
            setattr(self, attr, d[k])

    def c_flags(self):
        f = []
        if self.required:
            f.append("HO_PROP_REQUIRED")
        if self.min_len:
            f.append("HO_PROP_NONZERO")
        if self.page_aligned:
            f.append("HO_PROP_PAGE_ALIGNED")
        if self.minimum is not None or self.maximum is not None:
            f.append("HO_PROP_HAS_RANGE")
        if self.const is not None:
            f.append("HO_PROP_CONST")
        if self.in_ram:
            f.append("HO_PROP_ADDR")
        return " | ".join(f) or "0"

    def c_max_len(self):
        if self.max_len is None:
            return 0
        return self.max_len + (1 if self.xtype == "string" else 0)


class Node:
    def __init__(self, label, match, d, path, root=False, required=False):
        self.label = label          # exact name, or a label for patterns
        self.match = match          # HO_NAME_*
        self.path = path
        self.required = required
        if root:
            check_keys(d, TOP_KEYS, TOP_REQUIRED, path, "schema")
        else:
            check_keys(d, NODE_KEYS, NODE_REQUIRED, path, "node")
            want(d["type"] == "object", path, "a node has 'type: object'")
        check_text(d["description"], path, "description")
        self.description = d["description"].strip()
        want(isinstance(d["additionalProperties"], bool), path,
             "'additionalProperties' must be true or false")
        self.extra = d["additionalProperties"]
        self.max_count = 0
        if "x-max-count" in d:
            want(match != "HO_NAME_EXACT", path,
                 "'x-max-count' only applies to patternProperties nodes")
            v = d["x-max-count"]
            want(is_int(v) and 1 <= v <= MAX_COUNT_LIMIT, path,
                 "'x-max-count' must be an integer in [1, %d]" %
                 MAX_COUNT_LIMIT)
            self.max_count = v

        req = d.get("required", [])
        want(isinstance(req, list) and all(isinstance(r, str) for r in req),
             path, "'required' must be a list of names")
        want(len(set(req)) == len(req), path, "'required' lists a name twice")
        props = d.get("properties", {})
        want(isinstance(props, dict), path, "'properties' must be a mapping")
        for r in req:
            want(r in props, path, "required '%s' is not in 'properties'" % r)

        self.props = []
        self.children = []
        for name, sub in props.items():
            want(isinstance(name, str) and name, path,
                 "bad property or node name %r" % (name,))
            want(re.fullmatch(r"[A-Za-z0-9,._+#?-]+", name) is not None, path,
                 "'%s' is not a valid FDT name" % name)
            subpath = path.rstrip("/") + "/" + name
            want(isinstance(sub, dict), subpath, "must be a mapping")
            if sub.get("type") == "object":
                self.children.append(Node(name, "HO_NAME_EXACT", sub, subpath,
                                          required=name in req))
            else:
                p = Prop(name, sub, subpath)
                p.required = name in req
                self.props.append(p)
        pats = d.get("patternProperties", {})
        want(isinstance(pats, dict), path,
             "'patternProperties' must be a mapping")
        for pat, sub in pats.items():
            want(pat in NAME_PATTERNS, path,
                 "unsupported node name pattern %r (one of: %s)" %
                 (pat, ", ".join(repr(p) for p in NAME_PATTERNS)))
            match, lab, _ = NAME_PATTERNS[pat]
            subpath = path.rstrip("/") + "/" + lab
            want(isinstance(sub, dict) and sub.get("type") == "object",
                 subpath, "patternProperties entries must be nodes "
                 "('type: object')")
            self.children.append(Node(lab, match, sub, subpath))
        idents = [child_ident("", c) for c in self.children]
        want(len(set(idents)) == len(idents), path,
             "child node names clash as C identifiers: %s" % ", ".join(
                 c.label for c in self.children))

    def c_flags(self):
        f = []
        if self.required:
            f.append("HO_NODE_REQUIRED")
        if self.extra:
            f += ["HO_NODE_EXTRA_PROPS", "HO_NODE_EXTRA_NODES"]
        return " | ".join(f) or "0"


class Schema:
    def __init__(self, fname, relname):
        self.relname = relname
        base = os.path.basename(fname)
        try:
            with open(fname, encoding="utf-8") as f:
                d = yaml.load(f, Loader=UniqueKeyLoader)
        except yaml.YAMLError as e:
            raise SchemaError("bad YAML: %s" % str(e).replace("\n", " "))
        except OSError as e:
            raise SchemaError(str(e))
        want(isinstance(d, dict), None, "the document must be a mapping")
        want(d.get("$id") == ID_PREFIX + base + "#", "$id",
             "must be '%s%s#'" % (ID_PREFIX, base))
        want(d.get("$schema") == META_SCHEMA, "$schema",
             "must be '%s'" % META_SCHEMA)
        check_text(d.get("title"), "title", "title")
        self.title = d["title"].strip()
        self.root = Node("/", "HO_NAME_EXACT", d, "/", root=True,
                         required=True)
        compat = [p for p in self.root.props if p.name == "compatible"]
        want(compat and compat[0].const and compat[0].required, "/compatible",
             "the root needs a required 'compatible' with 'const'")
        self.compatible = compat[0].const
        want(base == self.compatible + ".yaml", "/compatible",
             "the file must be named after the compatible ('%s.yaml')" %
             self.compatible)
        self.cname = re.sub(r"[^A-Za-z0-9]", "_", self.compatible)


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def child_ident(parent, child):
    """C identifier of a child rule: the parent's plus the child's name."""
    name = {"<hex>": "hex", "<name>": "any"}.get(child.label, child.label)
    return parent + "_" + re.sub(r"[^A-Za-z0-9]", "_", name)


def emit_c(schemas, out):
    w = out.append
    w("/* SPDX-License-Identifier: GPL-2.0-only */")
    w("/*")
    w(" * Generated by fdt-schema/gen-tables.py from")
    for s in schemas:
        w(" *   %s" % s.relname)
    w(" * Do not edit: change the YAML instead.")
    w(" */")
    w("#include <stddef.h>")
    w("#include <ho/schema.h>")

    def node(s, n, ident):
        # Children first: C needs them defined before they are referenced.
        for c in n.children:
            node(s, c, child_ident(ident, c))
        if n.props:
            w("")
            w("static const struct ho_prop_rule %s_props[] = {" % ident)
            for p in n.props:
                w("\t{")
                w("\t\t.name = %s," % c_str(p.name))
                w("\t\t.type = %s," % PROP_TYPES[p.xtype][0])
                w("\t\t.flags = %s," % p.c_flags())
                if p.c_max_len():
                    w("\t\t.max_len = %d," % p.c_max_len())
                if p.const is not None:
                    w("\t\t.value = %s," % c_str(p.const))
                if p.minimum is not None or p.maximum is not None:
                    lo = p.minimum or 0
                    hi = p.maximum if p.maximum is not None \
                        else INT_MAX[p.xtype]
                    w("\t\t.min = %#xull," % lo if lo else "\t\t.min = 0,")
                    w("\t\t.max = %#xull," % hi)
                w("\t},")
            w("};")
        if n.children:
            w("")
            w("static const struct ho_node_rule %s_children[] = {" % ident)
            for c in n.children:
                cid = child_ident(ident, c)
                w("\t{")
                w("\t\t.name = %s," % c_str(c.label))
                w("\t\t.match = %s," % c.match)
                w("\t\t.flags = %s," % c.c_flags())
                w("\t\t.nprops = %d," % len(c.props))
                w("\t\t.nchildren = %d," % len(c.children))
                if c.max_count:
                    w("\t\t.max_count = %d," % c.max_count)
                w("\t\t.props = %s," % (cid + "_props" if c.props
                                        else "NULL"))
                w("\t\t.children = %s," % (cid + "_children" if c.children
                                           else "NULL"))
                w("\t},")
            w("};")

    for s in schemas:
        ident = "ho_" + s.cname
        node(s, s.root, ident)
        r = s.root
        w("")
        w("static const struct ho_node_rule %s_root = {" % ident)
        w("\t.name = \"/\",")
        w("\t.match = HO_NAME_EXACT,")
        w("\t.flags = %s," % r.c_flags())
        w("\t.nprops = %d," % len(r.props))
        w("\t.nchildren = %d," % len(r.children))
        w("\t.props = %s," % (ident + "_props" if r.props else "NULL"))
        w("\t.children = %s," % (ident + "_children" if r.children
                                 else "NULL"))
        w("};")
        w("")
        w("static const struct ho_schema %s_schema = {" % ident)
        w("\t.compatible = %s," % c_str(s.compatible))
        w("\t.title = %s," % c_str(s.title))
        w("\t.root = &%s_root," % ident)
        w("};")
    w("")
    w("const struct ho_schema *const ho_schemas[] = {")
    for s in schemas:
        w("\t&ho_%s_schema," % s.cname)
    w("\tNULL,")
    w("};")


def md_constraints(p):
    c = []
    if p.const is not None:
        c.append('equals `"%s"`' % p.const)
    if p.min_len:
        c.append("not empty")
    if p.max_len is not None:
        if p.xtype == "string":
            c.append("at most %d bytes plus the NUL" % p.max_len)
        else:
            c.append("at most %d bytes" % p.max_len)
    if p.minimum is not None and p.maximum is not None:
        c.append("in [%s, %s]" % (md_num(p.minimum), md_num(p.maximum)))
    elif p.minimum is not None:
        c.append("at least %s" % md_num(p.minimum))
    elif p.maximum is not None:
        c.append("at most %s" % md_num(p.maximum))
    if p.page_aligned:
        c.append("4 KiB aligned")
    if p.in_ram:
        c.append("if not 0, inside usable RAM when a memory map is given")
    return c


def md_size(p):
    """The Size column: fixed, exact (const), bounded or variable."""
    size = PROP_TYPES[p.xtype][1]
    if size is not None:
        return "%d bytes" % size
    if p.const is not None:
        return "%d bytes" % (len(p.const.encode()) + 1)
    if p.max_len is not None:
        return "at most %d bytes" % p.c_max_len()
    return "variable"


def md_num(v):
    return str(v) if v < 16 else "%#x" % v


def md_text(s):
    """A YAML description as Markdown: keep the lines, escape HTML."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.rstrip() + "\n"


def emit_md(schemas, out):
    w = out.append
    w("<!-- SPDX-License-Identifier: GPL-2.0-only -->")
    w("<!-- Generated by fdt-schema/gen-tables.py from fdt-schema/*.yaml;"
      " do not edit. Regenerate with `make schema-docs`. -->")
    w("")
    w("# Handover FDT schema reference")
    w("")
    w("Generated from the YAML schemas in `fdt-schema/`, the machine-readable")
    w("source of truth for the handover format (see `docs/handover-format.md`")
    w("for the contract in prose and `fdt-schema/README.md` for the schema")
    w("vocabulary). The same YAML files generate the C tables that the stage")
    w("library (`efi/lib`) and `luo-fdt check` validate with.")
    w("")
    w("Integers are native-endian (little-endian on x86_64 and arm64), not DT")
    w("big-endian cells. A string's length includes its NUL. Unless a node says")
    w("otherwise, properties and child nodes not listed are errors.")
    w("")
    for s in schemas:
        w("- [`%s`: %s](#%s)" % (s.compatible, s.title, s.cname.replace("_", "-")))
    w("")

    def node(s, n, path, pattern_note):
        w("### `%s` node `%s`" % (s.compatible, path))
        w("")
        notes = []
        if pattern_note:
            notes.append("Name: %s." % pattern_note)
        elif n is not s.root:
            notes.append("Required." if n.required else "Optional.")
        if n.max_count:
            notes.append("At most %d such nodes." % n.max_count)
        if n.extra:
            notes.append("Properties and child nodes not listed are allowed.")
        if notes:
            w(" ".join(notes))
            w("")
        if n is not s.root:
            w(md_text(n.description))
        if n.props:
            w("| Property | Type | Size | Required | Constraints |")
            w("|---|---|---|---|---|")
            for p in n.props:
                size = md_size(p)
                w("| `%s` | %s | %s | %s | %s |" % (
                    p.name, PROP_TYPES[p.xtype][2], size,
                    "yes" if p.required else "no",
                    "; ".join(md_constraints(p)) or "-"))
            w("")
            for p in n.props:
                w("- `%s`: %s" % (p.name, md_text(
                    " ".join(p.description.split())).rstrip()))
            w("")
        else:
            w("No properties.")
            w("")
        for c in n.children:
            note = None
            if c.match != "HO_NAME_EXACT":
                note = [v[2] for v in NAME_PATTERNS.values()
                        if v[0] == c.match][0]
                note += ", zero or more"
            node(s, c, path.rstrip("/") + "/" + c.label, note)

    for s in schemas:
        w('<a id="%s"></a>' % s.cname.replace("_", "-"))
        w("")
        w("## `%s`: %s" % (s.compatible, s.title))
        w("")
        w("Source: `%s`" % s.relname)
        w("")
        w(md_text(s.root.description))
        node(s, s.root, "/", None)


def write(path, lines):
    data = "\n".join(lines).rstrip("\n") + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(data)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    ap.add_argument("-c", dest="c_out", help="write the C tables here")
    ap.add_argument("-m", dest="md_out", help="write the Markdown here")
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), help="paths in outputs are relative "
        "to this directory")
    ap.add_argument("schemas", nargs="+", metavar="SCHEMA.yaml")
    a = ap.parse_args()

    schemas = []
    for fname in sorted(a.schemas, key=os.path.basename):
        rel = os.path.relpath(os.path.abspath(fname), a.root)
        if rel.startswith(".."):
            rel = os.path.basename(fname)
        try:
            s = Schema(fname, rel)
            for o in schemas:
                if o.compatible == s.compatible:
                    raise SchemaError("compatible '%s' also in %s" %
                                      (s.compatible, o.relname))
        except SchemaError as e:
            print("%s: %s: %s" % (PROG, fname, e), file=sys.stderr)
            return 1
        schemas.append(s)

    if a.c_out:
        out = []
        emit_c(schemas, out)
        write(a.c_out, out)
    if a.md_out:
        out = []
        emit_md(schemas, out)
        write(a.md_out, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
