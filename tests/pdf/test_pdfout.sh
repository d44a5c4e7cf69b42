#!/usr/bin/env bash
# The PDF writer, checked from the outside: fonts embedded and subset, text extracted exactly
# (non-BMP characters included), no warnings from poppler or mutool, qpdf clean, metadata and
# bookmarks in Chinese, byte-identical output.
. "$(dirname "$0")/../lib/assert.sh"
. "$(dirname "$0")/lib.sh"

if [ ! -x "$UNIT_BIN" ]; then not_ok "unit driver $UNIT_BIN missing (make unit)"; done_testing; exit 1; fi
make_pdfs "$TMP/a"; assert "driver wrote the PDFs" test -s "$TMP/a/plain.pdf"
make_pdfs "$TMP/b"
PDF="$TMP/a/plain.pdf"

fonts=$(pdffonts "$PDF" | tail -n +3)
assert "three fonts used" test "$(echo "$fonts" | wc -l)" -eq 3
assert "every font is embedded, subset, with ToUnicode" \
    test -z "$(echo "$fonts" | awk '$(NF-4) != "yes" || $(NF-3) != "yes" || $(NF-2) != "yes"')"
assert "every font name has a subset tag" test -z "$(echo "$fonts" | awk '$1 !~ /^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]\+/')"
assert "fonts are CID TrueType, Identity-H" test -z "$(echo "$fonts" | grep -v 'CID TrueType *Identity-H')"

text=$(pdftotext "$PDF" - | tr -d '\f')  # pages are separated by form feeds
missing=""
while IFS= read -r line; do
    grep -qxF -- "$line" <<<"$text" || missing="$missing[$line]"
done <"$TMP/a/expected.txt"
assert_eq "$missing" "" "every source line extracts exactly (pdftotext)"
assert_contains "$text" "𠀾与𠮷" "non-BMP 𠀾 and 𠮷 extract as themselves"
assert_contains "$text" "堃喆赟㛃䶮" "rare BMP characters extract"
assert_not_contains "$text" "间 距" "no stray space inside spread Chinese text"
mtext=$(mutool draw -q -F txt -o - "$PDF" 2>/dev/null)
assert_contains "$mtext" "「引号」《书名》——破折号……省略号" "mutool extracts the punctuation line"
assert_contains "$mtext" "𠀾与𠮷" "mutool extracts 𠀾 and 𠮷"
# ¼ em between Han and digits and a comma compressed to ½ em are drawn with width-variant
# glyphs, so neither extractor invents spaces or splits words there.
assert_contains "$text" $'\n从2005年1月开始，用半年左右时间。' "pdftotext: no space from the ¼ em Han/digit gaps"
assert_contains "$mtext" "从2005年1月开始，用半年左右时间。" "mutool: no space from the gaps, none after the compressed comma"

