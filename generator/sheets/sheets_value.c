/* sheets_value — cells as the schema wants them: cell names, Excel date serials, dates written as
 * text, full-width characters, ids stored as numbers. Pure functions, no allocation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheets/sheets_int.h"

void sheets_row_add(sheets_row *r, unsigned col, sheets_kind kind, const char *text, size_t len)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->cells = ws_xrealloc(r->cells, r->cap * sizeof *r->cells);
    }
    sheets_cell *c = &r->cells[r->n++];
    memset(c, 0, sizeof *c);
    c->col = col;
    c->kind = kind;
    c->too_long = len > SHEETS_CELL_MAX;
    c->text = ws_xstrndup(text, c->too_long ? SHEETS_CELL_MAX : len);
}

void sheets_row_clear(sheets_row *r)
{
    for (size_t i = 0; i < r->n; i++) free(r->cells[i].text);
    r->n = 0;
}

void sheets_row_free(sheets_row *r)
{
    sheets_row_clear(r);
    free(r->cells);
    r->cells = NULL;
    r->cap = 0;
}

void sheets_cell_name(unsigned col, long row, char out[16])
{
    char letters[8];
    int n = 0;
    unsigned c = col + 1;
    while (c && n < 7) {
        letters[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    int o = 0;
    while (n) out[o++] = letters[--n];
    snprintf(out + o, 16 - (size_t)o, "%ld", row);
}

/* Howard Hinnant's civil_from_days, rewritten: days since 1970-01-01 -> proleptic Gregorian. */
int sheets_civil(long days, char out[11])
{
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) y++;
    if (y < 1 || y > 9999) return -1;
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
    memcpy(out, tmp, 11);
    return 0;
}

int sheets_serial_date(double serial, int date1904, char out[11])
{
    if (!(serial >= 0) || serial > 3000000) return -1;
    long n = (long)floor(serial);
    /* Day 0 of the 1904 system is 1904-01-01 (24107 days before 1970-01-01). The 1900 system
     * counts 1900-01-01 as 1 and has a 1900-02-29 (serial 60, kept from Lotus 1-2-3), so days
     * after it are one off: from 61 on, day 0 is 1899-12-30 (-25569). */
    if (date1904) return sheets_civil(n - 24107, out);
    if (n < 1 || n == 60) return -1;
    return sheets_civil(n < 60 ? n - 25568 : n - 25569, out);
}

void sheets_trim(char *s)
{
    char *w = s;
    for (const char *p = s; *p;) {
        if (*p == '\r') {
            *w++ = '\n';
            p += p[1] == '\n' ? 2 : 1;
        } else {
            *w++ = *p++;
        }
    }
    *w = 0;
    /* spaces at the ends: ASCII, tab, newline, U+3000 (E3 80 80), U+00A0 (C2 A0) */
    char *start = s;
    for (;;) {
        if (*start == ' ' || *start == '\t' || *start == '\n') start++;
        else if (!strncmp(start, "\xE3\x80\x80", 3)) start += 3;
        else if (!strncmp(start, "\xC2\xA0", 2)) start += 2;
        else break;
    }
    size_t n = strlen(start);
    for (;;) {
        if (n && (start[n - 1] == ' ' || start[n - 1] == '\t' || start[n - 1] == '\n')) n--;
        else if (n >= 3 && !strncmp(start + n - 3, "\xE3\x80\x80", 3)) n -= 3;
        else if (n >= 2 && !strncmp(start + n - 2, "\xC2\xA0", 2)) n -= 2;
        else break;
    }
    memmove(s, start, n);
    s[n] = 0;
}

void sheets_halfwidth(char *s)
{
    char *w = s;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        /* U+FF01..U+FF5E are EF BC 81..EF BD 9E; U+3000 is E3 80 80 */
        if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2] >= 0x80 && p[2] <= 0xBF) {
            unsigned cp = 0xF000u | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                *w++ = (char)(cp - 0xFF01 + 0x21);
                p += 3;
                continue;
            }
        }
        if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            *w++ = ' ';
            p += 3;
            continue;
        }
        *w++ = (char)*p++;
    }
    *w = 0;
    sheets_trim(s);
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

static int read_number(const char **p, int maxdigits)
{
    int v = 0, n = 0;
    while (**p >= '0' && **p <= '9' && n < maxdigits) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? v : -1;
}

/* Skips one separator: '-', '/', '.', or the UTF-8 of 年 or 月 (E5 B9 B4, E6 9C 88). */
static int skip_separator(const char **p, int which)
{
    const char *s = *p;
    if (*s == '-' || *s == '/' || *s == '.') {
        *p = s + 1;
        return 1;
    }
    static const char year[] = "\xE5\xB9\xB4", month[] = "\xE6\x9C\x88";
    const char *want = which == 0 ? year : month;
    if (!strncmp(s, want, 3)) {
        *p = s + 3;
        return 1;
    }
    return 0;
}

int sheets_parse_date(const char *s, char out[11])
{
    const char *p = s;
    int y, m, d;
    size_t digits = strspn(s, "0123456789");
    if (digits == 8 && (s[8] == 0 || s[8] == ' ')) {
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[4] - '0') * 10 + (s[5] - '0');
        d = (s[6] - '0') * 10 + (s[7] - '0');
        p = s + 8;
    } else {
        if (digits != 4) return -1;
        y = read_number(&p, 4);
        if (!skip_separator(&p, 0)) return -1;
        m = read_number(&p, 2);
        if (m < 0 || !skip_separator(&p, 1)) return -1;
        d = read_number(&p, 2);
        if (d < 0) return -1;
        if (!strncmp(p, "\xE6\x97\xA5", 3)) p += 3; /* 日 */
    }
    if (*p == ' ' || *p == 'T') {
        /* a time after the date (2005-03-08 00:00:00): digits and colons only */
        p++;
        if (strspn(p, "0123456789:.") != strlen(p)) return -1;
    } else if (*p) {
        return -1;
    }
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return -1;
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 11);
    return 0;
}

int sheets_integer_digits(const char *s, char *out, size_t outlen)
{
    char *end;
    if (!*s) return -1;
    if (strspn(s, "0123456789") == strlen(s)) {
        if (strlen(s) + 1 > outlen) return -1;
        strcpy(out, s);
        return 0;
    }
    double v = strtod(s, &end);
    if (*end || !(v >= 0) || v >= 1e20 || v != floor(v)) return -1;
    snprintf(out, outlen, "%.0f", v);
    return 0;
}
