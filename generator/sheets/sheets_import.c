/* sheets_import — rows of the known sheets to records: header found by name, each cell checked and
 * put in the form the schema wants, references between sheets resolved, ids kept or made stable,
 * then every file written atomically, or nothing when anything was wrong.
 *
 * The header row is the one, among a sheet's first HEADER_SCAN non-empty rows, that names the
 * most known columns (earliest wins a tie), so title rows above it ("临江市民政局党员花名册", merged
 * across the table) are skipped. A header cell left empty because it lies under a merged cell
 * takes the merged cell's text (a two-row header whose "姓名" spans both rows). Rows inside a merge
 * that starts on the header row still belong to the header. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"
#include "records/records.h"
#include "sheets/sheets.h"
#include "sheets/sheets_int.h"
#include "base/i18n.h"

#define HEADER_SCAN 10

typedef struct {
    long r1, r2;
    unsigned c1, c2;
} merge_range;

typedef struct {
    diag *d;
    sheets_model m;
    const char *display; /* the file being read */
    /* the sheet being read */
    int kind;            /* SHEET_* or -1 */
    char *where;         /* "FILE:SHEET" (kept: rows point at it) */
    int *col;            /* per layout column: sheet column or -1 (kept: rows point at it) */
    long header_row;     /* 0 while undecided */
    long header_end;     /* last row that still belongs to the header */
    sheets_row pending[HEADER_SCAN];
    size_t npending;
    merge_range *merges;
    size_t nmerges;
    /* kept for the whole import */
    char **owned;        /* strings freed at the end (where, col arrays) */
    size_t nowned;
    int seen[SHEET_KINDS];
    long errors_at_begin; /* errors reported before the sheet began: a refused part is not "empty" */
} importer;

static void own(importer *im, void *p)
{
    im->owned = ws_xrealloc(im->owned, (im->nowned + 1) * sizeof *im->owned);
    im->owned[im->nowned++] = p;
}

static void cell_loc(const importer *im, unsigned col, long row, char *out, size_t outlen)
{
    char cell[16];
    sheets_cell_name(col, row, cell);
    snprintf(out, outlen, "%s!%s", im->where, cell);
}

static void report_cell(importer *im, diag_severity sev, unsigned col, long row, const char *fmt, const char *a,
                        const char *b, const char *c)
{
    char where[600];
    cell_loc(im, col, row, where, sizeof where);
    diag_report(im->d, sev, (diag_loc){where, 0, 0, NULL}, fmt, a, b, c);
}

/* ------------------------------------------------------------------ sink callbacks */

static int on_begin(void *ctx, const char *sheet)
{
    importer *im = ctx;
    im->kind = sheets_layout_find(sheet);
    /* the instructions sheet of wenshu export's workbooks: skipped without a note */
    if (im->kind < 0 && (!strcmp(sheet, "说明") || !strcmp(sheet, "填表说明"))) return 1;
    if (im->kind < 0) {
        diag_report(im->d, DIAG_NOTE, (diag_loc){im->display, 0, 0, NULL},
                    _("sheet '%s' is not one of the sheets wenshu knows (see docs/spreadsheets.md); not imported"), sheet);
        return 1;
    }
    im->seen[im->kind] = 1;
    ws_buf w = {0};
    ws_buf_printf(&w, "%s:%s", im->display, sheet);
    im->where = ws_buf_steal(&w);
    own(im, im->where);
    im->col = NULL;
    im->header_row = im->header_end = 0;
    im->npending = 0;
    im->nmerges = 0;
    im->errors_at_begin = diag_count(im->d, DIAG_ERROR);
    return 0;
}

static void on_merge(void *ctx, long r1, unsigned c1, long r2, unsigned c2)
{
    importer *im = ctx;
    if (im->nmerges >= 10000) return;
    im->merges = ws_xrealloc(im->merges, (im->nmerges + 1) * sizeof *im->merges);
    im->merges[im->nmerges++] = (merge_range){r1, r2, c1, c2};
}

static const char *row_text(const sheets_row *r, unsigned col)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->cells[i].col == col) return r->cells[i].text;
    return NULL;
}

/* The header text at (row, col): the cell's own, or that of a merged cell covering it; *at_col
 * and *at_row (when not NULL) get the cell the text is written in, the merge's first cell. */
static const char *header_text_at(importer *im, size_t k, unsigned col, unsigned *at_col, long *at_row)
{
    const char *t = row_text(&im->pending[k], col);
    long row = im->pending[k].row;
    if (at_col) *at_col = col, *at_row = row;
    if (t && *t) return t;
    for (size_t i = 0; i < im->nmerges; i++) {
        const merge_range *g = &im->merges[i];
        if (row < g->r1 || row > g->r2 || col < g->c1 || col > g->c2) continue;
        for (size_t j = 0; j <= k; j++)
            if (im->pending[j].row == g->r1) {
                if (at_col) *at_col = g->c1, *at_row = g->r1;
                return row_text(&im->pending[j], g->c1);
            }
    }
    return NULL;
}

static const char *header_text(importer *im, size_t k, unsigned col) { return header_text_at(im, k, col, NULL, NULL); }

static unsigned max_col(importer *im, size_t k)
{
    unsigned m = 0;
    for (size_t i = 0; i < im->pending[k].n; i++)
        if (im->pending[k].cells[i].col + 1 > m) m = im->pending[k].cells[i].col + 1;
    for (size_t i = 0; i < im->nmerges; i++)
        if (im->merges[i].r1 <= im->pending[k].row && im->merges[i].r2 >= im->pending[k].row && im->merges[i].c2 + 1 > m)
            m = im->merges[i].c2 + 1;
    return m > SHEETS_COLS_MAX ? SHEETS_COLS_MAX : m;
}

static size_t header_score(importer *im, size_t k)
{
    const sheets_layout *l = &sheets_layouts[im->kind];
    size_t score = 0;
    for (unsigned c = 0, n = max_col(im, k); c < n; c++) {
        const char *t = header_text(im, k, c);
        if (t && sheets_layout_column(l, t) >= 0) score++;
    }
    return score;
}

static int data_row(importer *im, const sheets_row *r);

