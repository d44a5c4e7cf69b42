#!/usr/bin/env bash
# The command line every subcommand shares (generator/cli/cli_opts.c): --opt=value and --opt value,
# -oFILE and -o FILE, bundled letters, options after the positional arguments, "--", --help and
# --version everywhere, and a usage error as three short lines with exit status 2.
source "$(dirname "$0")/../lib/assert.sh"
SAMPLES=("$ROOT"/samples/*.xml)
COMMANDS=(check merge render build verify import)
export SOURCE_DATE_EPOCH=1113350400

# --version and --help, on wenshu and on every command.
run "$WENSHU" --version
assert_status 0 "wenshu --version"
VERSION="$OUT"
assert_contains "$VERSION" "wenshu " "wenshu --version names the program"
for c in "${COMMANDS[@]}"; do
    run "$WENSHU" "$c" --version
    assert_status 0 "$c --version"
    assert_eq "$OUT" "$VERSION" "$c --version prints the version"
    run "$WENSHU" "$c" --help
    assert_status 0 "$c --help"
    assert_contains "$OUT" "用法：wenshu $c" "$c --help prints the usage on stdout"
    assert_contains "$OUT" "--version" "$c --help lists --version"
    run "$WENSHU" "$c" -h
    assert_contains "$OUT" "用法：wenshu $c" "$c -h is --help"
done

# A bad option: what is wrong, the synopsis and a hint — not the whole help — and exit 2.
for c in "${COMMANDS[@]}"; do
    run "$WENSHU" "$c" --bogus
    assert_status 2 "$c --bogus is a usage error"
    assert_contains "$ERR" "wenshu $c: 未知的选项 '--bogus'" "$c: the option is named"
    assert_contains "$ERR" "运行 'wenshu $c --help' 可查看详细说明。" "$c: the hint names --help"
    assert "$c: at most three lines ($(wc -l <<<"$ERR"))" test "$(wc -l <<<"$ERR")" -le 3
    assert_eq "$(grep -c '^用法：wenshu' <<<"$ERR")" "1" "$c: one usage line"
    assert_not_contains "$ERR" "exit status" "$c: not the whole help"
    assert_eq "$OUT" "" "$c: nothing on stdout"
done
run "$WENSHU" check -qx "${SAMPLES[@]}"
assert_status 2 "an unknown letter inside a bundle"
assert_contains "$ERR" "未知的选项 '-x'" "the letter is named"
run "$WENSHU" check --strict=1 "${SAMPLES[@]}"
assert_status 2 "a value for an option that takes none"
assert_contains "$ERR" "--strict 不带值" "says so"
run "$WENSHU" render --s "$ROOT/tests/render/fixtures/grid.md" -o "$TMP/x.pdf"
assert_status 2 "an ambiguous abbreviation"
assert_contains "$ERR" "选项 '--s' 有歧义" "is called ambiguous"
run "$WENSHU" merge "$ROOT/templates/feedback.md" "${SAMPLES[@]}" --record
assert_status 2 "a missing value"
assert_contains "$ERR" "--record 需要编号" "says what the value is"
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/b" --form=
assert_status 2 "an empty value"
assert_contains "$ERR" "--form 需要表单名称" "is refused like a missing one"
run "$WENSHU" bogus
assert_status 2 "an unknown command"
assert "an unknown command: at most three lines" test "$(wc -l <<<"$ERR")" -le 3
assert_contains "$ERR" "运行 'wenshu --help' 可查看详细说明。" "with the hint"

# --opt=value, --opt value, -oFILE, -o FILE: the same PDF.
MD="$ROOT/tests/render/fixtures/grid.md"
run "$WENSHU" render "$MD" -o "$TMP/r1.pdf" --style form
assert_status 0 "render -o FILE --style NAME"
run "$WENSHU" render "$MD" -o"$TMP/r2.pdf" --style=form
assert_status 0 "render -oFILE --style=NAME"
run "$WENSHU" render --output="$TMP/r3.pdf" --style=form "$MD"
assert_status 0 "render --output=FILE, options before the input"
run "$WENSHU" render --output "$TMP/r4.pdf" "$MD" --style form
assert_status 0 "render --output FILE"
assert "the four spellings make the same PDF" cmp -s "$TMP/r1.pdf" "$TMP/r2.pdf"
assert "--output=FILE too" cmp -s "$TMP/r1.pdf" "$TMP/r3.pdf"
assert "--output FILE too" cmp -s "$TMP/r1.pdf" "$TMP/r4.pdf"
run "$WENSHU" render "$MD" -o "$TMP/r5.pdf"
if cmp -s "$TMP/r1.pdf" "$TMP/r5.pdf"; then not_ok "--style changes the PDF"; else ok "--style changes the PDF (so it was read)"; fi

run "$WENSHU" merge --record=M01 "$ROOT/templates/feedback.md" "${SAMPLES[@]}"
assert_status 0 "merge --record=ID"
BY_EQ="$OUT"
assert_contains "$BY_EQ" "王𠀾" "prints that record"
run "$WENSHU" merge "$ROOT/templates/feedback.md" "${SAMPLES[@]}" --record M01
assert_eq "$OUT" "$BY_EQ" "merge TEMPLATE DATA --record ID: the same, option last"

# Bundled letters, and a value attached to the last one.
run "$WENSHU" build "${SAMPLES[@]}" -qj2 --form feedback --record M01 -o"$TMP/b1"
assert_status 0 "build -qj2 -oDIR"
assert_eq "$ERR" "" "-q inside the bundle silences the summary"
assert_file "$TMP/b1/manifest.json" "-oDIR is the output folder"
run "$WENSHU" build "${SAMPLES[@]}" -qj0 -o "$TMP/b2"
assert_status 2 "-qj0: the value of -j inside a bundle is checked"
assert_contains "$ERR" "-j 需要工作进程数（1 至 1024），不能是 '0'" "with the reason"
run "$WENSHU" build "${SAMPLES[@]}" --jobs=2 --form=feedback --record=M01 -o "$TMP/b3" --quiet
assert_status 0 "build --jobs=2 --form=NAME --record=ID"
assert_eq "$(cat "$TMP/b3/manifest.json")" "$(cat "$TMP/b1/manifest.json")" "the same manifest as the short spellings"
run "$WENSHU" build "${SAMPLES[@]}" -o "$TMP/b4" -o "$TMP/b5"
assert_status 2 "-o twice is still refused"
run "$WENSHU" verify -q "$TMP/b1"
assert_status 0 "verify -q OUT"
assert_eq "$ERR" "" "-q silences verify"
run "$WENSHU" verify "$TMP/b1" --quiet
assert_status 0 "verify OUT --quiet: an option after the folder"
assert_eq "$ERR" "" "and it is read"

# Options after the files (GNU permutation), and "--" ending the options.
run "$WENSHU" check "${SAMPLES[@]}" -q
assert_status 0 "check FILE... -q"
assert_eq "$OUT" "" "-q after the files is read"
mkdir -p "$TMP/dash"
cp "${SAMPLES[@]}" "$TMP/dash/"
mv "$TMP/dash/members-fly.xml" "$TMP/dash/-fly.xml"
cd "$TMP/dash" || exit 1
run "$WENSHU" check campaign.xml members-mzj.xml -fly.xml
assert_status 2 "without --, a file named -fly.xml reads as options"
run "$WENSHU" check -q -- campaign.xml members-mzj.xml -fly.xml
assert_status 0 "after --, -fly.xml is a file"
run "$WENSHU" check -- -q campaign.xml members-mzj.xml -fly.xml
assert_status 2 "after --, -q is a file too (which does not exist)"
assert_contains "$ERR" "-q: 错误：无法读取：无法打开" "and is reported as one"
run "$WENSHU" merge -- "$ROOT/templates/feedback.md" campaign.xml members-mzj.xml -fly.xml --record M01
assert_status 2 "after --, --record is a file name too"
assert_contains "$ERR" "--record: 错误：无法读取：没有那个文件或目录" "and is reported as one"
cd "$ROOT" || exit 1

done_testing
