/* layout — cmark-gfm AST to pages: one switch over node types, fed by cmark_iter. */
#include "typeset/layout.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "typeset/linebreak.h"
#include "typeset/mdlimit.h"
#include "base/util.h"
#include "base/i18n.h"

enum { MAX_LISTS = 32, MAX_PLACED = 16 };

/* A text line placed on the current page, remembered so that a block that must not stand
 * alone (a signature) can take it to the next page: layout_carry_lines. */
typedef struct {
    size_t op0, glyph0; /* the page's op and glyph counts before the line was drawn */
    size_t op1;         /* its op count after: the next line's op0 unless something came between */
    float top;          /* the cursor before the line */
    long para;          /* which layout_place_lines call placed it */
    size_t index, count; /* line index in that paragraph, and its line count */
    int keep_next;      /* a heading line */
    int keep_prev;      /* a signature line: LAYOUT_KEEP_PREV */
    int intro;          /* the last line of a paragraph ending with ：, which leads into what follows */
} placed_line;

static int is_type(cmark_node *n, const char *name)
{
    const char *t = cmark_node_get_type_string(n);
    return t && !strcmp(t, name);
}

typedef struct {
    int ordered;
    int next;      /* number of the next item */
    int paren;     /* （1） instead of 1. */
} list_state;

struct layout {
    const style *st;
    fonts_set *fs;
    diag *d;
    const char *file;
    const char *record;
    const typeset_block_handlers *h; /* never NULL: an empty set stands for none */
    int nesting;         /* layout_markdown_nested calls open (layout.h: the cap and why) */
    dlist_doc *doc;
    int has_page;
    float y_top, y_bottom, x_left;
    float pitch, char_pitch;
    float body_asc, body_desc;
    float cursor;
    int at_top;          /* nothing placed on the current page yet */
    float indent;        /* left indent of the measure from lists and quotes, pt */

    /* inline collection for the paragraph or heading being built */
    paragraph *p;
    const block_style *block;
    int emph, strong, strike, in_inline;
    long block_line;
    ws_buf plain;          /* heading text for outlines and the document title */
    list_state lists[MAX_LISTS];
    int nlists, list_depth;
    int quote_depth;
    int item_marker_due; /* the next paragraph opens a list item */
    int item_checkbox;   /* 0 none, 1 unchecked, 2 checked */
    int title_seen;
    long block_seq;   /* blocks begun so far */
    long title_seq;   /* block_seq of the last title (# heading); -1: none yet */
    long paragraph_seq;    /* block_seq of the paragraph being built */
    float first_top; /* top of the first line layout_place_lines placed */
    placed_line placed[MAX_PLACED]; /* the last text lines on the current page, in order */
    size_t nplaced;
    size_t placed_end;  /* the page's op count after the last of them: nothing drawn since */
    /* The page before the current one as it was left (layout_rejoin_previous): its last text
     * lines, its op count after them and its cursor; prev_ok when nothing but those followed. */
    placed_line prev_placed[MAX_PLACED];
    size_t prev_nplaced, prev_end;
    float prev_cursor;
    int prev_ok;
    long nparas;        /* layout_place_lines calls so far */
};

const style *layout_style(const layout *L) { return L->st; }
fonts_set *layout_fonts(const layout *L) { return L->fs; }
const typeset_block_handlers *layout_handlers(const layout *L) { return L->h; }
diag *layout_diag(const layout *L) { return L->d; }
const char *layout_file(const layout *L) { return L->file; }
dlist_doc *layout_doc(layout *L) { return L->doc; }
const char *layout_record(const layout *L) { return L->record; }

void layout_set_record(layout *L, const char *record)
{
    L->record = record;
    paragraph_set_record(L->p, record);
}
float layout_char_pitch(const layout *L) { return L->char_pitch; }
float layout_line_pitch(const layout *L) { return L->pitch; }
float layout_left(const layout *L)
{
    /* The indent stops where layout_width stops shrinking, so deep quotes stay inside the block. */
    float most = L->st->block_w - L->st->block_w / 4;
    return L->x_left + (L->indent < most ? L->indent : most);
}
float layout_width(const layout *L)
{
    /* Deeply nested quotes and lists never squeeze the measure below a quarter of the block. */
    float w = L->st->block_w - L->indent, least = L->st->block_w / 4;
    return w < least ? least : w;
}
float layout_block_bottom(const layout *L) { return L->y_bottom; }
float layout_cursor(const layout *L) { return L->cursor; }
float layout_room(const layout *L) { return L->cursor - L->y_bottom; }

size_t layout_page_index(const layout *L) { return L->doc->npages ? L->doc->npages - 1 : 0; }

static const typeset_block_handlers no_handlers;

