/* unicode — what counts as a Han character (汉字): one definition for the whole tool.
 *
 * `wenshu check` measures a 党性分析材料 in Han characters (records_rules.c), templates
 * count them with w:han() (xpathfn.c), and the paragraph builder spaces Han against Latin
 * letters (linebreak.c). All three ask this module, so a text's length is the same number
 * whichever of them reports it. Which code points count, and why, is said in unicode.c. */
#ifndef WENSHU_UNICODE_H
#define WENSHU_UNICODE_H

#include <stddef.h>
#include <stdint.h>

/* 1 when cp is a Han character (unicode.c: the blocks of Unicode 15.1, and 〇), else 0. */
int ws_is_han(uint32_t cp);

/* The Han characters in len bytes of UTF-8 at s (s may be NULL when len is 0). An invalid
 * byte is skipped on its own and is not a Han character. */
size_t ws_count_han(const char *s, size_t len);

#endif
