#!/usr/bin/env bash
# Typographic rules measured from the PDF: the addressee flush left (GB/T 9704 §7.3.2), dates
# and numbers kept whole across line ends, line-end marks in ½ em (GB/T 15834 5.1.10).
. "$(dirname "$0")/../lib/assert.sh"
FIX="$ROOT/tests/render/fixtures"
. "$(dirname "$0")/lib.sh"
TRACE="$ROOT/tests/forms/pdftrace.py"
L=79.37; R=521.575; ZI=15.785

# trace PDF EXPR: evaluates a pdftrace.py expression; lines(n) is page n's text lines, top down
trace() {
    python3 "$TRACE" "$1" "v=(lambda lines: $2)(lambda n: [''.join(g['c'] for g in sorted([g for g in page(n)['glyphs'] if round(g['y'], 1) == y], key=lambda g: g['x'])) for y in sorted(set(round(g['y'], 1) for g in page(n)['glyphs']), reverse=True)])" |
        sed -n 's/^v\t//p'
}
near() { awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { exit !(g ~ /^-?[0-9.]+$/ && g - w <= t && w - g <= t) }'; }
# source_of MD, here: also without the lines of code-block fences
source_of() { grep -v '^```' "$1" | sed -e 's/^#* //' | tr -d ' \n\t'; }

# --- 主送机关 / salutation: 居左顶格, 回行仍顶格 ---
run "$WENSHU" render "$FIX/addressee.md" -o "$TMP/addr.pdf"
assert_status 0 "addressee.md renders"
x_of() { python3 "$TRACE" "$1" "v=round(find($2, '$3')['x0'], 2)" | sed -n 's/^v\t//p'; }
x=$(x_of "$TMP/addr.pdf" 1 "中共临江市民政局机关第一支部委员会")
assert "addressee after the title starts at the block's left edge ($x pt)" near "$x" $L 0.05
x2=$(python3 "$TRACE" "$TMP/addr.pdf" "v=round(min(g['x'] for g in page(1)['glyphs'] if g['y'] < find(1, '中共临江市民政局机关第一支部委员会')['y'] - 1 and g['y'] > find(1, '各支部要认真组织')['y'] + 1), 2)" | sed -n 's/^v\t//p')
assert "its second line is flush left too, 回行仍顶格 ($x2 pt)" near "$x2" $L 0.05
x=$(x_of "$TMP/addr.pdf" 1 "各支部要认真组织")
assert "the text after it keeps its 2 字 indent ($x pt)" near "$x" "$(echo "$L + 2 * $ZI" | bc)" 0.05
x=$(x_of "$TMP/addr.pdf" 1 "请各支部于")
assert "a later paragraph is indented ($x pt)" near "$x" "$(echo "$L + 2 * $ZI" | bc)" 0.05
x=$(x_of "$TMP/addr.pdf" 1 "现将有关情况报告如下：")
assert "a sentence ending in ：after a title (…如下：) is text, indented ($x pt)" near "$x" "$(echo "$L + 2 * $ZI" | bc)" 0.05
x=$(x_of "$TMP/addr.pdf" 1 "中共临江市民政局机关委员会：")
assert "the receipt's addressee (typed with an ASCII colon) is flush left ($x pt)" near "$x" $L 0.05
x=$(x_of "$TMP/addr.pdf" 1 "本支部已收到通知。")
assert "the receipt's text keeps its indent ($x pt)" near "$x" "$(echo "$L + 2 * $ZI" | bc)" 0.05

# --- dates and numbers whole ---
run "$WENSHU" render "$FIX/dates.md" -o "$TMP/dates.pdf"
assert_status 0 "dates.md renders"
lines=$(trace "$TMP/dates.pdf" "lines(1)")
assert_contains "$lines" "'党员们认真对照党章查找差距逐条制定整改措施要于', '2005年5月31日前" \
    "a date straddling position 28 goes to the next line whole"
assert_contains "$lines" "'党员们认真对照党章查找差距逐条制定整改措施党员共', '12项" \
    "a number goes down with its unit (12项)"
assert_contains "$lines" "（2005年', '1月25日至" \
    "a date that would leave its line spaced out is split between year and month only"
splits=$(trace "$TMP/dates.pdf" "[(a[-1], b[0]) for a, b in zip(lines(1), lines(1)[1:]) if a[-1:].isdigit() and b[:1] in '年月日时分%％项个名人' or a[-1:] == '月' and b[:1].isdigit()]")
assert_eq "$splits" "[]" "no line ends inside a number and its unit, or between month and day"
pdfcheck "$TMP/dates.pdf"
assert_eq "$(pyq 'r["breaks"]')" "[]" "dates: no line-breaking faults"
assert_eq "$(text_of "$TMP/dates.pdf")" "$(source_of "$FIX/dates.md")" "dates: extracted text equals the source"

# --- line-end marks in ½ em; the box ends at the block's right edge ---
run "$WENSHU" render "$FIX/line_end.md" -o "$TMP/le.pdf"
assert_status 0 "line_end.md renders"
ends=$(python3 "$TRACE" "$TMP/le.pdf" "v=[(g['c'], round(g['w'], 1), round(g['x'] + g['w'], 2)) for g in page(1)['glyphs'] if g['c'] in '，。、' and g['x'] > 500]" | sed -n 's/^v\t//p')
# FandolFang draws 。，、 in the left half (mainland form): each gives up ½ em (UMing centres 。、
# and they gave up only the blank ¼ em). The box's right edge is the block's.
assert_eq "$ends" "[('。', 8.0, 521.57), ('，', 8.0, 521.57), ('、', 8.0, 521.57)]" \
    "line-end 。，、 narrower than 1 em, their boxes ending at the block's right edge"
widest=$(python3 "$TRACE" "$TMP/le.pdf" "v=round(max(g['x'] + g['w'] for p in pages for g in p['glyphs']), 2)" | sed -n 's/^v\t//p')
assert "no glyph box crosses the block's right edge ($widest pt)" awk "BEGIN { exit !($widest <= $R + 0.01) }"
pdfcheck "$TMP/le.pdf"
assert_eq "$(pyq 'r["margins_mm"]["right"]')" "26.0" "line-end marks: right margin 26.0 mm"
assert_eq "$(pyq 'r["body"]["chars_per_full_line"]')" "[28]" "line-end marks: full lines still hold 28 characters"
assert_eq "$(text_of "$TMP/le.pdf")" "$(source_of "$FIX/line_end.md")" "line-end marks: extracted text equals the source"
assert_eq "$(pdftotext "$TMP/le.pdf" - 2>&1 >/dev/null)" "" "poppler reads it without a warning"

# The seed, which has line-end marks on every page: the standard's margins, 22 lines of 28.
run "$WENSHU" render "$ROOT/samples/seed.md" -o "$TMP/seed.pdf"
assert_status 0 "the seed renders"
pdfcheck "$TMP/seed.pdf"
assert_eq "$(pyq '(r["margins_mm"]["left"], r["margins_mm"]["right"])')" "(28.0, 26.0)" \
    "seed: margins 28/26 mm with ½ em line-end marks"
assert "seed: top and bottom 37/35 mm as far as mutool's quads show it ($(pyq 'r["margins_mm"]'))" [ "$(margins_ok)" = True ]
assert_eq "$(pyq 'r["breaks"]')" "[]" "seed: no line-breaking faults"
assert_eq "$(pyq 'r["body"]["max_lines_on_a_page"]')" "22" "seed: 22 lines on a full page"
half=$(python3 "$TRACE" "$TMP/seed.pdf" "v=sum(1 for p in pages for g in p['glyphs'] if g['c'] in '，。、；：' and g['w'] < 15 and abs(g['x'] + g['w'] - $R) < 0.05)" | sed -n 's/^v\t//p')
assert "seed: line-end marks set narrower than 1 em at the right edge ($half)" [ "${half:-0}" -ge 10 ]

done_testing
