#!/usr/bin/env bash
# The shipped forms (templates/*.md) merged with the samples: every template merges every record
# without a message; the merged text carries the records' key fields and figures (checked against
# values computed here from the XML, not copied from the output); no template syntax or
# placeholder is left; every table is a table for cmark-gfm (parsed through libcmark-gfm) with the
# same number of cells in each row; each form renders for one record and the PDF names it.
# The golden merged Markdown of each form is in tests/templates/golden, checked by test_golden.sh;
# after an intended change: WENSHU_REGEN_GOLDEN=1 tests/run templates/test_golden, then review git diff.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT" || exit 2
SAMPLES=(samples/campaign.xml samples/members-fly.xml samples/members-mzj.xml)

merge() { # template [--record ID] — merged Markdown in $OUT
    local tpl="$1"; shift
    run "$WENSHU" merge "$@" "templates/$tpl.md" "${SAMPLES[@]}"
}

# Table check: every block of lines starting with "|" must parse as a GFM table with exactly
# those rows (a stray line after a table would be swallowed as a row; a broken delimiter row
# would leave no table), and every row must have as many unescaped "|" as the header.
cat >"$TMP/tables.py" <<'PY'
import ctypes, re, sys
core = ctypes.CDLL("libcmark-gfm.so.0.29.0.gfm.6")
ext = ctypes.CDLL("libcmark-gfm-extensions.so.0.29.0.gfm.6")
ext.cmark_gfm_core_extensions_ensure_registered()
core.cmark_parser_new.restype = ctypes.c_void_p
core.cmark_find_syntax_extension.restype = ctypes.c_void_p
core.cmark_find_syntax_extension.argtypes = [ctypes.c_char_p]
core.cmark_parser_attach_syntax_extension.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
core.cmark_parser_feed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
core.cmark_parser_finish.restype = ctypes.c_void_p
core.cmark_parser_finish.argtypes = [ctypes.c_void_p]
core.cmark_render_xml.restype = ctypes.c_void_p
core.cmark_render_xml.argtypes = [ctypes.c_void_p, ctypes.c_int]
text = sys.stdin.buffer.read()
p = core.cmark_parser_new(0)
core.cmark_parser_attach_syntax_extension(p, core.cmark_find_syntax_extension(b"table"))
core.cmark_parser_feed(p, text, len(text))
xml = ctypes.string_at(core.cmark_render_xml(core.cmark_parser_finish(p), 0)).decode()
lines = text.decode().split("\n")
problems, src_rows, blocks, i = [], 0, 0, 0
while i < len(lines):
    if not lines[i].startswith("|"):
        i += 1
        continue
    j = i
    while j < len(lines) and lines[j].startswith("|"):
        j += 1
    block = lines[i:j]
    blocks += 1
    if len(block) < 2 or not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", block[1]):
        problems.append("line %d: no delimiter row" % (i + 2))
    pipes = [len(re.findall(r"(?<!\\)\|", row)) for row in block]
    for k, n in enumerate(pipes):
        if n != pipes[0]:
            problems.append("line %d: %d cells, header has %d" % (i + k + 1, n - 1, pipes[0] - 1))
    if j < len(lines) and lines[j].strip():
        problems.append("line %d: text right after a table" % (j + 1))
    src_rows += len(block) - 1
    i = j
parsed_tables = xml.count("<table>") + len(re.findall(r"<table ", xml))
parsed_rows = len(re.findall(r"<table_(?:row|header)\b", xml))
if parsed_tables != blocks:
    problems.append("%d table blocks in the source, cmark-gfm found %d tables" % (blocks, parsed_tables))
if parsed_rows != src_rows:
    problems.append("%d table rows in the source, cmark-gfm found %d" % (src_rows, parsed_rows))
print("; ".join(problems) if problems else "ok %d %d" % (blocks, src_rows))
PY

# Every form: merges cleanly, one document per selected record, nothing left unmerged.
# analysis and rectification-member: every member but the 流动党员 (市外) M26, who takes part where
# he lives (no blank forms for him); analysis-text: members with a full text; survey-results: the
# organisations with a survey.
declare -A expected=([analysis]=29 [feedback]=13 [rectification-member]=29 [rectification-org]=3 [analysis-text]=1 [survey-results]=3
                     [publication]=3 [evaluation-report]=4 [survey]=5 [report]=1)
