/* paragraph — inline layout: runs of styled text in, justified lines of positioned glyphs out.
 *
 * Collect a paragraph's content with paragraph_text / paragraph_softbreak / paragraph_hardbreak / paragraph_blank,
 * lay it out into a measure with paragraph_layout, then draw each line wherever the block layout
 * (or a table cell, or a form element) puts it with paragraph_draw_line. One para object is meant
 * to be reused for every paragraph of a document: nothing is allocated per character once its
 * buffers have grown.
 *
 * Typography (GB/T 15834-2011 and W3C CLREQ "Requirements for Chinese Text Layout"; the user's
 * view in docs/layout-api.md §1 and docs/styles.md): UAX #14 breaks tailored to GB/T 15834
 * (linebreak.h); 先挤进后
 * 推出 — a mark that may not start a line is first squeezed onto the line by compressing
 * punctuation, else the previous character is pushed down; adjacent full-width marks take
 * 1.5 em; justification shrinks first, then spreads the remainder evenly over the gaps
 * between characters (never inside a Latin word, a digit run, —— or ……); a paragraph's last
 * line is not stretched and never holds a lone character; ¼ em between Han and Latin letters
 * or digits; numbers stay with their units and dates go down whole, unless that would leave
 * the line spaced out by more than 0.15 em a gap (then 2005年 / 5月31日, linebreak.h); a mark
 * ending a line gives up its blank (GB/T 15834 5.1.10, with line_end_half), and the line's
 * last glyph then reports the narrower width (paragraph_glyph.w) that paragraph_draw_line hands to the
 * PDF. Widths are fonts_advance values, i.e. exactly what the PDF's /W says. */
#ifndef WENSHU_PARAGRAPH_H
#define WENSHU_PARAGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "typeset/dlist.h"
#include "fonts/fonts.h"
#include "typeset/style.h"

enum {
    INL_UNDERLINE = 1, /* underline the glyphs (or the blank: a fill-in blank) */
    INL_STRIKE = 2,
    INL_BOX = 4,       /* a blank drawn as a square box: □ for forms and task lists */
    INL_CHECKED = 8,   /* ... with a tick in it */
};

typedef struct {
    fonts_role role;
    float size;     /* pt */
    unsigned flags; /* INL_UNDERLINE, INL_STRIKE */
} inl_style;

typedef struct {
    float width;        /* the measure, pt */
    float indent;       /* first line starts this far right of the measure's left edge, pt */
    float hang;         /* every other line starts this far right, pt (list items) */
    text_align align;   /* the last line of a justified paragraph is set left */
    float tracking;     /* pt added after every full-width glyph (the grid: pitch - size) */
    float cjk_latin;    /* Han–Latin space, em */
    int normalise;      /* ASCII punctuation in Chinese text -> full width */
    int line_end_half;  /* a full-width mark at line end takes ½ em */
    int balance;        /* lines of similar length, broken between words (titles, the 署名) */
    int words;          /* break between words where a line loses at most 3 字 by it (headings) */
} paragraph_opts;

/* Fills the options a block style implies for a measure of width pt: alignment, indent in
 * 字 of char_pitch, the grid's tracking for glyphs of the body size, the text options. */
paragraph_opts paragraph_opts_for(const style *st, const block_style *b, float width, float char_pitch);

typedef struct {
    uint32_t cp;    /* 0 for a fill-in blank */
    int face;       /* fonts_set face; -1: draws nothing (a blank) */
    float x;        /* left edge of the advance box, from the measure's left edge */
    float w;        /* advance box width as the PDF will draw it */
    float size;
    unsigned flags;
} paragraph_glyph;

typedef struct {
    size_t first, count; /* into paragraph_glyphs() */
    float x0, x1;        /* extent of the advance boxes, from the measure's left edge */
    float ascent, descent; /* largest above / below the baseline, pt (descent positive) */
    float size;          /* largest font size on the line */
} paragraph_line;

typedef struct paragraph paragraph;

/* fs is borrowed. file names the source in messages (missing characters); d may be NULL
 * for a measuring pass that reports nothing. */
paragraph *paragraph_new(fonts_set *fs, diag *d, const char *file);
void paragraph_free(paragraph *p);
/* Names the record (borrowed) in the messages of later layouts, e.g. a missing character. */
void paragraph_set_record(paragraph *p, const char *record);
void paragraph_clear(paragraph *p); /* empties the content, keeps the buffers */
int paragraph_empty(const paragraph *p);

/* Appends UTF-8 text (invalid bytes become U+FFFD) from source line `line` (0: unknown). */
void paragraph_text(paragraph *p, const char *utf8, size_t len, inl_style st, long line);
void paragraph_softbreak(paragraph *p, inl_style st);   /* nothing between CJK, a space between words */
void paragraph_hardbreak(paragraph *p);
/* An unbreakable blank of `width` pt (a fill-in blank: give it INL_UNDERLINE). */
void paragraph_blank(paragraph *p, float width, inl_style st);

/* Breaks and justifies. Returns the number of lines (0 for empty content). Characters no
 * installed font has are reported once per paragraph as warnings (file:line, the character,
 * U+XXXX) and left out. */
size_t paragraph_layout(paragraph *p, const paragraph_opts *o);

size_t paragraph_nlines(const paragraph *p);
const paragraph_line *paragraph_line_at(const paragraph *p, size_t i);
const paragraph_glyph *paragraph_glyphs(const paragraph *p);

/* Natural width of the whole content on one line (no breaking), pt: for column widths. */
float paragraph_natural_width(paragraph *p, const paragraph_opts *o);
/* Width of the widest unbreakable piece (a word, a number, a character with its marks), pt. */
float paragraph_min_width(paragraph *p, const paragraph_opts *o);

/* Emits line i on page: runs of glyphs grouped by face and size, and the underlines and
 * strike-throughs. x is the measure's left edge on the page, baseline the line's baseline. */
void paragraph_draw_line(const paragraph *p, size_t i, dlist_page *page, float x, float baseline);

/* Counts of what was reported while laying out, for --strict. */
long paragraph_missing_chars(const paragraph *p);

#endif
