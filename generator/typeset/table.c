/* table — ruled GFM tables (see table.h). */
#include "typeset/table.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/i18n.h"

#define EPS 0.01f

/* ---- column widths ---- */

static void share_by_text(const table_col_need *need, int n, const int *flex, float room, float *w)
{
    /* Water filling: shares in proportion to text, clamped to [keep, nat]; a clamped column
     * leaves the pool and the others share what is left. */
    int *free_ = ws_xcalloc((size_t)n, sizeof *free_);
    for (int c = 0; c < n; c++) free_[c] = flex[c];
    for (int round = 0; round <= n; round++) {
        float pool = room, text = 0;
        int nfree = 0;
        for (int c = 0; c < n; c++) {
            if (!flex[c]) continue;
            if (free_[c]) {
                text += need[c].text > EPS ? need[c].text : need[c].nat;
                nfree++;
            } else {
                pool -= w[c];
            }
        }
        if (!nfree) break;
        int clamped = 0;
        for (int c = 0; c < n; c++) {
            if (!free_[c]) continue;
            float t = need[c].text > EPS ? need[c].text : need[c].nat;
            w[c] = text > 0 ? pool * t / text : pool / (float)nfree;
        }
        /* Raise the starved columns first: their minimum is a hard promise. */
        for (int c = 0; c < n; c++)
            if (free_[c] && w[c] < need[c].keep) {
                w[c] = need[c].keep;
                free_[c] = 0;
                clamped = 1;
            }
        if (!clamped)
            for (int c = 0; c < n; c++)
                if (free_[c] && w[c] > need[c].nat) {
                    w[c] = need[c].nat;
                    free_[c] = 0;
                    clamped = 1;
                }
        if (!clamped) break;
    }
    free(free_);
}

int table_distribute(const table_col_need *in, int n, float W, float *w)
{
    if (n <= 0) return 0;
    table_col_need *need = ws_xcalloc((size_t)n, sizeof *need);
    float shard = 0, skeep = 0, snat = 0;
    for (int c = 0; c < n; c++) {
        need[c] = in[c];
        if (need[c].keep < need[c].hard) need[c].keep = need[c].hard;
        if (need[c].nat < need[c].keep) need[c].nat = need[c].keep;
        shard += need[c].hard;
        skeep += need[c].keep;
        snat += need[c].nat;
    }
    int status = 0;
    int *flex = ws_xcalloc((size_t)n, sizeof *flex);
    if (snat <= W + EPS) {
        /* Everything fits on one line: stretch to the measure, the wrapping (text) columns
         * taking the extra, or all columns alike when none wraps. */
        int any = 0;
        for (int c = 0; c < n; c++) {
            w[c] = need[c].nat;
            flex[c] = need[c].wraps;
            any |= flex[c];
        }
        float extra = W - snat, base = 0;
        for (int c = 0; c < n; c++)
            if (flex[c] || !any) base += need[c].nat;
        for (int c = 0; c < n; c++)
            if ((flex[c] || !any) && base > 0) w[c] += extra * need[c].nat / base;
    } else if (skeep <= W + EPS) {
        /* Short columns keep their natural width; the text columns share the rest. */
        float room = W;
        for (int c = 0; c < n; c++) {
            flex[c] = need[c].nat > need[c].keep + EPS;
            w[c] = need[c].nat;
            if (!flex[c]) room -= w[c];
        }
        share_by_text(need, n, flex, room, w);
    } else if (shard <= W + EPS) {
        /* Too narrow for short cells to stay whole: they break where they must. */
        for (int c = 0; c < n; c++)
            w[c] = need[c].hard + (skeep > shard ? (W - shard) * (need[c].keep - need[c].hard) / (skeep - shard) : 0);
    } else {
        for (int c = 0; c < n; c++) w[c] = shard > 0 ? need[c].hard * W / shard : W / (float)n;
        status = -1;
    }
    free(flex);
    free(need);
    return status;
}

/* ---- the table ---- */

static float dmax(float a, float b) { return a > b ? a : b; }

