#!/usr/bin/env bash
# wenshu build --style: every form of a run set in one style instead of its template's own — the
# faces named by pdffonts, the rebuild when the style changes, a style that does not exist.
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/setup_forms.sh"

faces_of() { pdffonts "$1" | tail -n +3 | awk '{ print $1 }' | sed 's/^[A-Z]*+//' | sort | tr '\n' ' '; }

run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/o" --form feedback --record M26 -q
assert_status 0 "the template's own style (gbt9704)"
pdf=$(find "$TMP/o" -name '*.pdf' | head -1)
assert_contains "$(faces_of "$pdf")" "FandolFang-Regular" "gbt9704: the body in FandolFang"

run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/o" --form feedback --record M26 --style gbt9704-uming
assert_status 0 "--style gbt9704-uming"
assert_contains "$ERR" "生成 1 个文件，0 个未变无需重做" "another style: the file is made again"
assert_contains "$(faces_of "$pdf")" "UMingCN" "--style gbt9704-uming: the body in UMing"
assert_not_contains "$(faces_of "$pdf")" "Fandol" "… and no Fandol face"
run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/o" --form feedback --record M26 --style gbt9704-uming
assert_contains "$ERR" "生成 0 个文件，1 个未变无需重做" "the same style again: nothing to make"

printf '[fonts]\nbody = FandolKai\n' >"$TMP/office.style"
run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/o" --form feedback --record M26 -q --style="$TMP/office.style"
assert_status 0 "--style=FILE"
assert_contains "$(faces_of "$pdf")" "FandolKai-Regular" "a style file: the body in its face"

run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/o2" --form feedback --style nosuch
assert_status 2 "a style that does not exist"
assert_contains "$ERR" "无法读取样式 'nosuch'：" "names the style"
assert_no_file "$TMP/o2/manifest.json" "and builds nothing"
run "$WENSHU" build --help
assert_contains "$OUT" "--style 样式|文件" "--help lists --style"
done_testing
