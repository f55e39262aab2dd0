#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Blackout of a live update, ours against the peers (make bench-blackout).

Blackout: from the kexec call in kernel A (init's reboot(RB_KEXEC), line
"# luo-vm: stage 1: kexec") to the memfd checked in kernel B (loader_check's
"# memfd check done"). Each configuration is one VM test of tests/vm (the
same kernel source, initramfs and VM settings: tests/vm/vmtest.sh), run N
times, interleaved (round r runs every configuration, rotated by r).

Two clocks:
  host   each serial line stamped on arrival (vmtest.sh --stamp,
         tests/vm/serial-stamp.py): independent of the guest's clocks
  guest  the CPU counter printed on both lines (it runs on across the kexec),
         over the TSC frequency the guest kernels calibrated ("tsc: ... MHz")
and the phases from the host stamps: kexec -> kernel B's /init -> checked.

Writes bench/results/blackout-<date>.md (table, ratios against the peers),
.dat (every run) and .png (gnuplot, when installed). Numbers only: nothing
here passes or fails, and it is never part of make check.
"""
import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

import benchlib
from benchlib import cpu_model, loadavg, stats

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECK = "loader_check"

# id, label, kernel variant, command-line words (tests/guest/init.c and
# loader_check.c grammar), what kernel B must see.
# Our kernel with a handover: kernel A keeps the phase trace, kernel B
# prints it with the built luo-kexec --trace after the memfd check (outside
# the blackout measured).
TRACE = "luo_rfc.trace=1 luo_loader_trace=1"

CONFIGS = [
    ("kexec-l", "Debian `kexec -l`, no handover", "ours",
     "kho=off luo_loader=none luo_loader_peer=kexec-l luo_loader_case=peer-only "
     "luo_loader_expect=none"),
    ("kexec-s-upstream", "Debian `kexec -s -l`, upstream LUO kernel", "upstream",
     "kho=on liveupdate=on luo_loader=none luo_loader_peer=kexec-s "
     "luo_loader_expect=restored"),
    ("kexec-s", "Debian `kexec -s -l`, our kernel", "ours",
     "luo_loader=none luo_loader_peer=kexec-s luo_loader_expect=restored " + TRACE),
    ("luo-kexec-s", "our `luo-kexec -s` (kexec_file_load)", "ours",
     "luo_loader=exec luo_kexec_args=-s luo_loader_expect=restored " + TRACE),
    ("luo-kexec-l", "our `luo-kexec -l`, purgatory", "ours",
     "luo_loader=exec luo_loader_expect=ok " + TRACE),
    ("luo-kexec-l-c", "our `luo-kexec -l`, purgatory SHA-256 forced to C",
     "ours", "luo_loader=exec luo_loader_expect=ok luo_purgatory.sha=c " + TRACE),
    # Linux 7.3's kexec_file_load stores no digests when KHO is on
    # (kexec_calculate_store_digests): the same rule, per segment.
    ("luo-kexec-l-scratch", "our `luo-kexec -l --checksum=outside-scratch` (7.3's own rule)",
     "ours", "luo_loader=exec luo_loader_expect=ok "
     "luo_kexec_args=--checksum=outside-scratch luo_loader_checksum=outside-scratch " + TRACE),
]

# The phases, from the trace's cycle-counter stamps (first of each event).
# On the kexec path kernel A stamps kexec-call first, then prepares and
# freezes what userspace left undone, then runs the pre-jump check.
PHASES = [
    ("prepare", "prepare-start", "prepare-end"),
    ("freeze", "freeze-start", "freeze-end"),
    ("pre-jump check", "freeze-end", "prejump-end"),
    ("A's shutdown to purgatory", "prejump-end", "purgatory-start"),
    ("checksums", "purgatory-start", "purgatory-checksums-end"),
    ("check", "purgatory-checksums-end", "purgatory-check-end"),
    ("to jump", "purgatory-check-end", "purgatory-jump"),
    ("jump to B's LUO", "purgatory-jump", "in-luo-start"),
    ("pre-jump end to B's LUO", "prejump-end", "in-luo-start"),
    ("kexec call to B's LUO", "kexec-call", "in-luo-start"),
    ("B's LUO ready", "in-luo-start", "in-luo-ready"),
]

RE_KEXEC = re.compile(r"^# luo-vm: stage 1: kexec \(cycles (\d+)\)")
RE_DONE = re.compile(r"^# memfd check done \(cycles (\d+)\)")
RE_INIT2 = re.compile(r"^# luo-vm: stage 2 of 2")
RE_REFINED = re.compile(r"tsc: Refined TSC clocksource calibration: ([0-9.]+) MHz")
RE_DETECTED = re.compile(r"tsc: Detected ([0-9.]+) MHz processor")
RE_STAGE = re.compile(r"luo_stage\.cycles=(\d+)")
RE_SHA = re.compile(r"luo_stage\.sha=(\w+)")
RE_PURG = re.compile(r"luo-purgatory: .*SHA-256 of the segments (\d+), sha=(\w+)")
RE_CPU = re.compile(r"^# cpu: /proc/cpuinfo (has|lacks) sha_ni")


def parse(stamps):
    """One run's numbers from its stamped serial log, or None."""
    r = {"tsc_mhz": None, "stage_cycles": None, "sha": None, "to_purg": None,
         "sha_cycles": None, "cpu_sha_ni": None, "trace": {}}
    t0 = t1 = t_init = t_linux = c0 = c1 = None
    refined, detected = [], []
    # newline="\n": a bare CR (the firmware's console reset) ends no line
    with open(stamps, errors="replace", newline="\n") as f:
        for line in f:
            ts, _, text = line.rstrip("\r\n").partition(" ")
            try:
                t = float(ts)
            except ValueError:
                continue
            m = RE_KEXEC.match(text)
            if m and t0 is None:
                t0, c0 = t, int(m.group(1))
            m = RE_DONE.match(text)
            if m and t0 is not None:
                t1, c1 = t, int(m.group(1))
            if RE_INIT2.match(text) and t0 is not None and t_init is None:
                t_init = t
            if t0 is not None and t_linux is None and "] Linux version " in text:
                t_linux = t		# kernel B's console is up
            m = RE_REFINED.search(text)
            if m:
                refined.append(float(m.group(1)))
            m = RE_DETECTED.search(text)
            if m:
                detected.append(float(m.group(1)))
            m = RE_PURG.search(text)
            if m:
                r["sha_cycles"], r["sha"] = int(m.group(1)), m.group(2)
                r["to_purg"] = t - t0 if t0 is not None else None
            if t0 is not None and "Kernel command line:" in text:
                m = RE_STAGE.search(text)
                if m:
                    r["stage_cycles"] = int(m.group(1))
                m = RE_SHA.search(text)
                if m:
                    r["sha"] = m.group(1)
            m = RE_CPU.match(text)
            if m:
                r["cpu_sha_ni"] = m.group(1) == "has"
            m = benchlib.RE_TRACE.match(text) if t1 is not None else None
            if m:
                r["trace"].setdefault(m.group(1), float(m.group(2)))
    if None in (t0, t1, t_init):
        return None
    # The TSC rate either kernel measured against HPET over seconds
    # ("Refined"); the early PIT one ("Detected") is off under a loaded
    # TCG host (seen: 125 MHz for 2445), so only when nothing better.
    if refined:
        r["tsc_mhz"] = statistics.median(refined)
    elif detected:
        r["tsc_mhz"] = max(detected)
    r["host"] = t1 - t0
    r["to_init"] = t_init - t0
    r["to_linux"] = t_linux - t0 if t_linux is not None else None
    r["init_to_done"] = t1 - t_init
    r["guest"] = ((c1 - c0) / (r["tsc_mhz"] * 1e6)) if r["tsc_mhz"] else None
    return r


