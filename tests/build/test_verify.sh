#!/usr/bin/env bash
# wenshu verify: re-hashes an output folder against the manifest that wenshu build wrote.
# The folder is made by the build machinery itself with a stand-in source (test_build --fixture),
# so this test does not depend on templates or fonts.
source "$(dirname "$0")/../lib/assert.sh"

UNITS="${UNIT_DIR:-build/unit}"
[[ "$UNITS" == /* ]] || UNITS="$ROOT/$UNITS"
FIXTURE="$UNITS/test_build"
OUTD="$TMP/out"
run "$FIXTURE" --fixture "$OUTD"
assert_status 0 "the build machinery makes a folder with a manifest"
assert_file "$OUTD/manifest.json" "manifest.json is there"

run "$WENSHU" verify "$OUTD"
assert_status 0 "an untouched folder verifies"
assert_eq "$OUT" "" "nothing reported for an untouched folder"
assert_contains "$ERR" "全部一致" "the summary says all files match"

run "$WENSHU" verify -q "$OUTD"
assert_eq "$ERR" "" "-q prints no summary"

# Every listed file: one byte changed is caught, and named.
mapfile -t files < <(python3 -c 'import json,sys; [print(f["path"]) for f in json.load(open(sys.argv[1]))["files"]]' "$OUTD/manifest.json")
assert "the manifest lists at least 10 files" test "${#files[@]}" -ge 10
caught=0
for f in "${files[@]}"; do
    cp "$OUTD/$f" "$TMP/orig"
    off=$(($(stat -c %s "$OUTD/$f") / 2))
    byte=$(od -An -tu1 -j "$off" -N1 "$OUTD/$f")
    printf "\\$(printf %o $((byte ^ 1)))" | dd of="$OUTD/$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
    run "$WENSHU" verify "$OUTD"
    [ "$STATUS" -eq 1 ] && [ "$OUT" == "changed: $f" ] && caught=$((caught + 1))
    cp "$TMP/orig" "$OUTD/$f"
done
assert_eq "$caught" "${#files[@]}" "a one-byte change in any of the ${#files[@]} files is caught and named"

run "$WENSHU" verify "$OUTD"
assert_status 0 "restored files verify again"

victim="${files[0]}"
mv "$OUTD/$victim" "$TMP/victim"
run "$WENSHU" verify "$OUTD"
assert_status 1 "a deleted file fails verification"
assert_eq "$OUT" "missing: $victim" "the missing file is named"
assert_contains "$ERR" "1 个缺失" "the summary counts it"
mv "$TMP/victim" "$OUTD/$victim"

echo extra >"$OUTD/${files[1]%/*}/notes.txt"
ln -s /etc/passwd "$OUTD/link-out"
run "$WENSHU" verify "$OUTD"
assert_status 1 "added files fail verification"
assert_contains "$OUT" "added: ${files[1]%/*}/notes.txt" "an added file is named"
assert_contains "$OUT" "added: link-out" "an added symbolic link is named, not followed"
rm "$OUTD/${files[1]%/*}/notes.txt" "$OUTD/link-out"

# A tampered manifest cannot send verify outside OUT.
cp "$OUTD/manifest.json" "$TMP/manifest.orig"
python3 - "$OUTD/manifest.json" <<'PY'
import json, sys
p = sys.argv[1]
m = json.load(open(p))
m["files"][0]["path"] = "../../etc/passwd"
json.dump(m, open(p, "w"), ensure_ascii=False)
PY
run "$WENSHU" verify "$OUTD"
assert_status 1 "a manifest with a climbing path is refused"
assert_contains "$ERR" "清单中有不安全的路径" "and the reason is given"
printf '{"format": "wenshu-manifest-1", "files": [' >"$OUTD/manifest.json"
run "$WENSHU" verify "$OUTD"
assert_status 1 "a truncated manifest is reported as damaged"
assert_contains "$ERR" "清单已损坏" "the message says so"
cp "$TMP/manifest.orig" "$OUTD/manifest.json"

run "$WENSHU" verify
assert_status 2 "no folder is a usage error"
run "$WENSHU" verify "$TMP/nothing-here"
assert_status 2 "a folder without a manifest is an I/O error"
assert_contains "$ERR" "manifest.json" "the message names the manifest"
run "$WENSHU" verify --bogus "$OUTD"
assert_status 2 "an unknown option is a usage error"
run "$WENSHU" verify "$OUTD" "$OUTD"
assert_status 2 "two folders are a usage error"

done_testing
