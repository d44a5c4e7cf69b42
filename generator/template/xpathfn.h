/* xpathfn — the w: functions templates call from XPath: dates in 公文 form, Chinese numerals,
 * heading numbers, character counts, percentages, defaults, joins.
 *
 * Every function is total: a value it cannot interpret (a malformed date, a division by zero) gives
 * back the input or an empty string instead of failing, because checking data is the job of
 * `wenshu check`, and because templates are dry-run at load time against empty values. Only a
 * wrong number of arguments is an error. */
#ifndef WENSHU_XPATHFN_H
#define WENSHU_XPATHFN_H

#include <libxml/xpath.h>

#include "base/util.h"

#define WENSHU_FN_NS "urn:wenshu:functions"

/* Registers the w: prefix and functions, and the EXSLT str:, math:, set: and date: modules. */
void xpathfn_register(xmlXPathContextPtr xc);

/* Allowed argument counts of a w: function (by local name); 0 when there is no such function. */
int xpathfn_arity(const char *local, int *min_args, int *max_args);

/* The same conversions for C callers (and unit tests). */
void xpathfn_cn_numeral(long long n, ws_buf *out);                     /* 11 -> 十一 */
void xpathfn_heading_number(long long n, int level, ws_buf *out);      /* 3,1 -> 三、  3,2 -> （三） */
int xpathfn_date(const char *s, int chinese_digits, ws_buf *out);      /* -1 when s is not a date */
size_t xpathfn_count_chars(const char *s);                           /* non-whitespace characters */
size_t xpathfn_count_han(const char *s);                             /* Han ideographs only */

#endif
