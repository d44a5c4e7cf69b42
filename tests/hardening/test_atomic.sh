#!/usr/bin/env bash
# Crash safety of `wenshu build`: a batch killed with kill -9 (every process of it at once, as a
# power cut or the OOM killer would) leaves only complete PDFs, and the next run finishes the job
# and removes the temporary files; a full disk (a 2 MiB tmpfs) is reported with a non-zero exit
# and leaves no partial file, the manifest included.
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
mounts=()
cleanup() { for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT

# broken_pdfs DIR: prints 0 when every *.pdf under DIR passes qpdf --check, else "some".
broken_pdfs() {
    if find "$1" -name '*.pdf' -print0 | xargs -0 -r -P 2 -n 1 qpdf --check >/dev/null 2>&1; then echo 0
    else echo some; fi
}

# ---- kill -9 in the middle of a batch
python3 samples/gen.py --members 120 --orgs 6 -o "$TMP/set" >/dev/null
OUT_DIR="$TMP/out"
setsid "$WENSHU" build "$TMP"/set/*.xml -o "$OUT_DIR" -j 2 -q >"$TMP/killed.log" 2>&1 &
pid=$!
# Wait until the batch is well under way (some PDFs exist), then kill the whole process group.
for _ in $(seq 600); do
    n=$(find "$OUT_DIR" -name '*.pdf' 2>/dev/null | wc -l)
    [ "$n" -ge 40 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
done
if kill -0 "$pid" 2>/dev/null; then
    kill -9 -- "-$pid"
    wait "$pid" 2>/dev/null
    killed=1
else
    wait "$pid" 2>/dev/null
    killed=0
fi
assert_eq "$killed" 1 "the batch was killed while running (after $n PDFs)"
made=$(find "$OUT_DIR" -name '*.pdf' | wc -l)
stale=$(find "$OUT_DIR" -name '*.tmp.*' | wc -l)
echo "# after kill -9: $made PDFs and $stale temporary files"
assert_eq "$(broken_pdfs "$OUT_DIR")" 0 "after kill -9: all $made PDFs present are complete (qpdf --check)"

# The kill may fall between two writes; a write cut short is planted too, as the next run must see it.
some_pdf=$(find "$OUT_DIR" -name '*.pdf' | head -1)
head -c 1000 "$some_pdf" >"$(dirname "$some_pdf")/中断.pdf.tmp.424242"

bounded "$WENSHU" build "$TMP"/set/*.xml -o "$OUT_DIR" -j 2
assert_no_crash "the run after kill -9"
assert_status 0 "the next run finishes the job"
assert_contains "$ERR" "未变无需重做" "the next run reports what it did not redo"
resumed_summary=$ERR
assert_no_temp "$OUT_DIR" "after the next run"
total=$(find "$OUT_DIR" -name '*.pdf' | wc -l)
assert "the next run made the rest ($made before, $total after)" test "$total" -gt "$made"
assert_eq "$(broken_pdfs "$OUT_DIR")" 0 "after the next run: every PDF is complete"
run "$WENSHU" verify -q "$OUT_DIR"
assert_status 0 "the manifest of the finished job matches every file (wenshu verify)"

# "生成 N 个文件，M 个未变无需重做": made now plus kept from before is every PDF of the job.
counts=$(sed -n 's/.*生成 \([0-9]*\) 个文件，\([0-9]*\) 个未变.*/\1 \2/p' <<<"$resumed_summary")
assert_eq "$(( ${counts% *} + ${counts#* } ))" "$total" "the resumed run accounts for every PDF of the job (made, unchanged: $counts)"

# ---- a full disk
mkdir -p "$TMP/full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m tmpfs "$TMP/full" 2>/dev/null; then
    mounts+=("$TMP/full")
    bounded "$WENSHU" build samples/*.xml -o "$TMP/full/out" -j 2
    assert_no_crash "a build onto a 2 MiB disk"
    assert_eq "$STATUS" 2 "a full disk ends the run with exit 2 (an output it cannot write)"
    assert_contains "$ERR" "设备上没有空间" "full disk: the system's reason is reported"
    assert_no_temp "$TMP/full" "full disk"
    assert_eq "$(broken_pdfs "$TMP/full")" 0 "full disk: every PDF written is complete"
    if [ -e "$TMP/full/out/manifest.json" ]; then
        assert "full disk: the manifest is whole JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/full/out/manifest.json"
    else
        ok "full disk: no manifest (nothing partial)"
    fi
    # Free the disk by moving the output out of the way: the next run finishes the job.
    umount "$TMP/full" && mounts=()
    mount -t tmpfs -o size=64m tmpfs "$TMP/full" && mounts+=("$TMP/full")
    bounded "$WENSHU" build samples/*.xml -o "$TMP/full/out" -j 2 -q
    assert_status 0 "with room again the build succeeds"
else
    ok "# SKIP cannot mount a small tmpfs here (not root, or mount not permitted)"
fi

done_testing
