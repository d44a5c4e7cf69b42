#!/usr/bin/env bash
# tests/layers.py (make layers) catches what it is for: an include pointing up the pipeline, another
# folder's private _int.h, a third-party header outside the stage that owns it — each printed as
# FILE:LINE with exit 1 — and passes a tree that has none. The clean case runs on a small tree
# made here, not on generator/ (whose state is not this test's business); the injected cases run
# on both.
source "$(dirname "$0")/../lib/assert.sh"
LAYERS="$ROOT/tests/layers.py"

# put FILE LINES...: writes a source file of the tree under the current directory.
put() { local f=$1; shift; mkdir -p "$(dirname "$f")"; printf '%s\n' "$@" >"$f"; }

# inject: the three offences, each on line 2 of its file.
inject() {
    put generator/records/layers_up.c '/* test */' '#include "cli/commands.h"' 'int records_layers_up;'
    put generator/cli/layers_private.c '/* test */' '#include "records/records_int.h"' 'int cli_layers_private;'
    put generator/typeset/layers_hb.c '/* test */' '#include <hb.h>' 'int typeset_layers_hb;'
}
assert_offences() { # WHAT
    assert_status 1 "$1: exit 1"
    assert_contains "$OUT" "generator/records/layers_up.c:2: #include \"cli/commands.h\": records may include only base (cli is above records)" "$1: the upward include, FILE:LINE"
    assert_contains "$OUT" "generator/cli/layers_private.c:2: #include \"records/records_int.h\": records/records_int.h is private to records/" "$1: the other folder's _int.h, FILE:LINE"
    assert_contains "$OUT" "generator/typeset/layers_hb.c:2: #include <hb.h>: HarfBuzz belongs to fonts/" "$1: <hb.h> in typeset/, FILE:LINE"
}

# A small tree that keeps every rule.
mkdir -p "$TMP/synth" && cd "$TMP/synth" || exit 1
put generator/base/util.h '#ifndef U_H' '#define U_H' 'int ws_x(void);' '#endif'
put generator/base/util.c '#include <stdio.h>' '#include "base/util.h"' 'int ws_x(void) { return 0; }'
put generator/records/records.h '#include "base/util.h"'
put generator/records/records_int.h '#include <libxml/tree.h>' '#include "records/records.h"'
put generator/records/records.c '#include "records/records_int.h"' '#include "records.h"'
put generator/fonts/fonts.h '#include "base/util.h"'
put generator/fonts/fonts.c '#include <hb.h>' '#include <fontconfig/fontconfig.h>' '#include "fonts/fonts.h"'
put generator/typeset/layout.c '#include "fonts/fonts.h"' '#include "base/util.h"'
put generator/cli/commands.h '#include "base/util.h"'
put generator/cli/main.c '#include "cli/commands.h"' '#include "records/records.h"'
run python3 "$LAYERS" --root .
assert_status 0 "a tree that keeps the rules passes"
assert_eq "$(grep -c '^generator/' <<<"$OUT")" 0 "and no problem is printed"
assert_contains "$OUT" "includes only downward" "the summary says so"
inject
run python3 "$LAYERS" --root .
assert_offences "the small tree with the three offences"
assert_eq "$(grep -c '^generator/' <<<"$OUT")" 3 "exactly the three offences are reported"

# The same offences injected into a copy of the real generator/.
mkdir -p "$TMP/real" && cp -r "$ROOT/generator" "$TMP/real/" && cd "$TMP/real" || exit 1
inject
run python3 "$LAYERS" --root .
assert_offences "a copy of generator/ with the three offences"
cd "$ROOT" || exit 1

done_testing
