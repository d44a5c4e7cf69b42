#!/usr/bin/env bash
# Issue 16, typesetting: titles broken between words (ICU + organisation suffixes), a long
# 署名 wrapped inside the text block, keep rules at page breaks (headings, lone lines, answer
# lines), long Latin tokens, a table with a token wider than its column. Measured from the
# PDF with mutool's trace (check_pages.py) and pdftotext.
. "$(dirname "$0")/../lib/assert.sh"
CHECK="$ROOT/tests/typeset/check_pages.py"
chk() { python3 "$CHECK" "$@"; }
filler() { for ((i = 0; i < $1; i++)); do printf '党员们认真对照党章查找差距，逐条制定整改措施。\n\n'; done; }

# --- titles: never split inside a word, lines balanced ---
# The words a title line must not end inside: organisation suffixes and the campaign's terms,
# plus the place and unit names of these titles (what ICU's dictionary and the lists keep whole).
WORDS="临江市 委员会 支部委员会 联合支部 党支部 党总支 党委 党组 总支 机关 管理所 征稽处 稽查局 税务局 民政局 教育局 办公室
人民政府 人民医院 执法局 共产党员 先进性 教育活动 整改 措施 方案 实施意见 民主生活会 生活会 满意度 测评 通知 报告 总结 通报 关于
工作委员会 直属机关 第二批 公路运输 交通规费 城市管理"
n=0
while read -r t; do
    n=$((n + 1))
    printf '# %s\n\n正文。\n' "$t" >"$TMP/t$n.md"
    run "$WENSHU" render "$TMP/t$n.md" -o "$TMP/t$n.pdf"
    out=$(chk "$TMP/t$n.pdf" title $WORDS)
    assert_eq "$(grep -v '^spread' <<<"$out" | grep -vc '^ok$')" "0" "title $n: no line ends inside a word ($(tr '\n' ' ' <<<"$out"))"
    spread=$(sed -n 's/^spread //p' <<<"$out")
    assert "title $n: line lengths differ by at most 5 字 (got $spread)" test "$spread" -le 5
done <<'EOF2'
中共临江市交通规费征稽处暨临江市公路运输管理所联合支部委员会关于开展保持共产党员先进性教育活动的实施意见
中共临江市人民政府办公室机关党总支部委员会关于做好第二批先进性教育活动群众满意度测评工作的通知
中共临江市国家税务局稽查局党支部关于保持共产党员先进性教育活动整改提高阶段工作的总结报告
中共临江市第一人民医院内科党支部委员会保持共产党员先进性教育活动个人整改措施
中共临江市民政局机关第一支部委员会关于保持共产党员先进性教育活动分析评议阶段的工作情况报告
中共临江市教育局直属机关工作委员会关于印发先进性教育活动整改方案的通知
临江市城市管理行政执法局党组关于召开专题民主生活会的情况通报
关于在全市开展保持共产党员先进性教育活动的实施意见
EOF2

# --- a 30-character 署名 wraps inside the block, the date under it ---
ORG=中共临江市交通规费征稽处暨临江市公路运输管理所联合支部委员会
for seal in "" " seal"; do
    printf '# 通知\n\n请认真抓好整改。\n\n```signature%s\n%s\n2005年4月18日\n```\n' "$seal" "$ORG" >"$TMP/sig.md"
    run "$WENSHU" render "$TMP/sig.md" -o "$TMP/sig.pdf"
    assert_status 0 "a 30-character 署名${seal:+ with a seal} renders"
    left=$(chk "$TMP/sig.pdf" left)
    assert "the 署名${seal:+ (seal)} stays inside the block: leftmost glyph at $left mm >= 28 mm" \
        python3 -c "import sys; sys.exit(0 if $left >= 28.0 else 1)"
    layout=$(pdftotext -layout "$TMP/sig.pdf" - | tr -d ' ')
    assert_contains "$layout" $'中共临江市交通规费征稽处暨\n临江市公路运输管理所联合支部委员会\n2005年4月18日' \
        "the 署名 wraps after 暨, between words, and the date is under it${seal:+ (seal)}"
done
# a rare name (U+20BB7 𠮷, outside the BMP) in a long 署名
printf '# 通知\n\n请认真抓好整改。\n\n```signature\n中共临江市𠮷祥街道社区卫生服务中心暨𠮷祥社区居民委员会联合支部委员会\n2005年4月18日\n```\n' >"$TMP/rare.md"
run "$WENSHU" render "$TMP/rare.md" -o "$TMP/rare.pdf"
assert_status 0 "a long 署名 with a non-BMP character renders"
assert_contains "$(pdftotext "$TMP/rare.pdf" - | tr -d ' \n')" "𠮷祥社区居民委员会联合支部委员会" "the rare character is kept in the wrapped 署名"

# --- a heading never ends a page: it keeps two lines of its section ---
bad=""
for n in $(seq 14 22); do
    { filler "$n"; printf '## 二、整改措施\n\n按照个人学习计划抓好理论学习，认真学习党章和有关文件，撰写心得体会，提高思想认识，切实增强党员意识，做到学有所得、学有所用。\n\n'; filler 3; } >"$TMP/h.md"
    "$WENSHU" render "$TMP/h.md" -o "$TMP/h.pdf" 2>/dev/null
    chk "$TMP/h.pdf" lastlines | grep -q '^二、' && bad="$bad $n"
    under=$(pdftotext -layout "$TMP/h.pdf" - | awk '/\f/ {on = 0} /二、整改措施/ {on = 1; next} on && NF && !/—/ {c++} END {print c + 0}')
    [ "$under" -lt 2 ] && bad="$bad $n(one line under the heading)"
done
assert_eq "$bad" "" "no page ends with a heading or with a heading and one line (14 to 22 lines above it)"

