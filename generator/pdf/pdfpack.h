/* pdfpack — rewrites a finished PDF in the more compact form PDF 1.5 allows: every object that is
 * not a stream (catalog, pages, fonts' dictionaries, descriptors, widths, Info, outlines) goes
 * into one compressed object stream, and the cross-reference table becomes a compressed stream.
 * A two-page notice loses about 3 KB (5 %) of dictionaries, uncompressed xref lines and object
 * headers; streams are copied byte for byte.
 *
 * Only for plain copies: PDF/A-1 (archive copies) is based on PDF 1.4 and forbids both.
 *
 * The input must be what libharu writes — a classic xref table at `startxref`, objects of
 * generation 0, each `N 0 obj … endobj`. The object numbers stay as they are, so no reference
 * inside the objects changes; the object stream and the xref stream take the next two numbers.
 * Anything unexpected makes it return -1 and write nothing: the caller keeps the input. */
#ifndef WENSHU_PDFPACK_H
#define WENSHU_PDFPACK_H

#include <stddef.h>

#include "base/util.h"

/* The deflate level of the object and xref streams of pdfpack_repack. */
#define PDFPACK_LEVEL 9

int pdfpack_repack(const char *pdf, size_t len, ws_buf *out);

/* pdfpack_repack with the object and xref streams of up to 16 KB deflated at level (1..12); larger
 * ones (a volume's) at level 1 in either. */
int pdfpack_repack_level(const char *pdf, size_t len, int level, ws_buf *out);

#endif
