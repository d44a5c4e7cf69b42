/* linebreak — where a line of Chinese text may break, by GB/T 15834 and CLREQ.
 *
 * Break opportunities come from libunibreak (Unicode UAX #14 "Unicode Line Breaking
 * Algorithm", language "zh"), tailored to the prohibition rules for line start and line end
 * of W3C CLREQ ("Requirements for Chinese Text Layout"), at the level it gives for GB-style
 * (Mainland) text, which follows GB/T 15834-2011 "标点符号用法" — plus the strict treatment of
 * —— and …… (they never start a line: pdfcheck flags them). The classes here are also what
 * the paragraph builder needs for punctuation compression and Han–Latin spacing. What the
 * rules look like to a user: README ("Who it is for"), docs/layout-api.md §1, docs/styles.md. */
#ifndef WENSHU_LINEBREAK_H
#define WENSHU_LINEBREAK_H

#include <stddef.h>
#include <stdint.h>

enum { LB_MUST = 0, LB_ALLOW = 1, LB_NO = 2 }; /* the values libunibreak uses */
/* A break between the fields of a date (2005年 | 5月31日): not an opportunity, but the one a
 * justified line may take when moving the whole date down would leave it spaced out. */
enum { LB_LAST_RESORT = 4 };

/* brks[i] says whether a line may break after cps[i] (brks[n-1] is LB_MUST). A number is
 * never parted from its unit (2005年, 30%, 12项), nor 第 from its number; a date or time
 * (2005年5月31日, 5月31日, 10时30分) is one unit, with LB_LAST_RESORT between its fields. */
void linebreak_compute(const uint32_t *cps, size_t n, char *brks);

int linebreak_no_line_start(uint32_t cp); /* 。，）》… may not begin a line */
int linebreak_no_line_end(uint32_t cp);   /* （《“ may not end one */

/* Which side of a full-width mark's em box is blank (and can be compressed). */
typedef enum { PUNCT_NONE, PUNCT_OPEN, PUNCT_CLOSE, PUNCT_MIDDLE } punct_kind;
punct_kind linebreak_punct_kind(uint32_t cp);

/* Han here is base/unicode.h's ws_is_han, the one definition `check` and w:han() use too. */
int linebreak_is_wide(uint32_t cp);        /* Han, kana, hangul, CJK punctuation, full-width forms */
int linebreak_is_ideograph(uint32_t cp);   /* Han, kana, hangul: what takes ¼ em next to Latin letters */
int linebreak_is_latin_alnum(uint32_t cp); /* ASCII/Latin-1 letters and digits */
int linebreak_is_space(uint32_t cp);

/* How good a line break between words is, for text that must break between words (titles,
 * headings, the 署名: GB/T 9704 "回行时要做到词意完整"). Words come from ICU's dictionary
 * segmenter (segment.h) with wenshu's lists on top: organisation suffixes (委员会 支部 党委
 * 党组 总支 机关 管理所...) and the campaign's set phrases are whole, and 临江|市 is not a
 * boundary. For each position b in 1..n-1 (between cps[b-1] and cps[b]) sets quality[b]:
 * 0 inside a word; 1 a poor boundary (inside a 关于...的 phrase, or before a suffix);
 * 2 a word boundary, or after a function word or mark (的 于 和 与 及 暨 、 ，...);
 * 3 after an organisation suffix or after the 的 that closes 关于...的; 4 before 关于 (the
 * 发文机关 | 关于 + 事由 break of a 公文 title). quality[0] is unused. Costs one ICU pass:
 * for short texts only. */
void linebreak_title_breaks(const uint32_t *cps, size_t n, unsigned char *quality);

/* Rewrites ASCII , ; : ? ! ( ) " that stand in Chinese text as their full-width forms
 * (，；：？！（）“”), deciding by role and context; Latin text keeps its ASCII marks. */
void linebreak_normalise_punctuation(uint32_t *cps, size_t n);

#endif
