#!/usr/bin/env bash
# wenshu build with the shipped forms (templates/*.md) over the samples: every form yields files,
# the output does not depend on -j, a second run only adds what was asked for, and the folder
# verifies against its manifest.
source "$(dirname "$0")/../lib/assert.sh"

# A snapshot of the shipped data, so that every build below sees the same forms.
mkdir -p "$TMP/data"
cp -r "$ROOT/templates" "$ROOT/schemas" "$TMP/data/"
export WENSHU_DATADIR="$TMP/data"
SAMPLES=("$ROOT"/samples/*.xml)

run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/a" -j 2
assert_status 0 "the samples build with every shipped form"
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/b" -j 1 -q
assert_status 0 "builds again with -j 1"
assert "-j 1 and -j 2 give byte-identical folders" diff -r "$TMP/a" "$TMP/b"

nforms=$(ls "$TMP"/data/templates/*.md | wc -l)
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/a" -j 2 --combined
assert_status 0 "a second run adds the combined files"
assert_contains "$ERR" "生成 $nforms 个文件" "and makes nothing but them ($nforms forms)"
for t in "$TMP"/data/templates/*.md; do
    title=$(sed -n 's/^title: *//p' "$t" | head -1 | tr -d '"')
    n=$(grep -c "\"form\": \"$title\"" "$TMP/a/manifest.json")
    assert "form $(basename "$t" .md) ($title) made files ($n)" test "$n" -gt 1
    assert_file "$TMP/a/合订本/$title.pdf" "and a combined file for $title"
done
run "$WENSHU" verify "$TMP/a"
assert_status 0 "the output verifies against its manifest"

# A form with more records than --volume is bound in volumes, in plan order, that together hold
# what the one combined file holds; their names do not depend on --record.
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/v" -j 2 -q --combined --volume 8 --form feedback
assert_status 0 "combined in volumes of 8 records"
single="$TMP/a/合订本/评议意见反馈通知书.pdf"
# bookmarks: the organisation at level 1, its records at level 2 (two tabs in mutool's listing)
nrec=$(mutool show "$single" outline | grep -c $'^[-+|]\t\t"')
assert_contains "$(mutool show "$single" outline | grep $'^[-+]\t"')" "中共临江市民政局机关第一支部委员会" "the combined file bookmarks by organisation first"
nvol=$(( (nrec + 7) / 8 ))
assert_eq "$(ls "$TMP/v/合订本" | grep -c '^评议意见反馈通知书（第[0-9]册）\.pdf$')" "$nvol" "$nrec records make $nvol volumes"
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }
total=0 names=""
for k in $(seq "$nvol"); do
    f="$TMP/v/合订本/评议意见反馈通知书（第${k}册）.pdf"
    total=$((total + $(pages "$f")))
    mutool show "$f" outline | sed -n 's/^[-+|]\t\t"\(.*\)"\t.*/\1/p' >>"$TMP/volume-names"
done
names=$(cat "$TMP/volume-names")
assert_eq "$total" "$(pages "$single")" "the volumes have the pages of the single combined file"
assert_eq "$names" "$(mutool show "$single" outline | sed -n 's/^[-+|]\t\t"\(.*\)"\t.*/\1/p')" "and its records, in order"
assert_contains "$(pdfinfo "$TMP/v/合订本/评议意见反馈通知书（第1册）.pdf")" "评议意见反馈通知书（合订本第1册）" "a volume's title says which"
first=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print([e["record"] for e in m["files"] if "评议意见反馈通知书/" in e["path"]][-1])' "$TMP/a/manifest.json")
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/w" -j 2 -q --combined --volume 8 --form feedback --record "$first"
assert_status 0 "one record, combined in volumes"
made=$(ls "$TMP/w/合订本")
assert_eq "$(echo "$made" | wc -l)" 1 "only one volume is made ($made)"
who=$(mutool show "$TMP/w/合订本/$made" outline | sed -n 's/^[-+|]\t\t"\(.*\)"\t.*/\1/p')
assert_contains "$(mutool show "$TMP/v/合订本/$made" outline)" "\"$who\"" "the volume of that name in the full run holds the record ($who)"
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/w" --combined --volume 0
assert_status 2 "--volume 0 is refused"
assert_contains "$ERR" "--volume 需要每册合订本的记录数（1 至 1000000）" "with the reason"

