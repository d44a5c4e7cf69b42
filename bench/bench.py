#!/usr/bin/env python3
"""`make bench`: times `wenshu build` against the floor program and writes bench/RESULTS.md.

    python3 bench/bench.py [--runs 3] [--quick] [--no-results] [--watch-only] [--saves N]

Cases (issue 7):
  a. 2 000 评议意见反馈通知书 (`--form feedback`) from a 2 000-member set;
  b. every form for a 1 000-member set;
  each with -j 1 and -j 2, every run into an empty folder of its own, RUNS runs, medians;
  c. peak memory of the feedback form over a 10 000-member set (-j 2);
  d. `wenshu watch` (issue 20): from a template saved to the new PDF renamed into place, for one
     record of every shipped form (`--watch-only` runs just this step).
  e. the default style (Fandol, CFF) beside the old one (`--style gbt9704-uming`, AR PL UMing,
     TrueType): the feedback form at -j 1, runs alternating, CPU per record and bytes per PDF
     (`--styles-only` runs this case alone).
The floor (bench/floor.c: hb-subset + libharu writing the same characters in UMing with no
layout) is compiled here and fed, per record, the text wenshu drew (extracted from wenshu's own
PDFs with mutool), and timed the same way in the same command: for -j 2 the files are split in
two halves run by two floor processes at once.

Times: wall clock of the whole command (process start to exit, everything included) and CPU
(user + system of the process and all its workers, from wait4). Memory: the largest single
process (ru_maxrss) and the largest proportional set size (PSS) summed over the process tree,
sampled every 20 ms from /proc (pages a worker shares with its parent count once).
Inside one process, bench/microbench.c (built against build/libwenshu.a) splits a record's CPU
time into layout, the PDF writer, and the writer's font work (subsetting, deflating programs).
Standard library only; needs mutool (mupdf-tools), a C compiler, and about 4 GB of free disk
while it runs (every timed run keeps its own output until the end: see fresh_out).
"""
import argparse
import ctypes
import ctypes.util
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# BENCH_WORK: another working folder (tests/bench/ runs the scripts in a scratch folder).
WORK = os.environ.get("BENCH_WORK") or os.path.join(ROOT, "bench", "work")
WENSHU = os.environ.get("BENCH_WENSHU") or os.path.join(ROOT, "wenshu")  # tests/bench/: the binary under test
FLOOR_EVERY = int(os.environ.get("FLOOR_EVERY", "2"))  # the floor is timed on every N-th record


_outs = []  # every run's output folder, removed when the benchmark ends (see fresh_out)


def fresh_out(name):
    """An empty output folder for one run. Runs do not rebuild into the previous run's folder, and
    no folder is removed until the benchmark is over: on a file system without a journal (this
    machine's root is one), ext4 skips the inodes freed in the last 60 s (300 s more while their
    table is unwritten) when it allocates a new one, scanning past each of them. A rebuild with
    --force frees one inode per file it replaces, so each file it creates scans past all those it
    freed so far, and the next run past those too: measured, 9 % of a worker's CPU went to
    `recently_deleted` and `find_inode_bit`, more at -j 2, and varying with what ran minutes before."""
    path = os.path.join(WORK, f"out-{name}", f"run-{len(_outs) + 1:03d}")
    _outs.append(path)
    return path


def retire_old_outputs():
    """Moves earlier benchmarks' outputs aside (a rename frees no inode); removed at the end."""
    trash = os.path.join(WORK, "old-outputs")
    os.makedirs(trash, exist_ok=True)
    for n in os.listdir(WORK):
        if n.startswith("out-"):
            os.rename(os.path.join(WORK, n), os.path.join(trash, f"{n}-{time.time_ns()}"))
    _outs.append(trash)


