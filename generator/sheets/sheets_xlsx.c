/* sheets_xlsx — Office Open XML workbooks (Excel, WPS) as rows, streamed.
 *
 * Parts read, each with libxml2's streaming reader over the bounded ZIP stream (sheets_zip.c):
 * xl/workbook.xml (sheet names and order, hidden sheets, the 1904 date system),
 * xl/_rels/workbook.xml.rels (where each sheet's part is), xl/styles.xml (which cell styles are
 * dates: built-in date formats and custom numFmts whose code has a year or day),
 * xl/sharedStrings.xml (kept whole: cells refer to it by index; rich-text runs are joined and
 * phonetic runs dropped), then each visible sheet twice — first for its mergeCells, which OOXML
 * writes after the rows, then for the rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheets/sheets_int.h"
#include "base/i18n.h"

#define REL_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

typedef struct {
    char *name, *rid, *target;
    int hidden;
} xlsx_sheet;

typedef struct {
    sheets_zip *z;
    const char *display;
    diag *d;
    int date1904;
    xlsx_sheet *sheets;
    size_t nsheets;
    char **strings;
    size_t nstrings;
    unsigned char *date_style; /* per cellXfs index: 1 when its number format is a date */
    size_t nstyles;
    int *custom_ids, *custom_date; /* numFmt ids defined in styles.xml and whether each is a date */
    size_t ncustom;
} xlsx;

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

static char *attr(xmlTextReaderPtr r, const char *name) { return (char *)xmlTextReaderGetAttribute(r, BAD_CAST name); }

static int is_text(xmlTextReaderPtr r)
{
    int t = xmlTextReaderNodeType(r);
    return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
           t == XML_READER_TYPE_WHITESPACE || t == XML_READER_TYPE_CDATA;
}

/* Built-in number formats that are dates (ECMA-376 18.8.30, and the CJK ones Excel and WPS use
 * in Chinese locales: 27-36, 50-58). 45-47 are times of day only. */
static int builtin_date(int id) { return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58); }

/* A custom format code is a date when, outside quoted text, escapes and [..] sections, it has a
 * year, day or era letter: "yyyy/m/d", "yyyy\"年\"m\"月\"d\"日\"", "[$-804]e/m/d". */
static int code_is_date(const char *code)
{
    for (const char *p = code; *p; p++) {
        if (*p == '"') {
            const char *q = strchr(p + 1, '"');
            if (!q) return 0;
            p = q;
        } else if (*p == '\\' && p[1]) {
            p++;
        } else if (*p == '[') {
            const char *q = strchr(p, ']');
            if (!q) return 0;
            p = q;
        } else if (*p == 'y' || *p == 'Y' || *p == 'd' || *p == 'D' || *p == 'e') {
            return 1;
        }
    }
    return 0;
}

static int finish(xlsx *x, sheets_part *p, int rc) { return sheets_part_close(p, x->z, rc, x->d); }

static int read_workbook(xlsx *x)
{
    sheets_part *p = sheets_part_open(x->z, "xl/workbook.xml");
    if (!p) {
        diag_report(x->d, DIAG_ERROR, (diag_loc){x->display, 0, 0, NULL}, _("no xl/workbook.xml: not an Excel workbook (.xlsx)"));
        return 1;
    }
    xmlTextReaderPtr r = sheets_part_reader(p);
    int rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        if (is_element(r, "workbookPr")) {
            char *v = attr(r, "date1904");
            x->date1904 = v && (!strcmp(v, "1") || !strcmp(v, "true"));
            xmlFree(v);
        } else if (is_element(r, "sheet")) {
            if (x->nsheets >= 1000) break;
            x->sheets = ws_xrealloc(x->sheets, (x->nsheets + 1) * sizeof *x->sheets);
            xlsx_sheet *s = &x->sheets[x->nsheets++];
            char *name = attr(r, "name"), *state = attr(r, "state");
            char *rid = (char *)xmlTextReaderGetAttributeNs(r, BAD_CAST "id", BAD_CAST REL_NS);
            s->name = ws_xstrdup(name ? name : "");
            s->rid = ws_xstrdup(rid ? rid : "");
            s->target = NULL;
            s->hidden = state && strcmp(state, "visible") != 0;
            xmlFree(name);
            xmlFree(state);
            xmlFree(rid);
        }
    }
    return finish(x, p, rc);
}