typedef struct {
    layout *L;
    int ncols;
    char *align;       /* per column: 'l', 'c', 'r' for body cells */
    char *halign;      /* per column, header cells */
    paragraph **hdr;        /* header cells, laid out once */
    paragraph **cells;      /* the current body row */
    paragraph **probe;      /* for measuring: reports nothing (the layout pass reports once) */
    paragraph *phrase;      /* for measuring one phrase of a cell */
    float *cellnat;    /* natural width of every body cell, row by row */
    size_t nbody, capbody;
    int has_header;
    size_t hdr_lines;
    float *w;
    float size, padx, pady, lead, asc;
    float rule, frame;
    float seg_top;     /* top of the table on the current page */
    int seg_open, seg_rows;
    float row_rule_y;  /* where the next inner horizontal rule goes */
} table_ctx;

static int is_type(cmark_node *n, const char *name)
{
    const char *t = cmark_node_get_type_string(n);
    return t && !strcmp(t, name);
}

static int row_is_header(cmark_node *row)
{
    return is_type(row, "table_header") || cmark_gfm_extensions_get_table_row_is_header(row);
}

static void fill_cells(table_ctx *t, cmark_node *row, paragraph **cells, int header)
{
    const style *st = layout_style(t->L);
    for (int c = 0; c < t->ncols; c++) paragraph_clear(cells[c]);
    int c = 0;
    for (cmark_node *cell = cmark_node_first_child(row); cell && c < t->ncols; cell = cmark_node_next(cell), c++) {
        inl_style base = {header ? ROLE_HEI : st->body.role, t->size, 0};
        layout_inlines(t->L, cell, cells[c], base);
    }
}

static paragraph_opts cell_opts(const table_ctx *t, int c, float width, int header)
{
    const style *st = layout_style(t->L);
    paragraph_opts o;
    memset(&o, 0, sizeof o);
    o.width = width;
    char a = header ? t->halign[c] : t->align[c];
    o.align = a == 'c' ? ALIGN_CENTRE : a == 'r' ? ALIGN_RIGHT : a == 'j' ? ALIGN_JUSTIFY : ALIGN_LEFT;
    o.cjk_latin = st->cjk_latin_space;
    o.normalise = st->normalise_punctuation;
    o.line_end_half = st->line_end_half;
    return o;
}

/* The plain text of a node's inline content, for classifying cells. */
static void plain_text(cmark_node *n, ws_buf *b)
{
    b->len = 0;
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER) continue;
        const char *lit = cmark_node_get_literal(c);
        if (lit && (cmark_node_get_type(c) == CMARK_NODE_TEXT || cmark_node_get_type(c) == CMARK_NODE_CODE))
            ws_buf_put(b, lit, strlen(lit));
    }
    cmark_iter_free(it);
    ws_buf_putc(b, 0);
    b->len--;
}

/* A number, an amount or a date (2005年6月30日, 2005.6.30, 6月底前, 45%): kept on one line. */
static int is_numeric_cell(const char *s, int *digits_only)
{
    static const char *const units[] = {"年", "月", "日", "号", "底", "前", "后", "止", "至", "起", "—",
                                         "－", "～", "％", "元", "万", "人", "个", "次", "天", "周"};
    int digits = 0, other = 0;
    *digits_only = 1;
    for (const char *p = s; *p;) {
        unsigned char ch = (unsigned char)*p;
        if (ch >= '0' && ch <= '9') {
            digits++;
            p++;
            continue;
        }
        if (ch == ' ') {
            p++;
            continue;
        }
        *digits_only = 0;
        if (strchr(".-/:~%,+", ch)) {
            p++;
            continue;
        }
        size_t i, n = sizeof units / sizeof *units;
        for (i = 0; i < n; i++)
            if (!strncmp(p, units[i], strlen(units[i]))) break;
        if (i == n) return 0;
        p += strlen(units[i]);
        other++;
    }
    if (!digits) *digits_only = 0;
    return digits > 0;
}

