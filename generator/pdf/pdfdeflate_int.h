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

/* The level of the streams pdffont.c keeps for a face whose every glyph is fixed. They are
 * deflated once per process, so the strongest level costs once what it saves in every document:
 * a feedback notice's two title faces (whole programs, before a fixed part at 9 between stored
 * blocks) and their ToUnicode maps (before at 6) come out 98 bytes smaller. Its compressor
 * (8.8 MB allocated, mostly untouched for a stream of a few KB) is made for a stream not yet
 * kept and freed at once: such streams are few in a process. */
#define PDFDEFLATE_KEPT_LEVEL 12

/* pdfdeflate_into for a stream whose bytes the caller expects to recur unchanged in many
 * documents (a face whose every glyph is the form's fixed text: its program and its ToUnicode
 * map): deflated at level on first sight and kept for the process, compared byte for byte (at
 * most PDFDEFLATE_KEPT_BYTES of raw and coded bytes, the least recently used forgotten first).
 * The coded bytes are those of libdeflate at level, whatever the process made before. */
int pdfdeflate_into_kept(HPDF_Dict stream, const void *data, size_t len, int level);
#define PDFDEFLATE_KEPT_BYTES (4u << 20)

/* The level of the fixed parts of pdfdeflate_into_split, deflated once per process. 12 makes a
 * feedback notice's fixed glyphs (66 KB) 0.4 KB smaller than 9 for some 10 ms once per process.
 * Its compressor (8.8 MB allocated) is made for the call and freed at once, not kept: most of it
 * is never touched, and a worker's peak RSS grows by about 1.5 MB, not 9 (bench/PROFILE.md,
 * seventh round). */
#define PDFDEFLATE_FIXED_LEVEL 12

/* pdfdeflate_into for data whose bytes [fixed_off, fixed_off + fixed_len) recur unchanged in
 * many documents (a form's fixed glyphs at the front of a font program: subset.h): they become
 * deflate blocks of their own, made at PDFDEFLATE_FIXED_LEVEL on first sight and kept for the
 * process (the last 16 such parts, compared byte for byte), and only the bytes around them are
 * deflated per document: at level 1 by pdfflate (pdfflate_int.h: faster than libdeflate on the
 * glyphs after the fixed part, the same size), at other levels the bytes after it by libdeflate
 * and those before it stored. The stream decodes to data as any other; its bytes depend on data,
 * fixed_off, fixed_len and level alone, never on what the process made before. Without a fixed
 * part it is pdfdeflate_into. */
int pdfdeflate_into_split(HPDF_Dict stream, const void *data, size_t len, size_t fixed_off, size_t fixed_len, int level);

/* What a stream dictionary pdfdeflate wrote says of its coding (its write_fn writes it, libharu
 * having been told the stream is not to be compressed), and whether stream's write_fn is that
 * one (pdfdirect.c writes the line itself). */
#define PDFDEFLATE_FILTER_LINE "/Filter /FlateDecode\012"
int pdfdeflate_writes_filter(const HPDF_Dict stream);

/* Splicing (pdfout.c, for documents pdfpack_repack will repack): between begin and end, each
 * stream pdfdeflate writes holds only a placeholder, and its coded bytes are kept here until
 * pdfpack_repack puts them in place (pdfdeflate_piece) and gives the stream's /Length object
 * their length. libharu copies a stream's bytes four times, a byte at a time (into the stream,
 * out of it, into the file, out of the file): for a notice's 95 KB, a tenth of its time. begin
 * forgets any earlier pieces; end frees them. */
void pdfdeflate_splice_begin(void);
void pdfdeflate_splice_end(void);

/* The coded bytes (*len of them) for the placeholder at p (n bytes readable; *placeholder_len
 * set to its length), or NULL when p holds none or splicing is off. */
const unsigned char *pdfdeflate_piece(const char *p, size_t n, size_t *placeholder_len, size_t *len);

#endif
