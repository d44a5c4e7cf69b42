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
} dl_glyph;

typedef enum { DL_TEXT, DL_LINE, DL_RECT } dl_kind;

typedef struct {
    dl_kind kind;
    union {
        struct {
            int face;     /* index into the fontset (fonts.h) */
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
} dl_op;

typedef struct {
    dl_op *ops;
    size_t nops, capops;
    dl_glyph *glyphs;
    size_t nglyphs, capglyphs;
    int number;   /* printed page number, 0 when the page carries none */
} dl_page;

typedef struct {
    int level;    /* 1 = top */
    char *title;  /* UTF-8 */
    size_t page;  /* 0-based */
    float y;      /* top of the heading */
} dl_outline;

typedef struct {
    char *title, *subject, *author, *keywords, *creator;
    char *date; /* ISO 8601 with an explicit offset, e.g. "2005-06-05T00:00:00+08:00"; NULL: none */
} dl_meta;

typedef struct {
    float width, height; /* page size of every page */
    dl_page *pages;
    size_t npages, cappages;
    dl_outline *outlines;
    size_t noutlines, capoutlines;
    dl_meta meta;
} dl_doc;

dl_doc *dl_doc_new(float width, float height);
void dl_doc_free(dl_doc *d);
dl_page *dl_page_add(dl_doc *d);

/* Starts a run of glyphs on one baseline; returns the op index. Append glyphs with dl_glyph_add,
 * in visual order, to the most recently begun run of that page. */
size_t dl_text_begin(dl_page *p, int face, float size, float y);
void dl_glyph_add(dl_page *p, uint32_t cp, float x);
void dl_line(dl_page *p, float x0, float y0, float x1, float y1, float width, float dash);
void dl_rect(dl_page *p, float x, float y, float w, float h, float width, int fill);
void dl_outline_add(dl_doc *d, int level, const char *title, size_t page, float y);
void dl_meta_set(char **field, const char *value); /* replaces, copies; NULL clears */

/* Appends every page and outline of src to dst (pages sizes must match), e.g. for combined
 * print files. Outline page indices are shifted. Returns the index of src's first page in dst. */
size_t dl_doc_append(dl_doc *dst, const dl_doc *src);

#endif