static void resolve_alignment(table_ctx *t, cmark_node *table)
{
    uint8_t *gfm = cmark_gfm_extensions_get_table_alignments(table);
    t->align = ws_xcalloc((size_t)t->ncols + 1, 1);
    t->halign = ws_xcalloc((size_t)t->ncols + 1, 1);
    int *numeric = ws_xcalloc((size_t)t->ncols, sizeof *numeric), *rows = ws_xcalloc((size_t)t->ncols, sizeof *rows);
    ws_buf b = {0};
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        if (row_is_header(row)) continue;
        int c = 0;
        for (cmark_node *cell = cmark_node_first_child(row); cell && c < t->ncols; cell = cmark_node_next(cell), c++) {
            int d;
            plain_text(cell, &b);
            is_numeric_cell(b.data, &d);
            numeric[c] += d;
            rows[c]++;
        }
    }
    ws_buf_free(&b);
    for (int c = 0; c < t->ncols; c++) {
        char a = gfm ? (char)gfm[c] : 0;
        /* Unaligned: a column of plain numbers (序号) is centred, text is justified; header
         * cells are centred over their column. */
        t->align[c] = a ? a : rows[c] && numeric[c] == rows[c] ? 'c' : 'j'; /* settled once widths are known */
        t->halign[c] = a ? a : 'c';
    }
    free(numeric);
    free(rows);
}

/* A cell of short phrases set apart by spaces (机关党委 郑卫东): the widest phrase, when
 * every phrase is short enough to keep whole; 0 otherwise. */
static float widest_phrase(table_ctx *t, const char *text, float limit, const paragraph_opts *o)
{
    const style *st = layout_style(t->L);
    inl_style base = {st->body.role, t->size, 0};
    float widest = 0;
    int phrases = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || !strncmp(p, "\xe3\x80\x80", 3)) p += *p == ' ' ? 1 : 3;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ' ' && strncmp(e, "\xe3\x80\x80", 3)) e++;
        paragraph_clear(t->phrase);
        paragraph_text(t->phrase, p, (size_t)(e - p), base, 0);
        float w = paragraph_natural_width(t->phrase, o);
        if (w > limit) return 0;
        widest = dmax(widest, w);
        phrases++;
        p = e;
    }
    return phrases > 1 ? widest : 0;
}

/* What each column needs, from every row's cells. */
static void measure_columns(table_ctx *t, cmark_node *table, table_col_need *need)
{
    ws_buf b = {0};
    t->nbody = 0;
    float keep_limit = 5.0f * t->size, date_limit = 10.0f * t->size, pad = 2 * t->padx + 0.5f;
    paragraph **tmp = t->probe;
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        int header = row_is_header(row);
        fill_cells(t, row, tmp, header);
        int c = 0;
        for (cmark_node *cell = cmark_node_first_child(row); cell && c < t->ncols; cell = cmark_node_next(cell), c++) {
            paragraph_opts o = cell_opts(t, c, 1e6f, header);
            float nat = paragraph_natural_width(tmp[c], &o), hard = paragraph_min_width(tmp[c], &o), keep = hard;
            int d;
            plain_text(cell, &b);
            if (header) {
                /* A header of up to three characters stays whole; a longer one may take two
                 * lines of about half its length (责任/领导), never a lone character. */
                keep = nat <= 3.2f * t->size ? nat : dmax(hard, nat / 2 + 0.55f * t->size);
            } else if (nat <= keep_limit || (is_numeric_cell(b.data, &d) && nat <= date_limit)) {
                keep = nat;
            } else {
                keep = dmax(hard, widest_phrase(t, b.data, keep_limit, &o));
                need[c].wraps = 1;
            }
            if (nat + pad > need[c].nat) need[c].nat = nat + pad;
            if (hard + pad > need[c].hard) need[c].hard = hard + pad;
            if (keep + pad > need[c].keep) need[c].keep = keep + pad;
            if (!header) {
                need[c].text += nat + pad;
                if (c == 0) t->nbody++;
                if (t->nbody <= t->capbody) t->cellnat[(t->nbody - 1) * (size_t)t->ncols + (size_t)c] = nat;
            }
        }
    }
    ws_buf_free(&b);
}

