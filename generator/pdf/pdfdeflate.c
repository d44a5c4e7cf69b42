/* pdfdeflate — libharu deflates streams with zlib at its default level, and the font programs
 * are most of a PDF: deflating every stream here with libdeflate instead is the largest single
 * saving per document (a one-page UMing subset of 100 KB: zlib level 1 takes 1.2 ms, libdeflate
 * level 1 0.6 ms and makes it 4 % smaller). One compressor per level, made on first use and kept
 * for the process (a batch reuses it). */
#include "pdf/pdfdeflate_int.h"

#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "pdf/pdfflate_int.h"

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
    return HPDF_Stream_WriteStr(out, PDFDEFLATE_FILTER_LINE);
}

int pdfdeflate_writes_filter(const HPDF_Dict stream)
{
    return stream->write_fn == write_flate_filter;
}

/* ---- Splicing: see pdfdeflate_int.h ----
 *
 * A placeholder is PIECE_MAGIC and the piece's number, 4 bytes big-endian. */
#define PIECE_MAGIC "\0wenshu-piece"
#define PIECE_MAGIC_LEN 13
#define PLACEHOLDER_LEN (PIECE_MAGIC_LEN + 4)

/* The pieces' buffers are kept from one document to the next (data[0..made), room[k] bytes
 * each; n of them in use): a notice's pieces are ~90 KB, and freeing a block that large makes
 * glibc consolidate its fast bins every document (malloc_consolidate was ~1.7 % of a batch's
 * CPU). Invariant: n <= made <= cap. Kept at most PIECES_KEEP bytes between documents. */
#define PIECES_KEEP ((size_t)4 << 20)

static struct {
    int on;
    unsigned char **data;
    size_t *len, *room, n, made, cap, held;
} pieces;

void pdfdeflate_splice_begin(void)
{
    pdfdeflate_splice_end();
    pieces.on = 1;
}

void pdfdeflate_splice_end(void)
{
    if (pieces.held > PIECES_KEEP) { /* one unusually large document: do not keep its room */
        for (size_t i = 0; i < pieces.made; i++) free(pieces.data[i]);
        pieces.made = 0;
        pieces.held = 0;
    }
    pieces.n = 0;
    pieces.on = 0;
}

const unsigned char *pdfdeflate_piece(const char *p, size_t n, size_t *placeholder_len, size_t *len)
{
    if (!pieces.on || n < PLACEHOLDER_LEN || memcmp(p, PIECE_MAGIC, PIECE_MAGIC_LEN)) return NULL;
    const unsigned char *q = (const unsigned char *)p + PIECE_MAGIC_LEN;
    size_t k = (size_t)q[0] << 24 | (size_t)q[1] << 16 | (size_t)q[2] << 8 | q[3];
    if (k >= pieces.n) return NULL;
    *placeholder_len = PLACEHOLDER_LEN;
    *len = pieces.len[k];
    return pieces.data[k];
}

/* Writes the concatenation of the n parts as the stream's bytes, which say /FlateDecode: while
 * splicing, as a piece kept here and a placeholder in the stream. */
static int emit(HPDF_Dict stream, const unsigned char *const *part, const size_t *plen, int n)
{
    stream->filter = HPDF_STREAM_FILTER_NONE; /* libharu must not compress again... */
    stream->write_fn = write_flate_filter;    /* ...but the dictionary must say how it is coded */
    if (!pieces.on) {
        for (int i = 0; i < n; i++)
            if (HPDF_Stream_Write(stream->stream, part[i], (HPDF_UINT)plen[i]) != HPDF_OK) return -1;
        return 0;
    }
    size_t total = 0;
    for (int i = 0; i < n; i++) total += plen[i];
    if (pieces.n == pieces.cap) {
        pieces.cap = pieces.cap ? 2 * pieces.cap : 16;
        pieces.data = ws_xrealloc(pieces.data, pieces.cap * sizeof *pieces.data);
        pieces.len = ws_xrealloc(pieces.len, pieces.cap * sizeof *pieces.len);
        pieces.room = ws_xrealloc(pieces.room, pieces.cap * sizeof *pieces.room);
    }
    size_t k = pieces.n++;
    if (k == pieces.made) {
        pieces.data[k] = NULL;
        pieces.room[k] = 0;
        pieces.made++;
    }
    if (pieces.room[k] < total) { /* grown with a quarter to spare: the next notice's differs a little */
        size_t room = total + total / 4 + 64;
        free(pieces.data[k]);
        pieces.data[k] = ws_xmalloc(room);
        pieces.held += room - pieces.room[k];
        pieces.room[k] = room;
    }
    unsigned char *at = pieces.data[k];
    for (int i = 0; i < n; i++) {
        if (plen[i]) memcpy(at, part[i], plen[i]);
        at += plen[i];
    }
    pieces.len[k] = total;
    unsigned char ph[PLACEHOLDER_LEN];
    memcpy(ph, PIECE_MAGIC, PIECE_MAGIC_LEN);
    ph[PIECE_MAGIC_LEN] = (unsigned char)(k >> 24), ph[PIECE_MAGIC_LEN + 1] = (unsigned char)(k >> 16);
    ph[PIECE_MAGIC_LEN + 2] = (unsigned char)(k >> 8), ph[PIECE_MAGIC_LEN + 3] = (unsigned char)k;
    return HPDF_Stream_Write(stream->stream, ph, PLACEHOLDER_LEN) == HPDF_OK ? 0 : -1;
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
        const unsigned char *part[1] = {z};
        rc = emit(stream, part, &clen, 1);
    } else { /* cannot happen with a bound-sized buffer; libharu then deflates it itself */
        rc = HPDF_Stream_Write(stream->stream, data, (HPDF_UINT)len) == HPDF_OK ? 0 : -1;
    }
    return rc;
}

