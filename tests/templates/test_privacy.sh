#!/usr/bin/env bash
# Private text never reaches a form meant to be posted. A form is public when its front matter says
# `public: true` (通报, 公布, 整改方案 and 个人整改措施 公布 in a range, the blank 测评表, the 测评结果);
# the private elements are the one list in generator/template/template_privacy.c (situation text:
# health, employment, family; the 回执 opinion). First the loader: it refuses a public template
# that prints one, with file:line:col and a Chinese message. Then every public template (found by
# its front matter, not a fixed list) is merged and built with the samples and with the jtj fixture
# set, and every private field of those records is searched for in the merged Markdown and in the
# PDFs' text (pdftotext).
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT" || exit 2
SAMPLES=(samples/campaign.xml samples/members-fly.xml samples/members-mzj.xml)
JTJ=(tests/templates/fixtures/jtj/campaign.xml tests/templates/fixtures/jtj/members.xml)

mapfile -t PUBLIC < <(grep -l '^public: true$' templates/*.md | xargs -n1 basename | sed 's/\.md$//')
assert "public templates are declared in their front matter (${#PUBLIC[*]}: ${PUBLIC[*]})" test "${#PUBLIC[@]}" -ge 6
for must in evaluation-report publication rectification-org survey survey-results; do
    assert "templates/$must.md is declared public" grep -qx 'public: true' "templates/$must.md"
done
mapfile -t PRIVATE < <(sed -n '/PRIVATE-FIELDS-BEGIN/,/PRIVATE-FIELDS-END/s/^ *{"\([a-z-]*\)".*/\1/p' \
    generator/template/template_privacy.c)
assert_eq "${PRIVATE[*]}" "situation receipt" "the private elements, from the one list in template_privacy.c"

# ---- the loader refuses a public template that prints private text ----
mkdir -p "$TMP/tpl"
cat >"$TMP/tpl/leak.md" <<'EOF'
---
name: leak
title: 民主评议情况通报
records: /wenshu/organisation[@kind='党支部']
public: true
---
{{#each $members[situation]}}
{{ name }}：{{ situation }}（{{ count(situation) }}项，{{ situation/@where }}）
{{#each situation}}{{ @kind }}：{{ . }}{{/each}}
{{#if evaluation/receipt}}{{ w:join(evaluation/receipt) }}{{/if}}
{{/each}}
EOF
LANG=zh_CN.UTF-8 run "$WENSHU" merge "$TMP/tpl/leak.md" "${SAMPLES[@]}"
assert_status 2 "a public template printing situation text is refused when it loads"
assert_eq "$OUT" "" "nothing is merged"
assert_contains "$ERR" "$TMP/tpl/leak.md:8:12: 错误：表单“民主评议情况通报”是公开张贴或发放的文件（表头 public: true），不能印出个人隐私内容：{{ situation }} 印出了 situation 的正文（党员特殊情况的说明，如病情、劳动关系、家庭情况）。可以统计人数、判断有无或印出其属性（如 @kind、@where），不能印出正文" "file:line:col and the Chinese message"
assert_contains "$ERR" "leak.md:9:32: 错误：表单“民主评议情况通报”是公开张贴或发放的文件（表头 public: true），不能印出个人隐私内容：{{ . }} 印出了 situation 的正文" "{{ . }} inside {{#each situation}}"
assert_contains "$ERR" "leak.md:10:27: 错误：表单“民主评议情况通报”是公开张贴或发放的文件（表头 public: true），不能印出个人隐私内容：{{ w:join(evaluation/receipt) }} 印出了 receipt 的正文（回执中的本人意见）" "the 回执 opinion"
assert_eq "$(grep -c ': 错误：' <<<"$ERR")" "3" "counting, testing and printing attributes are allowed (3 errors, no more)"
run "$WENSHU" build -o "$TMP/leak-out" --form leak "${SAMPLES[@]}"
cp "$TMP/tpl/leak.md" "$TMP/leak-copy.md"
sed -i 's/^public: true$/public: false/' "$TMP/tpl/leak.md"
run "$WENSHU" merge "$TMP/tpl/leak.md" "${SAMPLES[@]}"
assert_status 0 "the same template not declared public merges (the member's own forms may print it)"
sed 's/^public: true$/public: yes/' "$TMP/leak-copy.md" >"$TMP/tpl/yes.md"
LANG=zh_CN.UTF-8 run "$WENSHU" merge "$TMP/tpl/yes.md" "${SAMPLES[@]}"
assert_status 2 "public: takes true or false"
assert_contains "$ERR" "yes.md:5:9: 错误：public: 只能写 true" "public: yes is refused at its position"
# The barrier at merge time: expressions the load check cannot read (a wildcard, another axis, the
# string value of an ancestor, a predicate on the text) find no private text in a public form.
# The same template not declared public prints it, so each expression does reach the text.
cat >"$TMP/tpl/sly.md" <<'EOF'
---
name: sly
title: 整改情况公布
records: /wenshu/member[situation or evaluation/receipt]
output: "{{ name }}{{ string(//*[name()='situation']) }}"
public: true
pdf:
  subject: "{{ w:join(*) }}"
---
A[{{ w:join(*) }}]
B[{{ string(/wenshu) }}]
C[{{ w:join(descendant::*[name()='situation']) }}]
D[{{#each //node()[name()='receipt']}}{{ string(.) }}{{/each}}]
E[{{#if contains(string(ancestor-or-self::wenshu), '脑血栓')}}yes{{/if}}]
F[{{ count(descendant::*[name()='situation']) }} {{ descendant::*[name()='situation']/@kind }}]
EOF
sed 's/^public: true$/public: false/' "$TMP/tpl/sly.md" >"$TMP/tpl/sly-private.md"
run "$WENSHU" merge --record J05 "$TMP/tpl/sly-private.md" "${JTJ[@]}"
assert_status 0 "the sly template, not public, merges"
assert_contains "$OUT" "患慢性肾病需长期透析" "not public: the wildcard reaches the situation text"
assert_contains "$OUT" "E[yes]" "not public: the ancestor axis reaches another member's text"
run "$WENSHU" merge "$TMP/tpl/sly.md" "${JTJ[@]}"
assert_status 0 "the sly template passes the load check (it names no private element)"
for field in "患慢性肾病" "脑血栓" "离婚" "家庭搬迁" "同意支部的评议意见" "老人患病"; do
    assert_not_contains "$OUT" "$field" "public: no wildcard, axis or ancestor's string value reaches “$field”"
done
assert_not_contains "$OUT" "E[yes]" "public: a predicate on the text sees none either"
assert_contains "$OUT" "F[1 解除劳动关系]" "public: private elements are still counted and their attributes printed"
# A shipped public form changed to print situation text is refused too (the check is not a list of forms).
sed 's/^{{ name }}同志{{#if situation\[@kind=.转出.\]}}/{{ name }}同志{{ situation }}{{#if situation[@kind='"'"'转出'"'"']}}/' \
    templates/evaluation-report.md >"$TMP/tpl/evaluation-report.md"
assert "the edited 通报 prints situation text" grep -q '{{ name }}同志{{ situation }}' "$TMP/tpl/evaluation-report.md"
run "$WENSHU" merge "$TMP/tpl/evaluation-report.md" "${SAMPLES[@]}"
assert_status 2 "the shipped 通报 edited to print situation text is refused"
assert_contains "$ERR" "evaluation-report.md:" "the message names the template"

# ---- every public form, merged and built, holds no private field of the records ----
scan_set() { # label files...
    local label="$1"; shift
    python3 - "${PRIVATE[*]}" "$@" >"$TMP/$label.private" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{urn:wenshu:campaign:1}"
for f in sys.argv[2:]:
    for tag in sys.argv[1].split():
        for e in ET.parse(f).getroot().iter(ns + tag):
            t = (e.text or "").strip()
            if t:
                print(t)
PY
    mkdir -p "$TMP/$label.red"
    python3 - "$TMP/$label.red" "${PRIVATE[*]}" "$@" <<'PY'
import sys, os, re
out = sys.argv[1]
for f in sys.argv[3:]:
    s = open(f, encoding="utf-8").read()
    for tag in sys.argv[2].split():
        s = re.sub(r"(<%s\b[^>/]*>)[^<]*(</%s>)" % (tag, tag), r"\1某某\2", s)
    open(os.path.join(out, os.path.basename(f)), "w", encoding="utf-8").write(s)
PY
    local n
    n=$(wc -l <"$TMP/$label.private")
    assert "$label: the records hold private text to search for ($n fields)" test "$n" -ge 4
    run "$WENSHU" build -j 2 -o "$TMP/$label.out" "$@"
    assert_status 0 "$label: the records build"
    for tpl in "${PUBLIC[@]}"; do
        run "$WENSHU" merge "templates/$tpl.md" "$@"
        printf '%s' "$OUT" >"$TMP/$label.$tpl.md"
        run "$WENSHU" merge "templates/$tpl.md" "$TMP/$label.red"/*.xml
        printf '%s' "$OUT" >"$TMP/$label.$tpl.red"
        assert_eq "$(python3 "$TMP/scan.py" "$TMP/$label.private" "$TMP/$label.$tpl.md" "$TMP/$label.$tpl.red")" "" \
            "$label: $tpl (merged): no private text"
        local title npdf=0
        title=$(sed -n 's/^title: //p' "templates/$tpl.md")
        : >"$TMP/$label.$tpl.txt"
        while IFS= read -r -d '' pdf; do
            pdftotext -enc UTF-8 "$pdf" - >>"$TMP/$label.$tpl.txt"
            npdf=$((npdf + 1))
        done < <(find "$TMP/$label.out" -path "*/$title/*.pdf" -print0)
        assert "$label: $tpl: PDFs built ($npdf)" test "$npdf" -ge 1
        assert_eq "$(python3 "$TMP/scan.py" "$TMP/$label.private" "$TMP/$label.$tpl.txt" "$TMP/$label.$tpl.red")" "" \
            "$label: $tpl (PDF text): no private text"
    done
}
# A field is found when any 12-character stretch of it appears (a shortened quote is still a leak)
# that is not also in the same form merged with every private field replaced by "某某" (redacted):
# a stretch made of the form's own wording and public values is no one's secret.
cat >"$TMP/scan.py" <<'PY'
import sys, re
fields = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
text = re.sub(r"\s+", "", open(sys.argv[2], encoding="utf-8").read().replace("\\", ""))
fixed = re.sub(r"\s+", "", open(sys.argv[3], encoding="utf-8").read().replace("\\", ""))
for f in fields:
    f = re.sub(r"\s+", "", f)
    n = min(12, len(f))
    for i in range(0, len(f) - n + 1):
        if f[i:i + n] in text and f[i:i + n] not in fixed:
            print("leak: %s… (%s)" % (f[:20], f[i:i + n]))
            break
PY
scan_set samples "${SAMPLES[@]}"
scan_set jtj "${JTJ[@]}"
# The scan itself finds a leak where private text belongs: the member's own 提纲.
run "$WENSHU" merge templates/analysis.md "${JTJ[@]}"
printf '%s' "$OUT" >"$TMP/own.md"
run "$WENSHU" merge templates/analysis.md "$TMP/jtj.red"/*.xml
printf '%s' "$OUT" >"$TMP/own.red"
assert_contains "$(python3 "$TMP/scan.py" "$TMP/jtj.private" "$TMP/own.md" "$TMP/own.red")" "leak: 患脑血栓后遗症" \
    "the scan finds private text where it belongs (the member's own form)"
done_testing
