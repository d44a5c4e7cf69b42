/* sheets_ods — OpenDocument spreadsheets (LibreOffice, WPS) as rows, streamed from content.xml.
 *
 * Each table:table is a sheet; a table whose style says table:display="false" is hidden. Cells
 * give their type in office:value-type: numbers in office:value, dates in office:date-value
 * (ISO already), text in text:p paragraphs (joined by newlines; text:s and text:tab expanded).
 * OpenDocument compresses runs: table:number-columns-repeated and table:number-rows-repeated.
 * Empty runs only move the position (LibreOffice ends every sheet with a row repeated about a
 * million times); a run of non-empty cells is expanded up to SHEETS_COLS_MAX, a run of non-empty
 * rows up to ROW_REPEAT_MAX, beyond which the sheet is refused — so a few bytes never make
 * unbounded work. Merged cells are spans on their first cell (number-columns/rows-spanned). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheets/sheets_int.h"
#include "base/i18n.h"

#define ROW_REPEAT_MAX 1000

static int is_element(xmlTextReaderPtr r, const char *local)
{
    return xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT &&
           !strcmp((const char *)xmlTextReaderConstLocalName(r), local);
}

static int is_end(xmlTextReaderPtr r, const char *local)
{
    return xmlTextReaderNodeType(r) == XML_READER_TYPE_END_ELEMENT &&
           !strcmp((const char *)xmlTextReaderConstLocalName(r), local);
}

static char *attr(xmlTextReaderPtr r, const char *qname) { return (char *)xmlTextReaderGetAttribute(r, BAD_CAST qname); }

static long attr_long(xmlTextReaderPtr r, const char *qname, long dflt)
{
    char *v = attr(r, qname);
    long n = v ? atol(v) : dflt;
    xmlFree(v);
    return n < 1 ? 1 : n;
}

typedef struct {
    char **hidden_styles;
    size_t nhidden;
} ods_styles;

static int style_hidden(const ods_styles *st, const char *name)
{
    for (size_t i = 0; name && i < st->nhidden; i++)
        if (!strcmp(st->hidden_styles[i], name)) return 1;
    return 0;
}

/* A cell's text: its text:p paragraphs joined by newlines. Called on the opening element. */
static int cell_text(xmlTextReaderPtr r, ws_buf *b)
{
    if (xmlTextReaderIsEmptyElement(r)) return 1;
    int rc, paragraphs = 0, depth = xmlTextReaderDepth(r), skip = -1;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        int t = xmlTextReaderNodeType(r);
        if (t == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == depth) break;
        if (skip >= 0) {
            if (t == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == skip) skip = -1;
            continue;
        }
        if (b->len > SHEETS_CELL_MAX) continue;
        if (is_element(r, "p")) {
            if (paragraphs++) ws_buf_putc(b, '\n');
        } else if (is_element(r, "s")) {
            long n = attr_long(r, "text:c", 1);
            for (long i = 0; i < n && i < 100; i++) ws_buf_putc(b, ' ');
        } else if (is_element(r, "tab")) {
            ws_buf_putc(b, '\t');
        } else if (is_element(r, "line-break")) {
            ws_buf_putc(b, '\n');
        } else if (is_element(r, "annotation")) {
            /* a comment on the cell is not its value */
            if (!xmlTextReaderIsEmptyElement(r)) skip = xmlTextReaderDepth(r);
        } else if (t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            ws_buf_puts(b, (const char *)xmlTextReaderConstValue(r));
        }
    }
    return rc;
}