layout *layout_new_with(const style *st, fonts_set *fs, diag *d, const char *file, const typeset_block_handlers *h)
{
    layout *L = ws_xcalloc(1, sizeof *L);
    L->st = st;
    L->fs = fs;
    L->d = d;
    L->file = file;
    L->h = h ? h : &no_handlers;
    L->doc = dlist_doc_new(st->page_w, st->page_h);
    dlist_meta_set(&L->doc->meta.creator, "wenshu");
    L->y_top = st->page_h - st->top;
    L->y_bottom = L->y_top - st->block_h;
    L->x_left = st->left;
    /* The grid comes from the body font's real metrics: 一's advance sets the tracking that
     * makes `chars` characters span the block exactly; its ascent and descent set the pitch
     * that makes the first line's glyph tops touch the block's top and the last line's glyph
     * bottoms its bottom. */
    float size = st->body.size;
    int face = fonts_face_for(fs, st->body.role, 0x4E00);
    float adv = size, asc = 0.88f * size, desc = 0.12f * size;
    const face_info *fi = face >= 0 ? fonts_face(fs, face) : NULL;
    if (fi) {
        adv = (float)fonts_advance(fs, face, 0x4E00) * size / 1000.0f;
        asc = (float)fi->ascender * size / 1000.0f;
        desc = -(float)fi->descender * size / 1000.0f;
    }
    L->body_asc = asc;
    L->body_desc = desc;
    L->char_pitch = st->grid_chars > 1 ? (st->block_w - adv) / (float)(st->grid_chars - 1) : adv;
    L->pitch = st->grid_lines > 1 ? (st->block_h - asc - desc) / (float)(st->grid_lines - 1) : st->line_pitch;
    L->cursor = L->y_top;
    L->at_top = 1;
    L->title_seq = -1;
    L->p = paragraph_new(fs, d, file);
    return L;
}

layout *layout_new_like(const layout *L, diag *d)
{
    layout *M = layout_new_with(L->st, L->fs, d, L->file, L->h);
    layout_set_record(M, L->record);
    M->nesting = L->nesting;
    return M;
}

int layout_nesting(const layout *L) { return L->nesting; }

void layout_free(layout *L)
{
    if (!L) return;
    dlist_doc_free(L->doc);
    paragraph_free(L->p);
    ws_buf_free(&L->plain);
    free(L);
}

dlist_page *layout_page(layout *L)
{
    if (!L->has_page) {
        dlist_page_add(L->doc);
        L->has_page = 1;
        L->cursor = L->y_top;
        L->at_top = 1;
        L->nplaced = 0;
        L->prev_ok = 0;
    }
    return &L->doc->pages[L->doc->npages - 1];
}

/* Remembers the current page's last text lines before a new page begins. */
static void remember_page(layout *L)
{
    L->prev_ok = L->has_page && L->doc->npages && L->nplaced &&
                 L->doc->pages[L->doc->npages - 1].nops == L->placed_end;
    memcpy(L->prev_placed, L->placed, L->nplaced * sizeof *L->placed);
    L->prev_nplaced = L->nplaced;
    L->prev_end = L->placed_end;
    L->prev_cursor = L->cursor;
}

void layout_new_page(layout *L)
{
    remember_page(L);
    dlist_page_add(L->doc);
    L->has_page = 1;
    L->cursor = L->y_top;
    L->at_top = 1;
    L->nplaced = 0;
}

void layout_advance(layout *L, float h)
{
    layout_page(L);
    L->cursor -= h;
    L->at_top = 0;
}

void layout_snap(layout *L)
{
    if (L->pitch <= 0) return;
    float k = ceilf((L->y_top - L->cursor) / L->pitch - 0.01f);
    if (k < 0) k = 0;
    L->cursor = L->y_top - k * L->pitch;
}

void layout_need(layout *L, float h)
{
    layout_page(L);
    if (!L->at_top && L->cursor - h < L->y_bottom - 0.5f) layout_new_page(L);
}

void layout_blank_lines(layout *L, int n)
{
    layout_page(L);
    if (L->at_top || n <= 0) return;
    layout_snap(L);
    L->cursor -= (float)n * L->pitch;
    if (L->cursor - L->body_asc - L->body_desc < L->y_bottom - 0.5f) layout_new_page(L);
}

float layout_ascent(const layout *L, float size)
{
    return L->body_asc * size / L->st->body.size;
}

paragraph_opts layout_para_opts(const layout *L, const block_style *b)
{
    paragraph_opts o = paragraph_opts_for(L->st, b, layout_width(L) - b->left * L->char_pitch, L->char_pitch);
    return o;
}

/* Grid lines a text line of this height takes: one for anything up to the pitch. */
static int slots_for(const layout *L, const paragraph_line *ln)
{
    float need = ln->size * 1.1f;
    if (L->pitch <= 0 || need <= L->pitch) return 1;
    float k = ceilf(need / L->pitch);
    return k > 100 ? 100 : (int)k;
}

/* How many of p's lines fit on the current page below the cursor. */
static size_t lines_fitting(const layout *L, const paragraph *p)
{
    size_t n = paragraph_nlines(p), k = 0;
    float y = L->cursor;
    for (; k < n; k++) {
        if (y - L->body_asc - L->body_desc < L->y_bottom - 0.5f) break;
        y -= (float)slots_for(L, paragraph_line_at(p, k)) * L->pitch;
    }
    return k;
}

void layout_new_page_keep(layout *L)
{
    size_t heading = 0;
    while (heading < L->nplaced &&
           (L->placed[L->nplaced - 1 - heading].keep_next || L->placed[L->nplaced - 1 - heading].intro))
        heading++;
    if (heading && layout_carry_lines(L, heading)) return;
    layout_new_page(L);
}

