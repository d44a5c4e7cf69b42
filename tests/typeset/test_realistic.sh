#!/usr/bin/env bash
# Issue 16, a records set written apart from the other tests (tests/typeset/jiaotong, made by
# make_set.py there): 临江市交通局, its 机关党委 and four branches (one a 联合支部 with a
# 30-character name), 40 members, six leaders with analyses of 3 000 to 4 500 characters, a member
# with a 12-item rectification plan, the rare names 𠮷 (outside the BMP) and 䶮. Every form is
# built and every page break measured from the PDFs (check_pages.py orphans): no page ends with a
# heading or a paragraph's lone first line, none starts with a lone last line.
. "$(dirname "$0")/../lib/assert.sh"
SET="$ROOT/tests/typeset/jiaotong"
CHECK="$ROOT/tests/typeset/check_pages.py"

run "$WENSHU" check "$SET/campaign.xml" "$SET/members.xml"
assert_status 0 "the 交通局 set passes wenshu check"
assert_contains "$ERR" "48 条记录（活动 1 个，单位 2 个，组织 5 个，党员 40 名）：0 个错误，0 个警告" "no errors, no warnings"

run "$WENSHU" build "$SET/campaign.xml" "$SET/members.xml" -o "$TMP/out" -j 2 -q
assert_status 0 "every form of the set builds"
n=$(find "$TMP/out" -name '*.pdf' | wc -l)
assert_eq "$n" "146" "146 documents: 3 per member, 10 full analyses (党性分析材料), the organisations' and units' forms (a unit whose branch sits under another unit's committee reports through it)"

faults=$(find "$TMP/out" -name '*.pdf' | sort | while read -r f; do
    python3 "$CHECK" "$f" orphans | sed "s|^|${f#"$TMP"/out/}: |"
done)
assert_eq "$faults" "" "no page ends with a heading or a lone first line, none starts with a lone last line ($n documents)"

# the 12-item plan pushes the sign-off block to a page foot: it stays whole, with text above it
B="$TMP/out/中共临江市交通局机关第二支部委员会/个人整改措施/杜国庆.pdf"
pages=$(pdfinfo "$B" | sed -n 's/^Pages: *//p')
assert "the 12-item plan runs over several pages ($pages)" test "$pages" -ge 2
t=$(pdftotext -layout -f "$pages" -l "$pages" "$B" - | grep -v '^\s*$' | sed 's/^ *//')
assert_contains "$t" "党支部审核意见" "the last page holds 党支部审核意见"
assert_contains "$t" "党支部书记签名" "and 党支部书记签名 with it"
above=$(awk '/杜国庆$/ {print NR - 1; exit}' <<<"$t")
assert "the member's 署名 has at least two lines of text above it on its page ($above)" test "${above:-0}" -ge 2

# the 30-character branch name: inside the block on every document of that branch
LH="$TMP/out/中共临江市交通规费征稽处暨临江市公路运输管理所联合支部委员会"
bad=""
for f in "$LH"/*/*.pdf; do
    left=$(python3 "$CHECK" "$f" left)
    python3 -c "import sys; sys.exit(0 if $left >= 27.9 else 1)" || bad="$bad ${f#"$LH"/}:$left"
done
assert_eq "$bad" "" "nothing of the 联合支部's documents enters the left margin (28 mm)"
# the rare names are printed, not boxes
txt=$(pdftotext "$TMP/out/中共临江市交通局机关第一支部委员会/党性分析材料提纲/刘䶮.pdf" - | tr -d ' \n')
assert_contains "$txt" "刘䶮，" "䶮 (U+4DAE) printed in the analysis outline"
txt=$(pdftotext "$TMP/out/中共临江市交通局机关第一支部委员会/党性分析材料提纲/𠮷庆华.pdf" - | tr -d ' \n')
assert_contains "$txt" "𠮷庆华，" "𠮷 (U+20BB7) printed in the analysis outline"
done_testing
