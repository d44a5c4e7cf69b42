#!/usr/bin/env bash
# wenshu render: the GB/T 9704 page measured from the outside with pdfcheck.py.
. "$(dirname "$0")/../lib/assert.sh"
FIX="$ROOT/tests/render/fixtures"
. "$(dirname "$0")/lib.sh"

# --- the grid: full lines of 28, full pages of 22, the margins of the standard ---
run "$WENSHU" render "$FIX/grid.md" -o "$TMP/grid.pdf"
assert_status 0 "grid.md renders"
pdfcheck "$TMP/grid.pdf"
assert "grid: margins within 0.5 mm of 28/26/37/35 mm ($(pyq 'r["margins_mm"]'))" [ "$(margins_ok)" = True ]
assert_eq "$(pyq 'r["body"]["chars_per_full_line"]')" "[28]" "grid: every full body line has 28 characters"
assert_eq "$(pyq 'all(n == 22 for n in r["body"]["lines_per_page"][1:-1]) and r["body"]["max_lines_on_a_page"]')" "22" \
    "grid: every full page has 22 body lines ($(pyq 'r["body"]["lines_per_page"]'))"
assert_eq "$(pyq 'r["body"]["text_width_mm"]')" "156.0" "grid: lines fill the 156 mm block"
assert_eq "$(pyq 'len(r["breaks"])')" "0" "grid: no line-breaking faults"
assert_eq "$(pyq '[(p["number"], p["side"]) for p in r["page_numbers"]]')" \
    "[(1, 'right'), (2, 'left'), (3, 'right'), (4, 'left')]" "grid: page numbers odd right, even left"
assert_eq "$(pyq 'r["page_numbers"][0]["text"]')" "— 1 —" "grid: page number form — N —"
assert_eq "$(text_of "$TMP/grid.pdf")" "$(source_of "$FIX/grid.md")" "grid: extracted text equals the source"
# no space between two Chinese characters anywhere in the extracted text
stray=$(pdftotext -enc UTF-8 "$TMP/grid.pdf" - | grep -cP '[\x{4e00}-\x{9fff}] +[\x{4e00}-\x{9fff}]')
assert_eq "$stray" "0" "grid: no stray spaces between Chinese characters"

# page number 7 mm below the block: its glyph tops lie between 262+7-4 and 262+7+1 mm from the top
pn_top=$(python3 - "$TMP/grid.pdf" "$PDFCHECK" <<'PY'
import sys, importlib.util
spec = importlib.util.spec_from_file_location("pc", sys.argv[2]); pc = importlib.util.module_from_spec(spec); spec.loader.exec_module(pc)
page = pc.stext(sys.argv[1]).findall("page")[0]
for ln in pc.lines_of(page):
    if pc.PAGE_NUMBER.match(ln["text"].strip()):
        print(round(ln["top"] / pc.PT_PER_MM, 1))
PY
)
assert "page number sits ~7 mm below the block (glyph top at $pn_top mm)" python3 -c "import sys; t=float('${pn_top:-0}'); sys.exit(0 if 265 <= t <= 270 else 1)"

# fonts: every font embedded and subset
fonts=$(pdffonts "$TMP/grid.pdf" | tail -n +3)
assert "grid: fonts present" [ -n "$fonts" ]
assert_eq "$(awk '$(NF-4) != "yes" || $(NF-3) != "yes"' <<<"$fonts" | wc -l)" "0" "grid: every font embedded and subset"
assert_eq "$(awk '{print $1}' <<<"$fonts" | grep -vc '^[A-Z]\{6\}+')" "0" "grid: subset font names carry a tag"

# --- line-breaking fixtures: marks exactly at a line start (29th) and a line end (28th) ---
run "$WENSHU" render "$FIX/breaks.md" -o "$TMP/breaks.pdf"
assert_status 0 "breaks.md renders"
pdfcheck "$TMP/breaks.pdf"
assert_eq "$(pyq 'r["breaks"]')" "[]" "breaks: no line starts with 。，、；：？！」』）》”……——· and none ends with （《“「『"
assert_eq "$(pyq 'r["margins_mm"]["right"]')" "26.0" "breaks: squeezed lines stay inside the block"
assert_eq "$(text_of "$TMP/breaks.pdf")" "$(source_of "$FIX/breaks.md")" "breaks: extracted text equals the source"
assert_eq "$(pyq '29 in r["body"]["chars_per_full_line"] and 27 in r["body"]["chars_per_full_line"]')" "True" \
    "breaks: 先挤进 (29 on a line) and 后推出 (27) both happen"

# poppler reads the lines as mutool does: compressed marks never fall onto a line of their own
bad_starts=$(pdftotext -enc UTF-8 "$TMP/breaks.pdf" - | grep -c '^[。，、；：？！」』）》”]')
assert_eq "$bad_starts" "0" "breaks: pdftotext lines never start with a closing mark"

# --- the seed: the whole document ---
run "$WENSHU" render "$ROOT/samples/seed.md" -o "$TMP/seed.pdf"
assert_status 0 "seed.md renders"
pdfcheck "$TMP/seed.pdf"
assert "seed: margins within 0.5 mm ($(pyq 'r["margins_mm"]'))" [ "$(margins_ok)" = True ]
assert_eq "$(pyq 'r["breaks"]')" "[]" "seed: no line-breaking faults"
assert_eq "$(pyq 'r["body"]["max_lines_on_a_page"]')" "22" "seed: full pages hold 22 lines"
assert_eq "$(pyq 'r["bad_chars"]')" "[]" "seed: no missing glyphs"
# the source with ASCII punctuation mapped as the style does (, ( ) : ; " in Chinese text)
want=$(source_of "$ROOT/samples/seed.md" | python3 -c '
import sys
s = sys.stdin.read(); out = []; q = 0
for c in s:
    if c == "\"": out.append("“" if q % 2 == 0 else "”"); q += 1
    else: out.append({",": "，", "(": "（", ")": "）", ":": "：", ";": "；"}.get(c, c))
print("".join(out), end="")')
assert_eq "$(text_of "$TMP/seed.pdf")" "$want" "seed: extracted text equals the source (punctuation normalised)"
assert_contains "$(mutool show "$TMP/seed.pdf" outline)" "（一）学习动员阶段" "seed: headings become outlines"
assert_contains "$(pdfinfo "$TMP/seed.pdf")" "民政局第一批先进性教育实施意见" "seed: the title is the document title"
spaces=$(pdftotext -enc UTF-8 "$TMP/seed.pdf" - | grep -v '^— [0-9]* —$' | grep -c ' ')
assert_eq "$spaces" "0" "seed: no spaces in the extracted text (Han–Latin spacing and justification read as nothing)"

done_testing
