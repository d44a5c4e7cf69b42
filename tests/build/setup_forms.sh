# Sourced by the tests of this folder after assert.sh: a data folder with the shipped schema and
# styles and two small forms of the tests' own (feedback: one per member, notice: one per
# organisation), and $TMP/hostile.xml with members whose names attack file names.
# Sets WENSHU_DATADIR and INPUTS (the samples and the hostile file).
DATA="$TMP/data"
mkdir -p "$DATA/templates/partials"
ln -s "$ROOT/schemas" "$DATA/schemas"
ln -s "$ROOT/templates/styles" "$DATA/templates/styles"
cat >"$DATA/templates/feedback.md" <<'MD'
---
name: feedback
title: 评议意见反馈通知书
records: //member
output: "{{ name }}"
style: gbt9704
pdf:
  title: "{{ name }}同志评议意见反馈通知书"
---
# 评议意见反馈通知书

{{ name }}同志：

根据民主评议情况，现将评议意见反馈如下。

{{#each evaluation/strength}}
{{ . }}
{{else}}
（无记录）
{{/each}}
MD
cat >"$DATA/templates/notice.md" <<'MD'
---
name: notice
title: 整改情况公布
records: //organisation
output: "{{ name }}"
style: gbt9704
---
# {{ name }}整改情况公布

现将整改情况公布如下。
MD
export WENSHU_DATADIR="$DATA"

member() { # id name
    cat <<XML
  <member id="$1" org="O-ZB4" gender="男" ethnicity="汉族" standing="正式">
    <name>$2</name>
    <birth>1980-01-19</birth>
    <joined>2002-07-01</joined>
    <job>临江市社会福利院</job>
    <post>护士</post>
    <study hours="40"/>
  </member>
XML
}
long=$(python3 -c 'print("党" * 100)')
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<wenshu xmlns="urn:wenshu:campaign:1">'
    member M901 '../../etc/passwd'
    member M902 'CON'
    member M903 'a/b\c'
    member M904 "$long"
    member M905 '李&#10;四&#9;\0%00'
    member M906 '陆婷'
    member M907 'nul.txt'
    echo '</wenshu>'
} >"$TMP/hostile.xml"
INPUTS=("$ROOT/samples/campaign.xml" "$ROOT/samples/members-fly.xml" "$ROOT/samples/members-mzj.xml" "$TMP/hostile.xml")