static size_t lay_out_cells(table_ctx *t, paragraph **cells, int header)
{
    size_t most = 1;
    for (int c = 0; c < t->ncols; c++) {
        paragraph_opts o = cell_opts(t, c, t->w[c] - 2 * t->padx, header);
        size_t n = paragraph_layout(cells[c], &o);
        if (n > most) most = n;
    }
    return most;
}

static float table_left(const table_ctx *t) { return layout_left(t->L); }

static float table_width(const table_ctx *t)
{
    float s = 0;
    for (int c = 0; c < t->ncols; c++) s += t->w[c];
    return s;
}

/* Draws lines [from, to) of each cell as one piece of a row at the cursor and moves the
 * cursor below it. centre: cells with fewer lines sit in the middle of the row. */
static void draw_piece(table_ctx *t, paragraph **cells, size_t from, size_t to, int centre)
{
    layout *L = t->L;
    dlist_page *pg = layout_page(L);
    float top = layout_cursor(L), x = table_left(t);
    float h = (float)(to - from) * t->lead + 2 * t->pady;
    if (t->seg_rows > 0) dlist_line(pg, x, top, x + table_width(t), top, t->rule, 0);
    for (int c = 0; c < t->ncols; c++) {
        paragraph *p = cells[c];
        size_t n = paragraph_nlines(p);
        float shift = 0;
        if (centre && n < to - from) shift = (float)(to - from - n) * t->lead / 2;
        float base = top - t->pady - shift - (t->lead - t->size) / 2 - t->asc;
        for (size_t i = from; i < to && i < n; i++)
            paragraph_draw_line(p, i, pg, x + t->padx, base - (float)(i - from) * t->lead);
        x += t->w[c];
    }
    t->seg_rows++;
    layout_advance(L, h);
}

/* Closes the table's part on this page: the frame and the column rules. */
static void close_segment(table_ctx *t)
{
    if (!t->seg_open) return;
    layout *L = t->L;
    dlist_page *pg = layout_page(L);
    float x = table_left(t), bottom = layout_cursor(L), W = table_width(t);
    for (int c = 0; c + 1 < t->ncols; c++) {
        x += t->w[c];
        dlist_line(pg, x, t->seg_top, x, bottom, t->rule, 0);
    }
    dlist_rect(pg, table_left(t), bottom, W, t->seg_top - bottom, t->frame, 0);
    t->seg_open = 0;
}

static int at_page_top(const table_ctx *t)
{
    const style *st = layout_style(t->L);
    return layout_cursor(t->L) >= st->page_h - st->top - 0.5f;
}

static float header_height(const table_ctx *t)
{
    return t->has_header ? (float)t->hdr_lines * t->lead + 2 * t->pady : 0;
}

static void open_segment(table_ctx *t)
{
    t->seg_top = layout_cursor(t->L);
    t->seg_open = 1;
    t->seg_rows = 0;
    if (t->has_header) draw_piece(t, t->hdr, 0, t->hdr_lines, 1);
}

static void next_page(table_ctx *t)
{
    close_segment(t);
    layout_new_page(t->L);
    open_segment(t);
}

/* The one row policy, the same for every table and every record, so that a form comes out
 * alike for every member: a row of up to TABLE_KEEP_LINES lines is never split — when it
 * does not fit it moves whole to the next page (the header row repeated there), which leaves
 * at most TABLE_KEEP_LINES - 1 table lines blank at the page's foot (about a tenth of a
 * page); a taller row is split between lines, at least TABLE_SPLIT_LEAST lines on each side.
 * Four lines: most rows of a rectification plan (a problem, a measure, a date) take two to
 * four lines at 4号 and read as one entry; a row of five or more is long enough that moving
 * it would leave a visible hole, and half of it still reads as a piece. */
