#!/usr/bin/env python3
"""`make bench-large`: a province-sized set — check, one form's build at -j 2, the same build
again into its folder (nothing to make, then --force), memory, and the same build as 8 shards
whose union must equal the single run; writes bench/LARGE.md.

    python3 bench/large.py [--members 100000] [--no-results] [--keep]

The set comes from samples/gen.py (by default ONE file, all.xml, as a city's export is: the records
are read in pieces, so memory follows the largest record and not the file; --per-unit gives one
file per unit instead), 50 members an organisation, generated once into bench/work/large-N and
reused. The headline figures also go to bench/work/large-summary.json, for `make bench-all`.
Each command runs once (they take minutes): wall clock and CPU
of the whole command (wait4), the largest single process's peak RSS and the peak PSS of the whole
process tree, sampled every 20 ms (bench.py's run_measured). The shards run two at a time with
-j 1 each (`--shard K/8`, K = 1…8, into one output folder: the last to finish merges the
manifest), and their merged manifest is compared with the single run's entry by entry (path,
form, record, pages, bytes, sha256, key). Every output is removed at the end (--keep keeps them):
about 52 KB a notice, twice over while both builds exist.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # bench.py is imported: no __pycache__ in the tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402

ROOT, WORK, WENSHU = bench.ROOT, bench.WORK, bench.WENSHU
SHARDS = 8


def du_bytes(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(d, f)).st_blocks * 512
            except OSError:
                pass
    return total


def files_bytes(path):
    n = size = 0
    for d, _, files in os.walk(path):
        for f in files:
            if f.endswith(".pdf"):
                n += 1
                size += os.path.getsize(os.path.join(d, f))
    return n, size


def measured(label, cmds):
    wall, cpu, rss, pss, rcs = bench.run_measured(cmds, label)
    if any(rc != 0 for rc in rcs):
        sys.exit(f"bench-large: {label} failed (exit {rcs}); see {WORK}/{label}.*.log")
    bench.log(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {rss / 1024:.0f} MB, PSS {pss / 1024:.0f} MB")
    return {"wall": wall, "cpu": cpu, "rss_kb": rss, "pss_kb": pss}


def manifest_entries(out):
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    return m, {e["path"]: tuple(sorted(e.items())) for e in m["files"]}


def gb(b):
    return f"{b / 1e9:.2f} GB"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--members", type=int, default=100000)
    ap.add_argument("--no-results", action="store_true", help="print the report instead of writing LARGE.md")
    ap.add_argument("--keep", action="store_true", help="keep the two builds' outputs")
    ap.add_argument("--per-unit", action="store_true", help="one records file per unit instead of one file")
    a = ap.parse_args()
    if not os.access(WENSHU, os.X_OK):
        sys.exit("bench-large: ./wenshu is missing; run `make wenshu` first")
    os.makedirs(WORK, exist_ok=True)
    need = 2 * a.members * 60 * 1024 + (1 << 30)
    free = shutil.disk_usage(WORK).free
    if free < need:
        sys.exit(f"bench-large: {gb(free)} free under {WORK}, {gb(need)} needed for {a.members} members")
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = bench.loadavg()
    t0 = time.perf_counter()

    name = f"large-{a.members}" + ("-units" if a.per_unit else "")
    cached = os.path.exists(os.path.join(WORK, name, ".done"))
    tg = time.perf_counter()
    data = bench.generate(name, a.members, max(2, a.members // 50), () if a.per_unit else ("--one-file",))
    gen_s = None if cached else time.perf_counter() - tg
    set_bytes = sum(os.path.getsize(f) for f in data)
    largest = max(os.path.getsize(f) for f in data)

    single = os.path.join(WORK, f"{name}-out")
    sharded = os.path.join(WORK, f"{name}-shards")
    for d in (single, sharded):
        shutil.rmtree(d, ignore_errors=True)

    check_cmd = [WENSHU, "check", "-q"] + data
    chk = measured("large-check", [check_cmd])
    build_cmd = [WENSHU, "build"] + data + ["-o", single, "--form", "feedback", "-j", "2", "-q"]
    bld = measured("large-build-j2", [build_cmd])
    n_pdf, pdf_bytes = files_bytes(single)
    out_disk = du_bytes(single)

    # The same build again into the folder it just filled, as a clerk runs it the next day: nothing
    # to make. The first time every file is read and hashed (a file made less than two seconds
    # before its stat is taken is not trusted by it: statcache.h), which notes them all in the stat
    # side file; the second time every file is trusted by its stat. Then --force, which remakes every
    # file as a new wenshu does (every key changes): the old manifest and the side file are read
    # and held just the same.
    time.sleep(2.5)
    again_hashed = measured("large-rebuild-hashed", [build_cmd])
    again = measured("large-rebuild", [build_cmd])
    force_cmd = build_cmd + ["--force"]
    again_force = measured("large-rebuild-force", [force_cmd])

    # 8 shards, two at a time, -j 1 each: the same two processors as the single run.
    shard_cmds = [[WENSHU, "build"] + data + ["-o", sharded, "--form", "feedback", "-j", "1", "-q",
                                             "--shard", f"{k}/{SHARDS}"] for k in range(1, SHARDS + 1)]
    shard_rows = []
    for k in range(0, SHARDS, 2):
        shard_rows.append(measured(f"large-shards-{k + 1}-{k + 2}", shard_cmds[k:k + 2]))
    m1, e1 = manifest_entries(single)
    m8, e8 = manifest_entries(sharded)
    differ = sorted(p for p in set(e1) | set(e8) if e1.get(p) != e8.get(p))
    rest1 = {k: v for k, v in m1.items() if k != "files"}
    rest8 = {k: v for k, v in m8.items() if k != "files"}
    same = not differ and rest1 == rest8
    if differ:
        bench.log(f"manifests differ at {len(differ)} entries, e.g. {differ[:3]}")
    if rest1 != rest8:
        bench.log(f"manifests differ outside the files: {rest1} / {rest8}")
    n8, bytes8 = files_bytes(sharded)

    if not a.keep:
        bench.log("removing the outputs")
        for d in (single, sharded):
            shutil.rmtree(d, ignore_errors=True)
    total = time.perf_counter() - t0

    mach = bench.machine()
    show = bench.show_cmd
    shard_wall = sum(r["wall"] for r in shard_rows)
    shard_cpu = sum(r["cpu"] for r in shard_rows)
    lines = [
        f"# `make bench-large` results: {a.members} members",
        "",
        f"Written by `make bench-large` (bench/large.py{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}) on "
        f"{started:%Y-%m-%d %H:%M} UTC; took {total / 60:.1f} min.",
        "",
        f"- Machine: {mach['nproc']} processors, {mach['cpu']}, {mach['ram_gb']:.1f} GB RAM, Linux {mach['kernel']}.",
        f"- Load average before / after: {load_before} / {bench.loadavg()} (other work on the machine inflates wall "
        "times; CPU is the steadier figure).",
        f"- Set: `python3 samples/gen.py --members {a.members} --orgs {max(2, a.members // 50)}"
        f"{'' if a.per_unit else ' --one-file'}` → "
        + (f"{len(data)} files (one per unit), {set_bytes / 1e6:.0f} MB, the largest {largest / 1e6:.1f} MB; "
           if a.per_unit else f"one file of {set_bytes / 1e6:.0f} MB; ")
        + (f"generated in {gen_s:.1f} s." if gen_s is not None else "generated by an earlier run and reused."),
        "- Each command once; memory sampled from /proc every 20 ms (RSS of the largest process; PSS of all "
        "processes together, pages a worker shares with its parent counted once).",
        "",
        "| command | wall s | CPU s | CPU ms/record | peak RSS one process | peak PSS all processes |",
        "|---|---|---|---|---|---|",
        f"| `{show(check_cmd)}` | {chk['wall']:.1f} | {chk['cpu']:.1f} | {1000 * chk['cpu'] / a.members:.3f} | "
        f"{chk['rss_kb'] / 1024:.0f} MB | {chk['pss_kb'] / 1024:.0f} MB |",
        f"| `{show(build_cmd)}` | {bld['wall']:.1f} | {bld['cpu']:.1f} | {1000 * bld['cpu'] / max(1, n_pdf):.2f} | "
        f"{bld['rss_kb'] / 1024:.0f} MB | {bld['pss_kb'] / 1024:.0f} MB |",
        f"| the same again into its folder, nothing to make (every file read and hashed, then noted in the stat side "
        f"file) | {again_hashed['wall']:.1f} | {again_hashed['cpu']:.1f} | {1000 * again_hashed['cpu'] / a.members:.3f} | "
        f"{again_hashed['rss_kb'] / 1024:.0f} MB | {again_hashed['pss_kb'] / 1024:.0f} MB |",
        f"| the same again, nothing to make (every file trusted by its stat) | {again['wall']:.1f} | {again['cpu']:.1f} | "
        f"{1000 * again['cpu'] / a.members:.3f} | {again['rss_kb'] / 1024:.0f} MB | {again['pss_kb'] / 1024:.0f} MB |",
        f"| `... --force` into that folder: every file made again, as after an upgrade of wenshu | {again_force['wall']:.1f} | "
        f"{again_force['cpu']:.1f} | {1000 * again_force['cpu'] / max(1, n_pdf):.2f} | {again_force['rss_kb'] / 1024:.0f} MB | "
        f"{again_force['pss_kb'] / 1024:.0f} MB |",
        f"| the same as {SHARDS} shards, 2 at a time, `-j 1 --shard K/{SHARDS}` | {shard_wall:.1f} | {shard_cpu:.1f} | "
        f"{1000 * shard_cpu / max(1, n8):.2f} | {max(r['rss_kb'] for r in shard_rows) / 1024:.0f} MB | "
        f"{max(r['pss_kb'] for r in shard_rows) / 1024:.0f} MB |",
        "",
        f"- Output of the single run: {n_pdf} PDFs, {gb(pdf_bytes)} ({pdf_bytes / max(1, n_pdf) / 1024:.1f} KB each), "
        f"{gb(out_disk)} on disk with the manifest and folders.",
        f"- {SHARDS} shards into one folder: {n8} PDFs, {gb(bytes8)}; the merged manifest against the single run's: "
        + (f"**the same** — {len(e1)} entries, every path, record, page count, size and sha256 equal."
           if same else f"**DIFFERENT** — {len(differ)} of {len(set(e1) | set(e8))} entries differ "
           f"(e.g. {', '.join(differ[:3])}){'; the manifests differ outside the files too' if rest1 != rest8 else ''}."),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    summary = {"started": f"{started:%Y-%m-%d %H:%M} UTC", "members": a.members, "files": len(data),
               "set_bytes": set_bytes, "check": chk, "build": bld, "rebuild_hashed": again_hashed, "rebuild": again,
               "rebuild_force": again_force, "pdfs": n_pdf, "pdf_bytes": pdf_bytes,
               "shards": {"wall": shard_wall, "cpu": shard_cpu, "rss_kb": max(r["rss_kb"] for r in shard_rows),
                          "pss_kb": max(r["pss_kb"] for r in shard_rows), "pdfs": n8, "same": same}}
    with open(os.path.join(WORK, "large-summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    if not a.no_results:
        path = os.path.join(HERE, "LARGE.md")
        notes = ""
        if os.path.exists(path):  # keep the hand-written notes below the marker, as bench.py does
            old = open(path, encoding="utf-8").read()
            if "\n<!-- notes -->" in old:
                notes = old[old.index("\n<!-- notes -->"):]
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + notes)
        bench.log(f"wrote {os.path.relpath(path, ROOT)}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