/* A paragraph ending with a colon (…通过以下方式反映：, 李赟同志：) leads into what follows. */
static int ends_with_colon(const paragraph *p)
{
    size_t n = paragraph_nlines(p);
    if (!n) return 0;
    const paragraph_line *ln = paragraph_line_at(p, n - 1);
    const paragraph_glyph *g = paragraph_glyphs(p);
    for (size_t i = ln->first + ln->count; i > ln->first; i--) {
        uint32_t cp = g[i - 1].cp;
        if (cp == ' ' || cp == 0x3000) continue; /* a blank to write in (cp 0) is content */
        return cp == 0xFF1A || cp == ':';
    }
    return 0;
}

size_t layout_place_lines(layout *L, const paragraph *p, float x_offset, int keep)
{
    int keep_next = (keep & LAYOUT_KEEP_NEXT) != 0;
    layout_page(L);
    layout_snap(L);
    size_t n = paragraph_nlines(p), first_page = layout_page_index(L);
    if (keep_next && n) {
        /* A heading stays with at least two lines of its section. */
        float h = L->pitch;
        for (size_t i = 0; i < n; i++) h += (float)slots_for(L, paragraph_line_at(p, i)) * L->pitch;
        if (!L->at_top && L->cursor - h - L->body_asc - L->body_desc < L->y_bottom - 0.5f) layout_new_page(L);
    } else if (n >= 2 && !L->at_top) {
        /* 孤行: a paragraph broken by the page keeps two lines on each side. When only its
         * first line would stay (or one line of two), it goes over whole — the page ends a
         * line or two short, the grid stays exact — and a heading just above goes with it. */
        size_t fit = lines_fitting(L, p);
        if (fit < n && (fit < 2 || (n - fit == 1 && fit < 3))) layout_new_page_keep(L);
    }
    if (!keep_next && n && !L->at_top && ends_with_colon(p)) {
        /* A paragraph that leads into what follows (…如下：) does not end a page: when it
         * fits but no line after it does, it goes over (with a heading just above). */
        float y = L->cursor;
        for (size_t i = 0; i < n; i++) y -= (float)slots_for(L, paragraph_line_at(p, i)) * L->pitch;
        if (lines_fitting(L, p) == n && y - L->body_asc - L->body_desc < L->y_bottom - 0.5f) layout_new_page_keep(L);
    }
    float x = layout_left(L) + x_offset;
    for (size_t i = 0; i < n; i++) {
        const paragraph_line *ln = paragraph_line_at(p, i);
        /* Lines of body size sit on the grid's baselines whatever fonts they mix (a 黑体 run
         * has a taller ascender and deeper descender than the body font, but must not move
         * the baseline or cost a grid line); larger lines (titles) hang from the slot top. */
        int on_grid = ln->size <= L->st->body.size + 0.01f;
        float asc = on_grid || ln->ascent <= 0 ? L->body_asc : ln->ascent;
        float desc = on_grid || ln->descent <= 0 ? L->body_desc : ln->descent;
        if (!L->at_top && L->cursor - asc - desc < L->y_bottom - 0.5f) layout_new_page(L);
        /* 孤行不成页: a paragraph's last line does not stand alone at the top of a page; the
         * line before it goes over too. */
        if (!keep_next && n >= 3 && i + 2 == n && !L->at_top) {
            float after = L->cursor - (float)slots_for(L, ln) * L->pitch;
            if (after - L->body_asc - L->body_desc < L->y_bottom - 0.5f) layout_new_page(L);
        }
        if (i == 0) {
            first_page = layout_page_index(L);
            L->first_top = L->cursor;
            L->nparas++;
        }
        dlist_page *pg = layout_page(L);
        if (L->nplaced == MAX_PLACED) {
            memmove(L->placed, L->placed + 1, (MAX_PLACED - 1) * sizeof *L->placed);
            L->nplaced--;
        }
        L->placed[L->nplaced++] = (placed_line){pg->nops,  pg->nglyphs, 0, L->cursor, L->nparas, i, n, keep_next,
                                                (keep & LAYOUT_KEEP_PREV) != 0, i + 1 == n && ends_with_colon(p)};
        float baseline = L->cursor - asc;
        if (on_grid) {
            /* At the block's edges a taller font (黑体) is nudged inside, so the glyph boxes
             * — what GB/T 9704's margins are measured to — never cross the block. */
            if (L->at_top && ln->ascent > asc) baseline = L->cursor - ln->ascent;
            if (baseline - ln->descent < L->y_bottom) baseline = L->y_bottom + ln->descent;
        }
        paragraph_draw_line(p, i, pg, x, baseline);
        L->placed_end = pg->nops;
        L->placed[L->nplaced - 1].op1 = pg->nops;
        L->cursor -= (float)slots_for(L, ln) * L->pitch;
        L->at_top = 0;
    }
    return first_page;
}

/* How many of the last placed lines to move so that at least `least` go, no paragraph leaves
 * its last line alone at the top of the new page (孤行) or its first line alone at the bottom
 * of the old one, and no heading stays behind at the bottom of the old one. 0: impossible (they would leave the old page empty). */
