#!/usr/bin/env bash
# OUT tells the truth (issue 21): one writer per OUT (lock, --wait, concurrent builds of different
# forms and identical builds, then verify), no write outside OUT while a folder is swapped for a
# link, no read through planted links (verify, the incremental cache, the manifest, partials),
# orphans removed, stale combined volumes removed by runs without --combined, duplicate form
# names refused, verify --data, and the program's identity in --version.
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/setup_forms.sh"
S="$ROOT/samples"
SAMPLES=("$S/campaign.xml" "$S/members-mzj.xml" "$S/members-fly.xml")
O="$TMP/o"

# ---- one writer: a held lock refuses a second writer, --wait waits for it
"$WENSHU" build "${SAMPLES[@]}" -o "$O" -q -j 2
flock "$O" sleep 3 &
holder=$!
sleep 0.5
run timeout 30 "$WENSHU" build "${SAMPLES[@]}" -o "$O" -q
assert_status 2 "a second writer is refused while OUT is locked"
assert_contains "$ERR" "另一个 wenshu 正在写入 $O：同一输出文件夹同时只能有一个写入者。请等它结束后再运行，或加 --wait 排队等待" "with a clear message"
run timeout 30 "$WENSHU" build "${SAMPLES[@]}" -o "$O" --wait
assert_status 0 "--wait: waits for the lock and builds"
assert_contains "$ERR" "另一个 wenshu 正在写入 $O，等待它结束" "--wait says it waits"
wait $holder
run timeout 30 "$WENSHU" build --merge-manifests "$O"
assert_not_contains "$ERR" "另一个 wenshu" "merge-manifests takes the lock when it is free"

# Concurrent builds into one OUT, both orders of two forms, and two identical runs: all succeed
# (one waits for the other), and verify then agrees with every file.
for pair in "feedback notice" "notice feedback" "feedback feedback"; do
    set -- $pair
    C="$TMP/c-$1-$2"
    "$WENSHU" build "${INPUTS[@]}" -o "$C" -q -j 1 --wait --force --form "$1" 2>"$TMP/c1.err" & p1=$!
    "$WENSHU" build "${INPUTS[@]}" -o "$C" -q -j 1 --wait --force --form "$2" 2>"$TMP/c2.err" & p2=$!
    wait $p1; s1=$?; wait $p2; s2=$?
    assert_eq "$s1 $s2" "0 0" "concurrent --form $1 and --form $2: both succeed"
    run "$WENSHU" verify "$C"
    assert_status 0 "concurrent --form $1 / $2: verify agrees with every file"
    n=$(grep -c '"path"' "$C/manifest.json")
    want=$( [ "$1" = "$2" ] && echo 1 || echo 2)
    forms=$(grep -o '"form": "[^"]*"' "$C/manifest.json" | sort -u | wc -l)
    assert_eq "$forms" "$want" "concurrent --form $1 / $2: the manifest lists both runs' forms ($n files)"
done

# ---- two copies of the same shard: the second is refused (exit 2), or waits with --wait
H="$TMP/shards"
"$WENSHU" build "${SAMPLES[@]}" -o "$H" -q -j 1 --shard 1/2
assert "a shard leaves no lock file behind" [ ! -e "$H/manifest.1-of-2.json.lock" ]
flock "$H/manifest.1-of-2.json.lock" sleep 3 &
holder=$!
sleep 0.5
run timeout 30 "$WENSHU" build "${SAMPLES[@]}" -o "$H" -q -j 1 --shard 1/2
assert_status 2 "a second copy of shard 1/2 is refused while the first runs"
assert_contains "$ERR" "另一个 wenshu 正在生成 $H 的第 1/2 部分（--shard 1/2）：同一部分同时只能运行一份。请等它结束后再运行，或加 --wait 排队等待" "…with a clear message"
run timeout 30 "$WENSHU" build "${SAMPLES[@]}" -o "$H" -q -j 1 --shard 2/2
assert_status 0 "another shard of the same build runs meanwhile"
run timeout 30 "$WENSHU" build "${SAMPLES[@]}" -o "$H" -j 1 --shard 1/2 --wait
assert_status 0 "--wait: the copy waits for the first and then runs"
assert_contains "$ERR" "另一个 wenshu 正在生成 $H 的第 1/2 部分，等待它结束" "…and says it waits"
wait $holder
rm -f "$H/manifest.1-of-2.json.lock"
# Two identical shard runs started together with --force, then the other shard: each copy runs
# alone (the second waits), the parts merge, and verify agrees with every file.
"$WENSHU" build "${SAMPLES[@]}" -o "$H" -q -j 1 --force --wait --shard 1/2 2>"$TMP/s1.err" & p1=$!
"$WENSHU" build "${SAMPLES[@]}" -o "$H" -q -j 1 --force --wait --shard 1/2 2>"$TMP/s2.err" & p2=$!
wait $p1; s1=$?; wait $p2; s2=$?
assert_eq "$s1 $s2" "0 0" "two copies of shard 1/2 started together: both succeed"
"$WENSHU" build "${SAMPLES[@]}" -o "$H" -q -j 1 --shard 2/2
run "$WENSHU" verify "$H"
assert_status 0 "…and verify agrees with every file after the other shard merged"
assert_eq "$(ls "$H" | grep -c '\.lock$')" "0" "no shard lock file is left in OUT"
# A lock file left by a killed shard holds no lock; a whole build removes it.
: >"$H/manifest.1-of-2.json.lock"
"$WENSHU" build "${SAMPLES[@]}" -o "$H" -q -j 1
assert "a build holding OUT alone removes a killed shard's lock file" [ ! -e "$H/manifest.1-of-2.json.lock" ]

