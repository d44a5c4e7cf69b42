#!/usr/bin/env bash
# Issue 16: a ```keep block (docs/form-elements.md) is laid out as one unit — a sign-off block
# (党支部审核意见, its answer lines, 书记签名) never splits and never stands alone at the top of
# a page: when it does not fit it takes at least two lines of the text before it along. The
# block is set after 14 to 26 lines of text, so that it meets the page foot at every offset.
# Measured from the PDF (pdftotext per page).
. "$(dirname "$0")/../lib/assert.sh"
doc() {
    printf '# 个人整改措施\n\n'
    for ((i = 0; i < $1; i++)); do printf '党员们认真对照党章查找差距，逐条制定整改措施。\n\n'; done
    printf '本整改措施经党支部审核后，在所在单位和服务对象代表的范围内公布，接受党员和群众的监督。\n\n'
    printf '````keep\n党支部审核意见：\n\n```lines 3\n```\n\n党支部书记签名：`blank:6`　　日期：`blank:8`\n````\n'
}
apart="" alone="" moved=0
for n in $(seq 14 26); do
    doc "$n" >"$TMP/k.md"
    "$WENSHU" render "$TMP/k.md" -o "$TMP/k.pdf" --style form 2>"$TMP/err" || { apart="$apart $n(exit $(cat "$TMP/err"))"; continue; }
    pages=$(pdfinfo "$TMP/k.pdf" | sed -n 's/^Pages: *//p')
    for ((p = 1; p <= pages; p++)); do
        t=$(pdftotext -layout -f $p -l $p "$TMP/k.pdf" - | grep -v '^\s*$' | grep -v '— [0-9]* —' | sed 's/^ *//')
        grep -q 党支部审核意见 <<<"$t" || continue
        grep -q 党支部书记签名 <<<"$t" || apart="$apart $n"
        above=$(awk '/党支部审核意见/ {print NR - 1; exit}' <<<"$t")
        [ "$above" -lt 2 ] && alone="$alone $n(p$p:$above)"
        [ "$p" -gt 1 ] && [ "$above" -lt 6 ] && moved=$((moved + 1))
    done
done
assert_eq "$apart" "" "审核意见 and 书记签名 on one page (14 to 26 lines of text above)"
assert_eq "$alone" "" "the block has at least two lines of text above it on its page"
assert "the runs include blocks that went over with the text's last lines ($moved)" test "$moved" -ge 2

# a block taller than a page flows like any text (nothing lost, no endless page breaks)
{ printf '````keep\n'; for ((i = 0; i < 40; i++)); do printf '第%d行保持在一起的内容。\n\n' "$i"; done; printf '````\n'; } >"$TMP/tall.md"
run "$WENSHU" render "$TMP/tall.md" -o "$TMP/tall.pdf" --style form
assert_status 0 'a keep block taller than a page renders'
assert_contains "$(pdftotext "$TMP/tall.pdf" - | tr -d ' \n')" "第0行保持在一起的内容。第1行" "its text starts on page 1"
assert_contains "$(pdftotext "$TMP/tall.pdf" - | tr -d ' \n')" "第39行保持在一起的内容。" "and all of it is there"
# nested: a keep inside a keep is laid out inline; an option is reported
printf '正文。\n\n`````keep\n外层。\n\n````keep\n内层。\n````\n`````\n\n```keep now\n文字。\n```\n' >"$TMP/nest.md"
run "$WENSHU" render "$TMP/nest.md" -o "$TMP/nest.pdf" --style form
assert_status 0 'nested keep blocks render'
assert_contains "$(pdftotext "$TMP/nest.pdf" - | tr -d ' \n')" "正文。外层。内层。文字。" "nested kept text in order"
assert_contains "$ERR" "nest.md:11: 警告：\`\`\`keep 不带选项（现为 'now'）" 'an option on a keep block is reported with its line'