enum { TABLE_KEEP_LINES = 4, TABLE_SPLIT_LEAST = 2 };

/* Table lines of a row that fit below the cursor. */
static size_t lines_fitting(const table_ctx *t)
{
    float room = layout_room(t->L);
    return room > 2 * t->pady ? (size_t)floorf((room - 2 * t->pady + 0.5f) / t->lead) : 0;
}

/* Lines of a row of nlines that must go on the page where it starts: all of a row that
 * moves whole, TABLE_SPLIT_LEAST of a taller one. */
static size_t row_least(size_t nlines)
{
    return nlines <= TABLE_KEEP_LINES ? nlines : TABLE_SPLIT_LEAST;
}

/* Places one body row (see TABLE_KEEP_LINES). */
static void place_row(table_ctx *t, size_t nlines)
{
    const style *st = layout_style(t->L);
    size_t k = 0;
    while (k < nlines) {
        size_t left = nlines - k;
        float h = (float)left * t->lead + 2 * t->pady, room = layout_room(t->L);
        if (h <= room + 0.5f) {
            draw_piece(t, t->cells, k, nlines, k == 0);
            return;
        }
        size_t fit = lines_fitting(t);
        int has_rows = t->seg_rows > (t->has_header ? 1 : 0);
        int fresh = t->seg_top >= st->page_h - st->top - 0.5f; /* this part began at a page top */
        if (has_rows || !fresh) {
            /* Something is above on this page: split only a tall row, two lines each side. */
            if (nlines > TABLE_KEEP_LINES && fit >= TABLE_SPLIT_LEAST && left > fit) {
                size_t m = left - fit >= TABLE_SPLIT_LEAST ? fit : left - TABLE_SPLIT_LEAST;
                if (m >= TABLE_SPLIT_LEAST) {
                    draw_piece(t, t->cells, k, k + m, 0);
                    k += m;
                }
            }
            next_page(t);
            continue;
        }
        /* Only the header above, on a page of its own: the row is taller than the page. */
        if (fit >= TABLE_SPLIT_LEAST && left - fit >= TABLE_SPLIT_LEAST) {
            draw_piece(t, t->cells, k, k + fit, 0);
            k += fit;
        } else if (fit >= TABLE_SPLIT_LEAST + 1 && left > TABLE_SPLIT_LEAST) {
            draw_piece(t, t->cells, k, k + left - TABLE_SPLIT_LEAST, 0);
            k += left - TABLE_SPLIT_LEAST;
        } else if (fit < 1 && t->has_header) {
            /* A header as tall as the page leaves no room for a row even on a fresh page: it is
             * not repeated any more, or every next page would be the same again. */
            t->has_header = 0;
        } else {
            /* Any line is better than an endless page break; where not even one fits (a line
             * taller than the page), one goes anyway. */
            size_t m = fit < 1 ? 1 : fit < left ? fit : left;
            draw_piece(t, t->cells, k, k + m, 0);
            k += m;
            if (k >= nlines) return;
        }
        next_page(t);
    }
}

static void report_too_wide(table_ctx *t, cmark_node *table, const table_col_need *need)
{
    float need_w = 0;
    for (int c = 0; c < t->ncols; c++) need_w += need[c].hard;
    const float mm = 72.0f / 25.4f;
    diag_loc loc = {layout_file(t->L), cmark_node_get_start_line(table), 0, NULL};
    diag_report(layout_diag(t->L), DIAG_ERROR, loc,
                _("the table's %d columns need at least %.0f mm but the measure is %.0f mm wide; the table is "
                "left out (split it into narrower tables or shorten the cells)"),
                t->ncols, need_w / mm, layout_width(t->L) / mm);
}

/* Lines the body would take with the current widths, estimated from the cells' natural
 * widths (a line holds a little less than its measure: breaks fall between words). */
