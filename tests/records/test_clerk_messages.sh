#!/usr/bin/env bash
# The messages a clerk reads about mistakes in records and templates (issue 19): schema errors
# named by the field's Chinese label with what to write and an example, element order said as
# which element comes first, misspellings with the nearest name, a name beside a member id that is
# someone else's, a repeated id (both records named, the first kept), the records left out because
# a file could not be read (one line), the build summary's list of records not built, and template
# fields checked against the schema. Exact messages in Chinese (LANG=zh_CN.UTF-8, as a clerk's
# machine; the zh_CN locale need not be generated) and, for some, in English; exit statuses.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT"
FX=tests/records/fixtures
mkdir -p "$TMP/tpl"
zh() { run env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 "$@"; }
en() { run env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 "$@"; }

# ---- values: label, expectation with an example, the value found, the record's kind, id and name
zh "$WENSHU" check "$FX/base.xml" "$FX/clerk-values.xml"
assert_status 1 "wrong values are errors"
V="$FX/clerk-values.xml"
assert_contains "$ERR" "$V:5:29: 错误：记录 M07：性别只能填“男”或“女”，而不是“男士”（党员 M07 王芳）" "enumeration: the allowed values"
assert_contains "$ERR" "$V:5:70: 错误：记录 M07：是否党员领导干部应写成 true（是）或 false（否），而不是“是”（党员 M07 王芳）" "boolean"
assert_contains "$ERR" "$V:7:5: 错误：记录 M07：出生日期应写成 1979-06-03 这样的日期（年-月-日），而不是“2005-13-01”（党员 M07 王芳）" "date, with an example"
assert_contains "$ERR" "$V:12:11: 错误：记录 8M：党员编号应写成以英文字母开头、只含字母、数字和 _ . - 的编号（最多 64 个字符），如 M07，而不是“8M”（党员 8M）" "id pattern"
assert_contains "$ERR" "$V:12:53: 错误：记录 8M：党员中没有 colour 这一项：请删去，或改用以下之一：id（党员编号）、org（所在党组织编号）、gender（性别）、ethnicity（民族）、standing（党员类别）、leader（是否党员领导干部）（党员 8M）" "unknown attribute: the attributes there are"
assert_contains "$ERR" "$V:12:3: 错误：记录 8M：缺少民族：请在 <member> 中写上 ethnicity=\"…\"（党员 8M）" "missing attribute"
assert_contains "$ERR" "$V:13:5: 错误：记录 8M：姓名不能空着（党员 8M）" "empty name"
assert_contains "$ERR" "$V:19:46: 错误：记录 O9：党组织中没有 parnet 这一项，是否指 parent（上级党组织编号）？（党组织 O9 测试局机关第九支部）" "misspelt attribute: the nearest one"
assert_contains "$ERR" "$V:21:42: 错误：记录 O9：参加测评人数应写成 0 到 10000000 之间的整数，如 25，而不是“三十”（党组织 O9 测试局机关第九支部）" "count"
assert_not_contains "$ERR" "Element '" "no libxml2 wording left"
assert_not_contains "$ERR" "{urn:" "no namespace braces"

en "$WENSHU" check "$FX/base.xml" "$FX/clerk-values.xml"
assert_contains "$ERR" "$V:7:5: error: record M07: birth must be a date such as 1979-06-03 (year-month-day), not \"2005-13-01\" (member M07 王芳)" "English: the element's name"
assert_contains "$ERR" "$V:5:29: error: record M07: gender can only be \"男\" or \"女\", not \"男士\" (member M07 王芳)" "English: enumeration"

# ---- element order, missing, misspelt, repeated elements; blank text
zh "$WENSHU" check "$FX/base.xml" "$FX/clerk-order.xml"
assert_status 1 "element order and names are errors"
O="$FX/clerk-order.xml"
assert_contains "$ERR" "$O:8:5: 错误：记录 M11：“工作单位及部门”应写在“职务”之前（党员 M11 林晓梅）" "order: which comes first"
assert_contains "$ERR" "$O:14:5: 错误：记录 M12：党员中没有 <brith> 这一项，是否指 <birth>（出生日期）？（党员 M12 赵强）" "misspelt element: the nearest one"
assert_contains "$ERR" "$O:23:5: 错误：记录 M13：缺少工作单位及部门（<job>），它应写在“学习情况”之前（党员 M13 孙立）" "missing element: where it goes"
assert_contains "$ERR" "$O:27:5: 错误：记录 M14：姓名只能写一次（党员 M14 周明）" "an element written twice"
assert_contains "$ERR" "$O:39:7: 错误：记录 M15：肯定的成绩不能只有空白（党员 M15 吴东）" "blank text"
assert_contains "$ERR" "$O:40:7: 错误：记录 M15：评议意见中没有 <grade> 这一项：请删去，或改用以下之一：<strength>（肯定的成绩）、<problem>（指出的问题）、<direction>（整改方向）、<receipt>（回执）（党员 M15 吴东）" "unknown element: the elements there are"

