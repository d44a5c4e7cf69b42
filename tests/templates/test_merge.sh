#!/usr/bin/env bash
# wenshu merge: merging fixtures, --record, escaping of hostile values, every error with its
# position and exit status. (Escaping is checked against a real Markdown parser in
# tests/unit/test_template.c; here the command's behaviour.)
source "$(dirname "$0")/../lib/assert.sh"
T="$ROOT/tests/templates"
DATA=("$T/data/context.xml" "$T/data/members.xml")

run "$WENSHU" merge "$T/fixtures/demo.md" "${DATA[@]}"
assert_status 0 "merges every record of the demo template"
assert_eq "$(grep -c '^<!-- record M[0-9] (.*members.xml) -->$' <<<"$OUT")" "3" "one comment line per record"
assert_contains "$OUT" "# 中共测试局机关第一支部委员会关于李红同志的评议意见" "\$organisation resolves across files"
assert_contains "$OUT" "李红同志（女，汉族，1965年3月8日出生，1988年7月入党）：" "w:date and w:year-month"
assert_contains "$OUT" $'（一）带头学习，按时完成党性分析材料。\n\n（二）工作认真负责。' "#each with \$position and w:heading-number"
assert_contains "$OUT" $'| 序号 | 问题 |\n|---|---|\n| 一 | 深入基层调研不够。 |\n\n## 三' "a table built by #each keeps no blank lines"
assert_contains "$OUT" "共四条意见；主任；党员领导干部。" "w:cn, w:default, inline #if"
assert_contains "$OUT" $'中共测试局机关第一支部委员会\n2005年4月18日' "partial with a nested w:default"
assert_contains "$OUT" $'支部尚未对你提出评议意见。\n\n共零条意见；无职务；普通党员。' "{{else}} of #if, empty sets"
assert_contains "$OUT" "2005年4月20日" "fallback date from \$campaign"

# hostile values print literally
assert_contains "$OUT" '关于\*\*张三\*\* \| a \| b \|同志' "emphasis and pipes in a name are escaped"
assert_contains "$OUT" '（一）\# 标题' "a heading marker in a value is escaped"
assert_contains "$OUT" '| 一 | 1. x - y \[x\](javascript:alert(1)) |' "a multi-line value in a table cell becomes one line, links are broken"
assert_contains "$OUT" '- \| a \| b \|' "pipes in a list item"
assert_not_contains "$OUT" '<script>' "no raw HTML from data"

run "$WENSHU" merge --record M2 "$T/fixtures/demo.md" "${DATA[@]}"
assert_status 0 "--record"
assert_eq "$(head -3 <<<"$OUT")" $'---\nstyle: gbt9704\n---' "the output starts with a front matter naming the template's style"
assert_eq "$(sed -n 5p <<<"$OUT")" '# 中共测试局机关第一支部委员会关于\*\*张三\*\* \| a \| b \|同志的评议意见' "--record prints only that record, without the comment line"
run "$WENSHU" merge --record M2 -o "$TMP/m2.md" "$T/fixtures/demo.md" "${DATA[@]}"
assert_status 0 "-o FILE"
assert_eq "$(cat "$TMP/m2.md")" "$(run "$WENSHU" merge --record M2 "$T/fixtures/demo.md" "${DATA[@]}"; printf '%s' "$OUT")" "-o FILE writes what standard output gets"
run "$WENSHU" merge --record M2 -o - "$T/fixtures/demo.md" "${DATA[@]}"
assert_eq "$(sed -n 5p <<<"$OUT")" '# 中共测试局机关第一支部委员会关于\*\*张三\*\* \| a \| b \|同志的评议意见' "-o - is standard output"
assert_not_contains "$OUT" "李红" "--record leaves the other records out"

run "$WENSHU" merge "$T/fixtures/demo.md" "${DATA[@]}" --record=M9
assert_status 1 "an unknown --record"
assert_contains "$ERR" "模板选取的记录（records: //member）中没有“M9”" "names the missing record"