/* Decides the header among the pending rows, then feeds the rows after it. */
static void decide_header(importer *im)
{
    const sheets_layout *l = &sheets_layouts[im->kind];
    size_t best = 0, best_score = 0;
    for (size_t k = 0; k < im->npending; k++) {
        size_t s = header_score(im, k);
        if (s > best_score) best = k, best_score = s;
    }
    im->col = ws_xmalloc(l->ncolumns * sizeof *im->col);
    own(im, im->col);
    for (size_t i = 0; i < l->ncolumns; i++) im->col[i] = -1;
    if (!best_score) {
        diag_report(im->d, DIAG_ERROR, (diag_loc){im->where, 0, 0, NULL},
                    _("no header row among the first %d rows (it names columns such as '%s'; see docs/spreadsheets.md)"), HEADER_SCAN, l->columns[0].header);
        im->header_row = -1;
        return;
    }
    const sheets_row *h = &im->pending[best];
    im->header_row = im->header_end = h->row;
    for (size_t i = 0; i < im->nmerges; i++)
        if (im->merges[i].r1 <= h->row && im->merges[i].r2 >= h->row && im->merges[i].r2 > im->header_end)
            im->header_end = im->merges[i].r2;
    for (unsigned c = 0, n = max_col(im, best); c < n; c++) {
        unsigned at_col;
        long at_row;
        const char *t = header_text_at(im, best, c, &at_col, &at_row);
        if (!t || !*t) continue;
        /* a header merged across several columns names the first of them only */
        if (at_col != c) continue;
        int k = sheets_layout_column(l, t);
        char cell[16];
        sheets_cell_name(at_col, at_row, cell);
        char where[600];
        snprintf(where, sizeof where, "%s!%s", im->where, cell);
        if (k < 0) {
            diag_report(im->d, DIAG_WARNING, (diag_loc){where, 0, 0, NULL}, _("unknown column '%s'; not imported"), t);
        } else if (im->col[k] >= 0) {
            diag_report(im->d, DIAG_WARNING, (diag_loc){where, 0, 0, NULL}, _("column '%s' appears twice; only the first is imported"), t);
        } else {
            im->col[k] = (int)c;
        }
    }
    for (size_t i = 0; i < l->ncolumns; i++)
        if (l->columns[i].required && im->col[i] < 0)
            diag_report(im->d, DIAG_ERROR, (diag_loc){im->where, 0, 0, NULL}, _("the required column '%s' is missing"), l->columns[i].header);
    for (size_t k = best + 1; k < im->npending; k++)
        if (im->pending[k].row > im->header_end) data_row(im, &im->pending[k]);
}

static int on_row(void *ctx, const sheets_row *r)
{
    importer *im = ctx;
    if (im->header_row < 0) return 1;
    if (im->header_row == 0) {
        sheets_row *p = &im->pending[im->npending++];
        memset(p, 0, sizeof *p);
        p->row = r->row;
        for (size_t i = 0; i < r->n; i++) {
            sheets_row_add(p, r->cells[i].col, r->cells[i].kind, r->cells[i].text, strlen(r->cells[i].text));
            memcpy(p->cells[p->n - 1].date, r->cells[i].date, sizeof r->cells[i].date);
            p->cells[p->n - 1].date_bad = r->cells[i].date_bad;
            p->cells[p->n - 1].too_long |= r->cells[i].too_long;
        }
        if (im->npending == HEADER_SCAN) decide_header(im);
        return 0;
    }
    if (r->row <= im->header_end) return 0;
    return data_row(im, r);
}

static void on_end(void *ctx)
{
    importer *im = ctx;
    if (im->header_row == 0 && im->npending) decide_header(im);
    else if (im->header_row == 0 && diag_count(im->d, DIAG_ERROR) == im->errors_at_begin)
        diag_report(im->d, DIAG_WARNING, (diag_loc){im->where, 0, 0, NULL}, _("the sheet is empty"));
    for (size_t k = 0; k < im->npending; k++) sheets_row_free(&im->pending[k]);
    im->npending = 0;
}

/* ------------------------------------------------------------------ cells to values */

static const char *example_of(sheets_col_type t)
{
    switch (t) {
    case COL_DATE: return _("a date, e.g. 1979-06-03");
    case COL_HOURS: return _("a number from 0 to 2000 with at most one decimal, e.g. 40 or 3.5");
    case COL_BOOL: return _("是 or 否");
    case COL_ID: return _("an id that starts with a letter, made of letters, digits and _ . -, at most 64 characters, e.g. M01");
    case COL_COUNT: return _("a whole number from 0 to 10000000, e.g. 34");
    default: return "";
    }
}

static int valid_id(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 64 || !isalpha((unsigned char)s[0])) return 0;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-') return 0;
    return 1;
}

/* The enumeration value a cell names (aliases mapped), or NULL. */
static const char *enum_value(const char *values, const char *s, char *out, size_t outlen)
{
    for (const char *p = values; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        if (strlen(s) == klen && !strncmp(s, p, klen)) {
            const char *v = eq ? eq + 1 : p;
            size_t vlen = eq ? len - klen - 1 : len;
            if (vlen >= outlen) vlen = outlen - 1;
            memcpy(out, v, vlen);
            out[vlen] = 0;
            return out;
        }
        p = bar ? bar + 1 : p + len;
    }
    return NULL;
}

/* The documented values of an enumeration for a message: "男、女". */
static void enum_list(const char *values, char *out, size_t outlen)
{
    size_t o = 0;
    out[0] = 0;
    for (const char *p = values; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (!memchr(p, '=', len) && o + len + 4 < outlen) {
            if (o) o += (size_t)snprintf(out + o, outlen - o, "、");
            memcpy(out + o, p, len);
            o += len;
            out[o] = 0;
        }
        p = bar ? bar + 1 : p + len;
    }
}

static int is_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F) return 1;
    return 0;
}

