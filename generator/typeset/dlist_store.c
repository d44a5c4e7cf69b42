/* dlist_store — see dlist_store.h.
 *
 * Layout of the bytes (native order; u32/i32/f32 are 4 bytes, str is a u32 length, 0xFFFFFFFF for
 * none, then that many bytes):
 *   f32 width, f32 height, u32 pages, u32 outlines,
 *   str title, subject, author, keywords, creator, date,
 *   per page: i32 number, u32 ops, u32 glyphs, the ops, the glyphs (u32 cp, f32 x each),
 *   per outline: i32 level, u32 page, f32 y, str title.
 * An op is a kind byte and its fields: text i32 face, f32 size, f32 y, u32 first, u32 count,
 * f32 width; line f32 x0 y0 x1 y1 width dash; rect f32 x y w h width, i32 fill. Fields are
 * written one by one (never a struct with its padding), so equal documents give equal bytes. */
#include "typeset/dlist_store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_STRING 0xFFFFFFFFu

_Static_assert(sizeof(dlist_glyph) == 8, "dlist_glyph is stored as its 8 bytes: a u32 and a float, no padding");

static void put_u32(ws_buf *b, uint32_t v) { ws_buf_put(b, &v, 4); }
static void put_i32(ws_buf *b, int32_t v) { ws_buf_put(b, &v, 4); }
static void put_f32(ws_buf *b, float v) { ws_buf_put(b, &v, 4); }

static void put_str(ws_buf *b, const char *s)
{
    if (!s) {
        put_u32(b, NO_STRING);
        return;
    }
    size_t n = strlen(s);
    put_u32(b, (uint32_t)n);
    ws_buf_put(b, s, n);
}

void dlist_store_put(ws_buf *out, const dlist_doc *doc)
{
    put_f32(out, doc->width);
    put_f32(out, doc->height);
    put_u32(out, (uint32_t)doc->npages);
    put_u32(out, (uint32_t)doc->noutlines);
    const dlist_meta *m = &doc->meta;
    const char *meta[] = {m->title, m->subject, m->author, m->keywords, m->creator, m->date};
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++) put_str(out, meta[i]);
    for (size_t p = 0; p < doc->npages; p++) {
        const dlist_page *pg = &doc->pages[p];
        put_i32(out, pg->number);
        put_u32(out, (uint32_t)pg->nops);
        put_u32(out, (uint32_t)pg->nglyphs);
        for (size_t i = 0; i < pg->nops; i++) {
            const dlist_op *op = &pg->ops[i];
            ws_buf_putc(out, (char)op->kind);
            switch (op->kind) {
            case DL_TEXT:
                put_i32(out, op->u.text.face);
                put_f32(out, op->u.text.size);
                put_f32(out, op->u.text.y);
                put_u32(out, (uint32_t)op->u.text.first);
                put_u32(out, (uint32_t)op->u.text.count);
                put_f32(out, op->u.text.width);
                break;
            case DL_LINE:
                put_f32(out, op->u.line.x0);
                put_f32(out, op->u.line.y0);
                put_f32(out, op->u.line.x1);
                put_f32(out, op->u.line.y1);
                put_f32(out, op->u.line.width);
                put_f32(out, op->u.line.dash);
                break;
            case DL_RECT:
                put_f32(out, op->u.rect.x);
                put_f32(out, op->u.rect.y);
                put_f32(out, op->u.rect.w);
                put_f32(out, op->u.rect.h);
                put_f32(out, op->u.rect.width);
                put_i32(out, op->u.rect.fill);
                break;
            }
        }
        /* dlist_glyph is a u32 and a float, 8 bytes without padding: the stored glyphs are its
         * array as it lies in memory */
        if (pg->nglyphs) ws_buf_put(out, pg->glyphs, pg->nglyphs * sizeof *pg->glyphs);
    }
    for (size_t i = 0; i < doc->noutlines; i++) {
        const dlist_outline *o = &doc->outlines[i];
        put_i32(out, o->level);
        put_u32(out, (uint32_t)o->page);
        put_f32(out, o->y);
        put_str(out, o->title);
    }
}

/* ---- reading: every read is checked against the bytes left ---- */

typedef struct {
    const unsigned char *p, *end;
    int bad;
} reader;

static int take(reader *r, void *dst, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        memset(dst, 0, n);
        return -1;
    }
    memcpy(dst, r->p, n);
    r->p += n;
    return 0;
}

static uint32_t get_u32(reader *r)
{
    uint32_t v;
    take(r, &v, 4);
    return v;
}