def remove_outputs():
    """Removes every run's output folder, once nothing is timed any more."""
    for path in _outs:
        shutil.rmtree(path, ignore_errors=True)
    for n in os.listdir(WORK):
        d = os.path.join(WORK, n)
        if n.startswith("out-") and os.path.isdir(d) and not os.listdir(d):
            os.rmdir(d)


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def tree_pss_kb(pid):
    """Proportional set size of pid and every descendant, in KB: memory a forked worker shares with
    its parent counts once, not once per process (0 for processes that are gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass
    return total


def run_measured(cmds, logname, sample_pss=True):
    """Runs the commands at once; returns wall s, cpu s, max single-process RSS KB, max tree RSS KB, rcs.
    Sampling PSS reads /proc/PID/smaps_rollup of every process every 20 ms, about 0.1 s of CPU over
    a 2-second run: it competes with the workers at -j 2, so timed runs go without it."""
    outs = [open(os.path.join(WORK, f"{logname}.{i}.log"), "wb") for i in range(len(cmds))]
    t0 = time.perf_counter()
    procs = [subprocess.Popen(c, stdout=o, stderr=subprocess.STDOUT) for c, o in zip(cmds, outs)]
    peak = [0]
    alive = [True]

    def sample():
        while alive[0]:
            peak[0] = max(peak[0], sum(tree_pss_kb(p.pid) for p in procs))
            time.sleep(0.02)

    th = threading.Thread(target=sample, daemon=True)
    if sample_pss:
        th.start()
    cpu, maxrss, rcs = 0.0, 0, []
    for p in procs:
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        rcs.append(p.returncode)
        cpu += ru.ru_utime + ru.ru_stime
        maxrss = max(maxrss, ru.ru_maxrss)
    wall = time.perf_counter() - t0
    alive[0] = False
    if sample_pss:
        th.join()
    for o in outs:
        o.close()
    return wall, cpu, maxrss, peak[0], rcs


def pdfs_under(out):
    found = []
    for d, _, files in os.walk(out):
        if "合订本" in d.split(os.sep):
            continue
        found += [os.path.join(d, f) for f in files if f.endswith(".pdf")]
    return sorted(found)


def median_case(label, runs, make_cmds, records_of):
    walls, cpus, rss, tree = [], [], 0, 0
    for i in range(runs):
        wall, cpu, maxrss, peak, rcs = run_measured(make_cmds(), f"{label}.{i}")
        if any(rc not in (0, 1) for rc in rcs):
            sys.exit(f"bench: {label}: command failed (exit {rcs}); see {WORK}/{label}.{i}.*.log")
        walls.append(wall)
        cpus.append(cpu)
        rss, tree = max(rss, maxrss), max(tree, peak)
        log(f"{label} run {i + 1}/{runs}: {wall:.2f} s wall, {cpu:.2f} s CPU, {maxrss / 1024:.0f} MB")
    n = records_of()
    return {"label": label, "records": n, "wall": statistics.median(walls), "cpu": statistics.median(cpus),
            "walls": walls, "rss_kb": rss, "tree_kb": tree}


PHASES = re.compile(r"phases: records ([0-9.]+) s, preparing ([0-9.]+) s, workers ([0-9.]+) s, finishing ([0-9.]+) s")


def phases_of(label, runs):
    """Median seconds of each phase of a wenshu run (WENSHU_PHASES=1 makes it print them), from the
    logs of the timed runs; None when a log lacks them."""
    rows = []
    for i in range(runs):
        try:
            with open(os.path.join(WORK, f"{label}.{i}.0.log"), encoding="utf-8", errors="replace") as f:
                m = PHASES.search(f.read())
        except OSError:
            m = None
        if not m:
            return None
        rows.append([float(x) for x in m.groups()])
    return {k: statistics.median(r[n] for r in rows) for n, k in enumerate(("records", "preparing", "workers", "finishing"))}


def interleaved_cases(labels, runs, make_cmds, records_of):
    """median_case for several configurations (e.g. -j 1 and -j 2), run in turn — 1, 2, 1, 2 … — so
    that a change in what the machine has to give (it is shared) falls on both alike. Each result
    also gets, from the second configuration on, the runs' pairwise speed-up over the first."""
    data = {l: {"walls": [], "cpus": [], "rss": 0, "tree": 0} for l in labels}
    for i in range(runs):
        for l in labels:
            wall, cpu, maxrss, peak, rcs = run_measured(make_cmds(l), f"{l}.{i}", sample_pss=False)
            if any(rc not in (0, 1) for rc in rcs):
                sys.exit(f"bench: {l}: command failed (exit {rcs}); see {WORK}/{l}.{i}.*.log")
            d = data[l]
            d["walls"].append(wall)
            d["cpus"].append(cpu)
            d["rss"], d["tree"] = max(d["rss"], maxrss), max(d["tree"], peak)
            log(f"{l} run {i + 1}/{runs}: {wall:.2f} s wall, {cpu:.2f} s CPU, {maxrss / 1024:.0f} MB")
    for l in labels:  # one more run each, untimed, for the memory of the whole process tree
        _, _, maxrss, peak, rcs = run_measured(make_cmds(l), f"{l}.mem")
        data[l]["rss"], data[l]["tree"] = max(data[l]["rss"], maxrss), max(data[l]["tree"], peak)
    out = {}
    for l in labels:
        d = data[l]
        n = records_of(l)
        out[l] = {"label": l, "records": n, "wall": statistics.median(d["walls"]), "cpu": statistics.median(d["cpus"]),
                  "walls": d["walls"], "rss_kb": d["rss"], "tree_kb": d["tree"]}
    first = data[labels[0]]["walls"]
    for l in labels[1:]:
        out[l]["pair_speedups"] = [a / b for a, b in zip(first, data[l]["walls"])]
    return out


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gb": mem_kb / 1024 / 1024,
            "kernel": platform.release()}


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def generate(name, members, orgs, extra=()):
    d = os.path.join(WORK, name)
    stamp = os.path.join(d, ".done")
    if not os.path.exists(stamp):
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "samples", "gen.py"), "--members", str(members),
                        "--orgs", str(orgs), "-o", d] + list(extra), check=True)
        open(stamp, "w").close()
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".xml"))


