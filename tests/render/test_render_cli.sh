#!/usr/bin/env bash
# wenshu render: block elements, the form style, diagnostics and exit statuses.
. "$(dirname "$0")/../lib/assert.sh"
FIX="$ROOT/tests/render/fixtures"
. "$(dirname "$0")/lib.sh"

# --- block elements ---
run "$WENSHU" render "$FIX/blocks.md" -o "$TMP/blocks.pdf"
assert_status 0 "blocks.md renders"
pdfcheck "$TMP/blocks.pdf" --text
txt=$(pyq '"".join(r["text"])')
assert_contains "$txt" "<b>原样输出的HTML</b>" "raw HTML is printed as literal text"
assert_contains "$txt" "wenshu render" "inline code is kept"
assert_contains "$txt" "直接接续" "a soft break between Chinese characters adds nothing"
assert_contains "$txt" "第二党支部" "table cells are rendered"
assert_eq "$(pyq 'sorted(f.split("+")[-1] for f in r["fonts"])')" \
    "['FandolFang-Regular', 'FandolHei-Regular', 'FandolKai-Regular', 'FandolSong-Bold', 'FandolSong-Regular', 'LiberationSerif', 'WenQuanYiZenHeiMono']" \
    "blocks: body, title, hei, kai, song (page number, digits included), Latin and mono all used"
assert_eq "$(pyq 'r["breaks"]')" "[]" "blocks: no line-breaking faults"

# --- 黑体 and 楷体 runs stay on the grid: a full page of them still holds 22 lines in the block ---
python3 -c "
H = '天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈'
print('**' + (H * 14)[:26 + 28 * 10] + '**' + (H * 14)[:28 * 2] + '*' + (H * 14)[:28 * 10] + '*。')
" >"$TMP/strong.md"
run "$WENSHU" render "$TMP/strong.md" -o "$TMP/strong.pdf"
assert_status 0 "strong and emphasis render"
pdfcheck "$TMP/strong.pdf"
assert_eq "$(pyq 'r["body"]["lines_per_page"][0]')" "22" "a page of 黑体/楷体 runs still holds 22 lines"
assert "strong/emphasis page: margins within 0.5 mm ($(pyq 'r["margins_mm"]'))" [ "$(margins_ok)" = True ]

# --- the form style: a relaxed grid of 31 × 14 pt ---
run "$WENSHU" render "$FIX/grid.md" -o "$TMP/form.pdf" --style form
assert_status 0 "--style form renders"
pdfcheck "$TMP/form.pdf" --body-size 14
assert_eq "$(pyq 'max(r["body"]["chars_per_full_line"])')" "31" "form: 31 characters of 14 pt on a full line"
assert "form: margins within 0.5 mm" [ "$(margins_ok)" = True ]

# --- diagnostics ---
printf '缺字\xf4\x8f\xbf\xbd在此。\n' >"$TMP/missing.md"
run "$WENSHU" render "$TMP/missing.md" -o "$TMP/missing.pdf"
assert_status 0 "a character no font has is a warning"
assert_contains "$ERR" "missing.md:1" "the warning names file and line"
assert_contains "$ERR" "U+10FFFD" "the warning names the code point"
run "$WENSHU" render "$TMP/missing.md" -o "$TMP/missing.pdf" --strict
assert_status 1 "--strict makes it an error"

printf '[page]\nwidht = 210mm\n[grid]\nchars = many\n[fonts]\nbody = AR PL UMing CN\n' >"$TMP/bad.style"
run "$WENSHU" render "$FIX/grid.md" -o "$TMP/x.pdf" --style "$TMP/bad.style"
assert_status 2 "a bad style file is refused"
assert_contains "$ERR" "bad.style:2:1: 错误：[page] 中未知的键 'widht'" "unknown key reported with file:line"
assert_contains "$ERR" "bad.style:4:1: 错误：chars 的值 'many' 不对：" "bad value reported with file:line"
assert_no_file "$TMP/x.pdf" "no PDF from a bad style"
run "$WENSHU" render "$FIX/grid.md" -o "$TMP/x.pdf" --style nosuchstyle
assert_status 2 "an unknown style name is refused"
assert_contains "$ERR" "nosuchstyle" "the message names the style"
cp "$FIX/grid.md" "$TMP/grid.md"
run "$WENSHU" render "$TMP/grid.md"
assert_status 0 "no -o: IN.md makes IN.pdf beside it (like Typst and Pandoc)"
assert_eq "$(head -c 5 "$TMP/grid.pdf")" "%PDF-" "grid.md -> grid.pdf"
run "$WENSHU" render - <"$TMP/grid.md"
assert_status 2 "standard input without -o is a usage error"
assert_contains "$ERR" "从标准输入读取时须加 -o 输出.pdf（或 -o - 写到标准输出）" "and says what to add"
"$WENSHU" render - -o - <"$TMP/grid.md" >"$TMP/stdout.pdf"
assert "render - -o -: standard input to standard output, the same PDF" cmp -s "$TMP/grid.pdf" "$TMP/stdout.pdf"
run "$WENSHU" render "$TMP/nothere.md" -o "$TMP/x.pdf"
assert_status 2 "an unreadable input is an I/O error"
assert_contains "$ERR" "nothere.md" "the message names the input"
printf 'bad \xff byte\n' >"$TMP/badutf.md"
run "$WENSHU" render "$TMP/badutf.md" -o "$TMP/badutf.pdf"
assert_status 1 "invalid UTF-8 is a data error"
assert_contains "$ERR" "badutf.md:1:5" "invalid UTF-8 reported at its line and column"
: >"$TMP/empty.md"
run "$WENSHU" render "$TMP/empty.md" -o "$TMP/empty.pdf"
assert_status 0 "an empty document renders"
assert_eq "$(pdfinfo "$TMP/empty.pdf" | awk '/^Pages:/{print $2}')" "1" "an empty document has one page"

done_testing
