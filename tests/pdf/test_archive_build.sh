# Issue 8, end to end: archive copies of the final report and of a combined notice made by
# `wenshu build --archive` pass the PDF/A-1b checks; builds are reproducible; verify catches a
# one-byte change in any output.
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/lib.sh"

OUTA="$TMP/a"
run "$WENSHU" build "$ROOT"/samples/*.xml -o "$OUTA" --form report,feedback --combined --archive -q -j 2
assert_status 0 "build --archive --combined of the report and the feedback notices"

report=$(find "$OUTA" -path '*专题报告*' -name '*.pdf' ! -path '*合订本*' | sort | head -1)
combined="$OUTA/合订本/评议意见反馈通知书.pdf"
assert_file "$report" "an archive copy of the final report"
assert_file "$combined" "an archive copy of the combined feedback notices"

for f in "$report" "$combined"; do
    name=${f#$OUTA/}
    problems=$(python3 "$ROOT/tests/pdf/check_archive.py" "$f")
    assert_eq "$problems" "" "$name: PDF/A-1b checks (XMP, OutputIntent ICC v2, CIDSet, ToUnicode, /ID)"
    assert "$name: qpdf --check clean" quiet_stderr qpdf --check "$f"
    assert "$name: no poppler warnings (pdftotext, pdffonts, pdfinfo)" \
        quiet_stderr pdftotext "$f" - && quiet_stderr pdffonts "$f" && quiet_stderr pdfinfo "$f"
    unembedded=$(pdffonts "$f" | awk 'NR > 2 && $(NF-4) != "yes"')
    assert_eq "$unembedded" "" "$name: every font embedded"
done

info=$(pdfinfo "$report")
assert_contains "$info" "U-MZJ" "the report's keywords name its record"
assert_contains "$info" "先进性教育活动专题报告" "the report's keywords name its form"
assert_contains "$info" "CreationDate:    Sat Jun  4 16:00:00 2005 UTC" "the report's creation date comes from the data (report-due, +08:00)"
fb=$(find "$OUTA" -path '*评议意见反馈通知书*' -name '李赟.pdf' ! -path '*合订本*')
assert_contains "$(pdfinfo "$fb")" "CreationDate:    Sun Apr 17 16:00:00 2005 UTC" "a notice is dated the day its evaluation was fed back"
title=$(pdfinfo "$report" | sed -n 's/^Title: *//p')
assert_contains "$title" "专题报告" "the report's Title in Info reads in Chinese: $title"
outline=$(mutool show "$combined" outline)
n_records=$(cd "$OUTA" && find . -path '*/评议意见反馈通知书/*.pdf' ! -path '*合订本*' | wc -l)
top_pages=$(grep -P '^[-+|]\t\t"' <<<"$outline" | sed -n 's/.*#page=\([0-9]*\).*/\1/p')
assert_eq "$(wc -l <<<"$top_pages")" "$n_records" "one bookmark per record under its organisation in the combined file"
even=$(awk '$1 % 2 == 0' <<<"$top_pages")
assert_eq "$even" "" "every record starts on an odd page (double-sided printing)"

# Reproducible: a second build into another folder gives identical bytes, manifest included.
OUTB="$TMP/b"
"$WENSHU" build "$ROOT"/samples/*.xml -o "$OUTB" --form report,feedback --combined --archive -q -j 1
assert "two builds are byte-identical (-j 2 vs -j 1, archive and combined included)" diff -r "$OUTA" "$OUTB"

# verify: clean, then a one-byte change in any output is caught and named.
run "$WENSHU" verify "$OUTA"
assert_status 0 "verify on an untouched output folder"
victim=$(cd "$OUTA" && find . -name '*.pdf' | sort | sed -n 3p)
python3 - "$OUTA/$victim" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x01
open(p, "wb").write(bytes(b))
PY
run "$WENSHU" verify "$OUTA"
assert_status 1 "verify after flipping one bit"
assert_contains "$OUT$ERR" "${victim#./}" "verify names the changed file"
done_testing