def extract_texts(pdfs, textdir):
    """One text file per PDF, in two mutool processes at once."""
    shutil.rmtree(textdir, ignore_errors=True)
    os.makedirs(textdir)
    half = (len(pdfs) + 1) // 2
    js = os.path.join(ROOT, "bench", "extract_text.js")
    procs = [subprocess.Popen(["mutool", "run", js, textdir, str(first)] + pdfs[first:first + half])
             for first in (0, half) if pdfs[first:first + half]]
    for p in procs:
        if p.wait():
            sys.exit("bench: mutool could not extract the text of wenshu's PDFs")
    return [os.path.join(textdir, f"{i}.txt") for i in range(len(pdfs))]


def floor_font():
    r = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", "AR PL UMing CN"], capture_output=True, text=True,
                       check=True)
    file, index = r.stdout.split("\n")[:2]
    return file, index or "0"


def build_floor():
    exe = os.path.join(WORK, "floor")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "harfbuzz", "harfbuzz-subset"], capture_output=True,
                           text=True, check=True).stdout.split()
    subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-O2", "-o", exe, os.path.join(ROOT, "bench", "floor.c")]
                   + flags + ["-lhpdf", "-lz", "-lm"], check=True)
    return exe


def make_variable(name):
    """A variable of the Makefile (CFLAGS_ALL, LDLIBS_ALL), so that a new dependency needs no change here."""
    out = subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "-", "wenshu-bench-print"],
                         input=f"wenshu-bench-print:\n\t@echo $({name})\n", capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    return out.split()


def build_microbench():
    exe = os.path.join(WORK, "microbench")
    lib = os.path.join(ROOT, "build", "libwenshu.a")
    cflags = [f for f in make_variable("CFLAGS_ALL") if f.startswith(("-I", "-D", "-std"))]
    libs = make_variable("LDLIBS_ALL")
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-I" + os.path.join(ROOT, "generator")]
                   + cflags + ["-o", exe, os.path.join(ROOT, "bench", "microbench.c"), lib] + libs, check=True)
    return exe


def microbench(data, count, repeat):
    """Layout / PDF writer / font work split, in CPU ms per record, over `count` merged feedback notices."""
    exe = build_microbench()
    merged = subprocess.run([WENSHU, "merge", os.path.join(ROOT, "templates", "feedback.md")] + data,
                            capture_output=True, text=True, check=True).stdout
    parts = re.split(r"^<!-- record .*? -->\n", merged, flags=re.M)[1:][:count]
    mddir = os.path.join(WORK, "merged")
    shutil.rmtree(mddir, ignore_errors=True)
    os.makedirs(mddir)
    files = []
    for i, part in enumerate(parts):
        files.append(os.path.join(mddir, f"{i}.md"))
        with open(files[-1], "w", encoding="utf-8") as f:
            f.write(part)
    env = dict(os.environ, WENSHU_DATADIR=ROOT, MICROBENCH_TEMPLATE=os.path.join(ROOT, "templates", "feedback.md"))
    out = subprocess.run([exe, "gbt9704", str(repeat)] + files, capture_output=True, text=True, check=True, env=env).stdout
    words = out.split()
    return {words[i]: float(words[i + 1]) for i in range(0, len(words) - 1, 2)}


def show_cmd(cmd):
    """The command as one would type it: paths relative to the repository, a folder's XML files as DIR/*.xml."""
    out, xml_dirs = [], []
    for c in cmd:
        c = os.path.relpath(c, ROOT) if c.startswith(ROOT) else c
        if c.endswith(".xml") and "/" in c:
            d = os.path.dirname(c) + "/*.xml"
            if d in xml_dirs:
                continue
            xml_dirs.append(d)
            c = d
        out.append(c)
    return " ".join(out)


def bytes_of(files):
    return sum(os.path.getsize(f) for f in files) / max(1, len(files))


