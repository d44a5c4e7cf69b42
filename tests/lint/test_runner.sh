#!/usr/bin/env bash
# tests/run itself, on a tree of fake test scripts (TEST_DIR): a script that stops before its plan,
# one that runs fewer tests than it plans, one that exits non-zero after passing, one with a
# skipped test, one that passes. The verdict of each, the closing line CI reads and the exit status.
source "$(dirname "$0")/../lib/assert.sh"
F="$TMP/fake"
mkdir -p "$F/a" "$TMP/nounit"
printf 'echo "ok 1 - first"\necho "ok 2 - second"\nexit 0\necho "1..4"\n' >"$F/a/test_early.sh"
printf 'echo "ok 1 - one"\necho "ok 2 - two"\necho "1..5"\n' >"$F/a/test_short.sh"
printf 'echo "ok 1 - one"\necho "1..1"\nexit 3\n' >"$F/a/test_status.sh"
printf 'echo "ok 1 - real"\necho "ok 2 - # SKIP needs a tmpfs mount"\necho "1..2"\n' >"$F/a/test_skip.sh"
printf 'for i in 1 2 3; do echo "ok $i - fine $i"; done\necho "1..3"\n' >"$F/a/test_pass.sh"

fake_run() { run env TEST_DIR="$F" UNIT_DIR="$TMP/nounit" "$ROOT/tests/run" "$@"; }

fake_run
assert_status 1 "a run with failures exits 1"
assert_contains "$OUT" "FAIL a/test_early.sh" "a script that stops before its plan fails"
assert_contains "$OUT" "a/test_early.sh: no plan (1..N): exited early?" "and the reason is given"
assert_contains "$OUT" "FAIL a/test_short.sh" "a script that runs fewer tests than planned fails"
assert_contains "$OUT" "not ok - a/test_short.sh ran 2 of 5 planned tests" "with the counts"
assert_contains "$OUT" "FAIL a/test_status.sh" "a script that exits non-zero fails"
assert_contains "$OUT" "not ok - a/test_status.sh exited with status 3" "with its status"
assert "a skipped test does not fail its script" grep -qE '^pass a/test_skip.sh +1 ok, 1 skipped' <<<"$OUT"
assert_contains "$OUT" "     ok 2 - # SKIP needs a tmpfs mount" "the skip and its reason are shown under the script"
assert "a passing script passes" grep -qE '^pass a/test_pass.sh +3 ok \(' <<<"$OUT"
assert_eq "$(tail -1 <<<"$OUT")" "9 passed, 3 failed, 1 skipped" "the closing line: passed, failed, skipped"
assert_file "$F/out/logs/a_test_short.sh.log" "each script's log is kept under TEST_DIR/out/logs"

fake_run test_pass
assert_status 0 "only passing scripts: exit 0"
assert_eq "$(tail -1 <<<"$OUT")" "3 passed, 0 failed, 0 skipped" "the closing line always names the skipped"
fake_run test_skip
assert_status 0 "a skipped test with passed ones: exit 0"
fake_run no-such-test
assert_status 1 "nothing run is a failure"
assert_eq "$(tail -1 <<<"$OUT")" "0 passed, 0 failed, 0 skipped" "and says so"

# Every real test script ends with its plan, as the runner requires.
missing=""
for t in "$ROOT"/tests/*/test_*.sh; do
    [ "$(grep -v '^[[:space:]]*$' "$t" | tail -1)" = done_testing ] || missing+=" ${t#"$ROOT"/}"
done
assert_eq "$missing" "" "every tests/*/test_*.sh ends with done_testing"

done_testing
