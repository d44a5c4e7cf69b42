#!/usr/bin/env bash
# Hostile Markdown given to `wenshu render`: 10 000 levels of quotes and lists, a 5 000-row table
# (narrow enough to print, and 30 columns too wide to), 100 KB of pathological emphasis, a 0-byte
# file, a row taller than a page, an unbreakable 100 000-letter word, 8 000 characters above
# U+FFFF. Each finishes in bounded time and memory without crashing, any PDF left is complete, and
# what can be printed is printed on the page.
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# render_case NAME WHAT: renders $TMP/NAME.md into $TMP/NAME.pdf under the bounds.
render_case() {
    bounded "$WENSHU" render "$TMP/$1.md" -o "$TMP/$1.pdf"
    assert_no_crash "$2"
    assert_pdf_whole "$TMP/$1.pdf" "$2"
}
# text_of NAME: the PDF's text as printed on the pages (pdftotext keeps only what is on a page).
text_of() { pdftotext "$TMP/$1.pdf" - 2>/dev/null | tr -d '\n\f '; }

python3 - "$TMP" <<'PY'
import sys, os
d = sys.argv[1]
def w(name, text): open(os.path.join(d, name + ".md"), "w", encoding="utf-8").write(text)
n = 10000
w("quotes", ">" * n + " 最深处的引文\n")
w("bullets", "- " * n + "最深处的列表项\n")
w("ordered", "1. " * n + "最深处的编号项\n")
w("mixed", "> - 1. " * (n // 3) + "交替嵌套\n")
w("emphasis", "*a" + "**a" * (100000 // 3) + "\n")
w("unclosed", "*" * 50000 + "a" + "_" * 50000 + "\n")
w("links", "[" * 50000 + "a" + "](b)" * 10000 + "\n")
rows = 5000
s = "| 序号 | 姓名 | 意见 |\n|---|---|---|\n"
for r in range(rows): s += "| %d | 党员%d | 同意，认真整改。 |\n" % (r + 1, r + 1)
w("table", s)
cols = 30
s = "|" + "|".join("列%d" % c for c in range(cols)) + "|\n|" + "---|" * cols + "\n"
for r in range(rows): s += "|" + "|".join("格%d" % (r * cols + c) for c in range(cols)) + "|\n"
w("wide", s)
w("empty", "")
w("bigcell", "| 甲 | 乙 |\n|---|---|\n| " + "字" * 30000 + " | x |\n")
w("longword", "a" * 100000 + "\n")
# More characters above U+FFFF (HanaMinB) than the 6 400 private-use code points of the BMP.
w("astral", "".join(chr(0x20000 + i) for i in range(8000)) + "\n")
PY

render_case quotes "10 000 nested quotes"
assert_status 0 "10 000 nested quotes are typeset"
assert_contains "$(text_of quotes)" "最深处的引文" "10 000 nested quotes: the innermost text is on the page, not pushed off it"

render_case bullets "10 000 nested bullet lists"
assert_status 0 "10 000 nested bullet lists are typeset"
assert_contains "$(text_of bullets)" "最深处的列表项" "nested bullet lists: the innermost item is on the page"

render_case ordered "10 000 nested ordered lists"
assert_status 0 "10 000 nested ordered lists are typeset"
assert_contains "$(text_of ordered)" "最深处的编号项" "nested ordered lists: the innermost item is on the page"

render_case mixed "quotes, bullets and numbers alternating 10 000 deep"
assert_status 0 "alternating nesting is typeset"
assert_contains "$(text_of mixed)" "交替嵌套" "alternating nesting: the innermost text is on the page"

render_case emphasis "100 KB of *a**a**a…"
assert_status 0 "pathological emphasis is typeset"
render_case unclosed "50 000 unclosed * and _"
assert_status 0 "unclosed emphasis is typeset as text"
render_case links "50 000 unclosed link brackets"
assert_status 0 "unclosed link brackets are typeset as text"

render_case table "a 5 000-row table"
assert_status 0 "a 5 000-row table is typeset"
pages=$(pdfinfo "$TMP/table.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
assert "the 5 000-row table runs over many pages (${pages:-0})" test "${pages:-0}" -gt 100
assert_contains "$(pdftotext -f "${pages:-1}" "$TMP/table.pdf" - | tr -d ' \n')" "党员5000" "the table's last row is on the last page"

render_case wide "a 5 000-row table of 30 columns"
assert_status 1 "a table too wide for the page is a data error"
assert_contains "$ERR" "wide.md:1: 错误：表格的 30 列至少需要 " "too wide: the message names the file and line"

render_case bigcell "a table row taller than a page (a 30 000-character cell)"
assert_status 0 "a row taller than a page is typeset"
assert_eq "$(text_of bigcell | tr -cd '字' | wc -m)" 30000 "the tall row's text is all on the pages"

render_case longword "100 000 Latin letters without a break opportunity"
assert_status 0 "an unbreakable word is broken by force"
assert_eq "$(text_of longword | tr -cd 'a' | wc -m)" 100000 "every letter of the unbreakable word is printed"

render_case astral "8 000 distinct characters above U+FFFF"
assert_status 0 "8 000 characters above U+FFFF are typeset"
assert_eq "$(text_of astral | python3 -c 'import sys; print(len({c for c in sys.stdin.read() if ord(c) >= 0x20000}))')" 8000 \
    "all 8 000 come back as themselves from the PDF's text"

# U+FFFF is valid UTF-8 but libunibreak's end-of-string mark: it once made render abort.
printf '# 标题\xef\xbf\xbf\n\na\xef\xbf\xbfb 正文\n' >"$TMP/ffff.md"
render_case ffff "U+FFFF in a heading and a paragraph"
assert_status 0 "U+FFFF is left out with a warning, the rest is typeset"
assert_contains "$ERR" "ffff.md:1: 警告：已安装的字体都没有字符 " "U+FFFF: reported with its line"
assert_contains "$(text_of ffff)" "ab正文" "U+FFFF: the text around it is printed"

# A header as tall as the page (a narrow column squeezed by an unbreakable number): repeating it
# on every page once left no room for any row, and pages were added until memory ran out.
python3 -c 'import sys; open(sys.argv[1], "w").write("序|" + "字" * 200 + "|注\n-|-|-\n（" + "5" * 67 + "|甲|乙\n2|丙|丁\n")' "$TMP/tallhead.md"
render_case tallhead "a table whose header is taller than a page"
assert_status 0 "a table with a page-tall header is typeset"
assert_contains "$(text_of tallhead)" "丙丁" "the page-tall header's table: the last row is printed"

render_case empty "a 0-byte Markdown file"
assert_status 0 "an empty Markdown file makes a one-page PDF"
pages=$(pdfinfo "$TMP/empty.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
assert_eq "${pages:-}" 1 "the empty document has one page"

# Bytes that are not Markdown text at all.
python3 -c 'import random, sys; r = random.Random(2005)
open(sys.argv[1], "wb").write(bytes(r.randrange(256) for _ in range(65536)) + b"a\0b\0\0c\n")' "$TMP/random.md"
render_case random "64 KiB of random bytes with NULs"
assert_status 1 "random bytes are a data error (invalid UTF-8), not a crash"
assert_contains "$ERR" "random.md:" "random bytes: problems are reported with the file name"

done_testing
