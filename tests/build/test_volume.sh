#!/usr/bin/env bash
# Combined volumes (合订本) as one document (issue 22): the volume of a form holds its records'
# pages — each record on an odd page, a blank page after a record with an odd page count, its
# own page numbers —, one bookmark per record under its organisation, one font subset per face
# for the whole volume, and text equal, record by record, to the record's own PDF. The layouts of
# its records are kept between runs (cli/volume_cache.h, in WENSHU_CACHE_DIR: tests/lib/assert.sh
# points it into the test's scratch folder): a volume made from them is byte-identical to one made
# by laying every record out, and a damaged, missing or switched-off cache changes nothing but
# the time.
source "$(dirname "$0")/../lib/assert.sh"

SAMPLES=("$ROOT"/samples/*.xml)
A="$TMP/a"
run "$WENSHU" build "${SAMPLES[@]}" -o "$A" -j 2 -q --combined --form rectification-member,feedback
assert_status 0 "build --combined of two forms"
form=个人整改措施
vol="$A/合订本/$form.pdf"
assert_file "$vol" "the combined file of $form"

# The volume, cut at its records' bookmarks, against the per-record files (their pages from the
# manifest, their text from pdftotext): each record's pages and text, a blank page after each odd
# page count but the last.
check=$(python3 - "$A" "$form" "$vol" <<'EOF'
import json, os, re, subprocess, sys
out, form, vol = sys.argv[1:4]
def text(f, first=None, last=None):
    cmd = ["pdftotext"] + (["-f", str(first), "-l", str(last)] if first else []) + [f, "-"]
    return re.sub(r"\s+", "", subprocess.run(cmd, capture_output=True, text=True).stdout)
m = json.load(open(os.path.join(out, "manifest.json"), encoding="utf-8"))
recs = {text(os.path.join(out, e["path"])): e["pages"] for e in m["files"]
        if e.get("record") and e["path"].split("/")[-2] == form}
vol_pages = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", vol], capture_output=True, text=True).stdout, re.M).group(1))
starts = []  # the records' bookmarks (level 2, under the organisations) and the pages they open
for line in subprocess.run(["mutool", "show", vol, "outline"], capture_output=True, text=True).stdout.splitlines():
    g = re.match(r'^[-+|]\t\t"([^"]*)"\t#page=(\d+)', line)
    if g:
        starts.append(int(g.group(2)))
found, pages_ok, blanks_ok = set(), True, True
for k, p in enumerate(starts):
    last = k + 1 == len(starts)
    end = vol_pages if last else starts[k + 1] - 1
    t = text(vol, p, end)
    n = recs.get(t)
    if n is None:
        continue
    found.add(t)
    pages_ok &= end - p + 1 == n + (0 if last else n % 2)
    if n % 2 and not last:
        blanks_ok &= text(vol, end, end) == ""
print(len(recs), len(starts), all(p % 2 for p in starts), len(found) == len(recs) == len(starts), pages_ok, blanks_ok)
EOF
)
read -r nrec nbook odd same pages blanks <<<"$check"
assert_eq "$nbook" "$nrec" "one bookmark per record ($nrec), under its organisation"
assert_eq "$odd" "True" "every record starts on an odd (right-hand) page"
assert_eq "$same" "True" "each record's text in the volume is its own PDF's text (pdftotext)"
assert_eq "$pages" "True" "each record has its own pages in the volume, plus a blank page after an odd count (but the last)"
assert_eq "$blanks" "True" "the inserted pages are blank"

fonts=$(pdffonts "$vol" 2>/dev/null | awk 'NR > 2 { n = split($1, a, "+"); print a[n] }' | sort)
assert_eq "$(uniq -d <<<"$fonts")" "" "one font subset per face for the whole volume (pdffonts: no face twice)"
union=$(for f in $(python3 -c 'import json,sys; [print(e["path"]) for e in json.load(open(sys.argv[1]))["files"] if e.get("record") and e["path"].split("/")[-2] == sys.argv[2]]' "$A/manifest.json" "$form"); do
    pdffonts "$A/$f" 2>/dev/null | awk 'NR > 2 { n = split($1, a, "+"); print a[n] }'; done | sort -u)
assert_eq "$fonts" "$union" "the volume's faces are the union of its records' faces"
assert "the volume passes qpdf --check" sh -c 'qpdf --check "$1" >/dev/null' _ "$vol"
pdfcheck "$vol"
assert_eq "$(pyq 'r["pages"] == '"$(pdfinfo "$vol" | sed -n 's/^Pages: *//p')"' and not r["bad_chars"] and not r["breaks"]')" "True" \
    "pdfcheck reads every page, no bad characters, no broken lines"
numbers=$(pyq '",".join(str(p["number"]) for p in r["page_numbers"][:3])')
assert_eq "$numbers" "1,1,2" "page numbers restart with each record (— 1 —, blank page, — 1 —, — 2 —)"

# The layout cache: one file per volume made.
ncache=$(ls "$WENSHU_CACHE_DIR/layouts" 2>/dev/null | wc -l)
assert_eq "$ncache" "2" "the records' layouts are kept, one cache file per volume"
cp "$vol" "$TMP/cold.pdf"
rm "$vol"
run "$WENSHU" build "${SAMPLES[@]}" -o "$A" -j 2 --combined --form rectification-member,feedback
assert_contains "$ERR" "生成 1 个文件" "a removed volume alone is made again"
assert "made from the kept layouts, it is byte-identical to the volume laid out afresh" cmp -s "$vol" "$TMP/cold.pdf"
run "$WENSHU" build "${SAMPLES[@]}" -o "$A" -j 2 --combined --form rectification-member,feedback
assert_contains "$ERR" "生成 0 个文件" "nothing changed: the volume is not made again"

# Damaged caches are ignored: every byte of the file after its first 4 KB flipped, then cut short.
for how in flip cut; do
    for f in "$WENSHU_CACHE_DIR"/layouts/*; do
        python3 - "$f" "$how" <<'EOF'
import sys
p, how = sys.argv[1:3]
b = bytearray(open(p, "rb").read())
if how == "flip":
    for i in range(4096, len(b)):
        b[i] ^= 0x5A
else:
    b = b[: len(b) // 2]
open(p, "wb").write(bytes(b))
EOF
    done
    rm "$vol"
    run "$WENSHU" build "${SAMPLES[@]}" -o "$A" -j 2 -q --combined --form rectification-member,feedback
    assert "a damaged cache ($how) is ignored: the volume is still byte-identical" cmp -s "$vol" "$TMP/cold.pdf"
done

# WENSHU_CACHE_DIR set but empty: no cache at all.
rm "$vol"
WENSHU_CACHE_DIR= HOME="$TMP/home" run "$WENSHU" build "${SAMPLES[@]}" -o "$A" -j 2 -q --combined --form rectification-member,feedback
assert "without a cache the volume is the same" cmp -s "$vol" "$TMP/cold.pdf"
assert_no_file "$TMP/home/.cache" "WENSHU_CACHE_DIR= writes no cache anywhere"

# One record changed: its record and the volume are made again, the volume equal to one made in a
# fresh folder with an empty cache.
mkdir -p "$TMP/data"
cp "${SAMPLES[@]}" "$TMP/data/"
python3 - "$TMP/data/members-mzj.xml" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = re.sub(r"(<job>)", r"\1（已修订）", s, count=1)
open(p, "w", encoding="utf-8").write(s)
EOF
run "$WENSHU" build "$TMP/data"/*.xml -o "$A" -j 2 --combined --form rectification-member,feedback
assert_contains "$ERR" "生成 4 个文件" "one member changed: its two PDFs and their two volumes are made again"
WENSHU_CACHE_DIR="$TMP/cache2" run "$WENSHU" build "$TMP/data"/*.xml -o "$TMP/b" -j 2 -q --combined --form rectification-member,feedback
assert "the volume remade from 1 new and the kept layouts equals one laid out afresh" cmp -s "$vol" "$TMP/b/合订本/$form.pdf"
assert_contains "$(pdftotext "$vol" - 2>/dev/null)" "（已修订）" "and it holds the corrected record"
# The cache folder is bounded (WENSHU_CACHE_MAX, default 512 MiB): least recently used files go
# first; a file is "used" when written or read for a volume (its mtime). Two volumes in folder C
# (rectification and feedback), then the feedback volume alone in folder D: its cache file has
# the same bytes as C's feedback one, which tells the files apart.
export WENSHU_CACHE_DIR="$TMP/cache3"
L="$WENSHU_CACHE_DIR/layouts"
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/c" -j 2 -q --combined --form rectification-member,feedback
c_files=$(ls "$L")
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/d" -j 2 -q --combined --form feedback
assert_eq "$(ls "$L" | wc -l)" "3" "default bound: three volumes, three cache files"
fd=$(cd "$L" && for f in *; do for g in *; do [ "$f" != "$g" ] && cmp -s "$f" "$g" && echo "$f"; done; done | sort)
assert_eq "$(wc -l <<<"$fd")" "2" "(C's and D's feedback files have the same bytes)"
fr=$(ls "$L" | grep -vxF "$fd")
# Which of the two is D's: the one that was not there after C's build (the names are digests of
# the output folders' paths, so their order says nothing).
fdd=$(grep -vxF "$c_files" <<<"$fd")
fc=$(grep -vxF "$fdd" <<<"$fd")
size() { stat -c %s "$L/$1"; }
# C's feedback file the oldest used, then D's, then rectification: with room for two, a new
# volume evicts the oldest.
touch -d '2001-01-01' "$L/$fc"
touch -d '2002-01-01' "$L/$fdd"
touch -d '2003-01-01' "$L/$fr"
cap=$(( $(size "$fr") + $(size "$fdd") ))
rm "$TMP/d/合订本/评议意见反馈通知书.pdf"
WENSHU_CACHE_MAX=$cap run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/d" -j 2 --combined --form feedback
assert_contains "$ERR" "生成 1 个文件" "D's volume made again from its cache"
assert_no_file "$L/$fc" "over the bound, the least recently used file is removed"
assert_file "$L/$fdd" "the file just used stays"
assert_file "$L/$fr" "and the other one, within the bound"
assert "a file read for a volume is marked used (its mtime now)" test "$(stat -c %Y "$L/$fdd")" -gt "$(date -d '2010-01-01' +%s)"
# Now rectification is the oldest used: C's feedback volume made again (its cache file gone)
# evicts it, not D's file, which was used just now.
rm "$TMP/c/合订本/评议意见反馈通知书.pdf"
WENSHU_CACHE_MAX=$cap run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/c" -j 2 -q --combined --form feedback
assert_file "$L/$fc" "a volume without its cache file writes it anew"
assert_no_file "$L/$fr" "evicting the least recently used"
assert_file "$L/$fdd" "not the one used a moment ago"
assert "C's volume is the same as before" cmp -s "$TMP/c/合订本/评议意见反馈通知书.pdf" "$TMP/d/合订本/评议意见反馈通知书.pdf"
# A bound smaller than one file keeps just the volume's own file; a wrong value is ignored.
rm "$TMP/c/合订本/评议意见反馈通知书.pdf"
WENSHU_CACHE_MAX=1K run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/c" -j 2 -q --combined --form feedback
assert_eq "$(ls "$L")" "$fc" "WENSHU_CACHE_MAX=1K: only the file of the volume just made stays"
rm "$TMP/d/合订本/评议意见反馈通知书.pdf"
WENSHU_CACHE_MAX=lots run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/d" -j 2 -q --combined --form feedback
assert_eq "$(ls "$L" | wc -l)" "2" "WENSHU_CACHE_MAX=lots is ignored: the default bound"
done_testing
