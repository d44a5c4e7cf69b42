/* layout — block layout: a Markdown document (cmark-gfm) onto pages of a style.
 *
 * The page is a grid (style.h): the body's lines sit on fixed baselines, each heading or
 * paragraph line takes whole grid lines, so 22 lines of 28 characters fill the text block.
 * Blocks that are not text lines (tables, form elements) may place things at any height; the
 * next text line snaps back to the grid.
 *
 * For renderers of other blocks (table.c, formel.c) the context exposes the measure, the
 * vertical cursor and the current page; see docs/layout-api.md. The layout reaches those
 * renderers only through the handlers it was made with (typeset_block_handlers below), so
 * this header includes neither table.h nor formel.h: they include it. */
#ifndef WENSHU_LAYOUT_H
#define WENSHU_LAYOUT_H

#include <stddef.h>

#include "base/diag.h"
#include "typeset/dlist.h"
#include "fonts/fonts.h"
#include "typeset/paragraph.h"
#include "typeset/style.h"

typedef struct layout layout;
struct cmark_node;

/* ---- the blocks the page layout hands over ----
 *
 * Invariant: the page layout knows nothing of tables or form elements (signatures, receipts,
 * blanks, boxes). Those renderers are built on the context API below, so they depend on the
 * layout; were the layout to call them by name, each would depend on the other and neither
 * could be understood, tested or replaced alone. So the layout holds a set of handlers and
 * calls them for the nodes it does not lay out itself. A NULL handler (or a NULL set) means
 * the layout's own fallback: a table is left out, code is printed literally in mono. */
typedef struct typeset_block_handlers {
    /* A GFM "table" node: lays it out at the cursor (table_layout, table.h). */
    void (*table)(layout *L, struct cmark_node *table);
    /* A fenced code block: returns 1 when it laid the block out (a form element such as
     * ```signature or ```receipt), 0 when the block is ordinary code (formel_block). */
    int (*code_block)(layout *L, struct cmark_node *code_block);
    /* An inline code span in para p (a paragraph, a heading, a table cell): returns 1 when it
     * appended an element to p (`blank:N`, `box`), 0 when the literal is ordinary code
     * (formel_inline_code). */
    int (*inline_code)(layout *L, paragraph *p, const char *literal, inl_style st, long line);
} typeset_block_handlers;

/* st and fs are borrowed and must outlive the layout; file names the source in messages.
 * h (borrowed, may be NULL) says who lays out tables and form elements. A document with
 * wenshu's tables and form elements is made with typeset_layout_new (blocks.h). */
layout *layout_new_with(const style *st, fonts_set *fs, diag *d, const char *file, const typeset_block_handlers *h);
void layout_free(layout *L);

/* Parses Markdown with cmark-gfm (tables, strikethrough, tasklists) and lays it out after
 * whatever is already there. Returns 0, or -1 when the text could not be parsed. */
int layout_markdown(layout *L, const char *md, size_t len);

/* Adds page numbers and hands the document over (the layout keeps nothing). A document
 * with no content still has one page. */
dlist_doc *layout_finish(layout *L);

/* ---- Markdown inside a block (a receipt's contents) ----
 *
 * A block handler that lays out Markdown of its own does it through the layout, one nesting
 * level deeper. The level is counted in the layout object (and a layout made with
 * layout_new_like starts at its model's level), never in a global: two documents laid out
 * on two threads, or a measuring layout inside a receipt, each see their own count.
 *
 * The cap: each level is a fresh cmark parse of the block's text and a few more C frames
 * (layout_markdown, the handler, the block, layout_markdown again), and only the input
 * bounds how deep fences can nest (one more backtick per level: a 1 MB file could nest about
 * a thousand levels), which would cost quadratic time and could exhaust the stack. Real
 * documents nest one level (a receipt inside a receipt is already warned about). */
enum { LAYOUT_MAX_NESTING = 8 };

/* Nested layout_markdown_nested calls open on L: 0 at the document's own level. */
int layout_nesting(const layout *L);

/* Lays out md after whatever is there, as the contents of the block being laid out: like
 * layout_markdown with the nesting level one higher while it runs. Returns 0, -1 when the
 * text could not be parsed, -2 (nothing laid out) when LAYOUT_MAX_NESTING levels are open. */
int layout_markdown_nested(layout *L, const char *md, size_t len);

/* A new, empty layout with L's style, fonts, file, record, handlers and nesting level that
 * reports to d: for measuring how much room some Markdown takes before placing it. */