static size_t lines_to_carry(const layout *L, size_t least)
{
    /* Only the lines drawn one after another at the end go: a table or ruled lines between
     * placed lines stay where they are, and so does everything above them. */
    size_t tail = L->nplaced ? 1 : 0;
    while (tail < L->nplaced && L->placed[L->nplaced - tail - 1].op1 == L->placed[L->nplaced - tail].op0) tail++;
    size_t k = least;
    while (k <= L->nplaced) {
        if (k > tail) return tail && L->placed[L->nplaced - tail].index == 0 ? tail : 0;
        const placed_line *first = &L->placed[L->nplaced - k];
        /* the part of first's paragraph that moves: one line only, and not the whole paragraph */
        size_t moved = first->count - first->index;
        size_t moved_here = 0;
        for (size_t j = L->nplaced - k; j < L->nplaced && L->placed[j].para == first->para; j++) moved_here++;
        if (first->index > 0 && moved_here < 2 && moved >= 1) {
            k++;
            continue;
        }
        /* nor its first line left alone at the bottom of the old page */
        if (first->index == 1) {
            k++;
            continue;
        }
        /* the line before, when nothing else (a table) was drawn between them */
        const placed_line *before = L->nplaced - k > 0 ? &L->placed[L->nplaced - k - 1] : NULL;
        int joined = before && before->op1 == first->op0;
        if (joined && (before->keep_next || before->intro)) {
            k++;
            continue;
        }
        /* a signature line that goes takes two lines of the text before it along */
        size_t text = 0;
        int sign = 0;
        for (size_t j = L->nplaced - k; j < L->nplaced && !sign; j++) {
            if (L->placed[j].keep_prev) sign = 1;
            else text++;
        }
        if (sign && text < 2 && joined) {
            k++;
            continue;
        }
        /* something must stay on the old page */
        return first->top < L->y_top - 0.5f ? k : 0;
    }
    return 0;
}

/* Appends ops (with their glyphs, numbered from g0) to pg, moved up by dy. */
static void copy_ops(dlist_page *pg, const dlist_op *ops, size_t nops, const dlist_glyph *gl, size_t g0, float dy)
{
    for (size_t i = 0; i < nops; i++) {
        const dlist_op *op = &ops[i];
        if (op->kind == DL_TEXT) {
            size_t at = dlist_text_begin(pg, op->u.text.face, op->u.text.size, op->u.text.y + dy);
            for (size_t g = 0; g < op->u.text.count; g++) {
                const dlist_glyph *src = &gl[op->u.text.first - g0 + g];
                dlist_glyph_add(pg, src->cp, src->x);
            }
            pg->ops[at].u.text.width = op->u.text.width;
        } else if (op->kind == DL_LINE) {
            dlist_line(pg, op->u.line.x0, op->u.line.y0 + dy, op->u.line.x1, op->u.line.y1 + dy, op->u.line.width,
                    op->u.line.dash);
        } else {
            dlist_rect(pg, op->u.rect.x, op->u.rect.y + dy, op->u.rect.w, op->u.rect.h, op->u.rect.width, op->u.rect.fill);
        }
    }
}

/* Moves the last k placed lines (and all drawn after the first of them) to a new page. */
static size_t carry_k(layout *L, size_t k)
{
    size_t from = L->doc->npages - 1;
    const placed_line *first = &L->placed[L->nplaced - k];
    size_t op0 = first->op0, g0 = first->glyph0;
    float top = first->top, dy = L->y_top - top;
    dlist_page *old = &L->doc->pages[from];
    size_t nops = old->nops - op0, ngl = old->nglyphs - g0;
    dlist_op *ops = ws_xmalloc((nops ? nops : 1) * sizeof *ops);
    dlist_glyph *gl = ws_xmalloc((ngl ? ngl : 1) * sizeof *gl);
    memcpy(ops, old->ops + op0, nops * sizeof *ops);
    memcpy(gl, old->glyphs + g0, ngl * sizeof *gl);
    old->nops = op0;
    old->nglyphs = g0;
    float cursor = L->cursor + dy;
    /* what stays on the old page is what a later layout_rejoin_previous finds there */
    memcpy(L->prev_placed, L->placed, (L->nplaced - k) * sizeof *L->placed);
    L->prev_nplaced = L->nplaced - k;
    L->prev_end = op0;
    L->prev_cursor = top;
    L->prev_ok = L->prev_nplaced > 0;
    dlist_page *pg = dlist_page_add(L->doc); /* may move the pages: old is stale from here */
    copy_ops(pg, ops, nops, gl, g0, dy);
    free(ops);
    free(gl);
    /* headings that went along: their outline entries follow them */
    for (size_t i = 0; i < L->doc->noutlines; i++) {
        dlist_outline *o = &L->doc->outlines[i];
        if (o->page == from && o->y <= top + 0.01f) {
            o->page = from + 1;
            o->y += dy;
        }
    }
    /* the moved lines are now the new page's */
    memmove(L->placed, L->placed + L->nplaced - k, k * sizeof *L->placed);
    L->nplaced = k;
    for (size_t i = 0; i < k; i++) {
        L->placed[i].op0 -= op0;
        L->placed[i].op1 -= op0;
        L->placed[i].glyph0 -= g0;
        L->placed[i].top += dy;
    }
    L->placed_end = pg->nops;
    L->cursor = cursor;
    L->at_top = 0;
    return k;
}

size_t layout_carry_lines(layout *L, size_t least)
{
    if (!L->has_page || !least || !L->nplaced) return 0;
    if (L->doc->pages[L->doc->npages - 1].nops != L->placed_end) return 0; /* something else drawn since */
    size_t k = lines_to_carry(L, least);
    return k ? carry_k(L, k) : 0;
}