def case(name, data, form_args, runs, floor, font):
    """wenshu -j1/-j2 and the floor -j1/-j2 for one data set; returns the result rows."""
    res = {}
    outs = {}  # label -> the output folder of its latest run

    def cmd(label, out):
        return [WENSHU, "build"] + data + ["-o", out, "-j", label[-1], "-q"] + form_args

    def run_cmd(label):
        outs[label] = fresh_out(name)
        return [cmd(label, outs[label])]

    labels = [f"{name}-wenshu-j{j}" for j in (1, 2)]
    both = interleaved_cases(labels, runs, run_cmd, lambda l: len(pdfs_under(outs[l])))
    for j in (1, 2):
        res[f"wenshu -j {j}"] = both[f"{name}-wenshu-j{j}"]
        res[f"wenshu -j {j}"]["cmd"] = show_cmd(cmd(f"{name}-wenshu-j{j}", os.path.join(WORK, f"out-{name}", "run-K")))
        res[f"wenshu -j {j}"]["phases"] = phases_of(f"{name}-wenshu-j{j}", runs)
    pdfs = pdfs_under(outs[labels[1]])
    res["wenshu -j 1"]["bytes"] = res["wenshu -j 2"]["bytes"] = bytes_of(pdfs)
    # The floor costs 4-5 times what wenshu does per record: it is timed on every other record
    # (an even spread of the set, so the per-record figures stand), which keeps `make bench` short.
    sample = pdfs[::FLOOR_EVERY]
    log(f"{name}: extracting the text of {len(sample)} of the {len(pdfs)} PDFs for the floor")
    texts = extract_texts(sample, os.path.join(WORK, f"text-{name}"))
    fout = os.path.join(WORK, f"floor-{name}")
    shutil.rmtree(fout, ignore_errors=True)
    dirs, fcmds = {}, {}
    for j in (1, 2):
        label = f"{name}-floor-j{j}"
        dirs[label] = [os.path.join(fout, f"j{j}", str(k)) for k in range(j)]
        for d in dirs[label]:
            os.makedirs(d)
        share = (len(texts) + j - 1) // j
        fcmds[label] = [[floor, font[0], font[1], dirs[label][k]] + texts[k * share:(k + 1) * share] for k in range(j)]
    both = interleaved_cases(list(fcmds), runs, lambda l: fcmds[l],
                             lambda l: sum(len(os.listdir(d)) for d in dirs[l]))
    for j in (1, 2):
        r = both[f"{name}-floor-j{j}"]
        r["bytes"] = bytes_of([os.path.join(d, f) for d in dirs[f"{name}-floor-j{j}"] for f in os.listdir(d)])
        r["failed"] = 0
        for k in range(j):  # the last run's logs: records libharu refused (floor.c)
            with open(os.path.join(WORK, f"{name}-floor-j{j}.{runs - 1}.{k}.log"), encoding="utf-8") as f:
                m = re.search(r"failed (\d+)", f.read())
                r["failed"] += int(m.group(1)) if m else 0
        res[f"floor -j {j}"] = r
    return res


OLD_STYLE = "gbt9704-uming"


def styles_case(data, runs):
    """The feedback form at -j 1 in the default style and in OLD_STYLE (wenshu build --style), runs
    alternating (default, old, default, old …) so that the shared machine's changes fall on both."""
    outs = {}
    labels = ["styles-default", "styles-old"]

    def cmd(label, out):
        extra = ["--style", OLD_STYLE] if label == "styles-old" else []
        return [WENSHU, "build"] + data + ["-o", out, "-j", "1", "-q", "--form", "feedback"] + extra

    def run_cmd(label):
        outs[label] = fresh_out(label)
        return [cmd(label, outs[label])]

    res = interleaved_cases(labels, runs, run_cmd, lambda l: len(pdfs_under(outs[l])))
    for l in labels:
        res[l]["bytes"] = bytes_of(pdfs_under(outs[l]))
        res[l]["cmd"] = show_cmd(cmd(l, os.path.join(WORK, f"out-{l}", "run-K")))
    return res


def styles_lines(res):
    d, o = res["styles-default"], res["styles-old"]

    def per(r):
        return 1000 * r["cpu"] / max(1, r["records"])

    return [
        f"## (e) the default style beside the old one: {d['records']} 评议意见反馈通知书 at -j 1",
        "",
        f"`{d['cmd']}`, and the same with `--style {OLD_STYLE}`; runs alternate.",
        "",
        "| style | faces | records | CPU ms/record | wall s (median) | bytes/PDF |",
        "|---|---|---|---|---|---|",
        f"| default (`gbt9704`) | Fandol (CFF, CIDFontType0C), Latin in Liberation Serif | {d['records']} | "
        f"**{per(d):.2f}** | {d['wall']:.2f} | **{d['bytes'] / 1024:.1f} KB** |",
        f"| `{OLD_STYLE}` | AR PL UMing, WenQuanYi Zen Hei (TrueType) | {o['records']} | {per(o):.2f} | "
        f"{o['wall']:.2f} | {o['bytes'] / 1024:.1f} KB |",
        "",
        f"- default ÷ old: CPU per record **{per(d) / per(o):.2f} ×** (target: ≤ 2 ms per record per core), "
        f"bytes per PDF {d['bytes'] / o['bytes']:.2f} × (FandolFang's outlines, converted from METAFONT, take "
        "about 500 bytes a glyph and deflate by a fifth; UMing's TrueType glyphs deflate by half).",
        "",
    ]


