#!/usr/bin/env bash
# The stat fast path of incremental builds (batch/statcache.h): an output whose size, mtime,
# ctime, inode and device are what an earlier run recorded is trusted without being read; any
# difference and it is hashed as before, so a file touched, edited in place with its mtime set
# back, or replaced by another is judged exactly as without the fast path. The side file lives
# in the cache folder (WENSHU_CACHE_DIR, tests/lib/assert.sh), never in OUT. WENSHU_PHASES=1
# says how many unchanged outputs were trusted by their stat and how many were hashed.
source "$(dirname "$0")/../lib/assert.sh"

SAMPLES=("$ROOT"/samples/*.xml)
A="$TMP/a"
build() { WENSHU_PHASES=1 run "$WENSHU" build "${SAMPLES[@]}" -o "$A" -j 2 --form feedback "$@"; }
counts() { sed -n 's/.*unchanged outputs: \([0-9]*\) trusted by their stat, \([0-9]*\) hashed.*/\1 \2/p' <<<"$ERR"; }

build
assert_status 0 "the first build"
n=$(find "$A" -name '*.pdf' | wc -l)
assert "it makes some notices ($n)" test "$n" -gt 10
assert_eq "$(ls -A "$A")" "$(ls -A "$A" | grep -v stat)" "no side file in OUT"
side=$(ls "$WENSHU_CACHE_DIR"/outputs/*.stat)
assert_file "$side" "the side file is in the cache folder"
assert_eq "$(wc -l <"$side")" "1" "files just made are racy (mtime within 2 s of the clock): none recorded"

# Files made more than two seconds ago, as after a pause (their mtime set back; ctime is now).
find "$A" -name '*.pdf' -exec touch -d '-1 hour' {} +
build
assert_contains "$ERR" "生成 0 个文件" "nothing to make"
assert_eq "$(counts)" "0 $n" "a file not recorded yet is hashed"
assert_eq "$(wc -l <"$side")" "$((n + 1))" "and then recorded, one line a file"
build
assert_eq "$(counts)" "$n 0" "the next run trusts every file by its stat, reading none"

f=$(find "$A" -name '*.pdf' | sort | head -1)
touch "$f"
build
assert_contains "$ERR" "生成 0 个文件" "a touched file with the same bytes is not made again (as without the fast path)"
assert_eq "$(counts)" "$((n - 1)) 1" "it is hashed: its mtime changed"

# Edited in place, keeping its size, its mtime set back: the ctime shows it.
touch -d '-1 hour' "$f"
build
mtime=$(stat -c %y "$f")
python3 - "$f" <<'EOF'
import sys
with open(sys.argv[1], "r+b") as fh:
    fh.seek(200)
    b = fh.read(1)
    fh.seek(200)
    fh.write(bytes([b[0] ^ 1]))
EOF
touch -d "$mtime" "$f"
assert_eq "$(stat -c %y "$f")" "$mtime" "(the edited file has its old mtime and size)"
build
assert_contains "$ERR" "生成 1 个文件" "a file edited in place with its mtime set back is made again"
run "$WENSHU" verify "$A"
assert_status 0 "and OUT verifies"

# Replaced by another file of the same size and mtime (another inode).
touch -d '-1 hour' "$f"
build
build
assert_eq "$(counts)" "$n 0" "(every file trusted again)"
python3 - "$f" "$TMP/other.pdf" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[300] ^= 1
open(sys.argv[2], "wb").write(bytes(b))
EOF
touch -r "$f" "$TMP/other.pdf"
mv "$TMP/other.pdf" "$f"
build
assert_contains "$ERR" "生成 1 个文件" "a file replaced by another of the same size and mtime is made again"

# verify never trusts the side file: an edit with the mtime set back is found.
touch -d '-1 hour' "$f"
build
build
mtime=$(stat -c %y "$f")
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc status=none
touch -d "$mtime" "$f"
run "$WENSHU" verify "$A"
assert_status 1 "verify re-hashes every file"
assert_contains "$OUT" "changed: ${f#"$A"/}" "and names the edited one"
build
assert_contains "$ERR" "生成 1 个文件" "the build makes it again"

# A damaged side file is not used: every file is hashed, nothing is made.
touch -d '-1 hour' "$f"
build
printf 'wenshu-stat-1\nnot a line\n' >"$side"
build
assert_contains "$ERR" "生成 0 个文件" "a damaged side file: nothing made"
assert_eq "$(counts)" "0 $n" "every file hashed"
build
assert_eq "$(counts)" "$n 0" "and it is written anew"

# -j 1 and -j 2 in two folders, and --force, are unaffected; no cache folder: every file hashed.
build --force
assert_contains "$ERR" "生成 $n 个文件" "--force makes everything"
find "$A" -name '*.pdf' -exec touch -d '-1 hour' {} +
WENSHU_CACHE_DIR= HOME="$TMP/home" WENSHU_PHASES=1 run "$WENSHU" build "${SAMPLES[@]}" -o "$A" -j 2 --form feedback
assert_eq "$(counts)" "0 $n" "without a cache folder every file is hashed"
assert_no_file "$TMP/home/.cache" "and no side file is written anywhere"
done_testing
