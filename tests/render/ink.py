#!/usr/bin/env python3
"""Where the ink lies inside a box of a PDF page, measured on a 600 dpi rendering.

Usage: ink.py FILE.pdf PAGE X0 Y0 X1 Y1
The box is in PDF points, origin bottom-left (as pdftrace.py gives glyph positions). Prints
the ink's bounding box in the same coordinates, "x0 y0 x1 y1", and then the longest run of
inked pixels along the box's middle row of ink as "run X0 X1" — a rule drawn across the box
is one run; two dashes with a gap between them are two. Prints "none" when the box is blank.
"""
import subprocess
import sys

DPI = 600
pdf, page = sys.argv[1], sys.argv[2]
x0, y0, x1, y1 = (float(v) for v in sys.argv[3:7])
height_pt = float(subprocess.run(["pdfinfo", "-f", page, "-l", page, pdf], capture_output=True, text=True,
                                 check=True).stdout.split("Page    %s size:" % page)[1].split()[2])
s = DPI / 72.0
px, py = int(x0 * s), int((height_pt - y1) * s)
w, h = int((x1 - x0) * s) + 1, int((y1 - y0) * s) + 1
pgm = subprocess.run(["pdftoppm", "-f", page, "-l", page, "-r", str(DPI), "-gray", "-x", str(px), "-y", str(py),
                      "-W", str(w), "-H", str(h), pdf], capture_output=True, check=True).stdout
# P5 header: magic, width, height, maxval, each followed by whitespace
fields, pos = [], 0
while len(fields) < 4:
    while pgm[pos:pos + 1].isspace():
        pos += 1
    end = pos
    while not pgm[end:end + 1].isspace():
        end += 1
    fields.append(pgm[pos:end])
    pos = end
pos += 1
W, H = int(fields[1]), int(fields[2])
pix = pgm[pos:pos + W * H]
inked = [(x, y) for y in range(H) for x in range(W) if pix[y * W + x] < 128]
if not inked:
    print("none")
    sys.exit(0)
ix0, ix1 = min(x for x, _ in inked), max(x for x, _ in inked)
iy0, iy1 = min(y for _, y in inked), max(y for _, y in inked)
to_x = lambda x: px / s + x / s
to_y = lambda y: height_pt - (py + y) / s
print("%.2f %.2f %.2f %.2f" % (to_x(ix0), to_y(iy1 + 1), to_x(ix1 + 1), to_y(iy0)))
mid = (iy0 + iy1) // 2
best, run_start, best_run = 0, None, (0, 0)
for x in range(W + 1):
    on = x < W and pix[mid * W + x] < 128
    if on and run_start is None:
        run_start = x
    if not on and run_start is not None:
        if x - run_start > best:
            best, best_run = x - run_start, (run_start, x)
        run_start = None
print("run %.2f %.2f" % (to_x(best_run[0]), to_x(best_run[1])))