static int read_rels(xlsx *x)
{
    sheets_part *p = sheets_part_open(x->z, "xl/_rels/workbook.xml.rels");
    if (!p) return 0; /* sheets without targets are reported below */
    xmlTextReaderPtr r = sheets_part_reader(p);
    int rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        if (!is_element(r, "Relationship")) continue;
        char *id = attr(r, "Id"), *target = attr(r, "Target");
        for (size_t i = 0; id && target && i < x->nsheets; i++) {
            if (strcmp(x->sheets[i].rid, id) || x->sheets[i].target) continue;
            /* Targets are relative to xl/ ("worksheets/sheet1.xml") or absolute ("/xl/…"). */
            ws_buf b = {0};
            if (target[0] == '/') ws_buf_puts(&b, target + 1);
            else ws_buf_printf(&b, "xl/%s", target);
            x->sheets[i].target = ws_buf_steal(&b);
        }
        xmlFree(id);
        xmlFree(target);
    }
    return finish(x, p, rc);
}

static int custom_is_date(const xlsx *x, int id)
{
    for (size_t i = 0; i < x->ncustom; i++)
        if (x->custom_ids[i] == id) return x->custom_date[i];
    return builtin_date(id);
}

static int read_styles(xlsx *x)
{
    sheets_part *p = sheets_part_open(x->z, "xl/styles.xml");
    if (!p) return 0; /* no styles: no dates by format; serials in date columns still convert */
    xmlTextReaderPtr r = sheets_part_reader(p);
    int rc, in_xfs = 0;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        if (is_element(r, "numFmt") && x->ncustom < 1000) {
            char *id = attr(r, "numFmtId"), *code = attr(r, "formatCode");
            x->custom_ids = ws_xrealloc(x->custom_ids, (x->ncustom + 1) * sizeof *x->custom_ids);
            x->custom_date = ws_xrealloc(x->custom_date, (x->ncustom + 1) * sizeof *x->custom_date);
            x->custom_ids[x->ncustom] = id ? atoi(id) : -1;
            x->custom_date[x->ncustom] = code ? code_is_date(code) : 0;
            x->ncustom++;
            xmlFree(id);
            xmlFree(code);
        } else if (is_element(r, "cellXfs")) {
            in_xfs = !xmlTextReaderIsEmptyElement(r);
        } else if (is_end(r, "cellXfs")) {
            in_xfs = 0;
        } else if (in_xfs && is_element(r, "xf") && x->nstyles < 65536) {
            char *id = attr(r, "numFmtId");
            x->date_style = ws_xrealloc(x->date_style, x->nstyles + 1);
            x->date_style[x->nstyles++] = (unsigned char)(id ? custom_is_date(x, atoi(id)) : 0);
            xmlFree(id);
        }
    }
    return finish(x, p, rc);
}

/* Text of <si> or <is>: the <t> of the item and of its rich-text runs <r>, not of phonetic
 * runs <rPh>. Called on the opening element; returns at its end. */
static int read_string_item(xmlTextReaderPtr r, const char *end, ws_buf *b)
{
    if (xmlTextReaderIsEmptyElement(r)) return 1;
    int rc, in_t = 0, in_ph = 0;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        if (is_end(r, end)) break;
        if (is_element(r, "rPh")) in_ph = !xmlTextReaderIsEmptyElement(r);
        else if (is_end(r, "rPh")) in_ph = 0;
        else if (is_element(r, "t")) in_t = !xmlTextReaderIsEmptyElement(r);
        else if (is_end(r, "t")) in_t = 0;
        else if (in_t && !in_ph && is_text(r) && b->len <= SHEETS_CELL_MAX)
            ws_buf_puts(b, (const char *)xmlTextReaderConstValue(r));
    }
    return rc;
}

