#!/usr/bin/env bash
# The benchmark scripts in miniature, so that they cannot rot between runs of make bench-peers and
# make bench-large: bench/large.py on 40 members (check, -j 2 build, 8 shards whose merged manifest
# must equal the single run's), and — when Node and the Typst compiler that make bench-peers
# installs are present — the Typst notice (bench/peers/notice.typ) against wenshu's, and
# bench/peers.py on 3 notices. Everything runs in a scratch folder (BENCH_WORK).
source "$(dirname "$0")/../lib/assert.sh"
export PYTHONDONTWRITEBYTECODE=1 ROOT
export BENCH_WORK="$TMP/work" BENCH_WENSHU="$WENSHU"
mkdir -p "$BENCH_WORK"

# --- bench-large in miniature -------------------------------------------------------------------
run python3 "$ROOT/bench/large.py" --members 40 --no-results
assert_status 0 "bench/large.py --members 40 runs check, the -j 2 build and 8 shards"
assert_contains "$OUT" "wenshu check -q " "its report has the check line"
assert_contains "$OUT" "**the same** — 40 entries" "the 8 shards' merged manifest equals the single run's, entry by entry"
assert_no_file "$BENCH_WORK/large-40-out" "it removes the outputs when it is done"

# --- the notices as Typst sees them (needs only wenshu) ---------------------------------------
DATA=("$ROOT/samples/campaign.xml" "$ROOT/samples/members-fly.xml" "$ROOT/samples/members-mzj.xml")
run python3 - "$WENSHU" "${DATA[@]}" <<'EOF'
import sys
import os
sys.path.insert(0, os.path.join(os.environ["ROOT"], "bench", "peers"))
import typst_notices as t
rs = t.records(sys.argv[1], sys.argv[2:])
bad = [r["id"] for r in rs if not (r["name"] and r["strengths"] and r["problems"] and r["directions"] and r["org"])]
print(len(rs), "bad:", bad)
EOF
merged=$("$WENSHU" merge "$ROOT/templates/feedback.md" "${DATA[@]}" 2>/dev/null | grep -c '^<!-- record ')
assert_eq "$OUT" "$merged bad: []" "typst_notices reads every merged notice's fields ($merged notices of the samples)"

# --- Typst itself ------------------------------------------------------------------------------
npm_dir="${BENCH_PEERS_NPM:-$ROOT/bench/work/peers}"
module="$npm_dir/node_modules/@myriaddreamin/typst-ts-node-compiler"
if ! command -v node >/dev/null || [ ! -f "$module/package.json" ]; then
    for what in "the Typst notice compiles to a 2-page PDF" "it names the member" \
                "its Fandol faces are wenshu's, embedded" "and it uses no face outside the default style's" "its text is wenshu's notice's" "bench/peers.py --tiny runs"; do
        ok "$what # SKIP typst compiler not installed (make bench-peers installs it)"
    done
    done_testing
    exit 0
fi
export BENCH_PEERS_NPM="$npm_dir"
"$WENSHU" build "${DATA[@]}" -o "$TMP/w" --form feedback -q 2>/dev/null
run python3 - "$WENSHU" "$module" "$TMP" "${DATA[@]}" <<'EOF'
import json, sys
import os
sys.path.insert(0, os.path.join(os.environ["ROOT"], "bench", "peers"))
import typst_notices as t
wenshu, module, tmp, data = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
r = t.records(wenshu, data)[0]
job = {"module": module, "fonts": t.fonts(), "workspace": os.path.join(os.environ["ROOT"], "bench", "peers"),
       "docs": [{"source": t.document(r), "out": f"{tmp}/typst.pdf"}]}
json.dump(job, open(f"{tmp}/job.json", "w"), ensure_ascii=False)
print(r["name"])
EOF
name="$OUT"
run node "$ROOT/bench/peers/peers.js" "$TMP/job.json"
pages=$(pdfinfo "$TMP/typst.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
assert_eq "$pages" "2" "the Typst notice compiles to a 2-page PDF"
text=$(pdftotext "$TMP/typst.pdf" - 2>/dev/null)
assert_contains "$text" "${name}同志：" "it names the member ($name)"
# The faces of the default style (templates/styles/gbt9704.style), the same files wenshu embeds:
# the Fandol faces by name (Typst adds "-Identity-H" to a CFF font's name), each embedded.
wpdf=$(find "$TMP/w" -name "${name}.pdf" | head -1)
faces() { pdffonts "$1" 2>/dev/null | awk 'NR > 2 { n = split($1, a, "+"); sub(/-Identity-H$/, "", a[n]); print a[n], $(NF-4) }' | sort -u; }
fonts=$(faces "$TMP/typst.pdf" | grep -E '^Fandol' | tr '\n' ' ')
assert_eq "$fonts" "$(faces "$wpdf" | grep -E '^Fandol' | tr '\n' ' ')" "its Fandol faces are wenshu's, embedded ($fonts)"
others=$(faces "$TMP/typst.pdf" | grep -vE '^(Fandol|LiberationSerif|UMingCN)' | tr '\n' ' ')
assert_eq "$others" "" "and it uses no face outside the default style's (Fandol, Liberation Serif, UMing for rare characters)"
assert_eq "$(pdftotext "$TMP/typst.pdf" - 2>/dev/null | tr -d ' \n\t\f')" "$(pdftotext "$wpdf" - 2>/dev/null | tr -d ' \n\t\f')" \
    "its text is wenshu's notice's, character for character"

run python3 "$ROOT/bench/peers.py" --tiny
if [ "$STATUS" -eq 0 ] && [[ "$OUT" == *"| Typst document |"* ]] && [[ "$OUT" == *"| wenshu -j 1 |"* ]]; then
    ok "bench/peers.py --tiny runs both programs per record and combined"
else
    not_ok "bench/peers.py --tiny: exit $STATUS; ${ERR:0:600}"
fi
done_testing
