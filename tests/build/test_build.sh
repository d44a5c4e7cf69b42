#!/usr/bin/env bash
# wenshu build end to end — records, templates, layout, PDF — with two small forms of this test's
# own (so it does not depend on the shipped forms): hostile names, -j, incremental builds, shards,
# records with errors, a run killed with kill -9, a full disk, and the command line.
source "$(dirname "$0")/../lib/assert.sh"

# A data folder: the shipped schema and styles, the test's templates.
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

OUTA="$TMP/a"
touch "$TMP/before"
run "$WENSHU" build "${INPUTS[@]}" -o "$OUTA" -j 2 --combined
assert_status 0 "builds the samples and the hostile names"
assert_contains "$ERR" "wenshu build: 生成" "prints the one-line summary"
assert_file "$OUTA/manifest.json" "writes the manifest"
ZB4="$OUTA/中共临江市社会福利院支部委员会/评议意见反馈通知书"
assert_file "$ZB4/_CON.pdf" "CON becomes _CON.pdf"
assert_file "$ZB4/_nul.txt.pdf" "nul.txt becomes _nul.txt.pdf"
assert_file "$ZB4/a_b_c.pdf" "a/b\\c becomes a_b_c.pdf"
assert_file "$ZB4/陆婷-M26.pdf" "a shared name gets the member id (M26)"
assert_file "$ZB4/陆婷-M906.pdf" "a shared name gets the member id (M906)"
escaped=$(find "$TMP" -newer "$TMP/before" -type f ! -path "$OUTA/*" ! -path "$TMP/.stderr" | head -3)
assert_eq "$escaped" "" "no file was written outside OUT"
longest=$(find "$OUTA" -type f -printf '%f\n' | LC_ALL=C awk '{ if (length($0) > m) m = length($0) } END { print m }')
assert "the longest file name is within 120 bytes ($longest)" test "$longest" -le 120
bad_names=$(find "$OUTA" -name '*[[:cntrl:]]*' -o -name '.*' -o -name '*..*' -o -name '*[<>:\"|?*\\]*' | head -3)
assert_eq "$bad_names" "" "no control character, leading dot, '..' or Windows-illegal character in any name"
n_pdf=$(find "$OUTA" -name '*.pdf' | wc -l)
n_listed=$(grep -c '"path"' "$OUTA/manifest.json")
assert_eq "$n_listed" "$n_pdf" "the manifest lists every PDF ($n_pdf)"
run pdftotext "$ZB4/唐丽华.pdf" -
assert_contains "$OUT" "唐丽华同志" "a PDF carries its record's name"
run pdfinfo "$OUTA/合订本/评议意见反馈通知书.pdf"
pages=$(sed -n 's/^Pages: *//p' <<<"$OUT")
assert_eq "$pages" "$((2 * 37 - 1))" "the combined file: 37 one-page records, each on an odd page"
run "$WENSHU" verify "$OUTA"
assert_status 0 "the output verifies against its manifest"

OUTB="$TMP/b"
run "$WENSHU" build "${INPUTS[@]}" -o "$OUTB" -j 1 --combined -q
assert_status 0 "builds again with -j 1"
assert_eq "$ERR" "" "-q prints nothing"
assert "-j 1 and -j 2 give identical folders, manifest included" diff -r "$OUTA" "$OUTB"

# Shards: their union is the single run, byte for byte.
OUTS="$TMP/s"
for k in 1 2 3; do "$WENSHU" build "${INPUTS[@]}" -o "$OUTS" -j 2 --combined --shard $k/3 -q; done
assert "three shards give the single run's folder, manifest included" diff -r "$OUTB" "$OUTS"

# Incremental builds.
stamp() { find "$1" -type f -printf '%P %i\n' | sort; }
before=$(stamp "$OUTA")
run "$WENSHU" build "${INPUTS[@]}" -o "$OUTA" -j 2 --combined
assert_contains "$ERR" "生成 0 个文件" "an unchanged second run makes nothing"
assert_eq "$(stamp "$OUTA")" "$before" "and touches no file"
sed -i 's/<post>护士<\/post>/<post>护师<\/post>/' "$TMP/hostile.xml" # all seven hostile members
run "$WENSHU" build "${INPUTS[@]}" -o "$OUTA" -j 2 --combined
assert_contains "$ERR" "生成 8 个文件" "a changed file remakes its 7 records and the combined file"
sed -i 's/现将评议意见反馈如下/现将民主评议意见反馈如下/' "$DATA/templates/feedback.md"
run "$WENSHU" build "${INPUTS[@]}" -o "$OUTA" -j 2
assert_contains "$ERR" "生成 37 个文件" "a changed template remakes that form only"
run "$WENSHU" build "${INPUTS[@]}" -o "$OUTA" -j 2 --force
assert_contains "$ERR" "生成 $((n_pdf - 2)) 个文件" "--force remakes everything (but the combined files, not asked for)"
run "$WENSHU" verify "$OUTA"
assert_status 0 "the manifest follows the incremental runs"