/* The value of one cell for its column, or NULL after reporting. */
static char *cell_value(importer *im, const sheets_column *c, const sheets_cell *cell, long row)
{
    char buf[SHEETS_CELL_MAX + 1], shown[200];
    if (cell->too_long) {
        report_cell(im, DIAG_ERROR, cell->col, row,
                    _("%s: over 32 KiB (about ten thousand Chinese characters), more than a cell holds; shorten it, or spread it over several rows (several records)%s%s"), c->header, "", "");
        return NULL;
    }
    snprintf(buf, sizeof buf, "%s", cell->text);
    snprintf(shown, sizeof shown, "%s", cell->text);
    if (c->type == COL_TEXT || c->type == COL_NAME) {
        if (cell->date[0]) return ws_xstrdup(cell->date);
        if (cell->kind == SHEETS_NUMBER) {
            char digits[64];
            if (!sheets_integer_digits(cell->text, digits, sizeof digits)) return ws_xstrdup(digits);
        }
        sheets_trim(buf);
        if (is_control(buf)) {
            report_cell(im, DIAG_ERROR, cell->col, row, _("%s holds control characters; delete them%s%s"), c->header, "", "");
            return NULL;
        }
        if (c->type == COL_NAME) {
            for (char *p = buf; *p; p++)
                if (*p == '\n' || *p == '\t') *p = ' ';
            if (ws_utf8_count(buf, strlen(buf)) > 100) {
                report_cell(im, DIAG_ERROR, cell->col, row, _("%s is too long (at most 100 characters)%s%s"), c->header, "", "");
                return NULL;
            }
        }
        return buf[0] ? ws_xstrdup(buf) : NULL;
    }
    if (c->type == COL_ID || c->type == COL_REF) {
        char digits[64];
        if (cell->kind == SHEETS_NUMBER && !sheets_integer_digits(cell->text, digits, sizeof digits))
            snprintf(buf, sizeof buf, "%s", digits);
        sheets_halfwidth(buf);
        if (!buf[0]) return NULL;
        /* An id written with a leading digit (a number column in Excel: 1024) gets its record
         * kind's letter, the same in every sheet, so that references still match: M1024. */
        if (isdigit((unsigned char)buf[0]) && strspn(buf, "0123456789") == strlen(buf)) {
            size_t plen = strlen(c->values), len = strlen(buf);
            if (len + plen < sizeof buf) {
                memmove(buf + plen, buf, len + 1);
                memcpy(buf, c->values, plen);
            }
        }
        if (c->type == COL_ID && !valid_id(buf)) {
            report_cell(im, DIAG_ERROR, cell->col, row, _("%s should be %s (it is '%s')"), c->header, example_of(COL_ID), shown);
            return NULL;
        }
        return ws_xstrdup(buf);
    }
    if (c->type == COL_DATE) {
        char date[11];
        if (cell->date[0]) return ws_xstrdup(cell->date);
        if (cell->date_bad || cell->kind == SHEETS_NUMBER) {
            double v = strtod(cell->text, NULL);
            /* 20050308 typed as a number; else a serial of the 1900 system in a cell formatted as
             * a number ("38443"), converted as Excel would have shown it as a date. */
            if (!cell->date_bad && !sheets_parse_date(cell->text, date)) return ws_xstrdup(date);
            if (!cell->date_bad && v >= 1 && v < 2958466 && !sheets_serial_date(v, 0, date)) return ws_xstrdup(date);
            if ((long)v == 60)
                report_cell(im, DIAG_ERROR, cell->col, row,
                            _("%s should be %s (it is the Excel date serial %s, the 1900-02-29 that never was)"), c->header, example_of(COL_DATE), shown);
            else
                report_cell(im, DIAG_ERROR, cell->col, row, _("%s should be %s (it is the Excel date serial %s, not a valid date)"), c->header,
                            example_of(COL_DATE), shown);
            return NULL;
        }
        sheets_halfwidth(buf);
        if (!buf[0]) return NULL;
        if (!sheets_parse_date(buf, date)) return ws_xstrdup(date);
        report_cell(im, DIAG_ERROR, cell->col, row, _("%s should be %s (it is '%s')"), c->header, example_of(COL_DATE), shown);
        return NULL;
    }
    if (c->type == COL_HOURS) {
        sheets_halfwidth(buf);
        if (!buf[0]) return NULL;
        char *end;
        errno = 0;
        double v = strtod(buf, &end);
        long tenths = (long)(v * 10 + (v >= 0 ? 0.5 : -0.5));
        if (*end || errno || !(v >= 0 && v <= 2000) || (double)tenths / 10 - v > 1e-9 || v - (double)tenths / 10 > 1e-9) {
            report_cell(im, DIAG_ERROR, cell->col, row, _("%s should be %s (it is '%s')"), c->header, example_of(COL_HOURS), shown);
            return NULL;
        }
        char out[32];
        if (tenths % 10) snprintf(out, sizeof out, "%ld.%ld", tenths / 10, tenths % 10);
        else snprintf(out, sizeof out, "%ld", tenths / 10);
        return ws_xstrdup(out);
    }
    if (c->type == COL_COUNT) {
        sheets_halfwidth(buf);
        if (!buf[0]) return NULL;
        char digits[64];
        if (cell->kind == SHEETS_NUMBER && !sheets_integer_digits(cell->text, digits, sizeof digits))
            snprintf(buf, sizeof buf, "%s", digits);
        size_t len = strlen(buf);
        if (!len || len > 8 || strspn(buf, "0123456789") != len || strtol(buf, NULL, 10) > 10000000) {
            report_cell(im, DIAG_ERROR, cell->col, row, _("%s should be %s (it is '%s')"), c->header, example_of(COL_COUNT), shown);
            return NULL;
        }
        char out[16];
        snprintf(out, sizeof out, "%ld", strtol(buf, NULL, 10));
        return ws_xstrdup(out);
    }
    if (c->type == COL_BOOL) {
        sheets_halfwidth(buf);
        if (!buf[0]) return NULL;
        if (!strcmp(buf, "是") || !strcmp(buf, "TRUE") || !strcmp(buf, "1") || !strcmp(buf, "√")) return ws_xstrdup("true");
        if (!strcmp(buf, "否") || !strcmp(buf, "FALSE") || !strcmp(buf, "0")) return ws_xstrdup("false");
        report_cell(im, DIAG_ERROR, cell->col, row, _("%s should be %s (it is '%s')"), c->header, example_of(COL_BOOL), shown);
        return NULL;
    }
    /* COL_ENUM */
    sheets_trim(buf);
    sheets_halfwidth(buf);
    if (!buf[0]) return NULL;
    char value[128], list[400];
    if (enum_value(c->values, buf, value, sizeof value)) return ws_xstrdup(value);
    enum_list(c->values, list, sizeof list);
    report_cell(im, DIAG_ERROR, cell->col, row, _("%s should be one of %s (it is '%s')"), c->header, list, shown);
    return NULL;
}