# Glyphs sit where the display list put them: the spread line has its glyphs 16.5 pt apart
# (advance 16 pt + 0.5 pt carried by TJ numbers), starting at x = 80.
positions=$(mutool draw -q -F stext -o - "$PDF" 1 2>/dev/null | python3 -c '
import sys, xml.etree.ElementTree as ET
chars = [(c.get("c"), float(c.get("x"))) for c in ET.parse(sys.stdin).iter("char")]
s = "".join(c for c, _ in chars)
i = s.find("间距调整测试")
xs = [x for _, x in chars[i:i + 6]] if i >= 0 else []
print("ok" if len(xs) == 6 and all(abs(x - (80 + 16.5 * k)) < 0.002 for k, x in enumerate(xs)) else "bad %r" % xs)')
assert_eq "$positions" "ok" "glyph positions of a spread line match the display list"

assert "pdftotext prints no warnings" quiet_stderr pdftotext "$PDF" /dev/null
assert "pdffonts prints no warnings" quiet_stderr pdffonts "$PDF"
assert "pdfinfo prints no warnings" quiet_stderr pdfinfo "$PDF"
assert "mutool draw prints no warnings" quiet_stderr mutool draw -q -o /dev/null -F txt "$PDF"
run qpdf --check "$PDF"
assert_status 0 "qpdf --check"
assert_contains "$OUT" "No syntax or stream encoding errors" "qpdf finds no errors"

info=$(pdfinfo -isodates "$PDF")
assert_contains "$info" "Title:           关于开展先进性教育活动的通知 A&B <x>" "Info title in Chinese"
assert_contains "$info" "Author:          中共某某委员会" "Info author"
assert_contains "$info" "Producer:        wenshu" "Producer is wenshu"
assert_contains "$info" "CreationDate:    2005-06-05T09:30:00+08" "creation date with its offset"
assert_contains "$info" "Pages:           2" "two pages"

outline=$(mutool show "$PDF" outline)
assert_contains "$outline" '"关于开展先进性教育活动的通知"	#page=1' "top bookmark on page 1"
assert_contains "$outline" '|		"一、黑体标题 & <符号>"' "second-level bookmark nested"
assert_contains "$outline" '"第二页：整改措施𠮷"	#page=2' "bookmark with a non-BMP character on page 2"

assert "two renders are byte-identical" cmp -s "$TMP/a/plain.pdf" "$TMP/b/plain.pdf"

# Plain copies are packed (pdfpack.c): PDF 1.5, dictionaries in one object stream, a compressed
# cross-reference stream; qpdf rewriting them without object streams gives the same objects.
assert_eq "$(head -c 8 "$PDF")" "%PDF-1.5" "a plain copy is PDF 1.5"
assert_eq "$(mutool show "$PDF" trailer/Type)" "/XRef" "its cross-references are a stream"
nobjstm=$(qpdf --show-xref "$PDF" | grep -c "compressed")
assert "its dictionaries sit in an object stream ($nobjstm objects)" test "$nobjstm" -ge 10
qpdf --object-streams=disable --compress-streams=n "$PDF" "$TMP/unpacked.pdf"
assert "unpacked by qpdf it is still a valid PDF" sh -c 'qpdf --check "$1" >/dev/null' _ "$TMP/unpacked.pdf"
assert_eq "$(pdftotext "$TMP/unpacked.pdf" - | md5sum)" "$(pdftotext "$PDF" - | md5sum)" "and reads the same"
size_packed=$(stat -c %s "$PDF")
size_plain=$(qpdf --object-streams=disable "$PDF" - | wc -c)
assert "packing saves bytes ($size_packed against $size_plain without object streams)" test "$size_packed" -lt "$size_plain"
assert_eq "$(mutool show "$PDF" trailer/ID)" "null" "no /ID in a plain copy"

# Combined file (the document twice, each numbered from 1): page labels follow the printed
# numbers, bookmarks point into the second copy; a plain document needs no labels.
labels=$(qpdf --json=2 --json-key=pagelabels "$TMP/a/combined.pdf" | python3 -c '
import json, sys
print(" ".join("%d:%s" % (l["index"], l["label"].get("/St", 1)) for l in json.load(sys.stdin)["pagelabels"]))')
assert_eq "$labels" "0:1 2:1" "combined file: pages labelled 1 2 1 2"
assert_eq "$(mutool show "$PDF" trailer/Root/PageLabels)" "null" "no page labels when printed and physical numbers agree"
assert_contains "$(mutool show "$TMP/a/combined.pdf" outline)" '"第二页：整改措施𠮷"	#page=4' "combined file: bookmark into the second copy"
assert "combined file passes qpdf --check" sh -c 'qpdf --check "$1" >/dev/null' _ "$TMP/a/combined.pdf"

# The page as a picture: something is drawn where the text is.
pdftoppm -r 30 -f 1 -l 1 -gray "$PDF" "$TMP/pg" 2>/dev/null
assert "page 1 renders" test -s "$TMP/pg-1.pgm"
done_testing