int sheets_read_ods(const char *path, const char *display, const sheets_sink *s, diag *d)
{
    int status = 0;
    sheets_zip *z = sheets_zip_open(path, display, d, &status);
    if (!z) return status;
    sheets_part *p = sheets_part_open(z, "content.xml");
    if (!p) {
        diag_report(d, DIAG_ERROR, (diag_loc){display, 0, 0, NULL}, _("no content.xml: not an OpenDocument spreadsheet (.ods)"));
        sheets_zip_close(z);
        return EXIT_DATA;
    }
    xmlTextReaderPtr r = sheets_part_reader(p);
    ods_styles st = {0};
    char *style_name = NULL;
    sheets_row row = {0};
    int rc, in_sheet = 0, stop = 0, refused = 0;
    long next_row = 1, repeat = 1;
    unsigned long col = 0;
    while ((rc = xmlTextReaderRead(r)) == 1 && !refused) {
        if (is_element(r, "style")) { /* automatic styles come before the body */
            free(style_name);
            char *n = attr(r, "style:name");
            style_name = n ? ws_xstrdup(n) : NULL;
            xmlFree(n);
        } else if (is_element(r, "table-properties") && style_name) {
            char *disp = attr(r, "table:display");
            if (disp && !strcmp(disp, "false") && st.nhidden < 1000) {
                st.hidden_styles = ws_xrealloc(st.hidden_styles, (st.nhidden + 1) * sizeof *st.hidden_styles);
                st.hidden_styles[st.nhidden++] = ws_xstrdup(style_name);
            }
            xmlFree(disp);
        } else if (is_element(r, "table") && xmlTextReaderDepth(r) > 1) {
            char *name = attr(r, "table:name"), *sty = attr(r, "table:style-name");
            in_sheet = 0;
            if (style_hidden(&st, sty)) {
                diag_report(d, DIAG_NOTE, (diag_loc){display, 0, 0, NULL}, _("hidden sheet '%s' not imported"), name ? name : "");
            } else if (!s->begin(s->ctx, name ? name : "")) {
                in_sheet = 1;
                stop = 0;
                next_row = 1;
            }
            xmlFree(name);
            xmlFree(sty);
        } else if (is_end(r, "table") && in_sheet) {
            s->end(s->ctx);
            in_sheet = 0;
        } else if (in_sheet && !stop && is_element(r, "table-row")) {
            repeat = attr_long(r, "table:number-rows-repeated", 1);
            sheets_row_clear(&row);
            row.row = next_row;
            col = 0;
            if (xmlTextReaderIsEmptyElement(r)) next_row += repeat;
        } else if (in_sheet && !stop && (is_element(r, "table-cell") || is_element(r, "covered-table-cell"))) {
            long n = attr_long(r, "table:number-columns-repeated", 1);
            long cs = attr_long(r, "table:number-columns-spanned", 1), rs = attr_long(r, "table:number-rows-spanned", 1);
            char *type = attr(r, "office:value-type");
            char *value = NULL;
            sheets_kind kind = SHEETS_TEXT;
            int is_date = 0;
            if (type && (!strcmp(type, "float") || !strcmp(type, "percentage") || !strcmp(type, "currency"))) {
                value = attr(r, "office:value");
                kind = SHEETS_NUMBER;
            } else if (type && !strcmp(type, "date")) {
                value = attr(r, "office:date-value");
                is_date = 1;
            } else if (type && !strcmp(type, "boolean")) {
                char *b = attr(r, "office:boolean-value");
                value = (char *)xmlStrdup(BAD_CAST(b && !strcmp(b, "true") ? "TRUE" : "FALSE"));
                xmlFree(b);
                kind = SHEETS_BOOL;
            }
            ws_buf text = {0};
            ws_buf_puts(&text, "");
            if ((rc = cell_text(r, &text)) != 1) {
                ws_buf_free(&text);
                xmlFree(type);
                xmlFree(value);
                break;
            }
            const char *v = value ? value : text.data;
            if ((cs > 1 || rs > 1) && col < SHEETS_COLS_MAX)
                s->merge(s->ctx, row.row, (unsigned)col, row.row + rs - 1,
                         (unsigned)(col + (unsigned long)cs - 1 < SHEETS_COLS_MAX ? col + (unsigned long)cs - 1 : SHEETS_COLS_MAX - 1));
            for (long i = 0; i < n && col < SHEETS_COLS_MAX; i++, col++) {
                if (!*v) continue;
                sheets_row_add(&row, (unsigned)col, kind, v, strlen(v));
                sheets_cell *c = &row.cells[row.n - 1];
                if (is_date) {
                    char date[11];
                    size_t len = strlen(v) >= 10 ? 10 : strlen(v);
                    memcpy(date, v, len);
                    date[len] = 0;
                    if (!sheets_parse_date(date, c->date)) c->kind = SHEETS_NUMBER;
                }
            }
            if (col >= SHEETS_COLS_MAX) col = SHEETS_COLS_MAX;
            ws_buf_free(&text);
            xmlFree(type);
            xmlFree(value);
        } else if (in_sheet && !stop && is_end(r, "table-row")) {
            if (row.n) {
                if (repeat > ROW_REPEAT_MAX) {
                    diag_report(d, DIAG_ERROR, (diag_loc){display, 0, 0, NULL},
                                _("from row %ld on, the same row repeated %ld times (at most %d); not read"), row.row, repeat, ROW_REPEAT_MAX);
                    refused = 1;
                    break;
                }
                for (long i = 0; i < repeat && !stop; i++) {
                    row.row = next_row + i;
                    stop = s->row(s->ctx, &row);
                }
            }
            next_row += repeat;
            if (next_row > SHEETS_ROWS_MAX) stop = 1;
        }
    }
    if (in_sheet) s->end(s->ctx);
    sheets_row_free(&row);
    free(style_name);
    for (size_t i = 0; i < st.nhidden; i++) free(st.hidden_styles[i]);
    free(st.hidden_styles);
    int bad = sheets_part_close(p, z, refused ? 0 : rc, d) || refused;
    sheets_zip_close(z);
    return bad ? EXIT_DATA : 0;
}
