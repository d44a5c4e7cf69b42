#!/usr/bin/env bash
# wenshu export: the samples as a workbook read by independent readers (openpyxl, LibreOffice), the
# round trip import(export(samples)) to the same records and the same PDFs, the blank workbook,
# refusals; and a 50 000-member roster imported in bounded memory.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT"
PY=/usr/bin/python3 # Debian's python: it has openpyxl (make deps installs python3-openpyxl)

# --- the samples exported
run "$WENSHU" export samples/*.xml -o "$TMP/名册.xlsx"
assert_status 0 "export of the samples"
assert_contains "$ERR" "wenshu export: 3 个文件：0 个错误，0 个警告" "the summary (on standard error)"
assert_contains "$ERR" "samples/campaign.xml:5: 提示：活动记录（campaign）不写入工作簿：导入时用 --campaign samples/campaign.xml 指定" \
    "the campaign is not in the workbook, and import is told how to get it"
run "$PY" - "$TMP/名册.xlsx" <<'PY'
import datetime, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
problems = []
def want(cond, what):
    if not cond: problems.append(what)
want(wb.sheetnames == ["说明", "单位", "组织", "委员", "党员", "学习", "征求意见", "党性分析", "会议", "评议", "整改", "制度", "公布",
                       "测评", "补课", "报告", "报告正文"], "sheets: %s" % wb.sheetnames)
want(wb.active.title == "党员", "opens on 党员, not %s" % wb.active.title)
m = wb["党员"]
head = [c.value for c in m[1]]
want(head[:10] == ["编号", "姓名*", "性别*", "民族*", "出生日期*", "入党时间*", "所在党组织*", "工作单位*", "职务", "党员类别*"], "党员 headers: %s" % head)
want(all(c.font.b for c in m[1]), "header row bold")
want(m.freeze_panes == "A2", "header row frozen: %s" % m.freeze_panes)
lists = {str(dv.sqref).split(":")[0][0]: (dv.type, dv.formula1) for dv in m.data_validations.dataValidation}
want(lists.get("C") == ("list", '"男,女"'), "性别 list: %r" % (lists.get("C"),))
want(lists.get("J") == ("list", '"正式,预备"'), "党员类别 list: %r" % (lists.get("J"),))
want(lists.get("G", ("", ""))[0] == "list" and lists["G"][1].startswith("'组织'!$A$2:$A$"), "所在党组织 list: %r" % (lists.get("G"),))
rows = {r[0].value: r for r in m.iter_rows(min_row=2)}
want(len(rows) == 30, "30 members: %d" % len(rows))
r = rows["M01"]
want(isinstance(r[4].value, datetime.datetime) and r[4].value.date() == datetime.date(1958, 4, 12) and "yy" in r[4].number_format,
     "出生日期 is an Excel date with a date format: %r %s" % (r[4].value, r[4].number_format))
want(r[0].data_type == "s" and r[0].number_format == "@" and r[6].value == "O-ZB1" and r[6].data_type == "s", "ids are text cells")
want(r[11].value == 46 and r[11].data_type == "n", "学时 is a number: %r" % r[11].value)
an = {row[0].value: row for row in wb["党性分析"].iter_rows(min_row=2)}
want(an["M01"][4].value.split("\n")[0] == "学习：理论学习的自觉性不够，以干代学，满足于一般性了解，系统学习和深入思考不够。",
     "党性分析 problems one a line, aspect first: %r" % an["M01"][4].value)
sv = list(wb["测评"].iter_rows(min_row=2, values_only=True))
want(len(sv) == 13 and sv[0][:7] == ("O-JG", 1, datetime.datetime(2005, 5, 31), "市委先进性教育活动第三督导组", 86, "党员", 34), "测评 rows: %r" % (sv[:1],))
# the two rounds of 第二支部: the first, its 补课, the re-survey as round 2
want([r[:3] for r in sv if r[0] == "O-ZB2"] == [("O-ZB2", 1, datetime.datetime(2005, 5, 12))] * 2 + [("O-ZB2", 2, datetime.datetime(2005, 5, 27))] * 2,
     "survey rounds: %r" % [r[:3] for r in sv if r[0] == "O-ZB2"])
rm = list(wb["补课"].iter_rows(min_row=2, values_only=True))
want([c.value for c in wb["补课"][1]] == ["组织编号*", "轮次", "补课日期*", "补课措施*"] and len(rm) == 2
     and rm[0][:3] == ("O-ZB2", 1, datetime.datetime(2005, 5, 18)) and rm[1][3].startswith("救助对象审核结果张榜公示"), "补课 rows: %r" % rm)
mt = list(wb["会议"].iter_rows(min_row=2, values_only=True))
want(mt == [("O-JG", "专题民主生活会", datetime.datetime(2005, 4, 14), "局领导班子专题民主生活会，市委督导组到会指导"),
            ("O-ZB1", "专题组织生活会", datetime.datetime(2005, 4, 8), "局机关第一会议室，支部书记主持"),
            ("O-ZB2", "专题组织生活会", datetime.datetime(2005, 4, 11), None)], "会议 rows: %r" % mt)
ev = {r[0]: r for r in wb["评议"].iter_rows(min_row=2, values_only=True)}
want([c.value for c in wb["评议"][1]][6:] == ["回执日期", "本人意见"] and ev["M01"][6:] == (datetime.datetime(2005, 4, 19), "完全同意支部的评议意见，将在整改中带头落实。")
     and ev["M02"][6:] == (None, None), "the 回执 register in 评议: %r" % (ev["M01"][6:],))
want([c.value for c in wb["报告"][2]][:3] == ["O-JG", datetime.datetime(2005, 6, 3), 30], "报告 figures")
print("; ".join(problems) or "all as expected")
sys.exit(1 if problems else 0)
PY
assert_status 0 "openpyxl reads the sheets, headers, lists, dates as dates and ids as text: $OUT"

run "$WENSHU" export samples/*.xml -o "$TMP/again.xlsx"
assert "the same records give the same bytes" cmp "$TMP/名册.xlsx" "$TMP/again.xlsx"
SOURCE_DATE_EPOCH=1117584000 "$WENSHU" export -q samples/*.xml -o "$TMP/dated.xlsx" 2>/dev/null
assert_contains "$(unzip -p "$TMP/dated.xlsx" docProps/core.xml)" "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2005-06-01T00:00:00Z" \
    "SOURCE_DATE_EPOCH dates the document"

# --- the round trip: the same records, the same PDFs
run "$WENSHU" import "$TMP/名册.xlsx" -o "$TMP/rec" --campaign samples/campaign.xml
assert_status 0 "import of the export"
assert_eq "$ERR" "wenshu import: 1 个文件：0 个错误，0 个警告" "no note or warning on import of an export (the 说明 sheet is skipped quietly): only the summary"
run "$WENSHU" check "$TMP"/rec/*.xml
assert_contains "$ERR" "38 条记录（活动 1 个，单位 2 个，组织 5 个，党员 30 名）：0 个错误，0 个警告" "every record, checked clean"
run "$PY" tests/sheets/compare_members.py --all samples "$TMP/rec"
assert_status 0 "every unit, organisation and member equal to the samples', analysis, survey, report and all: $OUT"
"$WENSHU" build samples/*.xml -o "$TMP/out-samples" -j2 -q >/dev/null 2>&1
"$WENSHU" build "$TMP"/rec/*.xml -o "$TMP/out-rec" -j2 -q >/dev/null 2>&1
manifests() {
    $PY - "$@" <<'PY'
import json, sys
a, b = ({f["path"]: f["sha256"] for f in json.load(open(p + "/manifest.json"))["files"]} for p in sys.argv[1:3])
print(len(a), "PDFs,", sum(a[k] == b.get(k) for k in a), "identical;", " ".join(sorted(k for k in a if a[k] != b.get(k))) or "none differ",
      "; only in the second:", len(set(b) - set(a)))
PY
}
# import keeps each organisation tree in one file (福利院's branch, under 民政局's committee, is in
# U-MZJ.xml, its members in U-FLY.xml), so the forms that follow the tree or name the parent read
# the same in whatever order the files are given
assert_eq "$(manifests "$TMP/out-samples" "$TMP/out-rec")" "91 PDFs, 91 identical; none differ ; only in the second: 0" \
    "import(export(samples)) as import writes it: every PDF identical (manifests' SHA-256)"
assert_eq "$(grep -c '<organisation ' "$TMP/rec/U-MZJ.xml") $(grep -c '<member ' "$TMP/rec/U-FLY.xml")" "5 6" \
    "the whole tree in U-MZJ.xml, the members of 福利院 in U-FLY.xml"
"$WENSHU" build "$TMP/rec/U-MZJ.xml" "$TMP/rec/campaign.xml" "$TMP/rec/U-FLY.xml" -o "$TMP/out-rec2" -j2 -q >/dev/null 2>&1
assert_eq "$(manifests "$TMP/out-samples" "$TMP/out-rec2")" "91 PDFs, 91 identical; none differ ; only in the second: 0" \
    "the same PDFs with the imported files given in another order"
run "$WENSHU" export "$TMP"/rec/*.xml -o "$TMP/second.xlsx"
run "$WENSHU" import "$TMP/second.xlsx" -o "$TMP/rec2" --campaign samples/campaign.xml
assert "export and import again: the same records files, byte for byte" diff -r "$TMP/rec" "$TMP/rec2"

# --- LibreOffice converts the export to ODS; its import gives the same records
if command -v soffice >/dev/null; then
    (cd "$TMP" && HOME="$TMP" timeout 120 soffice --headless --convert-to ods --outdir "$TMP/lo" "$TMP/名册.xlsx" >/dev/null 2>&1)
    run "$WENSHU" import "$TMP/lo/名册.ods" -o "$TMP/rec-ods" --campaign samples/campaign.xml
    assert_status 0 "import of LibreOffice's ODS of the export"
    assert "LibreOffice's ODS of the export gives the same records files" diff -r "$TMP/rec" "$TMP/rec-ods"
else
    ok "# SKIP soffice is not installed (libreoffice-calc-nogui)"
    ok "# SKIP soffice is not installed (libreoffice-calc-nogui)"
fi

# --- the blank workbook
run "$WENSHU" export --blank -o "$TMP/名册模板.xlsx"
assert_status 0 "export --blank"
run "$PY" - "$TMP/名册模板.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
m = wb["党员"]
lists = sorted(str(dv.sqref).split(":")[0] for dv in m.data_validations.dataValidation)
notes = "\n".join(str(r[0].value or "") for r in wb["说明"].iter_rows())
ok = (len(wb.sheetnames) == 17 and m.max_row == 1 and [c.value for c in m[1]][1] == "姓名*" and lists == ["C2", "G2", "J2", "K2", "N2", "O2"]
      and "wenshu import" in notes and "Alt+Enter" in notes and m.column_dimensions["E"].width >= 10)
print(wb.sheetnames, m.max_row, lists, notes[:40])
sys.exit(0 if ok else 1)
PY
assert_status 0 "openpyxl reads the blank workbook: headers only, the lists, the 说明 sheet: $OUT"
run "$WENSHU" import "$TMP/名册模板.xlsx" -o "$TMP/blank-rec"
assert_status 0 "the blank workbook imports (nothing in it)"

# --- what export refuses
sed 's|<name>临江市民政局</name>|<name></name>|' samples/campaign.xml > "$TMP/bad.xml"
run "$WENSHU" export "$TMP/bad.xml" samples/members-*.xml -o "$TMP/bad.xlsx"
assert_status 1 "records with errors are not exported"
assert_no_file "$TMP/bad.xlsx" "nothing written"
$PY - "$TMP/long.xml" <<'PY'
import sys
src = open("samples/members-fly.xml", encoding="utf-8").read()
open(sys.argv[1], "w", encoding="utf-8").write(src.replace("<job>临江市社会福利院护理部</job>\n    <post>护理部主任</post>",
    "<job>临江市社会福利院护理部</job>\n    <post>护理部主任</post>\n    <situation kind=\"借用\">" + "说明" * 6000 + "</situation>", 1))
PY
run "$WENSHU" export samples/campaign.xml samples/members-mzj.xml "$TMP/long.xml" -o "$TMP/long.xlsx"
assert_status 1 "a text over 32 KiB"
assert_contains "$ERR" "long.xml:5: 错误：记录 M25：“情况说明”的内容超过 32 KiB（约一万个汉字），表格的一格容纳不下" "said with file, the record's line and its id"
assert_no_file "$TMP/long.xlsx" "nothing written"
run "$WENSHU" export samples/*.xml
assert_status 2 "no -o"
run "$WENSHU" export --blank samples/campaign.xml -o "$TMP/x.xlsx"
assert_status 2 "--blank with records files"
run "$WENSHU" export samples/*.xml -o "$TMP/x.ods"
assert_status 2 "an output that is not .xlsx"
run "$WENSHU" export samples/*.xml -o "$TMP/no/such/dir/x.xlsx"
assert_status 2 "an unwritable output"
run "$WENSHU" export --help
assert_contains "$OUT" "用法：wenshu export 记录文件... -o 文件.xlsx" "--help"

# --- import: a cell over 32 KiB, the new sheets' checks
$PY - "$TMP" <<'PY'
import sys, openpyxl
t = sys.argv[1]
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "组织"
ws.append(["编号", "名称", "类型", "所属单位"])
ws.append(["O1", "第一支部", "党支部", "U1"])
ws = wb.create_sheet("党员")
ws.append(["编号", "姓名", "性别", "民族", "出生日期", "入党时间", "所在党组织", "工作单位", "党员类别", "学习笔记"])
ws.append(["M1", "甲", "男", "汉族", "1970-01-01", "1990-01-01", "O1", "办公室", "正式", "记" * 12000])
ws = wb.create_sheet("党性分析")
ws.append(["党员编号", "分析日期", "存在问题", "原因", "努力方向"])
ws.append(["M1", "2005-03-28", "学习：不够系统\n理论学习不够", "原因", "方向"])
ws = wb.create_sheet("测评")
ws.append(["组织编号", "测评日期", "测评单位", "参加人数", "测评项目", "满意", "基本满意", "不满意"])
ws.append(["O1", "2005-05-31", "督导组", 10, "总体评价", 8, 2, None])
ws.append(["O1", "2005-05-30", "督导组", "十", None, None, None, None])
ws = wb.create_sheet("补课")
ws.append(["组织编号", "轮次", "补课日期", "补课措施"])
ws.append(["O1", 2, "2005-06-02", "重新征求意见"])
ws.append(["O1", 0, "2005-06-02", "逐户走访"])
ws = wb.create_sheet("会议")
ws.append(["组织编号", "会议类型", "会议日期"])
ws.append(["O1", "座谈会", "2005-04-08"])
ws.append(["O1", "民主生活会", "2005-04-09"])
ws = wb.create_sheet("评议")
ws.append(["党员编号", "评议日期", "肯定成绩", "指出问题", "整改方向", "本人意见"])
ws.append(["M1", "2005-04-10", "成绩", "问题", "方向", "同意"])
wb.save(t + "/cells.xlsx")
PY
run "$WENSHU" import "$TMP/cells.xlsx" -o "$TMP/cells"
assert_status 1 "cell errors in the new sheets"
assert_contains "$ERR" "cells.xlsx:党员!J2: 错误：学习笔记超过 32 KiB（约一万个汉字），超出一格的限度" "a cell over 32 KiB is an error at its cell, never cut"
assert_contains "$ERR" "cells.xlsx:党性分析!C2: 错误：存在问题每行应以问题的方面开头，如“学习：理论学习不够系统”" "a problem line without its aspect"
assert_contains "$ERR" "cells.xlsx:测评!E2: 错误：测评项目及其满意、基本满意、不满意人数应同时填写" "a question without all its counts"
assert_contains "$ERR" "cells.xlsx:测评!D3: 错误：参加人数应为0 至 10000000 的整数，如 34（现为“十”）" "a count that is not a number"
assert_contains "$ERR" "cells.xlsx:测评!B3: 错误：同一轮测评的测评日期应相同（本行 2005-05-30，前面为 2005-05-31）" "one survey round, one date"
assert_contains "$ERR" "cells.xlsx:补课!B2: 错误：组织“第一支部”在“测评”表中没有第 2 轮测评，补课无处归属；补课填在其前一轮测评的轮次下" \
    "a 补课 without the survey round it follows"
assert_contains "$ERR" "cells.xlsx:补课!B3: 错误：轮次应为从 1 起的整数：首次测评为第 1 轮，补课后重新测评为第 2 轮（现为“0”）" "round 0"
assert_contains "$ERR" "cells.xlsx:会议!B2: 错误：会议类型应为专题组织生活会、专题民主生活会之一（现为“座谈会”）" "a meeting that is not one of 分析评议's"
assert_not_contains "$ERR" "会议!B3" "民主生活会 taken for 专题民主生活会"
assert_contains "$ERR" "cells.xlsx:评议!A2: 错误：填写了回执上的本人意见，还应填写回执日期（收回回执的日期）" "an opinion without the receipt's date"
assert_no_file "$TMP/cells" "nothing written"

# --- a 50 000-member roster (made now by openpyxl): memory bounded (measured: about 55 MB)
$PY tests/sheets/make_roster.py "$TMP/roster.xlsx" 50000
/usr/bin/time -f "%e s %M KB" -o "$TMP/time" "$WENSHU" import -q "$TMP/roster.xlsx" -o "$TMP/roster" 2>/dev/null
assert_eq "$(grep -c '<member ' "$TMP/roster/U1.xml")" "50000" "50 000 members imported"
kb=$(awk '{print $3}' "$TMP/time")
if [ -n "${SANITIZED:-}" ]; then
    ok "# SKIP peak memory is not measurable under AddressSanitizer"
else
    assert "50 000 rows imported under 150 MB peak ($(cat "$TMP/time"))" test "$kb" -lt 150000
fi
done_testing