static int data_row(importer *im, const sheets_row *r)
{
    const sheets_layout *l = &sheets_layouts[im->kind];
    long errors = diag_count(im->d, DIAG_ERROR);
    char **v = ws_xcalloc(l->ncolumns, sizeof *v);
    int any = 0;
    for (size_t i = 0; i < l->ncolumns; i++) {
        if (im->col[i] < 0) continue;
        for (size_t k = 0; k < r->n; k++) {
            if (r->cells[k].col != (unsigned)im->col[i]) continue;
            any = 1;
            v[i] = cell_value(im, &l->columns[i], &r->cells[k], r->row);
        }
    }
    if (!any) { /* a row with text only in unknown columns: not a record */
        free(v);
        return 0;
    }
    for (size_t i = 0; i < l->ncolumns; i++)
        if (l->columns[i].required && im->col[i] >= 0 && !v[i] && diag_count(im->d, DIAG_ERROR) == errors)
            report_cell(im, DIAG_ERROR, (unsigned)im->col[i], r->row, _("%s must not be empty%s%s"), l->columns[i].header, "", "");
    sheets_list *list = &im->m.list[im->kind];
    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 64;
        list->r = ws_xrealloc(list->r, list->cap * sizeof *list->r);
    }
    list->r[list->n++] = (sheets_rec){v, im->where, im->col, r->row, 0, 0, 0};
    return 0;
}

/* ------------------------------------------------------------------ ids and references */

/* An id for a record whose 编号 is empty: the kind's letter, '-', and ten hex digits of the
 * SHA-256 of what identifies it (unit and organisation: the name; member: the organisation, name
 * and birth date). It depends on the content, never on the row, so inserting or sorting rows
 * keeps every id; editing a name changes it (docs/spreadsheets.md says: fill in 编号). */
static char *content_id(char letter, const char *a, const char *b, const char *c)
{
    sha256_state s;
    uint8_t digest[SHA256_LEN];
    char hex[SHA256_HEX_LEN + 1];
    sha256_begin(&s);
    sha256_add_str(&s, a ? a : "");
    sha256_add(&s, "\x1f", 1);
    sha256_add_str(&s, b ? b : "");
    sha256_add(&s, "\x1f", 1);
    sha256_add_str(&s, c ? c : "");
    sha256_end(&s, digest);
    sha256_hex(digest, hex);
    ws_buf out = {0};
    ws_buf_printf(&out, "%c-%.10s", letter, hex);
    return ws_buf_steal(&out);
}

static void rec_report(importer *im, const sheets_rec *r, int column, const char *fmt, const char *a, const char *b)
{
    char where[600], cell[16];
    sheets_cell_name(r->col[column] >= 0 ? (unsigned)r->col[column] : 0, r->row, cell);
    snprintf(where, sizeof where, "%s!%s", r->where, cell);
    diag_report(im->d, DIAG_ERROR, (diag_loc){where, 0, 0, NULL}, fmt, a, b);
}

/* The ids and names of one sheet's records, for references: ids map to the first record with the
 * id, names to their record or -2 when several records share the name. */
typedef struct {
    sheets_map id, name;
} ref_index;

static void ref_index_build(ref_index *x, const sheets_list *l, int id_col, int name_col)
{
    memset(x, 0, sizeof *x);
    for (size_t i = 0; i < l->n; i++) {
        if (l->r[i].v[id_col]) {
            long *s = sheets_map_slot(&x->id, l->r[i].v[id_col]);
            if (*s < 0) *s = (long)i;
        }
        if (l->r[i].v[name_col]) {
            long *s = sheets_map_slot(&x->name, l->r[i].v[name_col]);
            *s = *s == -1 ? (long)i : -2;
        }
    }
}

/* The record an id or, failing that, a unique name refers to; -1 none, -2 a shared name. */
static long ref_find(const ref_index *x, const char *ref)
{
    long i = sheets_map_get(&x->id, ref);
    return i >= 0 ? i : sheets_map_get(&x->name, ref);
}

static void ref_index_free(ref_index *x)
{
    sheets_map_free(&x->id);
    sheets_map_free(&x->name);
}

/* Resolves the reference in column col of r to the id of a record of list (through x): replaces
 * the name by the id, or reports what column `what` names cannot be found. An id not in the
 * workbook is kept: it may name a record of another file. */
static void resolve_ref(importer *im, sheets_rec *r, int col, const ref_index *x, const sheets_list *list, int id_col,
                        const char *what, const char *sheet, const char *kind)
{
    if (!r->v[col]) return;
    long k = ref_find(x, r->v[col]);
    if (k >= 0) {
        free(r->v[col]);
        r->v[col] = ws_xstrdup(list->r[k].v[id_col]);
    } else if (k == -2 || !valid_id(r->v[col])) {
        char why[200];
        if (k == -2) snprintf(why, sizeof why, _("matches more than one %s; give the %s id"), kind, kind);
        else snprintf(why, sizeof why, _("not found in sheet '%s' (give the %s id or name)"), sheet, kind);
        char msg[300];
        snprintf(msg, sizeof msg, _("%s '%%s' %%s"), what);
        rec_report(im, r, col, msg, r->v[col], why);
    }
}

/* Fills in missing ids, refuses duplicates, resolves every reference to an id. Every lookup goes
 * through a hash table, so the work grows with the rows, not their square. */
