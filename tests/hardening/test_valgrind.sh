#!/usr/bin/env bash
# valgrind --leak-check=full on the three main paths: `wenshu check` of the samples, `wenshu
# render` of the seed document and a `wenshu build` of the samples (its forked workers are followed
# too). No invalid read or write, no use of uninitialised memory, no leak (tests/hardening/
# valgrind.supp lists the two library-owned blocks that are not wenshu's leaks).
# Skipped under `make sanitize` (an ASan binary cannot run under valgrind) and without valgrind.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT"

if [ -n "${SANITIZED:-}" ]; then
    ok "# SKIP an AddressSanitizer build cannot run under valgrind"; done_testing; exit 0
fi
if ! command -v valgrind >/dev/null; then
    ok "# SKIP valgrind is not installed (make deps installs it)"; done_testing; exit 0
fi
VG=(valgrind --leak-check=full --error-exitcode=99 --num-callers=40 --child-silent-after-fork=no
    --suppressions="$ROOT/tests/hardening/valgrind.supp")

# vg_case WHAT LOG CMD...: runs CMD under valgrind and asserts a clean report from every process.
vg_case() {
    local what=$1 log=$2; shift 2
    "${VG[@]}" --log-file="$log.%p" "$@" >/dev/null 2>"$TMP/vg.stderr"
    local status=$?
    if [ "$status" -eq 99 ]; then not_ok "$what: valgrind reported errors (exit 99)"
    elif [ "$status" -ne 0 ]; then not_ok "$what: exit $status, expected 0; $(head -c 300 "$TMP/vg.stderr")"
    else ok "$what: valgrind found no error in the main process (exit 0)"; fi
    local bad
    bad=$(grep -l -E 'ERROR SUMMARY: [1-9]' "$log".* 2>/dev/null | head -3)
    if [ -z "$bad" ]; then ok "$what: every process's ERROR SUMMARY is 0 ($(ls "$log".* | wc -l) processes)"
    else
        not_ok "$what: errors in $bad"
        grep -h -A12 -E 'Invalid|uninitialised|definitely lost in|possibly lost in|indirectly lost in' $bad | head -40 | sed 's/^/# /'
    fi
}

vg_case "wenshu check samples/*.xml" "$TMP/check" "$WENSHU" check samples/campaign.xml samples/members-mzj.xml samples/members-fly.xml
vg_case "wenshu render samples/seed.md" "$TMP/render" "$WENSHU" render samples/seed.md -o "$TMP/seed.pdf"
vg_case "wenshu build samples/*.xml -j 2" "$TMP/build" "$WENSHU" build samples/campaign.xml samples/members-mzj.xml samples/members-fly.xml -o "$TMP/out" -j 2 -q
assert "the build under valgrind made its PDFs" test "$(find "$TMP/out" -name '*.pdf' | wc -l)" -gt 50
done_testing
