#!/usr/bin/env bash
# GFM tables: a 40-row rectification plan across pages, a row taller than a page, a table too
# wide for the measure — measured from the PDF (pdfcheck.py, pdftrace.py).
. "$(dirname "$0")/../lib/assert.sh"
FIX="$ROOT/tests/forms/fixtures"
TRACE="$ROOT/tests/forms/pdftrace.py"
# measure PDF NAME=EXPR...: fills M[NAME] with each value, from one run of pdftrace.py
declare -A M
measure() {
    local pdf=$1 k v; shift
    M=()
    while IFS=$'\t' read -r k v; do M[$k]=$v; done < <(python3 "$TRACE" "$pdf" "$@" 2>&1)
}
# gbt9704: block edges 79.37 and 521.575 pt; grid line pitch 29.609 pt
VRULES='vx=lambda n: sorted(s["pts"][0][0] for s in page(n)["strokes"] if len(s["pts"]) == 2 and abs(s["pts"][0][0] - s["pts"][1][0]) < 0.01)'
READING='reading=lambda n: sorted(page(n)["glyphs"], key=lambda g: (-round(g["y"], 1), g["x"]))'

# --- the 40-row plan ---
run "$WENSHU" render "$FIX/plan40.md" -o "$TMP/plan.pdf"
assert_status 0 "plan40.md renders"
pdfcheck "$TMP/plan.pdf"
assert_eq "$(pyq 'r["breaks"]')" "[]" "plan: no line starts with 。，、）… and none ends with （《 (cells included)"
assert_eq "$(pyq 'r["bad_chars"]')" "[]" "plan: no missing-glyph boxes"
assert_eq "$(pyq 'r["margins_mm"]["left"] >= 27.9 and r["margins_mm"]["right"] >= 25.9 and r["margins_mm"]["bottom"] >= 34.9')" \
    "True" "plan: nothing outside the text block ($(pyq 'r["margins_mm"]'))"
assert_contains "$(pdffonts "$TMP/plan.pdf")" "FandolHei-Regular" "plan: header row in 黑体"
measure "$TMP/plan.pdf" "$VRULES" "$READING" \
    'npages=len(pages)' \
    'table_pages=range(1, len(pages))' \
    'header=[len(findall(n, "序号")) == 1 and len(findall(n, "整改措施")) == 1 and len(findall(n, "责任人")) == 1 for n in table_pages]' \
    'numbers="".join(g["c"] for n in range(1, len(pages) + 1) for g in reading(n) if g["x"] < vx(1)[0] and g["size"] < 15 and g["c"].isdigit())' \
    'dates=sum(len(findall(n, "2005年12月31日")) for n in range(1, len(pages) + 1))' \
    'frames=all(len(rects(n)) == 1 and abs(rects(n)[0]["x0"] - 79.37) < 0.1 and abs(rects(n)[0]["x1"] - 521.575) < 0.1 and rects(n)[0]["w"] == 1.0 for n in table_pages)' \
    'inner=sorted(set(s["w"] for n in range(1, len(pages) + 1) for s in page(n)["strokes"] if not s["closed"]))' \
    'xs=[79.37] + vx(1) + [521.575]' \
    'w=[round(b - a, 1) for a, b in zip(xs, xs[1:])]' \
    'narrow=len(w) == 6 and w[0] < 3.5 * 16 and w[4] < 4 * 16 and w[2] == max(w) and w[1] > max(w[0], w[4], w[5])' \
    'grid=(find(1, "根据分析评议阶段征求到的意见和查找出的问题")["y"] - find(len(pages), "以上整改事项")["y"]) / 29.609' \
    'on_grid=abs(grid - round(grid)) < 0.02'
assert "the plan spans several pages (${M[npages]})" [ "${M[npages]:-0}" -ge 3 ]
assert_eq "${M[header]//True, /}" "[True]" "plan: the header row on every page of the table (${M[header]})"
assert_eq "${M[numbers]}" "$(seq -s '' 1 40)" "plan: rows 1..40 all there, in order, in the 序号 column"
assert_eq "${M[dates]}" "5" "plan: dates never split across lines (the five 2005年12月31日 each on one line)"
assert_eq "${M[frames]}" "True" "plan: one 1 pt frame across the measure on each page"
assert_eq "${M[inner]}" "[0.5]" "plan: every inner rule 0.5 pt"
assert_eq "${M[narrow]}" "True" "plan: 序号 and 责任领导 narrow, 整改措施 the widest, 存在问题 next (widths ${M[w]})"
assert_eq "${M[on_grid]}" "True" "plan: the text after the table is back on the grid (${M[grid]} lines from the first)"

# --- a row taller than a page: split between lines, nothing lost, nothing overflowing ---
run "$WENSHU" render "$FIX/tallrow.md" -o "$TMP/tall.pdf"
assert_status 0 "tallrow.md renders"
pdfcheck "$TMP/tall.pdf"
assert "tallrow: the row runs over several pages ($(pyq 'r["pages"]'))" [ "$(pyq 'r["pages"]')" -ge 3 ]
assert_eq "$(pyq 'r["margins_mm"]["bottom"] >= 34.9 and r["margins_mm"]["right"] >= 25.9')" "True" \
    "tallrow: no line below the block ($(pyq 'r["margins_mm"]'))"
assert_eq "$(pyq 'r["breaks"]')" "[]" "tallrow: no line-breaking faults"
cell=$(sed -n 's/^| 1 | \(.*\) | 本人填写 |$/\1/p' "$FIX/tallrow.md")
# the middle column's glyphs, page by page, top to bottom (page numbers left out)
measure "$TMP/tall.pdf" "$VRULES" "$READING" \
    'text="".join(g["c"] for n in range(1, len(pages) + 1) for g in reading(n) if vx(1)[0] < g["x"] < vx(1)[1] and g["y"] > 100 and g["size"] < 15 and g["c"] != " ")' \
    'headers=[len(findall(n, "查找出的问题")) for n in range(1, len(pages))]'
assert_eq "${M[text]//查找出的问题/}" "$cell" "tallrow: every character of the long cell is printed, in order"
assert_eq "${M[headers]//1, /}" "[1]" "tallrow: the header row above every piece of the row (${M[headers]})"

# --- a table starting near a page's bottom: the header does not stay there alone ---
run "$WENSHU" render "$FIX/table_bottom.md" -o "$TMP/bottom.pdf"
assert_status 0 "table_bottom.md renders"
measure "$TMP/bottom.pdf" 'where=[(len(findall(n, "序号")), len(page(n)["strokes"]) > 0) for n in range(1, len(pages) + 1)]'
assert_eq "${M[where]}" "[(0, False), (1, True)]" "the header row goes to the next page with the first row"

# --- too many columns: reported, not drawn off the page ---
run "$WENSHU" render "$FIX/toowide.md" -o "$TMP/wide.pdf"
assert_status 1 "toowide.md: a table that cannot fit is an error"
assert_contains "$ERR" "toowide.md:5: 错误：表格的 30 列至少需要 " "toowide: reported with file:line"
pdfcheck "$TMP/wide.pdf"
assert_eq "$(pyq 'r["margins_mm"]["right"] >= 25.9')" "True" "toowide: nothing drawn beyond the block"
assert_contains "$(pdftotext -enc UTF-8 "$TMP/wide.pdf" -)" "表格之后的段落照常排出" "toowide: the text after it is still there"

done_testing
