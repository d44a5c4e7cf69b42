/* table — a minimal ruled table (see table.h). */
#include "table.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
    layout *L;
    int ncols;
    uint8_t *align;
    para **cells;      /* one para per column, reused row by row */
    float *w;          /* column widths */
    float size, pad, lead;
} table_ctx;

static int is_type(cmark_node *n, const char *name)
{
    const char *t = cmark_node_get_type_string(n);
    return t && !strcmp(t, name);
}

static void fill_row(table_ctx *t, cmark_node *row, int header)
{
    const style *st = layout_style(t->L);
    int c = 0;
    for (int i = 0; i < t->ncols; i++) para_clear(t->cells[i]);
    for (cmark_node *cell = cmark_node_first_child(row); cell && c < t->ncols; cell = cmark_node_next(cell), c++) {
        inl_style base = {header ? ROLE_HEI : st->body.role, t->size, 0};
        layout_inlines(t->L, cell, t->cells[c], base);
    }
}

static para_opts cell_opts(const table_ctx *t, int c, float width)
{
    const style *st = layout_style(t->L);
    para_opts o;
    memset(&o, 0, sizeof o);
    o.width = width;
    o.align = t->align && t->align[c] == 'c' ? ALIGN_CENTRE : t->align && t->align[c] == 'r' ? ALIGN_RIGHT : ALIGN_LEFT;
    o.cjk_latin = st->cjk_latin_space;
    o.normalise = st->normalise_punctuation;
    return o;
}

/* Lays out the row's cells; returns the row height. */
static float layout_row(table_ctx *t)
{
    size_t most = 1;
    for (int c = 0; c < t->ncols; c++) {
        para_opts o = cell_opts(t, c, t->w[c] - 2 * t->pad);
        size_t n = para_layout(t->cells[c], &o);
        if (n > most) most = n;
    }
    return (float)most * t->lead + 2 * t->pad;
}

static void draw_row(table_ctx *t, float h)
{
    layout *L = t->L;
    dl_page *pg = layout_page(L);
    float top = layout_cursor(L), x = layout_left(L);
    float asc = layout_ascent(L, t->size);
    float total = 0;
    for (int c = 0; c < t->ncols; c++) total += t->w[c];
    for (int c = 0; c < t->ncols; c++) {
        para *p = t->cells[c];
        float base = top - t->pad - asc - (t->lead - t->size) / 2;
        for (size_t i = 0; i < para_nlines(p); i++) para_draw_line(p, i, pg, x + t->pad, base - (float)i * t->lead);
        x += t->w[c];
    }
    x = layout_left(L);
    dl_line(pg, x, top, x + total, top, 0.5f, 0);
    dl_line(pg, x, top - h, x + total, top - h, 0.5f, 0);
    float cx = x;
    dl_line(pg, cx, top, cx, top - h, 0.5f, 0);
    for (int c = 0; c < t->ncols; c++) {
        cx += t->w[c];
        dl_line(pg, cx, top, cx, top - h, 0.5f, 0);
    }
    layout_advance(L, h);
}

void table_layout(layout *L, cmark_node *table)
{
    const style *st = layout_style(L);
    table_ctx t;
    memset(&t, 0, sizeof t);
    t.L = L;
    t.ncols = cmark_gfm_extensions_get_table_columns(table);
    if (t.ncols <= 0) return;
    t.align = cmark_gfm_extensions_get_table_alignments(table);
    t.size = st->body.size > 14 ? 14 : st->body.size;
    t.pad = 0.3f * t.size;
    t.lead = 1.45f * t.size;
    t.cells = xcalloc((size_t)t.ncols, sizeof *t.cells);
    t.w = xcalloc((size_t)t.ncols, sizeof *t.w);
    float *nat = xcalloc((size_t)t.ncols, sizeof *nat), *min = xcalloc((size_t)t.ncols, sizeof *min);
    for (int c = 0; c < t.ncols; c++) t.cells[c] = para_new(layout_fonts(L), layout_diag(L), layout_file(L));

    cmark_node *header = NULL;
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        int is_header = is_type(row, "table_header") || cmark_gfm_extensions_get_table_row_is_header(row);
        if (is_header && !header) header = row;
        fill_row(&t, row, is_header);
        for (int c = 0; c < t.ncols; c++) {
            para_opts o = cell_opts(&t, c, 1e6f);
            float a = para_natural_width(t.cells[c], &o) + 2 * t.pad + 0.5f;
            float b = para_min_width(t.cells[c], &o) + 2 * t.pad + 0.5f;
            if (a > nat[c]) nat[c] = a;
            if (b > min[c]) min[c] = b;
        }
    }
    float W = layout_width(L), sn = 0, sm = 0;
    for (int c = 0; c < t.ncols; c++) {
        sn += nat[c];
        sm += min[c];
    }
    for (int c = 0; c < t.ncols; c++) {
        if (sn <= W) t.w[c] = nat[c] * W / sn;
        else if (sm < W) t.w[c] = min[c] + (W - sm) * (nat[c] - min[c]) / (sn - sm);
        else t.w[c] = min[c] * W / sm; /* too narrow: the cells break wherever they must */
    }

    layout_page(L);
    layout_snap(L);
    size_t page = layout_page_index(L);
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        int is_header = row == header;
        fill_row(&t, row, is_header);
        float h = layout_row(&t);
        if (layout_room(L) < h - 0.5f && layout_cursor(L) < st->page_h - st->top - 0.5f) {
            layout_new_page(L);
            if (header && !is_header) { /* the header row again, on every page */
                fill_row(&t, header, 1);
                draw_row(&t, layout_row(&t));
                fill_row(&t, row, 0);
                h = layout_row(&t);
            }
        }
        if (layout_page_index(L) != page) page = layout_page_index(L);
        draw_row(&t, h);
    }
    /* Text after the table returns to the grid, clear of the last rule. */
    layout_advance(L, 0.2f * layout_line_pitch(L));
    layout_snap(L);

    for (int c = 0; c < t.ncols; c++) para_free(t.cells[c]);
    free(t.cells);
    free(t.w);
    free(nat);
    free(min);
}