static int read_shared_strings(xlsx *x)
{
    sheets_part *p = sheets_part_open(x->z, "xl/sharedStrings.xml");
    if (!p) return 0;
    xmlTextReaderPtr r = sheets_part_reader(p);
    int rc;
    size_t cap = 0;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        if (!is_element(r, "si")) continue;
        if (x->nstrings >= SHEETS_STRINGS_MAX) {
            diag_report(x->d, DIAG_ERROR, (diag_loc){x->display, 0, 0, NULL},
                        _("more than %d shared strings; not read"), SHEETS_STRINGS_MAX);
            sheets_part_close(p, x->z, 0, x->d);
            return 1;
        }
        ws_buf b = {0};
        ws_buf_puts(&b, "");
        if ((rc = read_string_item(r, "si", &b)) != 1) {
            ws_buf_free(&b);
            break;
        }
        if (x->nstrings == cap) {
            cap = cap ? cap * 2 : 256;
            x->strings = ws_xrealloc(x->strings, cap * sizeof *x->strings);
        }
        x->strings[x->nstrings++] = ws_buf_steal(&b);
    }
    return finish(x, p, rc);
}

/* "E7" -> column 4; the row part is ignored (the row element carries it). -1 when malformed. */
static long ref_column(const char *ref)
{
    long col = 0;
    const char *p = ref;
    for (; *p >= 'A' && *p <= 'Z'; p++) {
        col = col * 26 + (*p - 'A' + 1);
        if (col > 100000) return -1;
    }
    return p == ref ? -1 : col - 1;
}

static long ref_row(const char *ref)
{
    const char *p = ref;
    while (*p >= 'A' && *p <= 'Z') p++;
    return atol(p);
}

static int read_merges(xlsx *x, const char *target, const sheets_sink *s)
{
    sheets_part *p = sheets_part_open(x->z, target);
    if (!p) return 0;
    xmlTextReaderPtr r = sheets_part_reader(p);
    int rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        if (!is_element(r, "mergeCell")) continue;
        char *ref = attr(r, "ref");
        const char *colon = ref ? strchr(ref, ':') : NULL;
        if (colon) {
            long c1 = ref_column(ref), r1 = ref_row(ref), c2 = ref_column(colon + 1), r2 = ref_row(colon + 1);
            if (c1 >= 0 && c2 >= c1 && r1 > 0 && r2 >= r1 && c1 < SHEETS_COLS_MAX)
                s->merge(s->ctx, r1, (unsigned)c1, r2, (unsigned)(c2 < SHEETS_COLS_MAX ? c2 : SHEETS_COLS_MAX - 1));
        }
        xmlFree(ref);
    }
    return finish(x, p, rc);
}

/* One <c>: its value as a cell of row. Called on the opening element. */
static int read_cell(xlsx *x, xmlTextReaderPtr r, long col, sheets_row *row)
{
    char *t = attr(r, "t"), *st = attr(r, "s");
    int style = st ? atoi(st) : 0;
    xmlFree(st);
    ws_buf v = {0};
    ws_buf_puts(&v, "");
    int rc = 1, in_v = 0;
    if (t && !strcmp(t, "inlineStr")) {
        while (!xmlTextReaderIsEmptyElement(r) && (rc = xmlTextReaderRead(r)) == 1 && !is_end(r, "c"))
            if (is_element(r, "is")) rc = read_string_item(r, "is", &v);
    } else if (!xmlTextReaderIsEmptyElement(r)) {
        while ((rc = xmlTextReaderRead(r)) == 1 && !is_end(r, "c")) {
            if (is_element(r, "v")) in_v = !xmlTextReaderIsEmptyElement(r);
            else if (is_end(r, "v")) in_v = 0;
            else if (in_v && is_text(r) && v.len <= SHEETS_CELL_MAX) ws_buf_puts(&v, (const char *)xmlTextReaderConstValue(r));
        }
    }
    if (rc == 1 && v.len && col < SHEETS_COLS_MAX) {
        if (t && !strcmp(t, "s")) {
            char *end;
            unsigned long i = strtoul(v.data, &end, 10);
            if (!*end && i < x->nstrings && x->strings[i][0])
                sheets_row_add(row, (unsigned)col, SHEETS_TEXT, x->strings[i], strlen(x->strings[i]));
        } else if (t && (!strcmp(t, "str") || !strcmp(t, "inlineStr") || !strcmp(t, "d"))) {
            sheets_row_add(row, (unsigned)col, SHEETS_TEXT, v.data, v.len);
        } else if (t && !strcmp(t, "b")) {
            sheets_row_add(row, (unsigned)col, SHEETS_BOOL, strcmp(v.data, "0") ? "TRUE" : "FALSE", v.data[0] == '0' ? 5 : 4);
        } else if (t && !strcmp(t, "e")) {
            sheets_row_add(row, (unsigned)col, SHEETS_ERROR, v.data, v.len);
        } else {
            sheets_row_add(row, (unsigned)col, SHEETS_NUMBER, v.data, v.len);
            sheets_cell *c = &row->cells[row->n - 1];
            if (style >= 0 && (size_t)style < x->nstyles && x->date_style[style])
                c->date_bad = sheets_serial_date(strtod(v.data, NULL), x->date1904, c->date) != 0;
        }
    }
    xmlFree(t);
    ws_buf_free(&v);
    return rc;
}

