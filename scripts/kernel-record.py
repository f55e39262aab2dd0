#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Print the LUO-FORMATS-V1 record of a kernel image (x86 bzImage).

    scripts/kernel-record.py [--count] BZIMAGE

The record (kernel/kernel/liveupdate/luo_rfc_formats.c) lists the handover
formats the kernel can read. It lives in the kernel's .rodata, so in a
bzImage it is inside the compressed payload: the setup header gives the
payload's place (payload_offset, payload_length, relative to the protected
mode code after the setup sectors), the first bytes say the compression.

Exit status: 0 and the record on stdout when the image holds exactly one;
1 when it holds none ("unknown" kernel); 2 when it holds several, or the
file is not a bzImage or cannot be decompressed. --count prints the number
of records instead (exit 0 unless the image cannot be read).
"""
import bz2
import lzma
import shutil
import struct
import subprocess
import sys
import zlib

MAGIC = b"LUO-FORMATS-V1\n"
MAX_RECORD = 4096


def fail(msg, code=2):
    print(f"kernel-record: {msg}", file=sys.stderr)
    sys.exit(code)


def payload(img):
    if len(img) < 0x250 or img[0x202:0x206] != b"HdrS":
        fail("not a bzImage (no HdrS setup header)")
    version = struct.unpack_from("<H", img, 0x206)[0]
    if version < 0x208:
        fail(f"boot protocol {version:#x} has no payload_offset")
    setup_sects = img[0x1f1] or 4
    off, length = struct.unpack_from("<II", img, 0x248)
    start = (setup_sects + 1) * 512 + off
    if start + length > len(img) or not length:
        fail("payload_offset/payload_length outside the file")
    return img[start:start + length]


def run_tool(argv, data):
    if not shutil.which(argv[0]):
        fail(f"payload needs {argv[0]}, which is not installed")
    r = subprocess.run(argv, input=data, capture_output=True)
    if r.returncode and not r.stdout:
        fail(f"{argv[0]} failed: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout


def decompress(p):
    if p[:2] == b"\x1f\x8b":
        return zlib.decompressobj(wbits=31).decompress(p)
    if p[:6] == b"\xfd7zXZ\x00":
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(p)
    if p[:3] == b"\x5d\x00\x00":
        return lzma.LZMADecompressor(format=lzma.FORMAT_ALONE).decompress(p)
    if p[:3] == b"BZh":
        return bz2.BZ2Decompressor().decompress(p)
    if p[:4] == b"\x28\xb5\x2f\xfd":
        return run_tool(["zstd", "-dcq"], p)
    if p[:4] == b"\x02\x21\x4c\x18":
        return run_tool(["lz4", "-dcq"], p)
    if p[:4] == b"\x89LZO":
        return run_tool(["lzop", "-dc"], p)
    fail(f"unknown payload compression (magic {p[:4].hex()})")


def main():
    args = sys.argv[1:]
    count_only = bool(args) and args[0] == "--count"
    if count_only:
        args = args[1:]
    if len(args) != 1:
        fail("usage: kernel-record.py [--count] BZIMAGE")
    try:
        with open(args[0], "rb") as f:
            img = f.read()
    except OSError as e:
        fail(str(e))
    data = decompress(payload(img))
    hits = []
    at = data.find(MAGIC)
    while at >= 0:
        hits.append(at)
        at = data.find(MAGIC, at + 1)
    if count_only:
        print(len(hits))
        return 0
    if not hits:
        fail("no LUO-FORMATS-V1 record: unknown formats", 1)
    if len(hits) > 1:
        fail(f"{len(hits)} LUO-FORMATS-V1 records, expected one")
    end = data.find(b"\0", hits[0], hits[0] + MAX_RECORD)
    if end < 0:
        fail("record not NUL-terminated within 4 KiB")
    rec = data[hits[0]:end].decode("ascii", errors="replace")
    if not rec.endswith("\nend\n"):
        fail("record does not end with 'end'")
    sys.stdout.write(rec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
