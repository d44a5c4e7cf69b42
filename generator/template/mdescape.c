/* Escaping values for Markdown (see mdescape.h for the rules and why). */
#include "template/mdescape.h"

#include <ctype.h>
#include <string.h>

/* Characters that can start or end Markdown inline structure anywhere in a line. */
static const char inline_special[] = "\\`*_[]<>!#|~&";

static int is_alnum(char c) { return isalnum((unsigned char)c); }

void mdescape_escape_line(ws_buf *out, const char *s, size_t len, int at_block_start)
{
    size_t i = 0;
    if (at_block_start && len) {
        if (s[0] == '-' || s[0] == '+' || s[0] == '=') {
            ws_buf_putc(out, '\\');
        } else {
            /* "1. x" and "1) x" open ordered lists (up to nine digits). */
            size_t d = 0;
            while (d < len && d < 10 && isdigit((unsigned char)s[d])) d++;
            if (d >= 1 && d <= 9 && d < len && (s[d] == '.' || s[d] == ')') &&
                (d + 1 == len || s[d + 1] == ' ' || s[d + 1] == '\t')) {
                ws_buf_put(out, s, d);
                ws_buf_putc(out, '\\');
                ws_buf_putc(out, s[d]);
                i = d + 1;
            }
        }
    }
    for (; i < len; i++) {
        char c = s[i];
        if (c && strchr(inline_special, c)) {
            ws_buf_putc(out, '\\');
        } else if (c == ':' && i + 2 < len && s[i + 1] == '/' && s[i + 2] == '/') {
            ws_buf_putc(out, '\\'); /* http:// would become a link */
        } else if (c == '.' && i >= 3 && !strncasecmp(s + i - 3, "www", 3) && (i == 3 || !is_alnum(s[i - 4]))) {
            ws_buf_putc(out, '\\'); /* and so would www.example.cn */
        }
        ws_buf_putc(out, c);
    }
}

/* Length of a list marker ("-", "*", "+", "12.", "3)") at s followed by a space, else 0. */
static size_t list_marker(const char *s, size_t len)
{
    size_t n = 0;
    if (len >= 1 && (s[0] == '-' || s[0] == '*' || s[0] == '+'))
        n = 1;
    else {
        while (n < len && n < 10 && isdigit((unsigned char)s[n])) n++;
        if (n == 0 || n > 9 || n >= len || (s[n] != '.' && s[n] != ')')) return 0;
        n++;
    }
    return n < len && (s[n] == ' ' || s[n] == '\t') ? n : 0;
}

/* How far back the start of the current line is looked for. Block prefixes (indent, ">" and list
 * markers) are short; without a bound, a template putting many values on one long line costs time
 * quadratic in the line's length. Past the bound the line is content: the value is escaped as
 * inline text, which is always safe, and only the indentation of its further paragraphs is lost. */
#define MD_PREFIX_SCAN 4096

int mdescape_at_block_start(const char *buf, size_t len, ws_buf *continuation, int *heading)
{
    size_t start = len;
    while (start > 0 && buf[start - 1] != '\n') {
        if (len - start >= MD_PREFIX_SCAN) {
            if (heading) *heading = 0;
            return 0;
        }
        start--;
    }
    const char *s = buf + start;
    size_t n = len - start, i = 0;
    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) {
            if (continuation) ws_buf_putc(continuation, s[i]);
            i++;
        }
        if (i < n && s[i] == '>') {
            if (continuation) ws_buf_putc(continuation, '>');
            i++;
            continue;
        }
        size_t m = list_marker(s + i, n - i);
        if (m) {
            /* A continuation line is indented by the marker's width instead of repeating it. */
            if (continuation)
                for (size_t k = 0; k < m; k++) ws_buf_putc(continuation, ' ');
            i += m;
            continue;
        }
        break;
    }
    if (heading) {
        size_t h = 0;
        while (i + h < n && s[i + h] == '#') h++;
        *heading = h >= 1 && h <= 6 && (i + h == n || s[i + h] == ' ' || s[i + h] == '\t');
    }
    return i == n;
}

