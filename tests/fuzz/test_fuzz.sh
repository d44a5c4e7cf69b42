#!/usr/bin/env bash
# The fuzz harnesses build, every input that once crashed them (tests/fuzz/regressions/HARNESS/)
# now passes, and a short run of each from the committed seeds finds nothing. The long runs are
# `make fuzz` (tests/fuzz/run.sh); this is the bounded share of them that `make check` runs.
#   FUZZ_TEST_SECONDS   seconds per harness (default 10)
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT"
HARNESSES=(records template render style manifest)
BIN=tests/out/fuzz-build
SECONDS_EACH="${FUZZ_TEST_SECONDS:-10}"

if ! command -v clang >/dev/null; then
    ok "# SKIP clang is not installed (make deps installs it)"
    done_testing
    exit 0
fi

run tests/fuzz/run.sh --build
assert_status 0 "the harnesses build with clang -fsanitize=fuzzer,address,undefined"
[ "$STATUS" -eq 0 ] || { done_testing; exit 0; }

export LSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/lsan.supp"
for h in "${HARNESSES[@]}"; do
    # Replay: libFuzzer runs each named file once and exits non-zero on the first crash or leak.
    regressions=(tests/fuzz/regressions/"$h"/*)
    if [ -e "${regressions[0]}" ]; then
        run "$BIN/fuzz_$h" -timeout=60 "${regressions[@]}"
        assert_status 0 "$h: ${#regressions[@]} regression input(s) replay cleanly"
        [ "$STATUS" -eq 0 ] || echo "$ERR" | grep -E 'ERROR|SUMMARY|Running' | head -5 | sed 's/^/# /'
    fi

    # A bounded run from a copy of the seeds, so the committed corpus never changes here.
    mkdir -p "$TMP/corpus-$h" "$TMP/artifacts-$h"
    cp tests/fuzz/corpus/"$h"/* "$TMP/corpus-$h/"
    run nice -n 5 "$BIN/fuzz_$h" -max_total_time="$SECONDS_EACH" -seed=2005 -timeout=30 -rss_limit_mb=2048 \
        -max_len=65536 -dict="tests/fuzz/$h.dict" -artifact_prefix="$TMP/artifacts-$h/" "$TMP/corpus-$h"
    assert_status 0 "$h: ${SECONDS_EACH}s of fuzzing from the seeds finds no crash, leak or sanitizer report"
    if [ "$STATUS" -ne 0 ]; then
        echo "$ERR" | grep -E 'ERROR|SUMMARY|Test unit written' | head -5 | sed 's/^/# /'
        mkdir -p tests/out/fuzz-found && cp "$TMP/artifacts-$h"/* tests/out/fuzz-found/ 2>/dev/null
    fi
    runs=$(echo "$ERR" | sed -n 's/^Done \([0-9]*\) runs.*/\1/p')
    assert "$h: the run executed inputs (${runs:-0})" test "${runs:-0}" -gt 0
    artifacts=$(ls "$TMP/artifacts-$h" | wc -l)
    assert_eq "$artifacts" 0 "$h: no crashing input written"
done
done_testing
