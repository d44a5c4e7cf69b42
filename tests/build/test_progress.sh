#!/usr/bin/env bash
# What `wenshu build` shows on a terminal (run on a pseudo-terminal, tests/build/pty_run.py): the
# progress line, rewritten in place; the time left only once there is enough to estimate it
# (2 s and 5 % done — a one-second job never shows one); escape sequences only where the terminal
# takes them (not with TERM=dumb, nor with NO_COLOR set, nor when standard error is no terminal);
# errors and warnings coloured there.
source "$(dirname "$0")/../lib/assert.sh"
PTY="$ROOT/tests/build/pty_run.py"
SAMPLES=("$ROOT"/samples/*.xml)
ESC=$'\033'

on_tty() { # OUTFILE ENV... -- CMD...: on a pseudo-terminal, with the environment given
    local out="$1" vars=()
    shift
    while [ "$1" != "--" ]; do vars+=("$1"); shift; done
    shift
    env "${vars[@]}" python3 "$PTY" "$out" "$@"
}

# A quick build (about a second): progress, no estimate of the time left.
on_tty "$TMP/xterm.txt" TERM=xterm NO_COLOR= -- "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/o1" -j 2
assert_eq "$?" "0" "the build runs on a terminal"
t=$(<"$TMP/xterm.txt")
assert_contains "$t" $'\r'"${ESC}[K已生成 " "TERM=xterm: the progress line is rewritten in place (CR, erase line)"
secs=$(grep -aoP '用时 \K[0-9.]+' "$TMP/xterm.txt")
if awk "BEGIN { exit !($secs < 2) }"; then
    assert_not_contains "$t" "预计还需" "a ${secs}-second build shows no estimate of the time left"
else
    ok "a ${secs}-second build (machine busy): the estimate may be shown # SKIP not under 2 s"
fi
assert_contains "$t" "wenshu build: 生成 " "the summary follows the progress"

on_tty "$TMP/dumb.txt" TERM=dumb -- "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/o2" -j 2
t=$(<"$TMP/dumb.txt")
assert_contains "$t" $'\r'"已生成 " "TERM=dumb: the progress line is still shown"
assert_not_contains "$t" "$ESC" "TERM=dumb: no escape sequence at all"

on_tty "$TMP/nocolor.txt" TERM=xterm NO_COLOR=1 -- "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/o3" -j 2 --force
assert_not_contains "$(<"$TMP/nocolor.txt")" "$ESC" "NO_COLOR=1: no escape sequence at all"

# A record with an error: coloured on a terminal, plain otherwise.
mkdir -p "$TMP/bad"
cp "${SAMPLES[@]}" "$TMP/bad/"
f=$(grep -l '<birth>' "$TMP"/bad/*.xml | head -1)
sed -i '0,/<birth>[^<]*</s//<birth>1980-13-45</' "$f"
on_tty "$TMP/err.txt" TERM=xterm NO_COLOR= -- "$WENSHU" check "$TMP"/bad/*.xml
t=$(<"$TMP/err.txt")
assert_contains "$t" "${ESC}[1;31m错误：${ESC}[0m" "on a terminal the severity of an error is red"
on_tty "$TMP/err-dumb.txt" TERM=dumb -- "$WENSHU" check "$TMP"/bad/*.xml
t=$(<"$TMP/err-dumb.txt")
assert_contains "$t" ": 错误：" "TERM=dumb: the error is there"
assert_not_contains "$t" "$ESC" "TERM=dumb: not coloured"
run env TERM=xterm "$WENSHU" check "$TMP"/bad/*.xml
assert_contains "$ERR" ": 错误：" "standard error not a terminal: the error is there"
assert_not_contains "$ERR$OUT" "$ESC" "standard error not a terminal: not coloured"

done_testing
