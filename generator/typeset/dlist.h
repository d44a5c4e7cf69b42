/* dlist — a laid-out document: pages of drawing operations, nothing more.
 *
 * Layout produces it, the PDF writer consumes it. Keeping this boundary narrow is what lets the
 * writer subset fonts per document (it sees every code point before it loads a font) and lets
 * tests measure layout without reading a PDF.
 *
 * Units are PDF points; the origin is the page's bottom-left corner, y grows upwards. */
#ifndef WENSHU_DLIST_H
#define WENSHU_DLIST_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t cp; /* the Unicode scalar value from the source text (never a PUA stand-in) */
    float x;     /* left edge of the glyph's advance box */
} dlist_glyph;

typedef enum { DL_TEXT, DL_LINE, DL_RECT } dlist_kind;

typedef struct {
    dlist_kind kind;
    union {
        struct {
            int face;     /* index into the fonts_set (fonts.h) */
            float size;   /* font size in points */
            float y;      /* baseline */
            size_t first; /* glyphs live in the page's glyph array: [first, first + count) */
            size_t count;
            float width;  /* total advance of the run as laid out, from its first glyph's x to
                           * the end of its last glyph's box; 0: natural (the fonts' advances).
                           * Layout sets it when a line-end mark takes ½ em (GB/T 15834 5.1.10):
                           * the PDF writer then gives the last glyph that advance. */
        } text;
        struct {
            float x0, y0, x1, y1;
            float width; /* stroke width */
            float dash;  /* 0: solid; otherwise dash and gap length */
        } line;
        struct {
            float x, y, w, h; /* x, y: bottom-left corner */
            float width;      /* stroke width; 0 with fill */
            int fill;         /* 1: filled black, 0: stroked */
        } rect;
    } u;
} dlist_op;

typedef struct {
    dlist_op *ops;
    size_t nops, capops;
    dlist_glyph *glyphs;
    size_t nglyphs, capglyphs;
    int number;   /* printed page number, 0 when the page carries none */
} dlist_page;

typedef struct {
    int level;    /* 1 = top */
    char *title;  /* UTF-8 */
    size_t page;  /* 0-based */
    float y;      /* top of the heading */
} dlist_outline;

typedef struct {
    char *title, *subject, *author, *keywords, *creator;
    char *date; /* ISO 8601 with an explicit offset, e.g. "2005-06-05T00:00:00+08:00"; NULL: none */
} dlist_meta;

typedef struct {
    float width, height; /* page size of every page */
    dlist_page *pages;
    size_t npages, cappages;
    dlist_outline *outlines;
    size_t noutlines, capoutlines;
    dlist_meta meta;
} dlist_doc;

dlist_doc *dlist_doc_new(float width, float height);
void dlist_doc_free(dlist_doc *d);
dlist_page *dlist_page_add(dlist_doc *d);

/* Starts a run of glyphs on one baseline; returns the op index. Append glyphs with dlist_glyph_add,
 * in visual order, to the most recently begun run of that page. */
size_t dlist_text_begin(dlist_page *p, int face, float size, float y);
void dlist_glyph_add(dlist_page *p, uint32_t cp, float x);
void dlist_line(dlist_page *p, float x0, float y0, float x1, float y1, float width, float dash);
void dlist_rect(dlist_page *p, float x, float y, float w, float h, float width, int fill);
void dlist_outline_add(dlist_doc *d, int level, const char *title, size_t page, float y);
void dlist_meta_set(char **field, const char *value); /* replaces, copies; NULL clears */

/* Appends every page and outline of src to dst (pages sizes must match), e.g. for combined
 * print files. Outline page indices are shifted. Returns the index of src's first page in dst. */
size_t dlist_doc_append(dlist_doc *dst, const dlist_doc *src);

#endif
