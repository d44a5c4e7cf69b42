/* The w: XPath extension functions (see xpathfn.h and docs/templates.md). */
#include "template/xpathfn.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libexslt/exslt.h>
#include <libxml/xpathInternals.h>

#include "base/unicode.h"

static const char *const cn_digit[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

/* 1..9999; `leading` drops the 一 of 一十 at the very start of a number (十一, not 一十一). */
static void cn_section(int s, int leading, ws_buf *out)
{
    static const char *const unit[] = {"", "十", "百", "千"};
    static const int pow10[] = {1, 10, 100, 1000};
    int started = 0, zero = 0;
    for (int pos = 3; pos >= 0; pos--) {
        int d = s / pow10[pos] % 10;
        if (d == 0) {
            if (started) zero = 1;
            continue;
        }
        if (zero) ws_buf_puts(out, "零");
        zero = 0;
        if (!(d == 1 && pos == 1 && !started && leading)) ws_buf_puts(out, cn_digit[d]);
        ws_buf_puts(out, unit[pos]);
        started = 1;
    }
}

/* n >= 1, below 10^16: groups of four digits joined by 万 and 亿, with 零 where a group is short. */
static void cn_positive(long long n, int leading, ws_buf *out)
{
    if (n >= 100000000LL) {
        cn_positive(n / 100000000LL, leading, out);
        ws_buf_puts(out, "亿");
        long long rest = n % 100000000LL;
        if (rest) {
            if (rest < 10000000LL) ws_buf_puts(out, "零");
            cn_positive(rest, 0, out);
        }
        return;
    }
    if (n >= 10000) {
        cn_section((int)(n / 10000), leading, out);
        ws_buf_puts(out, "万");
        int rest = (int)(n % 10000);
        if (rest) {
            if (rest < 1000) ws_buf_puts(out, "零");
            cn_section(rest, 0, out);
        }
        return;
    }
    cn_section((int)n, leading, out);
}

void xpathfn_cn_numeral(long long n, ws_buf *out)
{
    if (n < 0) {
        ws_buf_puts(out, "负");
        n = n == LLONG_MIN ? LLONG_MAX : -n;
    }
    if (n == 0) {
        ws_buf_puts(out, "零");
        return;
    }
    if (n >= 10000000000000000LL) { /* beyond 亿亿: nobody counts that in a form */
        ws_buf_printf(out, "%lld", n);
        return;
    }
    cn_positive(n, 1, out);
}

void xpathfn_heading_number(long long n, int level, ws_buf *out)
{
    /* GB/T 9704-2012 7.3.3: 一、 → （一） → 1. → （1） */
    switch (level) {
    case 2: ws_buf_puts(out, "（"); xpathfn_cn_numeral(n, out); ws_buf_puts(out, "）"); break;
    case 3: ws_buf_printf(out, "%lld.", n); break;
    case 4: ws_buf_printf(out, "（%lld）", n); break;
    default: xpathfn_cn_numeral(n, out); ws_buf_puts(out, "、"); break;
    }
}

static int leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Reads 1..max digits; returns how many, or 0. */
static int digits(const char *s, int max, long *v)
{
    int i = 0;
    *v = 0;
    while (i < max && isdigit((unsigned char)s[i])) *v = *v * 10 + (s[i++] - '0');
    return i;
}

/* 2005 → 二〇〇五 (each digit, the way years are read) */
static void cn_year(long y, ws_buf *out)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", y);
    for (const char *p = buf; *p; p++) ws_buf_puts(out, *p == '0' ? "〇" : cn_digit[*p - '0']);
}

int xpathfn_date(const char *s, int chinese_digits, ws_buf *out)
{
    while (isspace((unsigned char)*s)) s++;
    long y, m = 0, d = 0;
    int n = digits(s, 4, &y);
    if (n != 4 || y < 1) return -1;
    const char *p = s + n;
    int parts = 1;
    if (*p == '-') {
        n = digits(p + 1, 2, &m);
        if (n != 2 || m < 1 || m > 12) return -1;
        p += 1 + n;
        parts = 2;
        if (*p == '-') {
            static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            n = digits(p + 1, 2, &d);
            if (n != 2 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y))) return -1;
            p += 1 + n;
            parts = 3;
        }
    }
    /* xs:date and xs:dateTime may carry a time and a zone; they do not change the calendar day. */
    if (*p == 'T' && parts == 3) p += strcspn(p, " \t\r\n");
    if (*p == 'Z' || ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]))) p += strcspn(p, " \t\r\n");
    while (isspace((unsigned char)*p)) p++;
    if (*p) return -1;

    if (chinese_digits) {
        cn_year(y, out);
        ws_buf_puts(out, "年");
        if (parts >= 2) xpathfn_cn_numeral(m, out), ws_buf_puts(out, "月");
        if (parts >= 3) xpathfn_cn_numeral(d, out), ws_buf_puts(out, "日");
    } else {
        ws_buf_printf(out, "%ld年", y);
        if (parts >= 2) ws_buf_printf(out, "%ld月", m);
        if (parts >= 3) ws_buf_printf(out, "%ld日", d);
    }
    return 0;
}

