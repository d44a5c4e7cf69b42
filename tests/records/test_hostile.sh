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
assert_contains "$ERR" "$TMP/xxe.xml:2:1: 错误：拒绝 DOCTYPE 声明：记录文件不得声明 DTD 或实体（它们可能读取本机文件或耗尽内存），请删去该声明" "XXE: DOCTYPE refused at its place"
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
assert_contains "$ERR" "hostile-billion-laughs.xml:2:1: 错误：拒绝 DOCTYPE 声明：记录文件不得声明 DTD 或实体（它们可能读取本机文件或耗尽内存），请删去该声明" "billion laughs: clear message"
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
assert_contains "$ERR" "quadratic.xml:2:1: 错误：拒绝 DOCTYPE 声明：记录文件不得声明 DTD 或实体（它们可能读取本机文件或耗尽内存），请删去该声明" "quadratic blowup: clear message"
rss=$(peak_rss_kb "$WENSHU" check "$TMP/quadratic.xml")
assert "quadratic blowup: peak memory ${rss} KiB under 100 MiB" test "$rss" -lt "$LIMIT_KB"

# 10 000-deep nesting.
python3 -c 'import sys; n=10000; open(sys.argv[1],"w").write("<wenshu xmlns=\"urn:wenshu:campaign:1\">\n" + "<a>"*n + "</a>"*n + "</wenshu>\n")' "$TMP/deep.xml"
run "$WENSHU" check "$TMP/deep.xml"
assert_status 1 "deep nesting refused"
assert_contains "$ERR" "deep.xml:2:" "deep nesting: the line is given"
assert_contains "$ERR" "deep.xml:2:771: 错误：元素嵌套超过 256 层，拒绝读取" "deep nesting: clear message"
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
assert_contains "$ERR" "bigtext.xml:2:43: 错误：文字或属性值超过 1 048 576 字节，拒绝读取（一条记录的文字最多 20 000 字）" "50 MB text: clear message at the text's start"
rss=$(peak_rss_kb "$WENSHU" check "$TMP/bigtext.xml")
assert "50 MB text: peak memory ${rss} KiB under 100 MiB" test "$rss" -lt "$LIMIT_KB"

# A file is read in pieces, so its size is no limit; a record's is. A 70 MB file of zero bytes
# (sparse: costs no disk) is refused at its first byte, without reading the rest.
truncate -s 70M "$TMP/huge.xml"
rss=$(peak_rss_kb "$WENSHU" check "$TMP/huge.xml")
run "$WENSHU" check "$TMP/huge.xml"
assert_status 1 "a file of 70 MB of zero bytes is a data error"
assert_contains "$ERR" "huge.xml:1:1: 错误：记录中不允许出现控制字符 U+0000，请删去" "refused at its first byte"
assert "70 MB file: peak memory ${rss} KiB under 100 MiB" test "$rss" -lt "$LIMIT_KB"
# One record of 65 MiB (65 000 texts of 1 KiB) is over the cap of 64 MiB a record.
python3 -c 'import sys
with open(sys.argv[1], "w") as f:
    f.write("<wenshu xmlns=\"urn:wenshu:campaign:1\">\n<member id=\"M1\">\n")
    t = "<x>" + "x" * 1017 + "</x>\n"
    for _ in range(67 * 1024): f.write(t)
    f.write("</member></wenshu>\n")' "$TMP/bigrec.xml"
rss=$(peak_rss_kb "$WENSHU" check "$TMP/bigrec.xml")
run "$WENSHU" check "$TMP/bigrec.xml"
assert_status 1 "a record over 64 MiB is a data error"
assert_contains "$ERR" "错误：记录 M1：一条记录超过 64 MiB，拒绝读取" "the record cap, naming the record"
assert "65 MiB record: refused in ${rss} KiB, under 100 MiB" test "$rss" -lt "$LIMIT_KB"
rm -f "$TMP/bigrec.xml" "$TMP/huge.xml"

run "$WENSHU" check "$FX/hostile-invalid-utf8.xml"
assert_status 1 "invalid UTF-8 refused"
assert_contains "$ERR" "hostile-invalid-utf8.xml:4:15: 错误：文件不是 UTF-8 编码（字节 0xB2），记录文件须为 UTF-8 编码" "invalid UTF-8: line, column, byte"

run "$WENSHU" check "$FX/hostile-control-char.xml"
assert_status 1 "control characters refused"
assert_contains "$ERR" "hostile-control-char.xml:4:15: 错误：记录 U1：记录中不允许出现控制字符 U+0007，请删去" "control character: line, column and record"

: >"$TMP/empty.xml"
run "$WENSHU" check "$TMP/empty.xml"
assert_status 1 "an empty file is a data error"
assert_contains "$ERR" "empty.xml: 错误：文件是空的：应为 <wenshu xmlns=\"urn:wenshu:campaign:1\"> 记录文件" "empty file: clear message"

mkdir "$TMP/adir"
run "$WENSHU" check "$FX/base.xml" "$TMP/adir"
assert_status 2 "a directory given as a file is an I/O failure"
assert_contains "$ERR" "adir: 错误：无法读取：是文件夹，不是文件" "directory: clear message"

run "$WENSHU" check "$FX/base.xml" "$TMP/no-such-file.xml"
assert_status 2 "a missing file is an I/O failure"
assert_contains "$ERR" "no-such-file.xml: 错误：无法读取：无法打开：没有那个文件或目录" "missing file: clear message"

run "$WENSHU" check "$FX/not-wellformed.xml"
assert_status 1 "malformed XML is a data error"
assert_contains "$ERR" "not-wellformed.xml:5:9: 错误：第 3 行的开始标签 <unit> 在此处遇到结束标签 </unt>：开始标签和结束标签的名称必须相同（其中一个拼错了，或者漏写了结束标签）" "malformed XML: in a clerk's words, at its place"

run "$WENSHU" check "$FX/wrong-root.xml"
assert_status 1 "a foreign document is a data error"
assert_contains "$ERR" "wrong-root.xml:2:1: 错误：根元素应为 <wenshu xmlns=\"urn:wenshu:campaign:1\">，而不是 <records>：这不是文书的记录文件" "wrong root: clear message"

WENSHU_DATADIR="$TMP/nowhere" run "$WENSHU" check "$FX/base.xml"
assert_status 2 "a missing schema is an I/O failure"
assert_contains "$ERR" "schemas/campaign.xsd: 错误：无法读取记录格式文件（请把环境变量 WENSHU_DATADIR 设为含有 schemas/ 的文件夹）" "missing schema: clear message"

done_testing