def run_one(cfg, n, logdir, accel_env):
    cid, _, variant, append = cfg
    name = "blackout-%s-%d" % (cid, n)
    log = os.path.join(logdir, name + ".log")
    stamps = log + ".stamps"
    cmd = [os.path.join(TOP, "tests/vm/vmtest.sh"), "--quiet", "--log", log,
           "--stamp", stamps, name, variant, "direct", "2", CHECK, "pass"]
    cmd += append.split()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, env=accel_env)
    out = p.stdout.strip().splitlines()
    if p.returncode != 0:
        return None, "%s: %s" % (name, out[-1] if out else "failed")
    r = parse(stamps)
    if r is None:
        return None, "%s: passed but the stamps are incomplete (%s)" % (name, stamps)
    return r, None


def fmt3(s, scale=1.0, unit="s", prec=3):
    if not s:
        return "-"
    return "%.*f / **%.*f** / %.*f" % (prec, s[0] * scale, prec, s[1] * scale,
                                       prec, s[2] * scale)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="", help="comma-separated config ids")
    ap.add_argument("--out", default=os.path.join(TOP, "bench/results"))
    ap.add_argument("--tag", default="", help="suffix of the result files")
    a = ap.parse_args()
    cfgs = [c for c in CONFIGS if not a.only or c[0] in a.only.split(",")]
    accel, env, logdir, load0, started = benchlib.start("blackout", a.out)
    res = {c[0]: [] for c in cfgs}
    errors = []
    for rnd in range(a.runs):
        k = rnd % len(cfgs)
        for cfg in cfgs[k:] + cfgs[:k]:
            t = time.monotonic()
            r, err = run_one(cfg, rnd + 1, logdir, env)
            if err:		# a loaded TCG host can fail a boot: once more
                errors.append(err)
                r, err = run_one(cfg, rnd + 1, logdir, env)
            print("# round %d %-18s %s (%.0f s wall)" %
                  (rnd + 1, cfg[0], err or "host %.3f s, guest %s s" %
                   (r["host"], "%.3f" % r["guest"] if r["guest"] else "?"),
                   time.monotonic() - t), flush=True)
            if err:
                errors.append(err)
            else:
                res[cfg[0]].append(r)
    load1 = loadavg()
    write_report(a, cfgs, res, errors, accel, started, load0, load1)
    return 0


