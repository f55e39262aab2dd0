#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Deterministic mutants of FDT blobs for the robustness tests.

Usage: mutate.py OUTDIR COUNT BLOB...
Writes OUTDIR/<blob name>-NN.dtb: byte flips, random 32-bit words,
truncations and header fields set to edge values, in turn.
"""
import os
import random
import struct
import sys


def main():
    out, count, srcs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    rnd = random.Random(20261125)
    for src in srcs:
        base = os.path.splitext(os.path.basename(src))[0]
        with open(src, "rb") as f:
            orig = f.read()
        for i in range(count):
            b = bytearray(orig)
            kind = i % 4
            if kind == 0:
                for _ in range(rnd.randint(1, 4)):
                    b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
            elif kind == 1:
                off = rnd.randrange(0, len(b) - 4) & ~3
                b[off:off + 4] = struct.pack(">I", rnd.choice(
                    [0, 1, 2, 3, 4, 9, 0xffffffff, 0x7fffffff,
                     rnd.getrandbits(32)]))
            elif kind == 2:
                b = b[:rnd.randrange(len(b))]
            else:
                off = 4 * rnd.randrange(10)     # a header field
                b[off:off + 4] = struct.pack(">I", rnd.choice(
                    [0, len(b), len(b) + 8, 0xffffffff,
                     rnd.randrange(len(b))]))
            with open(os.path.join(out, "%s-%02d.dtb" % (base, i)),
                      "wb") as f:
                f.write(b)


if __name__ == "__main__":
    main()
