#!/usr/bin/env bash
# wenshu build's memory follows the work, not the number of records: with one records file of
# 3 000 and of 12 000 members, the largest process of `build -j 2` (the parent while it plans and
# forks, or a worker, which carries what the parent held at the fork) grows by a bounded amount per
# member. Measured from outside: wait4's ru_maxrss is the peak resident set of the largest
# process of the tree (the parent and the workers it reaped), which no load on the machine can
# make a sampler miss. The bound, 1 500 bytes a member, keeps 100 000 members near 150 MB a
# process (measured 2026-12: ~430 bytes a member here; ~760 before the index dropped its checked
# references and its half-empty table of entries and names were resolved a folder at a time;
# 1 200 at the fork before the plan's strings were packed and the heap trimmed before forking).
source "$(dirname "$0")/../lib/assert.sh"

if [ -n "${SANITIZED:-}" ]; then
    echo "# skipped under the sanitizers: their shadow memory is not the program's"
    ok "# SKIP resident memory is not meaningful under ASan"
    done_testing
    exit 0
fi

peak() { # peak KB of the largest process of: "$@"; exit status in PEAK_STATUS
    local line
    line=$(python3 -c '
import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, st, ru = os.wait4(p.pid, 0)
print(ru.ru_maxrss, os.waitstatus_to_exitcode(st))' "$@")
    PEAK_KB=${line% *}
    PEAK_STATUS=${line#* }
}

declare -A KB
for n in 3000 12000; do
    python3 "$ROOT/samples/gen.py" --members "$n" --orgs 400 --one-file -o "$TMP/m$n" >/dev/null
    # Two documents made (the first and the last member), every member planned, named and keyed.
    last=$(printf 'M%06d' "$n")
    peak "$WENSHU" build "$TMP/m$n/all.xml" -o "$TMP/o$n" --form feedback -j 2 -q --record M000001 --record "$last"
    assert_eq "$PEAK_STATUS" 0 "$n members: the build succeeds"
    KB[$n]=$PEAK_KB
    made=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["files"]))' "$TMP/o$n/manifest.json")
    assert_eq "$made" 2 "$n members: the manifest lists the two documents made"
    rm -rf "$TMP/o$n" "$TMP/m$n"
done
per=$(( (KB[12000] - KB[3000]) * 1024 / 9000 ))
echo "# peak of the largest process: ${KB[3000]} KB at 3 000 members, ${KB[12000]} KB at 12 000: $per bytes a member"
assert "memory grows by at most 1 500 bytes a member (got $per)" [ "$per" -le 1500 ]
assert "12 000 members take at most 90 MB a process (got ${KB[12000]} KB)" [ "${KB[12000]}" -le 92160 ]
done_testing