# Each form's first document carries its record's name.
checked=0 named=0
while IFS= read -r f; do
    rec=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print([e["record"] for e in m["files"] if e["path"]==sys.argv[2]][0])' \
        "$TMP/a/manifest.json" "${f#"$TMP/a/"}")
    name=$(python3 - "$rec" "${SAMPLES[@]}" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{urn:wenshu:campaign:1}"
for path in sys.argv[2:]:
    for el in ET.parse(path).getroot():
        if el.get("id") == sys.argv[1]:
            print(el.findtext(ns + "name") or "")
            sys.exit()
PY
)
    checked=$((checked + 1))
    [ -n "$name" ] && pdftotext "$f" - 2>/dev/null | tr -d ' \n' | grep -qF "$name" && named=$((named + 1))
done < <(find "$TMP/a" -mindepth 3 -name '*.pdf' | sort | awk -F/ '!seen[$(NF-1)]++')
assert "each form's document names its record ($named of $checked)" test "$named" -eq "$checked" -a "$checked" -gt 0

# A run of one form plans only that form; its files are the same, under the same names, as in a
# run of every form.
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/one" -j 2 -q --form 评议意见反馈通知书
assert_status 0 "one form, by its title"
entries() { python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("\n".join(sorted(e["path"]+" "+e["sha256"] for e in m["files"] if "/评议意见反馈通知书/" in e["path"])))' "$1"; }
assert_eq "$(entries "$TMP/one/manifest.json")" "$(entries "$TMP/b/manifest.json")" "its files and names are those of the run of every form"
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/one" --form 不存在的表
assert_status 2 "an unknown --form is refused"
assert_contains "$ERR" "--form 不存在的表：没有这个表单（现有表单：" "the forms that exist are listed"
assert_contains "$ERR" "评议意见反馈通知书（feedback）" "by title and id"

# WENSHU_PHASES=1 (the benchmark's) says where a run's time went; nothing is said without it.
WENSHU_PHASES=1 run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/one" -j 2 -q --form feedback --force
assert_contains "$ERR" "wenshu build: phases: records " "WENSHU_PHASES=1 reports the phases of a run"
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/one" -j 2 -q --form feedback --force
assert_not_contains "$ERR" "phases:" "and says nothing without it"

# A run of the member forms only drops the member summaries that organisation forms sum up; a run
# of an organisation form keeps them, and its documents still count the members of every file.
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/c" -j 2 -q --form feedback
assert_status 0 "the feedback form alone builds (member summaries dropped)"
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/c" -j 2 -q --form evaluation-report
assert_status 0 "the evaluation report alone builds"
report=$(find "$TMP/c" -path '*民主评议情况通报*' -name '*.pdf' | sort | head -1)
assert_contains "$(pdftotext "$report" - 2>/dev/null | tr -d ' \n')" "本支部共有党员" "and counts the members from the other files"
cmp_report="$TMP/a/${report#"$TMP/c/"}"
assert "the same bytes as in the run of every form" cmp "$report" "$cmp_report"

# A broken template does not hide what is wrong with the records: the records are checked (their
# messages first, as always), then the template's message, and the run ends with 2.
mkdir -p "$TMP/broken"
cp -r "$WENSHU_DATADIR/." "$TMP/broken/"
printf -- '---\nname: bad\ntitle: 坏表\nrecords: /wenshu/member[\nstyle: gbt9704\n---\n# 坏\n' > "$TMP/broken/templates/zz-bad.md"
WENSHU_DATADIR="$TMP/broken" run "$WENSHU" build "${SAMPLES[@]}" "$ROOT/tests/records/fixtures/not-wellformed.xml" -o "$TMP/none" -q
assert_status 2 "a broken template stops the run"
assert_contains "$ERR" "not-wellformed.xml:5:9: 错误：第 3 行的开始标签 <unit> 在此处遇到结束标签 </unt>" "the records are still checked"
assert_contains "$ERR" "zz-bad.md:4:" "and the template's error is reported"
first_template=$(echo "$ERR" | grep -n 'zz-bad.md' | head -1 | cut -d: -f1)
first_record=$(echo "$ERR" | grep -n 'not-wellformed.xml' | head -1 | cut -d: -f1)
assert "after the records' ($first_record, $first_template)" test "$first_record" -lt "$first_template"
assert "and nothing is made" test ! -e "$TMP/none/manifest.json"

done_testing
