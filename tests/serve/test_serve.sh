#!/usr/bin/env bash
# wenshu serve through real sockets on 127.0.0.1 (curl): the token, the page and its API, the PDF
# of a record, the paths it refuses, server-sent events after a save, 生成全部, a clean stop.
. "$(dirname "$0")/lib.sh"
setup_data
OUTDIR="$TMP/out"

run "$WENSHU" serve
assert_status 2 "serve without records is a usage error"
run "$WENSHU" serve --port 70000 "${DATA[@]}"
assert_status 2 "a port above 65535 is refused"

if ! start_serve "${DATA[@]}" -o "$OUTDIR"; then
    not_ok "serve prints its address: $(cat "$TMP/serve.err")"; done_testing; exit 1
fi
ok "serve prints its address with a token: $URL"
TOKEN=${URL#"$BASE"/}; TOKEN=${TOKEN%/}
assert_eq "${#TOKEN}" "32" "the token is 128 random bits in hex"
listening=$(awk -v p="$(printf '%04X' "$PORT")" '$2 ~ ":"p"$" && $4 == "0A" {print $2}' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
assert_eq "$listening" "0100007F:$(printf '%04X' "$PORT")" "it listens on 127.0.0.1 only"

# the token
assert_eq "$(code "$BASE/")" "403" "no token: 403"
assert_contains "$(cat "$TMP/body")" "禁止访问" "the refusal is in Chinese"
assert_eq "$(code "$BASE/0123456789abcdef0123456789abcdef/")" "403" "a wrong token: 403"
assert_eq "$(code "$BASE/${TOKEN:0:31}/")" "403" "a token one character short: 403"
assert_eq "$(code "$BASE/${TOKEN}x/")" "403" "a token with a character more: 403"
assert_eq "$(code "$BASE/api/state")" "403" "the API without the token: 403"
assert_eq "$(code "$BASE/$TOKEN")" "302" "the token without the slash redirects to the page"

# the page and its API
assert_eq "$(code "$URL")" "200" "with the token: 200"
assert_contains "$(cat "$TMP/body")" "<title>文书工作台</title>" "the page is the workbench"
assert_eq "$(code "${URL}app.js")" "200" "its script"
assert_eq "$(code "${URL}app.css")" "200" "its style sheet"
assert_eq "$(code "${URL}api/state")" "200" "the state"
state=$(cat "$TMP/body")
assert_eq "$(python3 -c 'import json,sys; s=json.load(sys.stdin)["model"]; r=[x for x in s["records"] if x["id"]=="M25"][0]; print(r["name"], r["orgName"], r["unitName"], ",".join(s["forms"][k]["id"] for k in r["forms"]))' <<<"$state")" \
    "韦小军 中共临江市社会福利院支部委员会 临江市社会福利院 analysis,feedback,rectification-member" \
    "a member with its organisation, unit and forms"
assert_eq "$(code "${URL}api/pdf?form=feedback&record=M25")" "200" "a record's PDF"
assert_eq "$(head -c 5 "$TMP/body")" "%PDF-" "it is a PDF"
assert_contains "$(pdftotext "$TMP/body" -)" "韦小军同志：" "of that record"
assert_eq "$(code "${URL}api/pdf?form=feedback&record=NOPE")" "422" "an unknown record: 422"
assert_contains "$(cat "$TMP/body")" "没有“NOPE”" "with the reason in Chinese"
assert_eq "$(code "${URL}api/pdf?form=nope&record=M25")" "404" "an unknown form: 404"
assert_eq "$(code "${URL}api/state" -X PUT)" "405" "another method: 405"
# The tree: an organisation names its parent committee, also one of another unit (福利院's branch
# under the 民政局's 机关党委), so the page can nest it there.
code "${URL}api/state" >/dev/null
assert "the state names each organisation's parent" python3 -c '
import json, sys
recs = {r["id"]: r for r in json.load(open(sys.argv[1]))["model"]["records"]}
sys.exit(not (recs["O-ZB4"]["parent"] == "O-JG" and recs["O-ZB4"]["unit"] == "U-FLY" and recs["O-JG"]["parent"] == ""))' "$TMP/body"

# the files it serves, and those it refuses
assert_eq "$(code "${URL}file/templates/feedback.md")" "200" "a template"
assert_eq "$(code "${URL}file/data/1")" "200" "a records file by its number"
assert_contains "$(cat "$TMP/body")" "韦小军" "the records file itself"
assert_eq "$(code "${URL}file/data/3")" "404" "no records file 3"
for bad in "file/templates/../../../../etc/passwd" "file/templates/%2e%2e/%2e%2e/%2e%2e/etc/passwd" \
           "file/templates/..%2f..%2f..%2fetc%2fpasswd" "file/templates/%2E%2E/schemas/campaign.xsd" \
           "file/out/../data/samples/campaign.xml" "file/templates//etc/passwd" "file/templates/./feedback.md" \
           "file/data/../../etc/passwd" "../../etc/passwd" "$TOKEN/../../etc/passwd"; do
    c=$(code "${URL}$bad")
    if [ "$c" = 403 ] || [ "$c" = 404 ]; then ok "refused ($c): $bad"; else not_ok "refused: $bad got $c: $(head -c 200 "$TMP/body")"; fi
    assert_not_contains "$(cat "$TMP/body")" "root:" "nothing of /etc/passwd in the answer"
done
ln -s /etc/passwd "$TMP/data/templates/passwd.txt"
ln -s /etc "$TMP/data/templates/etc"
assert_eq "$(code "${URL}file/templates/passwd.txt")" "403" "a symlink out of the templates: 403"
assert_eq "$(code "${URL}file/templates/etc/passwd")" "403" "a path through a symlinked folder: 403"
rm "$TMP/data/templates/passwd.txt" "$TMP/data/templates/etc"

# server-sent events after a save
curl -sN "${URL}api/events" >"$TMP/events" &
events=$!
wait_for 5 grep_q "$TMP/events" "retry:"
printf '\n{{! 编辑 }}\n' >>"$TMP/data/templates/feedback.md"
assert "an event 'reload' follows a template's save" wait_for 5 grep_q "$TMP/events" "event: reload"
: >"$TMP/events.seen"
n=$(grep -c "event: reload" "$TMP/events")
sed 's/<name>韦小军</<name>韦晓军</' "${DATA[1]}" >"${DATA[1]}.new" && mv "${DATA[1]}.new" "${DATA[1]}"
more_reloads() { [ "$(grep -c "event: reload" "$TMP/events")" -gt "$n" ]; }
assert "and a records file's save (by rename)" wait_for 5 more_reloads
code "${URL}api/pdf?form=feedback&record=M25" >/dev/null
assert_contains "$(pdftotext "$TMP/body" -)" "韦晓军同志：" "the PDF shows the saved record"

# a record with an error: marked, its problem in place with file and line, no preview
n=$(grep -c "event: reload" "$TMP/events")
sed 's|<birth>1980-01-19</birth>|<birth>1980-13-45</birth>|' "${DATA[1]}" >"${DATA[1]}.new" && mv "${DATA[1]}.new" "${DATA[1]}"
assert "a records file's save reloads the page" wait_for 5 more_reloads
code "${URL}api/state" >/dev/null
assert_eq "$(python3 -c 'import json,sys; s=json.load(sys.stdin)["model"]; r=[x for x in s["records"] if x["id"]=="M25"][0]; print(r["bad"], [p for p in s["problems"] if "记录 M25：" in p][0])' <"$TMP/body")" \
    "True $TMP/data/samples/members-fly.xml:7:5: 错误：记录 M25：出生日期应写成 1979-06-03 这样的日期（年-月-日），而不是“1980-13-45”（党员 M25 韦晓军）" \
    "the record is marked bad and its problem has file, line and message"
assert_eq "$(code "${URL}api/pdf?form=feedback&record=M25")" "422" "a record with errors is not previewed"
assert_contains "$(cat "$TMP/body")" "该记录有错误" "the answer says why"
n=$(grep -c "event: reload" "$TMP/events")
sed 's|<birth>1980-13-45</birth>|<birth>1980-01-19</birth>|' "${DATA[1]}" >"${DATA[1]}.new" && mv "${DATA[1]}.new" "${DATA[1]}"
assert "the record fixed reloads the page" wait_for 5 more_reloads

# 生成全部
assert_eq "$(code "${URL}api/build" -X POST)" "202" "the build starts"
assert "its progress arrives as events" wait_for 20 grep_q "$TMP/events" '"done":[1-9]'
assert "it ends with status 0" wait_for 30 grep_q "$TMP/events" '"running":false,"done":[0-9]*,"total":[0-9]*,"status":0'
assert_file "$OUTDIR/manifest.json" "the build wrote OUT"
assert_eq "$(code "${URL}file/out/manifest.json")" "200" "OUT's files are served"
built=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print([e["path"] for e in m["files"] if e["record"]=="M25" and e["form"]=="评议意见反馈通知书"][0])' "$OUTDIR/manifest.json")
code "${URL}api/pdf?form=feedback&record=M25" >/dev/null
assert "the preview is byte-identical to the file the build made" cmp -s "$TMP/body" "$OUTDIR/$built"
enc=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$built")
assert_eq "$(code "${URL}file/out/$enc")" "200" "the built PDF is served by its path under OUT"
assert "the same bytes" cmp -s "$TMP/body" "$OUTDIR/$built"
kill "$events" 2>/dev/null; wait "$events" 2>/dev/null

# a second server on the same port
run "$WENSHU" serve --port "$PORT" "${DATA[@]}"
assert_status 2 "a port in use: exit 2"
assert_contains "$ERR" "无法在 127.0.0.1:$PORT 上监听" "with the reason"

curl -sN "${URL}api/events" >"$TMP/events2" &   # an open event stream must not hold the stop up
events=$!
wait_for 5 grep_q "$TMP/events2" "retry:"
stop_serve
assert_eq "$SERVE_STATUS" "0" "SIGTERM stops the server cleanly (exit 0) within 3 s, an event stream open"
wait "$events" 2>/dev/null
assert_contains "$(cat "$TMP/serve.err")" "已停止" "and says so"
done_testing
