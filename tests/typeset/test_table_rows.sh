#!/usr/bin/env bash
# Issue 16, one table-row policy (generator/typeset/table.c, TABLE_KEEP_LINES): a row of up to
# four lines is never split — it moves whole to the next page; a taller row is split with at
# least two lines on each side; the header row is repeated on every page of the table; so no
# page ends with more than four table lines blank before the table goes on. The same table is
# set after 8 to 20 lines of text, as the same form comes out for members whose text above it
# differs in length. Measured from the PDF (check_pages.py rows: each row's lines per page,
# its rows marked by a character only that row uses).
. "$(dirname "$0")/../lib/assert.sh"
CHECK="$ROOT/tests/typeset/check_pages.py"
MARKS=甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未
plan() {
    printf '# 整改项目\n\n'
    for ((i = 0; i < $1; i++)); do printf '党员们认真对照党章查找差距，逐条制定整改措施。\n\n'; done
    printf '| 序号 | 存在问题 | 整改措施 | 完成时限 | 责任人 |\n|:---:|---|---|---|---|\n'
    local i=0 n
    for n in 10 20 30 8 45 25 15 35 12 28 40 18 22 9 33 50 14 26; do
        printf '| %d | %s | %s | 2005年6月30日 | 张三 |\n' $((i + 1)) \
            "$(printf "${MARKS:i:1}%.0s" $(seq $n))" "$(printf "${MARKS:i:1}%.0s" $(seq $((n + 10))))"
        i=$((i + 1))
    done
    printf '\n以上整改事项请认真落实。\n'
}
bad_split="" bad_foot="" bad_head="" splits=0 moves=0
for fill in $(seq 8 20); do
    plan "$fill" >"$TMP/p.md"
    "$WENSHU" render "$TMP/p.md" -o "$TMP/p.pdf" --style form 2>/dev/null || { bad_split="$bad_split $fill(exit)"; continue; }
    out=$(python3 "$CHECK" "$TMP/p.pdf" rows "$MARKS")
    verdict=$(python3 - "$out" <<'PY'
import ast, re, sys
pages = []
for line in sys.argv[1].splitlines():
    m = re.match(r"page (\d+): rows (\{.*\}) foot (\S+) head (\w+)", line)
    pages.append((ast.literal_eval(m.group(2)), float(m.group(3)), m.group(4) == "True"))
split, foot, head, splits, moves = [], [], [], 0, 0
parts = {}
for n, (rows, _, _) in enumerate(pages):
    for c, k in rows.items(): parts.setdefault(c, []).append(k)
for c, ks in parts.items():
    if len(ks) > 1:
        splits += 1
        if sum(ks) <= 4 or min(ks) < 2: split.append(c + str(ks).replace(" ", ""))
for n in range(len(pages) - 1):
    rows, f, h = pages[n]
    nxt = pages[n + 1][0]
    if rows and nxt:  # the table goes on over the page
        if f >= 4: foot.append("p%d:%.1f" % (n + 1, f))
        first = next(iter(nxt))
        if first not in rows and f >= 1: moves += 1  # a row went over whole, leaving room
for n, (rows, _, h) in enumerate(pages):
    if rows and not h: head.append("p%d" % (n + 1))
print(" ".join(split) or "-", " ".join(foot) or "-", " ".join(head) or "-", splits, moves)
PY
)
    read -r s f h ns nm <<<"$verdict"
    [ "$s" != - ] && bad_split="$bad_split $fill:$s"
    [ "$f" != - ] && bad_foot="$bad_foot $fill:$f"
    [ "$h" != - ] && bad_head="$bad_head $fill:$h"
    splits=$((splits + ns)) moves=$((moves + nm))
done
assert_eq "$bad_split" "" "a row is split only when taller than 4 lines, at least 2 lines each side (8 to 20 lines above)"
assert_eq "$bad_foot" "" "no page ends with 4 or more table lines blank before the table goes on"
assert_eq "$bad_head" "" "the header row is on every page the table reaches"
assert "the runs exercise both sides of the policy: rows split ($splits) and rows moved whole ($moves)" \
    test "$splits" -gt 3 -a "$moves" -gt 3

# the table's first row goes with the header: a short first row is not split from it
plan 21 >"$TMP/first.md"
run "$WENSHU" render "$TMP/first.md" -o "$TMP/first.pdf" --style form
first=$(python3 "$CHECK" "$TMP/first.pdf" rows "$MARKS" | head -2 | tr '\n' ' ')
assert_eq "$(python3 "$CHECK" "$TMP/first.pdf" rows "$MARKS" | grep -c "'甲'")" "1" "the 3-line first row is on one page ($first)"
done_testing