static int read_rows(xlsx *x, const char *name, const char *target, const sheets_sink *s)
{
    sheets_part *p = sheets_part_open(x->z, target);
    if (!p) {
        diag_report(x->d, DIAG_ERROR, (diag_loc){x->display, 0, 0, NULL}, _("sheet '%s': its contents (%s) are missing"), name, target);
        return 1;
    }
    xmlTextReaderPtr r = sheets_part_reader(p);
    sheets_row row = {0};
    long next_row = 1, next_col = 0;
    int rc, stop = 0;
    while (!stop && (rc = xmlTextReaderRead(r)) == 1) {
        if (is_element(r, "row")) {
            char *rn = attr(r, "r");
            row.row = rn ? atol(rn) : next_row;
            xmlFree(rn);
            if (row.row < next_row || row.row > SHEETS_ROWS_MAX) {
                diag_report(x->d, DIAG_ERROR, (diag_loc){x->display, 0, 0, NULL},
                            _("sheet '%s': row number %ld is invalid or over %d rows"), name, row.row, SHEETS_ROWS_MAX);
                sheets_row_free(&row);
                sheets_part_close(p, x->z, 0, x->d);
                return 1;
            }
            next_row = row.row + 1;
            next_col = 0;
            sheets_row_clear(&row);
            if (xmlTextReaderIsEmptyElement(r)) continue;
        } else if (is_element(r, "c")) {
            char *ref = attr(r, "r");
            long col = ref ? ref_column(ref) : next_col;
            xmlFree(ref);
            if (col < 0) col = next_col;
            next_col = col + 1;
            if ((rc = read_cell(x, r, col, &row)) != 1) break;
        } else if (is_end(r, "row")) {
            if (row.n) stop = s->row(s->ctx, &row);
            sheets_row_clear(&row);
        }
    }
    sheets_row_free(&row);
    if (stop) rc = 0;
    return finish(x, p, rc);
}

static void xlsx_free(xlsx *x)
{
    for (size_t i = 0; i < x->nsheets; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].rid);
        free(x->sheets[i].target);
    }
    free(x->sheets);
    for (size_t i = 0; i < x->nstrings; i++) free(x->strings[i]);
    free(x->strings);
    free(x->date_style);
    free(x->custom_ids);
    free(x->custom_date);
    sheets_zip_close(x->z);
}

int sheets_read_xlsx(const char *path, const char *display, const sheets_sink *s, diag *d)
{
    int status = 0;
    xlsx x = {0};
    x.display = display;
    x.d = d;
    x.z = sheets_zip_open(path, display, d, &status);
    if (!x.z) return status;
    int bad = read_workbook(&x) || read_rels(&x) || read_styles(&x) || read_shared_strings(&x);
    for (size_t i = 0; !bad && i < x.nsheets; i++) {
        xlsx_sheet *sh = &x.sheets[i];
        if (sh->hidden) {
            diag_report(d, DIAG_NOTE, (diag_loc){display, 0, 0, NULL}, _("hidden sheet '%s' not imported"), sh->name);
            continue;
        }
        if (!sh->target) {
            diag_report(d, DIAG_ERROR, (diag_loc){display, 0, 0, NULL}, _("sheet '%s' has no part in workbook.xml.rels"), sh->name);
            bad = 1;
            break;
        }
        if (s->begin(s->ctx, sh->name)) continue;
        bad = read_merges(&x, sh->target, s) || read_rows(&x, sh->name, sh->target, s);
        s->end(s->ctx);
    }
    xlsx_free(&x);
    return bad ? EXIT_DATA : 0;
}
