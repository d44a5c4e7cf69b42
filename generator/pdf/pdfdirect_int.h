/* pdfdirect — a libharu document's objects written straight into pdfpack's compact form, without
 * libharu writing the classic file first and pdfpack reading it back.
 *
 * HPDF_SaveToStream writes each name, number and bracket through its stream a few bytes at a time
 * (some 1 500 calls for a notice's 56 objects, 0.45 M instructions), and pdfpack_repack then
 * parses that file again to find the objects (0.2 M beyond its deflate). pdfdirect_pack walks the
 * document's cross-reference list and writes every value the way libharu 2.3.0 writes it
 * (hpdf_dict.c, hpdf_array.c, hpdf_objects.c, hpdf_streams.c: the same keys in the same order,
 * the same escapes, HPDF_IToA and HPDF_FToA for numbers), then hands the objects to
 * pdfpack_objects: the file is byte for byte the one HPDF_SaveToStream and pdfpack_repack_level
 * make (tests/unit/test_pdfdirect.c compares the two on a document holding every kind of value;
 * bench/PROFILE.md, eighth round, compares every form's files).
 *
 * It writes only what wenshu's documents hold: no encryption, one cross-reference section,
 * strings without an encoder, stream dictionaries whose bytes pdfdeflate spliced out (their
 * filter none, their dictionary's write_fn pdfdeflate's /Filter line). Anything else makes it
 * return -1 with nothing written, and the caller takes libharu's way. Like HPDF_SaveToStream it
 * runs the dictionaries' before-write callbacks (page counts, outline counts), drops a spliced
 * stream's /Filter entry, and puts /Root, /Info and /Size in the trailer, so either way may
 * follow it on the same document. */
#ifndef WENSHU_PDFDIRECT_INT_H
#define WENSHU_PDFDIRECT_INT_H

#include <hpdf.h>

#include "base/util.h"

/* Appends the packed file of pdf, its object and xref streams deflated at level (as
 * pdfpack_repack_level), to out. Returns 0, or -1 with out unchanged. */
int pdfdirect_pack(HPDF_Doc pdf, int level, ws_buf *out);

#endif