static void resolve(importer *im)
{
    sheets_model *m = &im->m;
    sheets_list *units = &m->list[SHEET_UNIT], *orgs = &m->list[SHEET_ORG], *members = &m->list[SHEET_MEMBER];
    for (size_t i = 0; i < units->n; i++)
        if (!units->r[i].v[U_ID]) units->r[i].v[U_ID] = content_id('U', units->r[i].v[U_NAME], NULL, NULL);
    for (size_t i = 0; i < orgs->n; i++)
        if (!orgs->r[i].v[O_ID]) orgs->r[i].v[O_ID] = content_id('O', orgs->r[i].v[O_NAME], NULL, NULL);
    ref_index ux, ox, mx;
    ref_index_build(&ux, units, U_ID, U_NAME);
    ref_index_build(&ox, orgs, O_ID, O_NAME);
    /* organisations' references first: members' ids are made from their organisation's id */
    for (size_t i = 0; i < orgs->n; i++) {
        resolve_ref(im, &orgs->r[i], O_UNIT, &ux, units, U_ID, "所属单位", "单位", "单位");
        resolve_ref(im, &orgs->r[i], O_PARENT, &ox, orgs, O_ID, "上级组织", "组织", "组织");
    }
    for (size_t i = 0; i < members->n; i++) {
        sheets_rec *mr = &members->r[i];
        resolve_ref(im, mr, M_ORG, &ox, orgs, O_ID, "所在党组织", "组织", "组织");
        if (!mr->v[M_ID]) mr->v[M_ID] = content_id('M', mr->v[M_ORG], mr->v[M_NAME], mr->v[M_BIRTH]);
    }
    ref_index_build(&mx, members, M_ID, M_NAME);
    /* ids unique across the three sheets (and so across the files written); the map's value is
     * row * 3 + sheet, the first record with the id */
    struct {
        sheets_list *l;
        int col;
    } all[] = {{units, U_ID}, {orgs, O_ID}, {members, M_ID}};
    sheets_map ids = {0};
    for (size_t a = 0; a < 3; a++)
        for (size_t i = 0; i < all[a].l->n; i++) {
            sheets_rec *r = &all[a].l->r[i];
            if (!r->v[all[a].col]) continue;
            long *slot = sheets_map_slot(&ids, r->v[all[a].col]);
            if (*slot < 0) {
                *slot = (long)(i * 3 + a);
                continue;
            }
            size_t b = (size_t)*slot % 3, j = (size_t)*slot / 3;
            sheets_rec *s = &all[b].l->r[j];
            char other[600], cell[16];
            sheets_cell_name(s->col[all[b].col] >= 0 ? (unsigned)s->col[all[b].col] : 0, s->row, cell);
            snprintf(other, sizeof other, "%s!%s", s->where, cell);
            rec_report(im, r, all[a].col, _("id '%s' is also used at %s (an id left empty is made from the name and other contents, so the same contents give the same id)"),
                       r->v[all[a].col], other);
        }
    sheets_map_free(&ids);
    /* child rows: the member or organisation each belongs to (column -1: the sheet has none) */
    static const struct {
        int sheet, member_col, org_col;
    } child[] = {{SHEET_COMMITTEE, -1, C_ORG},  {SHEET_STUDY, S_MEMBER, -1},   {SHEET_OPINION, P_MEMBER, P_ORG},
                 {SHEET_ANALYSIS, A_MEMBER, -1}, {SHEET_EVAL, E_MEMBER, -1},    {SHEET_RECT, R_MEMBER, R_ORG},
                 {SHEET_SYSTEM, -1, Y_ORG},      {SHEET_PUBLICATION, -1, B_ORG}, {SHEET_SURVEY, -1, V_ORG},
                 {SHEET_REPORT, -1, T_ORG},      {SHEET_SECTION, -1, X_ORG},     {SHEET_MEETING, -1, G_ORG},
                 {SHEET_REMEDY, -1, K_ORG}};
    for (size_t c = 0; c < sizeof child / sizeof *child; c++) {
        sheets_list *l = &m->list[child[c].sheet];
        int mc = child[c].member_col, oc = child[c].org_col;
        for (size_t i = 0; i < l->n; i++) {
            sheets_rec *r = &l->r[i];
            const char *mref = mc >= 0 ? r->v[mc] : NULL, *oref = oc >= 0 ? r->v[oc] : NULL;
            if (mref && oref) {
                rec_report(im, r, oc, _("give either the member id or the organisation id, not both (they are '%s' and '%s')"), mref, oref);
                continue;
            }
            if (!mref && !oref) {
                if (mc >= 0 && oc >= 0) rec_report(im, r, mc, _("give the member id or the organisation id%s%s"), "", "");
                continue;
            }
            long k = mref ? ref_find(&mx, mref) : ref_find(&ox, oref);
            if (k < 0) {
                rec_report(im, r, mref ? mc : oc, _("'%s' %s"), mref ? mref : oref,
                           k == -2 ? _("matches more than one record (the same name); give the id")
                                   : mref ? _("not found in sheet 党员 (give the member's id or name)") : _("not found in sheet 组织 (give the organisation's id or name)"));
                continue;
            }
            r->target = (size_t)k;
            r->to_org = !mref;
            r->resolved = 1;
        }
    }
    ref_index_free(&ux);
    ref_index_free(&ox);
    ref_index_free(&mx);
}

/* Per target (member or organisation): the first row of a child sheet that belongs to it, or -1. */
static long *first_rows(const sheets_list *l, size_t ntargets, int to_org)
{
    long *first = ws_xmalloc((ntargets + 1) * sizeof *first);
    for (size_t i = 0; i <= ntargets; i++) first[i] = -1;
    for (size_t i = 0; i < l->n; i++)
        if (l->r[i].resolved && l->r[i].to_org == to_org && first[l->r[i].target] < 0) first[l->r[i].target] = (long)i;
    return first;
}

/* Child rows of which each member or organisation has at most one (评议, 党性分析, 报告). */
static void one_per_target(importer *im, int sheet, size_t ntargets, int to_org, int col, const char *what)
{
    const sheets_list *l = &im->m.list[sheet];
    long *first = first_rows(l, ntargets, to_org);
    for (size_t i = 0; i < l->n; i++) {
        const sheets_rec *r = &l->r[i];
        if (!r->resolved || r->to_org != to_org || first[r->target] == (long)i) continue;
        char line[32];
        snprintf(line, sizeof line, "%ld", l->r[first[r->target]].row);
        rec_report(im, r, col, what, line, "");
    }
    free(first);
}

