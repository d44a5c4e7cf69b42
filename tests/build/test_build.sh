#!/usr/bin/env bash
# wenshu build end to end — records, templates, layout, PDF — with two small forms of the tests' own
# (setup_forms.sh; so it does not depend on the shipped forms): hostile names, -j, incremental
# builds, shards, records with errors, progress and the command line.
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/setup_forms.sh"

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
# (but the layouts of the combined volumes, in their cache folder: cli/volume_cache.h)
escaped=$(find "$TMP" -newer "$TMP/before" -type f ! -path "$OUTA/*" ! -path "$TMP/.stderr" ! -path "$WENSHU_CACHE_DIR/layouts/*" | head -3)
assert_eq "$escaped" "" "no file was written outside OUT but the volumes' layout cache"
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
assert_contains "$ERR" "记录 M901" "the skipped record is named"
assert_contains "$ERR" "7 条记录有错未生成" "the summary counts the skipped records"
assert_file "$TMP/c/中共临江市社会福利院支部委员会/评议意见反馈通知书/唐丽华.pdf" "the sound records are still built"

# Progress: on a terminal only, and not with -q.
assert_not_contains "$ERR" "已生成" "no progress display when stderr is not a terminal"
if command -v script >/dev/null; then
    rm -rf "$TMP/p"
    progress=$(script -qc "'$WENSHU' build ${INPUTS[*]} -o '$TMP/p' -j 2 --force" /dev/null)
    assert_contains "$progress" "已生成 " "progress (count, rate, time left) on a terminal"
    assert_contains "$progress" "个文件，每秒" "with the rate"
    progress=$(script -qc "'$WENSHU' build ${INPUTS[*]} -o '$TMP/p' -j 2 -q" /dev/null)
    assert_eq "$progress" "" "-q silences it on a terminal too"
fi

# The command line.
run "$WENSHU" build -o "$TMP/x"
assert_status 2 "no DATA is a usage error"
run "$WENSHU" build "${INPUTS[@]}"
assert_status 2 "no -o is a usage error"
assert_contains "$ERR" "请加 -o 输出文件夹" "and says what to add"
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
