#!/usr/bin/env bash
# wenshu watch: the PDF is made again on every save (in place, by rename, of a records file), an
# error keeps the last good PDF and is printed with its line, and SIGTERM ends it cleanly.
. "$(dirname "$0")/lib.sh"
setup_data
T="$TMP/data/templates/feedback.md"
PDF="$TMP/out/notice.pdf"
mkdir -p "$TMP/out"

run "$WENSHU" watch
assert_status 2 "watch without arguments is a usage error"
assert_contains "$ERR" "用法：wenshu watch 模板 记录文件..." "the usage error names the synopsis"
run "$WENSHU" watch --help
assert_status 0 "watch --help"
run "$WENSHU" watch "$T" "$TMP/none.xml"
assert_status 2 "an unreadable records file is a usage error"

"$WENSHU" watch "$T" "${DATA[@]}" --record M25 -o "$PDF" >"$TMP/watch.out" 2>"$TMP/watch.err" &
pid=$!
assert "the first PDF appears" wait_for 10 test -s "$PDF"
assert "stdout names the PDF written" wait_for 5 grep_q "$TMP/watch.out" "已生成 $PDF（记录 M25，"
assert_contains "$(pdftotext "$PDF" -)" "韦小军同志：" "the PDF is the record's notice"
assert "the watch announces itself on stderr" wait_for 5 grep_q "$TMP/watch.err" "正在监视"

# 1. saved by rename (vim, WPS): a new file renamed over the template
before=$(sum_of "$PDF")
sed 's/{{ name }}同志：/{{ name }}同志（第一次修改）：/' "$T" >"$T.new"
save_by_rename "$T"
assert "a template saved by rename remakes the PDF" wait_for 5 differs_from "$PDF" "$before"
assert_contains "$(pdftotext "$PDF" -)" "韦小军同志（第一次修改）：" "the PDF shows the edit"

# 2. written in place (truncate and write)
before=$(sum_of "$PDF")
sed 's/第一次修改/第二次修改/' "$T" >"$TMP/t.md" && cat "$TMP/t.md" >"$T"
assert "a template written in place remakes the PDF" wait_for 5 differs_from "$PDF" "$before"
assert_contains "$(pdftotext "$PDF" -)" "韦小军同志（第二次修改）：" "the PDF shows the second edit"

# 3. a records file changes
before=$(sum_of "$PDF")
sed 's/<name>韦小军</<name>韦晓军</' "${DATA[1]}" >"${DATA[1]}.new" && mv "${DATA[1]}.new" "${DATA[1]}"
assert "a records file saved remakes the PDF" wait_for 5 differs_from "$PDF" "$before"
assert_contains "$(pdftotext "$PDF" -)" "韦晓军同志（第二次修改）：" "the PDF shows the record's new name"

# 4. a broken template: the error with its line, the last good PDF kept
good=$(sum_of "$PDF")
lines=$(wc -l <"$T")
cp "$T" "$TMP/good.md"
printf '{{#each opinion}}\n' >>"$T"
assert "the error is printed with the template's line" wait_for 5 grep_q "$TMP/watch.err" "feedback.md:$((lines + 1)):1: 错误：{{#each}} 没有结束（请补上 {{/each}}）"
assert "and says the PDF was kept" wait_for 5 grep_q "$TMP/watch.err" "模板有错误，$PDF 未更新（保留上次生成的版本）"
sleep 0.3
assert_eq "$(sum_of "$PDF")" "$good" "the last good PDF is kept"
pdf_whole() { qpdf --check "$1" >/dev/null 2>&1; }
assert "the kept PDF is whole" pdf_whole "$PDF"
assert_eq "$(find "$TMP/out" -name '*.tmp.*' | wc -l)" "0" "no temporary file is left beside it"

# 5. a broken record (data error): kept too, with the file and line
made=$(grep -c 已生成 "$TMP/watch.out")
more_made() { [ "$(grep -c 已生成 "$TMP/watch.out")" -gt "$made" ]; }
cp "$TMP/good.md" "$T"
assert "the template fixed again remakes the PDF" wait_for 5 more_made
good=$(sum_of "$PDF")
sed 's|<name>韦晓军</name>|<name>韦晓军</nam>|' "${DATA[1]}" >"${DATA[1]}.new" && mv "${DATA[1]}.new" "${DATA[1]}"
assert "a malformed records file is reported with its line" wait_for 5 grep_q "$TMP/watch.err" "members-fly.xml:6:"
sleep 0.3
assert_eq "$(sum_of "$PDF")" "$good" "the last good PDF is kept after a data error"

kill -TERM "$pid"
status=0
for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$pid" 2>/dev/null; then not_ok "watch stops on SIGTERM"; kill -KILL "$pid"; else ok "watch stops on SIGTERM"; fi
wait "$pid"; status=$?
assert_eq "$status" "0" "and exits 0"
done_testing
