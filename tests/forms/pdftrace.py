#!/usr/bin/env python3
"""Glyphs and strokes of a PDF, from `mutool draw -F trace`, for measuring form elements.

Usage: pdftrace.py FILE.pdf EXPRESSION
       pdftrace.py FILE.pdf NAME=EXPRESSION...   (prints NAME<TAB>value lines)
Evaluates EXPRESSION (Python) and prints the result, with:
  pages            list of pages; each {"glyphs": [...], "strokes": [...]}, 1-based via page(n)
  page(n)          page n (1-based)
  findall(n, text) every such run (find: the first, or None)
  find(n, text)    the first run of glyphs on one baseline of page n spelling text:
                   {"x0", "x1", "y"} (left edge of the first advance box, right edge of the
                   last, baseline), or None
  hlines(n)        horizontal strokes of page n: {"x0", "x1", "y", "w", "dash"}
  rects(n)         closed 4-corner stroked paths (boxes): {"x0", "y0", "x1", "y1", "w"}
Coordinates are PDF points, origin bottom-left. Glyph widths are the advances the PDF says.
"""
import subprocess
import sys
import xml.etree.ElementTree as ET


def load(path):
    out = subprocess.run(["mutool", "draw", "-q", "-F", "trace", "-o", "-", path],
                         capture_output=True, check=False)
    if out.returncode != 0:
        sys.exit("mutool failed: " + out.stderr.decode("utf-8", "replace"))
    root = ET.fromstring(out.stdout)
    pages = []
    for pg in root.iter("page"):
        glyphs, strokes = [], []
        for el in pg:
            if el.tag == "fill_text":
                for span in el.iter("span"):
                    size = float(span.get("trm").split()[0])
                    for g in span.iter("g"):
                        glyphs.append({"c": g.get("unicode"), "x": float(g.get("x")), "y": float(g.get("y")),
                                       "w": float(g.get("adv")) * size, "size": size})
            elif el.tag == "stroke_path":
                pts = [(float(p.get("x")), float(p.get("y"))) for p in el if p.tag in ("moveto", "lineto")]
                closed = any(p.tag == "closepath" for p in el)
                strokes.append({"w": float(el.get("linewidth")), "dash": el.get("dash"), "pts": pts,
                                "closed": closed})
        pages.append({"glyphs": glyphs, "strokes": strokes})
    return pages


def cached(path):
    """The trace of path, kept beside it (FILE.trace.json) while the PDF is unchanged: tests
    ask many questions of one PDF, and mutool runs once."""
    import json
    import os
    cache = path + ".trace.json"
    try:
        if os.path.getmtime(cache) >= os.path.getmtime(path):
            with open(cache, encoding="utf-8") as f:
                return json.load(f)
    except (OSError, ValueError):
        pass
    data = load(path)
    tmp = cache + ".%d" % os.getpid()
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, cache)
    return data


pages = cached(sys.argv[1])


def page(n):
    return pages[n - 1]


def find(n, text):
    found = findall(n, text)
    return found[0] if found else None


def findall(n, text):
    """Every run of glyphs on one baseline of page n spelling text (spaces skipped)."""
    gs = sorted(page(n)["glyphs"], key=lambda g: (-round(g["y"], 1), g["x"]))
    hits = []
    for i in range(len(gs)):
        run = [gs[i]]
        j = i + 1
        while len(run) < len(text) and j < len(gs) and abs(gs[j]["y"] - gs[i]["y"]) < 0.5:
            if gs[j]["c"] != " ":
                run.append(gs[j])
            j += 1
        if "".join(g["c"] for g in run) == text:
            hits.append({"x0": run[0]["x"], "x1": run[-1]["x"] + run[-1]["w"], "y": run[0]["y"]})
    return hits


def hlines(n):
    out = []
    for s in page(n)["strokes"]:
        p = s["pts"]
        if len(p) == 2 and abs(p[0][1] - p[1][1]) < 0.01:
            out.append({"x0": min(p[0][0], p[1][0]), "x1": max(p[0][0], p[1][0]), "y": p[0][1], "w": s["w"],
                        "dash": s["dash"]})
    return out


def rects(n):
    out = []
    for s in page(n)["strokes"]:
        p = s["pts"]
        if s["closed"] and len(p) == 4:
            xs, ys = [q[0] for q in p], [q[1] for q in p]
            out.append({"x0": min(xs), "y0": min(ys), "x1": max(xs), "y1": max(ys), "w": s["w"]})
    return out


if len(sys.argv) == 3 and "=" not in sys.argv[2].split("(")[0]:
    print(eval(sys.argv[2]))
else:
    # NAME=EXPRESSION ...: one "NAME<TAB>value" line each (a value that fails prints None),
    # so a test asks all its questions with one run.
    # Each NAME is visible to the expressions after it.
    names = dict(globals())
    for arg in sys.argv[2:]:
        name, expr = arg.split("=", 1)
        try:
            val = names[name] = eval(expr, names)
        except Exception as e:  # noqa: BLE001 - the test reports the value it did not get
            val = "error: %s" % e
        print("%s\t%s" % (name, str(val).replace("\n", " ")))