zh "$WENSHU" check "$FX/clerk-phase-twice.xml"
assert_contains "$ERR" "$FX/clerk-phase-twice.xml:12:5: 错误：记录 C2：阶段“学习动员”写了不止一次（活动 C2 测试活动）" "a phase written twice"

zh "$WENSHU" check "$FX/base.xml" "$FX/clerk-missing.xml"
assert_contains "$ERR" "$FX/clerk-missing.xml:13:7: 错误：记录 M21：缺少思想根源（<cause>），它应写在“努力方向”之前（党员 M21 冯雪）" "a required element left out between repeatable ones"
assert_contains "$ERR" "$FX/clerk-missing.xml:22:5: 错误：记录 M22：党性分析材料缺少努力方向：请补上 <direction>…</direction>（党员 M22 陈冬）" "a required element left out at the end"

# ---- the campaign rules and the template messages in Chinese (task 2 of the issue)
zh "$WENSHU" check "$FX/base.xml" "$FX/rule-phase-dates.xml" "$FX/rule-rectification.xml" "$FX/rule-reference.xml"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:9:16: 错误：记录 M1：学习日期 2005-03-05 不在学习动员阶段内（2005-01-25 至 2005-02-28）" "a date outside its phase"
assert_contains "$ERR" "$FX/rule-rectification.xml:16:7: 错误：记录 M1：第 2 项整改事项（服务不耐心。）缺少整改措施" "an incomplete rectification item"
assert_contains "$ERR" "$FX/rule-reference.xml:3:19: 错误：记录 M1：@org 引用的编号“O9”在所有输入文件中都找不到（应是某个党组织的编号）" "a reference to nothing"
assert_contains "$ERR" "$FX/rule-reference.xml:10:19: 错误：记录 M2：@org 引用的“U1”是单位，不是党组织" "a reference to the wrong kind"
printf -- '---\nname: t\ntitle: x\nrecords: //member\n---\n{{#each opinion}}\n{{ count(name, 1) }}\n' >"$TMP/tpl/bad.md"
zh "$WENSHU" merge "$TMP/tpl/bad.md" samples/*.xml
assert_status 2 "template errors: exit 2"
assert_contains "$ERR" "$TMP/tpl/bad.md:7:9: 错误：count() 的参数个数应为 1，而不是 2（{{ count(name, 1) }}）" "argument count, in Chinese"
assert_contains "$ERR" "$TMP/tpl/bad.md:6:1: 错误：{{#each}} 没有结束（请补上 {{/each}}）" "an unclosed block, in Chinese"

# ---- where order means nothing, any order is accepted
zh "$WENSHU" check "$FX/base.xml" "$FX/clerk-relaxed.xml"
assert_status 0 "a unit, a contact and a rectification item take their children in any order"

# ---- a name beside a member id that is another member's
zh "$WENSHU" check "$FX/base.xml" "$FX/clerk-name-mismatch.xml"
assert_status 0 "a name that does not match its member id is a warning"
assert_contains "$ERR" "$FX/clerk-name-mismatch.xml:6:16: 警告：记录 O6：编号 M27 旁写的姓名“林晓梅”与记录不符：M27 是唐丽华，请改正姓名或编号" "both names are given"
assert_not_contains "$ERR" "M28" "a matching name is not reported"
zh "$WENSHU" check --strict "$FX/base.xml" "$FX/clerk-name-mismatch.xml"
assert_status 1 "under --strict the warning fails the check"

# ---- a repeated id: both records named, the first kept and counted right
mkdir -p "$TMP/dup"
cp samples/*.xml "$TMP/dup/"
python3 - "$TMP/dup/members-fly.xml" <<'EOF'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
i = s.index('<member id="M26"'); j = s.index('</member>', i) + len('</member>')
s = s[:j] + '\n  ' + s[i:j].replace('id="M26"', 'id="M25"') + s[j:]
open(p, "w", encoding="utf-8").write(s)
EOF
line=$(grep -n 'id="M25"' "$TMP/dup/members-fly.xml" | sed -n 2p | cut -d: -f1)
zh "$WENSHU" build "$TMP"/dup/*.xml -o "$TMP/dup-out" -j 2
assert_status 1 "a repeated id: exit 1"
assert_contains "$ERR" "$TMP/dup/members-fly.xml:$line:3: 错误：记录 M25：编号 M25 已被 $TMP/dup/members-fly.xml 第 5 行的记录使用：请给本条记录另编一个编号；本条记录未生成（先出现的那条不受影响）" "both places named"
assert_file "$TMP/dup-out/中共临江市社会福利院支部委员会/评议意见反馈通知书/韦小军.pdf" "the first M25 is built"
assert_contains "$ERR" "1 条记录有错未生成" "one record counted as not built"
assert_contains "$ERR" "未生成的记录：
  M25 陆婷（$TMP/dup/members-fly.xml 第 $line 行）：编号与前面的记录重复" "the summary lists the record left out, with its reason"

# ---- a file that cannot be read: its consequences in one line, the summary lists them
mkdir -p "$TMP/brk"
cp samples/campaign.xml samples/members-fly.xml "$TMP/brk/"
# the 民政局's members, with one tag misspelt: the file cannot be read, and the organisations
# whose secretaries and members are in it cannot be checked
sed '0,/<\/name>/s//<\/nam>/' samples/members-mzj.xml >"$TMP/brk/离退休干部支部.xml"
zh "$WENSHU" build "$TMP"/brk/*.xml -o "$TMP/brk-out" -j 2
assert_status 1 "an unreadable file: exit 1"
assert_contains "$ERR" "错误：因 $TMP/brk/离退休干部支部.xml 无法读取，以下 5 条引用其中记录的记录未生成：XJX2005-1 O-JG O-ZB1 O-ZB2 O-ZB3" "one line names the file and the records left out"
assert_eq "$(grep -c "refers to\|引用的编号“\|引用的“" <<<"$ERR")" "0" "no message per dependent record"
assert_contains "$ERR" "4 条记录有错未生成" "the records not built are counted"
assert_contains "$ERR" "未生成的记录：
  $TMP/brk/离退休干部支部.xml：无法读取，其中的记录都未生成
  O-JG 中共临江市民政局机关委员会（$TMP/brk/campaign.xml 第 38 行）：引用的记录所在的文件无法读取" "the summary names the file and each record with its reason"

# ---- template fields checked against the schema when the template loads
mkdir -p "$TMP/tpl"
cat >"$TMP/tpl/t.md" <<'EOF'
---
name: t
title: 测试
records: //member
---
{{ nmae }}同志：

性别：{{ @gendre }}
EOF
zh "$WENSHU" merge "$TMP/tpl/t.md" samples/*.xml
assert_status 2 "a misspelt field in a template stops the merge"
assert_contains "$ERR" "$TMP/tpl/t.md:6:4: 错误：记录中没有 nmae 这一项，是否指 name？" "an unknown element, with the nearest name"
assert_contains "$ERR" "$TMP/tpl/t.md:8:8: 错误：记录中没有属性 @gendre，是否指 @gender？" "an unknown attribute, with the nearest name"
printf -- '---\nname: t\ntitle: 测试\nrecords: //member\n---\n{{ zzqqxx }}\n' >"$TMP/tpl/u.md"
zh "$WENSHU" merge "$TMP/tpl/u.md" samples/*.xml
assert_contains "$ERR" "记录中没有 zzqqxx 这一项（可用的项目见 schemas/campaign.xsd 和 docs/data-model.md）" "no near name: where to look"
ok_all=1
for t in templates/*.md; do
    zh "$WENSHU" merge "$t" samples/*.xml
    [ "$STATUS" -eq 0 ] || { ok_all=0; echo "# $t: $ERR"; }
done
assert_eq "$ok_all" "1" "every shipped template loads clean against the schema"

done_testing
