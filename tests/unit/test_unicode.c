/* Unit tests: what counts as a Han character (base/unicode.h), the one definition behind
 * `wenshu check`'s analysis length, w:han() and the Han–Latin spacing. */
#include <string.h>

#include "base/unicode.h"
#include "template/xpathfn.h"
#include "typeset/linebreak.h"
#include "tap.h"

int main(void)
{
    /* The blocks' edges (base/unicode.c lists them). */
    static const struct {
        uint32_t cp;
        int han;
        const char *what;
    } edges[] = {
        {0x4E00, 1, "U+4E00 一, first of CJK Unified Ideographs"},
        {0x9FFF, 1, "U+9FFF, last of CJK Unified Ideographs"},
        {0x4DFF, 0, "U+4DFF, a Yijing hexagram between Ext. A and the main block"},
        {0x3400, 1, "U+3400, first of Ext. A"},
        {0x4DBF, 1, "U+4DBF, last of Ext. A"},
        {0x33FF, 0, "U+33FF, a CJK compatibility square before Ext. A"},
        {0x20000, 1, "U+20000, first of Ext. B"},
        {0x2A6DF, 1, "U+2A6DF, last of Ext. B"},
        {0x2A6E0, 0, "U+2A6E0, unassigned between Ext. B and C"},
        {0x2A700, 1, "U+2A700, first of Ext. C"},
        {0x2EBF0, 1, "U+2EBF0, first of Ext. I (Unicode 15.1)"},
        {0x2F800, 1, "U+2F800, first of the Compatibility Ideographs Supplement"},
        {0x30000, 1, "U+30000, first of Ext. G"},
        {0x31350, 1, "U+31350, first of Ext. H"},
        {0x323AF, 1, "U+323AF, last of Ext. H"},
        {0x323B0, 0, "U+323B0, past Ext. H"},
        {0x3007, 1, "U+3007 〇 (in dates: 二〇二四年)"},
        {0x3005, 0, "U+3005 々, an iteration mark"},
        {0x3006, 0, "U+3006 〆"},
        {0x3008, 0, "U+3008 〈"},
        {0xF900, 1, "U+F900, first of the Compatibility Ideographs"},
        {0xFAFF, 1, "U+FAFF, last of the Compatibility Ideographs"},
        {0x2F00, 0, "U+2F00 ⼀, a Kangxi radical"},
        {'A', 0, "a Latin letter"},
        {0x00E9, 0, "é"},
        {0x3042, 0, "U+3042 あ, hiragana"},
        {0x30AB, 0, "U+30AB カ, katakana"},
        {0xAC00, 0, "U+AC00 가, hangul"},
        {0xFF10, 0, "U+FF10 ０, a full-width digit"},
        {0x3002, 0, "U+3002 。"},
    };
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
        CHECK(ws_is_han(edges[i].cp) == edges[i].han, "%s: %s", edges[i].what, edges[i].han ? "Han" : "not Han");

    const char *s = "我叫王𠀾，2005年。abc〇";
    CHECK(ws_count_han(s, strlen(s)) == 6, "Han counted incl. outside the BMP and 〇 (%zu)", ws_count_han(s, strlen(s)));
    const char *ext_h = "\xf0\xb1\x8d\x90\xf0\xb2\x8e\xaf"; /* U+31350 U+323AF */
    CHECK(ws_count_han(ext_h, strlen(ext_h)) == 2, "Ext. H counts (the count `check` used stopped at U+3134F)");
    const char *bad = "\xe4\xb8\x80\xff\xe4\xb8\x8e\xe4\xb8"; /* 一, a bad byte, 与, a truncated sequence */
    CHECK(ws_count_han(bad, strlen(bad)) == 2, "invalid bytes are skipped one by one, never Han");
    CHECK(ws_count_han(NULL, 0) == 0 && ws_count_han("", 0) == 0, "empty text: 0");

    /* Its callers agree with it. */
    const char *mix = "关于2024年〇号文件的通知：カ가abc𠀾\xf0\xb2\x8e\xaf";
    CHECK(xpathfn_count_han(mix) == ws_count_han(mix, strlen(mix)), "w:han() counts as `check` does (%zu)",
          xpathfn_count_han(mix));
    int agree = 1;
    for (uint32_t cp = 0; cp < 0x40000; cp++)
        if (ws_is_han(cp) && !(linebreak_is_ideograph(cp) && linebreak_is_wide(cp))) agree = 0;
    CHECK(agree, "every Han character is an ideograph and one 字 wide to the line breaker");
    CHECK(linebreak_is_ideograph(0x3042) && linebreak_is_ideograph(0xAC00) && linebreak_is_ideograph(0x3005) &&
              !linebreak_is_ideograph(0x30FB) && !linebreak_is_ideograph('A'),
          "kana, hangul and 々 take Han's spacing too; ・ and Latin letters do not");
    return TAP_DONE();
}
