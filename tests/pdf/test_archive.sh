#!/usr/bin/env bash
# Archive copies (PDF/A-1b): the checks a validator would make that we can make ourselves —
# XMP parses and agrees with Info, sRGB ICC v2 OutputIntent, CIDSet and a parsable ToUnicode
# for every font, content-derived /ID, version 1.4, qpdf and poppler clean, reproducible.
. "$(dirname "$0")/../lib/assert.sh"
. "$(dirname "$0")/lib.sh"

if [ ! -x "$UNIT_BIN" ]; then not_ok "unit driver $UNIT_BIN missing (make unit)"; done_testing; exit 1; fi
make_pdfs "$TMP/a"
make_pdfs "$TMP/b"
PDF="$TMP/a/archive.pdf"
assert "driver wrote the archive copy" test -s "$PDF"

run python3 "$(dirname "$0")/check_archive.py" "$PDF"
assert_status 0 "PDF/A-1b checks: ${OUT:0:600}"
assert_eq "$OUT" "" "check_archive.py lists no problem"
# the checker itself must catch a broken file: the plain copy is not PDF/A
run python3 "$(dirname "$0")/check_archive.py" "$TMP/a/plain.pdf"
assert_status 1 "the checker rejects the plain copy"
assert_contains "$OUT" "XMP" "and says the XMP is missing"

info=$(pdfinfo "$PDF")
assert_contains "$info" "Metadata Stream: yes" "pdfinfo sees the XMP stream"
assert_contains "$info" "PDF version:     1.4" "PDF 1.4"
xmp=$(mutool show -b "$PDF" trailer/Root/Metadata)
assert_contains "$xmp" "A&amp;B &lt;x&gt;" "XMP escapes & and <"
assert_not_contains "$(mutool show "$PDF" trailer/Root/Metadata)" "SubType" "no misspelt /SubType"

assert "pdftotext prints no warnings" quiet_stderr pdftotext "$PDF" /dev/null
assert "pdffonts prints no warnings" quiet_stderr pdffonts "$PDF"
assert "pdfinfo prints no warnings" quiet_stderr pdfinfo "$PDF"
assert "mutool draw prints no warnings" quiet_stderr mutool draw -q -o /dev/null -F txt "$PDF"
run qpdf --check "$PDF"
assert_status 0 "qpdf --check"
assert_contains "$(pdftotext "$PDF" -)" "𠀾与𠮷" "archive copy extracts 𠀾 and 𠮷"

assert "two archive renders are byte-identical (content-derived /ID)" cmp -s "$PDF" "$TMP/b/archive.pdf"
assert_contains "$(mutool show "$PDF" trailer/ID)" "<" "trailer carries an /ID"
done_testing