# Records with errors are skipped and listed; the others are built.
sed 's/<birth>1980-01-19<\/birth>/<birth>1980-13-45<\/birth>/' "$TMP/hostile.xml" >"$TMP/broken.xml"
run "$WENSHU" build "${INPUTS[@]:0:3}" "$TMP/broken.xml" -o "$TMP/c" -j 2
assert_status 1 "records with errors give exit status 1"
assert_contains "$ERR" "record M901" "the skipped record is named"
assert_contains "$ERR" "7 条记录有错未生成" "the summary counts the skipped records"
assert_file "$TMP/c/中共临江市社会福利院支部委员会/评议意见反馈通知书/唐丽华.pdf" "the sound records are still built"

# kill -9 in the middle of a batch: only complete PDFs remain, the next run finishes the job.
python3 "$ROOT/samples/gen.py" --members 400 --orgs 10 -o "$TMP/big" >/dev/null
OUTK="$TMP/k"
setsid "$WENSHU" build "$TMP"/big/*.xml -o "$OUTK" -j 2 -q &
pid=$!
for _ in $(seq 200); do
    [ "$(find "$OUTK" -name '*.pdf' 2>/dev/null | head -20 | wc -l)" -ge 20 ] && break
    sleep 0.05
done
kill -9 -- -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
incomplete=0
while IFS= read -r -d '' f; do tail -c 8 "$f" | grep -q '%%EOF' || incomplete=$((incomplete + 1)); done \
    < <(find "$OUTK" -name '*.pdf' -print0)
assert_eq "$incomplete" "0" "after kill -9 every PDF left is complete"
run "$WENSHU" build "$TMP"/big/*.xml -o "$OUTK" -j 2
assert_status 0 "the next run finishes the job"
assert_eq "$(find "$OUTK" -name '*.tmp.*' | wc -l)" "0" "and removes the killed run's temporary files"
run "$WENSHU" verify "$OUTK"
assert_status 0 "the finished folder verifies"

# A full disk: reported, no partial file, exit 2.
mkdir -p "$TMP/full"
if mount -t tmpfs -o size=96k tmpfs "$TMP/full" 2>/dev/null; then
    run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/full/out" -j 2
    assert "a full disk gives a non-zero exit ($STATUS)" test "$STATUS" -ne 0
    assert_contains "$ERR" "No space left" "and says why"
    assert_eq "$(find "$TMP/full" -name '*.tmp.*' | wc -l)" "0" "no temporary file is left behind"
    partial=0
    while IFS= read -r -d '' f; do tail -c 8 "$f" | grep -q '%%EOF' || partial=$((partial + 1)); done \
        < <(find "$TMP/full" -name '*.pdf' -print0)
    assert_eq "$partial" "0" "no partial PDF is left behind"
    umount "$TMP/full"
else
    ok "# SKIP full-disk test needs a tmpfs mount (not permitted here)"
fi

# The command line.
run "$WENSHU" build -o "$TMP/x"
assert_status 2 "no DATA is a usage error"
run "$WENSHU" build "${INPUTS[@]}"
assert_status 2 "no -o is a usage error"
assert_contains "$ERR" "-o OUT" "and says what to add"
run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/x" -j 0
assert_status 2 "-j 0 is refused"
run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/x" --shard 4/3
assert_status 2 "--shard 4/3 is refused"
run "$WENSHU" build "$ROOT/samples" -o "$TMP/x"
assert_status 2 "a folder as DATA is refused"
run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/hostile.xml"
assert_status 2 "a file as OUT is refused"
run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/x" --form 不存在
assert_status 2 "an unknown --form is refused"
assert_contains "$ERR" "feedback" "and the known forms are listed"
run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/x" --bogus
assert_status 2 "an unknown option is refused"
run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/f" --form feedback --record M26,M27
assert_status 0 "--form and --record select"
assert_eq "$(find "$TMP/f" -name '*.pdf' | wc -l)" "2" "exactly the two records' files"

done_testing
