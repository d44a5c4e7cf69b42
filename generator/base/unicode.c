/* unicode — the Han table: the CJK ideograph blocks of Unicode 15.1, whole.
 *
 * Whole blocks rather than assigned characters: a character Unicode adds to one of these
 * blocks counts without a change here, and the few unassigned points at a block's end never
 * occur in text. Between the blocks (U+2A6E0–U+2A6FF, U+2EE60–U+2F7FF, U+2FA20–U+2FFFF and
 * from U+323B0 on) nothing is assigned, and nothing there counts.
 *
 * 〇 (U+3007 IDEOGRAPHIC NUMBER ZERO) counts although it is in the CJK Symbols and
 * Punctuation block: it is Script=Han, written as a character of its own in Chinese dates
 * and numbers (二〇二四年), and counted as one 字 by whoever counts a text's length; every
 * earlier definition in wenshu counted it too. 々 (U+3005, an iteration mark of Japanese
 * text), the radicals (U+2E80–U+2FDF) and the strokes (U+31C0–U+31EF) are not characters of
 * running Chinese text and do not count; linebreak.c gives them the width of one itself. */
#include "base/unicode.h"

#include "base/util.h"

typedef struct {
    uint32_t first, last;
} han_block;

/* In code point order (ws_is_han stops at the first block above cp). */
static const han_block han_blocks[] = {
    {0x3007, 0x3007},   /* 〇 IDEOGRAPHIC NUMBER ZERO (see above) */
    {0x3400, 0x4DBF},   /* CJK Unified Ideographs Extension A */
    {0x4E00, 0x9FFF},   /* CJK Unified Ideographs */
    {0xF900, 0xFAFF},   /* CJK Compatibility Ideographs */
    {0x20000, 0x2A6DF}, /* Extension B */
    {0x2A700, 0x2B73F}, /* Extension C */
    {0x2B740, 0x2B81F}, /* Extension D */
    {0x2B820, 0x2CEAF}, /* Extension E */
    {0x2CEB0, 0x2EBEF}, /* Extension F */
    {0x2EBF0, 0x2EE5F}, /* Extension I (Unicode 15.1) */
    {0x2F800, 0x2FA1F}, /* CJK Compatibility Ideographs Supplement */
    {0x30000, 0x3134F}, /* Extension G */
    {0x31350, 0x323AF}, /* Extension H */
};

int ws_is_han(uint32_t cp)
{
    for (size_t i = 0; i < sizeof han_blocks / sizeof *han_blocks && cp >= han_blocks[i].first; i++)
        if (cp <= han_blocks[i].last) return 1;
    return 0;
}

size_t ws_count_han(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)ws_utf8_decode_lossy(s + i, len - i, &cp); /* U+FFFD for a bad byte: not Han */
        n += (size_t)ws_is_han(cp);
    }
    return n;
}