# --- 特此报告。 alone at a page top: the lines before it come over, the 署名 is never below one line ---
bad=""
for n in 17 18 19 20 21; do
    { printf '# 报告\n\n'; for ((i = 0; i < n; i++)); do printf '党员们认真对照党章查找差距，逐条制定整改措施。\n\n'; done
      printf '希望你正确对待评议意见，对照存在的问题制定个人整改措施，在整改提高阶段认真抓好整改。\n\n特此报告。\n\n'
      printf '```signature\n中共临江市交通局机关委员会\n2005年6月3日\n```\n'; } >"$TMP/r.md"
    "$WENSHU" render "$TMP/r.md" -o "$TMP/r.pdf" 2>/dev/null
    last=$(pdfinfo "$TMP/r.pdf" | sed -n 's/^Pages: *//p')
    above=$(pdftotext -layout -f "$last" -l "$last" "$TMP/r.pdf" - | grep -v '^\s*$' | awk '/中共临江市交通局机关委员会/ {print NR - 1; exit}')
    [ "${above:-0}" -lt 3 ] && bad="$bad $n:$above"
done
assert_eq "$bad" "" "the 署名's page holds 特此报告。 and at least two lines before it (17 to 21 lines above)"

# --- a paragraph ending with ： stays with what it introduces when that goes over ---
bad=""
for n in 14 15 16 17 18 19; do
    { printf '# 公示\n\n'; for ((i = 0; i < n; i++)); do printf '党员们认真对照党章查找差距，逐条制定整改措施。\n\n'; done
      printf '对整改情况还有意见和建议的，欢迎通过以下方式反映：\n\n意见箱：设在局办公楼一楼大厅。\n\n专线电话：0898-2263-1217。\n\n'
      printf '```signature\n中共临江市交通规费征稽处暨临江市公路运输管理所联合支部委员会\n2005年5月31日\n```\n'; } >"$TMP/c.md"
    "$WENSHU" render "$TMP/c.md" -o "$TMP/c.pdf" 2>/dev/null
    python3 "$ROOT/tests/typeset/check_pages.py" "$TMP/c.pdf" lastlines | head -n -1 | grep -q '：$' && bad="$bad $n"
done
assert_eq "$bad" "" "no page ends with the line that leads into the items (以下方式反映：) while they go over"

# --- carrying lines over never takes a table along: it stays under its heading ---
cat >"$TMP/t.md" <<'EOF2'
# 保持共产党员先进性教育活动个人整改措施

姓名：唐志强

工作单位及职务：临江市交通规费征稽处，副主任科员

所在党支部：中共临江市交通规费征稽处暨临江市公路运输管理所联合支部委员会

## 一、整改重点

根据党支部的评议意见，结合党性分析查找出的问题，本人的整改重点是：

深入基层调研，密切联系群众。每季度到联系的乡镇和运输企业蹲点调研不少于三天，每年形成两篇以上有分量的调研报告；建立服务对象联系卡制度，定期听取意见。

## 二、整改项目

| 序号 | 存在问题 | 整改措施 | 完成时限 | 责任领导 | 责任人 |
|:---:|---|---|---|---|---|
| 1 | 对新同志传帮带不够。 | 与一名新进科员结成帮带对子，帮助其尽快熟悉路政执法业务。 | 2005年12月6日 | 丁爱国 | 唐志强 |
| 2 | 工程建设资金拨付环节监督不够经常。 | 会同财务科每半年对在建项目资金拨付情况检查一次，发现问题及时纠正。 | 2005年12月31日 | 周向东 | 唐志强 |

## 三、审核和公布

本整改措施经党支部审核后，在所在单位和服务对象代表的范围内公布，接受党员和群众的监督。整改情况向党支部报告，并在一定范围内公布。

```signature
唐志强
2005年4月27日
```

````keep
党支部审核意见：

```lines 3
```

党支部书记签名：`blank:6`　　日期：`blank:8`
````
EOF2
run "$WENSHU" render "$TMP/t.md" -o "$TMP/t.pdf" --style form
assert_status 0 "a plan with a short table and the sign-off renders"
p1=$(pdftotext -layout -f 1 -l 1 "$TMP/t.pdf" - | tr -d ' ')
assert_contains "$p1" "二、整改项目" "page 1 keeps the heading 二、整改项目"
assert_contains "$p1" "序号" "and the table under it (the signature's carried lines do not take it along)"
assert_contains "$(pdftotext -layout -f 2 -l 2 "$TMP/t.pdf" - | tr -d ' ')" $'三、审核和公布' "section 三 with the 署名 and the sign-off on page 2"
done_testing