/* ---- Streams kept across documents: see pdfdeflate_int.h ---- */

typedef struct {
    uint64_t hash;
    int level;
    unsigned char *raw, *z; /* raw_len and z_len bytes */
    size_t raw_len, z_len;
} kept_stream;

#define KEPT_STREAMS 64
static kept_stream streams_kept[KEPT_STREAMS]; /* most recently used first; raw NULL: empty */
static size_t streams_kept_bytes;


/* The zlib stream of data at level, len >= 1; NULL on failure. */
static unsigned char *kept_deflate(const unsigned char *data, size_t len, int level, size_t *z_len)
{
    /* the strong levels' compressors are large: made for this stream only (see the header) */
    struct libdeflate_compressor *own = level >= 10 ? libdeflate_alloc_compressor(level > 12 ? 12 : level) : NULL;
    struct libdeflate_compressor *c = own ? own : pdfdeflate_compressor(level);
    size_t cap = libdeflate_zlib_compress_bound(c, len);
    unsigned char *z = ws_xmalloc(cap);
    *z_len = libdeflate_zlib_compress(c, data, len, z, cap);
    if (own) libdeflate_free_compressor(own);
    if (!*z_len) {
        free(z);
        return NULL;
    }
    return z;
}

static void kept_forget(size_t i)
{
    streams_kept_bytes -= streams_kept[i].raw_len + streams_kept[i].z_len;
    free(streams_kept[i].raw);
    free(streams_kept[i].z);
    streams_kept[i].raw = NULL;
}

int pdfdeflate_into_kept(HPDF_Dict stream, const void *data, size_t len, int level)
{
    const unsigned char *p = data;
    if (!len || 2 * len > PDFDEFLATE_KEPT_BYTES || stream->write_fn) return pdfdeflate_into(stream, data, len, level);
    uint64_t h = ws_hash64(p, len); /* only to skip a memcmp with streams that differ */
    size_t i = 0;
    while (i < KEPT_STREAMS && streams_kept[i].raw &&
           !(streams_kept[i].hash == h && streams_kept[i].level == level && streams_kept[i].raw_len == len &&
             !memcmp(streams_kept[i].raw, p, len)))
        i++;
    kept_stream k;
    if (i < KEPT_STREAMS && streams_kept[i].raw) {
        k = streams_kept[i];
    } else {
        size_t z_len;
        unsigned char *z = kept_deflate(p, len, level, &z_len);
        if (!z) return pdfdeflate_into(stream, data, len, level);
        if (i == KEPT_STREAMS) kept_forget(--i);
        /* the least recently used go until the new one fits */
        while (i && streams_kept_bytes + len + z_len > PDFDEFLATE_KEPT_BYTES) kept_forget(--i);
        k = (kept_stream){h, level, ws_xmalloc(len), z, len, z_len};
        memcpy(k.raw, p, len);
        streams_kept_bytes += len + z_len;
    }
    memmove(streams_kept + 1, streams_kept, i * sizeof *streams_kept);
    streams_kept[0] = k;
    const unsigned char *part[1] = {k.z};
    return emit(stream, part, &k.z_len, 1);
}