/* Trims ASCII whitespace and U+3000 (the ideographic space people type to indent) at both ends. */
static void trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    for (;;) {
        if (n && isspace((unsigned char)*p))
            p++, n--;
        else if (n >= 3 && !memcmp(p, "\xe3\x80\x80", 3))
            p += 3, n -= 3;
        else
            break;
    }
    for (;;) {
        if (n && isspace((unsigned char)p[n - 1]))
            n--;
        else if (n >= 3 && !memcmp(p + n - 3, "\xe3\x80\x80", 3))
            n -= 3;
        else
            break;
    }
    *s = p;
    *len = n;
}

/* The next non-empty line of a value, trimmed: values are inserted line by line, blank lines
 * dropped. Returns 0 at the end. */
static int next_value_line(const char **p, const char *end, const char **s, size_t *n)
{
    while (*p < end) {
        const char *nl = memchr(*p, '\n', (size_t)(end - *p));
        const char *line_end = nl ? nl : end;
        *s = *p;
        *n = (size_t)(line_end - *p);
        trim(s, n);
        *p = nl ? nl + 1 : end;
        if (*n) return 1;
    }
    return 0;
}

void mdescape_insert(ws_buf *out, const char *value, size_t len, mdescape_place place)
{
    ws_buf cont = {0};
    int heading = 0;
    int block_start = mdescape_at_block_start(out->data ? out->data : "", out->len, &cont, &heading);
    int join = place == MD_PLACE_TABLE_CELL || heading;
    /* A blank line inside a block quote keeps its ">" so the quote goes on. */
    size_t blank_len = cont.len;
    while (blank_len && (cont.data[blank_len - 1] == ' ' || cont.data[blank_len - 1] == '\t')) blank_len--;

    int first = 1;
    const char *p = value, *end = value + len;
    const char *s;
    size_t n;
    while (next_value_line(&p, end, &s, &n)) {
        if (!first) {
            if (join) {
                ws_buf_putc(out, ' ');
            } else {
                ws_buf_putc(out, '\n');
                ws_buf_put(out, cont.data, blank_len);
                ws_buf_putc(out, '\n');
                ws_buf_put(out, cont.data, cont.len);
                block_start = 1;
            }
        }
        mdescape_escape_line(out, s, n, block_start);
        first = 0;
        block_start = 0;
    }
    ws_buf_free(&cont);
}

void mdescape_plain(ws_buf *out, const char *s, size_t len)
{
    int space = 0, any = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c) || (i + 2 < len && !memcmp(s + i, "\xe3\x80\x80", 3))) {
            if (!isspace(c)) i += 2;
            space = 1;
            continue;
        }
        if (space && any) ws_buf_putc(out, ' ');
        space = 0;
        any = 1;
        ws_buf_putc(out, (char)c);
    }
}

int mdescape_fence_is_markdown(const char *info, size_t len)
{
    /* The first word of the info string names the block (docs/form-elements.md). */
    size_t w = 0;
    while (w < len && !isspace((unsigned char)info[w])) w++;
    return (w == 7 && !memcmp(info, "receipt", 7)) || (w == 4 && !memcmp(info, "keep", 4));
}

void mdescape_insert_literal(ws_buf *out, const char *value, size_t len)
{
    /* Where the value starts a line (after at most three spaces), a run of ``` or ~~~ would close
     * the fence. */
    int line_start = 1; /* only the last four bytes matter: never scan a long line back */
    size_t i = out->len, spaces = 0;
    while (i > 0 && out->data[i - 1] != '\n' && line_start) {
        if (out->data[i - 1] != ' ' || ++spaces > 3) line_start = 0;
        i--;
    }

    int first = 1;
    const char *p = value, *end = value + len;
    const char *s;
    size_t n;
    while (next_value_line(&p, end, &s, &n)) {
        if (!first) ws_buf_putc(out, ' ');
        if (first && line_start && n >= 3 && (s[0] == '`' || s[0] == '~') && s[1] == s[0] && s[2] == s[0]) {
            ws_buf_puts(out, s[0] == '`' ? "\xef\xbd\x80" : "\xef\xbd\x9e"); /* ｀ ～ */
            s++;
            n--;
        }
        ws_buf_put(out, s, n);
        first = 0;
    }
}
