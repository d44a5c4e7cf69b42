/* pdfdeflate — every stream wenshu deflates (font programs, ToUnicode maps, page contents, the
 * object and xref streams of pdfpack) goes through libdeflate here rather than through libharu's
 * zlib. Private to pdf/. */
#ifndef WENSHU_PDFDEFLATE_INT_H
#define WENSHU_PDFDEFLATE_INT_H

#include <stddef.h>

#include <hpdf.h>

struct libdeflate_compressor;

/* The process's libdeflate compressor for level 1..12 (clamped), made on first use and kept. */
struct libdeflate_compressor *pdfdeflate_compressor(int level);

/* Writes data deflated (libdeflate, level 1..12) into the stream of a stream dictionary, which
 * then says /Filter /FlateDecode; libharu does not compress it again. Returns 0 or -1. */
int pdfdeflate_into(HPDF_Dict stream, const void *data, size_t len, int level);

#endif