static double estimated_lines(const table_ctx *t)
{
    double total = 0;
    /* A long table is judged by a sample of about 300 rows: it is an estimate anyway. */
    size_t stride = t->nbody > 300 ? (t->nbody + 299) / 300 : 1;
    for (size_t r = 0; r < t->nbody; r += stride) {
        double most = 1;
        for (int c = 0; c < t->ncols; c++) {
            double inner = t->w[c] - 2 * t->padx, nat = t->cellnat[r * (size_t)t->ncols + (size_t)c];
            double lines = inner > 1 ? ceil(nat / (inner * 0.97) - 1e-6) : 1;
            if (lines > most) most = lines;
        }
        total += most;
    }
    return total;
}

/* Proportional shares are a start; moving half a character of width at a time from one
 * wrapping column to another while the table gets shorter evens out the rows. */
static void balance_columns(table_ctx *t, const table_col_need *need)
{
    float step = 0.5f * t->size;
    double best = estimated_lines(t);
    for (int round = 0; round < 400; round++) {
        int bi = -1, bj = -1;
        double bl = best;
        for (int i = 0; i < t->ncols; i++) {
            if (need[i].nat <= t->w[i] + 0.5f && need[i].nat <= need[i].keep + 0.5f) continue;
            for (int j = 0; j < t->ncols; j++) {
                if (i == j || t->w[j] - step < need[j].keep || need[j].nat <= need[j].keep + 0.5f) continue;
                t->w[i] += step;
                t->w[j] -= step;
                double l = estimated_lines(t);
                t->w[i] -= step;
                t->w[j] += step;
                if (l < bl - 1e-9) {
                    bl = l;
                    bi = i;
                    bj = j;
                }
            }
        }
        if (bi < 0) break;
        t->w[bi] += step;
        t->w[bj] -= step;
        best = bl;
    }
}

static void set_size(table_ctx *t, float size)
{
    t->size = size;
    t->padx = 0.35f * size;
    t->pady = 0.3f * size;
    t->lead = 1.45f * size;
    t->asc = layout_ascent(t->L, size);
}

/* Every column whose text wraps holds at least six characters a line. */
static int text_columns_readable(const table_ctx *t, const table_col_need *need)
{
    for (int c = 0; c < t->ncols; c++)
        if (need[c].nat > t->w[c] + 0.5f && t->w[c] - 2 * t->padx < 6 * t->size) return 0;
    return 1;
}

