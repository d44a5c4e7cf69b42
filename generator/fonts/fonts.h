/* fonts — which installed face draws each character, and how wide it is.
 *
 * A style names, for each role (body, title, 黑体, 楷体, 宋体, mono), a chain of font families.
 * fontconfig resolves each family to a file and face index once per process; a character the
 * first face lacks falls through the chain to the first face that has it. Widths are those the
 * PDF will carry: floor(advance * 1000 / units_per_em), in 1/1000 em, as libharu writes /W —
 * layout measures with exactly the numbers the viewer will use. */
#ifndef WENSHU_FONTS_H
#define WENSHU_FONTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"

typedef enum {
    ROLE_BODY,  /* 正文 (仿宋 in the standard) */
    ROLE_TITLE, /* 标题 (小标宋) */
    ROLE_HEI,   /* 黑体: level-1 headings, strong */
    ROLE_KAI,   /* 楷体: level-2 headings, emphasis */
    ROLE_SONG,  /* 宋体: page numbers */
    ROLE_MONO,  /* inline code */
    ROLE_COUNT
} fonts_role;

const char *fonts_role_name(fonts_role r);           /* "body", "title", "hei", "kai", "song", "mono" */
int fonts_role_from_name(const char *name);         /* -1 when unknown */

typedef struct fonts_set fonts_set;

typedef struct {
    char *family;   /* the family name as fontconfig reports it, e.g. "AR PL UMing CN" */
    char *file;     /* path of the font file */
    int index;      /* face index inside a TTC */
    unsigned upem;  /* units per em */
    int ascender, descender; /* 1/1000 em, from the face's metrics */
    int cff;        /* outlines in a 'CFF ' table (OpenType/CFF): embedded as CIDFontType0C */
} face_info;

fonts_set *fonts_new(void);
void fonts_free(fonts_set *fs);

/* A number no other font set of the process has had, renewed whenever a chain is set: a key for
 * caches of results that depend on a set's answers (typeset/paragraph_memo.h), which a set's
 * address is not (a freed set's address may come back for another). A set's answer for a code
 * point, once given, stays the same while the serial does. */
unsigned long fonts_serial(const fonts_set *fs);

/* Sets a role's chain. Each family is resolved through fontconfig; a family that is not
 * installed is reported (warning) and skipped. Returns the number of faces in the chain
 * (0: the role has nothing — an error for the caller to report). Faces are shared between
 * roles when they resolve to the same file and index. */
int fonts_set_chain(fonts_set *fs, fonts_role role, const char *const *families, size_t n, diag *d);

/* Sets a role's Latin chain: faces tried first for Latin letters, digits and ASCII signs
 * (fonts_is_latin), so that a CJK face's Latin — often monospaced or typewriter-like — can be
 * replaced by a proportional serif, as a 公文 in Word sets 西文 in Times New Roman. Families are
 * resolved and reported as by fonts_set_chain; an empty chain (the default) changes nothing. */
int fonts_set_latin_chain(fonts_set *fs, fonts_role role, const char *const *families, size_t n, diag *d);

/* The characters a Latin chain draws: U+0020..U+007E (the space too: a Latin word's spaces
 * are its face's) and the Latin letters U+00C0..U+024F but × and ÷. Never a CJK mark, nor
 * — … “ ” ‘ ’ · whose Chinese forms are the CJK face's. */
int fonts_is_latin(uint32_t cp);

/* The face that draws cp in role: for a Latin character, the first face of the role's Latin
 * chain that has it; else the first face of the chain whose cmap has it (for 。，、；：！ the
 * first face, or a later one only when it has their mainland form: fonts_mainland_mark); then, if
 * none, any installed face fontconfig knows covers it (added to the set on first use).
 * Returns -1 when no installed font has the character. Cached per code point. */
int fonts_face_for(fonts_set *fs, fonts_role role, uint32_t cp);

/* 1 when cp is one of 。，、；：！ and face draws it in the mainland (GB) position — 。，、 in the
 * lower left of the em box, ；：！ in its left half, measured from the glyph's ink — 0 when it
 * draws it centred (the Taiwan and Hong Kong forms) or lacks it, -1 for any other code point.
 * fonts_face_for takes these marks only from the role's first face or from a face for which
 * this is 1. */
int fonts_mainland_mark(fonts_set *fs, int face, uint32_t cp);

/* Advance of cp in face, in 1/1000 em (as the PDF /W array carries it). */
int fonts_advance(fonts_set *fs, int face, uint32_t cp);

/* Glyph id of cp in face (from the cached cmap page), or -1 when the face lacks it. */
int fonts_glyph(fonts_set *fs, int face, uint32_t cp);

/* A glyph's advance and ink box, in font units (fonts_face()->upem to the em), unrounded: what
 * layout needs to place a mark by its ink rather than its em box. y_bearing is the top of the
 * ink above the baseline; height is negative (downward), as in the font. */
typedef struct {
    int advance;
    int x_bearing, y_bearing, width, height;
} fonts_ink;

/* Fills out for cp in face and returns 1; returns 0 (out zeroed) when the face lacks cp or the
 * glyph's extents cannot be read. */
int fonts_glyph_ink(fonts_set *fs, int face, uint32_t cp, fonts_ink *out);

/* The face's cap height in 1/1000 em (floor, as the widths): from its OS/2 table, or, when the
 * font gives none, its ascender. */
int fonts_cap_height(fonts_set *fs, int face);

/* The face's bounding box of all glyphs from its 'head' table, in 1/1000 em (truncated toward
 * zero): xMin, yMin, xMax, yMax. Returns 0, or -1 when the table is too short (box untouched). */
int fonts_bbox(fonts_set *fs, int face, int box[4]);

size_t fonts_nfaces(const fonts_set *fs);
const face_info *fonts_face(const fonts_set *fs, int face);

#endif