layout *layout_new_like(const layout *L, diag *d);

/* ---- the context, for block renderers ---- */

const style *layout_style(const layout *L);
fonts_set *layout_fonts(const layout *L);
const typeset_block_handlers *layout_handlers(const layout *L); /* never NULL */
diag *layout_diag(const layout *L);
const char *layout_file(const layout *L);
dlist_doc *layout_doc(layout *L);          /* e.g. to set meta fields */
/* The record being laid out (borrowed; NULL: none), named in messages. Block renderers that
 * make their own paras pass it on with paragraph_set_record(p, layout_record(L)). */
void layout_set_record(layout *L, const char *record);
const char *layout_record(const layout *L);

float layout_char_pitch(const layout *L); /* one 字 of the body: grid character pitch, pt */
float layout_line_pitch(const layout *L); /* distance between grid lines, pt */
float layout_left(const layout *L);       /* left edge of the current measure (block + indents), pt */
float layout_width(const layout *L);      /* width of the current measure, pt */
float layout_block_bottom(const layout *L); /* y of the text block's bottom edge */

dlist_page *layout_page(layout *L);        /* the current page (begun on first use) */
size_t layout_page_index(const layout *L);
float layout_cursor(const layout *L);   /* y of the top of the free space, PDF coordinates */
float layout_room(const layout *L);     /* pt between the cursor and the block's bottom */

void layout_new_page(layout *L);        /* the next block starts at the top of a new page */
void layout_advance(layout *L, float h); /* moves the cursor down h pt (no page change) */
void layout_snap(layout *L);            /* moves the cursor down to the next grid line */
void layout_blank_lines(layout *L, int n); /* n empty grid lines (none at the top of a page) */
/* Starts a new page unless h pt fit below the cursor. */
void layout_need(layout *L, float h);

/* Paragraph options for a block style in the current measure (indent, grid tracking...). */
paragraph_opts layout_para_opts(const layout *L, const block_style *b);
/* How placed lines hold to their neighbours across a page break (layout_place_lines). */
enum {
    LAYOUT_KEEP_NEXT = 1, /* a heading: stays with two lines of what follows */
    LAYOUT_KEEP_PREV = 2  /* a signature line: when layout_carry_lines moves it, two lines of
                           * the text before it go too (no page starts with a 署名) */
};
/* Places the lines of a laid-out paragraph on grid lines from the cursor, starting new pages
 * as needed; x_offset is added to the measure's left edge. keep: 0 or LAYOUT_KEEP_* flags.
 * Returns the page index of the first line. */
size_t layout_place_lines(layout *L, const paragraph *p, float x_offset, int keep);

/* Keep-with-previous for a block that must not start a page alone (a signature: GB/T 9704
 * §7.3.5.5, "此页无正文" is not allowed): moves the last text lines placed on the current page
 * to the top of a new page and leaves the cursor below them. At least `least` lines go; more
 * when the split would leave a paragraph's last line alone at the new page's top or a heading
 * at the old page's bottom. Returns the number of lines moved, 0 when it cannot (they are all
 * the page holds, or something other than text lines was drawn after them). */
size_t layout_carry_lines(layout *L, size_t least);

/* A new page for the block about to be placed (a table, a paragraph that must not split):
 * the heading lines and the line leading into it (…如下：) placed last on this page, with
 * nothing drawn since, go along, so that no page ends with them. */
void layout_new_page_keep(layout *L);

/* Keep-with-previous the other way: when the current page holds fewer than `least` text lines
 * and nothing else (特此报告。 alone at the top, a signature to follow), the last lines of the
 * page before come over to join them, as layout_carry_lines would have moved them, so that the
 * block placed next has `least` lines of text above it. Returns the lines now at the top of the
 * page, 0 when it does nothing (enough lines, a heading among them, or something other than text
 * lines ends the page before). */
size_t layout_rejoin_previous(layout *L, size_t least);

/* Collects the inline content of a cmark node (a table cell, a paragraph) into p, after
 * what p already holds: text, code (the inline_code handler's element, else mono), emphasis
 * (kai), strong (hei), strikethrough, soft and hard breaks; raw inline HTML as literal text. */
void layout_inlines(layout *L, struct cmark_node *n, paragraph *p, inl_style base);

/* Heights on the grid: the vertical extent a line of this size takes above the baseline
 * when it starts at the cursor. */
float layout_ascent(const layout *L, float size);

#endif