size_t layout_rejoin_previous(layout *L, size_t least)
{
    if (!L->has_page || L->doc->npages < 2 || !L->prev_ok || !L->nplaced || L->nplaced >= least) return 0;
    dlist_page *cur = &L->doc->pages[L->doc->npages - 1], *prev = cur - 1;
    /* the page holds these lines and nothing else; the previous one ends with its text lines */
    if (cur->nops != L->placed_end || L->placed[0].op0 || L->placed[0].glyph0 || prev->nops != L->prev_end) return 0;
    for (size_t i = 0; i < L->nplaced; i++)
        if (L->placed[i].keep_next) return 0; /* a heading: its outline entry would need moving too */
    size_t n = L->nplaced, keep = L->prev_nplaced;
    if (keep + n > MAX_PLACED) keep = MAX_PLACED - n;
    /* back onto the previous page below its last line, as if no page had begun */
    float dy = L->prev_cursor - L->y_top;
    size_t op0 = prev->nops, g0 = prev->nglyphs;
    copy_ops(prev, cur->ops, cur->nops, cur->glyphs, 0, dy);
    free(cur->ops);
    free(cur->glyphs);
    L->doc->npages--;
    memmove(L->placed + keep, L->placed, n * sizeof *L->placed);
    memcpy(L->placed, L->prev_placed + L->prev_nplaced - keep, keep * sizeof *L->placed);
    for (size_t i = keep; i < keep + n; i++) {
        L->placed[i].op0 += op0;
        L->placed[i].op1 += op0;
        L->placed[i].glyph0 += g0;
        L->placed[i].top += dy;
    }
    L->nplaced = keep + n;
    L->placed_end = prev->nops;
    L->cursor += dy;
    L->prev_ok = 0;
    /* then over again with what must go along (at least all that was on the page) */
    size_t k = lines_to_carry(L, least);
    return carry_k(L, k >= n ? k : n);
}

/* ---- Markdown ---- */

static inl_style current_inline(const layout *L)
{
    inl_style s = {L->block->role, L->block->size, 0};
    if (L->emph) s.role = ROLE_KAI;
    if (L->strong) s.role = ROLE_HEI;
    if (L->strike) s.flags |= INL_STRIKE;
    return s;
}

static const block_style *paragraph_style(const layout *L)
{
    if (L->quote_depth) return &L->st->quote;
    if (L->nlists) return &L->st->list;
    return &L->st->body;
}

static void begin_inline(layout *L, const block_style *b, cmark_node *n)
{
    paragraph_clear(L->p);
    L->block = b;
    L->in_inline = 1;
    L->emph = L->strong = L->strike = 0;
    L->block_line = cmark_node_get_start_line(n);
    L->plain.len = 0;
    if (L->plain.data) L->plain.data[0] = 0;
}

static void add_text(layout *L, const char *s, inl_style st, long line)
{
    if (!s) return;
    size_t len = strlen(s);
    paragraph_text(L->p, s, len, st, line ? line : L->block_line);
    ws_buf_put(&L->plain, s, len);
}

static void add_list_marker(layout *L)
{
    if (!L->item_marker_due || !L->nlists) return;
    L->item_marker_due = 0;
    list_state *ls = &L->lists[L->nlists - 1];
    inl_style st = {L->block->role, L->block->size, 0};
    if (L->item_checkbox) {
        st.flags = L->item_checkbox == 2 ? (INL_BOX | INL_CHECKED) : INL_BOX;
        paragraph_blank(L->p, 0.8f * st.size, st);
        st.flags = 0;
        paragraph_blank(L->p, 0.5f * st.size, st);
        return;
    }
    char m[32];
    if (ls->ordered) {
        snprintf(m, sizeof m, ls->paren ? "（%d）" : "%d.", ls->next);
        ls->next++;
        paragraph_text(L->p, m, strlen(m), st, L->block_line);
        if (!ls->paren) paragraph_blank(L->p, 0.25f * st.size, st);
    } else {
        paragraph_text(L->p, "•", strlen("•"), st, L->block_line);
        paragraph_blank(L->p, 0.5f * st.size, st);
    }
}

static float list_left(const layout *L)
{
    float left = L->nlists > 1 ? (float)(L->nlists - 1) * L->st->list_indent * L->char_pitch : 0;
    float most = layout_width(L) / 2;
    return left < most ? left : most;
}

/* 主送机关 (GB/T 9704 §7.3.2: 居左顶格, 回行仍顶格, ends with a full-width colon) and the
 * salutation of a letter or notice (李赟同志：): Markdown cannot say it, so a paragraph is taken
 * for one when it directly follows the title (# heading, in a receipt too), is not in a list or
 * quote, ends with ： (or an ASCII colon) and holds no sentence — no 。？！ and no 如下：
 * ("现将有关情况报告如下：" is text, not an addressee). */
