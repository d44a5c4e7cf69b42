/* pdfdeflate — libharu deflates streams with zlib at its default level, and the font programs
 * are most of a PDF: deflating every stream here with libdeflate instead is the largest single
 * saving per document (a one-page UMing subset of 100 KB: zlib level 1 takes 1.2 ms, libdeflate
 * level 1 0.6 ms and makes it 4 % smaller). One compressor per level, made on first use and kept
 * for the process (a batch reuses it). */
#include "pdf/pdfdeflate_int.h"

#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <libdeflate.h>
#include <stdlib.h>

struct libdeflate_compressor *pdfdeflate_compressor(int level)
{
    static struct libdeflate_compressor *made[13];
    if (level < 1) level = 1;
    if (level > 12) level = 12;
    if (!made[level]) made[level] = libdeflate_alloc_compressor(level);
    if (!made[level]) abort();
    return made[level];
}

static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

int pdfdeflate_into(HPDF_Dict stream, const void *data, size_t len, int level)
{
    /* the output buffer is kept for the next stream: a fresh 100 KB block per font program
     * would be a fresh mmap, page faults and munmap every document */
    static unsigned char *z;
    static size_t zcap;
    struct libdeflate_compressor *c = pdfdeflate_compressor(level);
    size_t cap = libdeflate_zlib_compress_bound(c, len);
    if (cap > zcap) {
        free(z);
        zcap = cap + cap / 4;
        z = malloc(zcap);
        if (!z) abort();
    }
    size_t clen = libdeflate_zlib_compress(c, data, len, z, zcap);
    int rc = -1;
    if (clen && !stream->write_fn) {
        stream->filter = HPDF_STREAM_FILTER_NONE; /* libharu must not compress again... */
        stream->write_fn = write_flate_filter;    /* ...but the dictionary must say how it is coded */
        rc = HPDF_Stream_Write(stream->stream, z, (HPDF_UINT)clen) == HPDF_OK ? 0 : -1;
    } else { /* cannot happen with a bound-sized buffer; libharu then deflates it itself */
        rc = HPDF_Stream_Write(stream->stream, data, (HPDF_UINT)len) == HPDF_OK ? 0 : -1;
    }
    return rc;
}
