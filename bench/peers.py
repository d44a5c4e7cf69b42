#!/usr/bin/env python3
"""`make bench-peers`: the feedback notices by wenshu and by Typst, side by side; writes bench/PEERS.md.

    python3 bench/peers.py [--members 500] [--runs 5] [--no-results] [--tiny]

Typst is Typst's own compiler run in-process from Node (@myriaddreamin/typst-ts-node-compiler,
pinned in bench/peers/package.json and installed by npm into bench/work/peers/, never committed).
Its notice is bench/peers/notice.typ: the page, faces, sizes and wording of templates/feedback.md,
filled in per member with the fields wenshu's own `merge` gives (bench/peers/typst_notices.py), so
both programs set the same words in the same font files.

Cases, alternating in every run (wenshu, Typst, wenshu, Typst …) so that what the shared machine
gives falls on both alike:
  per record — `wenshu build --form feedback -j 1` of MEMBERS notices into an empty folder, against
               one Node process compiling the MEMBERS notice documents one by one into PDFs;
  combined   — wenshu's volume of the same notices, per-record files up to date (the volume is
               removed before each run, so the timed command remakes it alone: its summary line is
               checked for "生成 1 个文件"), twice: with the records' layouts kept by the previous
               run (cli/volume_cache.h: what a rebuild after a correction finds) and with the
               layout cache emptied first (every record laid out again); the per-record files are
               checked by their stat (batch/statcache.h) but in the first run; against one Node process
               compiling one Typst document of all the notices.
Times are of whole commands (bench.py's run_measured: wall clock and CPU from wait4, peak RSS);
Node also reports its start-up (process start to a compiler with its fonts loaded) and the
compiling time alone, printed apart. Standard library only, plus node and npm.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # bench.py and peers/typst_notices.py are imported: no __pycache__ in the tree

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "peers"))
import bench  # noqa: E402  (run_measured, generate, fresh_out, machine, loadavg, …)
import typst_notices  # noqa: E402

ROOT = bench.ROOT
WORK = bench.WORK
WENSHU = bench.WENSHU
PEERS_SRC = os.path.join(HERE, "peers")
# BENCH_PEERS_NPM: where the npm package is installed (tests/bench/ reuses the benchmark's copy).
NPM_DIR = os.environ.get("BENCH_PEERS_NPM") or os.path.join(ROOT, "bench", "work", "peers")
PACKAGE = "@myriaddreamin/typst-ts-node-compiler"


def typst_module():
    """The installed compiler's folder, or None."""
    path = os.path.join(NPM_DIR, "node_modules", *PACKAGE.split("/"))
    return path if os.path.exists(os.path.join(path, "package.json")) else None


def pinned_version():
    with open(os.path.join(PEERS_SRC, "package.json"), encoding="utf-8") as f:
        return json.load(f)["dependencies"][PACKAGE]


def install_typst():
    """npm ci of bench/peers/package-lock.json into bench/work/peers (the registry only: the
    platform's binary is an optional dependency published there too). Quiet when it is present."""
    mod = typst_module()
    if mod:
        with open(os.path.join(mod, "package.json"), encoding="utf-8") as f:
            if json.load(f)["version"] == pinned_version():
                return mod
    for tool in ("node", "npm"):
        if not shutil.which(tool):
            sys.exit(f"bench-peers: {tool} is missing (Debian packages nodejs and npm)")
    os.makedirs(NPM_DIR, exist_ok=True)
    for f in ("package.json", "package-lock.json"):
        shutil.copy(os.path.join(PEERS_SRC, f), NPM_DIR)
    bench.log(f"installing {PACKAGE}@{pinned_version()} into {os.path.relpath(NPM_DIR, ROOT)}")
    r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NPM_DIR)
    if r.returncode or not typst_module():
        sys.exit(f"bench-peers: npm could not install {PACKAGE} (exit {r.returncode}); see the messages above")
    return typst_module()


def typst_job(name, docs, mod):
    """A job file for bench/peers/peers.js; docs: [(source, out path)]."""
    path = os.path.join(WORK, f"{name}.job.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"module": mod, "fonts": typst_notices.fonts(), "workspace": PEERS_SRC,
                   "docs": [{"source": s, "out": o} for s, o in docs]}, f, ensure_ascii=False)
    return path