# ---- the start-up cleanup of temporaries never reaches outside OUT
C="$TMP/cleanup"; X="$TMP/outside-tmp"
"$WENSHU" build "${SAMPLES[@]}" -o "$C" -q -j 1 --form feedback
mkdir -p "$X"; echo keep >"$X/a.pdf.tmp.123"
ln -s "$X" "$C/planted"
: >"$C/left.pdf.tmp.99"
"$WENSHU" build "${SAMPLES[@]}" -o "$C" -q -j 1 --form feedback
assert_file "$X/a.pdf.tmp.123" "a temporary in a linked folder outside OUT survives the cleanup"
assert "…while one inside OUT is removed" [ ! -e "$C/left.pdf.tmp.99" ]
rm -f "$C/planted"
# The race: a folder full of temporaries swapped for a link to a folder holding the same names,
# again and again, while the cleanup walks it. Removing by path (unlink of OUT/dir/name) went
# through the link (some 600 files outside OUT in the first run); unlinkat in the folder held
# open cannot.
T="$C/temps"
(cd "$X" && seq -f 'f%g.pdf.tmp.1' 1 2000 | xargs touch)
for i in $(seq 1 10); do
    mkdir -p "$T"
    (cd "$T" && seq -f 'f%g.pdf.tmp.1' 1 2000 | xargs touch)
    ( while :; do
        mv -T "$T" "$T.x" 2>/dev/null && ln -sT "$X" "$T" 2>/dev/null && echo >>"$TMP/cswaps"
        sleep 0.001; rm -f "$T" 2>/dev/null; mv -T "$T.x" "$T" 2>/dev/null
      done ) &
    sw=$!
    sleep 0.1
    "$WENSHU" build "${SAMPLES[@]}" -o "$C" -q -j 1 --form feedback 2>/dev/null
    kill $sw 2>/dev/null; wait $sw 2>/dev/null
    rm -rf "$T" "$T.x" 2>/dev/null
done
assert "the folder was swapped for a link during the cleanups ($(wc -l <"$TMP/cswaps" 2>/dev/null) times)" [ -s "$TMP/cswaps" ]
assert_eq "$(find "$X" -name '*.tmp.*' | wc -l)" "2001" "10 cleanups of a folder swapped for a link: every file outside OUT survives"

# ---- a folder swapped for a link during 50 builds: nothing is written outside OUT
R="$TMP/race"
mkdir -p "$TMP/outside"
"$WENSHU" build "${SAMPLES[@]}" -o "$R" -q -j 2 --form feedback
D="$R/中共临江市民政局机关第一支部委员会/评议意见反馈通知书"
[ -d "$D" ] || D=$(dirname "$(find "$R" -name '*.pdf' | head -1)")
# The swapper moves the folder away and puts a link to $TMP/outside in its place, again and again
# (a build recreates the folder in between). Before descriptors, 50 builds wrote some 30 PDFs and
# temporaries through the link.
( while :; do
    rm -rf "$D.x" 2>/dev/null; mv -T "$D" "$D.x" 2>/dev/null
    ln -sT "$TMP/outside" "$D" 2>/dev/null && echo >>"$TMP/swaps"
    sleep 0.002; rm -f "$D" 2>/dev/null
  done ) &
swapper=$!
for i in $(seq 1 50); do "$WENSHU" build "${SAMPLES[@]}" -o "$R" -q -j 2 --form feedback --force 2>/dev/null; done
kill $swapper 2>/dev/null; wait $swapper 2>/dev/null
assert "the folder was swapped for a link during the builds ($(wc -l <"$TMP/swaps" 2>/dev/null) times)" [ -s "$TMP/swaps" ]
assert_eq "$(find "$TMP/outside" -type f | wc -l)" "0" "50 builds against a folder swapped for a link: nothing written outside OUT"

