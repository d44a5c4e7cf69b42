/* pdffont — writes one subset face as a PDF Type0/CIDFontType2 font through libharu's object
 * API: font program, widths, a correct ToUnicode CMap, and for archive copies a CIDSet.
 *
 * libharu's own TrueType path is not used: it re-parses the font file, walks all 65 536 BMP
 * code points per font, writes an invalid ToUnicode and cannot carry characters above U+FFFF. */
#ifndef WENSHU_PDFFONT_H
#define WENSHU_PDFFONT_H

#include <hpdf.h>

#include "fonts/fonts.h"
#include "fonts/subset.h"
#include "base/util.h"

/* Returns the Type0 font dictionary (an indirect object of pdf), or NULL when libharu failed. */
HPDF_Dict pdffont_add(HPDF_Doc pdf, fonts_set *fs, int face, const subset_font *sf, int archive);

/* The deflate level of font programs, most of a PDF's bytes: level 6 makes a notice 2.3 KB (4 %)
 * smaller than level 1 for 0.55 ms more per document (bench/PROFILE.md, fourth round), under the
 * bytes of the same font as libharu compresses it; offices keep and send these files. */
#define PDFFONT_PROGRAM_LEVEL 6

struct libdeflate_compressor;
/* The process's libdeflate compressor for level 1..12 (clamped), made on first use; every PDF
 * stream wenshu deflates goes through these. */
struct libdeflate_compressor *pdffont_compressor(int level);

/* Writes data deflated (libdeflate, level 1..12) into the stream of a stream dictionary, which
 * then says /Filter /FlateDecode; libharu does not compress it again. Returns 0 or -1. */
int pdffont_deflate_into(HPDF_Dict stream, const void *data, size_t len, int level);

/* Appends v as four upper-case hex digits (a CID or a UTF-16 unit), without printf: the content
 * streams and ToUnicode maps write one per glyph. */
void pdffont_hex4(ws_buf *b, unsigned v);

/* The ToUnicode CMap text for sf (exposed for tests). */
void pdffont_tounicode(const subset_font *sf, ws_buf *out);

#endif
