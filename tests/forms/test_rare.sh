#!/usr/bin/env bash
# Every name drawn: rare characters (堃喆赟㛃䶮) and characters outside the BMP (𠀾 𠮷) in body
# text, a table cell and a heading come out in the PDF through per-character font fallback;
# a character no installed font has is reported with its code point, and --strict fails.
. "$(dirname "$0")/../lib/assert.sh"
FIX="$ROOT/tests/forms/fixtures"
TRACE="$ROOT/tests/forms/pdftrace.py"

run "$WENSHU" render "$FIX/rare.md" -o "$TMP/rare.pdf"
assert_status 0 "rare.md renders"
assert_eq "$ERR" "" "rare.md: nothing reported (every character has a font)"
text=$(pdftotext -enc UTF-8 "$TMP/rare.pdf" -)
for ch in 堃 喆 赟 㛃 䶮 𠀾 𠮷; do
    want=$(grep -o "$ch" "$FIX/rare.md" | wc -l)
    got=$(grep -o "$ch" <<<"$text" | wc -l)
    assert_eq "$got" "$want" "rare: $ch ($(printf 'U+%04X' "'$ch")) extracted as often as the source has it ($want)"
done
# in the heading, the table and the body: the lines holding 𠮷 are there as the source has them
assert_contains "$text" "关于表扬王𠮷等同志的通报" "rare: 𠮷 (U+20BB7) in the title"
assert_contains "$text" "陈赟、刘㛃、赵䶮、孙𠀾" "rare: Ext-A and Ext-B characters in a table cell"
assert_contains "$text" "二、表扬𠀾、䶮二位同志" "rare: 𠀾 (U+2003E) in a heading"
pdfcheck "$TMP/rare.pdf"
assert_eq "$(pyq 'r["bad_chars"]')" "[]" "rare: no U+FFFD or □ anywhere"
# drawn, not blank: every rare glyph has an advance (a glyph the font has) in the content
adv=$(python3 "$TRACE" "$TMP/rare.pdf" 'sorted(set((g["c"], g["w"] > 10) for p in pages for g in p["glyphs"] if g["c"] in "堃喆赟㛃䶮𠀾𠮷"))')
assert_eq "$(python3 -c "import sys; print(all(ok for _, ok in eval(sys.argv[1])), len(eval(sys.argv[1])))" "$adv")" "True 7" \
    "rare: every one of the 7 characters is drawn with a full-width glyph"
fonts=$(pdffonts "$TMP/rare.pdf" | tail -n +3)
assert_contains "$fonts" "HanaMin" "rare: 𠮷 comes from the fallback font (HanaMin), embedded"
assert_eq "$(awk '$(NF-4) != "yes" || $(NF-3) != "yes"' <<<"$fonts" | wc -l)" "0" "rare: every font embedded and subset"

# --- a character no installed font has: reported with file:line and code point ---
run "$WENSHU" render "$FIX/missing.md" -o "$TMP/missing.pdf"
assert_status 0 "missing.md: a missing character is a warning"
assert_contains "$ERR" "missing.md:4: 警告：已安装的字体都没有字符 𱍐（U+31350），该字符未印出" "missing: body text, with line and code point"
assert_contains "$ERR" "missing.md:8: 警告：已安装的字体都没有字符 𱍐（U+31350），该字符未印出" "missing: a table cell, with its line"
assert_contains "$ERR" "missing.md:10: 警告：已安装的字体都没有字符 " "missing: a heading, with its line"
assert_contains "$ERR" "（U+10FFFD）" "missing: a private-use plane-16 character named by code point"
assert_eq "$(grep -c 'U+31350' <<<"$ERR")" "2" "missing: reported once per place, not once per pass"
pdfcheck "$TMP/missing.pdf"
assert_eq "$(pyq 'r["bad_chars"]')" "[]" "missing: no box or U+FFFD drawn in its place"
run "$WENSHU" render "$FIX/missing.md" -o "$TMP/missing.pdf" --strict
assert_status 1 "missing: --strict turns it into a failure"

done_testing
