# Helpers for the hardening tests (source after tests/lib/assert.sh).
#
# bounded CMD...: runs CMD with a 60 s time limit, stdout to $TMP/bounded.out, stderr in $ERR,
# the exit status in $STATUS (124: timed out, ≥ 128: killed by a signal) and the peak resident
# set of the command in $RSS_KB.
bounded() {
    local r
    r=$(python3 - "$TMP/bounded.out" "$TMP/bounded.err" "$@" <<'PY'
import resource, subprocess, sys
out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "wb") as o, open(err, "wb") as e:
    p = subprocess.run(["timeout", "-s", "KILL", "60"] + cmd, stdout=o, stderr=e)
rc = p.returncode if p.returncode >= 0 else 128 - p.returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
)
    STATUS=${r% *} RSS_KB=${r#* }
    ERR=$(head -c 20000 "$TMP/bounded.err")
}

# Memory bound for one command: sanitizer builds carry shadow memory and quarantine.
if [ -n "${SANITIZED:-}" ]; then MEM_LIMIT_KB=$((1536 * 1024)); else MEM_LIMIT_KB=$((300 * 1024)); fi

# assert_no_crash WHAT: the last bounded command finished in time, was not killed by a signal
# (a crash, an abort, a sanitizer report under make sanitize) and stayed under the memory bound.
assert_no_crash() {
    if [ "$STATUS" -eq 124 ] || [ "$STATUS" -eq 137 ]; then
        not_ok "$1: still running after 60 s (status $STATUS)"
    elif [ "$STATUS" -eq 126 ] || [ "$STATUS" -eq 127 ]; then
        not_ok "$1: could not be run (status $STATUS): ${ERR:0:300}"
    elif [ "$STATUS" -ge 128 ]; then
        not_ok "$1: crashed (status $STATUS); stderr: ${ERR:0:600}"
    elif grep -q -E 'Sanitizer|runtime error:' "$TMP/bounded.err"; then
        not_ok "$1: sanitizer report: $(grep -m1 -A8 -E 'ERROR: .*Sanitizer|runtime error:' "$TMP/bounded.err")"
    else
        ok "$1: finished without crashing (exit $STATUS)"
    fi
    if [ "${RSS_KB:-0}" -lt "$MEM_LIMIT_KB" ]; then ok "$1: peak memory $((RSS_KB / 1024)) MiB"
    else not_ok "$1: peak memory $((RSS_KB / 1024)) MiB over $((MEM_LIMIT_KB / 1024)) MiB"; fi
}

# assert_pdf_whole FILE WHAT: when FILE exists it is a complete PDF (qpdf --check passes);
# its absence is fine (the command refused the input).
assert_pdf_whole() {
    if [ ! -e "$1" ]; then ok "$2: no PDF left behind"; return; fi
    if qpdf --check "$1" >/dev/null 2>&1; then ok "$2: the PDF is complete (qpdf --check)"
    else not_ok "$2: $1 is not a complete PDF: $(qpdf --check "$1" 2>&1 | head -3)"; fi
}

# assert_no_temp DIR WHAT: no temporary file of an atomic write is left in DIR (any depth).
assert_no_temp() {
    local left
    left=$(find "$1" -name '*.tmp*' -o -name '.*.tmp*' 2>/dev/null | head -5)
    if [ -z "$left" ]; then ok "$2: no temporary file left"; else not_ok "$2: left behind: $left"; fi
}
