#!/usr/bin/env python3
"""Checks that two builds of the same records are the same documents, file by file.

    python3 bench/compare.py BEFORE_DIR AFTER_DIR [--sample N] [--pdfcheck N] [--dpi 50]

For every PDF under BEFORE_DIR (or an evenly spread sample of N): the same relative path must
exist under AFTER_DIR, every page's content stream must be identical once decompressed (the
same glyph codes at the same places), every page must rasterise to the same pixels (mutool,
grey, DPI), and the extracted text must match. For the first --pdfcheck files it also compares
the JSON of shared/tools/pdfcheck.py (tests/lib/pdfcheck.py), the acceptance measurements.
Font programs and compression may differ: that is what the optimisations change.
Exit status 0 when everything matched, 1 otherwise.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PDFCHECK = os.path.join(os.path.dirname(HERE), "tests", "lib", "pdfcheck.py")


def pdfs(root):
    out = []
    for d, _, files in os.walk(root):
        out += [os.path.relpath(os.path.join(d, f), root) for f in files if f.endswith(".pdf")]
    return sorted(out)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, check=True).stdout


def npages(path):
    info = run(["mutool", "info", path]).decode("utf-8", "replace")
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def contents(path, n):
    return [run(["mutool", "show", "-b", path, f"pages/{p}/Contents"]) for p in range(1, n + 1)]


def raster(path, dpi, tmp, tag):
    pat = os.path.join(tmp, f"{tag}-%d.pgm")
    run(["mutool", "draw", "-q", "-r", str(dpi), "-c", "gray", "-o", pat, path])
    out, p = [], 1
    while os.path.exists(pat % p):
        with open(pat % p, "rb") as f:
            out.append(f.read())
        os.unlink(pat % p)
        p += 1
    return out


def text(path):
    return run(["mutool", "draw", "-q", "-F", "txt", "-o", "-", path])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--sample", type=int, default=0, help="compare N files spread over the set (0: all)")
    ap.add_argument("--pdfcheck", type=int, default=3)
    ap.add_argument("--dpi", type=int, default=50)
    a = ap.parse_args()
    files = pdfs(a.before)
    if a.sample and a.sample < len(files):
        step = len(files) / a.sample
        files = [files[int(i * step)] for i in range(a.sample)]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, rel in enumerate(files):
            b, f = os.path.join(a.before, rel), os.path.join(a.after, rel)
            problems = []
            if not os.path.exists(f):
                problems.append("missing")
            else:
                nb, na = npages(b), npages(f)
                if nb != na:
                    problems.append(f"pages {nb} vs {na}")
                else:
                    if contents(b, nb) != contents(f, na):
                        problems.append("content streams differ")
                    if raster(b, a.dpi, tmp, "b") != raster(f, a.dpi, tmp, "a"):
                        problems.append("pixels differ")
                    if text(b) != text(f):
                        problems.append("text differs")
                if i < a.pdfcheck:
                    jb = json.loads(run([sys.executable, PDFCHECK, b]))
                    ja = json.loads(run([sys.executable, PDFCHECK, f]))
                    for k in ("file",):  # the one field that names the folder
                        jb.pop(k, None), ja.pop(k, None)
                    if jb != ja:
                        problems.append("pdfcheck measures differ")
            size = f"{os.path.getsize(b)} -> {os.path.getsize(f)} bytes" if os.path.exists(f) else ""
            print(f"{'FAIL' if problems else 'same'} {rel} {size} {'; '.join(problems)}")
            bad += bool(problems)
    print(f"{len(files) - bad} of {len(files)} files the same")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