def fmt_rows(res):
    lines = ["| program | records | wall s (median) | ms/record | records/s | CPU ms/record | peak RSS one process | "
             "peak PSS all processes | bytes/PDF |", "|---|---|---|---|---|---|---|---|---|"]
    for k, r in res.items():
        n = max(1, r["records"])
        lines.append(f"| {k} | {r['records']} | {r['wall']:.2f} | {1000 * r['wall'] / n:.2f} | {n / r['wall']:.0f} | "
                     f"{1000 * r['cpu'] / n:.2f} | {r['rss_kb'] / 1024:.1f} MB | {r['tree_kb'] / 1024:.1f} MB | "
                     f"{r.get('bytes', 0) / 1024:.1f} KB |")
    return lines


def ratios(res):
    w1, w2, f1, f2 = res["wenshu -j 1"], res["wenshu -j 2"], res["floor -j 1"], res["floor -j 2"]

    def per(r, key):
        return r[key] / max(1, r["records"])

    t1 = per(w1, "wall") / per(f1, "wall")
    c1 = per(w1, "cpu") / per(f1, "cpu")
    speed_w = (w2["records"] / w2["wall"]) / (w1["records"] / w1["wall"])
    speed_f = (f2["records"] / f2["wall"]) / (f1["records"] / f1["wall"])
    size = w1["bytes"] / f1["bytes"]
    notes = []
    if f1.get("failed"):
        notes.append(f"- The floor left out {f1['failed']} record(s) that libharu 2.3.0 refused (HPDF_INVALID_OBJECT "
                     "on the subset hb-subset made); its figures are for the records it wrote.")
    p1, p2 = w1.get("phases"), w2.get("phases")
    if p1 and p2:
        notes.append(f"- Where a wenshu run's time goes (`WENSHU_PHASES=1`, medians): reading, checking and planning the "
                     f"records {p1['records']:.2f} s at -j 1 / {p2['records']:.2f} s at -j 2, then preparing "
                     f"{p1['preparing']:.2f} / {p2['preparing']:.2f} s, the workers {p1['workers']:.2f} / "
                     f"{p2['workers']:.2f} s (**{p1['workers'] / p2['workers']:.2f} ×** for the workers' phase alone), "
                     f"finishing {p1['finishing']:.2f} / {p2['finishing']:.2f} s.")
    return notes + [
        f"- wenshu ÷ floor, time per record, single core: **{t1:.2f} ×** wall, {c1:.2f} × CPU (target 1: ≤ 1.2)",
        f"- records/s at -j 2 ÷ -j 1: wenshu **{speed_w:.2f} ×** (paired runs: "
        f"{', '.join(f'{x:.2f}' for x in w2.get('pair_speedups', []))}), floor {speed_f:.2f} × (paired: "
        f"{', '.join(f'{x:.2f}' for x in f2.get('pair_speedups', []))}) (target 2: ≥ 1.8); the "
        f"floor shares nothing between its two processes, so its gain shows how much of a second processor the "
        f"machine had to give: wenshu's gain is {speed_w / speed_f:.2f} × the floor's",
        f"- wenshu ÷ floor, bytes per PDF: **{size:.2f} ×** (target 4: ≤ 1.0)",
        f"- wenshu CPU per record: **{1000 * per(w1, 'cpu'):.2f} ms** at -j 1, "
        f"{1000 * per(w2, 'cpu'):.2f} ms at -j 2 (target 4: ≤ 2 ms per record per core)",
    ]


