/* sheets_csv — one sheet as comma-separated values (RFC 4180), in UTF-8 (with or without the BOM
 * Excel writes for "CSV UTF-8") or, when the bytes are not UTF-8, in GB18030 — what Chinese Excel
 * and WPS write for plain "CSV" (GBK is a subset) — converted with iconv; --encoding names any
 * other iconv encoding.
 *
 * Our own reader rather than libcsv: RFC 4180 is forty lines (quoted fields, doubled quotes, CRLF
 * or LF, newlines inside quotes), and we need what libcsv does not give — the row and column of
 * each field for messages, and the same cell type as the other readers — without one more
 * library to package. The file is read whole (at most SHEETS_PART_MAX bytes, the same bound as a
 * workbook's part) and rows are handed on one at a time. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheets/sheets_int.h"
#include "base/i18n.h"

/* Converts in to UTF-8 from encoding; -1 at the first byte that is not of that encoding
 * (its offset in *bad). */
static int to_utf8(const char *encoding, const char *in, size_t len, ws_buf *out, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1) return -2;
    char *src = (char *)in;
    size_t left = len;
    char chunk[4096];
    int rc = 0;
    while (left) {
        char *dst = chunk;
        size_t room = sizeof chunk;
        size_t r = iconv(cd, &src, &left, &dst, &room);
        ws_buf_put(out, chunk, sizeof chunk - room);
        if (r == (size_t)-1 && errno != E2BIG) {
            *bad = (size_t)(src - in);
            rc = -1;
            break;
        }
    }
    iconv_close(cd);
    return rc;
}

int sheets_read_csv(const char *path, const char *display, const char *sheet, const char *encoding,
                    const sheets_sink *s, diag *d)
{
    ws_buf raw = {0}, text = {0};
    char err[256];
    if (ws_read_file(path, SHEETS_PART_MAX, &raw, err, sizeof err)) {
        diag_report(d, DIAG_ERROR, (diag_loc){display, 0, 0, NULL}, _("cannot read the file: %s"), err);
        ws_buf_free(&raw);
        return EXIT_USAGE;
    }
    const char *data = raw.data;
    size_t len = raw.len, bad = 0;
    if (!encoding && len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
        data += 3;
        len -= 3;
    }
    const char *enc = encoding ? encoding : ws_utf8_valid(data, len, &bad) ? "UTF-8" : "GB18030";
    if (strcmp(enc, "UTF-8")) {
        int rc = to_utf8(enc, data, len, &text, &bad);
        if (rc == -2) {
            diag_report(d, DIAG_ERROR, (diag_loc){display, 0, 0, NULL}, _("unsupported encoding '%s' (see iconv -l)"), enc);
            ws_buf_free(&raw);
            ws_buf_free(&text);
            return EXIT_USAGE;
        }
        if (rc) {
            diag_report(d, DIAG_ERROR, (diag_loc){display, 0, 0, NULL},
                        _("from byte %zu on, not text in the %s encoding%s; save the file again as \"CSV UTF-8\" or name its encoding with --encoding"), bad + 1, enc,
                        encoding ? "" : _(" (not UTF-8, and not readable as GB18030/GBK either)"));
            ws_buf_free(&raw);
            ws_buf_free(&text);
            return EXIT_DATA;
        }
    } else {
        if (!ws_utf8_valid(data, len, &bad)) {
            diag_report(d, DIAG_ERROR, (diag_loc){display, 0, 0, NULL}, _("from byte %zu on, not valid UTF-8"), bad + 1);
            ws_buf_free(&raw);
            return EXIT_DATA;
        }
        ws_buf_put(&text, data, len);
    }
    ws_buf_free(&raw);
    if (encoding && text.len >= 3 && !memcmp(text.data, "\xEF\xBB\xBF", 3)) {
        memmove(text.data, text.data + 3, text.len - 3);
        text.len -= 3;
    }

    int status = 0;
    if (s->begin(s->ctx, sheet)) {
        ws_buf_free(&text);
        return 0;
    }
    sheets_row row = {0};
    ws_buf field = {0};
    long record = 1;
    unsigned col = 0;
    int quoted = 0, was_quoted = 0, stop = 0;
    row.row = 1;
    ws_buf_puts(&field, "");
    for (size_t i = 0; i <= text.len && !stop; i++) {
        char c = i < text.len ? text.data[i] : 0;
        int end = i == text.len;
        if (quoted && !end) {
            if (c == '"' && i + 1 < text.len && text.data[i + 1] == '"') {
                ws_buf_putc(&field, '"');
                i++;
            } else if (c == '"') {
                quoted = 0;
            } else {
                if (field.len <= SHEETS_CELL_MAX) ws_buf_putc(&field, c);
            }
            continue;
        }
        if (quoted && end) {
            char where[300];
            snprintf(where, sizeof where, "%s:%s!%ld", display, sheet, row.row);
            diag_report(d, DIAG_ERROR, (diag_loc){where, 0, 0, NULL}, _("unpaired quote: the quoted field that starts on this row does not end before the end of the file"));
            status = EXIT_DATA;
            break;
        }
        if (c == '"' && field.len == 0 && !was_quoted) {
            quoted = was_quoted = 1;
            continue;
        }
        if (c == ',' || c == '\n' || c == '\r' || end) {
            if (field.len && col < SHEETS_COLS_MAX) sheets_row_add(&row, col, SHEETS_TEXT, field.data, field.len);
            field.len = 0;
            field.data[0] = 0;
            was_quoted = 0;
            col++;
            if (c != ',') {
                if (c == '\r' && i + 1 < text.len && text.data[i + 1] == '\n') i++;
                if (row.n) stop = s->row(s->ctx, &row);
                sheets_row_clear(&row);
                col = 0;
                row.row = ++record;
                if (row.row > SHEETS_ROWS_MAX) break;
            }
            continue;
        }
        if (field.len <= SHEETS_CELL_MAX) ws_buf_putc(&field, c);
    }
    s->end(s->ctx);
    sheets_row_free(&row);
    ws_buf_free(&field);
    ws_buf_free(&text);
    return status;
}
