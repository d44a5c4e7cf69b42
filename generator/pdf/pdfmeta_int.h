/* pdfmeta — the document-level parts of a wenshu PDF: the Info dictionary, bookmarks, and the
 * PDF/A-1b additions (XMP packet written by wenshu, sRGB OutputIntent, file ID).
 *
 * Text strings are written as UTF-16BE with a byte-order mark, built here rather than through
 * libharu's UTF-8 encoder, which turns every character above U+FFFF into a space. Private to pdf/:
 * libharu's types stay inside the stage. */
#ifndef WENSHU_PDFMETA_INT_H
#define WENSHU_PDFMETA_INT_H

#include <hpdf.h>

#include "base/diag.h"
#include "typeset/dlist.h"
#include "base/util.h"

/* ISO 8601 ("2005-06-05", "2005-06-05T09:30:00+08:00", "...Z") to the PDF date form
 * ("D:20050605093000+08'00'") and the XMP form ("2005-06-05T09:30:00+08:00"). Returns 0, or -1
 * when iso is not such a date. */
int pdfmeta_dates(const char *iso, char pdf[32], char xmp[40]);

/* The XMP packet for meta (PDF/A-1b identification, Dublin Core, dates as in Info). */
void pdfmeta_xmp(const dlist_meta *meta, ws_buf *out);

/* Info: Title, Subject, Author, Keywords, Creator, Producer "wenshu", CreationDate/ModDate. */
int pdfmeta_info(HPDF_Doc pdf, const dlist_meta *meta, diag *d);

/* Bookmarks, nested by level, pointing at the heading's page and height. */
int pdfmeta_outlines(HPDF_Doc pdf, const dlist_doc *doc, HPDF_Page *pages);

/* Page labels from the printed page numbers (dlist_page.number), so a viewer's "page 3" is the
 * page that says — 3 —, also in combined files where each record starts again at 1. Written
 * only when the printed numbers differ from the physical ones; pages without a number get an
 * empty label. */
int pdfmeta_page_labels(HPDF_Doc pdf, const dlist_doc *doc);

/* PDF/A-1b: version 1.4, XMP metadata, OutputIntent with the ICC profile at icc_path, and the
 * file ID given (16 bytes, derived from the content by the caller). */
int pdfmeta_archive(HPDF_Doc pdf, const dlist_meta *meta, const char *icc_path, const unsigned char id[16], diag *d);

#endif
