# Shell test helpers: source this from tests/<area>/test_*.sh. Each assertion prints one TAP line.
# Variables: $WENSHU (binary under test), $ROOT (repository), $SHARED (../shared), $TMP (scratch,
# removed at exit), $PDFCHECK (the shared pdfcheck.py measuring tool).
set -u
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
WENSHU="${WENSHU:-$ROOT/wenshu}"
SHARED="${SHARED:-$(cd "$ROOT/.." && pwd)/shared}"
PDFCHECK="$SHARED/tools/pdfcheck.py"
[ -f "$PDFCHECK" ] || PDFCHECK="$ROOT/tests/lib/pdfcheck.py"
export WENSHU_DATADIR="${WENSHU_DATADIR:-$ROOT}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wenshu-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# wenshu build keeps the layouts of combined volumes' records in a cache folder (cli/volume_cache.h):
# each test script its own, in its scratch folder, never the user's ~/.cache
export WENSHU_CACHE_DIR="$TMP/cache"
_tap_n=0

ok()     { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); echo "not ok $_tap_n - $*"; }

# run CMD...: runs a command, keeping stdout in $OUT, stderr in $ERR and the status in $STATUS.
run() {
    OUT=$("$@" 2>"$TMP/.stderr"); STATUS=$?
    ERR=$(cat "$TMP/.stderr")
}
assert()          { local msg="$1"; shift; if "$@"; then ok "$msg"; else not_ok "$msg"; fi; }
assert_status()   { if [ "$STATUS" -eq "$1" ]; then ok "$2 (exit $1)"; else not_ok "$2: expected exit $1, got $STATUS; stderr: ${ERR:0:400}"; fi; }
assert_contains() { # haystack needle message
    if [[ "$1" == *"$2"* ]]; then ok "$3"; else not_ok "$3: '${2}' not found in: ${1:0:600}"; fi; }
assert_not_contains() {
    if [[ "$1" != *"$2"* ]]; then ok "$3"; else not_ok "$3: '${2}' unexpectedly found"; fi; }
assert_eq()       { if [ "$1" == "$2" ]; then ok "$3"; else not_ok "$3: expected '${2:0:300}', got '${1:0:300}'"; fi; }
assert_file()     { if [ -s "$1" ]; then ok "$2"; else not_ok "$2: $1 missing or empty"; fi; }
assert_no_file()  { if [ ! -e "$1" ]; then ok "$2"; else not_ok "$2: $1 exists"; fi; }

# pdfcheck FILE [ARGS]: JSON report in $REPORT; jq-free queries through python.
pdfcheck() { REPORT=$(python3 "$PDFCHECK" "$@"); }
# pyq 'expression over r' — evaluates a python expression with r = json report
pyq() { python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$1" <<<"$REPORT"; }

# done_testing: the plan, "1..N", the last line of every script. tests/run fails a script that
# prints no plan (it stopped early) or runs another number of tests than it planned.
done_testing() { echo "1..$_tap_n"; }
