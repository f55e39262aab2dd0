#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The error registry's per-function lists: which codes each public
function of the stage library (HO_ERR_*) and of the loader (LD_ERR_*) can
return, found from the sources, as libfdt.h documents them per function.

A code belongs to a function when the function's body names it or calls a
function of the same sources that can return it (the call graph, to a
fixed point). That over-approximates (a code named for a comparison
counts) and misses nothing a direct call can return. Calls through the
loader's arch table (ld_arch.*) add every code of the arch's own list.

  error-lists.py TOP            print docs/errors.md
  error-lists.py TOP --check    exit 1 (with a diff) when docs/errors.md differs
"""
import difflib
import glob
import os
import re
import sys

IDENT = re.compile(r'\b([A-Za-z_]\w*)\s*\(')
KEYWORDS = {'if', 'for', 'while', 'switch', 'return', 'sizeof', 'defined',
            '_Static_assert', '__attribute__', '_Alignas', 'do'}


def strip(text):
    """C source without comments, strings and character literals."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append('\n' * text.count('\n', i, j))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def functions(text):
    """{name: body} of the function definitions at file level."""
    text = re.sub(r'^\s*#.*(?:\\\n.*)*', '', strip(text), flags=re.M)
    found, depth, i, start = {}, 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == '{':
            if depth == 0:
                head = text[start:i]
                m = re.search(r'\b([A-Za-z_]\w*)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$', head)
                name = m.group(1) if m and '=' not in head else None
                body_start = i
            depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0:
                if name:
                    found[name] = text[body_start:i + 1]
                start = i + 1
        elif c == ';' and depth == 0:
            start = i + 1
        i += 1
    return found


def declared(headers):
    """Names of the int-returning functions the public headers declare."""
    names = []
    for h in headers:
        text = re.sub(r'^\s*#.*(?:\\\n.*)*', '', strip(open(h).read()), flags=re.M)
        for m in re.finditer(r'^int\s+([a-z_]\w*)\s*\(', text, re.M):
            if m.group(1) not in names:
                names.append(m.group(1))
    return names


def closure(funcs, prefix, indirect=()):
    """{function: set of codes} with the call graph followed to a fixed point.
    indirect: (regex, callees) pairs for calls a body makes through pointers."""
    code = re.compile(r'\b' + prefix + r'_ERR_([A-Z0-9_]+)\b')
    own = {f: set(code.findall(b)) - {'COUNT', 'LAST_', 'ENUM_', 'DESC_', 'NUM_'}
           for f, b in funcs.items()}
    calls = {f: {c for c in IDENT.findall(b) if c in funcs and c != f and c not in KEYWORDS}
             for f, b in funcs.items()}
    for f, b in funcs.items():
        for pattern, callees in indirect:
            for m in re.finditer(pattern, b):
                calls[f] |= {c for c in callees(m) if c in funcs}
    changed = True
    while changed:
        changed = False
        for f in funcs:
            new = set(own[f])
            for c in calls[f]:
                new |= own[c]
            if new != own[f]:
                own[f] = new
                changed = True
    return own


def list_codes(path, macro):
    """NAME -> number of an X(NAME, number, "msg") list macro in path."""
    text = open(path).read()
    m = re.search(r'#define ' + macro + r'\(X\)((?:.*\\\n)*.*)', text)
    return {n: int(v) for n, v in re.findall(r'X\((\w+),\s*(\d+)', m.group(1))} if m else {}


def section(title, intro, names, codes, numbers, prefix):
    lines = ['## ' + title, '', intro, '']
    for n in names:
        if n not in codes:
            continue
        c = sorted(codes[n], key=lambda x: (numbers.get(x, 999), x))
        lines.append('- `%s()`: %s' % (n, ', '.join('`%s_ERR_%s`' % (prefix, x) for x in c)
                                       if c else 'only `%s_OK`' % prefix))
    lines.append('')
    return lines