static int is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

static size_t count_if(const char *s, int (*pred)(uint32_t), int want)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t c;
        int k = ws_utf8_decode_lossy(s + i, len - i, &c);
        if (!!pred(c) == want) n++;
        i += (size_t)k;
    }
    return n;
}

size_t xpathfn_count_chars(const char *s) { return count_if(s, is_space_cp, 0); }
size_t xpathfn_count_han(const char *s) { return ws_count_han(s, strlen(s)); } /* as `check` counts */

/* ---- the XPath side ---- */

static void return_buf(xmlXPathParserContextPtr c, ws_buf *b)
{
    xmlXPathReturnString(c, xmlStrdup(BAD_CAST(b->data ? b->data : "")));
    ws_buf_free(b);
}

/* Pops a string argument; NULL (with the error set) when the stack is broken. */
static char *pop_string(xmlXPathParserContextPtr c)
{
    xmlChar *s = xmlXPathPopString(c);
    if (xmlXPathCheckError(c)) {
        xmlFree(s);
        return NULL;
    }
    return (char *)s;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s)) return 0;
    return 1;
}

/* w:date(d [, 'cn']) */
static void fn_date(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs < 1 || nargs > 2) { xmlXPathSetArityError(c); return; }
    int cn = 0;
    if (nargs == 2) {
        char *style = pop_string(c);
        if (!style) return;
        cn = !strcmp(style, "cn");
        xmlFree(style);
    }
    char *s = pop_string(c);
    if (!s) return;
    ws_buf b = {0};
    if (xpathfn_date(s, cn, &b) < 0) ws_buf_puts(&b, s); /* not a date: shown as written */
    xmlFree(s);
    return_buf(c, &b);
}

/* w:year-month(d): the month a date falls in, 2005年3月 */
static void fn_year_month(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs != 1) { xmlXPathSetArityError(c); return; }
    char *s = pop_string(c);
    if (!s) return;
    /* Only a full, valid date has a month to show; anything else is shown as written. */
    size_t off = strspn(s, " \t\r\n");
    char ym[8] = "";
    if (strlen(s + off) >= 7) {
        memcpy(ym, s + off, 7);
        ym[7] = 0;
    }
    ws_buf b = {0}, check = {0};
    int ok = xpathfn_date(s, 0, &check) == 0 && xpathfn_date(ym, 0, &b) == 0;
    ws_buf_free(&check);
    if (!ok) {
        ws_buf_free(&b);
        ws_buf_puts(&b, s);
    }
    xmlFree(s);
    return_buf(c, &b);
}

/* Reads YYYY-MM-DD (ignoring a time or zone after it) into y, m, d; -1 when it is not a date. */
static int parse_ymd(const char *s, long *y, long *m, long *d)
{
    ws_buf check = {0};
    int ok = xpathfn_date(s, 0, &check) == 0;
    ws_buf_free(&check);
    while (isspace((unsigned char)*s)) s++;
    if (!ok || strlen(s) < 10 || s[4] != '-' || s[7] != '-') return -1;
    *y = strtol(s, NULL, 10);
    *m = strtol(s + 5, NULL, 10);
    *d = strtol(s + 8, NULL, 10);
    return 0;
}

/* w:age(birth, on): full years of age on a date; empty when either is not a date. There is no
 * "today": a document must come out the same whenever it is built. */
static void fn_age(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs != 2) { xmlXPathSetArityError(c); return; }
    char *on = pop_string(c);
    if (!on) return;
    char *birth = pop_string(c);
    if (!birth) {
        xmlFree(on);
        return;
    }
    long by, bm, bd, oy, om, od;
    if (parse_ymd(birth, &by, &bm, &bd) == 0 && parse_ymd(on, &oy, &om, &od) == 0 && oy >= by) {
        long age = oy - by - ((om < bm || (om == bm && od < bd)) ? 1 : 0);
        xmlXPathReturnNumber(c, (double)(age < 0 ? 0 : age));
    } else {
        xmlXPathReturnEmptyString(c);
    }
    xmlFree(on);
    xmlFree(birth);
}