# --- no lone first or last line of a paragraph at a page break ---
for lines in 2 3 4; do
    case $lines in
    2) para='希望你正确对待评议意见，对照存在的问题制定个人整改措施，在整改提高阶段认真抓好甲整改。' ;;
    3) para='希望你正确对待评议意见，对照存在的问题制定个人整改措施，在整改提高阶段认真抓好整改，自觉接受党组织和群众的监督，对评议意见有不同看法的可以甲反映。' ;;
    4) para='希望你正确对待评议意见，对照存在的问题制定个人整改措施，在整改提高阶段认真抓好整改，自觉接受党组织和群众的监督，对评议意见有不同看法的可以反映，党支部将认真听取意见并及时甲反馈给本人。' ;;
    esac
    bad=""
    for n in $(seq 17 22); do
        { filler "$n"; printf '%s\n\n' "$para"; filler 2; } >"$TMP/o.md"
        "$WENSHU" render "$TMP/o.md" -o "$TMP/o.pdf" 2>/dev/null
        # lines of the paragraph per page: its characters 希 (first line) to 甲 (last)
        per=$(python3 - "$TMP/o.pdf" <<'PY'
import subprocess, sys
pages = subprocess.run(["pdftotext", "-layout", sys.argv[1], "-"], capture_output=True, text=True).stdout.split("\f")
out = []
for p in pages:
    ls = [l.strip() for l in p.splitlines() if l.strip() and "—" not in l]
    start = next((i for i, l in enumerate(ls) if l.startswith("希望你")), None)
    end = next((i for i, l in enumerate(ls) if "甲" in l), None)
    if start is not None and end is not None: out.append(end - start + 1)
    elif start is not None: out.append(len(ls) - start)
    elif end is not None: out.append(end + 1)
print(" ".join(map(str, out)))
PY
)
        for k in $per; do [ "$k" -lt 2 ] && bad="$bad $n:[$per]"; done
    done
    assert_eq "$bad" "" "a $lines-line paragraph broken by the page keeps two lines on each side (17 to 22 lines above)"
done

# --- Latin: a URL breaks at its slashes, the line before is not spaced out ---
printf '# 链接\n\n请查阅Supercalifragilisticexpialidociousandevenlongerwordwithoutanypunctuationatall这个词。\n\n请各支部登录http://www.linjiang.gov.cn/zzb/xjxjy/2005/0531/tongzhi_fankui_2005053100001.html查阅。\n' >"$TMP/url.md"
run "$WENSHU" render "$TMP/url.md" -o "$TMP/url.pdf"
assert_status 0 "long Latin tokens render"
assert_contains "$(pdftotext -layout "$TMP/url.pdf" -)" "请查阅Supercal" "the line before a long word is not letter-spaced: the word starts on it"
assert_not_contains "$(pdftotext -layout "$TMP/url.pdf" - | tr -d ' ')" $'20\n05' "the URL is not split inside 2005"

# --- a table cell too narrow for its token: the token breaks, the table stays ---
cat >"$TMP/tab.md" <<'EOF2'
# 整改台账

| 序号 | 整改事项 | 网址 | 完成时限 |
|:---:|---|---|---|
| 1 | 学习 | http://www.linjiang.gov.cn/zzb/xjxjy/2005/0531/tongzhi_fankui_2005053100001.html | 请于2005年5月31日前完成 |
| 2 | 编号 | ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ | 请于2005年6月30日前完成 |
EOF2
run "$WENSHU" render "$TMP/tab.md" -o "$TMP/tab.pdf"
assert_status 0 "a table with a token wider than any column renders (it used to be left out, exit 1)"
assert_contains "$ERR" "tab.md:3: 警告：单元格中有比列宽还宽的词或数字，已在其中断行" "the forced break is a warning naming the table"
txt=$(pdftotext "$TMP/tab.pdf" - | tr -d ' \n')
assert_contains "$txt" "tongzhi_fankui_2005053100001.html" "the table is there, the URL whole in the text"
assert_contains "$(pdftotext -layout "$TMP/tab.pdf" - | tr -d ' ')" "请于2005年" "a narrow column does not leave 请于 alone above the date (the date may break between its fields)"

# --- questionnaire: answer lines never spill alone onto a new page ---
survey() {
    printf '# 中共临江市交通规费征稽处暨临江市公路运输管理所联合支部委员会保持共产党员先进性教育活动群众满意度测评表\n\n'
    printf '本表无记名填写。请在每个测评项目相应的方框内打“√”，每项只选一个。\n\n参评人员类别：`box` 党员　`box` 群众\n\n'
    printf '| 序号 | 测评项目 | 满意 | 基本满意 | 不满意 |\n|:---:|---|:---:|:---:|:---:|\n'
    for ((i = 1; i <= $1; i++)); do printf '| %d | 整改措施第%d项落实情况 | `box` | `box` | `box` |\n' "$i" "$i"; done
    printf '\n对先进性教育活动的意见和建议：\n\n```lines 6\n```\n'
}
for k in 10 11; do
    survey "$k" >"$TMP/sv.md"
    run "$WENSHU" render "$TMP/sv.md" -o "$TMP/sv.pdf" --style form
    assert_eq "$(pdfinfo "$TMP/sv.pdf" | sed -n 's/^Pages: *//p')" "1" "a $k-item questionnaire stays on one page (fewer answer lines)"
done
survey 12 >"$TMP/sv.md"
run "$WENSHU" render "$TMP/sv.md" -o "$TMP/sv.pdf" --style form
assert_contains "$(pdftotext -f 2 -l 2 "$TMP/sv.pdf" -)" "对先进性教育活动的意见和建议" "12 items: the prompt goes over with its answer lines"
done_testing