def write_report(a, cfgs, res, errors, accel, started, load0, load1):
    date = started.strftime("%Y-%m-%d")
    base = os.path.join(a.out, "blackout-%s%s" % (date, a.tag))
    med = {}
    for cid, runs in res.items():
        s = stats([r["host"] for r in runs])
        g = stats([r["guest"] for r in runs])
        med[cid] = (s[1] if s else None, g[1] if g else None)
    qemu = benchlib.qemu_version()
    cpu_ni = sorted({r["cpu_sha_ni"] for rs in res.values() for r in rs
                     if r["cpu_sha_ni"] is not None})
    L = []
    L.append("# Blackout: kexec call in kernel A to the memfd checked in kernel B")
    L.append("")
    L.append("- Date: %s (UTC); %d run(s) per configuration, interleaved" %
             (started.strftime("%Y-%m-%d %H:%M"), a.runs))
    L.append("- Machine: %s, %d CPUs, Linux %s; load average %s before, %s after" %
             (cpu_model(), os.cpu_count(), platform.release(), load0, load1))
    L.append("- Accelerator: **%s** (tests/vm/accel.sh; `-accel %s`); %s; guest -m 1G -smp 2, "
             "direct boot, TSC of the guest = host TSC under TCG" % (accel.upper(), benchlib.qemu_accel_arg(accel), qemu))
    L.append("- Guest CPU SHA-NI (/proc/cpuinfo in kernel A): %s" %
             ", ".join("yes" if v else "no" for v in cpu_ni) if cpu_ni else "-")
    L.append("- Kernel B checks a 4 MiB memfd byte for byte (SHA-256) in "
             "tests/guest/loader_check.c; (1) carries no handover, so it checks "
             "that nothing arrived")
    L.append("")
    L.append("min / **median** / max, seconds:")
    L.append("")
    L.append("| # | configuration | host clock | guest clock | kexec to B's first console line (host) | kexec to B's /init (host) | /init to checked (host) | runs |")
    L.append("|---|---|---|---|---|---|---|---|")
    for i, c in enumerate(cfgs, 1):
        rs = res[c[0]]
        L.append("| %d | %s | %s | %s | %s | %s | %s | %d |" % (
            i, c[1], fmt3(stats([r["host"] for r in rs])),
            fmt3(stats([r["guest"] for r in rs])),
            fmt3(stats([r["to_linux"] for r in rs])),
            fmt3(stats([r["to_init"] for r in rs])),
            fmt3(stats([r["init_to_done"] for r in rs])), len(rs)))
    L.append("")
    L.append("Ratios of medians (below 1: ours is faster), host clock / guest clock:")
    L.append("")
    L.append("| ours | against | host | guest |")
    L.append("|---|---|---|---|")
    pairs = [("luo-kexec-l", p) for p in ("kexec-s", "kexec-s-upstream", "kexec-l")]
    pairs += [("luo-kexec-l-scratch", p) for p in ("kexec-s", "kexec-s-upstream",
                                                    "luo-kexec-l")]
    pairs += [("luo-kexec-s", "kexec-s"), ("kexec-s", "kexec-s-upstream"),
              ("luo-kexec-l", "luo-kexec-l-c")]
    label = {c[0]: c[1] for c in cfgs}
    for x, y in pairs:
        if x not in med or y not in med:
            continue

        def ratio(i):
            return ("%.3f" % (med[x][i] / med[y][i])) if med[x][i] and med[y][i] else "-"
        L.append("| %s | %s | %s | %s |" % (label[x], label[y], ratio(0), ratio(1)))
    L.append("")
    L.append("The stage in the purgatory (luo_stage.cycles= on kernel B's command line; "
             "SHA-256 of the segments from its serial line), TSC cycles:")
    L.append("")
    L.append("| configuration | SHA-256 | stage cycles | of which SHA-256 | stage / blackout | kexec to purgatory's line (host, s) |")
    L.append("|---|---|---|---|---|---|")
    for c in cfgs:
        rs = [r for r in res[c[0]] if r["stage_cycles"]]
        if not rs:
            continue
        st = stats([r["stage_cycles"] for r in rs])
        sh = stats([r["sha_cycles"] for r in rs])
        frac = statistics.median([r["stage_cycles"] / (r["tsc_mhz"] * 1e6) / r["host"]
                                  for r in rs if r["tsc_mhz"]])
        L.append("| %s | %s | %s | %s | %.2f%% | %s |" % (
            c[1], ",".join(sorted({r["sha"] or "?" for r in rs})),
            fmt3(st, prec=0), fmt3(sh, prec=0), 100 * frac,
            fmt3(stats([r["to_purg"] for r in rs]))))
    phase_rows = []
    for c in cfgs:
        cells = []
        for _, a0, a1 in PHASES:
            st = stats([r["trace"][a1] - r["trace"][a0] for r in res[c[0]]
                        if a0 in r["trace"] and a1 in r["trace"]])
            cells.append("%.1f" % st[1] if st else "-")
        if any(x != "-" for x in cells):
            phase_rows.append("| %s | %s |" % (c[1], " | ".join(cells)))
    if phase_rows:
        L.append("")
        L.append("Phase breakdown from the phase trace (luo_rfc.trace=1 in kernel A; "
                 "printed by the built `luo-kexec --trace` in kernel B), medians, ms "
                 "on the trace's cycle counter (TSC at kernel A's estimate of its rate):")
        L.append("")
        L.append("| configuration | " + " | ".join(p[0] for p in PHASES) + " |")
        L.append("|---|" + "---|" * len(PHASES))
        L.extend(phase_rows)
    if errors:
        L.append("")
        L.append("Failed runs (each retried once; left out): " + "; ".join(errors))
    L.append("")
    L.append("Data: `%s.dat`; logs in build/bench/blackout/. Under TCG absolute "
             "times mean little; compare the ratios." % os.path.basename(base))
    with open(base + ".md", "w") as f:
        f.write("\n".join(L) + "\n")
    with open(base + ".dat", "w") as f:
        f.write("# index config host_s guest_s to_init_s init_to_done_s stage_cycles sha\n")
        for i, c in enumerate(cfgs):
            for r in res[c[0]]:
                f.write("%d %s %.6f %s %.6f %.6f %s %s\n" % (
                    i, c[0], r["host"], "%.6f" % r["guest"] if r["guest"] else "NaN",
                    r["to_init"], r["init_to_done"], r["stage_cycles"] or "NaN",
                    r["sha"] or "-"))
    plot(base, cfgs, res, accel, date)
    print("\n".join(L))
    print("# wrote %s.md" % base)


