/* pdfflate — wenshu's own deflate encoder (RFC 1951), for the bytes of a font program around its
 * fixed part (pdfdeflate_into_split): after it, the glyphs of the document's own characters, CFF
 * charstrings, mostly one-byte numbers, where a match is rare and short, so that the work is one
 * look-up per byte; before it, the CharStrings INDEX's offsets. It looks up as libdeflate's level
 * 1 does (greedy, the last two positions of each hash of four bytes) and comes out about the same
 * size, but counts the symbols as it parses and keeps no token per literal: for a feedback
 * notice's 32 KB, about a fifth less time (bench/PROFILE.md, eighth round). Private to pdf/. */
#ifndef WENSHU_PDFFLATE_INT_H
#define WENSHU_PDFFLATE_INT_H

#include <stddef.h>
#include <stdint.h>

/* A run of lits literals, then a match of len bytes dist back (len 0: none). */
typedef struct {
    uint16_t lits, len, dist;
} pdfflate_seq;

/* The encoder's buffers, kept from call to call; zero-initialised before the first. Its hash
 * table (2^15 buckets of two positions) is cleared only as far as the input needs. */
typedef struct {
    pdfflate_seq *seq;
    size_t seq_cap;
    uint32_t head[1 << 15];
} pdfflate;

void pdfflate_free(pdfflate *z);

/* The longest input pdfflate_fast takes: positions are 16 bits. */
#define PDFFLATE_MAX 65535

/* An upper bound of pdfflate_fast's output for n bytes. */
#define PDFFLATE_BOUND(n) ((n) + 5 + 8)

/* p[0..n) as raw deflate into out, which has room for PDFFLATE_BOUND(n) bytes: one block,
 * dynamic, fixed or stored, whichever is the smallest, final when final is set, else followed by
 * an empty stored block that ends it on a byte boundary (so that separately made blocks can
 * follow). The bytes depend on p, n and final alone. Returns the length, or 0 when n >
 * PDFFLATE_MAX. */
size_t pdfflate_fast(pdfflate *z, const unsigned char *p, size_t n, int final, unsigned char *out);

#endif