# ---- no read through planted links
L="$TMP/links"
"$WENSHU" build "${SAMPLES[@]}" -o "$L" -q -j 2 --form feedback
ln -s /etc "$L/evil"
python3 - "$L/manifest.json" <<'PY'
import hashlib, json, os, sys
p = sys.argv[1]
m = json.load(open(p, encoding="utf-8"))
b = open("/etc/hostname", "rb").read() if os.path.exists("/etc/hostname") else b""
m["files"].append({"path": "evil/hostname", "form": "x", "record": "X1", "pages": 1, "bytes": len(b),
                   "sha256": hashlib.sha256(b).hexdigest(), "key": "0" * 64})
m["files"].sort(key=lambda e: e["path"])
json.dump(m, open(p, "w", encoding="utf-8"), ensure_ascii=False)
PY
if [ -e /etc/hostname ]; then
    run "$WENSHU" verify "$L"
    assert_status 1 "verify: an entry reached through a link is not vouched for"
    assert_contains "$OUT" "changed: evil/hostname (no longer a regular file, or reached through a symbolic link)" "verify names it"
    "$WENSHU" build "${SAMPLES[@]}" -o "$L" -q -j 2 --form feedback 2>/dev/null
    assert_not_contains "$(cat "$L/manifest.json")" "evil/hostname" "build does not carry an entry read through a link"
fi
rm -f "$L/evil"
mv "$L/manifest.json" "$L/real.json" && ln -s "$L/real.json" "$L/manifest.json"
run "$WENSHU" verify "$L"
assert_status 2 "a manifest.json that is a link is not read"
assert_contains "$ERR" "是符号链接，拒绝读取" "…and said so"
rm -f "$L/manifest.json"; mv "$L/real.json" "$L/manifest.json"

P="$TMP/pdata"
mkdir -p "$P/templates/partials"
ln -s "$ROOT/schemas" "$P/schemas"; ln -s "$ROOT/templates/styles" "$P/templates/styles"
printf -- '---\nname: t\ntitle: 测试\nrecords: //member\n---\n{{> secret}}\n' >"$P/templates/t.md"
ln -s /etc/passwd "$P/templates/partials/secret.md"
run env WENSHU_DATADIR="$P" "$WENSHU" merge "$P/templates/t.md" "${SAMPLES[@]}"
assert_status 2 "a partial that is a link is not read"
assert_contains "$ERR" "片段“secret”：无法读取" "…named with the partial"
assert_not_contains "$OUT" "root:" "nothing of /etc/passwd is printed"