/* Rows of one record that must agree on a column (the plan's date, the survey's date, …). */
static void same_per_target(importer *im, int sheet, size_t ntargets, int to_org, int col, const char *what)
{
    const sheets_list *l = &im->m.list[sheet];
    long *first = first_rows(l, ntargets, to_org);
    for (size_t i = 0; i < l->n; i++) {
        const sheets_rec *r = &l->r[i], *f;
        if (!r->resolved || r->to_org != to_org) continue;
        f = &l->r[first[r->target]];
        if (r->v[col] && f->v[col] && strcmp(r->v[col], f->v[col])) {
            char msg[300];
            snprintf(msg, sizeof msg, _("the rows of one %s must have the same %s (this row %%s, an earlier one %%s)"), what, sheets_layouts[sheet].columns[col].header);
            rec_report(im, r, col, msg, r->v[col], f->v[col]);
        }
    }
    free(first);
}

/* Every line of a 党性分析 存在问题 cell starts with its aspect: "学习：…". */
static void check_aspects(importer *im)
{
    const sheets_list *l = &im->m.list[SHEET_ANALYSIS];
    for (size_t i = 0; i < l->n; i++) {
        const char *text = l->r[i].v[A_PROBLEM];
        for (const char *p = text; p && *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            char *line = ws_xstrndup(p, len), aspect[32];
            sheets_trim(line);
            if (line[0] && !sheets_aspect_split(line, aspect)) {
                char shown[120];
                snprintf(shown, sizeof shown, "%.90s", line);
                rec_report(im, &l->r[i], A_PROBLEM,
                           _("each line of the problems found starts with its aspect, e.g. 学习：理论学习不够系统; the aspects are 思想, "
                             "政治, 学习, 工作, 作风, 纪律, 廉洁, 群众观点 and 其他 (it is '%s')%s"),
                           shown, "");
            }
            free(line);
            p = nl ? nl + 1 : p + len;
        }
    }
}

/* Survey rounds. A 测评 or 补课 row belongs to round 轮次 (1 when empty) of its organisation; the
 * rows of one round make one survey element. Per row: the first row of its round, found through a
 * map keyed "ORGROW:ROUND" (linear in the rows), or -1 while the row's organisation is unknown. */
typedef struct {
    sheets_map map;
    char **keys; /* the map's keys, one per row (NULL for unresolved rows) */
    long *first;
    size_t n;
} round_index;

static void round_index_build(round_index *x, const sheets_list *l, int round_col)
{
    memset(x, 0, sizeof *x);
    x->n = l->n;
    x->keys = ws_xcalloc(l->n + 1, sizeof *x->keys);
    x->first = ws_xmalloc((l->n + 1) * sizeof *x->first);
    for (size_t i = 0; i < l->n; i++) {
        x->first[i] = -1;
        if (!l->r[i].resolved) continue;
        ws_buf k = {0};
        ws_buf_printf(&k, "%zu:%s", l->r[i].target, l->r[i].v[round_col] ? l->r[i].v[round_col] : "1");
        x->keys[i] = ws_buf_steal(&k);
        long *slot = sheets_map_slot(&x->map, x->keys[i]);
        if (*slot < 0) *slot = (long)i;
        x->first[i] = *slot;
    }
}

static void round_index_free(round_index *x)
{
    sheets_map_free(&x->map);
    for (size_t i = 0; i < x->n; i++) free(x->keys[i]);
    free(x->keys);
    free(x->first);
}

/* Rows of one round that must agree on col (its date, who ran it, how many took part). */
static void same_per_round(importer *im, int sheet, const round_index *x, int col, const char *what)
{
    const sheets_list *l = &im->m.list[sheet];
    for (size_t i = 0; i < l->n; i++) {
        if (x->first[i] < 0) continue;
        const sheets_rec *r = &l->r[i], *f = &l->r[x->first[i]];
        if (r->v[col] && f->v[col] && strcmp(r->v[col], f->v[col])) {
            char msg[300];
            snprintf(msg, sizeof msg, _("the rows of one %s must have the same %s (this row %%s, an earlier one %%s)"), what, sheets_layouts[sheet].columns[col].header);
            rec_report(im, r, col, msg, r->v[col], f->v[col]);
        }
    }
}

/* 测评 rows say something (a group, a question or both); every round has a question and one head
 * (date, by, respondents); 补课 rows belong to a round of the 测评 sheet and share its date. */
static void survey_checks(importer *im)
{
    sheets_model *m = &im->m;
    const sheets_list *orgs = &m->list[SHEET_ORG], *sv = &m->list[SHEET_SURVEY], *rm = &m->list[SHEET_REMEDY];
    const char *round_msg = _("the round must be a whole number from 1: the first survey is round 1, the survey again after remedial work round 2 (it is '%s')%s");
    for (size_t i = 0; i < sv->n; i++)
        if (sv->r[i].v[V_ROUND] && !strcmp(sv->r[i].v[V_ROUND], "0")) rec_report(im, &sv->r[i], V_ROUND, round_msg, "0", "");
    for (size_t i = 0; i < rm->n; i++)
        if (rm->r[i].v[K_ROUND] && !strcmp(rm->r[i].v[K_ROUND], "0")) rec_report(im, &rm->r[i], K_ROUND, round_msg, "0", "");
    round_index rounds, remedies;
    round_index_build(&rounds, sv, V_ROUND);
    round_index_build(&remedies, rm, K_ROUND);
    same_per_round(im, SHEET_SURVEY, &rounds, V_DATE, "轮测评");
    same_per_round(im, SHEET_SURVEY, &rounds, V_BY, "轮测评");
    same_per_round(im, SHEET_SURVEY, &rounds, V_RESPONDENTS, "轮测评");
    same_per_round(im, SHEET_REMEDY, &remedies, K_DATE, "轮补课");
    char *questions = ws_xcalloc(sv->n + 1, 1);
    for (size_t i = 0; i < sv->n; i++) {
        const sheets_rec *r = &sv->r[i];
        int group = r->v[V_GROUP] || r->v[V_GROUP_COUNT];
        int question = r->v[V_QUESTION] || r->v[V_SATISFIED] || r->v[V_BASIC] || r->v[V_UNSATISFIED];
        if (group && !(r->v[V_GROUP] && r->v[V_GROUP_COUNT]))
            rec_report(im, r, r->v[V_GROUP] ? V_GROUP_COUNT : V_GROUP, _("give the group of respondents and their number together%s%s"), "", "");
        if (question && !(r->v[V_QUESTION] && r->v[V_SATISFIED] && r->v[V_BASIC] && r->v[V_UNSATISFIED]))
            rec_report(im, r, V_QUESTION, _("give the survey question with its numbers of satisfied, basically satisfied and unsatisfied together%s%s"), "", "");
        if (!group && !question) rec_report(im, r, V_QUESTION, _("the row has neither a survey question nor a group of respondents%s%s"), "", "");
        if (rounds.first[i] >= 0 && r->v[V_QUESTION]) questions[rounds.first[i]] = 1;
    }
    for (size_t i = 0; i < sv->n; i++)
        if (rounds.first[i] == (long)i && !questions[i]) {
            const char *name = orgs->r[sv->r[i].target].v[O_NAME];
            char msg[200];
            snprintf(msg, sizeof msg, _("organisation '%%s': survey round %s needs at least one question%%s"), sv->r[i].v[V_ROUND] ? sv->r[i].v[V_ROUND] : "1");
            rec_report(im, &sv->r[i], V_QUESTION, msg, name ? name : "", "");
        }
    for (size_t i = 0; i < rm->n; i++)
        if (remedies.keys[i] && sheets_map_get(&rounds.map, remedies.keys[i]) < 0) {
            const char *name = orgs->r[rm->r[i].target].v[O_NAME];
            char msg[300];
            snprintf(msg, sizeof msg, _("organisation '%%s' has no survey round %s in sheet 测评, so the remedial work belongs nowhere; give it the round of the survey before it%%s"),
                     rm->r[i].v[K_ROUND] ? rm->r[i].v[K_ROUND] : "1");
            rec_report(im, &rm->r[i], K_ROUND, msg, name ? name : "", "");
        }
    free(questions);
    round_index_free(&rounds);
    round_index_free(&remedies);
}

