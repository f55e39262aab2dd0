#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""memfd preserve and retrieve vs size, ours against upstream's LUO (make bench-memfd).

Each configuration (kernel variant + command line) boots the test VM with
tests/guest/memfd_bench.c for each size, N times, interleaved (round r runs
every (configuration, size), rotated by r), through tests/vm/vmtest.sh.
In one guest: a memcpy of the memfd's size, then the preservation:
  ours      PRESERVE_FD + PREPARE + FREEZE (luo-rfc-v1: PREPARE pins and
            describes the folios); the kexec hook then verifies and runs
            the pre-jump check
  upstream  PRESERVE_FD (luo-v5 pins and describes there); the kexec call
            serializes the sessions
then, in kernel B, RETRIEVE_SESSION + RETRIEVE_FD, a byte-for-byte check
(memcmp against the regenerated stream; SHA-256 of the memfd before the
kexec and after it must match, or the run counts as failed, not as a
number) and FINISH. The kexec call's own cost comes from kernel A's log
timestamps: the program's marker in /dev/kmsg to "Starting new kernel".
Our phase trace (luo_rfc.trace=1) splits PREPARE (memfd handler vs the
rest) and times the kexec hook (kexec-call to prejump-end).

Writes bench/results/memfd-<date>.md (tables, ratios), .dat (every run)
and .png (gnuplot, when installed). Numbers only: nothing here passes or
fails, and it is never part of make check.
"""
import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import time

import benchlib
from benchlib import cpu_model, loadavg, stats

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROG = "memfd_bench"
# Same scratch for every configuration but the *-defscratch ones: small
# enough that 1 GiB + its memcpy fit, and the same for both LUOs (default
# scratch grows with the initramfs and leaves too little to pin 512 MiB
# into: FIELD-NOTES).
COMMON = "kho_scratch=32M,64M,0"
# A configuration with this word (ignored by the guest) gets no COMMON.
DEFSCRATCH = "memfd_bench_scratch=default"

# id, label, kernel variant, command-line words
CONFIGS = [
    ("ours", "ours (luo-rfc-v1), 4 KiB pages", "ours", "luo_rfc.trace=1"),
    ("upstream", "upstream LUO (luo-v5), 4 KiB pages", "upstream",
     "kho=on liveupdate=on"),
    ("ours-thp", "ours, shmem THP (2 MiB folios)", "ours-thp",
     "luo_rfc.trace=1 memfd_bench_thp=1"),
    # not run by default: the THP kernel with THP off (same kernel as
    # ours-thp), and the second PREPARE without migration out of scratch
    ("ours-thp-4k", "ours-thp kernel, THP off", "ours-thp", "luo_rfc.trace=1"),
    ("ours-reprepare", "ours, PREPARE, CANCEL, PREPARE again", "ours",
     "luo_rfc.trace=1 memfd_bench_reprepare=1"),
    # the kernel's default scratch (larger: the memfd may land in it, and
    # pinning then migrates it out); too little memory left from 512 MiB on
    ("ours-defscratch", "ours, default KHO scratch", "ours",
     "luo_rfc.trace=1 " + DEFSCRATCH),
    ("upstream-defscratch", "upstream, default KHO scratch", "upstream",
     "kho=on liveupdate=on " + DEFSCRATCH),
]
DEFAULT_CONFIGS = "ours,upstream,ours-thp"
DEFAULT_SIZES = "64,256,512,1024"

RE_BENCH = re.compile(r"^memfd-bench: (\w+) (.*)$")
RE_KV = re.compile(r"(\w+)=(\S+)")
RE_KTIME = re.compile(r"^\[\s*([0-9.]+)\] (.*)$")
RE_REFINED = re.compile(r"tsc: Refined TSC clocksource calibration: ([0-9.]+) MHz")


def vm_mem(mb):
    """QEMU memory for a memfd of mb MiB: the memfd, the memcpy's copy, 512 MiB."""
    need = 2 * mb + 512
    return "%dG" % max(1, -(-need // 1024))


def parse(log):
    """One run's numbers (ms) from its serial log: (dict, None) or (None, why)."""
    r = {"t": {}, "mem": {}, "sha": {}, "trace": {}, "k": {}, "done": False,
         "luo": None}
    stage = 0
    with open(log, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            m = RE_KTIME.match(line)
            if m:			# a kernel log line of kernel A
                text = m.group(2)
                if stage != 1:
                    continue
                if text.startswith("memfd-bench: kexec "):
                    r["k"]["marker"] = float(m.group(1))
                elif "kexec_core: Starting new kernel" in text:
                    r["k"]["start"] = float(m.group(1))
                elif "luo: committed to kexec" in text:
                    r["k"]["committed"] = float(m.group(1))
                continue
            m = benchlib.RE_TRACE.match(line) if stage == 2 else None
            if m:			# kernel B's luo-kexec --trace
                r["trace"].setdefault(m.group(1), float(m.group(2)))
                continue
            m = RE_BENCH.match(line)
            if not m:
                continue
            kind, rest = m.group(1), m.group(2)
            kv = dict(RE_KV.findall(rest))
            if kind == "info":
                stage = int(kv["stage"])
                r["luo"] = kv["luo"]
                r["size"] = int(kv["size"])
            elif kind == "time":
                r["t"][kv["op"]] = int(kv["ns"]) / 1e6
            elif kind == "mem":
                r["mem"]["%s-%d" % (kv["what"], stage)] = int(kv["kb"])
            elif kind == "sha":
                r["sha"][kv["when"]] = kv["hex"]
            elif kind == "done":
                r["done"] = True
    if not r["done"]:
        return None, "no 'done' line"
    if r["sha"].get("before") != r["sha"].get("after") or not r["sha"].get("before"):
        return None, "SHA-256 before %s != after %s" % (
            r["sha"].get("before", "?")[:16], r["sha"].get("after", "?")[:16])
    t = r["t"]
    r["preserve"] = t.get("preserve_fd", 0) + t.get("prepare", 0) + t.get("freeze", 0)
    r["retrieve"] = t.get("retrieve_session", 0) + t.get("retrieve_fd", 0)
    k = r["k"]
    r["kexec"] = (k["start"] - k["marker"]) * 1e3 if "start" in k and "marker" in k else None
    r["hook"] = (k["committed"] - k["marker"]) * 1e3 if "committed" in k and "marker" in k else None
    r["total"] = r["preserve"] + r["retrieve"] + t.get("finish", 0) + (r["kexec"] or 0)
    tr = trace_deltas(r["trace"])
    r.update(tr)
    return r, None


def trace_deltas(ms):
    """ms between events of our phase trace (first of each, cycles clock)."""
    def d(a, b):
        return ms[b] - ms[a] if a in ms and b in ms else None
    return {"tr_file_prepare": d("prepare-start", "file-prepare"),
            "tr_prepare_rest": d("file-prepare", "prepare-end"),
            "tr_freeze": d("freeze-start", "freeze-end"),
            "tr_kexec_hook": d("kexec-call", "prejump-end"),
            "tr_in_luo": d("in-luo-start", "in-luo-ready")}


def run_one(cfg, mb, n, logdir, env):
    cid, _, variant, append = cfg
    name = "memfd-%s-%d-%d" % (cid, mb, n)
    log = os.path.join(logdir, name + ".log")
    words = "%s %s memfd_bench_mb=%d vm_mem=%s" % (
        "" if DEFSCRATCH in append else COMMON, append, mb, vm_mem(mb))
    if os.environ.get("BENCH_MEMFD_FAULT"):
        words += " memfd_bench_fault=" + os.environ["BENCH_MEMFD_FAULT"]
    cmd = [os.path.join(TOP, "tests/vm/vmtest.sh"), "--quiet", "--log", log,
           "--timeout", str(400 + 2 * mb), "--stamp", log + ".stamps", name,
           variant, "direct", "2", PROG, "pass"] + words.split()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, env=env)
    out = p.stdout.strip().splitlines()
    r, why = parse(log) if os.path.exists(log) else (None, "no log")
    if p.returncode == 0 and r is not None:
        return r, None
    bad = check_failure(log)
    if bad:			# the data did not arrive intact: no number, no retry
        return None, "%s: CHECK FAILED: %s" % (name, bad)
    if p.returncode != 0:
        return None, "%s: %s%s" % (name, out[-1] if out else "failed",
                                   first_not_ok(log))
    return None, "%s: %s (%s)" % (name, why, log)


def first_not_ok(log):
    """', first failure: <the guest's first "not ok" line and the kernel's error>'."""
    if not os.path.exists(log):
        return ""
    klog = ""
    with open(log, errors="replace") as f:
        for line in f:
            if re.search(r"\] luo.*(failed|cannot)", line) and not klog:
                klog = line.split("] ", 1)[1].strip()
            if line.startswith("not ok"):
                # a kernel line may have landed in the middle of it
                return ", first failure: %s%s" % (
                    re.sub(r"\[\s*\d+\.\d+\].*", "", line).strip(), " (kernel: %s)" % klog if klog else "")
    return ""


def check_failure(log):
    """Why kernel B's data check failed (digests differ, a byte differs), or None."""
    if not os.path.exists(log):
        return None
    sha, bad = {}, None
    with open(log, errors="replace") as f:
        for line in f:
            m = re.match(r"memfd-bench: sha when=(\w+) hex=(\w+)", line)
            if m:
                sha[m.group(1)] = m.group(2)
            if line.startswith("not ok") and "every byte" in line:
                bad = line.strip()
    if "before" in sha and "after" in sha and sha["before"] != sha["after"]:
        return "SHA-256 before %s.. after %s..%s" % (
            sha["before"][:12], sha["after"][:12], "; " + bad if bad else "")
    return bad


def med(vals):
    s = stats(vals)
    return s[1] if s else None


def fmt3(s, prec=1):
    if not s:
        return "-"
    return "%.*f / **%.*f** / %.*f" % (prec, s[0], prec, s[1], prec, s[2])


def fratio(x, y):
    return "%.2f" % (x / y) if x and y else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="MiB, comma-separated")
    ap.add_argument("--configs", default=DEFAULT_CONFIGS,
                    help="comma-separated ids of: " + ",".join(c[0] for c in CONFIGS))
    ap.add_argument("--out", default=os.path.join(TOP, "bench/results"))
    ap.add_argument("--tag", default="", help="suffix of the result files")
    ap.add_argument("--stop-after", type=float, default=0, metavar="MIN",
                    help="start no further round after MIN minutes (0: no limit)")
    a = ap.parse_args()
    want = a.configs.split(",")
    cfgs = [c for c in CONFIGS if c[0] in want]
    unknown = set(want) - {c[0] for c in CONFIGS}
    if unknown:
        sys.exit("memfd.py: unknown configuration(s) %s" % ",".join(sorted(unknown)))
    sizes = [int(s) for s in a.sizes.split(",")]
    accel, env, logdir, load0, started = benchlib.start("memfd", a.out)
    t_start = time.monotonic()
    jobs = [(c, mb) for mb in sizes for c in cfgs]
    res = {(c[0], mb): [] for c, mb in jobs}
    errors = []
    for rnd in range(a.runs):
        if rnd and a.stop_after and time.monotonic() - t_start > 60 * a.stop_after:
            print("# --stop-after %g min: %d of %d rounds" % (a.stop_after, rnd, a.runs))
            a.runs = rnd
            break
        k = rnd % len(jobs)
        for cfg, mb in jobs[k:] + jobs[:k]:
            t = time.monotonic()
            r, err = run_one(cfg, mb, rnd + 1, logdir, env)
            if err and "CHECK FAILED" not in err:	# a loaded TCG host can fail a boot
                errors.append(err + " (retried)")
                r, err = run_one(cfg, mb, rnd + 1, logdir, env)
            print("# round %d %-14s %5d MiB %s (%.0f s wall)" % (
                rnd + 1, cfg[0], mb, err or "memcpy %.1f, preserve %.1f, kexec %s, retrieve %.1f ms" % (
                    r["t"].get("memcpy", 0), r["preserve"],
                    "%.1f" % r["kexec"] if r["kexec"] is not None else "?", r["retrieve"]),
                time.monotonic() - t), flush=True)
            if err:
                errors.append(err)
            else:
                res[(cfg[0], mb)].append(r)
    wall = time.monotonic() - t_start
    write_report(a, cfgs, sizes, res, errors, accel, started, load0, loadavg(), wall)
    return 0


def write_report(a, cfgs, sizes, res, errors, accel, started, load0, load1, wall):
    date = started.strftime("%Y-%m-%d")
    base = os.path.join(a.out, "memfd-%s%s" % (date, a.tag))
    qemu = benchlib.qemu_version()
    label = {c[0]: c[1] for c in cfgs}
    L = []
    L.append("# memfd preserve and retrieve vs size: ours, upstream's LUO, memcpy")
    L.append("")
    L.append("- Date: %s (UTC); %d run(s) per configuration and size, interleaved; "
             "%.0f min wall in all" % (started.strftime("%Y-%m-%d %H:%M"), a.runs, wall / 60))
    L.append("- Machine: %s, %d CPUs, Linux %s; load average %s before, %s after" %
             (cpu_model(), os.cpu_count(), platform.release(), load0, load1))
    L.append("- Accelerator: **%s** (tests/vm/accel.sh; `-accel %s`); %s; guest -smp 2, -m 1G "
             "(2G at 512 MiB, 3G at 1 GiB: the memfd and the memcpy's copy), direct "
             "boot, `%s` unless the configuration says default scratch" % (accel.upper(), benchlib.qemu_accel_arg(accel), qemu, COMMON))
    L.append("- Guest program tests/guest/memfd_bench.c (one memfd, PAT_RANDOM, "
             "filled through a shared mapping); times CLOCK_MONOTONIC around each ioctl; "
             "kexec call from kernel A's log timestamps")
    L.append("")
    L.append("What each column is (ms, min / **median** / max):")
    L.append("")
    L.append("- memcpy: the memfd's mapping into touched anonymous memory, same guest")
    L.append("- preserve: everything before the kexec call; ours PRESERVE_FD + "
             "PREPARE + FREEZE, upstream PRESERVE_FD (luo-v5 pins there)")
    L.append("- kexec call: kernel A's marker to \"Starting new kernel\" (ours: verify "
             "+ pre-jump check of the handover; upstream: session serialization; "
             "both: device shutdown)")
    L.append("- retrieve: kernel B's RETRIEVE_SESSION + RETRIEVE_FD; finish: FINISH "
             "of the session")
    L.append("")
    L.append("| size | configuration | memcpy | preserve | kexec call | retrieve | finish | runs |")
    L.append("|---|---|---|---|---|---|---|---|")
    for mb in sizes:
        for c in cfgs:
            rs = res[(c[0], mb)]
            L.append("| %d MiB | %s | %s | %s | %s | %s | %s | %d |" % (
                mb, c[1], fmt3(stats([r["t"].get("memcpy") for r in rs])),
                fmt3(stats([r["preserve"] for r in rs])),
                fmt3(stats([r["kexec"] for r in rs])),
                fmt3(stats([r["retrieve"] for r in rs])),
                fmt3(stats([r["t"].get("finish") for r in rs])), len(rs)))
    L.append("")
    L.append("Ratios. Against memcpy: median over runs of (operation / the memcpy "
             "of the same run), below 1 is faster than copying; ours against "
             "upstream: ratio of medians, below 1 ours is faster. "
             "preserve+retrieve = preserve + kexec call + retrieve.")
    L.append("")
    L.append("| size | configuration | preserve / memcpy | preserve+retrieve / memcpy | "
             "preserve vs upstream | kexec call vs upstream | retrieve vs upstream | "
             "preserve+retrieve vs upstream |")
    L.append("|---|---|---|---|---|---|---|---|")
    for mb in sizes:
        up = res.get(("upstream", mb), [])
        for c in cfgs:
            rs = res[(c[0], mb)]

            def vsm(key):
                v = med([r[key] / r["t"]["memcpy"] for r in rs
                         if r.get(key) is not None and r["t"].get("memcpy")])
                return "%.3f" % v if v is not None else "-"

            def pr(key):
                for r in rs:
                    r["pr"] = r["preserve"] + (r["kexec"] or 0) + r["retrieve"]
                if c[0] == "upstream" or not up:
                    return "-"
                for r in up:
                    r["pr"] = r["preserve"] + (r["kexec"] or 0) + r["retrieve"]
                return fratio(med([r[key] for r in rs]), med([r[key] for r in up]))
            pr("pr")
            L.append("| %d MiB | %s | %s | %s | %s | %s | %s | %s |" % (
                mb, c[1], vsm("preserve"), vsm("pr"), pr("preserve"), pr("kexec"),
                pr("retrieve"), pr("pr")))
    tr = cfgs
    if tr:
        L.append("")
        L.append("Where our time goes (guest ioctl times and our phase trace, "
                 "cycles over the kernel's TSC rate), ms, medians:")
        L.append("")
        L.append("| size | configuration | PRESERVE_FD | PREPARE | of which memfd handler "
                 "(trace) | rest of PREPARE (trace) | FREEZE | kexec hook: verify + "
                 "pre-jump check (trace) | CANCEL | PREPARE again | MiB of the memfd in "
                 "KHO scratch (CMA) before the pin / after | 2 MiB folios (ShmemHugePages, "
                 "MiB, A / B) | RETRIEVE_FD | kernel B LUO start to ready (trace) |")
        L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for mb in sizes:
            for c in tr:
                rs = res[(c[0], mb)]

                def m(f, p=1):
                    v = med([f(r) for r in rs])
                    return "%.*f" % (p, v) if v is not None else "-"
                L.append("| %d MiB | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s | %s |" % (
                    mb, c[1], m(lambda r: r["t"].get("preserve_fd"), 2),
                    m(lambda r: r["t"].get("prepare")),
                    m(lambda r: r.get("tr_file_prepare")),
                    m(lambda r: r.get("tr_prepare_rest"), 2),
                    m(lambda r: r["t"].get("freeze"), 2),
                    m(lambda r: r.get("tr_kexec_hook")),
                    m(lambda r: r["t"].get("cancel")),
                    m(lambda r: r["t"].get("prepare_again")),
                    m(lambda r: r["mem"].get("in-scratch-before-pin-1", 0) / 1024, 0),
                    m(lambda r: r["mem"].get("in-scratch-after-pin-1", 0) / 1024, 0),
                    m(lambda r: r["mem"].get("shmem-huge-1", 0) / 1024, 0),
                    m(lambda r: r["mem"].get("shmem-huge-2", 0) / 1024, 0),
                    m(lambda r: r["t"].get("retrieve_fd")),
                    m(lambda r: r.get("tr_in_luo"))))
    L.append("")
    L.append("In-guest rates (for scale; the byte-for-byte check is not timed in "
             "any column above), medians: " + "; ".join(
                 "%d MiB: fill %s ms, SHA-256 %s ms, check (read + regenerate + memcmp + SHA-256) %s ms" % (
                     mb, *("%.0f" % (med([r["t"].get(op) for c in cfgs for r in res[(c[0], mb)]]) or 0)
                           for op in ("fill", "sha", "check")))
                 for mb in sizes))
    if errors:
        L.append("")
        L.append("Failed runs (a boot that failed is retried once; a failed data "
                 "check, CHECK FAILED, is not; neither gives a number): " + "; ".join(errors))
    L.append("")
    L.append("Data: `%s.dat`; logs in build/bench/memfd/. Under TCG absolute "
             "times mean little; compare the ratios." % os.path.basename(base))
    with open(base + ".md", "w") as f:
        f.write("\n".join(L) + "\n")
    cols = ["memcpy", "preserve_fd", "prepare", "freeze", "preserve", "kexec",
            "hook", "retrieve_session", "retrieve_fd", "retrieve", "finish",
            "tr_file_prepare", "tr_kexec_hook", "fill", "sha", "check"]
    with open(base + ".dat", "w") as f:
        f.write("# config size_mib " + " ".join(c + "_ms" for c in cols) + "\n")
        for c in cfgs:
            for mb in sizes:
                for r in res[(c[0], mb)]:
                    vals = [r["t"].get(k, r.get(k)) for k in cols]
                    f.write("%s %d %s\n" % (c[0], mb, " ".join(
                        "%.3f" % v if v is not None else "NaN" for v in vals)))
    plot(base, cfgs, sizes, res, accel, date)
    print("\n".join(L))
    print("# wrote %s.md" % base)


def plot(base, cfgs, sizes, res, accel, date):
    if not shutil.which("gnuplot"):
        print("# gnuplot not installed: no PNG (make deps)")
        return
    series = [("memcpy (all runs)", None, lambda r: r["t"].get("memcpy"), "dt 2")]
    for c in cfgs:
        series.append(("%s: preserve + kexec call" % c[0], c[0],
                       lambda r: r["preserve"] + (r["kexec"] or 0), ""))
        series.append(("%s: retrieve" % c[0], c[0], lambda r: r["retrieve"], "dt 3"))
    blocks, plots = [], []
    for i, (title, cid, f, style) in enumerate(series):
        rows = []
        for mb in sizes:
            rs = ([r for c in cfgs for r in res[(c[0], mb)]] if cid is None
                  else res[(cid, mb)])
            s = stats([f(r) for r in rs])
            if s:
                rows.append("%d %f %f %f" % (mb, s[1], s[0], s[2]))
        if not rows:
            continue
        blocks.append("$d%d << EOD\n%s\nEOD" % (i, "\n".join(rows)))
        plots.append("$d%d using 1:2:3:4 with yerrorlines %s lw 2 title '%s'" %
                     (i, style, title))
    if not plots:
        return
    gp = """set terminal pngcairo size 960,560 font ",10"
set output '%s.png'
set title 'memfd preserve and retrieve vs size (%s, %s): median, min-max'
set xlabel 'memfd size, MiB'
set ylabel 'ms'
set logscale xy
set xtics (%s)
set key top left
set grid
%s
plot %s
""" % (base, accel.upper(), date, ", ".join("'%d' %d" % (s, s) for s in sizes),
       "\n".join(blocks), ", \\\n     ".join(plots))
    p = subprocess.run(["gnuplot"], input=gp, text=True, stderr=subprocess.PIPE)
    if p.returncode:
        print("# gnuplot failed: " + p.stderr.strip())


if __name__ == "__main__":
    sys.exit(main())