static int is_addressee(const layout *L)
{
    if (L->paragraph_seq != L->title_seq + 1 || L->title_seq < 0 || L->nlists || L->quote_depth) return 0;
    const char *s = L->plain.data;
    size_t n = L->plain.len;
    if (!s) return 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t')) n--;
    static const char colon[] = "\xef\xbc\x9a"; /* U+FF1A */
    int ends = (n && s[n - 1] == ':') || (n >= 3 && !memcmp(s + n - 3, colon, 3));
    if (!ends) return 0;
    static const char *const sentence[] = {"\xe3\x80\x82" /* 。 */, "\xef\xbc\x9f" /* ？ */, "\xef\xbc\x81" /* ！ */,
                                           "?", "!", "\xe5\xa6\x82\xe4\xb8\x8b" /* 如下 */};
    for (size_t i = 0; i < sizeof sentence / sizeof *sentence; i++)
        if (memmem(s, n, sentence[i], strlen(sentence[i]))) return 0;
    return 1;
}

static void end_paragraph(layout *L)
{
    L->in_inline = 0;
    if (paragraph_empty(L->p)) return;
    paragraph_opts o = layout_para_opts(L, L->block);
    if (is_addressee(L)) {
        o.indent = o.hang = 0;
        /* a long 主送机关 wraps between words, lines balanced and not spaced out
         * (中共临江市…征稽处暨/临江市…联合支部委员会：) */
        o.balance = 1;
        o.align = ALIGN_LEFT;
    }
    float left = L->block->left * L->char_pitch + list_left(L);
    o.width = layout_width(L) - left;
    paragraph_layout(L->p, &o);
    layout_place_lines(L, L->p, left, 0);
}

/* The heading as the reader sees it: punctuation normalised like the page, one line. */
static char *outline_text(const layout *L, const char *s)
{
    size_t len = strlen(s), n = 0;
    uint32_t *cps = ws_xmalloc((len + 1) * sizeof *cps);
    for (size_t i = 0; i < len;) {
        int k = ws_utf8_decode_lossy(s + i, len - i, &cps[n]);
        if (cps[n] == '\n') cps[n] = ' ';
        i += (size_t)k;
        n++;
    }
    if (L->st->normalise_punctuation) linebreak_normalise_punctuation(cps, n);
    ws_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        char u[4];
        ws_buf_put(&b, u, ws_utf8_encode(cps[i], u));
    }
    free(cps);
    return ws_buf_steal(&b);
}

static void end_heading(layout *L, int level)
{
    L->in_inline = 0;
    const block_style *b = L->block;
    if (paragraph_empty(L->p)) return;
    layout_blank_lines(L, b->before);
    paragraph_opts o = layout_para_opts(L, b);
    o.words = 1; /* 词意完整: a heading, like a title, breaks between words */
    paragraph_layout(L->p, &o);
    layout_page(L);
    layout_snap(L);
    size_t page = layout_place_lines(L, L->p, b->left * L->char_pitch, LAYOUT_KEEP_NEXT);
    char *title = outline_text(L, L->plain.data ? L->plain.data : "");
    dlist_outline_add(L->doc, level, title, page, L->first_top); /* the heading's first line */
    if (level == 1) L->title_seq = L->block_seq;
    if (level == 1 && !L->title_seen) {
        L->title_seen = 1;
        if (!L->doc->meta.title) dlist_meta_set(&L->doc->meta.title, title);
    }
    free(title);
    layout_blank_lines(L, b->after);
}

void layout_inlines(layout *L, cmark_node *n, paragraph *p, inl_style base)
{
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;
    int emph = 0, strong = 0, strike = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        int enter = ev == CMARK_EVENT_ENTER;
        inl_style st = base;
        if (emph) st.role = ROLE_KAI;
        if (strong) st.role = ROLE_HEI;
        if (strike) st.flags |= INL_STRIKE;
        long line = cmark_node_get_start_line(c);
        if (!line) line = cmark_node_get_start_line(n);
        if (is_type(c, "strikethrough")) {
            strike += enter ? 1 : -1;
            continue;
        }
        const char *lit;
        switch (cmark_node_get_type(c)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_HTML_INLINE:
            lit = cmark_node_get_literal(c);
            if (lit) paragraph_text(p, lit, strlen(lit), st, line);
            break;
        case CMARK_NODE_CODE:
            lit = cmark_node_get_literal(c);
            if (L->h->inline_code && L->h->inline_code(L, p, lit, st, line)) break; /* `blank:N`, `box` */
            st.role = ROLE_MONO;
            if (lit) paragraph_text(p, lit, strlen(lit), st, line);
            break;
        case CMARK_NODE_SOFTBREAK:
            paragraph_softbreak(p, st);
            break;
        case CMARK_NODE_LINEBREAK:
            paragraph_hardbreak(p);
            break;
        case CMARK_NODE_EMPH:
            emph += enter ? 1 : -1;
            break;
        case CMARK_NODE_STRONG:
            strong += enter ? 1 : -1;
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
}

/* Code blocks and raw HTML: the literal text, line by line, never interpreted. */
static void literal_block(layout *L, cmark_node *n, const block_style *b)
{
    const char *lit = cmark_node_get_literal(n);
    if (!lit) return;
    size_t len = strlen(lit);
    while (len && (lit[len - 1] == '\n' || lit[len - 1] == '\r')) len--;
    paragraph_clear(L->p);
    inl_style st = {b->role, b->size, 0};
    long line = cmark_node_get_start_line(n);
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && lit[j] != '\n') j++;
        paragraph_text(L->p, lit + i, j - i, st, line++);
        if (j < len) paragraph_hardbreak(L->p);
        i = j + 1;
    }
    paragraph_opts o = layout_para_opts(L, b);
    o.normalise = 0;
    o.cjk_latin = 0;
    o.tracking = 0;
    o.align = ALIGN_LEFT;
    o.indent = 0;
    o.hang = 0;
    float left = b->left * L->char_pitch + list_left(L) + 2 * L->char_pitch;
    o.width = layout_width(L) - left;
    paragraph_layout(L->p, &o);
    layout_place_lines(L, L->p, left, 0);
}