# usage
run "$WENSHU" merge
assert_status 2 "no arguments"
run "$WENSHU" merge "$T/fixtures/demo.md"
assert_status 2 "no data"
assert_contains "$ERR" "没有给出记录文件" "says what is missing"
run "$WENSHU" merge --bogus "$T/fixtures/demo.md" "${DATA[@]}"
assert_status 2 "unknown option"
run "$WENSHU" merge --help
assert_status 0 "--help"
assert_contains "$OUT" "用法：wenshu merge" "--help prints usage"
run "$WENSHU" merge "$TMP/none.md" "${DATA[@]}"
assert_status 2 "missing template"
assert_contains "$ERR" "none.md: 错误：无法读取：没有那个文件或目录" "names the missing template"
run "$WENSHU" merge "$T/fixtures/demo.md" "$TMP/none.xml"
assert_status 2 "missing data file"

# template errors: each with template:line:col and the expression, exit 2, nothing printed
mkdir -p "$TMP/tpl/partials"
cat >"$TMP/tpl/bad.md" <<'TPL'
---
name: bad
title: 错误示例
records: //member
colour: red
---
{{ name }}同志：{{ w:dat(birth) }}
{{#each evaluation/strength}}
{{ $positon }}
{{/if}}
意见：{{ concat('a') }}
{{ string( }}
{{#if @leader = 'true'}}
{{> nothere}}
{{ 'unterminated }}
TPL
run "$WENSHU" merge "$TMP/tpl/bad.md" "${DATA[@]}"
assert_status 2 "a broken template"
assert_eq "$OUT" "" "nothing is merged with a broken template"
assert_contains "$ERR" "bad.md:5:1: 错误：表头中没有“colour”这一项（可写：name、title、records、output、style、pdf、public）" "unknown front matter key"
assert_contains "$ERR" "bad.md:7:17: 错误：未知的函数 w:dat()（w: 函数有：date、year-month、age、cn、heading-number、chars、han、percent、default、join、join-cn、unit-organisations）（{{ w:dat(birth) }}）" "unknown function, column in characters"
assert_contains "$ERR" "bad.md:9:4: 错误：未知的变量“\$positon”（可用的变量：\$record、\$organisation、\$unit、\$campaign、\$form、\$position、\$count）" "unknown variable"
assert_contains "$ERR" "bad.md:10:1: 错误：{{/if}} 之前，第 8 行第 1 列开始的 {{#each}} 尚未结束（请先用 {{/each}} 结束它）" "mismatched block"
assert_contains "$ERR" "bad.md:11:13: 错误：concat() 的参数个数应为 2 或更多，而不是 1（{{ concat('a') }}）" "argument count"
assert_contains "$ERR" "bad.md:12:10: 错误：“(”没有闭合（缺少“)”）（{{ string( }}）" "unclosed parenthesis"
assert_contains "$ERR" "bad.md:13:1: 错误：{{#if}} 没有结束（请补上 {{/if}}）" "unclosed block"
assert_contains "$ERR" "bad.md:14:1: 错误：片段“nothere”：无法读取" "missing partial"
assert_contains "$ERR" "bad.md:15:1: 错误：“{{ … }}”中的字符串没有结束" "unterminated string"
assert_eq "$(grep -c ': 错误：' <<<"$ERR")" "9" "all nine errors in one run"

# an error while merging names the record; the other records are still printed
printf '{{ $position }}\n' >"$TMP/tpl/partials/pos.md"
printf -- '---\nname: rt\ntitle: 运行错误\nrecords: //member\n---\n{{#if @id = "M2"}}\n{{> pos}}\n{{/if}}\n{{ name }}\n' >"$TMP/tpl/rt.md"
run "$WENSHU" merge "$TMP/tpl/rt.md" "${DATA[@]}"
assert_status 1 "an error while merging"
assert_contains "$ERR" "partials/pos.md:1:1: 错误：记录 M2：变量未定义（{{ \$position }}）" "names the record and the position"
assert_contains "$OUT" "李红" "records before the failing one are printed"
assert_contains "$OUT" "王五" "records after the failing one are printed"
assert_not_contains "$OUT" "record M2" "the failing record is not printed"

# records with data errors are not merged
sed 's/org="O2" gender="男" ethnicity="汉族"/org="O9" gender="男" ethnicity="汉族"/' "$T/data/members.xml" >"$TMP/broken.xml"
run "$WENSHU" merge "$T/fixtures/demo.md" "$T/data/context.xml" "$TMP/broken.xml"
assert_status 1 "data errors"
assert_contains "$ERR" "记录 M3：未合并：该记录有错误（见上）" "a bad record is skipped, by name"
assert_contains "$OUT" "<!-- record M1" "sound records are still merged"

done_testing
