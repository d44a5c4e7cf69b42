#include "dlist.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define GROW(arr, n, cap)                                                \
    do {                                                                 \
        if ((n) == (cap)) {                                              \
            (cap) = (cap) ? (cap) * 2 : 16;                              \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));              \
        }                                                                \
    } while (0)

dl_doc *dl_doc_new(float width, float height)
{
    dl_doc *d = xcalloc(1, sizeof *d);
    d->width = width;
    d->height = height;
    return d;
}

static void page_free(dl_page *p)
{
    free(p->ops);
    free(p->glyphs);
}

void dl_doc_free(dl_doc *d)
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

dl_page *dl_page_add(dl_doc *d)
{
    GROW(d->pages, d->npages, d->cappages);
    dl_page *p = &d->pages[d->npages++];
    memset(p, 0, sizeof *p);
    return p;
}

static dl_op *op_add(dl_page *p, dl_kind kind)
{
    GROW(p->ops, p->nops, p->capops);
    dl_op *op = &p->ops[p->nops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    return op;
}

size_t dl_text_begin(dl_page *p, int face, float size, float y)
{
    dl_op *op = op_add(p, DL_TEXT);
    op->u.text.face = face;
    op->u.text.size = size;
    op->u.text.y = y;
    op->u.text.first = p->nglyphs;
    op->u.text.count = 0;
    return p->nops - 1;
}

void dl_glyph_add(dl_page *p, uint32_t cp, float x)
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

void dl_line(dl_page *p, float x0, float y0, float x1, float y1, float width, float dash)
{
    dl_op *op = op_add(p, DL_LINE);
    op->u.line.x0 = x0;
    op->u.line.y0 = y0;
    op->u.line.x1 = x1;
    op->u.line.y1 = y1;
    op->u.line.width = width;
    op->u.line.dash = dash;
}

void dl_rect(dl_page *p, float x, float y, float w, float h, float width, int fill)
{
    dl_op *op = op_add(p, DL_RECT);
    op->u.rect.x = x;
    op->u.rect.y = y;
    op->u.rect.w = w;
    op->u.rect.h = h;
    op->u.rect.width = width;
    op->u.rect.fill = fill;
}

void dl_outline_add(dl_doc *d, int level, const char *title, size_t page, float y)
{
    GROW(d->outlines, d->noutlines, d->capoutlines);
    dl_outline *o = &d->outlines[d->noutlines++];
    o->level = level;
    o->title = xstrdup(title);
    o->page = page;
    o->y = y;
}

void dl_meta_set(char **field, const char *value)
{
    free(*field);
    *field = value ? xstrdup(value) : NULL;
}

size_t dl_doc_append(dl_doc *dst, const dl_doc *src)
{
    size_t base = dst->npages;
    for (size_t i = 0; i < src->npages; i++) {
        const dl_page *s = &src->pages[i];
        dl_page *p = dl_page_add(dst);
        p->number = s->number;
        p->nops = p->capops = s->nops;
        p->ops = xmalloc((s->nops ? s->nops : 1) * sizeof *p->ops);
        if (s->nops) memcpy(p->ops, s->ops, s->nops * sizeof *p->ops);
        p->nglyphs = p->capglyphs = s->nglyphs;
        p->glyphs = xmalloc((s->nglyphs ? s->nglyphs : 1) * sizeof *p->glyphs);
        if (s->nglyphs) memcpy(p->glyphs, s->glyphs, s->nglyphs * sizeof *p->glyphs);
    }
    for (size_t i = 0; i < src->noutlines; i++) {
        const dl_outline *o = &src->outlines[i];
        dl_outline_add(dst, o->level, o->title, o->page + base, o->y);
    }
    return base;
}