def watch_latency(saves):
    """Case d: per shipped form, `wenshu watch` on a copy of the template and the sample records;
    the template is saved (rewritten whole) `saves` times, and each time the wall clock from just
    before the write to the output's IN_MOVED_TO (the atomic rename, seen through inotify on the
    output folder) is one sample. Returns {form: (median ms, p95 ms, samples)}."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    IN_MOVED_TO = 0x80
    data = os.path.join(WORK, "watch-data")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    shutil.copytree(os.path.join(ROOT, "templates"), os.path.join(data, "templates"))
    shutil.copytree(os.path.join(ROOT, "schemas"), os.path.join(data, "schemas"))
    records = sorted(os.path.join(ROOT, "samples", f) for f in os.listdir(os.path.join(ROOT, "samples"))
                     if f.endswith(".xml"))
    outdir = os.path.join(data, "out")
    os.makedirs(outdir)
    env = dict(os.environ, WENSHU_DATADIR=data)
    results = {}
    for name in sorted(f for f in os.listdir(os.path.join(data, "templates")) if f.endswith(".md")):
        tpl = os.path.join(data, "templates", name)
        out = os.path.join(outdir, name[:-3] + ".pdf")
        fd = libc.inotify_init1(os.O_NONBLOCK)
        libc.inotify_add_watch(fd, outdir.encode(), IN_MOVED_TO)
        proc = subprocess.Popen([WENSHU, "watch", tpl] + records + ["-o", out], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def renamed(timeout):
            """Waits for the output's rename; True when it came."""
            import select
            end = time.perf_counter() + timeout
            while True:
                left = end - time.perf_counter()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    return False
                buf = os.read(fd, 65536)
                at = 0
                while at < len(buf):
                    _, mask, _, n = struct_unpack("iIII", buf, at)
                    fname = buf[at + 16:at + 16 + n].split(b"\0")[0].decode()
                    at += 16 + n
                    if mask & IN_MOVED_TO and fname == os.path.basename(out):
                        return True

        samples = []
        if renamed(30):
            text = open(tpl, encoding="utf-8").read()
            for _ in range(saves):
                time.sleep(0.05)
                t0 = time.perf_counter()
                with open(tpl, "w", encoding="utf-8") as f:
                    f.write(text)
                if renamed(5):
                    samples.append((time.perf_counter() - t0) * 1000)
        proc.terminate()
        proc.wait()
        os.close(fd)
        samples.sort()
        if samples:
            p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
            results[name[:-3]] = (statistics.median(samples), p95, len(samples))
        else:
            results[name[:-3]] = (float("nan"), float("nan"), 0)
        log(f"watch {name}: median {results[name[:-3]][0]:.1f} ms, p95 {results[name[:-3]][1]:.1f} ms")
    shutil.rmtree(data, ignore_errors=True)
    return results


def struct_unpack(fmt, buf, at):
    import struct
    return struct.unpack_from(fmt, buf, at)


def watch_lines(res, saves):
    lines = ["## (d) `wenshu watch`: from a save to the new PDF in place", "",
             f"`wenshu watch templates/FORM.md samples/*.xml -o OUT.pdf` (the first record the form selects); the "
             f"template saved {saves} times, 50 ms apart; time from before the write to the output's rename "
             "(inotify on its folder). Target: under 50 ms.", "",
             "| form | median ms | p95 ms | saves seen |", "|---|---|---|---|"]
    for form, (med, p95, n) in res.items():
        lines.append(f"| {form} | {med:.1f} | {p95:.1f} | {n}/{saves} |")
    return lines + [""]