/* Integer value of a number, or 0 when it is not a finite whole number within range. */
static int whole(double v, long long *out)
{
    if (!isfinite(v) || v != floor(v) || fabs(v) > 9.0e15) return 0;
    *out = (long long)v;
    return 1;
}

static void fn_cn(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs != 1) { xmlXPathSetArityError(c); return; }
    double v = xmlXPathPopNumber(c);
    if (xmlXPathCheckError(c)) return;
    ws_buf b = {0};
    long long n;
    if (whole(v, &n))
        xpathfn_cn_numeral(n, &b);
    else if (!isnan(v))
        ws_buf_printf(&b, "%g", v);
    return_buf(c, &b);
}

/* w:heading-number(n [, level]) */
static void fn_heading_number(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs < 1 || nargs > 2) { xmlXPathSetArityError(c); return; }
    double level = 1;
    if (nargs == 2) level = xmlXPathPopNumber(c);
    double v = xmlXPathPopNumber(c);
    if (xmlXPathCheckError(c)) return;
    ws_buf b = {0};
    long long n, lv;
    if (whole(v, &n) && n >= 0) xpathfn_heading_number(n, whole(level, &lv) && lv >= 1 && lv <= 4 ? (int)lv : 1, &b);
    return_buf(c, &b);
}

static void fn_chars(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs != 1) { xmlXPathSetArityError(c); return; }
    char *s = pop_string(c);
    if (!s) return;
    xmlXPathReturnNumber(c, (double)xpathfn_count_chars(s));
    xmlFree(s);
}

static void fn_han(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs != 1) { xmlXPathSetArityError(c); return; }
    char *s = pop_string(c);
    if (!s) return;
    xmlXPathReturnNumber(c, (double)xpathfn_count_han(s));
    xmlFree(s);
}

/* w:percent(part, whole [, digits]) → 85.7% ; empty when whole is 0 or either is not a number */
static void fn_percent(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs < 2 || nargs > 3) { xmlXPathSetArityError(c); return; }
    double digits = 1;
    if (nargs == 3) digits = xmlXPathPopNumber(c);
    double b = xmlXPathPopNumber(c), a = xmlXPathPopNumber(c);
    if (xmlXPathCheckError(c)) return;
    ws_buf out = {0};
    long long dg;
    if (!whole(digits, &dg) || dg < 0) dg = 1;
    if (dg > 6) dg = 6;
    if (isfinite(a) && isfinite(b) && b != 0) {
        double p = a / b * 100.0;
        /* Round half away from zero on the decimal value, as people do by hand (85.75 → 85.8). */
        double scale = pow(10, (double)dg);
        p = round(p * scale + (p >= 0 ? 1e-9 : -1e-9)) / scale;
        if (p == 0) p = 0; /* no "-0.0%" */
        ws_buf_printf(&out, "%.*f", (int)dg, p);
        /* Without a digits argument the figure reads as people write it: 100%, 50%, 85.7% — never
         * a needless "100.0%". An explicit digits argument keeps them all (a column of 12.50%). */
        if (nargs == 2 && memchr(out.data, '.', out.len)) {
            while (out.len && out.data[out.len - 1] == '0') out.len--;
            if (out.len && out.data[out.len - 1] == '.') out.len--;
            out.data[out.len] = '\0';
        }
        ws_buf_puts(&out, "%");
    }
    return_buf(c, &out);
}

/* w:default(value, fallback): value's string, or fallback when it is empty or only whitespace */
static void fn_default(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs != 2) { xmlXPathSetArityError(c); return; }
    char *fallback = pop_string(c);
    if (!fallback) return;
    char *v = pop_string(c);
    if (!v) {
        xmlFree(fallback);
        return;
    }
    int use_fallback = blank(v);
    xmlXPathReturnString(c, xmlStrdup(BAD_CAST(use_fallback ? fallback : v)));
    xmlFree(v);
    xmlFree(fallback);
}

