# $members: an organisation's forms see its members even when they live in other files.
source "$(dirname "$0")/../lib/assert.sh"
cat > "$TMP/m.md" <<'T'
---
name: members
title: 党员名单
records: //organisation | //unit
---
{{ @id }}={{ count($members) }}:{{ w:join($members/name, ',') }}
T
run "$WENSHU" merge "$TMP/m.md" "$ROOT"/samples/*.xml
assert_status 0 "merge with \$members over split files"
assert_contains "$OUT" "O-ZB1=9:王𠀾,陈建国" "a branch lists its members from another file, in input order"
n_jw=$(grep -o '^O-JG=[0-9]*' <<<"$OUT" | cut -d= -f2)
sum=0; for b in $(grep -o '^O-ZB[0-9]*=[0-9]*' <<<"$OUT" | cut -d= -f2); do sum=$((sum + b)); done
assert_eq "$n_jw" "$sum" "the 机关党委 counts the members of every branch below it"
n_unit=$(grep -o '^U-MZJ=[0-9]*' <<<"$OUT" | cut -d= -f2)
assert_eq "$n_unit" "$n_jw" "a unit record counts the members of the unit's organisations"
done_testing
