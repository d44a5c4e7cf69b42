/* subset — one face cut down to the glyphs a document uses, with the CIDs the PDF will carry.
 *
 * The font program is subset by glyph id — written directly from the face's glyf tables
 * (fontprog_int.h), or by hb-subset for a face fontprog cannot read — and each distinct
 * character gets a CID equal to its glyph's id in the subset, so the CIDFont can use
 * /CIDToGIDMap /Identity and the font program needs no cmap at all. This is also what makes characters above U+FFFF work:
 * nothing on the way (libharu's UTF-8 encoder, a BMP cmap) ever sees the code point; the
 * ToUnicode CMap maps the CID back to the character, with a surrogate pair when needed. When
 * two characters share a glyph, the second gets a CID past the last glyph (and the CIDFont
 * then needs an explicit CIDToGIDMap) so that each still extracts as itself.
 *
 * Width variants: a glyph that layout set with a different advance (a full-width comma
 * compressed to ½ em, a hanzi followed by the ¼ em gap before a Latin word) gets a glyph of
 * its own — appended to the subset with that advance in hmtx (fontprog writes it as a composite
 * of the glyph alone; the hb-subset path copies the outline) — and a CID equal to its glyph id.
 * Text extractors (poppler, mupdf, which measures by glyph) then see glyphs that touch, as they
 * do on paper, instead of a gap they would turn into a space; and /W still agrees with the font
 * program, as PDF/A requires. A variant is keyed by VARIANT_KEY(code point, width in 1/1000 em). */
#ifndef WENSHU_SUBSET_H
#define WENSHU_SUBSET_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "fonts/cpset.h"
#include "fonts/fonts.h"

#define VARIANT_MAX_WIDTH 2047u
#define VARIANT_KEY(cp, w) ((uint32_t)(cp) << 11 | (uint32_t)(w))

typedef struct subset_lookup subset_lookup; /* subset.c's: the CID maps and the program's storage */

typedef struct {
    const unsigned char *program; /* the subset TrueType font, program_len bytes; NULL until built */
    size_t program_len;
    unsigned ncid;      /* CIDs are 0 .. ncid-1 (0 = .notdef) */
    uint32_t *unicode;  /* per CID: the character it stands for, 0 for none */
    uint16_t *gid;      /* per CID: glyph id in the subset */
    int16_t *width;     /* per CID: advance in 1/1000 em, as fonts.h measures it */
    int identity;       /* gid[c] == c for every mapped CID: /CIDToGIDMap /Identity */
    char base_font[80]; /* "ABCDEF+PostScriptName"; the tag is derived from the content */
    /* program bytes [fixed_off, fixed_off + fixed_len) depend only on the face and on the glyphs
     * of subset_build_first's first characters: deflated once per process (pdf/); 0: none */
    size_t fixed_off, fixed_len;
    subset_lookup *lookup;
} subset_font;

/* Subsets face to the code points in cps (each must be drawn by the face), with the width
 * variants in variants (VARIANT_KEY values; NULL for none). Returns 0, or -1 after reporting
 * through d. */
int subset_build(fonts_set *fs, int face, const fonts_cpset *cps, const fonts_cpset *variants, subset_font *out, diag *d);

/* subset_build, with the glyphs of the characters in both cps and first (NULL: none) right after
 * .notdef, in glyph order, and the other glyphs after them, also in glyph order — their CIDs
 * follow that order. For a CFF face written directly (cffprog_int.h), the charstrings of those
 * front glyphs are then fixed_off/fixed_len: the same bytes in every document that draws the
 * same characters of first (a form's fixed text, pdfout.h), whatever else it draws. Other faces
 * ignore first. */
int subset_build_first(fonts_set *fs, int face, const fonts_cpset *cps, const fonts_cpset *variants, const fonts_cpset *first,
                       subset_font *out, diag *d);
void subset_free(subset_font *sf);

#define SUBSET_NO_CID UINT32_MAX

/* The CID of code point cp, or SUBSET_NO_CID when the subset does not have it. One hash lookup:
 * the content streams ask once per glyph. */
uint32_t subset_cid_of(const subset_font *sf, uint32_t cp);

/* The CID of cp's width variant of width w (1/1000 em), or SUBSET_NO_CID when there is none. */
uint32_t subset_variant_cid(const subset_font *sf, uint32_t cp, unsigned w);

#endif