/* ---- Deflating a program whose middle is the same in many documents ----
 *
 * A deflate stream is a sequence of blocks, and a block that ends on a byte boundary and is not
 * the last can be followed by blocks made separately, as long as those never point back before
 * their own start (RFC 1951; what zlib's Z_FULL_FLUSH produces). So a program is coded as three
 * runs of blocks: the bytes before the fixed part, the fixed part — deflated once per process
 * and kept —, and the rest. libdeflate only writes whole streams, whose last block is marked
 * final: deflate_unfinal below walks the blocks to that mark, clears it and ends the run with an
 * empty stored block, which brings the next block to a byte boundary. The stream's Adler-32 is
 * that of the whole program. */

typedef struct {
    const unsigned char *p;
    size_t len, pos; /* pos: in bits */
} bit_reader;

static int read_bits(bit_reader *b, unsigned n, unsigned *v)
{
    unsigned x = 0;
    for (unsigned i = 0; i < n; i++, b->pos++) {
        if (b->pos >> 3 >= b->len) return -1;
        x |= (unsigned)(b->p[b->pos >> 3] >> (b->pos & 7) & 1) << i;
    }
    *v = x;
    return 0;
}

/* A canonical Huffman code: how many codes of each length, and the symbols in code order. */
typedef struct {
    unsigned short count[16];
    unsigned short symbol[288];
} huffman;

static int huffman_make(huffman *h, const unsigned char *lengths, unsigned n)
{
    unsigned short next[16];
    memset(h->count, 0, sizeof h->count);
    for (unsigned i = 0; i < n; i++) h->count[lengths[i]]++;
    h->count[0] = 0;
    int left = 1;
    for (int l = 1; l < 16; l++) {
        left = left * 2 - h->count[l];
        if (left < 0) return -1; /* more codes than lengths allow */
    }
    next[1] = 0;
    for (int l = 1; l < 15; l++) next[l + 1] = (unsigned short)(next[l] + h->count[l]);
    for (unsigned i = 0; i < n; i++)
        if (lengths[i]) h->symbol[next[lengths[i]]++] = (unsigned short)i;
    return 0;
}

/* The next symbol, reading the code a bit at a time (codes are sent from their first bit). */
static int huffman_read(bit_reader *b, const huffman *h)
{
    int code = 0, first = 0, index = 0;
    for (int l = 1; l < 16; l++) {
        unsigned bit;
        if (read_bits(b, 1, &bit)) return -1;
        code |= (int)bit;
        if (code - first < h->count[l]) return h->symbol[index + code - first];
        index += h->count[l];
        first = (first + h->count[l]) << 1;
        code <<= 1;
    }
    return -1;
}

/* Skips a block's coded symbols up to its end-of-block code. */
static int skip_symbols(bit_reader *b, const huffman *lit, const huffman *dist)
{
    static const unsigned char len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static const unsigned char dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    for (;;) {
        int s = huffman_read(b, lit);
        unsigned v;
        if (s < 0) return -1;
        if (s < 256) continue;
        if (s == 256) return 0;
        if (s - 257 >= 29 || read_bits(b, len_extra[s - 257], &v)) return -1;
        int ds = huffman_read(b, dist);
        if (ds < 0 || ds >= 30 || read_bits(b, dist_extra[ds], &v)) return -1;
    }
}

static int dynamic_codes(bit_reader *b, huffman *lit, huffman *dist)
{
    static const unsigned char order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    unsigned nlit, ndist, ncode, v;
    unsigned char lengths[320] = {0};
    if (read_bits(b, 5, &nlit) || read_bits(b, 5, &ndist) || read_bits(b, 4, &ncode)) return -1;
    nlit += 257, ndist += 1, ncode += 4;
    if (nlit > 286 || ndist > 30) return -1;
    for (unsigned i = 0; i < ncode; i++) {
        if (read_bits(b, 3, &v)) return -1;
        lengths[order[i]] = (unsigned char)v;
    }
    huffman lens;
    if (huffman_make(&lens, lengths, 19) < 0) return -1;
    memset(lengths, 0, sizeof lengths);
    for (unsigned i = 0; i < nlit + ndist;) {
        int s = huffman_read(b, &lens);
        if (s < 0) return -1;
        if (s < 16) {
            lengths[i++] = (unsigned char)s;
            continue;
        }
        unsigned repeat, value = 0;
        if (s == 16) {
            if (!i || read_bits(b, 2, &repeat)) return -1;
            value = lengths[i - 1], repeat += 3;
        } else if (s == 17) {
            if (read_bits(b, 3, &repeat)) return -1;
            repeat += 3;
        } else {
            if (read_bits(b, 7, &repeat)) return -1;
            repeat += 11;
        }
        if (i + repeat > nlit + ndist) return -1;
        while (repeat--) lengths[i++] = (unsigned char)value;
    }
    return huffman_make(lit, lengths, nlit) < 0 || huffman_make(dist, lengths + nlit, ndist) < 0 ? -1 : 0;
}

