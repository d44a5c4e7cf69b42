#!/usr/bin/env bash
# `wenshu build` with names in the data that try to leave OUT or break file systems: member and
# organisation names "../x", "/etc/passwd", "a\b", "..", "CON", "aux.txt", NUL look-alikes, names
# of 100 Chinese characters (300 bytes, over NAME_MAX once ".pdf" is added) and one over the
# schema's 100 characters. Every file stays inside OUT, every name is one safe path component.
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
C="$TMP/case"
mkdir -p "$C/data" "$C/work"
cp samples/*.xml "$C/data/"
escape="wenshu-escape-$$"
python3 - "$C/data" "$escape" <<'PY'
import re, sys, os
d, escape = sys.argv[1], sys.argv[2]
names = ["../x", "/etc/passwd", "a\\b", "..", "CON", "aux.txt", "nul", "COM1.pdf", "&#x2400;空字符",
         "%00\\0nul", "\u2024\u2024", "中" * 100, "华" * 101, "../../../../../../../../tmp/" + escape,
         "./.hidden", "~", "-rf", "name with spaces . ", "*?<>|:\""]
p = os.path.join(d, "members-mzj.xml"); s = open(p, encoding="utf-8").read()
it = iter(names)
s = re.sub(r"<name>[^<]*</name>", lambda m: "<name>%s</name>" % next(it, None) if True else m.group(0), s, count=len(names))
s = s.replace("&quot;", '"')
open(p, "w", encoding="utf-8").write(s.replace('*?<>|:"', "*?&lt;&gt;|:&quot;"))
p = os.path.join(d, "campaign.xml"); s = open(p, encoding="utf-8").read()
for old, new in [("中共临江市社会福利院支部委员会", "../../.."), ("中共临江市民政局离退休干部支部委员会", "党" * 100),
                 ("中共临江市民政局机关第二支部委员会", "/etc"), ("临江市社会福利院", "..\\..\\windows")]:
    s = s.replace("<name>%s</name>" % old, "<name>%s</name>" % new)
open(p, "w", encoding="utf-8").write(s)
PY
sha_passwd=$(sha256sum /etc/passwd)
before=$(cd "$C" && find . -path ./out -prune -o -print | sort)

cd "$C/work"
bounded "$WENSHU" build "$C"/data/*.xml -o "$C/out" -j 2 -q
cd "$ROOT"
assert_no_crash "a build with hostile names"
assert_status 1 "hostile names: the build finishes; the over-long name is a data error (exit 1)"
assert_contains "$ERR" "members-mzj.xml:311:5: 错误：记录 M12：姓名太长：最多 100 个字，现有 101 个（党员 M12）" "the name over 100 characters is reported with its place and record"

out_real=$(realpath "$C/out")
outside=$(find "$C/out" -mindepth 1 -print0 | xargs -0 realpath -s -- | grep -v "^$out_real/" | head -3)
assert_eq "$outside" "" "every path under OUT resolves inside OUT"
resolved=$(find "$C/out" -mindepth 1 -print0 | xargs -0 realpath -- | grep -v "^$out_real/" | head -3)
assert_eq "$resolved" "" "every path under OUT resolves inside OUT with links followed"
assert_eq "$(find "$C/out" -type l | head -3)" "" "no symbolic links are made"
after=$(cd "$C" && find . -path ./out -prune -o -print | sort)
assert_eq "$after" "$before" "nothing was written beside OUT (the data and work folders are unchanged)"
assert_no_file "/tmp/$escape.pdf" "../../tmp/NAME: nothing lands in /tmp"
assert_no_file "/etc/passwd.pdf" "/etc/passwd: nothing lands in /etc"
assert_no_file "/etc/etc" "/etc as an organisation: nothing lands in /etc"
assert_eq "$(sha256sum /etc/passwd)" "$sha_passwd" "/etc/passwd is untouched"

# Every component: not empty, not . or .., no / \ control characters, at most 255 bytes, not a
# reserved Windows device name (CON, AUX, NUL, COM1… with or without an extension).
bad=$(cd "$C/out" && find . -mindepth 1 -print0 | python3 -c '
import sys, re, os
reserved = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)
for p in sys.stdin.buffer.read().split(b"\0"):
    if not p: continue
    c = os.path.basename(p)
    name = c.decode("utf-8", "replace")
    why = None
    if len(c) > 255: why = "longer than 255 bytes"
    elif c in (b".", b"..") or not c: why = "dot name"
    elif b"\\" in c or any(b < 0x20 or b == 0x7f for b in c): why = "backslash or control character"
    elif reserved.match(name): why = "reserved Windows name"
    elif name.startswith("-") or name.startswith("."): why = "leading - or ."
    if why: print(why + ": " + p.decode("utf-8", "replace"))
' | head -5)
assert_eq "$bad" "" "every file and folder name is one safe component"
n=$(find "$C/out" -name '*.pdf' | wc -l)
assert "PDFs were made for the sound records ($n)" test "$n" -gt 50
long=$(find "$C/out" -name '中中中*.pdf' | head -1)
assert "the 100-character name gives a file, cut to fit ($(basename "${long:-none}" | wc -c) bytes)" test -n "$long"
assert_no_temp "$C/out" "hostile names"
broken=0
while IFS= read -r -d '' f; do qpdf --check "$f" >/dev/null 2>&1 || broken=$((broken + 1)); done \
    < <(find "$C/out" -name '*.pdf' -print0)
assert_eq "$broken" 0 "every PDF with a hostile name is complete (qpdf --check)"
# A symbolic link planted in OUT (an organisation's folder pointing elsewhere) is not written through.
mkdir -p "$C/elsewhere" "$C/linked"
ln -s "$C/elsewhere" "$C/linked/中共临江市社会福利院支部委员会"
bounded "$WENSHU" build samples/campaign.xml samples/members-mzj.xml samples/members-fly.xml -o "$C/linked" -j 2 -q
assert_no_crash "a build into OUT with a planted link"
assert_status 2 "the files behind the link cannot be written (exit 2, as for any unwritable output), the others are made"
assert_contains "$ERR" "是符号链接，拒绝通过它写入或读取" "the planted link is named and refused"
assert_eq "$(find "$C/elsewhere" -mindepth 1 | head -3)" "" "nothing is written where the link points"
# A tampered manifest in OUT naming files outside it: verify refuses it, build ignores it, and
# nothing outside OUT is read, replaced or deleted.
mkdir -p "$C/tampered/out"
echo "keep" >"$C/tampered/victim"
sha='"sha256": "0000000000000000000000000000000000000000000000000000000000000000"'
entry() { printf '    {"path": "%s", "form": "f", "record": "M01", "pages": 1, "bytes": 5, %s, "key": ""}' "$1" "$sha"; }
{ printf '{\n  "format": "wenshu-manifest-1",\n  "files": [\n'
  entry "../victim"; printf ',\n'; entry "$C/tampered/victim"; printf ',\n'; entry 'a/\\u002e\\u002e/../../victim'
  printf '\n  ]\n}\n'; } >"$C/tampered/out/manifest.json"
bounded "$WENSHU" verify "$C/tampered/out"
assert_no_crash "verify with a tampered manifest"
assert_status 1 "verify refuses a manifest with paths outside OUT"
assert_contains "$ERR" "manifest.json: 第 4 行：清单中有不安全的路径" "the tampered line is named"
bounded "$WENSHU" build samples/campaign.xml samples/members-mzj.xml samples/members-fly.xml -o "$C/tampered/out" -q
assert_no_crash "build over a tampered manifest"
assert_status 0 "build ignores a tampered manifest and makes everything again"
assert_contains "$ERR" "上次的清单不能用（" "build says it ignores the tampered manifest"
assert_eq "$(cat "$C/tampered/victim")" "keep" "the file the tampered manifest names outside OUT is untouched"
done_testing
