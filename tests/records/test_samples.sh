#!/usr/bin/env bash
# The sample data set and generated sets pass the schema and the campaign rules; the command line
# of `wenshu check` behaves as documented.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT"

run "$WENSHU" check --strict samples/*.xml
assert_status 0 "the samples check clean, even under --strict"
assert_contains "$ERR" "3 个文件，38 条记录（活动 1 个，单位 2 个，组织 5 个，党员 30 名）：0 个错误，0 个警告" "summary line counts every record"
assert_eq "$(grep -vc '^wenshu check: ' <<<"$ERR")" "0" "no diagnostics for the samples, only the summary"
assert_eq "$OUT" "" "nothing on standard output: the summary is a message (standard error)"

# Members first: the per-record rules wait for the campaign found in a later file.
run "$WENSHU" check samples/members-fly.xml samples/members-mzj.xml samples/campaign.xml
assert_status 0 "file order does not matter"

run "$WENSHU" check samples/members-mzj.xml
assert_status 1 "member files alone lack their campaign and organisations"
assert_contains "$ERR" "samples/members-mzj.xml:6:20: 错误：记录 M01：@org 引用的编号“O-ZB1”在所有输入文件中都找不到（应是某个党组织的编号）" "references are resolved across files only"

for ch in 𠀾 堃 喆 赟 䶮; do
    assert "samples hold the rare character $ch" grep -q "$ch" samples/members-mzj.xml
done
for kind in 流动党员 聘用 借用 年老体弱 解除劳动关系 现役军人; do
    assert "samples hold a member with situation $kind" grep -q "kind=\"$kind\"" samples/members-*.xml
done

python3 samples/gen.py --members 400 --orgs 30 --seed 7 -o "$TMP/gen1" >/dev/null
python3 samples/gen.py --members 400 --orgs 30 --seed 7 -o "$TMP/gen2" >/dev/null
assert "the generator is deterministic for a seed" diff -r "$TMP/gen1" "$TMP/gen2"
run "$WENSHU" check --strict "$TMP"/gen1/*.xml
assert_status 0 "a generated set checks clean"
assert_contains "$ERR" "（活动 1 个，单位 3 个，组织 30 个，党员 400 名）：0 个错误，0 个警告" "the generated set has the requested size"

run "$WENSHU" check -q samples/*.xml
assert_status 0 "-q: still clean"
assert_eq "$OUT" "" "-q prints no summary"

run "$WENSHU" check --help
assert_status 0 "--help"
assert_contains "$OUT" "用法：wenshu check [--strict] [-q] 文件..." "--help shows the usage"
run "$WENSHU" check
assert_status 2 "no file is a usage error"
run "$WENSHU" check --frobnicate samples/campaign.xml
assert_status 2 "an unknown option is a usage error"
assert_contains "$ERR" "未知的选项 '--frobnicate'" "unknown option named"

done_testing
