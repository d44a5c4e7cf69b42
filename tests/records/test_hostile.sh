#!/usr/bin/env bash
# Hostile and broken inputs are refused with a clear message naming the file and place, with the right
# exit status, without leaking file contents and in bounded memory. Large inputs are made at test time.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT"
FX=tests/records/fixtures

# peak_rss_kb CMD...: runs CMD (output discarded) and prints its peak resident set in KiB.
peak_rss_kb() {
    python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
LIMIT_KB=$((100 * 1024))

# XXE: an external entity pointing at a local file must not be read.
printf 'TOPSECRET-%s\n' "$$" >"$TMP/secret.txt"
cat >"$TMP/xxe.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE wenshu [<!ENTITY leak SYSTEM "file://$TMP/secret.txt">]>
<wenshu xmlns="urn:wenshu:campaign:1">
  <unit id="U1" kind="企业" batch="第一批"><name>&leak;</name></unit>
</wenshu>
XML
run "$WENSHU" check "$FX/base.xml" "$TMP/xxe.xml"
assert_status 1 "XXE refused as a data error"
assert_contains "$ERR" "$TMP/xxe.xml:2:1: 错误：DOCTYPE declaration refused" "XXE: DOCTYPE refused at its place"
assert_not_contains "$OUT$ERR" "TOPSECRET" "XXE: the local file's content appears nowhere"

# XXE through a parameter entity and an external DTD subset.
cat >"$TMP/xxe-param.xml" <<XML
<?xml version="1.0"?>
<!DOCTYPE wenshu SYSTEM "file://$TMP/secret.txt">
<wenshu xmlns="urn:wenshu:campaign:1"/>
XML
run "$WENSHU" check "$TMP/xxe-param.xml"
assert_status 1 "external DTD subset refused"
assert_not_contains "$OUT$ERR" "TOPSECRET" "external DTD: nothing leaked"

run "$WENSHU" check "$FX/hostile-billion-laughs.xml"
assert_status 1 "billion laughs refused"
assert_contains "$ERR" "hostile-billion-laughs.xml:2:1: 错误：DOCTYPE declaration refused" "billion laughs: clear message"
rss=$(peak_rss_kb "$WENSHU" check "$FX/hostile-billion-laughs.xml")
assert "billion laughs: peak memory ${rss} KiB under 100 MiB" test "$rss" -lt "$LIMIT_KB"

# Quadratic blowup: a 100 KB entity referenced 20 000 times (2 GB once expanded).
python3 - "$TMP/quadratic.xml" <<'PY'
import sys
ent = "x" * 100000
body = "&a;" * 20000
open(sys.argv[1], "w").write('<?xml version="1.0"?>\n<!DOCTYPE wenshu [<!ENTITY a "%s">]>\n'
    '<wenshu xmlns="urn:wenshu:campaign:1"><unit id="U1" kind="企业" batch="第一批"><name>%s</name></unit></wenshu>\n' % (ent, body))
PY
run "$WENSHU" check "$TMP/quadratic.xml"
assert_status 1 "quadratic blowup refused"
assert_contains "$ERR" "quadratic.xml:2:1: 错误：DOCTYPE declaration refused" "quadratic blowup: clear message"
rss=$(peak_rss_kb "$WENSHU" check "$TMP/quadratic.xml")
assert "quadratic blowup: peak memory ${rss} KiB under 100 MiB" test "$rss" -lt "$LIMIT_KB"

# 10 000-deep nesting.
python3 -c 'import sys; n=10000; open(sys.argv[1],"w").write("<wenshu xmlns=\"urn:wenshu:campaign:1\">\n" + "<a>"*n + "</a>"*n + "</wenshu>\n")' "$TMP/deep.xml"
run "$WENSHU" check "$TMP/deep.xml"
assert_status 1 "deep nesting refused"
assert_contains "$ERR" "deep.xml:2:" "deep nesting: the line is given"
assert_contains "$ERR" "错误：elements nested more than 256 levels deep: refused" "deep nesting: clear message"
rss=$(peak_rss_kb "$WENSHU" check "$TMP/deep.xml")
assert "deep nesting: peak memory ${rss} KiB under 100 MiB" test "$rss" -lt "$LIMIT_KB"

# A 50 MB text node.
python3 -c 'import sys
with open(sys.argv[1], "w") as f:
    f.write("<wenshu xmlns=\"urn:wenshu:campaign:1\">\n<unit id=\"U1\" kind=\"企业\" batch=\"第一批\"><name>")
    chunk = "x" * (1 << 20)
    for _ in range(50): f.write(chunk)
    f.write("</name></unit></wenshu>\n")' "$TMP/bigtext.xml"
run "$WENSHU" check "$TMP/bigtext.xml"
assert_status 1 "50 MB text node refused"
assert_contains "$ERR" "bigtext.xml:2:43: 错误：text or attribute value longer than 1 048 576 bytes: refused" "50 MB text: clear message at the text's start"
rss=$(peak_rss_kb "$WENSHU" check "$TMP/bigtext.xml")
assert "50 MB text: peak memory ${rss} KiB under 100 MiB" test "$rss" -lt "$LIMIT_KB"

# A file over the size cap is refused before it is read (sparse: costs no disk).
truncate -s 70M "$TMP/huge.xml"
run "$WENSHU" check "$TMP/huge.xml"
assert_status 1 "a file over 64 MiB is a data error"
assert_contains "$ERR" "huge.xml: 错误：file is 73400320 bytes, over the limit of 64 MiB" "size cap message"

run "$WENSHU" check "$FX/hostile-invalid-utf8.xml"
assert_status 1 "invalid UTF-8 refused"
assert_contains "$ERR" "hostile-invalid-utf8.xml:4:15: 错误：invalid UTF-8 (byte 0xB2): records files must be UTF-8" "invalid UTF-8: line, column, byte"

run "$WENSHU" check "$FX/hostile-control-char.xml"
assert_status 1 "control characters refused"
assert_contains "$ERR" "hostile-control-char.xml:4:15: 错误：记录 U1：记录中不允许出现控制字符 U+0007，请删去" "control character: line, column and record"

: >"$TMP/empty.xml"
run "$WENSHU" check "$TMP/empty.xml"
assert_status 1 "an empty file is a data error"
assert_contains "$ERR" "empty.xml: 错误：file is empty" "empty file: clear message"

mkdir "$TMP/adir"
run "$WENSHU" check "$FX/base.xml" "$TMP/adir"
assert_status 2 "a directory given as a file is an I/O failure"
assert_contains "$ERR" "adir: 错误：cannot read: 是文件夹，不是文件" "directory: clear message"

run "$WENSHU" check "$FX/base.xml" "$TMP/no-such-file.xml"
assert_status 2 "a missing file is an I/O failure"
assert_contains "$ERR" "no-such-file.xml: 错误：cannot read: 无法打开：没有那个文件或目录" "missing file: clear message"

run "$WENSHU" check "$FX/not-wellformed.xml"
assert_status 1 "malformed XML is a data error"
assert_contains "$ERR" "not-wellformed.xml:5:9: 错误：Opening and ending tag mismatch: unit line 3 and unt" "malformed XML: libxml2's message in our format"

run "$WENSHU" check "$FX/wrong-root.xml"
assert_status 1 "a foreign document is a data error"
assert_contains "$ERR" "wrong-root.xml:2:1: 错误：the root element must be <wenshu xmlns=\"urn:wenshu:campaign:1\">, not <records>" "wrong root: clear message"

WENSHU_DATADIR="$TMP/nowhere" run "$WENSHU" check "$FX/base.xml"
assert_status 2 "a missing schema is an I/O failure"
assert_contains "$ERR" "schemas/campaign.xsd: 错误：无法读取记录格式文件（请把环境变量 WENSHU_DATADIR 设为含有 schemas/ 的文件夹）" "missing schema: clear message"

done_testing
