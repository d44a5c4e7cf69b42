#!/usr/bin/env bash
# wenshu import: workbooks written by openpyxl and LibreOffice, a GBK CSV, every Excel trap, cell
# errors with their FILE:SHEET!CELL, and hostile archives made here with python's zipfile.
# Fixtures: tests/sheets/fixtures/make_fixtures.py (the files it made are committed).
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT"
FX=tests/sheets/fixtures

# --- the sample bureau, from three writers
for f in 名册.xlsx 名册.ods 名册-lo.xlsx; do
    run "$WENSHU" import "$FX/$f" -o "$TMP/$f" --campaign samples/campaign.xml
    assert_status 0 "import of $f"
    assert_eq "$(cd "$TMP/$f" && ls | tr '\n' ' ')" "U-FLY.xml U-MZJ.xml campaign.xml " "$f: one file per unit, and the campaign"
    run "$WENSHU" check "$TMP/$f"/*.xml
    assert_status 0 "wenshu check accepts what $f gave"
    assert_contains "$ERR" "38 条记录（活动 1 个，单位 2 个，组织 5 个，党员 30 名）：0 个错误，0 个警告" "$f: every record of the samples"
done
run python3 tests/sheets/compare_members.py --all samples "$TMP/名册.xlsx"
assert_status 0 "units, organisations and members equal the samples', analysis, committee, systems, publications, surveys and reports too: $OUT"
assert "openpyxl's XLSX, LibreOffice's ODS and LibreOffice's XLSX give the same bytes" \
    diff -r "$TMP/名册.xlsx" "$TMP/名册.ods"
assert "LibreOffice's XLSX (shared strings) gives the same bytes" diff -r "$TMP/名册.xlsx" "$TMP/名册-lo.xlsx"
run "$WENSHU" import "$FX/名册.xlsx" -o "$TMP/again" --campaign samples/campaign.xml
assert "re-import gives byte-identical files" diff -r "$TMP/名册.xlsx" "$TMP/again"
first=$(sed -n 4p "$TMP/名册.xlsx/U-MZJ.xml")
assert_eq "$first" '  <unit id="U-MZJ" kind="市直党政机关" batch="第一批">' "the unit comes first in its file"
order=$(grep -o '<member id="[^"]*" org="[^"]*"' "$TMP/名册.xlsx/U-MZJ.xml" | sed 's/.*org="//; s/"//' | uniq | tr '\n' ' ')
assert_eq "$order" "O-ZB1 O-ZB2 O-ZB3 " "members grouped per branch, in the 组织 sheet's order"

# --- every Excel trap (1904 workbook, merged two-row header, hidden sheet, rich text, ids as numbers)
run "$WENSHU" import "$FX/陷阱.xlsx" -o "$TMP/trap"
assert_status 0 "the trap workbook imports cleanly"
T="$TMP/trap/U1.xml"
assert_contains "$ERR" "陷阱.xlsx: 提示：隐藏的工作表“说明”未导入" "a hidden sheet is ignored with a note"
assert_contains "$ERR" "陷阱.xlsx:党员!J1: 警告：未知的列“备注”，该列未导入" "an unknown column is a warning at the cell its text is in (J1, merged down over J2)"
assert_contains "$ERR" "提示：输入中没有“学习”表：这部分记录未导入" "a missing sheet is said once"
assert_contains "$(cat "$T")" '<member id="M120000000000000000" org="O1"' "an id stored as 1.2e+17 is written as its digits (with the member letter)"
assert_contains "$(cat "$T")" '<member id="M1024" org="O1" gender="女" ethnicity="汉族" standing="预备">' "a numeric id gets its letter; 预备 and an organisation named by its name"
assert_contains "$(cat "$T")" '<member id="MX7"' "a full-width id is folded to ASCII"
assert_contains "$(cat "$T")" "<name>陈一</name>
    <birth>1979-06-03</birth>
    <joined>2005-03-08</joined>" "rich-text runs joined without the phonetic run; a date in the 1904 system; 2005.3.8"
assert_contains "$(cat "$T")" "<name>李二</name>
    <birth>1980-07-01</birth>
    <joined>2005-03-08</joined>
    <job>办公室</job>" "trailing spaces trimmed; 1980年7月1日 and 2005/3/8; a trailing full-width space"
assert_contains "$(cat "$T")" "<name>王三</name>
    <birth>1979-06-03</birth>
    <joined>2005-03-08</joined>" "a leading full-width space; full-width digits in a date; a time part"
assert_contains "$(cat "$T")" "<name>赵四</name>
    <birth>1980-01-01</birth>
    <joined>2005-04-01</joined>" "an inline string; 19800101 as a number; serial 38443 in a General cell"
assert_contains "$(cat "$T")" '<organisation id="O1" kind="党支部" unit="U1">' "所属单位 given by name resolves to the unit's id"

# --- cell errors: exact lines, exit 1, nothing written
run "$WENSHU" import "$FX/错误.xlsx" -o "$TMP/err"
assert_status 1 "cell errors"
assert_contains "$ERR" "错误.xlsx:组织!C2: 错误：类型应为党委、党工委、党组、党总支、党支部之一（现为“支部”）" "enumeration with its values"
assert_contains "$ERR" "错误.xlsx:党员!E3: 错误：出生日期应为日期，如 1979-06-03（现为“1979.13.40”）" "impossible date"
assert_contains "$ERR" "错误.xlsx:党员!C4: 错误：性别应为男、女之一（现为“M”）" "gender"
assert_contains "$ERR" "错误.xlsx:党员!A5: 错误：编号应为字母开头的编号" "an id that is not one"
assert_contains "$ERR" "错误.xlsx:党员!F5: 错误：入党时间应为日期，如 1979-06-03（现为 Excel 日期序号 60，即不存在的 1900-02-29）" "Excel's 1900-02-29"
assert_contains "$ERR" "错误.xlsx:党员!I6: 错误：党员类别应为正式、预备之一（现为“党员”）" "standing"
assert_contains "$ERR" "错误.xlsx:党员!H7: 错误：工作单位不能为空" "a required cell left empty"
assert_contains "$ERR" "错误.xlsx:党员!A7: 错误：编号“M1”与 错误.xlsx:党员!A2 重复" "a duplicate id with both cells"
assert_no_file "$TMP/err" "nothing written when there is an error"

# --- a GBK CSV as Chinese Excel saves it (CRLF, quotes, a newline inside a field)
run "$WENSHU" import "$FX/党员.csv" -o "$TMP/csv"
assert_status 0 "GB18030 CSV detected and imported"
run "$WENSHU" check samples/campaign.xml samples/members-mzj.xml "$TMP/csv/O-ZB4.xml"
assert_status 0 "the CSV's members check with the rest of the samples"
assert_contains "$(cat "$TMP/csv/O-ZB4.xml")" "<post>院长 社会福利院支部书记</post>" "a quoted field with a newline, as a one-line name"
assert_contains "$(cat "$TMP/csv/O-ZB4.xml")" "<birth>1980-01-19</birth>" "1980/1/19 in a CSV"
run "$WENSHU" import "$FX/党员.csv" -o "$TMP/csv8" --encoding=UTF-8
assert_status 1 "--encoding=UTF-8 on a GBK file is refused"
assert_contains "$ERR" "党员.csv: 错误：第 1 字节起不是有效的 UTF-8" "said with the byte"
printf '\xef\xbb\xbf编号,姓名\r\nM1,"甲""乙"\r\n' > "$TMP/x-党员.csv"
run "$WENSHU" import "$TMP/x-党员.csv" -o "$TMP/bom"
assert_contains "$ERR" "x-党员.csv:党员: 错误：缺少必填列“性别”" "UTF-8 with BOM; the sheet from the name after '-'; a missing column"

# --- usage
run "$WENSHU" import "$FX/名册.xlsx"
assert_status 2 "no -o"
run "$WENSHU" import --bogus "$FX/名册.xlsx" -o "$TMP/u"
assert_status 2 "a bad option"
assert_eq "$(echo "$ERR" | wc -l)" "3" "a bad option: what is wrong, the usage line and where the help is"
run "$WENSHU" import "$TMP/nothing.xlsx" -o "$TMP/u"
assert_status 2 "a missing file"
run "$WENSHU" import --help
assert_contains "$OUT" "用法：wenshu import 文件... -o 文件夹" "--help"

# --- hostile archives, made here
python3 - "$TMP" <<'PY'
import sys, zipfile
t = sys.argv[1]
def book(path, sheet=b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData/></worksheet>",
         workbook=None, extra=(), strings=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", workbook or "<workbook xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main' "
                   "xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships'><sheets>"
                   "<sheet name='党员' sheetId='1' r:id='rId1'/></sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", "<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/relationships'>"
                   "<Relationship Id='rId1' Target='worksheets/sheet1.xml' Type='x'/></Relationships>")
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if strings is not None:
            z.writestr("xl/sharedStrings.xml", strings)
        for name, data in extra:
            z.writestr(name, data)
# 200 MiB of empty elements in the sheet: compresses to about 200 KB
book(t + "/bomb.xlsx", sheet=b"<worksheet>" + b"<x/>" * (50 << 20) + b"</worksheet>")
book(t + "/doctype.xlsx", workbook='<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
     '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="&b;"/></sheets></workbook>')
book(t + "/traversal.xlsx", extra=[("../../../../tmp/wenshu-evil", "x"), ("/etc/evil", "x")])
book(t + "/strings.xlsx", strings=b"<sst>" + b"<si><t>a</t></si>" * 2000001 + b"</sst>")
with zipfile.ZipFile(t + "/entries.xlsx", "w") as z:
    for i in range(10001):
        z.writestr("f%d" % i, "")
PY
# A bound, not a timing: well above a normal run (2.5 s for the bomb), and six times looser under
# AddressSanitizer, which inflates and scans several times slower.
bound=10; [ -n "${SANITIZED:-}" ] && bound=60
for h in bomb doctype strings entries; do
    start=$(date +%s%N)
    run "$WENSHU" import "$TMP/$h.xlsx" -o "$TMP/out-$h"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    assert_status 1 "$h refused"
    assert_no_file "$TMP/out-$h" "$h: nothing written"
    assert "$h refused within $bound s (took $ms ms)" test "$ms" -lt $((bound * 1000))
done
run "$WENSHU" import "$TMP/bomb.xlsx" -o "$TMP/out-bomb"
assert_contains "$ERR" "bomb.xlsx: 错误：xl/worksheets/sheet1.xml 解压后超过 64 MiB（可能是压缩炸弹），拒绝读取" "the bomb, said"
assert_not_contains "$ERR" "工作表是空的" "a refused part is not also called an empty sheet"
run "$WENSHU" import "$TMP/doctype.xlsx" -o "$TMP/out-doctype"
assert_contains "$ERR" "doctype.xlsx: 错误：xl/workbook.xml 含有文档类型声明（DOCTYPE/ENTITY），工作簿中不应出现，拒绝读取" "DOCTYPE, said"
run "$WENSHU" import "$TMP/strings.xlsx" -o "$TMP/out-strings"
assert_contains "$ERR" "共享字符串表超过 2000000 条，拒绝读取" "a huge shared-strings table, said"
run "$WENSHU" import "$TMP/entries.xlsx" -o "$TMP/out-entries"
assert_contains "$ERR" "压缩包内文件过多（10001 个，至多 10000 个），拒绝读取" "too many members, said"
run "$WENSHU" import "$TMP/traversal.xlsx" -o "$TMP/out-trav"
assert_no_file /tmp/wenshu-evil "member names with ../ are never used as paths"
assert_status 0 "an archive with ../ and absolute member names reads as any other"
done_testing