/* The bit positions of the final block's header and of the stream's end; -1 when malformed. */
static int deflate_walk(const unsigned char *p, size_t len, size_t *final_at, size_t *end)
{
    bit_reader b = {p, len, 0};
    huffman lit, dist;
    for (;;) {
        size_t at = b.pos;
        unsigned final, type;
        if (read_bits(&b, 1, &final) || read_bits(&b, 2, &type)) return -1;
        if (type == 0) { /* stored: LEN, NLEN and the bytes, from the next byte boundary */
            size_t byte = (b.pos + 7) >> 3;
            if (byte + 4 > len) return -1;
            size_t n = p[byte] | (size_t)p[byte + 1] << 8;
            if (byte + 4 + n > len) return -1;
            b.pos = (byte + 4 + n) << 3;
        } else if (type == 1) {
            unsigned char lengths[318];
            memset(lengths, 8, 144);
            memset(lengths + 144, 9, 112);
            memset(lengths + 256, 7, 24);
            memset(lengths + 280, 8, 8);
            memset(lengths + 288, 5, 30);
            if (huffman_make(&lit, lengths, 288) < 0 || huffman_make(&dist, lengths + 288, 30) < 0 ||
                skip_symbols(&b, &lit, &dist) < 0)
                return -1;
        } else if (type == 2) {
            if (dynamic_codes(&b, &lit, &dist) < 0 || skip_symbols(&b, &lit, &dist) < 0) return -1;
        } else {
            return -1;
        }
        if (final) {
            *final_at = at;
            *end = b.pos;
            return 0;
        }
    }
}

/* Turns the whole raw deflate stream z[0..len) into a run of blocks that is not the last and ends
 * on a byte boundary; z has room for len + 5 bytes. Returns the new length, 0 when z is not
 * what it should be. */
static size_t deflate_unfinal(unsigned char *z, size_t len)
{
    size_t final_at, end;
    if (deflate_walk(z, len, &final_at, &end) < 0 || (end + 7) >> 3 != len) return 0;
    z[final_at >> 3] &= (unsigned char)~(1u << (final_at & 7));
    if (end & 7) z[end >> 3] &= (unsigned char)((1u << (end & 7)) - 1);
    /* an empty stored block: three zero bits (not final, type 0), zeros to the byte, 00 00 FF FF */
    size_t n = (end + 3 + 7) >> 3;
    for (size_t i = len; i < n; i++) z[i] = 0;
    static const unsigned char empty[4] = {0, 0, 0xFF, 0xFF};
    memcpy(z + n, empty, 4);
    return n + 4;
}

/* Raw deflate of data into *z (grown as needed); with more, as a run of blocks to be continued.
 * Returns the length, 0 on failure. */
static size_t raw_deflate(const unsigned char *data, size_t len, int level, int more, unsigned char **z, size_t *cap)
{
    /* the strong levels' compressors are large: made for this call only (pdfdeflate_int.h) */
    struct libdeflate_compressor *own = level >= 10 ? libdeflate_alloc_compressor(level > 12 ? 12 : level) : NULL;
    struct libdeflate_compressor *c = own ? own : pdfdeflate_compressor(level);
    size_t need = libdeflate_deflate_compress_bound(c, len) + 5;
    if (need > *cap) {
        free(*z);
        *cap = need + need / 4;
        *z = malloc(*cap);
        if (!*z) abort();
    }
    size_t n = libdeflate_deflate_compress(c, data, len, *z, *cap - 5);
    if (own) libdeflate_free_compressor(own);
    return n && more ? deflate_unfinal(*z, n) : n;
}


/* The fixed parts deflated so far in this process, most recently used first. */
#define FIXED_KEPT 16
typedef struct {
    unsigned char *raw, *z;
    size_t raw_len, z_len;
} fixed_part;
static fixed_part kept[FIXED_KEPT];