/* w:join(nodes [, separator]): the non-empty string values, separated by 、 unless told otherwise */
static void fn_join(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs < 1 || nargs > 2) { xmlXPathSetArityError(c); return; }
    char *sep = nargs == 2 ? pop_string(c) : (char *)xmlStrdup(BAD_CAST "、");
    if (!sep) return;
    xmlNodeSetPtr ns = xmlXPathPopNodeSet(c);
    if (xmlXPathCheckError(c)) {
        xmlFree(sep);
        return;
    }
    ws_buf b = {0};
    int first = 1;
    for (int i = 0; ns && i < ns->nodeNr; i++) {
        xmlChar *s = xmlXPathCastNodeToString(ns->nodeTab[i]);
        /* Trim, so that pretty-printed XML does not put newlines between the items. */
        const char *p = (const char *)s;
        size_t len = strlen(p);
        while (len && isspace((unsigned char)*p)) p++, len--;
        while (len && isspace((unsigned char)p[len - 1])) len--;
        if (len) {
            if (!first) ws_buf_puts(&b, sep);
            ws_buf_put(&b, p, len);
            first = 0;
        }
        xmlFree(s);
    }
    xmlXPathFreeNodeSet(ns);
    xmlFree(sep);
    return_buf(c, &b);
}

/* The trimmed, non-empty string values of a node-set, in document order; *n gets the count. */
static char **node_strings(xmlNodeSetPtr ns, size_t *n)
{
    char **v = ws_xcalloc(ns && ns->nodeNr ? (size_t)ns->nodeNr : 1, sizeof *v);
    *n = 0;
    for (int i = 0; ns && i < ns->nodeNr; i++) {
        xmlChar *s = xmlXPathCastNodeToString(ns->nodeTab[i]);
        const char *p = (const char *)s;
        size_t len = strlen(p);
        while (len && isspace((unsigned char)*p)) p++, len--;
        while (len && isspace((unsigned char)p[len - 1])) len--;
        if (len) {
            v[*n] = ws_xmalloc(len + 1);
            memcpy(v[*n], p, len);
            v[(*n)++][len] = '\0';
        }
        xmlFree(s);
    }
    return v;
}

/* w:join-cn(nodes [, conjunction]): an enumeration as Chinese prose writes it — 甲, 甲和乙,
 * 甲、乙和丙 — the conjunction (default 和; 及, 以及, 或 …) before the last item only. Equal
 * values are said once (a list of kinds drawn from several records repeats them). */
static void fn_join_cn(xmlXPathParserContextPtr c, int nargs)
{
    if (nargs < 1 || nargs > 2) { xmlXPathSetArityError(c); return; }
    char *conj = nargs == 2 ? pop_string(c) : (char *)xmlStrdup(BAD_CAST "和");
    if (!conj) return;
    xmlNodeSetPtr ns = xmlXPathPopNodeSet(c);
    if (xmlXPathCheckError(c)) {
        xmlFree(conj);
        return;
    }
    size_t n = 0;
    char **v = node_strings(ns, &n);
    size_t k = 0; /* distinct values, first occurrence kept */
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < k && !seen; j++) seen = !strcmp(v[j], v[i]);
        if (seen) free(v[i]);
        else v[k++] = v[i];
    }
    ws_buf b = {0};
    for (size_t i = 0; i < k; i++) {
        if (i) ws_buf_puts(&b, i + 1 == k ? conj : "、");
        ws_buf_puts(&b, v[i]);
        free(v[i]);
    }
    free(v);
    xmlXPathFreeNodeSet(ns);
    xmlFree(conj);
    return_buf(c, &b);
}

static const struct {
    const char *name;
    xmlXPathFunction fn;
    int min, max;
} functions[] = {
    {"date", fn_date, 1, 2},
    {"year-month", fn_year_month, 1, 1},
    {"age", fn_age, 2, 2},
    {"cn", fn_cn, 1, 1},
    {"heading-number", fn_heading_number, 1, 2},
    {"chars", fn_chars, 1, 1},
    {"han", fn_han, 1, 1},
    {"percent", fn_percent, 2, 3},
    {"default", fn_default, 2, 2},
    {"join", fn_join, 1, 2},
    {"join-cn", fn_join_cn, 1, 2},
};

int xpathfn_arity(const char *local, int *min_args, int *max_args)
{
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
        if (!strcmp(functions[i].name, local)) {
            *min_args = functions[i].min;
            *max_args = functions[i].max;
            return 1;
        }
    return 0;
}

void xpathfn_register(xmlXPathContextPtr xc)
{
    xmlXPathRegisterNs(xc, BAD_CAST "w", BAD_CAST WENSHU_FN_NS);
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
        xmlXPathRegisterFuncNS(xc, BAD_CAST functions[i].name, BAD_CAST WENSHU_FN_NS, functions[i].fn);
    exsltStrXpathCtxtRegister(xc, BAD_CAST "str");
    exsltMathXpathCtxtRegister(xc, BAD_CAST "math");
    exsltSetsXpathCtxtRegister(xc, BAD_CAST "set");
    exsltDateXpathCtxtRegister(xc, BAD_CAST "date");
}
