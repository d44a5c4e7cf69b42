#!/usr/bin/env bash
# Hostile templates given to `wenshu merge`: recursion through partials (across files), partial
# names that try to leave partials/, blocks and brackets nested 10 000 deep, a runaway loop making
# an enormous document, an empty file, a directory, bytes that are not UTF-8, a file over the size
# limit. Unclosed blocks and unknown functions are covered by tests/templates/test_merge.sh.
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
DATA=(samples/campaign.xml samples/members-mzj.xml samples/members-fly.xml)
T="$TMP/tpl"
mkdir -p "$T/partials"
front='---\nname: t\ntitle: 测试\nrecords: //member\n---\n'

# merge_case NAME WHAT [merge options]: merges $T/NAME.md with the samples under the bounds.
merge_case() {
    local name=$1 what=$2; shift 2
    bounded "$WENSHU" merge "$@" "$T/$name.md" "${DATA[@]}"
    assert_no_crash "$what"
}

printf -- "$front{{> self}}\n" >"$T/self.md"
printf '自己{{> self}}\n' >"$T/partials/self.md"
merge_case self "a partial that includes itself"
assert_status 2 "a partial that includes itself is a template error"
assert_contains "$ERR" "partials/self.md:1:3: 错误：片段“self”引用了它自己：self → self" "self-inclusion: named with the chain"

printf -- "$front{{> a}}\n" >"$T/ab.md"
printf '甲{{> b}}\n' >"$T/partials/a.md"
printf '乙\n{{#if 1}}\n{{> a}}\n{{/if}}\n' >"$T/partials/b.md"
merge_case ab "two partials that include each other"
assert_status 2 "mutual inclusion is a template error"
assert_contains "$ERR" "partials/b.md:3:1: 错误：片段“a”引用了它自己：a → b → a" "mutual inclusion: named with the chain"

printf -- "$front{{> ../../../../../etc/passwd}}\n{{> /etc/passwd}}\n{{> ..}}\n" >"$T/escape.md"
merge_case escape "partial names that leave partials/"
assert_status 2 "partial names with '/' or '..' are refused"
assert_contains "$ERR" "escape.md:6:1: 错误：片段名只能由字母、数字、“-”和“_”组成（对应文件 partials/名称.md）" "../ in a partial name: refused at its place"
assert_contains "$ERR" "escape.md:7:1: 错误：片段名只能由" "an absolute partial path: refused"
assert_not_contains "$(cat "$TMP/bounded.out")$ERR" "root:" "nothing of /etc/passwd is printed"

python3 - "$T" <<'PY'
import sys, os
d = sys.argv[1]
front = "---\nname: t\ntitle: 测试\nrecords: //member\n---\n"
def w(name, text): open(os.path.join(d, name + ".md"), "w", encoding="utf-8").write(front + text)
w("deepif", "{{#if 1}}" * 10000 + "x" + "{{/if}}" * 10000 + "\n")
w("deepeach", "{{#each .}}\n" * 10000 + "x\n" + "{{/each}}\n" * 10000)
w("deepxpath", "{{ " + "(" * 10000 + "1" + ")" * 10000 + " }}\n")
w("deeppred", "{{ name" + "[1" * 5000 + "]" * 5000 + " }}\n")
# Three nested loops over every element: hundreds of millions of lines unless something stops it.
w("runaway", "{{#each //*}}\n{{#each //*}}\n{{#each //*}}\n{{ $campaign/name }}\n{{/each}}\n{{/each}}\n{{/each}}\n")
open(os.path.join(d, "toolarge.md"), "w").write(front + "字" * 400000 + "\n")
open(os.path.join(d, "badutf.md"), "wb").write(front.encode() + "姓名\n".encode() + b"\xff\xfe\xc0\xaf \x00\x00 end\n")
PY

merge_case deepif "{{#if}} nested 10 000 deep"
assert_status 2 "deeply nested blocks are a template error"
assert_contains "$ERR" "deepif.md:6:577: 错误：块嵌套超过 64 层" "deep blocks: refused where the 65th opens"

merge_case deepeach "{{#each}} nested 10 000 deep, one per line"
assert_status 2 "deeply nested loops are a template error"
assert_contains "$ERR" "deepeach.md:70:1: 错误：块嵌套超过 64 层" "deep loops: refused at the 65th line"

merge_case deepxpath "an XPath expression with 10 000 nested brackets"
assert_status 2 "deeply nested XPath is a template error"
assert_contains "$ERR" "deepxpath.md:6:" "deep XPath: the place is given"
assert_contains "$ERR" "括号嵌套过深" "deep XPath: the reason is given"

merge_case deeppred "an XPath expression with 5 000 nested predicates"
assert_status 2 "deeply nested predicates are a template error"
assert_contains "$ERR" "deeppred.md:6:136: 错误：括号嵌套过深" "deep predicates: refused where the nesting passes the limit"

LANG=zh_CN.UTF-8 merge_case runaway "three nested loops over every element" --record M01
assert_status 1 "a runaway loop is an error for the record, not a hang"
# The per-record step budget (4 000 000) stops it before its 16 MiB of output would.
# The line is that of the tag where the budget ran out (8 or 9: it depends on how many elements
# the samples have), so the position is matched as a pattern.
assert "runaway loop: named with its position, the record and the limit" \
    grep -qE "runaway\\.md:[89]:1: 错误：记录 M01：模板对这条记录的求值超过 4000000 步" <<<"$ERR"
assert_not_contains "$ERR" "XPath operation limit exceeded" "runaway loop: no libxml2 noise"
assert_eq "$(wc -c <"$TMP/bounded.out")" 0 "runaway loop: no partial document is printed"

# The same runaway loop with all its output on one line: every insertion looks back for the start
# of its line, which is bounded (mdescape.c MD_PREFIX_SCAN) — unbounded, this took minutes.
printf -- "$front{{#each //*}}{{#each //*}}{{ \$campaign/name }}{{/each}}{{/each}}\n" >"$T/oneline.md"
merge_case oneline "a runaway loop on one output line" --record M01
# On the samples the line stays under the 16 MiB limit of a merged document, so it is merged.
assert_status 0 "a runaway loop on one line finishes, merged (not a time-out)"

: >"$T/empty.md"
merge_case empty "a 0-byte template"
assert_status 2 "an empty template is a template error"
assert_contains "$ERR" "empty.md:1:1: 错误：表单模板应以表头开始" "empty template: says what a template starts with"

mkdir -p "$T/dir.md"
merge_case dir "a directory given as the template"
assert_status 2 "a directory as template is an I/O error"
assert_contains "$ERR" "dir.md: 错误：无法读取：是文件夹" "directory: says so"

merge_case badutf "a template with invalid UTF-8 and NUL bytes"
assert_status 2 "invalid UTF-8 in a template is a template error"
assert_contains "$ERR" "badutf.md:7:1: 错误：不是有效的 UTF-8 编码（请把文件另存为 UTF-8 编码）" "invalid UTF-8: the line is given"

merge_case toolarge "a 1.2 MB template"
assert_status 2 "a template over the size limit is refused"
assert_contains "$ERR" "toolarge.md: 错误：无法读取表单模板：文件过大（" "too large: the limit is named"

done_testing
