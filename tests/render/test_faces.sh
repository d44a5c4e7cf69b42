#!/usr/bin/env bash
# The faces of the default style (gbt9704: Fandol, CFF outlines) and of the AR PL style kept by
# name (gbt9704-uming, TrueType), measured from the PDF: the fonts pdffonts names and their
# types, the ink of 。 in the lower left of its em box (mainland form, GB/T 15834), —— drawn
# as one continuous rule, the text extracted as typed, archive copies valid.
. "$(dirname "$0")/../lib/assert.sh"
FIX="$ROOT/tests/render/fixtures"
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/pdf/lib.sh"
TRACE="$ROOT/tests/forms/pdftrace.py"
INK="$ROOT/tests/render/ink.py"

run "$WENSHU" render "$FIX/faces.md" -o "$TMP/f.pdf"
assert_status 0 "faces.md renders with the default style"
assert_eq "$ERR" "" "no warning: every face of the default style is installed (make deps)"
fonts=$(pdffonts "$TMP/f.pdf" | tail -n +3 | awk '{ print $1, $2, $3, $4 }' | sed 's/^[A-Z]*+//' | sort)
assert_eq "$fonts" "FandolFang-Regular CID Type 0C
FandolHei-Regular CID Type 0C
FandolKai-Regular CID Type 0C
FandolSong-Bold CID Type 0C
FandolSong-Regular CID Type 0C
LiberationSerif CID TrueType Identity-H" \
    "仿宋 body, FandolSong Bold title, 黑体, 楷体, 宋体 page number as CID Type 0C; Latin in Liberation Serif"
# the page number in one face: FandolSong's dashes, digits and spaces (not Liberation's digits)
# (the last line of page 1 is its page number: the spans on its baseline)
pn=$(mutool trace "$TMP/f.pdf" 1 2>/dev/null | python3 -c '
import re, sys
font, rows = None, []
for line in sys.stdin:
    m = re.search(r"<span font=\"([^\"]+)\"", line)
    if m: font = m.group(1)
    g = re.search(r"<g unicode=\"([^\"]*)\" glyph=\"[0-9]+\" x=\"[-0-9.]+\" y=\"([-0-9.]+)\"", line)
    if g: rows.append((float(g.group(2)), g.group(1), font))
low = min(r[0] for r in rows)
print(" ".join(sorted({f.split("+")[-1] for y, u, f in rows if y == low})))
print("".join(u for y, u, f in rows if y == low))')
assert_eq "$pn" "FandolSong-Regular
— 1 —" "page number — 1 —: dashes, digit and spaces all in FandolSong"
assert_contains "$(pdftotext "$TMP/f.pdf" - | grep -c '^— 1 —$')" "1" "pdftotext extracts the page number as — 1 —"
obj=$(pdffonts "$TMP/f.pdf" | awk '/FandolFang/ { print $(NF-1) }')
assert_contains "$(mutool show "$TMP/f.pdf" "$obj/DescendantFonts/1")" "/CIDFontType0" "the 仿宋 is a CIDFontType0"
assert_contains "$(mutool show "$TMP/f.pdf" "$obj/DescendantFonts/1/FontDescriptor/FontFile3")" "/Subtype /CIDFontType0C" \
    "its program is a FontFile3 /CIDFontType0C"
assert_not_contains "$(mutool show "$TMP/f.pdf" "$obj/DescendantFonts/1")" "CIDToGIDMap" "and has no CIDToGIDMap"
assert_eq "$(text_of "$TMP/f.pdf")" "$(source_of "$FIX/faces.md")" "pdftotext gives the text as typed"
assert "pdffonts prints no warnings" quiet_stderr pdffonts "$TMP/f.pdf"
assert "mutool draw prints no warnings" quiet_stderr mutool draw -q -o /dev/null -F txt "$TMP/f.pdf"
assert "pdftoppm prints no warnings" quiet_stderr pdftoppm -r 20 -png "$TMP/f.pdf" "$TMP/f"
run qpdf --check "$TMP/f.pdf"
assert_status 0 "qpdf --check"
latin=$(python3 "$TRACE" "$TMP/f.pdf" "v=sorted(set(round(g['w'] / g['size'], 2) for g in page(1)['glyphs'] if g['c'] in 'l1W' and g['y'] > 100))" | sed -n 's/^v\t//p')
assert_eq "$latin" "[0.28, 0.5, 0.94]" "Latin is proportional (Times metrics: l 0.28, 1 0.5, W 0.94 em)"

# glyph CHAR [N]: "x baseline size" of the N-th (1-based) CHAR on page 1
glyph() { python3 "$TRACE" "$1" "v=(lambda g: '%.2f %.2f %.2f' % (g['x'], g['y'], g['size']))([g for g in page(1)['glyphs'] if g['c'] == '$2'][${3:-1} - 1])" | sed -n 's/^v\t//p'; }
# quadrant PDF: where the ink of the first 。 lies in its em box (0.88 em above the baseline, 0.12 below)
quadrant() {
    read -r x y size <<<"$(glyph "$1" 。)"
    read -r ix0 iy0 ix1 iy1 <<<"$(python3 "$INK" "$1" 1 "$x" "$(echo "$y - 0.12 * $size" | bc)" "$(echo "$x + $size" | bc)" "$(echo "$y + 0.88 * $size" | bc)" | sed -n 1p)"
    awk -v x="$x" -v y="$y" -v s="$size" -v a="$ix0" -v b="$iy0" -v c="$ix1" -v d="$iy1" \
        'BEGIN { h = (c <= x + s / 2) ? "left" : (a >= x + s / 2 ? "right" : "centre");
                 v = (d <= y + 0.38 * s) ? "lower" : (b >= y + 0.38 * s ? "upper" : "middle"); print v, h }'
}
assert_eq "$(quadrant "$TMP/f.pdf")" "lower left" "the ink of 。 lies in the lower-left quadrant of its em box (600 dpi)"
# dash_runs PDF: the longest inked run across ——, in em
dash_run() {
    read -r x y size <<<"$(glyph "$1" —)"
    python3 "$INK" "$1" 1 "$x" "$(echo "$y - 0.12 * $size" | bc)" "$(echo "$x + 2 * $size" | bc)" "$(echo "$y + 0.88 * $size" | bc)" |
        awk -v s="$size" '/^run/ { printf "%.1f\n", ($3 - $2) / s }'
}
assert_eq "$(dash_run "$TMP/f.pdf")" "2.0" "—— is one continuous rule of 2 em"

