#!/usr/bin/env bash
# A records file edited by hand and broken: each usual mistake gets one Chinese sentence saying
# what is wrong and what to type, at the file's line and column (records_xmlerr.c), and one only
# (libxml2 reports a cascade at the same place).
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT" || exit 2
zh() { run env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 "$@"; }
en() { run env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 "$@"; }
H='<wenshu xmlns="urn:wenshu:campaign:1">'

broken() { # name content expected-message description
    printf '%s\n' "$2" >"$TMP/$1.xml"
    zh "$WENSHU" check "$TMP/$1.xml"
    assert_status 1 "$4: a data error"
    assert_contains "$ERR" "$TMP/$1.xml:$3" "$4"
    assert_eq "$(grep -c ': 错误：' <<<"$ERR")" 1 "$4: one message, not a cascade"
}

broken tag "$H<member id=\"M1\"><name>王芳</nam></member></wenshu>" \
    "1:69: 错误：第 1 行的开始标签 <name> 在此处遇到结束标签 </nam>：开始标签和结束标签的名称必须相同（其中一个拼错了，或者漏写了结束标签）" \
    "a misspelt end tag"
broken amp "$H<member id=\"M1\"><name>张三&李四</name></member></wenshu>" \
    "1:66: 错误：XML 中的“&”表示字符引用：如要写“&”这个字符本身，请写成 &amp;" \
    "an & typed in a name"
broken entity "$H<member id=\"M1\"><name>张三&nbsp;</name></member></wenshu>" \
    "1:69: 错误：不认识 &nbsp;：如要写“&”这个字符本身，请写成 &amp;" \
    "an HTML entity"
broken quote "$H<member id=\"M1\" gender=男></member></wenshu>" \
    "1:62: 错误：属性值应写在引号中，如 gender=\"男\"" \
    "a value without quotes"
broken lt "$H<member id=\"M1\"><name>a < b</name></member></wenshu>" \
    "1:64: 错误：“<”后应是标签名：如要在文字中写“<”本身，请写成 &lt;" \
    "a < in text"
broken twice "$H<member id=\"M1\" id=\"M2\"></member></wenshu>" \
    "1:62: 错误：属性 id 在这个标签中写了两次：请只保留一个" \
    "an attribute written twice"
broken open "$H<member id=\"M1\">" \
    "1:55: 错误：XML 在此处没有正确结束：每个开始标签都要有对应的结束标签（如 <member> … </member>），</wenshu> 之后也不能再有内容" \
    "a file that ends inside a record"

# In English where the locale is not Chinese.
en "$WENSHU" check "$TMP/amp.xml"
assert_contains "$ERR" "amp.xml:1:66: error: an & in text starts a character reference in XML: to write & itself, type &amp;" \
    "the English wording"
done_testing