# ---- OUT in step with the data
V="$TMP/v"; DV="$TMP/dv"
mkdir -p "$DV"; cp "${SAMPLES[@]}" "$DV/"
"$WENSHU" build "$DV"/*.xml -o "$V" -q -j 2 --combined
run "$WENSHU" verify --data "$DV"/*.xml "$V"
assert_status 0 "verify --data: a fresh build is up to date"
assert_contains "$ERR" "与记录对照：0 个文件已过期，0 个文件的记录或表单已不存在，0 个文件尚未生成。" "…and says so"
python3 - "$DV/members-fly.xml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s2 = re.sub(r'\s*<member id="M26".*?</member>', "", s, flags=re.S)
assert s2 != s
open(p, "w", encoding="utf-8").write(s2)
PY
M26=$(grep -o '"path": "[^"]*", "form": "[^"]*", "record": "M26"' "$V/manifest.json" | sed 's/"path": "\([^"]*\)".*/\1/')
assert "M26 had files before" [ -n "$M26" ]
run "$WENSHU" verify --data "$DV"/*.xml "$V"
assert_status 1 "verify --data: a member removed from the records"
assert_contains "$OUT" "orphaned: $(echo "$M26" | head -1)" "…its files are reported orphaned"
run "$WENSHU" build "$DV"/*.xml -o "$V" -j 2 --combined --keep-orphans
assert_file "$V/$(echo "$M26" | head -1)" "--keep-orphans keeps them"
run "$WENSHU" build "$DV"/*.xml -o "$V" -j 2 --combined
assert_contains "$ERR" "wenshu build: 已删除（记录或表单已不存在）：$(echo "$M26" | head -1)" "build lists each file it removes"
gone=1; while read -r f; do [ -e "$V/$f" ] && gone=0; done <<<"$M26"
assert_eq "$gone" "1" "every file of the removed member is gone"
assert_not_contains "$(cat "$V/manifest.json")" '"record": "M26"' "…and its manifest lines"
run "$WENSHU" verify --data "$DV"/*.xml "$V"
assert_status 0 "verify (and verify --data) clean after the rebuild"

sed -i '0,/<job>临江市民政局<\/job>/s//<job>临江市民政局办公室<\/job>/' "$DV/members-mzj.xml"
run "$WENSHU" build "$DV"/*.xml -o "$V" -j 2
assert_contains "$ERR" "已删除（合订本中的记录已变，加 --combined 可重新生成）：合订本/" "a run without --combined removes the volumes a changed record was bound into"
run "$WENSHU" verify --data "$DV"/*.xml "$V"
assert_not_contains "$OUT" "stale:" "no stale volume is left after a run without --combined"
assert_contains "$OUT" "missing: 合订本/" "verify --data: the volume is to be made again (missing)"
run "$WENSHU" build "$DV"/*.xml -o "$V" -j 2 --combined -q
run "$WENSHU" verify --data "$DV"/*.xml "$V"
assert_status 0 "after --combined everything is up to date"

# Only the volumes that bind a changed record go: volumes of 5 records, one member changed.
W="$TMP/w"; DW="$TMP/dw"
mkdir -p "$DW"; cp "${SAMPLES[@]}" "$DW/"
"$WENSHU" build "$DW"/*.xml -o "$W" -q -j 2 --combined --volume 5
before=$(ls "$W/合订本" | wc -l)
fb=$(ls "$W/合订本" | grep -c '评议意见反馈通知书（第')
assert_contains "$(cat "$W/manifest.json")" '"record": "", "volume": 5, ' "the manifest says how many records per volume each volume binds"
assert "the feedback notices are bound in volumes of 5 ($fb)" [ "$fb" -ge 3 ]
run "$WENSHU" build "$DW"/*.xml -o "$W" -j 2
assert_not_contains "$ERR" "已删除" "a run without --combined (nor --volume) keeps every volume while nothing changed"
run "$WENSHU" verify --data "$DW"/*.xml "$W"
assert_status 0 "verify --data judges volumes with the records per volume they were made with"
sed -i '0,/<job>临江市民政局<\/job>/s//<job>临江市民政局办公室<\/job>/' "$DW/members-mzj.xml"
run "$WENSHU" verify --data "$DW"/*.xml "$W"
assert_status 1 "verify --data: a changed member"
stale_volumes=$(sed -n 's/^stale: \(合订本\/.*\)/\1/p' <<<"$OUT")
assert_eq "$(grep -c '评议意见反馈通知书（第' <<<"$stale_volumes")" "1" "…makes one volume of its form stale, and verify says which"
run "$WENSHU" build "$DW"/*.xml -o "$W" -j 2
gone=$(sed -n 's/^wenshu build: 已删除（合订本中的记录已变，加 --combined 可重新生成）：//p' <<<"$ERR")
assert_eq "$(grep -c '评议意见反馈通知书（第' <<<"$gone")" "1" "the one volume of feedback notices binding the changed member goes"
assert_eq "$gone" "$stale_volumes" "…exactly the volumes verify --data called stale are removed"
assert_eq "$(ls "$W/合订本" | grep -c '评议意见反馈通知书（第')" "$((fb - 1))" "…the other $((fb - 1)) volumes of the form stay"
removed=$(grep -c . <<<"$gone")
assert_eq "$(ls "$W/合订本" | wc -l)" "$((before - removed))" "only the $removed volumes that bind the member's documents are removed (of $before)"
run "$WENSHU" verify --data "$DW"/*.xml "$W"
assert_status 1 "verify --data after the run without --combined"
assert_eq "$(sed -n 's/^missing: //p' <<<"$OUT")" "$gone" "…exactly the removed volumes are missing (to be made again)"
assert_not_contains "$OUT" "stale:" "…nothing is stale"
assert_not_contains "$OUT" "orphaned:" "…nothing is orphaned"
run "$WENSHU" build "$DW"/*.xml -o "$W" -j 2 --combined --volume 5
assert_contains "$ERR" "生成 $removed 个文件" "--combined makes only the removed volumes again"
run "$WENSHU" verify --data "$DW"/*.xml "$W"
assert_status 0 "…and everything is up to date"

cp "$DATA/templates/feedback.md" "$DATA/templates/feedback-copy.md"
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/dup" -q
assert_status 2 "two templates making the same form are refused"
assert_contains "$ERR" "表单名称 '评议意见反馈通知书' 重复：" "…as a duplicate form name"
assert_contains "$ERR" "$DATA/templates/feedback.md" "…naming the first file"
assert_contains "$ERR" "$DATA/templates/feedback-copy.md" "…and the second"
rm -f "$DATA/templates/feedback-copy.md"

# ---- the program's identity: from the build, in every key
run "$WENSHU" --version
assert_contains "$OUT" "+src." "--version shows the build's identity (a hash of the sources)"
done_testing
