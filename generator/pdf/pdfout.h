/* pdfout — writes a display list as PDF. libharu serialises pages, outlines, Info and the xref;
 * the fonts wenshu writes itself through libharu's object API; plain copies are then repacked as
 * PDF 1.5 with an object stream (pdfpack.h), archive copies stay PDF/A-1b.
 *
 * Per document, each face used gets a subset holding only the glyphs the document draws
 * (fontprog.c writes the font program straight from the face's tables; hb-subset is the
 * fallback), embedded as a Type0/CIDFontType2 font whose codes are the subset's glyph ids.
 * wenshu writes the ToUnicode CMap itself (libharu 2.3.0's is invalid), mapping each code back to
 * its character — surrogate pairs for characters above U+FFFF, which libharu's own UTF-8 path
 * would turn into spaces. Gaps that layout leaves between glyphs (compressed punctuation, the
 * Han–Latin quarter em, half-width line-end marks) become width variants of the glyph, so text
 * extraction sees no spurious spaces. Output is deterministic: the same display list gives the
 * same bytes. */
#ifndef WENSHU_PDFOUT_H
#define WENSHU_PDFOUT_H

#include <stddef.h>

#include "base/diag.h"
#include "typeset/dlist.h"
#include "fonts/cpset.h"
#include "fonts/fonts.h"
#include "base/util.h"

typedef struct {
    int archive;          /* 1: PDF/A-1b (OutputIntent, XMP, CIDSet, content-derived /ID) */
    const char *icc_path; /* sRGB ICC v2 profile for archive copies; NULL: the Debian default */
    /* Per face of the font set (NULL, or a NULL entry: none), characters whose glyphs go first in
     * the face's subset (subset_build_first): what a form's fixed text draws
     * (pdfout_faces_drawn), so that in every document of the form those glyphs' charstrings are
     * the same bytes, deflated once per process (pdfdeflate_into_split) — most of a notice's
     * font program. The document looks and reads the same either way; only its CIDs differ. */
    fonts_cpset *const *first;
    /* The entries of first: faces the set gained after first was made (a fallback face found
     * for a rare character of a later record) have none. */
    size_t nfirst;
} pdfout_options;

/* The characters each face of fs draws in doc, one set per face (NULL where it draws none), for
 * pdfout_options.first; *n gets the number of entries (the faces fs has now). Free with
 * pdfout_faces_free(sets, *n). */
fonts_cpset **pdfout_faces_drawn(const dlist_doc *doc, fonts_set *fs, size_t *n);
void pdfout_faces_free(fonts_cpset **sets, size_t nfaces);

/* Renders doc into out (PDF bytes). Returns 0, or -1 after reporting through d. */
int pdfout_render(const dlist_doc *doc, fonts_set *fs, const pdfout_options *opt, ws_buf *out, diag *d);

/* pdfout_render with the page contents deflated at content_level (1–12; 0: the default, 6). A
 * combined volume takes 3: the contents of its 1 000 pages deflate in 24 rather than 42 ms, 5 %
 * larger (measured on 500 notices). */
int pdfout_render_level(const dlist_doc *doc, fonts_set *fs, const pdfout_options *opt, int content_level, ws_buf *out,
                        diag *d);

/* pdfout_render, then ws_write_file_atomic. */
int pdfout_write_file(const dlist_doc *doc, fonts_set *fs, const pdfout_options *opt, const char *path, diag *d);

#endif
