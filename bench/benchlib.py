# SPDX-License-Identifier: GPL-2.0-only
"""What the VM benchmarks (blackout.py, memfd.py) share: statistics over
runs, the machine's description, the accelerator and QEMU's version."""
import datetime
import os
import platform
import re
import statistics
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A cycle-counter row of luo-kexec --trace (tests/guest/luo_common.h,
# luo_kexec_trace): "#  event  clock  arg  value  delta-ms  since-ms";
# groups: the event, ms since the trace's first cycles entry.
RE_TRACE = re.compile(r"^\s*\d+\s+([a-z-]+)\s+cycles\s+\S+\s+\d+\s+[0-9.]+\s+([0-9.]+)")


def stats(vals):
    """(min, median, max) of the values that are not None, or None."""
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return min(vals), statistics.median(vals), max(vals)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def accel():
    """kvm or tcg, as tests/vm/accel.sh decides for the test VM image."""
    img = os.path.join(TOP, "build/vm/ours")
    return subprocess.run([os.path.join(TOP, "tests/vm/accel.sh"),
                           img + "/bzImage", img + "/initramfs.cpio"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True).stdout.strip() or "tcg"


def qemu_accel_arg(acc):
    """QEMU's -accel argument for acc, as the VM tests pass it
    (qemu_accel_arg in scripts/common.sh)."""
    return subprocess.run(["bash", "-c", '. "$0/scripts/common.sh"; qemu_accel_arg "$1"',
                           TOP, acc], stdout=subprocess.PIPE,
                          text=True).stdout.strip() or acc


def qemu_version():
    return subprocess.run(["qemu-system-x86_64", "--version"], stdout=subprocess.PIPE,
                          text=True).stdout.splitlines()[0]


def start(name, out):
    """A benchmark's start: the accelerator, the environment for
    tests/vm/vmtest.sh, its log directory build/bench/<name> and the results
    directory out (both made), the load average, the UTC time."""
    acc = accel()
    logdir = os.path.join(TOP, "build/bench", name)
    os.makedirs(logdir, exist_ok=True)
    os.makedirs(out, exist_ok=True)
    return (acc, dict(os.environ, LUO_ACCEL=acc), logdir, loadavg(),
            datetime.datetime.now(datetime.timezone.utc))
