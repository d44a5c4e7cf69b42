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
    if (im->kind < 0) {
        diag_report(im->d, DIAG_NOTE, (diag_loc){im->display, 0, 0, NULL},
                    "工作表“%s”不是本软件约定的表（见 docs/spreadsheets.md），未导入", sheet);
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

/* The header text at (row, col): the cell's own, or that of a merged cell covering it. */
static const char *header_text(importer *im, size_t k, unsigned col)
{
    const char *t = row_text(&im->pending[k], col);
    if (t && *t) return t;
    long row = im->pending[k].row;
    for (size_t i = 0; i < im->nmerges; i++) {
        const merge_range *g = &im->merges[i];
        if (row < g->r1 || row > g->r2 || col < g->c1 || col > g->c2) continue;
        for (size_t j = 0; j <= k; j++)
            if (im->pending[j].row == g->r1) return row_text(&im->pending[j], g->c1);
    }
    return NULL;
}

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
                    "前 %d 行中找不到表头（应有“%s”等列名，见 docs/spreadsheets.md）", HEADER_SCAN, l->columns[0].header);
        im->header_row = -1;
        return;
    }
    const sheets_row *h = &im->pending[best];
    im->header_row = im->header_end = h->row;
    for (size_t i = 0; i < im->nmerges; i++)
        if (im->merges[i].r1 <= h->row && im->merges[i].r2 >= h->row && im->merges[i].r2 > im->header_end)
            im->header_end = im->merges[i].r2;
    for (unsigned c = 0, n = max_col(im, best); c < n; c++) {
        const char *t = header_text(im, best, c);
        if (!t || !*t) continue;
        int k = sheets_layout_column(l, t);
        char cell[16];
        sheets_cell_name(c, h->row, cell);
        char where[600];
        snprintf(where, sizeof where, "%s!%s", im->where, cell);
        if (k < 0) {
            diag_report(im->d, DIAG_WARNING, (diag_loc){where, 0, 0, NULL}, "未知的列“%s”，该列未导入", t);
        } else if (im->col[k] >= 0) {
            diag_report(im->d, DIAG_WARNING, (diag_loc){where, 0, 0, NULL}, "列“%s”重复，只导入第一列", t);
        } else {
            im->col[k] = (int)c;
        }
    }
    for (size_t i = 0; i < l->ncolumns; i++)
        if (l->columns[i].required && im->col[i] < 0)
            diag_report(im->d, DIAG_ERROR, (diag_loc){im->where, 0, 0, NULL}, "缺少必填列“%s”", l->columns[i].header);
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
    else if (im->header_row == 0)
        diag_report(im->d, DIAG_WARNING, (diag_loc){im->where, 0, 0, NULL}, "工作表是空的");
    for (size_t k = 0; k < im->npending; k++) sheets_row_free(&im->pending[k]);
    im->npending = 0;
}

/* ------------------------------------------------------------------ cells to values */

static const char *example_of(sheets_col_type t)
{
    switch (t) {
    case COL_DATE: return "日期，如 1979-06-03";
    case COL_HOURS: return "0 至 2000 的数，至多一位小数，如 40 或 3.5";
    case COL_BOOL: return "“是”或“否”";
    case COL_ID: return "字母开头的编号，由字母、数字和 _ . - 组成，至多 64 个字符，如 M01";
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
            report_cell(im, DIAG_ERROR, cell->col, row, "%s含有控制字符，请删除%s%s", c->header, "", "");
            return NULL;
        }
        if (c->type == COL_NAME) {
            for (char *p = buf; *p; p++)
                if (*p == '\n' || *p == '\t') *p = ' ';
            if (ws_utf8_count(buf, strlen(buf)) > 100) {
                report_cell(im, DIAG_ERROR, cell->col, row, "%s过长（至多 100 个字）%s%s", c->header, "", "");
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
            report_cell(im, DIAG_ERROR, cell->col, row, "%s应为%s（现为“%s”）", c->header, example_of(COL_ID), shown);
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
                            "%s应为%s（现为 Excel 日期序号 %s，即不存在的 1900-02-29）", c->header, example_of(COL_DATE), shown);
            else
                report_cell(im, DIAG_ERROR, cell->col, row, "%s应为%s（现为 Excel 日期序号 %s，不是有效日期）", c->header,
                            example_of(COL_DATE), shown);
            return NULL;
        }
        sheets_halfwidth(buf);
        if (!buf[0]) return NULL;
        if (!sheets_parse_date(buf, date)) return ws_xstrdup(date);
        report_cell(im, DIAG_ERROR, cell->col, row, "%s应为%s（现为“%s”）", c->header, example_of(COL_DATE), shown);
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
            report_cell(im, DIAG_ERROR, cell->col, row, "%s应为%s（现为“%s”）", c->header, example_of(COL_HOURS), shown);
            return NULL;
        }
        char out[32];
        if (tenths % 10) snprintf(out, sizeof out, "%ld.%ld", tenths / 10, tenths % 10);
        else snprintf(out, sizeof out, "%ld", tenths / 10);
        return ws_xstrdup(out);
    }
    if (c->type == COL_BOOL) {
        sheets_halfwidth(buf);
        if (!buf[0]) return NULL;
        if (!strcmp(buf, "是") || !strcmp(buf, "TRUE") || !strcmp(buf, "1") || !strcmp(buf, "√")) return ws_xstrdup("true");
        if (!strcmp(buf, "否") || !strcmp(buf, "FALSE") || !strcmp(buf, "0")) return ws_xstrdup("false");
        report_cell(im, DIAG_ERROR, cell->col, row, "%s应为%s（现为“%s”）", c->header, example_of(COL_BOOL), shown);
        return NULL;
    }
    /* COL_ENUM */
    sheets_trim(buf);
    sheets_halfwidth(buf);
    if (!buf[0]) return NULL;
    char value[128], list[400];
    if (enum_value(c->values, buf, value, sizeof value)) return ws_xstrdup(value);
    enum_list(c->values, list, sizeof list);
    report_cell(im, DIAG_ERROR, cell->col, row, "%s应为%s之一（现为“%s”）", c->header, list, shown);
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
            report_cell(im, DIAG_ERROR, (unsigned)im->col[i], r->row, "%s不能为空%s%s", l->columns[i].header, "", "");
    sheets_list *list = &im->m.list[im->kind];
    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 64;
        list->r = ws_xrealloc(list->r, list->cap * sizeof *list->r);
    }
    list->r[list->n++] = (sheets_rec){v, im->where, im->col, r->row, 0, 0};
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

