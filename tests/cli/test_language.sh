#!/usr/bin/env bash
# The messages' language follows the environment as GNU tools do (LANGUAGE, then LC_ALL,
# LC_MESSAGES, LANG), also where the zh_CN locale is not generated (this machine has only C,
# C.UTF-8 and POSIX, as a fresh Debian): a usage error, a data error, a summary and the help.
# Each run starts from an empty environment (env -i), so nothing of the caller's leaks in.
source "$(dirname "$0")/../lib/assert.sh"
cd "$TMP" || exit 1
SAMPLES=("$ROOT"/samples/*.xml)
printf '# 标题\n\nab\xffcd\n' >bad.md

in_env() { # VAR=VALUE... -- wenshu ARGS...
    local vars=()
    while [ "$1" != "--" ]; do vars+=("$1"); shift; done
    shift
    run env -i PATH="$PATH" "${vars[@]}" "$WENSHU" "$@"
}

# A usage error.
in_env LANG=zh_CN.UTF-8 -- render
assert_status 2 "render without input"
assert_eq "$ERR" "wenshu render: 没有给出输入文件
用法：wenshu render 输入.md [-o 输出.pdf] [--style 样式|文件] [--strict] [--archive]
运行 'wenshu render --help' 可查看详细说明。" "LANG=zh_CN.UTF-8: the usage error in Chinese"
in_env LANG=C.UTF-8 -- render
assert_eq "$ERR" "wenshu render: no input file
usage: wenshu render IN.md [-o OUT.pdf] [--style NAME|FILE] [--strict] [--archive]
Try 'wenshu render --help' for more information." "LANG=C.UTF-8: the usage error in English"
in_env LANG=en_US.UTF-8 -- nosuch
assert_eq "$ERR" "wenshu: unknown command 'nosuch'
usage: wenshu COMMAND [ARGS...]
Try 'wenshu --help' for more information." "LANG=en_US.UTF-8 (not generated either): English"
in_env -- nosuch
assert_contains "$ERR" "wenshu: unknown command 'nosuch'" "no language variable at all: English"

# A data error, in the diagnostic format: file:line:col first, whatever the language.
in_env LANG=zh_CN.UTF-8 -- render bad.md -o bad.pdf
assert_status 1 "an invalid byte is a data error"
assert_eq "$ERR" "bad.md:3:3: 错误：无效的 UTF-8（字节 0xFF），以 U+FFFD 代替印出" "LANG=zh_CN.UTF-8: the data error in Chinese"
in_env LANG=C.UTF-8 -- render bad.md -o bad.pdf
assert_eq "$ERR" "bad.md:3:3: error: invalid UTF-8 (byte 0xFF); it is printed as U+FFFD" "LANG=C.UTF-8: in English"

# A summary (on standard error, like every message; standard output stays empty).
in_env LANG=zh_CN.UTF-8 -- check "${SAMPLES[@]}"
assert_status 0 "the samples check clean"
assert_eq "$ERR" "wenshu check: 3 个文件，38 条记录（活动 1 个，单位 2 个，组织 5 个，党员 30 名）：0 个错误，0 个警告" \
    "LANG=zh_CN.UTF-8: the check summary in Chinese"
assert_eq "$OUT" "" "nothing on standard output"
in_env LANG=C.UTF-8 -- check "${SAMPLES[@]}"
assert_eq "$ERR" "wenshu check: 3 files, 38 records (1 campaign, 2 units, 5 organisations, 30 members): 0 errors, 0 warnings" \
    "LANG=C.UTF-8: the check summary in English"

# LANGUAGE, LC_ALL, LC_MESSAGES, LANG: GNU's order.
in_env LANGUAGE=zh_CN LANG=C.UTF-8 -- nosuch
assert_contains "$ERR" "wenshu: 未知的命令 'nosuch'" "LANGUAGE=zh_CN LANG=C.UTF-8: Chinese"
in_env LANGUAGE=en LANG=zh_CN.UTF-8 -- nosuch
assert_contains "$ERR" "wenshu: unknown command 'nosuch'" "LANGUAGE=en LANG=zh_CN.UTF-8: English (LANGUAGE first)"
in_env LC_ALL=C.UTF-8 LANG=zh_CN.UTF-8 -- nosuch
assert_contains "$ERR" "wenshu: unknown command 'nosuch'" "LC_ALL=C.UTF-8 over LANG=zh_CN.UTF-8: English"
in_env LC_ALL=zh_CN.UTF-8 LANG=C.UTF-8 -- nosuch
assert_contains "$ERR" "wenshu: 未知的命令 'nosuch'" "LC_ALL=zh_CN.UTF-8 over LANG=C.UTF-8: Chinese"
in_env LC_ALL=C.UTF-8 LC_MESSAGES=zh_CN.UTF-8 -- nosuch
assert_contains "$ERR" "wenshu: unknown command 'nosuch'" "LC_ALL over LC_MESSAGES"
in_env LC_MESSAGES=zh_CN.UTF-8 LANG=C.UTF-8 -- nosuch
assert_contains "$ERR" "wenshu: 未知的命令 'nosuch'" "LC_MESSAGES over LANG"
in_env LANG=zh_SG.UTF-8 -- nosuch
assert_contains "$ERR" "wenshu: 未知的命令 'nosuch'" "zh_SG gets the simplified Chinese catalogue too"

# --help on standard output, in the language asked for.
in_env LANG=zh_CN.UTF-8 -- build --help
assert_status 0 "build --help"
assert_contains "$OUT" "用法：wenshu build 记录文件... -o 输出文件夹" "the help in Chinese"
in_env LANG=C.UTF-8 -- build --help
assert_contains "$OUT" "usage: wenshu build DATA... -o OUT" "the help in English"

# Numbers in the PDF do not follow the messages' locale: the same bytes in both languages.
in_env LANG=zh_CN.UTF-8 -- render bad.md -o zh.pdf
in_env LANG=C.UTF-8 -- render bad.md -o c.pdf
assert "the PDF does not depend on the messages' language" cmp -s zh.pdf c.pdf

done_testing