def node_report(logname):
    with open(os.path.join(WORK, f"{logname}.0.log"), encoding="utf-8", errors="replace") as f:
        text = f.read()
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    sys.exit(f"bench-peers: Typst gave no report; see {WORK}/{logname}.0.log")


def run(label, i, cmd):
    wall, cpu, maxrss, _, rcs = bench.run_measured([cmd], f"{label}.{i}", sample_pss=False)
    if rcs[0] != 0:
        sys.exit(f"bench-peers: {label} failed (exit {rcs[0]}); see {WORK}/{label}.{i}.0.log")
    bench.log(f"{label} run {i + 1}: {wall:.3f} s wall, {cpu:.3f} s CPU, {maxrss / 1024:.0f} MB")
    return {"wall": wall, "cpu": cpu, "rss_kb": maxrss}


def pdf_sizes(folder):
    files = [os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs if f.endswith(".pdf")]
    return files, (sum(os.path.getsize(f) for f in files) / max(1, len(files)))


def median(rows, key):
    return statistics.median(r[key] for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--members", type=int, default=500, help="notices per case (default 500: one volume)")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "5")))
    ap.add_argument("--no-results", action="store_true", help="print the report instead of writing PEERS.md")
    ap.add_argument("--tiny", action="store_true", help="3 notices, 1 run, no report file (the test's mode)")
    ap.add_argument("--install-only", action="store_true", help="install the Typst compiler and stop (CI, so the test runs)")
    a = ap.parse_args()
    if a.install_only:
        install_typst()
        return
    if a.tiny:
        a.members, a.runs, a.no_results = 3, 1, True
    if not os.access(WENSHU, os.X_OK):
        sys.exit("bench-peers: ./wenshu is missing; run `make wenshu` first")
    os.makedirs(WORK, exist_ok=True)
    mod = install_typst()
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = bench.loadavg()
    t_start = time.perf_counter()

    data = bench.generate(f"set-{a.members}", a.members, max(2, a.members // 50))
    rs = typst_notices.records(WENSHU, data)
    n = len(rs)
    if n > 500:
        sys.exit("bench-peers: wenshu binds 500 notices a volume; use --members 500 or fewer")

    # The per-record files of the combined case, built once, untimed: the timed runs remake the volume.
    comb_out = os.path.join(WORK, "peers-combined")
    shutil.rmtree(comb_out, ignore_errors=True)
    wcmd = [WENSHU, "build"] + data + ["--form", "feedback", "-j", "1"]
    subprocess.run(wcmd + ["-o", comb_out, "-q"], check=True)
    comb_cmd = wcmd + ["-o", comb_out, "--combined"]
    volume_dir = os.path.join(comb_out, "合订本")
    typ_vol_dir = os.path.join(WORK, "peers-typst-volume")
    os.makedirs(typ_vol_dir, exist_ok=True)
    typ_vol = os.path.join(typ_vol_dir, "评议意见反馈通知书.pdf")
    vol_job = typst_job("peers-typst-volume", [(typst_notices.volume(rs), typ_vol)], mod)
    node = shutil.which("node")
    peers_js = os.path.join(PEERS_SRC, "peers.js")

    # wenshu's layout cache of the volume, in the benchmark's folder (emptied for the cold runs)
    cache_dir = os.path.join(WORK, "peers-layout-cache")
    shutil.rmtree(cache_dir, ignore_errors=True)
    os.environ["WENSHU_CACHE_DIR"] = cache_dir

    rows = {k: [] for k in ("w-per", "t-per", "w-vol", "w-vol-cold", "t-vol")}
    last = {}
    for i in range(a.runs):
        out = bench.fresh_out("peers-wenshu")
        rows["w-per"].append(run("peers-wenshu-per", i, wcmd + ["-o", out, "-q"]))
        last["w-per"] = out

        tout = bench.fresh_out("peers-typst")
        os.makedirs(tout)
        job = typst_job("peers-typst-per", [(typst_notices.document(r), os.path.join(tout, f"{r['id']}.pdf"))
                                            for r in rs], mod)
        rows["t-per"].append(dict(run("peers-typst-per", i, [node, peers_js, job]), **node_report(f"peers-typst-per.{i}")))
        last["t-per"] = tout

        for key, label in (("w-vol-cold", "peers-wenshu-volume-cold"), ("w-vol", "peers-wenshu-volume")):
            shutil.rmtree(volume_dir, ignore_errors=True)
            if key == "w-vol-cold":  # the layouts only: the per-record files' stat records stay (batch/statcache.h)
                shutil.rmtree(os.path.join(cache_dir, "layouts"), ignore_errors=True)
            rows[key].append(run(label, i, comb_cmd))
            with open(os.path.join(WORK, f"{label}.{i}.0.log"), encoding="utf-8") as f:
                summary = f.read()
            # the summary in either language (the caller's locale decides it)
            if not re.search(rf"生成 1 个文件，{n} 个未变无需重做|1 file made, {n} unchanged", summary):
                sys.exit(f"bench-peers: the combined run remade more than its volume: {summary.strip()}")

        rows["t-vol"].append(dict(run("peers-typst-volume", i, [node, peers_js, vol_job]),
                                  **node_report(f"peers-typst-volume.{i}")))

    w_files, w_bytes = pdf_sizes(last["w-per"])
    t_files, t_bytes = pdf_sizes(last["t-per"])
    w_vol = os.path.join(volume_dir, "评议意见反馈通知书.pdf")
    # Pages of all the per-record files (wenshu's manifest, Typst's report), and of each volume.
    with open(os.path.join(last["w-per"], "manifest.json"), encoding="utf-8") as f:
        w_pages = sum(e["pages"] for e in json.load(f)["files"])
    t_pages = rows["t-per"][-1]["pages"]
    pages = {}
    for k, f in (("w-vol", w_vol), ("t-vol", typ_vol)):
        info = subprocess.run(["pdfinfo", f], capture_output=True, text=True).stdout
        m = re.search(r"^Pages:\s+(\d+)", info, re.M)
        pages[k] = int(m.group(1)) if m else 0
    fonts_ok = {}
    for k, f in (("wenshu", w_files[0]), ("Typst", t_files[0]), ("wenshu volume", w_vol), ("Typst volume", typ_vol)):
        lines = subprocess.run(["pdffonts", f], capture_output=True, text=True).stdout.splitlines()[2:]
        fonts_ok[k] = ", ".join(f"{ln.split()[0].split('+')[-1]} ({'embedded' if ln.split()[-5] == 'yes' else 'NOT embedded'})"
                                for ln in lines)
    if len(w_files) != n or len(t_files) != n:
        sys.exit(f"bench-peers: expected {n} PDFs each, wenshu wrote {len(w_files)}, Typst {len(t_files)}")
    volume_bytes = {k: os.path.getsize(f) for k, f in (("w", w_vol), ("t", typ_vol))}
    total = time.perf_counter() - t_start
    bench.remove_outputs()
    for d in (comb_out, typ_vol_dir, cache_dir):
        shutil.rmtree(d, ignore_errors=True)

    wp, tp, wv, tv, wc = rows["w-per"], rows["t-per"], rows["w-vol"], rows["t-vol"], rows["w-vol-cold"]
    ms = lambda s: 1000 * s  # noqa: E731
    w_per_ms = ms(median(wp, "wall")) / n
    t_per_ms = ms(median(tp, "wall")) / n
    t_per_compile_ms = median(tp, "compile_ms") / n
    start_ms = statistics.median([r["startup_ms"] for r in tp + tv])
    w_vol_s, t_vol_s = median(wv, "wall"), median(tv, "wall")
    t_vol_compile_s = median(tv, "compile_ms") / 1000
    pair_per = [t["wall"] / w["wall"] for w, t in zip(wp, tp)]
    pair_vol = [t["wall"] / w["wall"] for w, t in zip(wv, tv)]
    pair_vol_cpu = [t["cpu"] / w["cpu"] for w, t in zip(wv, tv)]
    pair_cold_cpu = [t["cpu"] / w["cpu"] for w, t in zip(wc, tv)]
    with open(os.path.join(WORK, "peers-summary.json"), "w", encoding="utf-8") as f:  # for `make bench-all`
        json.dump({"started": f"{started:%Y-%m-%d %H:%M} UTC", "records": n,
                   "wenshu_per_cpu_ms": 1000 * median(wp, "cpu") / n, "typst_per_cpu_ms": 1000 * median(tp, "cpu") / n,
                   "volume_kept_cpu_s": median(wv, "cpu"), "volume_cold_cpu_s": median(wc, "cpu"),
                   "typst_volume_cpu_s": median(tv, "cpu"),
                   "pairs_kept": pair_vol_cpu, "pairs_cold": pair_cold_cpu}, f, indent=1)
    m = bench.machine()
    show = bench.show_cmd
    lines = [
        "# `make bench-peers` results: wenshu and Typst, the same notices",
        "",
        f"Written by `make bench-peers` (bench/peers.py{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}) on "
        f"{started:%Y-%m-%d %H:%M} UTC; took {total / 60:.1f} min.",
        "",
        f"- Machine: {m['nproc']} processors, {m['cpu']}, {m['ram_gb']:.1f} GB RAM, Linux {m['kernel']}.",
        f"- Load average before / after: {load_before} / {bench.loadavg()} (other work on the machine inflates wall "
        "times; runs alternate wenshu, Typst, wenshu, Typst, so it falls on both alike).",
        f"- Typst: {PACKAGE} {pinned_version()} (Typst's compiler in-process, Node "
        f"{subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}), one process per "
        "case compiling every document with one compiler, its fonts loaded once. Notice: "
        "`bench/peers/notice.typ` (A4, text block 156 × 225 mm at 37 / 28 mm, 22 lines of 28 characters of 16 pt; "
        "the default style's faces — FandolFang body, FandolSong Bold title, FandolHei headings, FandolSong page "
        "numbers, Liberation Serif for Latin letters and digits, AR PL UMing for the rare characters Fandol lacks — "
        "the same font files), fields from `wenshu merge templates/feedback.md` of the same records.",
        f"- {a.runs} run{'s' if a.runs > 1 else ''} per line, medians; times are of whole commands (process start to exit); CPU is user + "
        "system from wait4.",
        "",
        f"## {n} 评议意见反馈通知书, one file per member",
        "",
        f"wenshu: `{show(wcmd + ['-o', 'OUT', '-q'])}` into an empty folder; Typst: "
        f"`node bench/peers/peers.js JOB` ({n} documents, one after the other).",
        "",
        "| program | wall s (median) | ms/record | CPU ms/record | peak RSS | pages/PDF (mean) | bytes/PDF |",
        "|---|---|---|---|---|---|---|",
        f"| wenshu -j 1 | {median(wp, 'wall'):.2f} | {w_per_ms:.2f} | {ms(median(wp, 'cpu')) / n:.2f} | "
        f"{max(r['rss_kb'] for r in wp) / 1024:.1f} MB | {w_pages / n:.2f} | {w_bytes / 1024:.1f} KB |",
        f"| Typst | {median(tp, 'wall'):.2f} | {t_per_ms:.2f} | {ms(median(tp, 'cpu')) / n:.2f} | "
        f"{max(r['rss_kb'] for r in tp) / 1024:.1f} MB | {t_pages / n:.2f} | {t_bytes / 1024:.1f} KB |",
        "",
        f"- Typst ÷ wenshu, time per record: **{t_per_ms / w_per_ms:.1f} ×** (paired runs: "
        f"{', '.join(f'{x:.1f}' for x in pair_per)}); Typst's compiling alone (start-up left out) "
        f"{t_per_compile_ms:.2f} ms a record, {t_per_compile_ms / w_per_ms:.1f} × wenshu's whole command; "
        f"CPU per record {median(tp, 'cpu') / median(wp, 'cpu'):.1f} × (steadier than wall on a loaded machine).",
        f"- bytes per PDF, wenshu ÷ Typst: {w_bytes / t_bytes:.2f} ×."
        + (f" Typst's notices run to {t_pages} pages against wenshu's {w_pages}: Typst breaks some "
           "notices' lines differently (its Chinese line breaking and punctuation adjustment are its own), so "
           "they spill onto a third page, and in the volume the next notice then starts after a blank page." if t_pages != w_pages
           else ""),
        "",
        f"## one combined volume of the {n} notices",
        "",
        f"wenshu: `{show(comb_cmd)}` with every per-record file up to date (the volume alone is remade: "
        f"\"生成 1 个文件，{n} 个未变无需重做\"), one document with one font subset per face; \"layouts kept\": "
        "the records' display lists from the previous run's layout cache (what a rebuild after correcting a record "
        "finds: cli/volume_cache.h), \"all laid out\": the layout cache emptied first, every record laid out again. "
        "Both trust the per-record files' stat as recorded by an earlier run (batch/statcache.h); the first cold run "
        "hashes the 500 files instead (made by the untimed build seconds before, too recent to be recorded). "
        f"Typst: one document of the {n} notices, each starting on an odd page with its own page numbers and a "
        "bookmark.",
        "",
        "| program | wall s (median) | CPU s | peak RSS | pages | bytes |",
        "|---|---|---|---|---|---|",
        f"| wenshu volume, layouts kept | {w_vol_s:.3f} | {median(wv, 'cpu'):.3f} | "
        f"{max(r['rss_kb'] for r in wv) / 1024:.1f} MB | {pages['w-vol']} | {volume_bytes['w'] / 1024 / 1024:.2f} MB |",
        f"| wenshu volume, all laid out | {median(wc, 'wall'):.3f} | {median(wc, 'cpu'):.3f} | "
        f"{max(r['rss_kb'] for r in wc) / 1024:.1f} MB | {pages['w-vol']} | {volume_bytes['w'] / 1024 / 1024:.2f} MB |",
        f"| Typst document | {t_vol_s:.3f} | {median(tv, 'cpu'):.3f} | {max(r['rss_kb'] for r in tv) / 1024:.1f} MB | "
        f"{pages['t-vol']} | {volume_bytes['t'] / 1024 / 1024:.2f} MB |",
        "",
        f"- Typst ÷ wenshu, the combined volume, CPU (the steady figure on a shared machine): layouts kept "
        f"**{median(tv, 'cpu') / median(wv, 'cpu'):.1f} ×** (paired runs: {', '.join(f'{x:.1f}' for x in pair_vol_cpu)}), "
        f"all laid out **{median(tv, 'cpu') / median(wc, 'cpu'):.1f} ×** (paired runs: "
        f"{', '.join(f'{x:.1f}' for x in pair_cold_cpu)}); issue 22's target: ≥ 10 ×.",
        f"- Wall time, layouts kept: {t_vol_s / w_vol_s:.1f} × (paired runs: {', '.join(f'{x:.1f}' for x in pair_vol)}); "
        f"all laid out {t_vol_s / median(wc, 'wall'):.1f} ×; Typst's compiling alone {t_vol_compile_s:.3f} s, "
        f"{t_vol_compile_s / w_vol_s:.1f} × wenshu's whole command (layouts kept).",
        "",
        "## Typst's start-up",
        "",
        f"- {start_ms:.0f} ms (median over the {len(tp) + len(tv)} Node processes above): Node's own start, loading "
        "the compiler module and creating a compiler with the style's font files; included in the Typst rows' wall "
        "times, not in \"compiling alone\".",
        "",
        "## Fonts",
        "",
    ] + [f"- {k}: {v}" for k, v in fonts_ok.items()] + [""]
    text = "\n".join(lines)
    if a.no_results:
        print(text)
    else:
        path = os.path.join(HERE, "PEERS.md")
        notes = ""
        if os.path.exists(path):  # keep the hand-written notes below the marker, as bench.py does
            old = open(path, encoding="utf-8").read()
            if "\n<!-- notes -->" in old:
                notes = old[old.index("\n<!-- notes -->"):]
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + notes)
        print(text)
        bench.log(f"wrote {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