# the AR PL style, kept by name: TrueType faces, Taiwan-style centred 。 and a gap in ——
run "$WENSHU" render "$FIX/faces.md" -o "$TMP/u.pdf" --style gbt9704-uming
assert_status 0 "faces.md renders with --style gbt9704-uming"
assert_contains "$(pdffonts "$TMP/u.pdf" | awk '{ print $1, $2, $3 }')" "+UMingCN CID TrueType" "gbt9704-uming sets the body in UMing, CID TrueType"
assert_eq "$(text_of "$TMP/u.pdf")" "$(source_of "$FIX/faces.md")" "gbt9704-uming: text as typed"
assert_contains "$(quadrant "$TMP/u.pdf")" "centre" "(the measurement sees UMing's centred 。)"
assert_contains "$(dash_run "$TMP/u.pdf")" "0." "(and the gap in UMing's ——)"

# archive copies with CFF fonts
run "$WENSHU" render "$FIX/faces.md" -o "$TMP/a.pdf" --archive
assert_status 0 "archive copy renders"
run python3 "$ROOT/tests/pdf/check_archive.py" "$TMP/a.pdf"
assert_status 0 "PDF/A-1b checks pass with CIDFontType0C fonts (CIDSet included): ${OUT:0:400}"
assert_eq "$(text_of "$TMP/a.pdf")" "$(source_of "$FIX/faces.md")" "archive copy: text as typed"

# styles may name a face by file path (TTC faces by index: file#N) or by pattern with a style
fang=$(fc-match -f '%{file}' FandolFang)
uming=$(fc-match -f '%{file}' 'AR PL UMing CN')
printf '[fonts]\nbody = %s\ntitle = %s#0\n' "$fang" "$uming" >"$TMP/path.style"
run "$WENSHU" render "$FIX/faces.md" -o "$TMP/p.pdf" --style "$TMP/path.style"
assert_status 0 "a style naming faces by file path renders"
assert_contains "$(pdffonts "$TMP/p.pdf")" "FandolFang-Regular" "the body face comes from its path"
printf '[fonts]\nbody = FandolSong:style=Black, FandolFang\n' >"$TMP/pat.style"
run "$WENSHU" render "$FIX/faces.md" -o "$TMP/q.pdf" --style "$TMP/pat.style"
assert_contains "$ERR" '字体 "FandolSong:style=Black"（body）未安装' "a style that is not installed is not silently another"

# Latin in a CFF face with subroutines (cut by hb-subset, then rewritten by cffprog): TeX Gyre
# Termes from Debian's fonts-texgyre, when installed (not a dependency: 8 MB for this one check)
if fc-list -q 'TeX Gyre Termes'; then
    printf '[fonts]\nbody = FandolFang\nlatin = TeX Gyre Termes:style=Regular\n' >"$TMP/termes.style"
    run "$WENSHU" render "$FIX/faces.md" -o "$TMP/t.pdf" --style "$TMP/termes.style"
    assert_status 0 "Latin in TeX Gyre Termes (CFF with subroutines) renders"
    assert_contains "$(pdffonts "$TMP/t.pdf" | awk '{ print $1, $2, $3 }')" "+TeXGyreTermes-Regular CID Type" \
        "TeX Gyre Termes embedded as CID Type 0C"
    assert_eq "$(text_of "$TMP/t.pdf")" "$(source_of "$FIX/faces.md")" "TeX Gyre Termes: text as typed"
    run sh -c "pdftoppm -r 100 -png '$TMP/t.pdf' '$TMP/tp' 2>&1; mutool draw -q -o '$TMP/tm%d.png' '$TMP/t.pdf' 2>&1 | grep -v ICC"
    assert_eq "$OUT" "" "poppler and mupdf render it without a complaint"
else
    ok "# SKIP TeX Gyre Termes (fonts-texgyre) not installed: the hb-subset CFF path is not rendered"
fi
done_testing