def plot(base, cfgs, res, accel, date):
    if not shutil.which("gnuplot"):
        print("# gnuplot not installed: no PNG (make deps)")
        return
    rows = []
    for i, c in enumerate(cfgs):
        h = stats([r["host"] for r in res[c[0]]])
        g = stats([r["guest"] for r in res[c[0]]])
        if h:
            rows.append("%d \"%s\" %f %f %f %s" % (
                i, c[0], h[1], h[0], h[2],
                "%f %f %f" % (g[1], g[0], g[2]) if g else "NaN NaN NaN"))
    if not rows:
        return
    gp = """set terminal pngcairo size 900,480 font ",10"
set output '%s.png'
set title 'Blackout, kexec call to memfd checked (%s, %s): median, min-max'
set ylabel 'seconds'
set yrange [0:*]
set style fill solid 0.5
set boxwidth 0.35
set xtics rotate by -20
set key top left
$d << EOD
%s
EOD
plot $d using ($1-0.2):3:xtic(2) with boxes title 'host clock', \\
     $d using ($1-0.2):3:4:5 with yerrorbars lc 'black' pt 0 notitle, \\
     $d using ($1+0.2):6 with boxes title 'guest clock', \\
     $d using ($1+0.2):6:7:8 with yerrorbars lc 'black' pt 0 notitle
""" % (base, accel.upper(), date, "\n".join(rows))
    p = subprocess.run(["gnuplot"], input=gp, text=True, stderr=subprocess.PIPE)
    if p.returncode:
        print("# gnuplot failed: " + p.stderr.strip())


if __name__ == "__main__":
    sys.exit(main())
