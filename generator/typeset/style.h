/* style — how a document looks: page, grid, fonts per role, and one block style per element.
 *
 * Styles are data files (templates/styles/NAME.style, format in docs/styles.md), never code:
 * an office changes fonts or margins without recompiling. Loading validates every key and
 * value and reports problems as file:line errors. Lengths are stored in PDF points. */
#ifndef WENSHU_STYLE_H
#define WENSHU_STYLE_H

#include <stddef.h>

#include "base/diag.h"
#include "fonts/fonts.h"

typedef enum { ALIGN_JUSTIFY, ALIGN_LEFT, ALIGN_CENTRE, ALIGN_RIGHT } text_align;

/* One kind of block: paragraph, title, a heading level, quote, list item, code. */
typedef struct {
    fonts_role role;
    float size;       /* font size, pt */
    text_align align; /* lines other than the last (the last line of a justified block is left) */
    float indent;     /* first-line indent in 字 (the body character pitch) */
    float left;       /* left indent of every line, 字 */
    int before, after; /* blank grid lines before and after */
    int balance;      /* break into lines of similar length (titles) */
} block_style;

enum { STYLE_HEADINGS = 5 }; /* ## .. ###### (the # title has its own block style) */

typedef enum { PN_NONE, PN_OUTSIDE, PN_CENTRE, PN_RIGHT, PN_LEFT } pn_side;

typedef struct {
    char *name; /* file stem, e.g. "gbt9704" */
    char *path; /* the file it came from */

    float page_w, page_h;           /* pt */
    float top, left;                /* distance of the text block from the paper's top/left edge */
    float block_w, block_h;         /* text block (版心) */

    int grid_chars, grid_lines;     /* 28 × 22: body characters per line, lines per page (0: free) */
    float line_pitch;               /* without a grid lines: baseline distance in pt; with one,
                                       computed by layout so the lines fill the block */

    char **fonts[ROLE_COUNT];       /* family chain per role */
    size_t nfonts[ROLE_COUNT];
    /* Latin letters and digits per role ([fonts] latin, or <role>_latin): tried before the
     * role's chain for them (fonts.h); slot ROLE_COUNT holds `latin`, which every role but
     * mono without a chain of its own takes. */
    char **latin[ROLE_COUNT + 1];
    size_t nlatin[ROLE_COUNT + 1];

    int normalise_punctuation;      /* ASCII , ( ) : ; " ? ! in Chinese text -> full width */
    float cjk_latin_space;          /* em of the Han character's size */
    int line_end_half;              /* a full-width mark at line end takes ½ em (GB/T 15834 5.1.10) */

    block_style body, title, quote, list, code;
    block_style heading[STYLE_HEADINGS]; /* heading[0] is ##, heading[4] ###### */
    float list_indent;              /* 字 per nesting level */

    fonts_role pn_role;
    float pn_size;
    char *pn_format;                /* "— {n} —" */
    float pn_below;                 /* from the block's bottom edge to the dash stroke, pt */
    pn_side pn_side;
    float pn_indent;                /* 字 in from the block's edge */
} style;

/* Parses style text; file is used for messages. Returns NULL after reporting every problem
 * (unknown section or key, bad value, missing required key) as file:line errors. */
style *style_parse(const char *text, size_t len, const char *file, diag *d);

/* NAME (looked up as DATADIR/templates/styles/NAME.style) or a path (anything with a '/' or
 * ending in ".style"). Reports a missing file as an error naming what was tried. */
style *style_load(const char *name_or_path, const char *datadir, diag *d);

void style_free(style *s);

/* Sets every role's chain in fs from the style. Returns 0, or -1 when a role ends up with no
 * installed font (reported). */
int style_apply_fonts(const style *s, fonts_set *fs, diag *d);

/* Heading style for a Markdown level 2..6 (1 is the title). */
const block_style *style_heading(const style *s, int level);

#endif
