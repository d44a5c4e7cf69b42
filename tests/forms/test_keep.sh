#!/usr/bin/env bash
# The signature never stands alone on a page (GB/T 9704 §7.3.5.5; the 条例 forbids "此页无正文"):
# with no room left under the text it takes the text's last lines with it (keep-with-previous);
# with a little room the blank line is closed up instead. Measured from the PDF.
. "$(dirname "$0")/../lib/assert.sh"
TRACE="$ROOT/tests/forms/pdftrace.py"
LINE=29.609

# filler N: N one-line paragraphs
filler() { for ((i = 0; i < $1; i++)); do printf '党员们认真对照党章查找差距，逐条制定整改措施。\n\n'; done; }
# fixture N: N one-line paragraphs, then a two-line paragraph, then a signature — the text
# ends 22 - N - 2 grid lines above the block's bottom
fixture() {
    filler "$1"
    printf '希望你正确对待评议意见，对照存在的问题制定个人整改措施，在整改提高阶段认真抓好整改。\n\n'
    printf '```signature\n中共临江市民政局机关第一支部委员会\n2005年4月18日\n```\n'
}
# lines PDF: per page, the number of text baselines (page number left out)
per_page() {
    python3 "$TRACE" "$1" "v=[len(set(round(g['y'], 1) for g in p['glyphs'] if g['size'] > 15)) for p in pages]" | sed -n 's/^v\t//p'
}
val() { python3 "$TRACE" "$1" "v=$2" | sed -n 's/^v\t//p'; }

# --- one grid line left under the text: the last two lines go over with the signature ---
fixture 19 >"$TMP/one.md"
run "$WENSHU" render "$TMP/one.md" -o "$TMP/one.pdf"
assert_status 0 "text ending one line above the bottom renders"
assert_eq "$(per_page "$TMP/one.pdf")" "[19, 4]" \
    "one line left: page 2 holds the paragraph's two lines, the 署名 and the date"
assert_eq "$(val "$TMP/one.pdf" "find(2, '希望你正确对待') is not None and find(1, '希望你正确对待') is None")" "True" \
    "the whole last paragraph moved with the signature (no lone line left behind or carried)"
top=$(val "$TMP/one.pdf" "round(max(g['y'] for g in page(2)['glyphs']) - max(g['y'] for g in page(1)['glyphs'] if g['size'] > 15), 2)")
assert_eq "$top" "0.0" "the carried lines start on page 2's first grid line"
down=$(val "$TMP/one.pdf" "round((min(g['y'] for g in page(2)['glyphs'] if g['c'] == '施') - find(2, '中共临江市民政局机关第一支部委员会')['y']) / $LINE, 3)")
assert_eq "$down" "2.0" "on the new page the 署名 is below one blank line again (正文下空一行)"
pdfcheck "$TMP/one.pdf"
assert_eq "$(pyq 'r["breaks"]')" "[]" "one line left: no line-breaking faults"
assert_eq "$(pyq '[p["number"] for p in r["page_numbers"]]')" "[1, 2]" "one line left: both pages numbered"

# --- the text fills the page: the same ---
fixture 20 >"$TMP/none.md"
run "$WENSHU" render "$TMP/none.md" -o "$TMP/none.pdf"
assert_status 0 "text filling the page renders"
assert_eq "$(per_page "$TMP/none.pdf")" "[20, 4]" "full page: two lines of text go over with the signature"

# --- a paragraph of three lines at the bottom: it goes whole (two going would leave its first
#     line alone at the foot, one its last line alone at the top: issue 16) ---
{
    filler 18
    printf '希望你正确对待评议意见，对照存在的问题制定个人整改措施，在整改提高阶段认真抓好整改，自觉接受党组织和群众的监督，对评议意见有不同看法的可以反映。\n\n'
    printf '```signature\n中共临江市民政局机关第一支部委员会\n2005年4月18日\n```\n'
} >"$TMP/three.md"
run "$WENSHU" render "$TMP/three.md" -o "$TMP/three.pdf"
assert_status 0 "a three-line paragraph at the bottom renders"
assert_eq "$(per_page "$TMP/three.pdf")" "[18, 5]" "three-line paragraph: all three lines go over, none left alone"

# --- two grid lines left: closed up, everything stays on one page ---
fixture 18 >"$TMP/two.md"
run "$WENSHU" render "$TMP/two.md" -o "$TMP/two.pdf"
assert_status 0 "text ending two lines above the bottom renders"
assert_eq "$(per_page "$TMP/two.pdf")" "[22]" "two lines left: the blank line is closed up, one page of 22 lines"

# --- a one-line paragraph before the signature: the paragraph above comes too (2 lines of it) ---
{
    filler 18
    printf '希望你正确对待评议意见，对照存在的问题制定个人整改措施，在整改提高阶段认真抓好整改。\n\n'
    printf '特此通知。\n\n'
    printf '```signature seal\n中共临江市民政局机关第一支部委员会\n2005年4月18日\n```\n'
} >"$TMP/short.md"
run "$WENSHU" render "$TMP/short.md" -o "$TMP/short.pdf"
assert_status 0 "特此通知 then a sealed signature renders"
assert_eq "$(per_page "$TMP/short.pdf")" "[18, 5]" \
    "one-line last paragraph: it goes with the two lines of the paragraph above, not with one"

# --- a heading right above the last paragraph goes along, and so does its outline entry ---
{
    for ((i = 0; i < 19; i++)); do printf '党员们认真对照党章查找差距，逐条制定整改措施。\n\n'; done
    printf '## 三、整改方向\n\n按照个人学习计划抓好理论学习。\n\n'
    printf '```signature\n中共临江市民政局机关第一支部委员会\n2005年4月18日\n```\n'
} >"$TMP/head.md"
run "$WENSHU" render "$TMP/head.md" -o "$TMP/head.pdf"
assert_status 0 "a heading and a one-line paragraph before the signature render"
assert_eq "$(per_page "$TMP/head.pdf")" "[19, 4]" "the heading is not left at the bottom of page 1"
outline=$(mutool show "$TMP/head.pdf" outline 2>&1)
assert_contains "$outline" "三、整改方向\"	#page=2" "the heading's bookmark points to page 2, where it now is"

done_testing
