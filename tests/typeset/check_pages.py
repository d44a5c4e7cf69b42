#!/usr/bin/env python3
"""Measures issue-16 typesetting faults in a PDF, from `mutool draw -F trace` (pdftrace.py).

Usage: check_pages.py FILE.pdf title WORD...   title lines (size > 20): prints, one per line,
                                               "ok" or the line end that splits one of WORDs,
                                               then "spread N" (longest - shortest line, 字)
       check_pages.py FILE.pdf left            the leftmost glyph edge of any page, mm
       check_pages.py FILE.pdf lastlines       per page, the text of its last body line
       check_pages.py FILE.pdf runs CHAR       per page, how many body lines hold CHAR (a
                                               character only the paragraph under test uses)
"""
import subprocess
import sys
import xml.etree.ElementTree as ET


def load(path):
    """Glyphs of each page, as tests/forms/pdftrace.py reads them."""
    out = subprocess.run(["mutool", "draw", "-q", "-F", "trace", "-o", "-", path], capture_output=True, check=True)
    pages = []
    for pg in ET.fromstring(out.stdout).iter("page"):
        glyphs = []
        for span in pg.iter("span"):
            size = float(span.get("trm").split()[0])
            for g in span.iter("g"):
                glyphs.append({"c": g.get("unicode"), "x": float(g.get("x")), "y": float(g.get("y")), "size": size})
        pages.append({"glyphs": glyphs})
    return pages


def lines_of(page, body_only=True):
    rows = {}
    for g in page["glyphs"]:
        if body_only and g["size"] < 15:
            continue  # page numbers
        rows.setdefault(round(g["y"], 1), []).append(g)
    return [sorted(rows[y], key=lambda g: g["x"]) for y in sorted(rows, reverse=True)]


def text(line):
    return "".join(g["c"] for g in line)


def main():
    path, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    pages = load(path)
    if what == "title":
        lines = [text(l) for l in lines_of(pages[0]) if l[0]["size"] > 20]
        joined = "".join(lines)
        at = 0
        for ln in lines[:-1]:
            at += len(ln)
            bad = [w for w in args if any(0 < at - i < len(w) for i in range(len(joined)) if joined.startswith(w, i))]
            print("ok" if not bad else ln + "|" + ",".join(bad))
        print("spread %d" % (max(map(len, lines)) - min(map(len, lines))))
    elif what == "left":
        print(round(min(g["x"] for p in pages for g in p["glyphs"]) / 72 * 25.4, 1))
    elif what == "lastlines":
        for p in pages:
            ls = lines_of(p)
            print(text(ls[-1]) if ls else "")
    elif what == "runs":
        print([sum(1 for l in lines_of(p) if args[0] in text(l)) for p in pages])

if __name__ == "__main__":
    main()
