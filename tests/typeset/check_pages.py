#!/usr/bin/env python3
"""Measures issue-16 typesetting faults in a PDF, from `mutool draw -F trace` (pdftrace.py).

Usage: check_pages.py FILE.pdf title WORD...   title lines (size > 20): prints, one per line,
                                               "ok" or the line end that splits one of WORDs,
                                               then "spread N" (longest - shortest line, 字)
       check_pages.py FILE.pdf left            the leftmost glyph edge of any page, mm
       check_pages.py FILE.pdf lastlines       per page, the text of its last body line
       check_pages.py FILE.pdf runs CHAR       per page, how many body lines hold CHAR (a
                                               character only the paragraph under test uses)
       check_pages.py FILE.pdf orphans         per page break, a line "page N: heading|first|last TEXT"
                                               for a page ending with a heading (a line wholly in a
                                               face other than the body face, or of 18 pt or more), a
                                               page ending with a paragraph's lone first line (a full,
                                               indented line, the next page going on flush left), or
                                               a page starting with a lone last line (widow)
       check_pages.py FILE.pdf rows CHARS      tables whose row i is marked by CHARS[i]: per page,
                                               "page N: rows {CHAR: lines} foot F head H", F the
                                               blank between the page's lowest line and the block
                                               bottom in table lines, H whether 序号 is on it
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
            font = span.get("font", "").split("+")[-1]
            for g in span.iter("g"):
                glyphs.append({"c": g.get("unicode"), "x": float(g.get("x")), "y": float(g.get("y")), "size": size,
                               "font": font})
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
    elif what == "orphans":
        bottom = 35 / 25.4 * 72  # the block's bottom in the GB/T 9704 and form styles
        left = 28 / 25.4 * 72
        body = []
        for p in pages:
            gl = [g for g in p["glyphs"] if g["y"] > bottom - 2]
            body.append(lines_of({"glyphs": gl}, body_only=False))
        fonts = {}
        for p in pages:
            for g in p["glyphs"]:
                fonts[g["font"]] = fonts.get(g["font"], 0) + 1
        main_font = max(fonts, key=fonts.get) if fonts else ""
        right = max((l[-1]["x"] + l[-1]["size"] for ls in body for l in ls if l), default=0)

        def heading(l):
            fs = {g["font"] for g in l if g["c"].strip()}
            # titles are 18 pt and more, body text 16 pt (3号) at most; table text is smaller
            return (len(fs) == 1 and main_font not in fs and l[0]["size"] >= 14) or l[0]["size"] >= 17.5

        def indented(l):
            return 1.5 * l[0]["size"] < l[0]["x"] - left < 2.5 * l[0]["size"]

        def flush(l):
            return abs(l[0]["x"] - left) < 1.0

        def full(l):
            return l[-1]["x"] + l[-1]["size"] > right - 1.5 * l[-1]["size"]

        for n in range(len(body) - 1):
            ls, nx = body[n], body[n + 1]
            if not ls or not nx:
                continue
            last, first = ls[-1], nx[0]
            if heading(last):
                print("page %d: heading %s" % (n + 1, text(last)))
            elif indented(last) and full(last) and flush(first) and not heading(first) and len(ls) > 1:
                print("page %d: first %s" % (n + 1, text(last)))
            if flush(first) and not full(first) and len(nx) > 1 and indented(nx[1]) and full(last) and not heading(first):
                print("page %d: last %s" % (n + 2, text(first)))
    elif what == "rows":
        bottom = 35 / 25.4 * 72  # GB/T 9704 and form styles: the block ends 35 mm above the page edge
        for n, p in enumerate(pages, 1):
            gl = [g for g in p["glyphs"] if g["y"] > bottom - 2]  # not the page number
            ls = lines_of({"glyphs": gl}, body_only=False)
            rows = {}
            for c in args[0]:
                # the row's lines: its tallest cell's (cells of a whole row are centred, so
                # their baselines differ); a cell is the run of a line's glyphs of CHAR
                cols = {}
                for l in ls:
                    xs = [g["x"] for g in l if g["c"] == c]
                    if xs:
                        key = round(min(xs) / 20)
                        cols[key] = cols.get(key, 0) + 1
                if cols:
                    rows[c] = max(cols.values())
            low = min(gl, key=lambda g: g["y"]) if gl else None
            foot = (low["y"] - bottom) / (1.45 * low["size"]) - 0.5 if low else 0
            print("page %d: rows %s foot %.2f head %s" % (n, rows, foot, any("序号" in text(l) for l in ls)))
    elif what == "runs":
        print([sum(1 for l in lines_of(p) if args[0] in text(l)) for p in pages])

if __name__ == "__main__":
    main()