def render(top):
    lib_funcs = {}
    for f in sorted(glob.glob(os.path.join(top, 'efi/lib/*.c'))):
        lib_funcs.update(functions(open(f).read()))
    lib_hdr = sorted(glob.glob(os.path.join(top, 'efi/lib/include/ho/*.h')))
    ho_numbers = list_codes(os.path.join(top, 'efi/lib/include/ho/err.h'), 'HO_ERROR_LIST')
    ho_numbers.update(list_codes(os.path.join(top, 'efi/lib/include/ho/err_x86.h'),
                                 'HO_X86_ERROR_LIST'))
    lib = closure(lib_funcs, 'HO')

    out = ['# Error codes per function', '',
           '<!-- generated by scripts/error-lists.py from the sources '
           '(`make errors-doc`); suite layout checks that it is current -->', '']
    out += ['Every code of the three registries (`HO_ERROR_LIST` in efi/lib/include/ho/err.h '
            'with err_x86.h, `LD_ERROR_LIST` in loader/ld.h with each '
            'loader/arch/<arch>/ld_<arch>.h, `PURG_FAULT_LIST` in efi/purgatory/purgatory.h) '
            'has one number and one message; this page says which codes each public function '
            'can return. A code is listed when the function names it or calls a function '
            'that can return it, directly or through the loader\'s arch table: an '
            'over-approximation (the checks share one dispatcher, so a per-blob check lists '
            'the codes of the blobs it may lead to), but nothing a call can return is '
            'missing.', '']
    out += section('Stage library (efi/lib, `HO_ERR_*`)',
                   'Public functions returning `int` (0 = `HO_OK`); the string helpers '
                   '`ho_memcmp()` and `ho_strcmp()` return comparisons, not codes.',
                   [n for n in declared(lib_hdr) if n not in ('ho_memcmp', 'ho_strcmp')],
                   lib, ho_numbers, 'HO')

    ld_names = declared([os.path.join(top, 'loader/ld.h')])
    generic = {}
    for f in sorted(glob.glob(os.path.join(top, 'loader/*.c'))):
        generic.update(functions(open(f).read()))
    for d in sorted(glob.glob(os.path.join(top, 'loader/arch/*/'))):
        arch = os.path.basename(os.path.dirname(d))
        funcs = dict(generic)
        table = ''
        for f in sorted(glob.glob(os.path.join(d, '*.c'))):
            text = open(f).read()
            funcs.update(functions(text))
            if 'const struct ld_arch ld_arch' in text:
                table = strip(text)
        hooks = dict(re.findall(r'\.(\w+)\s*=\s*([a-z_]\w*)\s*,', table))
        probes = re.findall(r'\{\s*""\s*,\s*([a-z_]\w*)\s*\}', table)
        numbers = list_codes(os.path.join(top, 'loader/ld.h'), 'LD_ERROR_LIST')
        for h in sorted(glob.glob(os.path.join(d, 'ld_*.h'))):
            m = re.search(r'#define (LD_\w+_ERROR_LIST)\(X\)', open(h).read())
            if m:
                numbers.update(list_codes(h, m.group(1)))
        ld = closure(funcs, 'LD', [
            (r'\bld_arch\s*\.\s*(\w+)\s*\(', lambda m: [hooks.get(m.group(1), '')]),
            (r'\.\s*probe\s*\(', lambda m: probes)])
        out += section('Loader, %s build (loader/ and loader/arch/%s/, `LD_ERR_*`)'
                       % (arch, arch),
                       'Public functions of ld.h returning `int` (0 = `LD_OK`); a rejected '
                       'handover is `LD_ERR_HANDOVER` with the library\'s code in the message.',
                       ld_names, ld, numbers, 'LD')
    return '\n'.join(out).rstrip('\n') + '\n'


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else '.'
    text = render(top)
    if '--check' in sys.argv:
        path = os.path.join(top, 'docs/errors.md')
        old = open(path).read() if os.path.exists(path) else ''
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), text.splitlines(True), 'docs/errors.md', 'sources'))
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
