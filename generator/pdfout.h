/* pdfout — writes a display list as PDF with libharu.
 *
 * Per document, for each face used, only the code points the document uses are subset with
 * hb-subset and loaded into libharu (never the whole font). Characters above U+FFFF, which
 * libharu's UTF-8 encoder cannot carry, are given private-use code points in the subset's cmap
 * and mapped back to the real characters in the ToUnicode CMap, which wenshu writes itself
 * (libharu 2.3.0's is invalid). Output is deterministic: the same display list gives the same
 * bytes. */
#ifndef WENSHU_PDFOUT_H
#define WENSHU_PDFOUT_H

#include <stddef.h>

#include "diag.h"
#include "dlist.h"
#include "fonts.h"
#include "util.h"

typedef struct {
    int archive;          /* 1: PDF/A-1b (OutputIntent, XMP, CIDSet, content-derived /ID) */
    const char *icc_path; /* sRGB ICC v2 profile for archive copies; NULL: the Debian default */
} pdf_options;

/* Renders doc into out (PDF bytes). Returns 0, or -1 after reporting through d. */
int pdf_render(const dl_doc *doc, fontset *fs, const pdf_options *opt, wbuf *out, diag *d);

/* pdf_render, then write_file_atomic. */
int pdf_write_file(const dl_doc *doc, fontset *fs, const pdf_options *opt, const char *path, diag *d);

#endif