/* Checks that span rows of one record: one evaluation, analysis and report per member or
 * organisation, one plan date per plan, an organisation's plan with a focus, member items without
 * organisation-only columns, systems and report sections with the plan and report they belong to,
 * survey rounds and their 补课 (survey_checks), a receipt's opinion with the receipt's date. */
static void cross_checks(importer *im)
{
    sheets_model *m = &im->m;
    sheets_list *rect = &m->list[SHEET_RECT], *members = &m->list[SHEET_MEMBER], *orgs = &m->list[SHEET_ORG];
    one_per_target(im, SHEET_EVAL, members->n, 0, E_MEMBER, _("this member already has an evaluation (row %s); one row per member%s"));
    one_per_target(im, SHEET_ANALYSIS, members->n, 0, A_MEMBER, _("this member already has a party-spirit analysis (row %s); one row per member%s"));
    one_per_target(im, SHEET_REPORT, orgs->n, 1, T_ORG, _("this organisation already has report figures (row %s); one row per organisation%s"));
    same_per_target(im, SHEET_RECT, members->n, 0, R_PLAN_DATE, "整改方案");
    same_per_target(im, SHEET_RECT, orgs->n, 1, R_PLAN_DATE, "整改方案");
    check_aspects(im);
    for (size_t i = 0; i < rect->n; i++) {
        sheets_rec *r = &rect->r[i];
        if (!r->resolved || r->to_org) continue;
        static const int org_only[] = {R_FOCUS, R_CATEGORY, R_GOAL, R_DEPARTMENT};
        for (size_t k = 0; k < sizeof org_only / sizeof *org_only; k++)
            if (r->v[org_only[k]]) {
                char where[600], cell[16];
                sheets_cell_name((unsigned)r->col[org_only[k]], r->row, cell);
                snprintf(where, sizeof where, "%s!%s", r->where, cell);
                diag_report(im->d, DIAG_WARNING, (diag_loc){where, 0, 0, NULL},
                            _("a member's rectification item has no '%s' (only an organisation's plan has); not imported"),
                            sheets_layouts[SHEET_RECT].columns[org_only[k]].header);
            }
    }
    /* an organisation's plan needs at least one 整改重点 */
    long *plan = first_rows(rect, orgs->n, 1);
    char *focus = ws_xcalloc(orgs->n + 1, 1);
    for (size_t i = 0; i < rect->n; i++)
        if (rect->r[i].resolved && rect->r[i].to_org && rect->r[i].v[R_FOCUS]) focus[rect->r[i].target] = 1;
    for (size_t o = 0; o < orgs->n; o++)
        if (plan[o] >= 0 && !focus[o])
            rec_report(im, &rect->r[plan[o]], R_FOCUS, _("the rectification plan of organisation '%s' needs at least one focus (in column 整改重点)%s"),
                       orgs->r[o].v[O_NAME] ? orgs->r[o].v[O_NAME] : "", "");
    free(focus);
    /* a system belongs to the organisation's plan, a section to its report */
    static const struct {
        int sheet, col, parent;
        const char *msg;
    } needs[] = {{SHEET_SYSTEM, Y_ORG, SHEET_RECT, N_("organisation '%s' has no rectification plan in sheet 整改, so the system belongs nowhere; give the organisation's plan first%s")},
                 {SHEET_SECTION, X_ORG, SHEET_REPORT, N_("organisation '%s' has no report figures in sheet 报告, so the text belongs nowhere; fill in sheet 报告 first%s")}};
    for (size_t n = 0; n < sizeof needs / sizeof *needs; n++) {
        const sheets_list *l = &m->list[needs[n].sheet];
        long *parent = needs[n].parent == SHEET_RECT ? plan : first_rows(&m->list[needs[n].parent], orgs->n, 1);
        for (size_t i = 0; i < l->n; i++)
            if (l->r[i].resolved && parent[l->r[i].target] < 0)
                rec_report(im, &l->r[i], needs[n].col, _(needs[n].msg), l->r[i].v[needs[n].col], "");
        if (parent != plan) free(parent);
    }
    free(plan);
    survey_checks(im);
    /* a receipt's opinion needs the day the receipt came back */
    const sheets_list *ev = &m->list[SHEET_EVAL];
    for (size_t i = 0; i < ev->n; i++)
        if (ev->r[i].v[E_OPINION] && !ev->r[i].v[E_RETURNED])
            rec_report(im, &ev->r[i], E_RETURNED, _("the member's opinion on the receipt is given, so give the receipt's date too (the day it came back)%s%s"), "", "");
    /* a special situation needs its explanation (the element's text) */
    for (size_t i = 0; i < members->n; i++) {
        sheets_rec *r = &members->r[i];
        if (r->v[M_SITUATION] && !r->v[M_SITUATION_TEXT])
            rec_report(im, r, r->col[M_SITUATION_TEXT] >= 0 ? M_SITUATION_TEXT : M_SITUATION,
                       _("a member with the special situation '%s' needs its explanation%s"), r->v[M_SITUATION], "");
    }
}