/* Index of the record of list whose id (column id_col) or, failing that, unique name
 * (column name_col) is ref; -1 none, -2 a name shared by several. */
static long find_ref(const sheets_list *list, int id_col, int name_col, const char *ref)
{
    for (size_t i = 0; i < list->n; i++)
        if (list->r[i].v[id_col] && !strcmp(list->r[i].v[id_col], ref)) return (long)i;
    long found = -1;
    for (size_t i = 0; i < list->n; i++)
        if (list->r[i].v[name_col] && !strcmp(list->r[i].v[name_col], ref)) {
            if (found >= 0) return -2;
            found = (long)i;
        }
    return found;
}

/* Fills in missing ids, refuses duplicates, resolves every reference to an id. The lookups are
 * linear: an office's workbook has some thousands of rows (50 000 members: a few seconds). */
static void resolve(importer *im)
{
    sheets_model *m = &im->m;
    sheets_list *units = &m->list[SHEET_UNIT], *orgs = &m->list[SHEET_ORG], *members = &m->list[SHEET_MEMBER];
    for (size_t i = 0; i < units->n; i++)
        if (!units->r[i].v[U_ID]) units->r[i].v[U_ID] = content_id('U', units->r[i].v[U_NAME], NULL, NULL);
    for (size_t i = 0; i < orgs->n; i++)
        if (!orgs->r[i].v[O_ID]) orgs->r[i].v[O_ID] = content_id('O', orgs->r[i].v[O_NAME], NULL, NULL);
    /* organisations' references first: members' ids are made from their organisation's id */
    for (size_t i = 0; i < orgs->n; i++) {
        sheets_rec *o = &orgs->r[i];
        if (o->v[O_UNIT]) {
            long u = find_ref(units, U_ID, U_NAME, o->v[O_UNIT]);
            if (u >= 0) {
                free(o->v[O_UNIT]);
                o->v[O_UNIT] = ws_xstrdup(units->r[u].v[U_ID]);
            } else if (u == -2 || !valid_id(o->v[O_UNIT])) {
                rec_report(im, o, O_UNIT, "所属单位“%s”%s", o->v[O_UNIT],
                           u == -2 ? "对应多个单位，请填单位编号" : "在“单位”表中找不到（请填单位编号或名称）");
            }
        }
        if (o->v[O_PARENT]) {
            long p = find_ref(orgs, O_ID, O_NAME, o->v[O_PARENT]);
            if (p >= 0) {
                free(o->v[O_PARENT]);
                o->v[O_PARENT] = ws_xstrdup(orgs->r[p].v[O_ID]);
            } else if (p == -2 || !valid_id(o->v[O_PARENT])) {
                rec_report(im, o, O_PARENT, "上级组织“%s”%s", o->v[O_PARENT],
                           p == -2 ? "对应多个组织，请填组织编号" : "在“组织”表中找不到（请填组织编号或名称）");
            }
        }
    }
    for (size_t i = 0; i < members->n; i++) {
        sheets_rec *mr = &members->r[i];
        if (mr->v[M_ORG]) {
            long o = find_ref(orgs, O_ID, O_NAME, mr->v[M_ORG]);
            if (o >= 0) {
                free(mr->v[M_ORG]);
                mr->v[M_ORG] = ws_xstrdup(orgs->r[o].v[O_ID]);
            } else if (o == -2 || !valid_id(mr->v[M_ORG])) {
                rec_report(im, mr, M_ORG, "所在党组织“%s”%s", mr->v[M_ORG],
                           o == -2 ? "对应多个组织，请填组织编号" : "在“组织”表中找不到（请填组织编号或名称）");
            }
        }
        if (!mr->v[M_ID]) mr->v[M_ID] = content_id('M', mr->v[M_ORG], mr->v[M_NAME], mr->v[M_BIRTH]);
    }
    /* ids unique across the three sheets (and so across the files written) */
    struct {
        sheets_list *l;
        int col;
    } all[] = {{units, U_ID}, {orgs, O_ID}, {members, M_ID}};
    for (size_t a = 0; a < 3; a++)
        for (size_t i = 0; i < all[a].l->n; i++) {
            sheets_rec *r = &all[a].l->r[i];
            for (size_t b = 0; b <= a; b++)
                for (size_t j = 0; j < (b == a ? i : all[b].l->n); j++) {
                    sheets_rec *s = &all[b].l->r[j];
                    if (!r->v[all[a].col] || !s->v[all[b].col] || strcmp(r->v[all[a].col], s->v[all[b].col])) continue;
                    char other[600], cell[16];
                    sheets_cell_name(s->col[all[b].col] >= 0 ? (unsigned)s->col[all[b].col] : 0, s->row, cell);
                    snprintf(other, sizeof other, "%s!%s", s->where, cell);
                    rec_report(im, r, all[a].col, "编号“%s”与 %s 重复（编号不填时，按名称等内容生成，内容相同也会重复）",
                               r->v[all[a].col], other);
                    goto next;
                }
        next:;
        }
    /* child rows: the member or organisation each belongs to */
    static const struct {
        int sheet, member_col, org_col;
    } child[] = {{SHEET_STUDY, S_MEMBER, -1}, {SHEET_OPINION, P_MEMBER, P_ORG}, {SHEET_EVAL, E_MEMBER, -1},
                 {SHEET_RECT, R_MEMBER, R_ORG}};
    for (size_t c = 0; c < sizeof child / sizeof *child; c++) {
        sheets_list *l = &m->list[child[c].sheet];
        for (size_t i = 0; i < l->n; i++) {
            sheets_rec *r = &l->r[i];
            const char *mref = r->v[child[c].member_col], *oref = child[c].org_col >= 0 ? r->v[child[c].org_col] : NULL;
            if (mref && oref) {
                rec_report(im, r, child[c].org_col, "党员编号和组织编号只能填一个（现为“%s”和“%s”）", mref, oref);
                continue;
            }
            if (!mref && !oref) {
                if (child[c].org_col >= 0) rec_report(im, r, child[c].member_col, "党员编号和组织编号至少填一个%s%s", "", "");
                continue;
            }
            long k = mref ? find_ref(members, M_ID, M_NAME, mref) : find_ref(orgs, O_ID, O_NAME, oref);
            if (k < 0) {
                rec_report(im, r, mref ? child[c].member_col : child[c].org_col, "“%s”%s", mref ? mref : oref,
                           k == -2 ? "对应多条记录（重名），请填编号"
                                   : mref ? "在“党员”表中找不到（请填党员编号或姓名）" : "在“组织”表中找不到（请填组织编号或名称）");
                continue;
            }
            r->target = (size_t)k;
            r->to_org = !mref;
        }
    }
}

