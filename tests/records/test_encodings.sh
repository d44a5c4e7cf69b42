#!/usr/bin/env bash
# Records files in the encodings offices save in (issue 19): a file that says it is in GBK,
# GB18030 or UTF-16 (little- or big-endian, with a byte-order mark) is read as the same records
# as its UTF-8 original; a file in GBK that does not say so gets one message that names the file
# and line and says how to save it as UTF-8, and the records of other files that refer into it
# are one consequence, not an error each.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT"
S=samples
export LANG=C LANGUAGE= LC_ALL=

# GBK has neither of the samples' two rare characters (𠀾 U+2003E, 䶮 U+4DAE); GB18030 and UTF-16
# have every character.
python3 - "$S/members-mzj.xml" "$TMP/mzj.xml" <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read().replace("𠀾", "芳").replace("䶮", "岩")
open(sys.argv[2], "w", encoding="utf-8").write(s)
PY
run "$WENSHU" check "$S/campaign.xml" "$TMP/mzj.xml" "$S/members-fly.xml"
assert_status 0 "the UTF-8 original checks clean"
want="$OUT"

for enc in GBK GB18030 UTF-16LE UTF-16BE; do
    src="$TMP/mzj.xml"
    [ "$enc" = GB18030 ] && src="$S/members-mzj.xml"
    case $enc in
    UTF-16*) decl=UTF-16 ;;
    *) decl=$enc ;;
    esac
    # the byte-order mark first (iconv writes none for an explicit endianness), then the text
    case $enc in
    UTF-16LE) printf '\xff\xfe' >"$TMP/$enc.xml" ;;
    UTF-16BE) printf '\xfe\xff' >"$TMP/$enc.xml" ;;
    *) : >"$TMP/$enc.xml" ;;
    esac
    sed "1s/encoding=\"UTF-8\"/encoding=\"$decl\"/" "$src" | iconv -f UTF-8 -t "$enc" >>"$TMP/$enc.xml"
    assert "the $enc file is not UTF-8" bash -c "! iconv -f UTF-8 -t UTF-8 '$TMP/$enc.xml' >/dev/null 2>&1"
    run "$WENSHU" check "$S/campaign.xml" "$TMP/$enc.xml" "$S/members-fly.xml"
    assert_status 0 "a file that says it is in $enc is read"
    assert_eq "$OUT" "$want" "$enc: the same records as the UTF-8 original"
done

# The rare characters survive GB18030: a member's name, merged from the converted file.
run "$WENSHU" merge templates/feedback.md "$S/campaign.xml" "$TMP/GB18030.xml" "$S/members-fly.xml" --record M01
assert_contains "$OUT" "王𠀾" "GB18030: a character outside the BMP read as written (王𠀾)"

# A line number in a converted file is the file's own.
sed 's/gender="女"/gender="F"/' "$TMP/mzj.xml" >"$TMP/bad-utf8.xml"
line=$(grep -n 'gender="F"' "$TMP/bad-utf8.xml" | head -1 | cut -d: -f1)
{ printf '\xff\xfe'; sed '1s/UTF-8/UTF-16/' "$TMP/bad-utf8.xml" | iconv -f UTF-8 -t UTF-16LE; } >"$TMP/bad16.xml"
run "$WENSHU" check "$S/campaign.xml" "$TMP/bad16.xml" "$S/members-fly.xml"
assert_status 1 "a schema error in a UTF-16 file"
assert_contains "$ERR" "bad16.xml:$line:" "UTF-16: the error's line is the file's ($line)"

# GBK that does not say so: one message, at the first byte that is not UTF-8, saying what to do.
iconv -f UTF-8 -t GBK "$TMP/mzj.xml" >"$TMP/undeclared.xml"
bad_line=$(python3 -c 'import sys
b = open(sys.argv[1], "rb").read()
try: b.decode("utf-8")
except UnicodeDecodeError as e: print(b[:e.start].count(b"\n") + 1)' "$TMP/undeclared.xml")
run "$WENSHU" check "$S/campaign.xml" "$TMP/undeclared.xml" "$S/members-fly.xml"
assert_status 1 "a GBK file that does not say so is a data error"
assert_contains "$ERR" "undeclared.xml:$bad_line:" "the message names the file and the line ($bad_line)"
assert_contains "$ERR" "save it again as UTF-8" "it says how to save the file as UTF-8"
assert_contains "$ERR" '<?xml version="1.0" encoding="GBK"?>' "or how to name its encoding"
assert_eq "$(grep -c 'undeclared.xml:[0-9]' <<<"$ERR")" 1 "one message about the file itself"
# The campaign's committee and the organisations name members of that file: one consequence line.
assert_eq "$(grep -c "refers to '" <<<"$ERR")" 0 "no error per record that refers into the unreadable file"
assert_contains "$ERR" "error: because $TMP/undeclared.xml could not be read, the 5 records that refer to records in it are not built: " "the consequence names the file, and counts the records"
assert_contains "$ERR" "O-ZB1" "and the records not made"
assert_eq "$(grep -c 'error: ' <<<"$ERR")" 2 "two errors in all: the cause and its consequence"

# A reference to an id that no file names, unreadable or not, is still an error of its own.
sed '0,/org="O-[A-Z0-9]*"/s//org="O-TYPO"/' "$S/members-fly.xml" >"$TMP/fly-typo.xml"
run "$WENSHU" check "$S/campaign.xml" "$TMP/undeclared.xml" "$TMP/fly-typo.xml"
assert_contains "$ERR" "@org refers to 'O-TYPO', but no organisation has that id in any input" \
    "beside an unreadable file, a reference to an id named nowhere is its own error"

# In Chinese, as a clerk reads it.
LANG=zh_CN.UTF-8 run "$WENSHU" check "$S/campaign.xml" "$TMP/undeclared.xml" "$S/members-fly.xml"
assert_contains "$ERR" "另存为" "zh_CN: the advice says 另存为"
assert_contains "$ERR" "UTF-8" "zh_CN: and names UTF-8"
assert_contains "$ERR" "无法读取" "zh_CN: the consequence line is Chinese"

# An encoding nobody knows, and bytes that are not in the encoding the file names.
sed '1s/UTF-8/X-NO-SUCH/' "$TMP/mzj.xml" >"$TMP/unknown.xml"
run "$WENSHU" check "$S/campaign.xml" "$TMP/unknown.xml"
assert_status 1 "an unknown encoding is a data error"
assert_contains "$ERR" "unknown.xml:1: error: the file says it is in the encoding \"X-NO-SUCH\"" "named at line 1"
{ sed -n 1,4p "$TMP/mzj.xml" | sed '1s/UTF-8/GBK/' | iconv -f UTF-8 -t GBK; printf '<!-- \x81\x20 -->\n'; sed -n '5,$p' "$TMP/mzj.xml" | iconv -f UTF-8 -t GBK; } >"$TMP/badgbk.xml"
run "$WENSHU" check "$S/campaign.xml" "$TMP/badgbk.xml"
assert_status 1 "bytes outside the encoding named are a data error"
assert_contains "$ERR" "badgbk.xml:5: error: the file says it is in the encoding GBK, but byte 0x81" "named at their line"

done_testing
