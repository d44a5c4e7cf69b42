/* paragraph — inline layout: runs of styled text in, justified lines of positioned glyphs out.
 *
 * Collect a paragraph's content with para_text / para_softbreak / para_hardbreak / para_blank,
 * lay it out into a measure with para_layout, then draw each line wherever the block layout
 * (or a table cell, or a form element) puts it with para_draw_line. One para object is meant
 * to be reused for every paragraph of a document: nothing is allocated per character once its
 * buffers have grown.
 *
 * Typography (linebreaking.md): UAX #14 breaks tailored to GB/T 15834 (linebreak.h); 先挤进后
 * 推出 — a mark that may not start a line is first squeezed onto the line by compressing
 * punctuation, else the previous character is pushed down; adjacent full-width marks take
 * 1.5 em; justification shrinks first, then spreads the remainder evenly over the gaps
 * between characters (never inside a Latin word, a digit run, —— or ……); a paragraph's last
 * line is not stretched and never holds a lone character; ¼ em between Han and Latin letters
 * or digits; numbers stay with their units and dates go down whole, unless that would leave
 * the line spaced out by more than 0.15 em a gap (then 2005年 / 5月31日, linebreak.h); a mark
 * ending a line gives up its blank (GB/T 15834 5.1.10, with line_end_half), and the line's
 * last glyph then reports the narrower width (para_glyph.w) that para_draw_line hands to the
 * PDF. Widths are fontset_advance values, i.e. exactly what the PDF's /W says. */
#ifndef WENSHU_PARAGRAPH_H
#define WENSHU_PARAGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "dlist.h"
#include "fonts.h"
#include "style.h"

enum {
    INL_UNDERLINE = 1, /* underline the glyphs (or the blank: a fill-in blank) */
    INL_STRIKE = 2,
    INL_BOX = 4,       /* a blank drawn as a square box: □ for forms and task lists */
    INL_CHECKED = 8,   /* ... with a tick in it */
};

typedef struct {
    font_role role;
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
    int balance;        /* lines of similar length (titles) */
} para_opts;

/* Fills the options a block style implies for a measure of width pt: alignment, indent in
 * 字 of char_pitch, the grid's tracking for glyphs of the body size, the text options. */
para_opts para_opts_for(const style *st, const block_style *b, float width, float char_pitch);

typedef struct {
    uint32_t cp;    /* 0 for a fill-in blank */
    int face;       /* fontset face; -1: draws nothing (a blank) */
    float x;        /* left edge of the advance box, from the measure's left edge */
    float w;        /* advance box width as the PDF will draw it */
    float size;
    unsigned flags;
} para_glyph;

typedef struct {
    size_t first, count; /* into para_glyphs() */
    float x0, x1;        /* extent of the advance boxes, from the measure's left edge */
    float ascent, descent; /* largest above / below the baseline, pt (descent positive) */
    float size;          /* largest font size on the line */
} para_line;

typedef struct para para;

/* fs is borrowed. file names the source in messages (missing characters); d may be NULL
 * for a measuring pass that reports nothing. */
para *para_new(fontset *fs, diag *d, const char *file);
void para_free(para *p);
/* Names the record (borrowed) in the messages of later layouts, e.g. a missing character. */
void para_set_record(para *p, const char *record);
void para_clear(para *p); /* empties the content, keeps the buffers */
int para_empty(const para *p);

/* Appends UTF-8 text (invalid bytes become U+FFFD) from source line `line` (0: unknown). */
void para_text(para *p, const char *utf8, size_t len, inl_style st, long line);
void para_softbreak(para *p, inl_style st);   /* nothing between CJK, a space between words */
void para_hardbreak(para *p);
/* An unbreakable blank of `width` pt (a fill-in blank: give it INL_UNDERLINE). */
void para_blank(para *p, float width, inl_style st);

/* Breaks and justifies. Returns the number of lines (0 for empty content). Characters no
 * installed font has are reported once per paragraph as warnings (file:line, the character,
 * U+XXXX) and left out. */
size_t para_layout(para *p, const para_opts *o);

size_t para_nlines(const para *p);
const para_line *para_line_at(const para *p, size_t i);
const para_glyph *para_glyphs(const para *p);

/* Natural width of the whole content on one line (no breaking), pt: for column widths. */
float para_natural_width(para *p, const para_opts *o);
/* Width of the widest unbreakable piece (a word, a number, a character with its marks), pt. */
float para_min_width(para *p, const para_opts *o);

/* Emits line i on page: runs of glyphs grouped by face and size, and the underlines and
 * strike-throughs. x is the measure's left edge on the page, baseline the line's baseline. */
void para_draw_line(const para *p, size_t i, dl_page *page, float x, float baseline);

/* Counts of what was reported while laying out, for --strict. */
long para_missing_chars(const para *p);

#endif
