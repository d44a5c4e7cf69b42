/* pdffont — writes one subset face as a PDF Type0 font through libharu's object API: a
 * CIDFontType2 with /FontFile2 for a TrueType face, a CIDFontType0 with /FontFile3
 * /CIDFontType0C for a CFF one; font program, widths, a correct ToUnicode CMap, and for archive
 * copies a CIDSet.
 *
 * libharu's own TrueType path is not used: it re-parses the font file, walks all 65 536 BMP
 * code points per font, writes an invalid ToUnicode and cannot carry characters above U+FFFF.
 * Private to pdf/: libharu's types stay inside the stage. */
#ifndef WENSHU_PDFFONT_INT_H
#define WENSHU_PDFFONT_INT_H

#include <hpdf.h>

#include "fonts/fonts.h"
#include "fonts/subset.h"
#include "base/util.h"

/* Returns the Type0 font dictionary (an indirect object of pdf), or NULL when libharu failed.
 * how: PDFFONT_* bits. */
HPDF_Dict pdffont_add(HPDF_Doc pdf, fonts_set *fs, int face, const subset_font *sf, int archive, unsigned how);
/* Every character the document draws in face is one of the form's fixed text (pdfout.h's first),
 * so that the program and the ToUnicode map are the same bytes in every document of the form:
 * they are deflated once per process, at PDFDEFLATE_KEPT_LEVEL (pdfdeflate_into_kept). */
#define PDFFONT_FIXED 1u
/* The document takes the cheap levels (pdfout.c, CHEAP_LEVEL): its ToUnicode maps and small
 * programs without a fixed part (up to 8 KB: a few characters of a face) at level 1. */
#define PDFFONT_CHEAP 2u

/* The deflate level of font programs, most of a PDF's bytes: level 6 makes a notice 2.3 KB (4 %)
 * smaller than level 1 for 0.55 ms more per document (bench/PROFILE.md, fourth round), under the
 * bytes of the same font as libharu compresses it; offices keep and send these files. */
#define PDFFONT_PROGRAM_LEVEL 6
/* CFF programs are different: a charstring is mostly one-byte numbers, nearly incompressible,
 * so deflate gains about 20 % at any level and its matching is wasted work. FandolFang's
 * program of a feedback notice (103 KB, libdeflate, this machine): level 1 81.5 KB in 1.0 ms,
 * level 6 81.1 KB in 1.9-2.4 ms, level 9 81.0 KB in 1.9 ms, level 12 80.3 KB in 6.9-8.4 ms.
 * Level 1 costs 0.5 % of the bytes and saves a millisecond a document. */
#define PDFFONT_CFF_PROGRAM_LEVEL 1
#define PDFFONT_LEVEL_OF(cff) ((cff) ? PDFFONT_CFF_PROGRAM_LEVEL : PDFFONT_PROGRAM_LEVEL)

/* Appends v as four upper-case hex digits (a CID or a UTF-16 unit), without printf: the content
 * streams and ToUnicode maps write one per glyph. */
void pdffont_hex4(ws_buf *b, unsigned v);

/* The ToUnicode CMap text for sf (exposed for tests). */
void pdffont_tounicode(const subset_font *sf, ws_buf *out);

#endif
