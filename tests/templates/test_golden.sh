#!/usr/bin/env bash
# Golden merged Markdown: every shipped template (templates/*.md) merged with the samples, and
# every test fixture (tests/templates/fixtures/*.md) merged with tests/templates/data, compared
# with tests/templates/golden/. After an intended change, regenerate and review the diff:
#     WENSHU_REGEN_GOLDEN=1 tests/run templates/test_golden && git diff tests/templates/golden
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT" || exit 2
GOLDEN=tests/templates/golden
REGEN="${WENSHU_REGEN_GOLDEN:-}"

check_golden() { # golden-file template data...
    local golden="$1" tpl="$2"; shift 2
    run "$WENSHU" merge "$tpl" "$@"
    if [ "$STATUS" -ne 0 ] || grep -q ': 错误：' <<<"$ERR"; then
        not_ok "$tpl merges cleanly: exit $STATUS; ${ERR:0:600}"
        return
    fi
    ok "$tpl merges cleanly"
    if [ -n "$REGEN" ]; then
        printf '%s\n' "$OUT" >"$golden"
        ok "$golden regenerated"
    elif [ ! -f "$golden" ]; then
        not_ok "$golden missing: run WENSHU_REGEN_GOLDEN=1 tests/run templates/test_golden, then review it"
    elif diff -u "$golden" <(printf '%s\n' "$OUT") >"$TMP/diff"; then
        ok "$tpl matches $golden"
    else
        not_ok "$tpl differs from $golden: $(head -c 1500 "$TMP/diff")"
    fi
}

shopt -s nullglob
for tpl in tests/templates/fixtures/*.md; do
    check_golden "$GOLDEN/fixture-$(basename "$tpl")" "$tpl" tests/templates/data/*.xml
done
shipped=(templates/*.md)
for tpl in "${shipped[@]}"; do
    check_golden "$GOLDEN/$(basename "$tpl")" "$tpl" samples/*.xml
done
# The example in docs/templates.md is the fixture doc-example.md (after its comment line).
doc_example=$(python3 -c '
import re, sys
s = open("docs/templates.md", encoding="utf-8").read()
m = re.search(r"## 1\. 一个完整的例子\n\n(?:<!--.*?-->\n)?```\n(.*?)```", s, re.S)
sys.stdout.write(m.group(1) if m else "")')
assert_eq "$doc_example" "$(sed 2d tests/templates/fixtures/doc-example.md)" "the example in docs/templates.md is tested (fixtures/doc-example.md)"
# A golden file whose template is gone is stale.
for g in "$GOLDEN"/*.md; do
    name=$(basename "$g")
    if [[ "$name" == fixture-* ]]; then src="tests/templates/fixtures/${name#fixture-}"; else src="templates/$name"; fi
    assert "$g has its template ($src)" test -f "$src"
done
done_testing