for tpl in "${!expected[@]}"; do
    assert "templates/$tpl.md exists" test -f "templates/$tpl.md"
done
for t in templates/*.md; do
    tpl=$(basename "$t" .md)
    merge "$tpl"
    assert_status 0 "$tpl merges every sample record"
    assert_eq "$ERR" "" "$tpl: no message on stderr"
    assert_eq "$(grep -c '^<!-- record ' <<<"$OUT")" "${expected[$tpl]:-?}" "$tpl: one document per record"
    assert_not_contains "$OUT" "{{" "$tpl: no template syntax left"
    if grep -qiE 'xxx|××|＊＊|\?\?' <<<"$OUT"; then not_ok "$tpl: placeholder text"; else ok "$tpl: no placeholder text"; fi
    result=$(python3 "$TMP/tables.py" <<<"$OUT" 2>&1)
    if [[ "$result" == ok* ]]; then ok "$tpl: tables parse as GFM tables ($result)"; else not_ok "$tpl: tables: ${result:0:600}"; fi
    if awk 'prev == "" && $0 == "" { bad = 1 } { prev = $0 } END { exit !bad }' <<<"$OUT"; then
        not_ok "$tpl: no double blank lines"; else ok "$tpl: no double blank lines"; fi
done

# Expected figures, computed from the XML here.
eval "$(python3 - "${SAMPLES[@]}" <<'PY'
import re, sys, xml.etree.ElementTree as ET
ns = "{urn:wenshu:campaign:1}"
els = {}
for path in sys.argv[1:]:
    for el in ET.parse(path).getroot():
        if el.get("id"):
            els[el.get("id")] = el
def han(s):
    return len(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]", s))
m05 = els["M05"].find(ns + "analysis/" + ns + "text")
print("M05_HAN=%d" % han("".join(m05.itertext())))
plan = els["O-JG"].find(ns + "rectification-plan")
items = plan.findall(ns + "item")
print("JG_ITEMS=%d" % len(items))
print("JG_ASPECTS=%d" % len({i.get("category") for i in items}))
print("JG_DONE=%d" % sum(i.get("status") == "已完成" for i in items))
q = els["O-JG"].findall(ns + "survey/" + ns + "question")[0]
tot = sum(int(q.get(k)) for k in ("satisfied", "basic", "unsatisfied"))
print("JG_Q1_RATE='%.1f%%'" % (100.0 * int(q.get("satisfied")) / tot + 1e-9))
# the study average leaves out members taught at home (年老体弱) or taking part elsewhere
def elsewhere(m):
    return any(x.get("kind") in ("年老体弱", "转出", "现役军人") or (x.get("kind") == "流动党员" and x.get("scope") == "市外")
               for x in m.findall(ns + "situation"))
hours = [int(m.find(ns + "study").get("hours")) for m in els.values()
         if m.tag == ns + "member" and m.find(ns + "study") is not None and m.find(ns + "study").get("hours")
         and not elsewhere(m)]
print("ALL_STUDIED=%d ALL_AVG_HOURS=%d" % (len(hours), int(sum(hours) / len(hours) + 0.5)))
r = els["O-JG"].find(ns + "report")
print("JG_PART_RATE='%.1f%%'" % (100.0 * int(r.get("participants")) / int(r.get("members"))))
PY
)"

# 党性分析材料提纲
merge analysis --record M01
assert_contains "$OUT" "王𠀾，男，汉族，1958年4月出生，1980年6月加入中国共产党" "analysis M01: basic facts, the name outside the BMP unchanged"
assert_contains "$OUT" "所在党支部：中共临江市民政局机关第一支部委员会" "analysis M01: the branch"
assert_contains "$OUT" "字数4000字左右" "analysis M01: the leader's target length from the campaign"
assert_contains "$OUT" $'### （一）学习方面\n\n理论学习的自觉性不够' "analysis M01: problems grouped by aspect, in the schema's order"
assert_contains "$OUT" $'### （二）工作方面' "analysis M01: the second aspect present is numbered （二）"
assert_contains "$OUT" $'### （三）作风方面' "analysis M01: 作风 comes after 工作"
assert_contains "$OUT" "（二）宗旨意识有所淡化" "analysis M01: causes"
assert_contains "$OUT" $'```signature\n王𠀾\n2005年4月14日\n```' "analysis M01: signed with the revision date"
assert_not_contains "$OUT" '```lines' "analysis M01: no ruled space when the analysis is recorded"
merge analysis --record M05
assert_contains "$OUT" "共${M05_HAN}字（按汉字计）" "analysis M05: the counted length of the full text ($M05_HAN Han characters)"
assert_not_contains "$OUT" "字数2000字左右" "analysis M05: with the full text written, the target is not repeated"
merge analysis --record M08
assert_contains "$OUT" "周䶮" "analysis M08: a rare character in the name"
assert_contains "$OUT" '```lines 10' "analysis M08: ruled space where no analysis is recorded"
assert_contains "$OUT" "本人签名：\`blank:6\`" "analysis M08: a blank to sign"
assert_contains "$OUT" "参加支部组织生活有时迟到。" "analysis M08: the branch's points offered for the self-examination"

# 评议意见反馈通知书
merge feedback --record M05
assert_contains "$OUT" $'李赟同志：' "feedback M05: addressed to the member"
assert_contains "$OUT" "工作认真细致，学习态度端正" "feedback M05: 肯定成绩"
assert_contains "$OUT" $'（一）政治理论学习的系统性不够，工作中主动创新不够。\n\n（二）服务群众的耐心还需加强。' "feedback M05: 指出问题, numbered"
assert_contains "$OUT" "按照个人学习计划抓好理论学习" "feedback M05: 整改方向"
assert_contains "$OUT" $'```signature seal\n中共临江市民政局机关第一支部委员会\n2005年4月18日\n```' "feedback M05: signed by the branch on the feedback date"
assert_contains "$OUT" $'```receipt\n# 回　执' "feedback M05: a receipt"
assert_contains "$OUT" "党员签名：\`blank:6\`　　日期：\`blank:8\`" "feedback M05: the receipt has blanks to sign and date"
for grade in 优秀 基本合格 不合格; do assert_not_contains "$OUT" "$grade" "feedback: no grade ($grade)"; done
merge feedback --record M10
assert_status 1 "feedback: no notice for a member without a branch evaluation (M10)"

# 个人整改措施
merge rectification-member --record M05
assert_contains "$OUT" "| 序号 | 存在问题 | 整改措施 | 完成时限 | 责任领导 | 责任人 |" "rectification-member M05: the table header (the issue's six columns)"
assert_contains "$OUT" "| 2 | 群众来电转办后跟踪不够。 | 建立来电登记转办台账，三个工作日内回复。 | 2005年5月10日 | 张喆 | 李赟 |" "rectification-member M05: an item row, the branch secretary as 责任领导 by default"
merge rectification-member --record M01
assert_contains "$OUT" "| 2005年12月31日 | 陈建国 | 王𠀾 |" "rectification-member M01: an item's own 责任领导"
merge rectification-member --record M02
assert_contains "$OUT" "第1项：制度已建立" "rectification-member M02: the explanation of a long-term item"
merge rectification-member --record M12
assert_contains "$OUT" '```lines 10' "rectification-member M12: ruled space where nothing is recorded"

# 整改方案
merge rectification-org --record O-JG
assert_contains "$OUT" "| 序号 | 存在问题 | 整改措施 | 完成时限 | 责任领导 | 责任部门 | 责任人 |" "rectification-org O-JG: the table header, with 责任部门"
assert_eq "$(grep -c '^| [0-9]* | ' <<<"$OUT")" "$JG_ITEMS" "rectification-org O-JG: one row per item ($JG_ITEMS)"
assert_contains "$OUT" "${JG_ASPECTS}个方面${JG_ITEMS}个问题" "rectification-org O-JG: N个方面M个问题"
assert_contains "$OUT" "| 2005年5月20日 | 林晓梅 | 社会救助科 | 刘文堃 |" "rectification-org O-JG: deadline, 责任领导, 责任部门, 责任人"
assert_contains "$OUT" "| 王𠀾 | 优抚安置科 | 钱卫东 |" "rectification-org O-JG: a rare character in a table cell"
assert_contains "$OUT" "（一）把群众意见最大、最不满意的城乡低保审批效率问题作为整改的首要重点。" "rectification-org O-JG: 整改重点"
assert_contains "$OUT" "方案于2005年5月8日通过公示栏在局机关" "rectification-org O-JG: how it was made public"
merge rectification-org --record O-ZB1
assert_contains "$OUT" "报中共临江市民政局机关委员会审查、备案" "rectification-org O-ZB1: reviewed by the parent organisation"

# 整改情况公布
merge publication --record O-JG
assert_contains "$OUT" "${JG_ASPECTS}个方面${JG_ITEMS}个问题，已完成${JG_DONE}项" "publication O-JG: the count line"
assert_eq "$(grep '^## ' <<<"$OUT" | tr '\n' '/')" "## 一、已经完成的整改项目/## 二、正在整改的项目/## 三、需要长期整改的项目/## 四、暂时不能解决的问题/## 五、建章立制情况/## 六、欢迎继续监督/" "publication O-JG: groups by status, numbered in order"
assert_contains "$OUT" "说明：统一标准涉及市、县两级财政分担比例" "publication O-JG: the explanation of what cannot be solved yet"
assert_contains "$OUT" "意见箱：设在局办公楼一楼大厅东侧" "publication O-JG: the opinion box"
assert_contains "$OUT" "专线电话：0898-2261-5107" "publication O-JG: the telephone"
merge publication --record O-ZB1
assert_eq "$(grep '^## ' <<<"$OUT" | tr '\n' '/')" "## 一、已经完成的整改项目/## 二、欢迎继续监督/" "publication O-ZB1: only the groups that have items"

# 民主评议情况通报
eval "$(python3 - "${SAMPLES[@]}" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{urn:wenshu:campaign:1}"
els = [el for path in sys.argv[1:] for el in ET.parse(path).getroot()]
org = [el for el in els if el.get("id") == "O-ZB1"][0]
mem = [el for el in els if el.tag == ns + "member" and el.get("org") == "O-ZB1"]
ops = org.findall(ns + "opinions/" + ns + "opinion") + [o for m in mem for o in m.findall(ns + "opinions/" + ns + "opinion")]
print("ZB1_MEMBERS=%d ZB1_OPINIONS=%d ZB1_TALKS=%d ZB1_FED=%d" % (len(mem), len(ops), sum(o.get("channel") == "谈心" for o in ops),
      sum(m.find(ns + "evaluation") is not None and m.find(ns + "evaluation").get("fed-back") is not None for m in mem)))
PY
)"
merge evaluation-report --record O-ZB1
assert_contains "$OUT" "本支部共有党员${ZB1_MEMBERS}名" "evaluation-report O-ZB1: members counted across files (\$members)"
assert_contains "$OUT" "| 合计 | ${ZB1_OPINIONS} |" "evaluation-report O-ZB1: opinions counted ($ZB1_OPINIONS)"
assert_not_contains "$OUT" "共征求到意见" "evaluation-report O-ZB1: no total without its definition (对本党支部的意见, 对党员个人的意见)"
assert_contains "$OUT" "| 谈心活动 | $ZB1_TALKS |" "evaluation-report O-ZB1: opinions by channel"
assert_contains "$OUT" "已以书面形式向${ZB1_FED}名党员反馈" "evaluation-report O-ZB1: feedback given"
assert_not_contains "$OUT" "周䶮同志（聘用）" "evaluation-report O-ZB1: a public notice names no member's private situation"
assert_contains "$OUT" "本通报于2005年4月19日通过会议在本支部全体党员" "evaluation-report O-ZB1: where it is made known"
for grade in 优秀 基本合格 不合格 等次; do assert_not_contains "$OUT" "$grade" "evaluation-report: no grade ($grade)"; done
# Generated data (members in the unit's file): the figures follow the data.
python3 samples/gen.py --members 24 --orgs 2 -o "$TMP/gen" >/dev/null
eval "$(python3 - "$TMP"/gen/unit-001.xml <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{urn:wenshu:campaign:1}"
root = ET.parse(sys.argv[1]).getroot()
org = [o for o in root.findall(ns + "organisation") if o.get("kind") == "党支部"][0]
mem = [m for m in root.findall(ns + "member") if m.get("org") == org.get("id")]
ops = org.findall(ns + "opinions/" + ns + "opinion") + [o for m in mem for o in m.findall(ns + "opinions/" + ns + "opinion")]
print("GEN_ORG=%s GEN_MEMBERS=%d GEN_OPINIONS=%d GEN_TALKS=%d GEN_EVALUATED=%d" % (org.get("id"), len(mem), len(ops),
      sum(o.get("channel") == "谈心" for o in ops), sum(m.find(ns + "evaluation") is not None for m in mem)))
PY
)"
run "$WENSHU" merge --record "$GEN_ORG" templates/evaluation-report.md "$TMP"/gen/*.xml
assert_status 0 "evaluation-report merges generated data"
assert_contains "$OUT" "本支部共有党员${GEN_MEMBERS}名" "evaluation-report $GEN_ORG: members counted from the member records"
assert_contains "$OUT" "| 合计 | ${GEN_OPINIONS} |" "evaluation-report $GEN_ORG: opinions counted"
[ "$GEN_TALKS" -gt 0 ] && assert_contains "$OUT" "| 谈心活动 | $GEN_TALKS |" "evaluation-report $GEN_ORG: the 谈心 count"
assert_contains "$OUT" "对${GEN_EVALUATED}名党员逐一提出了评议意见" "evaluation-report $GEN_ORG: evaluations counted"

# 群众满意度测评表
merge survey --record O-JG
assert_contains "$OUT" "本表无记名填写" "survey O-JG: anonymous"
assert_contains "$OUT" "| 1 | 组织领导 | \`box\` | \`box\` | \`box\` |" "survey O-JG: a row of boxes per question"
assert_contains "$OUT" "\`box\` 党员　\`box\` 群众代表　\`box\` 服务对象代表" "survey O-JG: respondent groups as boxes"
assert_not_contains "$OUT" "pagebreak" "survey O-JG: the blank alone (the results are a separate form)"
merge survey-results --record O-JG
assert_contains "$OUT" "| 组织领导 | 62 | 21 | 3 | $JG_Q1_RATE |" "survey-results O-JG: counts and rate ($JG_Q1_RATE)"
assert_not_contains "$OUT" "需补课" "survey O-JG: no 需补课 when most are satisfied"
merge survey --record O-ZB3
assert_contains "$OUT" "| 7 | 总体评价 |" "survey O-ZB3: default questions when no survey is recorded"
merge survey-results --record O-ZB2
assert_contains "$OUT" "## 第一次测评" "survey-results O-ZB2: the first round"
assert_contains "$OUT" "2005年5月18日前采取了以下补课措施" "survey-results O-ZB2: the 补课 measures"
assert_contains "$OUT" "## 补课后重新测评" "survey-results O-ZB2: the re-survey"
# A survey where most answers are 不满意 is flagged.
sed -e 's/satisfied="62" basic="21" unsatisfied="3"/satisfied="10" basic="10" unsatisfied="66"/' \
    -e 's/satisfied="58" basic="24" unsatisfied="4"/satisfied="5" basic="11" unsatisfied="70"/' \
    -e 's/satisfied="55" basic="26" unsatisfied="5"/satisfied="5" basic="11" unsatisfied="70"/' \
    -e 's/satisfied="51" basic="28" unsatisfied="7"/satisfied="5" basic="11" unsatisfied="70"/' \
    samples/campaign.xml >"$TMP/campaign.xml"
run "$WENSHU" merge --record O-JG templates/survey-results.md "$TMP/campaign.xml" samples/members-*.xml
assert_status 0 "survey-results merges a dissatisfied survey"
assert_contains "$OUT" "| 组织领导 | 10 | 10 | 66 | 11.6% | 11.6% | 76.7% | 需补课 |" "survey-results: the item most are dissatisfied with is flagged in the 备注 column"
assert_contains "$OUT" "多数群众不满意，需补课。" "survey-results: the whole survey is flagged"
run "$WENSHU" merge --record U-MZJ templates/report.md "$TMP/campaign.xml" samples/members-*.xml
assert_not_contains "$OUT" "党群干群关系更加密切" "report: no stock success text over an open 补课 case"
assert_contains "$OUT" "中共临江市民政局机关委员会的群众满意度测评仍是多数群众不满意" "report: the open 补课 case is named"

# 专题报告
merge report --record U-MZJ
assert_contains "$OUT" $'中共临江市委：' "report U-MZJ: addressed to the 市委"
assert_contains "$OUT" "参学率为$JG_PART_RATE" "report U-MZJ: participation rate ($JG_PART_RATE)"
assert_contains "$OUT" "共归纳出12个问题" "report U-MZJ: problems from the report figures"
assert_contains "$OUT" "已完成整改8项" "report U-MZJ: items completed"
assert_contains "$OUT" "共建立健全制度3项" "report U-MZJ: systems established"
assert_contains "$OUT" "参加测评86人（党员34人、群众代表30人、服务对象代表22人）" "report U-MZJ: survey participants"
assert_contains "$OUT" $'```signature seal\n中共临江市民政局机关委员会\n2005年6月3日\n```' "report U-MZJ: signed by the unit's top organisation, dated"
assert_contains "$OUT" "${ALL_STUDIED}名党员参加了集中学习，人均学习${ALL_AVG_HOURS}学时" "report U-MZJ: study figures from the unit's members (\$members)"
assert_eq "$(grep '^## ' <<<"$OUT" | tr '\n' '/')" "## 一、基本情况/## 二、主要做法/## 三、主要成效/## 四、整改情况/## 五、建章立制情况/## 六、群众满意度测评情况/## 七、主要体会/## 八、存在问题和下一步打算/" "report U-MZJ: the parts of forms.md §6, in order, with the generated 主要体会"
sed 's#<section title="存在问题和下一步打算">#<section title="基本经验"><p>领导带头是关键。</p></section><section title="存在问题和下一步打算">#' \
    samples/campaign.xml >"$TMP/campaign-sections.xml"
run "$WENSHU" merge --record U-MZJ templates/report.md "$TMP/campaign-sections.xml" samples/members-*.xml
assert_contains "$OUT" $'## 七、基本经验\n\n领导带头是关键。\n\n## 八、存在问题和下一步打算' "report: a section of another title gets its own part, numbered before the last (基本经验 stands for the generated 主要体会)"
merge report --record U-FLY
assert_not_contains "$OUT" "专题报告" "report U-FLY: no report of its own — its only organisation is a branch under the 民政局机关党委, which reports for it"
merge report --record U-MZJ
assert_contains "$OUT" "中共临江市社会福利院支部委员会是临江市社会福利院的党组织，隶属本党委，该单位的先进性教育活动由本党委领导，情况一并在本报告中报告，不另行报告" "report U-MZJ: says it reports for the 福利院"

# Each form renders for one record, and the PDF names the record.
for spec in analysis:M01:王𠀾 feedback:M05:李赟 rectification-member:M05:李赟 rectification-org:O-JG:中共临江市民政局机关委员会 \
            publication:O-ZB4:中共临江市社会福利院支部委员会 evaluation-report:O-ZB1:中共临江市民政局机关第一支部委员会 \
            survey-results:O-JG:市委先进性教育活动第三督导组 survey:O-ZB2:中共临江市民政局机关第二支部委员会 \
            analysis-text:M05:李赟 report:U-MZJ:临江市民政局; do
    IFS=: read -r tpl rec key <<<"$spec"
    style=$(sed -n 's/^style: *//p' "templates/$tpl.md")
    "$WENSHU" merge --record "$rec" "templates/$tpl.md" "${SAMPLES[@]}" >"$TMP/$tpl.md" 2>/dev/null
    run "$WENSHU" render "$TMP/$tpl.md" -o "$TMP/$tpl.pdf" --style "$style"
    assert_status 0 "$tpl ($rec) renders"
    assert_contains "$(pdftotext "$TMP/$tpl.pdf" - 2>/dev/null | tr -d ' \n')" "$key" "$tpl ($rec): the PDF text names $key"
done

done_testing