/* Checks that span rows of one record: one evaluation per member, one plan date per plan, an
 * organisation's plan with a focus, member items without organisation-only columns. */
static void cross_checks(importer *im)
{
    sheets_model *m = &im->m;
    sheets_list *ev = &m->list[SHEET_EVAL], *rect = &m->list[SHEET_RECT], *members = &m->list[SHEET_MEMBER];
    for (size_t i = 0; i < ev->n; i++)
        for (size_t j = 0; j < i; j++)
            if (ev->r[i].target == ev->r[j].target && ev->r[i].v[E_MEMBER] && ev->r[j].v[E_MEMBER]) {
                char line[32];
                snprintf(line, sizeof line, "%ld", ev->r[j].row);
                rec_report(im, &ev->r[i], E_MEMBER, "该党员已有评议意见（第 %s 行）；每名党员一行%s", line, "");
                break;
            }
    for (size_t i = 0; i < rect->n; i++) {
        sheets_rec *r = &rect->r[i];
        if (!r->v[R_MEMBER] && !r->v[R_ORG]) continue;
        for (size_t j = 0; j < i; j++) {
            sheets_rec *s = &rect->r[j];
            if (s->to_org == r->to_org && s->target == r->target && (s->v[R_MEMBER] || s->v[R_ORG]) && r->v[R_PLAN_DATE] &&
                s->v[R_PLAN_DATE] && strcmp(r->v[R_PLAN_DATE], s->v[R_PLAN_DATE])) {
                rec_report(im, r, R_PLAN_DATE, "同一整改方案的方案日期应相同（本行 %s，前面为 %s）", r->v[R_PLAN_DATE],
                           s->v[R_PLAN_DATE]);
                break;
            }
        }
        if (!r->to_org) {
            static const int org_only[] = {R_FOCUS, R_CATEGORY, R_GOAL, R_DEPARTMENT};
            for (size_t k = 0; k < sizeof org_only / sizeof *org_only; k++)
                if (r->v[org_only[k]]) {
                    char where[600], cell[16];
                    sheets_cell_name((unsigned)r->col[org_only[k]], r->row, cell);
                    snprintf(where, sizeof where, "%s!%s", r->where, cell);
                    diag_report(im->d, DIAG_WARNING, (diag_loc){where, 0, 0, NULL},
                                "党员个人整改项没有“%s”一项（仅组织的整改方案有），未导入",
                                sheets_layouts[SHEET_RECT].columns[org_only[k]].header);
                }
        }
    }
    /* an organisation's plan needs at least one 整改重点 */
    sheets_list *orgs = &m->list[SHEET_ORG];
    for (size_t o = 0; o < orgs->n; o++) {
        sheets_rec *first = NULL;
        int focus = 0;
        for (size_t i = 0; i < rect->n; i++)
            if (rect->r[i].to_org && rect->r[i].target == o && rect->r[i].v[R_ORG]) {
                if (!first) first = &rect->r[i];
                focus |= rect->r[i].v[R_FOCUS] != NULL;
            }
        if (first && !focus)
            rec_report(im, first, R_FOCUS, "组织“%s”的整改方案至少要有一条整改重点（填在“整改重点”列）%s",
                       orgs->r[o].v[O_NAME] ? orgs->r[o].v[O_NAME] : "", "");
    }
    /* a special situation needs its explanation (the element's text) */
    for (size_t i = 0; i < members->n; i++) {
        sheets_rec *r = &members->r[i];
        if (r->v[M_SITUATION] && !r->v[M_SITUATION_TEXT])
            rec_report(im, r, r->col[M_SITUATION_TEXT] >= 0 ? M_SITUATION_TEXT : M_SITUATION,
                       "有特殊情况“%s”的党员需要填写情况说明%s", r->v[M_SITUATION], "");
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
        diag_report(d, DIAG_ERROR, (diag_loc){path, 0, 0, NULL}, "文件中没有 <campaign>（活动）记录");
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
                        "不认识的文件类型：应为 .xlsx（Excel、WPS）、.ods（LibreOffice、WPS）或 .csv");
            rc = EXIT_USAGE;
        }
        if (rc > status) status = rc;
    }
    ws_buf campaign = {0};
    if (status != EXIT_USAGE && opt->campaign && campaign_file(opt->campaign, &campaign, d)) status = EXIT_USAGE;
    if (status != EXIT_USAGE) {
        for (int k = 0; k < SHEET_KINDS; k++)
            if (!im.seen[k])
                diag_report(d, DIAG_NOTE, (diag_loc){NULL, 0, 0, NULL}, "输入中没有“%s”表：这部分记录未导入",
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
            diag_report(d, DIAG_ERROR, (diag_loc){opt->out_dir, 0, 0, NULL}, "无法创建输出目录：%s", err);
            status = EXIT_USAGE;
        }
        if (!status && campaign.len) {
            ws_buf path = {0};
            ws_buf_printf(&path, "%s/campaign.xml", opt->out_dir);
            if (ws_write_file_atomic(path.data, campaign.data, campaign.len, err, sizeof err)) {
                diag_report(d, DIAG_ERROR, (diag_loc){path.data, 0, 0, NULL}, "无法写入：%s", err);
                status = EXIT_USAGE;
            }
            ws_buf_free(&path);
        }
        for (size_t i = 0; i < nout; i++) {
            ws_buf path = {0};
            ws_buf_printf(&path, "%s/%s", opt->out_dir, out[i].name);
            if (!status && ws_write_file_atomic(path.data, out[i].xml.data, out[i].xml.len, err, sizeof err)) {
                diag_report(d, DIAG_ERROR, (diag_loc){path.data, 0, 0, NULL}, "无法写入：%s", err);
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