static void thematic_break(layout *L)
{
    layout_page(L);
    layout_snap(L);
    if (!L->at_top && L->cursor - L->body_asc - L->body_desc < L->y_bottom - 0.5f) layout_new_page(L);
    float y = L->cursor - (L->body_asc + L->body_desc) / 2;
    dlist_line(layout_page(L), layout_left(L), y, layout_left(L) + layout_width(L), y, 0.75f, 0);
    L->cursor -= L->pitch;
    L->at_top = 0;
}

int layout_markdown(layout *L, const char *md, size_t len)
{
    if (mdlimit_check(md, len, L->file, L->d)) return -1;
    static int registered;
    if (!registered) {
        cmark_gfm_core_extensions_ensure_registered();
        registered = 1;
    }
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8);
    static const char *exts[] = {"table", "strikethrough", "tasklist"};
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        if (e) cmark_parser_attach_syntax_extension(parser, e);
    }
    cmark_parser_feed(parser, md, len);
    cmark_node *doc = cmark_parser_finish(parser);
    if (!doc) {
        diag_loc loc = {L->file, 0, 0, NULL};
        diag_report(L->d, DIAG_ERROR, loc, _("the Markdown could not be parsed"));
        cmark_parser_free(parser);
        return -1;
    }
    layout_page(L);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        int enter = ev == CMARK_EVENT_ENTER;
        long line = cmark_node_get_start_line(n);
        if (enter && (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK) L->block_seq++;
        if (is_type(n, "table")) {
            if (enter) {
                if (L->h->table) L->h->table(L, n);
                cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
            }
            continue;
        }
        if (is_type(n, "strikethrough")) {
            L->strike += enter ? 1 : -1;
            continue;
        }
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
            if (enter) {
                L->paragraph_seq = L->block_seq;
                begin_inline(L, paragraph_style(L), n);
                add_list_marker(L);
            } else {
                end_paragraph(L);
            }
            break;
        case CMARK_NODE_HEADING: {
            int level = cmark_node_get_heading_level(n);
            if (enter) begin_inline(L, level == 1 ? &L->st->title : style_heading(L->st, level), n);
            else end_heading(L, level);
            break;
        }
        case CMARK_NODE_TEXT:
            if (L->in_inline) add_text(L, cmark_node_get_literal(n), current_inline(L), line);
            break;
        case CMARK_NODE_HTML_INLINE: /* raw HTML is printed as the text it is */
            if (L->in_inline) add_text(L, cmark_node_get_literal(n), current_inline(L), line);
            break;
        case CMARK_NODE_CODE:
            if (L->in_inline) {
                inl_style st = current_inline(L);
                if (L->h->inline_code && L->h->inline_code(L, L->p, cmark_node_get_literal(n), st, line))
                    break; /* `blank:N`, `box` */
                st.role = ROLE_MONO;
                add_text(L, cmark_node_get_literal(n), st, line);
            }
            break;
        case CMARK_NODE_SOFTBREAK:
            if (L->in_inline) {
                paragraph_softbreak(L->p, current_inline(L));
                ws_buf_putc(&L->plain, ' ');
            }
            break;
        case CMARK_NODE_LINEBREAK:
            if (L->in_inline) paragraph_hardbreak(L->p);
            break;
        case CMARK_NODE_EMPH:
            L->emph += enter ? 1 : -1;
            break;
        case CMARK_NODE_STRONG:
            L->strong += enter ? 1 : -1;
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            /* The quote style's left indent applies once; each nested level adds it again. */
            if (enter && ++L->quote_depth > 1) L->indent += L->st->quote.left * L->char_pitch;
            if (!enter && L->quote_depth-- > 1) L->indent -= L->st->quote.left * L->char_pitch;
            break;
        case CMARK_NODE_LIST:
            /* Lists nested deeper than MAX_LISTS share the innermost state. */
            if (enter && ++L->list_depth <= MAX_LISTS) {
                list_state *ls = &L->lists[L->nlists++];
                ls->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
                ls->next = cmark_node_get_list_start(n);
                ls->paren = cmark_node_get_list_delim(n) == CMARK_PAREN_DELIM;
            } else if (!enter && L->list_depth-- <= MAX_LISTS) {
                L->nlists--;
            }
            break;
        case CMARK_NODE_ITEM:
            if (enter) {
                L->item_marker_due = 1;
                L->item_checkbox = 0;
                if (is_type(n, "tasklist"))
                    L->item_checkbox = cmark_gfm_extensions_get_tasklist_item_checked(n) ? 2 : 1;
                if (!cmark_node_first_child(n) && L->nlists) { /* an empty item still counts */
                    list_state *ls = &L->lists[L->nlists - 1];
                    if (ls->ordered) ls->next++;
                    L->item_marker_due = 0;
                }
            }
            break;
        case CMARK_NODE_CODE_BLOCK:
            if (L->h->code_block && L->h->code_block(L, n)) break; /* ```signature, ```receipt, ... */
            literal_block(L, n, &L->st->code);
            break;
        case CMARK_NODE_HTML_BLOCK:
            literal_block(L, n, &L->st->code);
            break;
        case CMARK_NODE_THEMATIC_BREAK:
            thematic_break(L);
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    cmark_parser_free(parser);
    return 0;
}