def province_lines(res_a):
    """`make bench-all`: Typst beside wenshu (bench/peers.py) and 100 000 members in one file
    (bench/large.py), run now, after the cases above; their full reports are PEERS.md and LARGE.md."""
    for script in ("peers.py", "large.py"):
        log(f"bench-all: running bench/{script}")
        rc = subprocess.run([sys.executable, os.path.join(ROOT, "bench", script)]).returncode
        if rc:  # the cases above are still written; the section says what failed
            log(f"bench-all: bench/{script} failed (exit {rc})")
            return ["## (f) Province scale: issue 22's targets", "", f"**bench/{script} failed (exit {rc})** in this run; "
                    "see its output. The cases above are complete.", ""]
    with open(os.path.join(WORK, "peers-summary.json"), encoding="utf-8") as f:
        p = json.load(f)
    with open(os.path.join(WORK, "large-summary.json"), encoding="utf-8") as f:
        g = json.load(f)
    w1 = res_a["wenshu -j 1"]
    cpu_ms = 1000 * w1["cpu"] / max(1, w1["records"])
    b = g["build"]
    return [
        "## (f) Province scale: issue 22's targets, from this run",
        "",
        f"`make bench-all` ran bench/peers.py (started {p['started']}; bench/PEERS.md) and bench/large.py "
        f"(started {g['started']}; bench/LARGE.md) after the cases above.",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| ≤ 1.0 ms CPU per 评议意见反馈通知书 at -j 1 | {cpu_ms:.2f} ms (case a) | "
        f"{'met' if cpu_ms <= 1.0 else 'NOT met'} |",
        f"| combined volume of {p['records']} notices ≥ 10 × faster than Typst's combined document (CPU) | "
        f"layouts kept: {p['typst_volume_cpu_s'] / p['volume_kept_cpu_s']:.1f} × ({p['volume_kept_cpu_s']:.3f} against "
        f"{p['typst_volume_cpu_s']:.3f} s); every record laid out: {p['typst_volume_cpu_s'] / p['volume_cold_cpu_s']:.1f} × "
        f"({p['volume_cold_cpu_s']:.3f} s) | {'met' if p['typst_volume_cpu_s'] / p['volume_kept_cpu_s'] >= 10 else 'NOT met'} "
        f"with layouts kept |",
        f"| Typst per record beside wenshu | Typst {p['typst_per_cpu_ms']:.2f} ms CPU a notice, wenshu "
        f"{p['wenshu_per_cpu_ms']:.2f} ms: {p['typst_per_cpu_ms'] / p['wenshu_per_cpu_ms']:.1f} × | |",
        f"| {g['members']} members in {'one file' if g['files'] == 1 else str(g['files']) + ' files'} "
        f"({g['set_bytes'] / 1e6:.0f} MB) within 150 MB a process | check {g['check']['rss_kb'] / 1024:.0f} MB; "
        f"build -j 2 {b['rss_kb'] / 1024:.0f} MB the largest process, {b['pss_kb'] / 1024:.0f} MB all together; "
        f"{g['pdfs']} PDFs, {g['pdf_bytes'] / 1e9:.2f} GB | "
        f"{'met' if max(g['check']['rss_kb'], b['rss_kb']) <= 150 * 1024 else 'NOT met'} |",
        f"| 8 shards equal the single run | {g['shards']['pdfs']} PDFs; merged manifest "
        f"{'the same' if g['shards']['same'] else 'DIFFERENT'} | {'met' if g['shards']['same'] else 'NOT met'} |",
        "",
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "5")))
    ap.add_argument("--quick", action="store_true", help="small sets (200/100/1000 members), for trying the script")
    ap.add_argument("--no-results", action="store_true", help="print the report instead of writing RESULTS.md")
    ap.add_argument("--watch-only", action="store_true", help="only case d (wenshu watch), printed, RESULTS.md untouched")
    ap.add_argument("--saves", type=int, default=40, help="saves per form in case d")
    ap.add_argument("--styles-only", action="store_true",
                    help="only case (e), the default style beside the old one; prints it, writes nothing")
    ap.add_argument("--all", action="store_true",
                    help="also bench/peers.py and bench/large.py, and a section on issue 22's targets from this run")
    a = ap.parse_args()
    if a.watch_only:
        if not os.access(WENSHU, os.X_OK):
            sys.exit("bench: ./wenshu is missing; run `make wenshu` first")
        os.makedirs(WORK, exist_ok=True)
        print("\n".join(watch_lines(watch_latency(a.saves), a.saves)))
        return
    os.environ["WENSHU_PHASES"] = "1"  # wenshu then prints where a run's time went (phases_of)
    if not os.access(WENSHU, os.X_OK):
        sys.exit("bench: ./wenshu is missing; run `make wenshu` first")
    if not shutil.which("mutool"):
        sys.exit("bench: mutool is missing (Debian package mupdf-tools)")
    os.makedirs(WORK, exist_ok=True)
    retire_old_outputs()
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = loadavg()
    t_start = time.perf_counter()
    sizes = (200, 100, 1000) if a.quick else (2000, 1000, 10000)

    if a.styles_only:
        set_a = generate(f"set-{sizes[0]}", sizes[0], max(2, sizes[0] // 50))
        res_d = styles_case(set_a, a.runs)
        remove_outputs()
        print("\n".join(styles_lines(res_d)))
        return
    floor = build_floor()
    font = floor_font()
    set_a = generate(f"set-{sizes[0]}", sizes[0], max(2, sizes[0] // 50))
    set_b = generate(f"set-{sizes[1]}", sizes[1], max(2, sizes[1] // 50))
    set_c = generate(f"set-{sizes[2]}", sizes[2], max(2, sizes[2] // 50))

    log("microbench: layout and PDF writer inside one process")
    micro = microbench(set_a, 200, max(3, a.runs))
    res_a = case("feedback", set_a, ["--form", "feedback"], a.runs, floor, font)
    res_b = case("allforms", set_b, [], a.runs, floor, font)
    res_d = styles_case(set_a, a.runs)

    out_c = fresh_out("memory")
    cmd_c = [WENSHU, "build"] + set_c + ["-o", out_c, "-j", "2", "-q", "--form", "feedback"]
    mem = median_case("memory-j2", 1, lambda: [cmd_c], lambda: len(pdfs_under(out_c)))
    log("wenshu watch: save to PDF")
    watch = watch_latency(a.saves)
    log("removing the runs' output folders")
    remove_outputs()
    total = time.perf_counter() - t_start

    m = machine()
    rel = os.path.relpath
    lines = [
        "# `make bench` results",
        "",
        f"Written by `make bench` (bench/run.sh → bench/bench.py{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}) "
        f"on {started:%Y-%m-%d %H:%M} UTC; the whole benchmark took {total / 60:.1f} min.",
        "",
        f"- Machine: {m['nproc']} processors, {m['cpu']}, {m['ram_gb']:.1f} GB RAM, Linux {m['kernel']}.",
        f"- Load average before / after: {load_before} / {loadavg()} (other work on the machine inflates wall "
        "times; the CPU column is the steadier figure).",
        f"- Runs: {a.runs} per line, medians; -j 1 and -j 2 runs alternate (1, 2, 1, 2 …), so that a change in "
        "what the shared machine gives falls on both; each run writes every file into an empty folder of its own "
        "(none is removed until the benchmark ends: see the notes on the file system). Memory "
        "(PSS sampled from /proc every 20 ms) comes from one more run per line, not timed: sampling costs CPU.",
        f"- Floor: `bench/floor.c` built with `cc -O2`, font {font[0]} face {font[1]}, fed per record the "
        "characters wenshu drew (extracted from wenshu's PDFs by `bench/extract_text.js`); with -j 2 the files are "
        f"split between two floor processes running at once. The floor is timed on one record in {FLOOR_EVERY} "
        "(`FLOOR_EVERY`), an even spread of the set; its per-record figures are compared with wenshu's.",
        "- Times are of whole commands (startup, loading the records and fonts, writing every file included). "
        "wenshu also makes every file durable before it names it in the manifest (one syncfs per batch of up to "
        "128 files, on a thread of its own) and writes it under a temporary name first; the floor does neither.",
        "",
        f"## (a) {res_a['wenshu -j 1']['records']} 评议意见反馈通知书",
        "",
        f"`{res_a['wenshu -j 1']['cmd']}` (and `-j 2`)",
        "",
    ] + fmt_rows(res_a) + [""] + ratios(res_a) + [
        "",
        f"## (b) every form, {sizes[1]} members ({res_b['wenshu -j 1']['records']} PDFs)",
        "",
        f"`{res_b['wenshu -j 1']['cmd']}` (and `-j 2`)",
        "",
    ] + fmt_rows(res_b) + [""] + ratios(res_b) + [
        "",
        "## Inside one process (bench/microbench.c)",
        "",
        f"{micro['records']:.0f} layouts and renders of 200 merged feedback notices ({micro['pages']:.1f} pages, "
        f"{micro['pdf_bytes'] / 1024:.1f} KB each), CPU ms per record:",
        "",
        "| layout | PDF writer | of which: subsets | deflating the font programs | rest of the writer |",
        "|---|---|---|---|---|",
        f"| {micro['layout_ms']:.3f} | {micro['render_ms']:.3f} | {micro['subset_ms']:.3f} | {micro['deflate_ms']:.3f} | "
        f"{micro['render_ms'] - micro['subset_ms'] - micro['deflate_ms']:.3f} |",
        "",
        f"- Font work (subsets + deflating their programs) is "
        f"{100 * (micro['subset_ms'] + micro['deflate_ms']) / (micro['layout_ms'] + micro['render_ms']):.0f} % of "
        f"layout + writing; layout is {100 * micro['layout_ms'] / (micro['layout_ms'] + micro['render_ms']):.0f} %.",
        "",
    ] + styles_lines(res_d) + [
        f"## (c) memory: the feedback form for {sizes[2]} members",
        "",
        f"`{show_cmd(cmd_c)}`",
        "",
        f"- {mem['records']} PDFs in {mem['wall']:.1f} s; peak RSS of one process **{mem['rss_kb'] / 1024:.1f} MB**, "
        f"PSS of all processes together {mem['tree_kb'] / 1024:.1f} MB (target 3: ≤ 100 MB).",
        "",
    ] + watch_lines(watch, a.saves)
    if a.all:
        lines += province_lines(res_a)
    text = "\n".join(lines)
    if a.no_results:
        print(text)
    else:
        path = os.path.join(ROOT, "bench", "RESULTS.md")
        prof = ""
        if os.path.exists(path):  # keep the hand-written part (profile, notes) below the marker
            old = open(path, encoding="utf-8").read()
            mark = "\n<!-- notes -->"
            if mark in old:
                prof = old[old.index(mark):]
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + prof)
        print(text)
        log(f"wrote {rel(path)}")


if __name__ == "__main__":
    main()
