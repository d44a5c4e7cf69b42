#!/usr/bin/env bash
# The documentation's examples run as written. A fenced block right after a line
#     <!-- runnable: ... -->
# is a shell script, run with bash -e -o pipefail; a block right after
#     <!-- file: PATH -->
# is written to PATH first (the complete template of docs/templates.md, which later blocks use).
# Each document runs in a scratch folder holding copies of samples/, templates/ and schemas/,
# with wenshu on PATH, in the order its blocks appear; every command must succeed without an
# error message.
source "$(dirname "$0")/../lib/assert.sh"
BIN="$TMP/bin"
mkdir -p "$BIN"
ln -s "$WENSHU" "$BIN/wenshu"
export WENSHU_DATADIR="$ROOT"

# extract DOC DIR: writes DIR/NN.sh (runnable) and DIR/NN.file (with DIR/NN.path) in order.
extract() {
    python3 - "$1" "$2" <<'PY'
import re, sys, os
doc, out = sys.argv[1], sys.argv[2]
lines = open(doc, encoding='utf-8').read().split('\n')
n = 0
i = 0
while i < len(lines):
    m = re.match(r'^<!-- (runnable|file): ?(.*?) ?-->$', lines[i])
    if m and i + 1 < len(lines) and lines[i + 1].startswith('```'):
        j = i + 2
        while not lines[j].startswith('```'):
            j += 1
        body = '\n'.join(lines[i + 2:j]) + '\n'
        n += 1
        if m.group(1) == 'runnable':
            open(os.path.join(out, '%02d.sh' % n), 'w', encoding='utf-8').write(body)
        else:
            open(os.path.join(out, '%02d.file' % n), 'w', encoding='utf-8').write(body)
            open(os.path.join(out, '%02d.path' % n), 'w').write(m.group(2))
        i = j
    i += 1
PY
}

total=0
for doc in README.md docs/*.md; do
    blocks="$TMP/blocks/$(basename "$doc" .md)"
    mkdir -p "$blocks"
    extract "$ROOT/$doc" "$blocks"
    ls "$blocks"/* >/dev/null 2>&1 || continue
    work="$TMP/work/$(basename "$doc" .md)"
    mkdir -p "$work"
    cp -r "$ROOT/samples" "$ROOT/templates" "$ROOT/schemas" "$work/"
    for b in "$blocks"/*; do
        case "$b" in
        *.file)
            dest="$work/$(cat "${b%.file}.path")"
            mkdir -p "$(dirname "$dest")"
            cp "$b" "$dest"
            ;;
        *.sh)
            total=$((total + 1))
            first=$(grep -m1 -v '^\s*$' "$b")
            run env PATH="$BIN:$PATH" bash -e -o pipefail -c "cd '$work' && source '$b'"
            assert_status 0 "$doc: the example '${first:0:70}' runs"
            if grep -q ': 错误：\|: error: ' <<<"$ERR"; then not_ok "$doc: '${first:0:70}' reports an error: ${ERR:0:300}"
            else ok "$doc: '${first:0:70}' reports no error"; fi
            ;;
        esac
    done
done
assert "the documents mark runnable examples (found $total)" test "$total" -ge 4
# What the complete example of docs/templates.md makes, from outside.
W="$TMP/work/templates"
assert_file "$W/M01.pdf" "docs/templates.md: the example's PDF is made"
assert_contains "$(pdftotext "$W/M01.pdf" - 2>/dev/null)" "肯定成绩" "docs/templates.md: the PDF holds the example's text"
(cd "$W" && "$WENSHU" merge --record M01 templates/example.md samples/*.xml | "$WENSHU" render - -o pipe.pdf)
assert "docs/templates.md: merge | render - gives the PDF render M01.md gives" cmp -s "$W/M01.pdf" "$W/pipe.pdf"
done_testing
