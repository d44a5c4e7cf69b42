#!/usr/bin/env bash
# Records files are read in pieces (records.h): memory follows the largest record, not the file.
# A city's export of 20 000 members in ONE file (45 MB) is checked within 150 MB; the line and
# column of an error past line 65 535 (where libxml2 stops counting in a node) are exact; a file
# cut into several pieces builds the same documents as the same records in one piece each.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT"

# measure CMD...: runs CMD, its peak resident set (KiB, measured from outside) in $KB, its exit
# status in $STATUS, its output in $TMP/rss.out and $TMP/rss.err
measure() {
    /usr/bin/time -f %M -o "$TMP/rss" "$@" >"$TMP/rss.out" 2>"$TMP/rss.err"
    STATUS=$?
    KB=$(tail -1 "$TMP/rss")
}

python3 samples/gen.py --members 20000 --orgs 400 --one-file -o "$TMP/big" >/dev/null
BIG="$TMP/big/all.xml"
size=$(stat -c %s "$BIG")
assert "one file of 20 000 members is over 40 MB ($size bytes)" [ "$size" -gt 40000000 ]
measure "$WENSHU" check "$BIG"
kb=$KB
assert_eq "$STATUS" 0 "20 000 members in one file check clean"
assert_contains "$(cat "$TMP/rss.err")" "wenshu check: 1 个文件，20441 条记录（活动 1 个，单位 40 个，组织 400 个，党员 20000 名）：0 个错误" \
    "every record of the one file is counted"
if [ -n "${SANITIZED:-}" ]; then # AddressSanitizer's shadow memory and quarantine are not wenshu's
    ok "# SKIP peak memory is not measured under the sanitizers ($((kb / 1024)) MiB)"
else
    assert "check of 45 MB in one file: peak memory $((kb / 1024)) MiB, within 150 MiB (a whole-file DOM took 418 MB)" \
        [ "$kb" -le $((150 * 1024)) ]
fi

# Errors far down the file: an attribute on line > 70 000, an element on a later line, both at
# their exact line and column, with their record.
python3 - "$BIG" "$TMP/bad.xml" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
def find(text, after):
    for i in range(after, len(lines)):
        if text in lines[i]:
            return i
    raise SystemExit("not found: " + text)
m = find('<member id="M003000"', 70000)
lines[m] = lines[m].replace('gender="男"', 'gender="X"').replace('gender="女"', 'gender="X"')
b = find("<birth>", find('<member id="M019000"', m))
lines[b] = lines[b].replace("<birth>", "<birth>19xx-")
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
print(m + 1, lines[m].index("gender") + 1, b + 1, file=open(sys.argv[2] + ".where", "w"))
PY
read -r mline mcol bline <"$TMP/bad.xml.where"
run "$WENSHU" check "$TMP/bad.xml"
assert_status 1 "errors far down one large file"
assert "the first error is past line 70 000 (line $mline)" [ "$mline" -gt 70000 ]
assert_contains "$ERR" "bad.xml:$mline:$mcol: 错误：记录 M003000：性别只能填“男”或“女”，而不是“X”" \
    "an attribute's error on line $mline: exact line and column, with its record"
assert_contains "$ERR" "bad.xml:$bline:5: 错误：记录 M019000：出生日期应写成 1979-06-03 这样的日期（年-月-日），而不是“19xx-" \
    "an element's error on line $bline: exact line and column, with its record"
assert_eq "$(grep -c ': 错误：' <<<"$ERR")" 2 "each error once, nothing else"

# A file cut into pieces makes the documents the same records make one piece per file.
python3 samples/gen.py --members 1100 --orgs 20 --one-file -o "$TMP/one" >/dev/null
python3 samples/gen.py --members 1100 --orgs 20 -o "$TMP/many" >/dev/null
run "$WENSHU" check "$TMP/one/all.xml"
assert_status 0 "1 100 members in one file (three pieces) check clean"
run "$WENSHU" build "$TMP/one/all.xml" -o "$TMP/out-one" -q -j 2 --form feedback --form report
assert_status 0 "a file of three pieces builds"
run "$WENSHU" build "$TMP"/many/*.xml -o "$TMP/out-many" -q -j 2 --form feedback --form report
assert_status 0 "the same records, a file per unit, build"
(cd "$TMP/out-one" && find . -name '*.pdf' | sort) >"$TMP/list-one"
(cd "$TMP/out-many" && find . -name '*.pdf' | sort) >"$TMP/list-many"
n=$(wc -l <"$TMP/list-one")
feedback=$(grep -c "<evaluation" "$TMP/one/all.xml")
assert "as many documents from one file as from a file per unit ($n)" cmp -s "$TMP/list-one" "$TMP/list-many"
assert "every member with an evaluation has its notice ($feedback), and each unit its report" \
    [ "$n" -eq $((feedback + 2)) ]
last=$(grep -m1 "M001100" "$TMP/list-one" || true)
[ -n "$last" ] || last=$(grep -v "专题报告" "$TMP/list-one" | tail -1)
assert_eq "$(pdftotext "$TMP/out-one/$last" - | md5sum)" "$(pdftotext "$TMP/out-many/$last" - | md5sum)" \
    "a notice from the file's last piece reads the same ($last)"
report=$(grep -m1 "专题报告" "$TMP/list-one")
assert_eq "$(pdftotext "$TMP/out-one/$report" - | md5sum)" "$(pdftotext "$TMP/out-many/$report" - | md5sum)" \
    "a unit's report, which counts members of every piece, reads the same"

done_testing