static int32_t get_i32(reader *r)
{
    int32_t v;
    take(r, &v, 4);
    return v;
}

static float get_f32(reader *r)
{
    float v;
    take(r, &v, 4);
    return v;
}

/* Whether n items of at least size bytes each can follow. */
static int room_for(reader *r, uint32_t n, size_t size)
{
    if (r->bad || (uint64_t)n * size > (uint64_t)(r->end - r->p)) r->bad = 1;
    return !r->bad;
}

static char *get_str(reader *r)
{
    uint32_t n = get_u32(r);
    if (n == NO_STRING || r->bad || !room_for(r, n, 1)) return NULL;
    char *s = ws_xmalloc((size_t)n + 1);
    take(r, s, n);
    s[n] = 0;
    return s;
}

dlist_doc *dlist_store_get(const void *data, size_t len)
{
    reader r = {data, (const unsigned char *)data + len, 0};
    float w = get_f32(&r), h = get_f32(&r);
    uint32_t npages = get_u32(&r), noutlines = get_u32(&r);
    /* a page takes 12 bytes at least, an outline 16: counts beyond the bytes are refused before
     * anything is allocated for them */
    if (!room_for(&r, npages, 12) || !room_for(&r, noutlines, 16)) return NULL;
    dlist_doc *doc = dlist_doc_new(w, h);
    char **meta[] = {&doc->meta.title, &doc->meta.subject, &doc->meta.author,
                     &doc->meta.keywords, &doc->meta.creator, &doc->meta.date};
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++) *meta[i] = get_str(&r);
    if (npages) {
        doc->pages = ws_xcalloc(npages, sizeof *doc->pages);
        doc->cappages = npages;
    }
    for (uint32_t p = 0; p < npages && !r.bad; p++) {
        dlist_page *pg = &doc->pages[doc->npages++];
        pg->number = get_i32(&r);
        uint32_t nops = get_u32(&r), nglyphs = get_u32(&r);
        if (!room_for(&r, nops, 1 + 16) || !room_for(&r, nglyphs, 8)) break;
        pg->ops = ws_xcalloc(nops ? nops : 1, sizeof *pg->ops);
        pg->capops = nops;
        pg->glyphs = ws_xmalloc((nglyphs ? nglyphs : 1) * sizeof *pg->glyphs);
        pg->capglyphs = nglyphs;
        for (uint32_t i = 0; i < nops && !r.bad; i++) {
            dlist_op *op = &pg->ops[pg->nops++];
            unsigned char kind = 0;
            take(&r, &kind, 1);
            op->kind = (dlist_kind)kind;
            switch (kind) {
            case DL_TEXT:
                op->u.text.face = get_i32(&r);
                op->u.text.size = get_f32(&r);
                op->u.text.y = get_f32(&r);
                op->u.text.first = get_u32(&r);
                op->u.text.count = get_u32(&r);
                op->u.text.width = get_f32(&r);
                if ((uint64_t)op->u.text.first + op->u.text.count > nglyphs) r.bad = 1;
                break;
            case DL_LINE:
                op->u.line.x0 = get_f32(&r);
                op->u.line.y0 = get_f32(&r);
                op->u.line.x1 = get_f32(&r);
                op->u.line.y1 = get_f32(&r);
                op->u.line.width = get_f32(&r);
                op->u.line.dash = get_f32(&r);
                break;
            case DL_RECT:
                op->u.rect.x = get_f32(&r);
                op->u.rect.y = get_f32(&r);
                op->u.rect.w = get_f32(&r);
                op->u.rect.h = get_f32(&r);
                op->u.rect.width = get_f32(&r);
                op->u.rect.fill = get_i32(&r);
                break;
            default:
                r.bad = 1;
            }
        }
        if (!r.bad && take(&r, pg->glyphs, (size_t)nglyphs * 8) == 0) pg->nglyphs = nglyphs;
    }
    if (!r.bad && noutlines) {
        doc->outlines = ws_xcalloc(noutlines, sizeof *doc->outlines);
        doc->capoutlines = noutlines;
    }
    for (uint32_t i = 0; i < noutlines && !r.bad; i++) {
        dlist_outline *o = &doc->outlines[doc->noutlines++];
        o->level = get_i32(&r);
        o->page = get_u32(&r);
        o->y = get_f32(&r);
        o->title = get_str(&r);
        if (o->page >= npages) r.bad = 1;
    }
    if (r.bad || r.p != r.end) {
        dlist_doc_free(doc);
        return NULL;
    }
    return doc;
}