static const fixed_part *fixed_deflated(const unsigned char *data, size_t len)
{
    size_t i = 0;
    while (i < FIXED_KEPT && kept[i].raw && !(kept[i].raw_len == len && !memcmp(kept[i].raw, data, len))) i++;
    fixed_part f;
    if (i < FIXED_KEPT && kept[i].raw) {
        f = kept[i];
    } else {
        size_t cap = 0;
        unsigned char *z = NULL;
        size_t n = raw_deflate(data, len, PDFDEFLATE_FIXED_LEVEL, 1, &z, &cap);
        if (!n) {
            free(z);
            return NULL;
        }
        if (i == FIXED_KEPT) {
            i--;
            free(kept[i].raw);
            free(kept[i].z);
        }
        f = (fixed_part){ws_xmalloc(len), z, len, n};
        memcpy(f.raw, data, len);
    }
    memmove(kept + 1, kept, i * sizeof *kept);
    kept[0] = f;
    return &kept[0];
}

/* data as stored blocks (RFC 1951 3.2.4), the last one final when final is set: no coding at
 * all, for fewer than STORED_TAIL bytes around a fixed part, where deflate would save little,
 * and for the bytes before it at levels other than 1 (around_deflate). Returns the length. */
static size_t stored_blocks(const unsigned char *data, size_t len, int final, unsigned char **z, size_t *cap)
{
    size_t need = len + 5 * (len / 65535 + 1);
    if (need > *cap) {
        free(*z);
        *cap = need + need / 4;
        *z = malloc(*cap);
        if (!*z) abort();
    }
    size_t n = 0;
    do {
        size_t k = len > 65535 ? 65535 : len;
        (*z)[n++] = (unsigned char)(final && k == len); /* BFINAL, BTYPE 00, then to the byte */
        (*z)[n++] = (unsigned char)k, (*z)[n++] = (unsigned char)(k >> 8);
        (*z)[n++] = (unsigned char)~k, (*z)[n++] = (unsigned char)(~k >> 8);
        memcpy(*z + n, data, k);
        n += k, data += k, len -= k;
    } while (len);
    return n;
}

/* Below this, the bytes before or after a fixed part are stored rather than deflated. */
#define STORED_TAIL 256

/* The bytes before (final 0) or after (final 1) a fixed part, as a run of raw deflate blocks
 * that ends on a byte boundary (pdfflate_int.h): stored below STORED_TAIL bytes; at level 1 with
 * pdfflate — the CharStrings INDEX's offsets before, the glyphs of this document's own
 * characters after, where it is faster than libdeflate for the same size; else stored before
 * and libdeflate at level after, as they were. Returns the length, 0 on failure. */
static size_t around_deflate(const unsigned char *data, size_t len, int level, int final, unsigned char **z, size_t *cap)
{
    static pdfflate *fz; /* made on first use and kept for the process, as the compressors */
    if (len < STORED_TAIL) return stored_blocks(data, len, final, z, cap);
    if (level != 1 || len > PDFFLATE_MAX)
        return final ? raw_deflate(data, len, level, 0, z, cap) : stored_blocks(data, len, 0, z, cap);
    if (PDFFLATE_BOUND(len) > *cap) {
        free(*z);
        *cap = PDFFLATE_BOUND(len) + PDFFLATE_BOUND(len) / 4;
        *z = malloc(*cap);
        if (!*z) abort();
    }
    if (!fz) fz = ws_xcalloc(1, sizeof *fz);
    return pdfflate_fast(fz, data, len, final, *z);
}

int pdfdeflate_into_split(HPDF_Dict stream, const void *data, size_t len, size_t fixed_off, size_t fixed_len, int level)
{
    if (!fixed_len || fixed_off > len || fixed_len > len - fixed_off || stream->write_fn)
        return pdfdeflate_into(stream, data, len, level);
    const unsigned char *p = data;
    static unsigned char *head, *tail;
    static size_t head_cap, tail_cap;
    const fixed_part *mid = fixed_deflated(p + fixed_off, fixed_len);
    size_t nhead = mid ? around_deflate(p, fixed_off, level, 0, &head, &head_cap) : 0;
    size_t rest = fixed_off + fixed_len;
    size_t ntail = nhead ? around_deflate(p + rest, len - rest, level, 1, &tail, &tail_cap) : 0;
    if (!ntail) return pdfdeflate_into(stream, data, len, level);
    uint32_t adler = libdeflate_adler32(1, data, len);
    const unsigned char zhead[2] = {0x78, 0x01}; /* deflate, 32 KB window; the level field is only a hint */
    const unsigned char ztail[4] = {(unsigned char)(adler >> 24), (unsigned char)(adler >> 16), (unsigned char)(adler >> 8),
                                    (unsigned char)adler};
    const unsigned char *part[5] = {zhead, head, mid->z, tail, ztail};
    const size_t plen[5] = {2, nhead, mid->z_len, ntail, 4};
    return emit(stream, part, plen, 5);
}