void table_layout(layout *L, cmark_node *table)
{
    const style *st = layout_style(L);
    table_ctx t;
    memset(&t, 0, sizeof t);
    t.L = L;
    t.ncols = cmark_gfm_extensions_get_table_columns(table);
    if (t.ncols <= 0) return;
    t.rule = 0.5f;
    t.frame = 1.0f;
    t.cells = ws_xcalloc((size_t)t.ncols, sizeof *t.cells);
    t.hdr = ws_xcalloc((size_t)t.ncols, sizeof *t.hdr);
    t.probe = ws_xcalloc((size_t)t.ncols, sizeof *t.probe);
    t.w = ws_xcalloc((size_t)t.ncols, sizeof *t.w);
    table_col_need *need = ws_xcalloc((size_t)t.ncols, sizeof *need);
    for (int c = 0; c < t.ncols; c++) {
        t.cells[c] = paragraph_new(layout_fonts(L), layout_diag(L), layout_file(L));
        t.hdr[c] = paragraph_new(layout_fonts(L), layout_diag(L), layout_file(L));
        /* a missing character in a cell of a batch names its record */
        paragraph_set_record(t.cells[c], layout_record(L));
        paragraph_set_record(t.hdr[c], layout_record(L));
        t.probe[c] = paragraph_new(layout_fonts(L), NULL, layout_file(L));
    }
    t.phrase = paragraph_new(layout_fonts(L), NULL, layout_file(L));
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) t.capbody++;
    t.cellnat = ws_xcalloc(t.capbody * (size_t)t.ncols + 1, sizeof *t.cellnat);
    resolve_alignment(&t, table);
    /* 4号 at most (a table in a 3号 document is set a size smaller, as offices do), and
     * smaller still (小四, 五号) when the text columns would otherwise be too narrow to read. */
    static const float sizes[] = {14, 12, 10.5f};
    int status = -1;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        float s = sizes[i];
        if (s > st->body.size && i + 1 < sizeof sizes / sizeof *sizes) continue;
        set_size(&t, s);
        memset(need, 0, (size_t)t.ncols * sizeof *need);
        measure_columns(&t, table, need);
        status = table_distribute(need, t.ncols, layout_width(L), t.w);
        if (status == 0) balance_columns(&t, need);
        if (status == 0 && text_columns_readable(&t, need)) break;
    }
    if (status < 0) {
        /* A token wider than its column (a URL, a long number) is broken anywhere rather
         * than the table left out: every column then needs only one character. Only a
         * table whose columns cannot each hold one character is refused. */
        float one = t.size + 2 * t.padx + 0.5f;
        for (int c = 0; c < t.ncols; c++) {
            if (need[c].hard > one) need[c].hard = one;
            if (need[c].keep > 4 * t.size + one) need[c].keep = dmax(need[c].hard, 4 * t.size + one);
            need[c].wraps = 1;
        }
        status = table_distribute(need, t.ncols, layout_width(L), t.w);
        if (status < 0) {
            report_too_wide(&t, table, need);
            goto done;
        }
        balance_columns(&t, need);
        diag_loc loc = {layout_file(L), cmark_node_get_start_line(table), 0, layout_record(L)};
        diag_report(layout_diag(L), DIAG_WARNING, loc, "%s",
                    _("a cell holds a word or number wider than its column can be; it is broken inside"));
    }

    /* A narrow column is set left: justifying four or five characters opens gaps. A column
     * of short cells only (names, dates) is centred, as offices set them. */
    for (int c = 0; c < t.ncols; c++) {
        if (t.align[c] == 'j' && !need[c].wraps) t.align[c] = 'c';
        if (t.align[c] == 'j' && t.w[c] - 2 * t.padx < 8 * t.size) t.align[c] = 'l';
    }

    cmark_node *header = NULL;
    for (cmark_node *row = cmark_node_first_child(table); row && !header; row = cmark_node_next(row))
        if (row_is_header(row)) header = row;
    if (header) {
        t.has_header = 1;
        fill_cells(&t, header, t.hdr, 1);
        t.hdr_lines = lay_out_cells(&t, t.hdr, 1);
    }

    layout_page(L);
    layout_snap(L);
    /* The header stays with what the row policy puts of the first row on its page (all of a
     * short row, two lines of a tall one): else the table starts on the next page. */
    size_t first_least = 1;
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row))
        if (row != header) {
            fill_cells(&t, row, t.probe, 0);
            size_t n = 0;
            for (int c = 0; c < t.ncols; c++) {
                paragraph_opts o = cell_opts(&t, c, t.w[c] - 2 * t.padx, 0);
                size_t m = paragraph_layout(t.probe[c], &o);
                if (m > n) n = m;
            }
            first_least = row_least(n ? n : 1);
            break;
        }
    if (!at_page_top(&t) && layout_room(L) < header_height(&t) + (float)first_least * t.lead + 2 * t.pady - 0.5f)
        layout_new_page_keep(L); /* a heading or 统计如下： above goes along */
    open_segment(&t);
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        if (row == header) continue;
        fill_cells(&t, row, t.cells, 0);
        place_row(&t, lay_out_cells(&t, t.cells, 0));
    }
    close_segment(&t);
    /* Text after the table returns to the grid, clear of the frame. */
    layout_advance(L, dmax(0.25f * layout_line_pitch(L), t.frame));
    layout_snap(L);

done:
    for (int c = 0; c < t.ncols; c++) {
        paragraph_free(t.cells[c]);
        paragraph_free(t.hdr[c]);
        paragraph_free(t.probe[c]);
    }
    free(t.cells);
    free(t.hdr);
    free(t.probe);
    paragraph_free(t.phrase);
    free(t.cellnat);
    free(t.w);
    free(t.align);
    free(t.halign);
    free(need);
}
