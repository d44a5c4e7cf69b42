/* dlist_store: a display list as bytes and back, exactly; bytes that are not one give NULL. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "base/util.h"
#include "typeset/dlist_store.h"

/* Every field of both documents, floats bit for bit. */
static int same_doc(const dlist_doc *a, const dlist_doc *b)
{
    if (memcmp(&a->width, &b->width, sizeof a->width) || memcmp(&a->height, &b->height, sizeof a->height) ||
        a->npages != b->npages || a->noutlines != b->noutlines)
        return 0;
    const char *ma[] = {a->meta.title, a->meta.subject, a->meta.author, a->meta.keywords, a->meta.creator, a->meta.date};
    const char *mb[] = {b->meta.title, b->meta.subject, b->meta.author, b->meta.keywords, b->meta.creator, b->meta.date};
    for (size_t i = 0; i < 6; i++)
        if (!ma[i] != !mb[i] || (ma[i] && strcmp(ma[i], mb[i]))) return 0;
    for (size_t p = 0; p < a->npages; p++) {
        const dlist_page *x = &a->pages[p], *y = &b->pages[p];
        if (x->number != y->number || x->nops != y->nops || x->nglyphs != y->nglyphs) return 0;
        if (x->nglyphs && memcmp(x->glyphs, y->glyphs, x->nglyphs * sizeof *x->glyphs)) return 0;
        for (size_t i = 0; i < x->nops; i++) {
            const dlist_op *o = &x->ops[i], *q = &y->ops[i];
            if (o->kind != q->kind) return 0;
            if (o->kind == DL_TEXT &&
                (o->u.text.face != q->u.text.face || memcmp(&o->u.text.size, &q->u.text.size, 4) ||
                 memcmp(&o->u.text.y, &q->u.text.y, 4) || o->u.text.first != q->u.text.first ||
                 o->u.text.count != q->u.text.count || memcmp(&o->u.text.width, &q->u.text.width, 4)))
                return 0;
            if (o->kind == DL_LINE && memcmp(&o->u.line, &q->u.line, sizeof o->u.line)) return 0;
            if (o->kind == DL_RECT && (memcmp(&o->u.rect.x, &q->u.rect.x, 5 * sizeof(float)) ||
                                       o->u.rect.fill != q->u.rect.fill))
                return 0;
        }
    }
    for (size_t i = 0; i < a->noutlines; i++) {
        const dlist_outline *o = &a->outlines[i], *q = &b->outlines[i];
        if (o->level != q->level || o->page != q->page || memcmp(&o->y, &q->y, 4) || strcmp(o->title, q->title))
            return 0;
    }
    return 1;
}

int main(void)
{
    dlist_doc *doc = dlist_doc_new(595.276f, 841.89f);
    dlist_meta_set(&doc->meta.title, "张三同志评议意见反馈通知书");
    dlist_meta_set(&doc->meta.author, "第一支部");
    dlist_meta_set(&doc->meta.date, "2005-06-05T00:00:00+08:00");
    dlist_page *p = dlist_page_add(doc);
    p->number = 1;
    dlist_text_begin(p, 2, 16, 700.125f);
    dlist_glyph_add(p, 0x4E2D, 79.37f);
    dlist_glyph_add(p, 0x20BB7, 95.3f); /* 𠮷, above U+FFFF */
    p->ops[0].u.text.width = 31.5f;
    dlist_line(p, 80, 100, 500, 100, 0.5f, 3);
    dlist_rect(p, 80, 120, 200, 30, 0, 1);
    dlist_page_add(doc); /* a blank page */
    p = dlist_page_add(doc);
    p->number = 2;
    dlist_text_begin(p, 0, 14, 650);
    dlist_glyph_add(p, 0x3002, 80);
    dlist_outline_add(doc, 1, "一、肯定成绩", 0, 720);
    dlist_outline_add(doc, 2, "回　执", 2, 300.5f);

    ws_buf b = {0};
    dlist_store_put(&b, doc);
    dlist_doc *back = dlist_store_get(b.data, b.len);
    CHECK(back && same_doc(doc, back), "a document comes back exactly (%zu bytes)", b.len);
    ws_buf b2 = {0};
    if (back) dlist_store_put(&b2, back);
    CHECK(b2.len == b.len && !memcmp(b.data, b2.data, b.len), "and is stored as the same bytes again");
    dlist_doc_free(back);
    ws_buf_free(&b2);

    /* Every shorter prefix, and one byte more, is refused. */
    int refused = 1;
    for (size_t n = 0; n < b.len; n++) {
        dlist_doc *d = dlist_store_get(b.data, n);
        if (d) refused = 0;
        dlist_doc_free(d);
    }
    CHECK(refused, "every cut-short copy is refused");
    ws_buf_putc(&b, 0);
    CHECK(dlist_store_get(b.data, b.len) == NULL, "a byte too many is refused");
    b.len--;

    /* Each byte changed in turn: never a crash, and a text run never points outside its glyphs
     * (run under ASan/valgrind, this is the check that bad bytes stay inside the buffer). */
    int inside = 1;
    for (size_t i = 0; i < b.len; i++) {
        unsigned char keep = (unsigned char)b.data[i];
        b.data[i] = (char)(keep ^ 0xFF);
        dlist_doc *d = dlist_store_get(b.data, b.len);
        for (size_t q = 0; d && q < d->npages; q++)
            for (size_t k = 0; k < d->pages[q].nops; k++) {
                const dlist_op *o = &d->pages[q].ops[k];
                if (o->kind == DL_TEXT && o->u.text.first + o->u.text.count > d->pages[q].nglyphs) inside = 0;
            }
        for (size_t k = 0; d && k < d->noutlines; k++)
            if (d->outlines[k].page >= d->npages) inside = 0;
        dlist_doc_free(d);
        b.data[i] = (char)keep;
    }
    CHECK(inside, "a changed byte never gives a run outside its page's glyphs nor a bookmark outside the pages");

    /* A count far beyond the bytes: refused before anything is allocated for it. */
    uint32_t huge = 0x7FFFFFFF;
    memcpy(b.data + 8, &huge, 4);
    CHECK(dlist_store_get(b.data, b.len) == NULL, "a page count beyond the bytes is refused");
    ws_buf_free(&b);
    dlist_doc_free(doc);
    return TAP_DONE();
}
