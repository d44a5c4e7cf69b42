#!/usr/bin/env bash
# make demo (tests/demo.sh), run in a copy of the tree: it ends by checking its out/ with
# `wenshu verify out`, which passes — the implementing document is typeset beside out/ (seed.pdf),
# not into it, where verify would report it as a file the manifest does not list.
source "$(dirname "$0")/../lib/assert.sh"
T="$TMP/tree"
mkdir -p "$T/tests"
cp -r "$ROOT/samples" "$ROOT/templates" "$ROOT/schemas" "$T/"
cp "$ROOT/tests/demo.sh" "$T/tests/"
cp "$WENSHU" "$T/wenshu"
run env WENSHU_DATADIR="$T" WENSHU_LOCALEDIR="$ROOT/build/locale" "$T/tests/demo.sh"
assert_status 0 "tests/demo.sh runs to its end (verify included)"
assert_contains "$ERR" "wenshu verify: 清单所列" "it ends with wenshu verify out"
assert_file "$T/seed.pdf" "the implementing document is beside out/"
assert_no_file "$T/out/seed.pdf" "and not inside it"
run "$WENSHU" verify "$T/out"
assert_status 0 "wenshu verify out passes on what make demo leaves"
assert_eq "$OUT" "" "no line of changed, missing or added files"
done_testing