/* ------------------------------------------------------------------ the import */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

/* The sheet a CSV file holds: its name without .csv ("党员.csv"), or the part after the last '-'
 * or '_' ("名册-党员.csv"). */
static char *csv_sheet(const char *display)
{
    char *stem = ws_xstrdup(display);
    stem[strlen(stem) - 4] = 0;
    if (sheets_layout_find(stem) >= 0) return stem;
    char *cut = strrchr(stem, '-');
    char *under = strrchr(stem, '_');
    if (!cut || (under && under > cut)) cut = under;
    if (cut && sheets_layout_find(cut + 1) >= 0) memmove(stem, cut + 1, strlen(cut + 1) + 1);
    return stem;
}

static void model_free(sheets_model *m)
{
    for (int k = 0; k < SHEET_KINDS; k++) {
        for (size_t i = 0; i < m->list[k].n; i++) {
            for (size_t c = 0; c < sheets_layouts[k].ncolumns; c++) free(m->list[k].r[i].v[c]);
            free(m->list[k].r[i].v);
        }
        free(m->list[k].r);
    }
}

/* The <campaign> of a records file as a records file of its own, through records' safe loader. */
static int campaign_file(const char *path, ws_buf *out, diag *d)
{
    xmlDocPtr doc = records_parse_file(path, d);
    if (!doc) return 1;
    xmlNodePtr root = xmlDocGetRootElement(doc), c = NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "campaign")) c = n;
    if (!c) {
        diag_report(d, DIAG_ERROR, (diag_loc){path, 0, 0, NULL}, _("the file has no <campaign> record"));
        xmlFreeDoc(doc);
        return 1;
    }
    xmlBufferPtr b = xmlBufferCreate();
    xmlNodeDump(b, doc, c, 1, 0);
    ws_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wenshu xmlns=\"" WENSHU_NS "\">\n  ");
    ws_buf_put(out, xmlBufferContent(b), (size_t)xmlBufferLength(b));
    ws_buf_puts(out, "\n</wenshu>\n");
    xmlBufferFree(b);
    xmlFreeDoc(doc);
    return 0;
}

int sheets_import(char *const *files, size_t n, const sheets_options *opt, diag *d)
{
    importer im = {0};
    im.d = d;
    int status = 0;
    sheets_sink sink = {&im, on_begin, on_merge, on_row, on_end};
    for (size_t i = 0; i < n && status != EXIT_USAGE; i++) {
        im.display = base_name(files[i]);
        int rc;
        if (has_suffix(files[i], ".xlsx") || has_suffix(files[i], ".xlsm")) {
            rc = sheets_read_xlsx(files[i], im.display, &sink, d);
        } else if (has_suffix(files[i], ".ods")) {
            rc = sheets_read_ods(files[i], im.display, &sink, d);
        } else if (has_suffix(files[i], ".csv")) {
            char *sheet = csv_sheet(im.display);
            own(&im, sheet);
            rc = sheets_read_csv(files[i], im.display, sheet, opt->encoding, &sink, d);
        } else {
            diag_report(d, DIAG_ERROR, (diag_loc){files[i], 0, 0, NULL},
                        _("unknown kind of file: give .xlsx (Excel, WPS), .ods (LibreOffice, WPS) or .csv"));
            rc = EXIT_USAGE;
        }
        if (rc > status) status = rc;
    }
    ws_buf campaign = {0};
    if (status != EXIT_USAGE && opt->campaign && campaign_file(opt->campaign, &campaign, d)) status = EXIT_USAGE;
    if (status != EXIT_USAGE) {
        for (int k = 0; k < SHEET_KINDS; k++)
            if (!im.seen[k])
                diag_report(d, DIAG_NOTE, (diag_loc){NULL, 0, 0, NULL}, _("the input has no sheet '%s': those records are not imported"),
                            sheets_layouts[k].name);
        resolve(&im);
        cross_checks(&im);
    }
    if (!status && diag_count(d, DIAG_ERROR)) status = EXIT_DATA;
    if (!status) {
        sheets_file *out = NULL;
        size_t nout = sheets_emit(&im.m, &out);
        char err[512];
        if (ws_make_dirs(opt->out_dir, err, sizeof err)) {
            diag_report(d, DIAG_ERROR, (diag_loc){opt->out_dir, 0, 0, NULL}, _("cannot create the output folder: %s"), err);
            status = EXIT_USAGE;
        }
        if (!status && campaign.len) {
            ws_buf path = {0};
            ws_buf_printf(&path, "%s/campaign.xml", opt->out_dir);
            if (ws_write_file_atomic(path.data, campaign.data, campaign.len, err, sizeof err)) {
                diag_report(d, DIAG_ERROR, (diag_loc){path.data, 0, 0, NULL}, _("cannot write: %s"), err);
                status = EXIT_USAGE;
            }
            ws_buf_free(&path);
        }
        for (size_t i = 0; i < nout; i++) {
            ws_buf path = {0};
            ws_buf_printf(&path, "%s/%s", opt->out_dir, out[i].name);
            if (!status && ws_write_file_atomic(path.data, out[i].xml.data, out[i].xml.len, err, sizeof err)) {
                diag_report(d, DIAG_ERROR, (diag_loc){path.data, 0, 0, NULL}, _("cannot write: %s"), err);
                status = EXIT_USAGE;
            }
            ws_buf_free(&path);
            free(out[i].name);
            ws_buf_free(&out[i].xml);
        }
        free(out);
    }
    ws_buf_free(&campaign);
    model_free(&im.m);
    for (size_t i = 0; i < im.nowned; i++) free(im.owned[i]);
    free(im.owned);
    free(im.merges);
    return status;
}
