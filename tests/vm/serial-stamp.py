#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Copy a guest's serial output from stdin to LOG, and each line to STAMPS
prefixed with the host's CLOCK_MONOTONIC time (seconds) at which its last
byte arrived, so timings do not depend on the guest's clocks.

    qemu ... -serial stdio | serial-stamp.py LOG STAMPS

Reads unbuffered, one read() at a time; QEMU writes serial bytes as the guest
sends them, so a line's stamp is within one read of the guest's write.
"""
import os
import sys
import time


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: serial-stamp.py LOG STAMPS\n")
        return 2
    fd = sys.stdin.fileno()
    with open(sys.argv[1], "wb", buffering=0) as log, \
            open(sys.argv[2], "w", buffering=1) as st:
        pending = b""
        while True:
            chunk = os.read(fd, 4096)
            now = time.clock_gettime(time.CLOCK_MONOTONIC)
            if not chunk:
                break
            log.write(chunk)
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                text = line.rstrip(b"\r").decode("utf-8", "replace")
                st.write("%.6f %s\n" % (now, text))
        if pending:
            st.write("%.6f %s\n" % (time.clock_gettime(time.CLOCK_MONOTONIC),
                                    pending.decode("utf-8", "replace")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
