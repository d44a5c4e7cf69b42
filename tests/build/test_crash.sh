#!/usr/bin/env bash
# Crash safety of wenshu build: a run killed with kill -9 leaves only complete PDFs and the next
# run finishes the job; a full disk is reported and leaves no partial file.
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/setup_forms.sh"

# kill -9 in the middle of a batch: only complete PDFs remain, the next run finishes the job.
python3 "$ROOT/samples/gen.py" --members 150 --orgs 10 -o "$TMP/big" >/dev/null
OUTK="$TMP/k"
setsid "$WENSHU" build "$TMP"/big/*.xml -o "$OUTK" -j 2 -q &
pid=$!
for _ in $(seq 200); do
    [ "$(find "$OUTK" -name '*.pdf' 2>/dev/null | head -20 | wc -l)" -ge 20 ] && break
    sleep 0.05
done
kill -9 -- -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
incomplete=0
while IFS= read -r -d '' f; do tail -c 8 "$f" | grep -q '%%EOF' || incomplete=$((incomplete + 1)); done \
    < <(find "$OUTK" -name '*.pdf' -print0)
assert_eq "$incomplete" "0" "after kill -9 every PDF left is complete"
run "$WENSHU" build "$TMP"/big/*.xml -o "$OUTK" -j 2
assert_status 0 "the next run finishes the job"
assert_eq "$(find "$OUTK" -name '*.tmp.*' | wc -l)" "0" "and removes the killed run's temporary files"
run "$WENSHU" verify "$OUTK"
assert_status 0 "the finished folder verifies"

# A full disk: reported, no partial file, exit 2.
mkdir -p "$TMP/full"
if mount -t tmpfs -o size=96k tmpfs "$TMP/full" 2>/dev/null; then
    run "$WENSHU" build "${INPUTS[@]}" -o "$TMP/full/out" -j 2
    assert_status 2 "a full disk is an I/O failure (it outweighs the records skipped)"
    assert_contains "$ERR" "设备上没有空间" "and says why (the system's words, in Chinese too)"
    assert_eq "$(find "$TMP/full" -name '*.tmp.*' | wc -l)" "0" "no temporary file is left behind"
    partial=0
    while IFS= read -r -d '' f; do tail -c 8 "$f" | grep -q '%%EOF' || partial=$((partial + 1)); done \
        < <(find "$TMP/full" -name '*.pdf' -print0)
    assert_eq "$partial" "0" "no partial PDF is left behind"
    umount "$TMP/full"
else
    ok "# SKIP full-disk test needs a tmpfs mount (not permitted here)"
fi

done_testing