int layout_markdown_nested(layout *L, const char *md, size_t len)
{
    if (L->nesting >= LAYOUT_MAX_NESTING) return -2;
    L->nesting++;
    int rc = layout_markdown(L, md, len);
    L->nesting--;
    return rc;
}

/* ---- page numbers ---- */

/* The one face a page number is drawn in, so that its dashes, digits and spaces match (GB/T
 * 9704 §7.5: 4号半角宋体阿拉伯数字): the face of its first character that is not Latin (the
 * dash of "— 1 —"), when that face has every character of the text — the role's Latin chain,
 * which would draw the digits and spaces in another face, is passed over; else the face of its
 * first Latin character when that one has them all; else -1 (each character its own face). */
static int page_number_face(layout *L, const char *text)
{
    int cands[2] = {-1, -1};
    size_t len = strlen(text);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < len;) {
            uint32_t cp;
            int k = ws_utf8_decode(text + i, len - i, &cp);
            if (k < 0) return -1;
            i += (size_t)k;
            if (fonts_is_latin(cp) == (pass == 1)) {
                cands[pass] = fonts_face_for(L->fs, L->st->pn_role, cp);
                break;
            }
        }
        int face = cands[pass], all = face >= 0;
        for (size_t i = 0; all && i < len;) {
            uint32_t cp;
            int k = ws_utf8_decode(text + i, len - i, &cp);
            if (k < 0) return -1;
            i += (size_t)k;
            all = fonts_glyph(L->fs, face, cp) > 0;
        }
        if (all) return face;
    }
    return -1;
}

static void page_number(layout *L, dlist_page *pg, int number)
{
    const style *st = L->st;
    char text[128];
    const char *f = st->pn_format;
    const char *at = strstr(f, "{n}");
    if (!at) return;
    snprintf(text, sizeof text, "%.*s%d%s", (int)(at - f), f, number, at + 3);
    uint32_t cps[64];
    int faces[64];
    float xs[64], x = 0, size = st->pn_size;
    size_t n = 0, len = strlen(text), i = 0;
    float dash_top = 0.4f * size;
    int one = page_number_face(L, text);
    while (i < len && n < 64) {
        uint32_t cp;
        int k = ws_utf8_decode(text + i, len - i, &cp);
        if (k < 0) break;
        i += (size_t)k;
        int face = one >= 0 ? one : fonts_face_for(L->fs, st->pn_role, cp);
        if (face < 0) continue;
        if (cp == 0x2014 || cp == 0x2013 || cp == '-') {
            /* "一字线上距版心下边缘7mm": place by the dash's ink, not the em box. */
            fonts_ink e;
            const face_info *fi = fonts_face(L->fs, face);
            if (fi && fi->upem && fonts_glyph_ink(L->fs, face, cp, &e))
                dash_top = (float)e.y_bearing * size / (float)fi->upem;
        }
        cps[n] = cp;
        faces[n] = face;
        xs[n] = x;
        /* a space of the page number is half-width, as SimSun's in "— 1 —" (FandolSong's is
         * ⅓ em, too little for text extraction to see a space) */
        x += (cp == ' ' && one >= 0 ? 500.0f : (float)fonts_advance(L->fs, face, cp)) * size / 1000.0f;
        n++;
    }
    float width = x, inset = st->pn_indent * L->char_pitch, left;
    float block_r = L->x_left + st->block_w;
    pn_side side = st->pn_side;
    if (side == PN_OUTSIDE) side = number % 2 ? PN_RIGHT : PN_LEFT;
    if (side == PN_NONE) return;
    if (side == PN_RIGHT) left = block_r - inset - width;
    else if (side == PN_LEFT) left = L->x_left + inset;
    else left = L->x_left + (st->block_w - width) / 2;
    float baseline = L->y_bottom - st->pn_below - dash_top;
    int cur = -2;
    for (size_t k = 0; k < n; k++) {
        if (faces[k] != cur) {
            dlist_text_begin(pg, faces[k], size, baseline);
            cur = faces[k];
        }
        dlist_glyph_add(pg, cps[k], left + xs[k]);
    }
    pg->number = number;
}

dlist_doc *layout_finish(layout *L)
{
    layout_page(L);
    /* A trailing page that nothing was placed on (a page break at the very end) goes. */
    if (L->doc->npages > 1 && L->at_top && L->doc->pages[L->doc->npages - 1].nops == 0) {
        dlist_page *last = &L->doc->pages[--L->doc->npages];
        free(last->ops);
        free(last->glyphs);
    }
    for (size_t i = 0; i < L->doc->npages; i++) page_number(L, &L->doc->pages[i], (int)i + 1);
    dlist_doc *d = L->doc;
    L->doc = dlist_doc_new(L->st->page_w, L->st->page_h);
    L->has_page = 0;
    return d;
}
