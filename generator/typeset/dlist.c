#include "typeset/dlist.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define GROW(arr, n, cap)                                                \
    do {                                                                 \
        if ((n) == (cap)) {                                              \
            (cap) = (cap) ? (cap) * 2 : 16;                              \
            (arr) = ws_xrealloc((arr), (cap) * sizeof *(arr));              \
        }                                                                \
    } while (0)

dlist_doc *dlist_doc_new(float width, float height)
{
    dlist_doc *d = ws_xcalloc(1, sizeof *d);
    d->width = width;
    d->height = height;
    return d;
}

static void page_free(dlist_page *p)
{
    free(p->ops);
    free(p->glyphs);
}

void dlist_doc_free(dlist_doc *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->npages; i++) page_free(&d->pages[i]);
    free(d->pages);
    for (size_t i = 0; i < d->noutlines; i++) free(d->outlines[i].title);
    free(d->outlines);
    free(d->meta.title);
    free(d->meta.subject);
    free(d->meta.author);
    free(d->meta.keywords);
    free(d->meta.creator);
    free(d->meta.date);
    free(d);
}

dlist_page *dlist_page_add(dlist_doc *d)
{
    GROW(d->pages, d->npages, d->cappages);
    dlist_page *p = &d->pages[d->npages++];
    memset(p, 0, sizeof *p);
    return p;
}

static dlist_op *op_add(dlist_page *p, dlist_kind kind)
{
    GROW(p->ops, p->nops, p->capops);
    dlist_op *op = &p->ops[p->nops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    return op;
}

size_t dlist_text_begin(dlist_page *p, int face, float size, float y)
{
    dlist_op *op = op_add(p, DL_TEXT);
    op->u.text.face = face;
    op->u.text.size = size;
    op->u.text.y = y;
    op->u.text.first = p->nglyphs;
    op->u.text.count = 0;
    return p->nops - 1;
}

void dlist_glyph_add(dlist_page *p, uint32_t cp, float x)
{
    /* the run being built is the last text op of the page */
    size_t i = p->nops;
    while (i > 0 && p->ops[i - 1].kind != DL_TEXT) i--;
    if (i == 0) abort(); /* programming error: no run begun */
    GROW(p->glyphs, p->nglyphs, p->capglyphs);
    p->glyphs[p->nglyphs].cp = cp;
    p->glyphs[p->nglyphs].x = x;
    p->nglyphs++;
    p->ops[i - 1].u.text.count++;
}

void dlist_line(dlist_page *p, float x0, float y0, float x1, float y1, float width, float dash)
{
    dlist_op *op = op_add(p, DL_LINE);
    op->u.line.x0 = x0;
    op->u.line.y0 = y0;
    op->u.line.x1 = x1;
    op->u.line.y1 = y1;
    op->u.line.width = width;
    op->u.line.dash = dash;
}

void dlist_rect(dlist_page *p, float x, float y, float w, float h, float width, int fill)
{
    dlist_op *op = op_add(p, DL_RECT);
    op->u.rect.x = x;
    op->u.rect.y = y;
    op->u.rect.w = w;
    op->u.rect.h = h;
    op->u.rect.width = width;
    op->u.rect.fill = fill;
}

void dlist_outline_add(dlist_doc *d, int level, const char *title, size_t page, float y)
{
    GROW(d->outlines, d->noutlines, d->capoutlines);
    dlist_outline *o = &d->outlines[d->noutlines++];
    o->level = level;
    o->title = ws_xstrdup(title);
    o->page = page;
    o->y = y;
}

void dlist_meta_set(char **field, const char *value)
{
    free(*field);
    *field = value ? ws_xstrdup(value) : NULL;
}

size_t dlist_doc_append(dlist_doc *dst, const dlist_doc *src)
{
    size_t base = dst->npages;
    for (size_t i = 0; i < src->npages; i++) {
        const dlist_page *s = &src->pages[i];
        dlist_page *p = dlist_page_add(dst);
        p->number = s->number;
        p->nops = p->capops = s->nops;
        p->ops = ws_xmalloc((s->nops ? s->nops : 1) * sizeof *p->ops);
        if (s->nops) memcpy(p->ops, s->ops, s->nops * sizeof *p->ops);
        p->nglyphs = p->capglyphs = s->nglyphs;
        p->glyphs = ws_xmalloc((s->nglyphs ? s->nglyphs : 1) * sizeof *p->glyphs);
        if (s->nglyphs) memcpy(p->glyphs, s->glyphs, s->nglyphs * sizeof *p->glyphs);
    }
    for (size_t i = 0; i < src->noutlines; i++) {
        const dlist_outline *o = &src->outlines[i];
        dlist_outline_add(dst, o->level, o->title, o->page + base, o->y);
    }
    return base;
}
