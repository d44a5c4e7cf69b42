/* pdfflate — see pdfflate_int.h. Written from RFC 1951 alone. */
#include "pdf/pdfflate_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define MAX_MATCH 258
#define WINDOW 32768
/* Matches are of four bytes or more, found through a hash of the next four bytes. */
#define HASH_BYTES 4

void pdfflate_free(pdfflate *z)
{
    free(z->seq);
    z->seq = NULL;
    z->seq_cap = 0;
}

static uint32_t load32(const unsigned char *q)
{
    uint32_t v;
    memcpy(&v, q, 4);
    return v;
}

static uint64_t load64(const unsigned char *q)
{
    uint64_t v;
    memcpy(&v, q, 8);
    return v;
}

/* ---- Symbols ---- */

/* Length symbol (257..285) and its extra bits for a match of length l (3..258). */
static void len_sym(unsigned l, unsigned *sym, unsigned *nextra, unsigned *extra)
{
    unsigned x = l - 3;
    if (l == 258) {
        *sym = 285, *nextra = 0, *extra = 0;
    } else if (x < 8) {
        *sym = 257 + x, *nextra = 0, *extra = 0;
    } else {
        unsigned nb = 31 - (unsigned)__builtin_clz(x); /* 3..7 */
        *sym = 257 + 4 * (nb - 1) + (x >> (nb - 2) & 3);
        *nextra = nb - 2;
        *extra = x & ((1u << (nb - 2)) - 1);
    }
}

/* Distance symbol (0..29) and its extra bits for distance d (1..32768). */
static void dist_sym(unsigned d, unsigned *sym, unsigned *nextra, unsigned *extra)
{
    unsigned x = d - 1;
    if (x < 4) {
        *sym = x, *nextra = 0, *extra = 0;
    } else {
        unsigned nb = 31 - (unsigned)__builtin_clz(x); /* 2..14 */
        *sym = 2 * nb + (x >> (nb - 1) & 1);
        *nextra = nb - 1;
        *extra = x & ((1u << (nb - 1)) - 1);
    }
}

/* ---- Huffman codes ---- */

/* Code lengths (at most limit) for the n symbols of freq: a Huffman code, then, when it is too
 * deep, the deepest codes brought up to limit and shorter ones pushed down until the lengths
 * fit (Kraft sum 1), the shortest lengths staying with the most frequent symbols. A code with
 * a single used symbol gets a second one, so that every code is complete. */
static void code_lengths(const uint32_t *freq, unsigned n, unsigned limit, unsigned char *len)
{
    uint32_t key[320], tmp[320], top = 0;
    unsigned m = 0;
    memset(len, 0, n);
    for (unsigned s = 0; s < n; s++)
        if (freq[s]) {
            key[m++] = freq[s] << 9 | s; /* freq < 2^16 (inputs of at most 65 535 bytes), s < 512 */
            top |= freq[s];
        }
    if (m < 2) {
        /* one symbol or none: lengths 1 for it and a neighbour */
        unsigned s = m ? (key[0] & 511) : 0;
        len[s] = 1;
        len[s ? 0 : 1] = 1;
        return;
    }
    /* sort by frequency, stable (ties stay in symbol order): few keys by insertion, else a radix
     * sort on the low byte of the frequency and, when there is one, on its high byte */
    if (m <= 32) {
        for (unsigned i = 1; i < m; i++) {
            uint32_t k = key[i];
            unsigned j = i;
            for (; j && key[j - 1] >> 9 > k >> 9; j--) key[j] = key[j - 1];
            key[j] = k;
        }
    } else {
        for (int pass = 0; pass < (top >> 8 ? 2 : 1); pass++) {
            unsigned shift = pass ? 17 : 9, count[257] = {0};
            uint32_t *from = pass ? tmp : key, *to = pass ? key : tmp;
            for (unsigned i = 0; i < m; i++) count[(from[i] >> shift & 255) + 1]++;
            for (unsigned i = 1; i <= 256; i++) count[i] += count[i - 1];
            for (unsigned i = 0; i < m; i++) to[count[from[i] >> shift & 255]++] = from[i];
        }
        if (!(top >> 8)) memcpy(key, tmp, m * sizeof *key); /* one pass: the sorted keys are in tmp */
    }
    /* two queues: the sorted leaves, and the inner nodes in the order they are made (their
     * weights never decrease); parent[] of leaves 0..m-1 and inner nodes m.. */
    uint32_t w[640];
    unsigned parent[640];
    for (unsigned i = 0; i < m; i++) w[i] = key[i] >> 9;
    unsigned leaf = 0, inner = m, made = m;
    for (unsigned k = 0; k < m - 1; k++) {
        unsigned pick[2];
        for (int j = 0; j < 2; j++) {
            if (leaf < m && (inner == made || w[leaf] <= w[inner])) pick[j] = leaf++;
            else pick[j] = inner++;
        }
        w[made] = w[pick[0]] + w[pick[1]];
        parent[pick[0]] = parent[pick[1]] = made++;
    }
    /* depths, from the root (made - 1) down: a parent is always made after its children */
    unsigned char depth[640];
    depth[made - 1] = 0;
    for (unsigned i = made - 1; i-- > 0;) depth[i] = (unsigned char)(depth[parent[i]] + 1);
    unsigned count[33] = {0};
    for (unsigned i = 0; i < m; i++) count[depth[i] > limit ? limit : depth[i]]++;
    /* the Kraft sum in units of 2^-limit: each step takes one code off limit and moves a
     * shorter one a level down, which lowers it by exactly one unit */
    uint64_t kraft = 0;
    for (unsigned l = 1; l <= limit; l++) kraft += (uint64_t)count[l] << (limit - l);
    while (kraft > (1ull << limit)) {
        unsigned l = limit - 1;
        while (!count[l]) l--;
        count[l]--, count[l + 1] += 2, count[limit]--;
        kraft--;
    }
    /* the least frequent symbols get the longest codes */
    unsigned i = 0;
    for (unsigned l = limit; l >= 1; l--)
        for (unsigned k = 0; k < count[l]; k++) len[key[i++] & 511] = (unsigned char)l;
}

/* Canonical codes for the lengths, bit-reversed: deflate sends a code from its first bit. */
static void canonical(const unsigned char *len, unsigned n, uint16_t *code)
{
    unsigned count[16] = {0}, next[16];
    for (unsigned s = 0; s < n; s++) count[len[s]]++;
    count[0] = 0;
    unsigned c = 0;
    for (unsigned l = 1; l < 16; l++) {
        c = (c + count[l - 1]) << 1;
        next[l] = c;
    }
    for (unsigned s = 0; s < n; s++) {
        if (!len[s]) continue;
        unsigned v = next[len[s]]++;
        v = (v >> 1 & 0x5555) | (v & 0x5555) << 1;
        v = (v >> 2 & 0x3333) | (v & 0x3333) << 2;
        v = (v >> 4 & 0x0F0F) | (v & 0x0F0F) << 4;
        v = (v >> 8 & 0x00FF) | (v & 0x00FF) << 8;
        code[s] = (uint16_t)(v >> (16 - len[s]));
    }
}

/* ---- Writing bits, from the least significant ---- */
typedef struct {
    unsigned char *out;
    size_t n;
    uint64_t acc;
    unsigned bits;
} bitw;

static void store32(unsigned char *o, uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(o, &v, 4);
#else
    o[0] = (unsigned char)v, o[1] = (unsigned char)(v >> 8), o[2] = (unsigned char)(v >> 16), o[3] = (unsigned char)(v >> 24);
#endif
}

/* The low nb bits of v (nb <= 32, v below 2^nb); whole 32-bit words go out as soon as there
 * are (w->bits < 32 between calls). */
static void put(bitw *w, uint64_t v, unsigned nb)
{
    w->acc |= v << w->bits;
    w->bits += nb;
    if (w->bits >= 32) {
        store32(w->out + w->n, (uint32_t)w->acc);
        w->n += 4, w->acc >>= 32, w->bits -= 32;
    }
}

/* Zeros to the byte boundary, and every pending byte out. */
static void align(bitw *w)
{
    w->bits = (w->bits + 7) & ~7u;
    for (; w->bits; w->bits -= 8, w->acc >>= 8) w->out[w->n++] = (unsigned char)w->acc;
}

/* ---- Blocks ---- */

static const unsigned char clen_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

/* A dynamic block's code lengths, run-length coded: symbols 0..18 with their extra bits. */
typedef struct {
    unsigned char sym[320], extra[320];
    unsigned n;
} rle;

static void rle_make(const unsigned char *lens, unsigned n, rle *r)
{
    r->n = 0;
    for (unsigned i = 0; i < n;) {
        unsigned v = lens[i], run = 1;
        while (i + run < n && lens[i + run] == v) run++;
        unsigned left = run;
        if (!v) {
            while (left >= 11) {
                unsigned k = left > 138 ? 138 : left;
                r->sym[r->n] = 18, r->extra[r->n++] = (unsigned char)(k - 11), left -= k;
            }
            if (left >= 3) r->sym[r->n] = 17, r->extra[r->n++] = (unsigned char)(left - 3), left = 0;
        } else {
            r->sym[r->n] = (unsigned char)v, r->extra[r->n++] = 0, left--;
            while (left >= 3) {
                unsigned k = left > 6 ? 6 : left;
                r->sym[r->n] = 16, r->extra[r->n++] = (unsigned char)(k - 3), left -= k;
            }
        }
        while (left--) r->sym[r->n] = (unsigned char)v, r->extra[r->n++] = 0;
        i += run;
    }
}

static const unsigned char rle_extra_bits[19] = {[16] = 2, [17] = 3, [18] = 7};

static void fixed_lengths(unsigned char *lit, unsigned char *dist)
{
    memset(lit, 8, 144);
    memset(lit + 144, 9, 112);
    memset(lit + 256, 7, 24);
    memset(lit + 280, 8, 8);
    memset(dist, 5, 30);
}

/* A block's codes: per literal/length and per distance symbol, its code (bit-reversed) and,
 * above bit 16, its length. */
typedef struct {
    uint32_t lit[288], dist[30];
} codes;

/* Starts a block of the counted symbols (the end of block's included; extra_bits: the extra
 * bits of their lengths and distances) standing for p[0..n), final or not: writes it as stored
 * blocks and returns 0 when that is the smallest; else writes the header of a fixed or dynamic
 * block, whichever is smaller, fills c and returns 1 (the caller then writes the symbols and the
 * end of block). */
static int block_begin(bitw *w, const unsigned char *p, size_t n, int final, const uint32_t *lf, const uint32_t *df,
                       uint64_t extra_bits, codes *c)
{
    /* literal/length lengths at 0..287 (286 and 287 unused but counted by the fixed code's
     * canonical order), distance lengths at 288.. */
    unsigned char ll[318], fl[318];
    code_lengths(lf, 286, 15, ll);
    ll[286] = ll[287] = 0;
    code_lengths(df, 30, 15, ll + 288);
    unsigned hlit = 286, hdist = 30;
    while (hlit > 257 && !ll[hlit - 1]) hlit--;
    while (hdist > 1 && !ll[288 + hdist - 1]) hdist--;
    unsigned char lens[316];
    memcpy(lens, ll, hlit);
    memcpy(lens + hlit, ll + 288, hdist);
    rle r;
    rle_make(lens, hlit + hdist, &r);
    uint32_t cf[19] = {0};
    for (unsigned i = 0; i < r.n; i++) cf[r.sym[i]]++;
    unsigned char cl[19];
    code_lengths(cf, 19, 7, cl);
    unsigned hclen = 19;
    while (hclen > 4 && !cl[clen_order[hclen - 1]]) hclen--;

    fixed_lengths(fl, fl + 288);
    /* a block not final is followed by an empty stored block (pdfflate_fast), stored blocks not */
    uint64_t trailer = final ? 0 : 3 + 32;
    uint64_t dyn = 3 + 5 + 5 + 4 + 3 * (uint64_t)hclen + extra_bits + trailer, fix = 3 + extra_bits + trailer;
    for (unsigned i = 0; i < r.n; i++) dyn += cl[r.sym[i]] + rle_extra_bits[r.sym[i]];
    for (unsigned s = 0; s < 286; s++) dyn += (uint64_t)lf[s] * ll[s], fix += (uint64_t)lf[s] * fl[s];
    for (unsigned s = 0; s < 30; s++) dyn += (uint64_t)df[s] * ll[288 + s], fix += (uint64_t)df[s] * fl[288 + s];
    /* stored: header bits and zeros to the byte, then LEN, NLEN and the bytes, per 65 535 */
    size_t chunks = n ? (n + 65534) / 65535 : 1;
    uint64_t stored = 3 + (8 - (w->bits + 3) % 8) % 8 + 32 + (chunks - 1) * (8 + 32) + 8 * (uint64_t)n;
    if (stored < dyn && stored < fix) {
        do {
            size_t k = n > 65535 ? 65535 : n;
            put(w, final && k == n, 1);
            put(w, 0, 2);
            align(w);
            put(w, (uint32_t)k, 16);
            put(w, (uint32_t)~k & 0xFFFF, 16);
            memcpy(w->out + w->n, p, k);
            w->n += k, p += k, n -= k;
        } while (n);
        return 0;
    }
    const unsigned char *lit = ll, *dl = ll + 288;
    uint16_t lc[288], dc[30];
    put(w, final != 0, 1);
    if (fix <= dyn) {
        put(w, 1, 2);
        lit = fl, dl = fl + 288;
    } else {
        put(w, 2, 2);
        put(w, hlit - 257, 5);
        put(w, hdist - 1, 5);
        put(w, hclen - 4, 4);
        for (unsigned i = 0; i < hclen; i++) put(w, cl[clen_order[i]], 3);
        uint16_t cc[19];
        canonical(cl, 19, cc);
        for (unsigned i = 0; i < r.n; i++) {
            put(w, cc[r.sym[i]], cl[r.sym[i]]);
            if (r.sym[i] >= 16) put(w, r.extra[i], rle_extra_bits[r.sym[i]]);
        }
    }
    canonical(lit, 288, lc);
    canonical(dl, 30, dc);
    for (unsigned s = 0; s < 288; s++) c->lit[s] = lc[s] | (uint32_t)lit[s] << 16;
    for (unsigned s = 0; s < 30; s++) c->dist[s] = dc[s] | (uint32_t)dl[s] << 16;
    return 1;
}

static void put_sym(bitw *w, uint32_t code) { put(w, code & 0xFFFF, code >> 16); }

static void put_match(bitw *w, const codes *c, unsigned len, unsigned dist)
{
    unsigned s, ne, ev;
    len_sym(len, &s, &ne, &ev);
    uint32_t k = c->lit[s];
    put(w, (k & 0xFFFF) | (uint64_t)ev << (k >> 16), (k >> 16) + ne);
    dist_sym(dist, &s, &ne, &ev);
    k = c->dist[s];
    put(w, (k & 0xFFFF) | (uint64_t)ev << (k >> 16), (k >> 16) + ne);
}

/* The length of the match of r (before q) at q, which agree in their first HASH_BYTES bytes; at
 * most max, q + max within the input. */
static unsigned match_len(const unsigned char *r, const unsigned char *q, unsigned max)
{
    unsigned l = HASH_BYTES;
    while (l + 8 <= max) {
        uint64_t d = load64(r + l) ^ load64(q + l);
        if (d) return l + ((unsigned)__builtin_ctzll(d) >> 3);
        l += 8;
    }
    while (l < max && r[l] == q[l]) l++;
    return l;
}

/* ---- Parsing and coding ----
 *
 * Greedy, with two candidates per hash kept in a bucket (the newer first) and no chains: for
 * CFF charstrings, where most positions look once and move on. The symbols are counted as the
 * parse goes, and the parse is kept as sequences — a run of literals, then a match (length 0
 * after the last run) — so that a literal costs no token. All go in one block. Positions are
 * kept as 16 bits, so n <= 65535. */
size_t pdfflate_fast(pdfflate *z, const unsigned char *p, size_t n, int final, unsigned char *out)
{
    if (n > PDFFLATE_MAX) return 0;
    if (z->seq_cap < n / HASH_BYTES + 1) { /* a match is HASH_BYTES or more: at most that many */
        free(z->seq);
        z->seq_cap = n / HASH_BYTES + 1;
        z->seq = ws_xmalloc(z->seq_cap * sizeof *z->seq);
    }
    /* n / 2 buckets of two positions (2^bits, 256 to 32 768): as many places as positions, and
     * for a notice's 32 KB 64 KB to clear and to keep in cache — n buckets cost 3 % more time
     * for 11 bytes less. A bucket holds the last position of its hash in its low 16 bits, the
     * one before in the high. A cleared bucket names position 0 twice, a real earlier position:
     * no test for "none" is needed, as a candidate is taken only when its bytes match. */
    unsigned bits = 8;
    while (bits < 15 && (2u << bits) < n) bits++;
    uint32_t *b = (uint32_t *)(void *)z->head;
    memset(b, 0, ((size_t)1 << bits) * sizeof *b);
    uint32_t lf[288] = {0}, df[30] = {0};
    uint64_t extra_bits = 0;
    pdfflate_seq *o = z->seq;
    size_t i = 1, lits = 0, last = n > HASH_BYTES ? n - HASH_BYTES : 0; /* lits: where the run began */
    if (n) lf[p[0]]++;
    while (i <= last) {
        uint32_t x = load32(p + i);
        uint32_t *e = b + ((x * 2654435761u) >> (32 - bits)), two = *e;
        *e = two << 16 | (uint32_t)i;
        unsigned c0 = two & 0xFFFF, c1 = two >> 16;
        int hit0 = load32(p + c0) == x && i - c0 <= WINDOW;
        int hit1 = load32(p + c1) == x && i - c1 <= WINDOW;
        if (!hit0 && !hit1) {
            lf[p[i++]]++;
            continue;
        }
        /* the longer of the candidates that match four bytes */
        size_t room = n - i;
        unsigned max = room < MAX_MATCH ? (unsigned)room : MAX_MATCH, best = 0, bd = 0;
        if (hit0) best = match_len(p + c0, p + i, max), bd = (unsigned)(i - c0);
        if (hit1) {
            unsigned l = match_len(p + c1, p + i, max);
            if (l > best) best = l, bd = (unsigned)(i - c1);
        }
        *o++ = (pdfflate_seq){(uint16_t)(i - lits), (uint16_t)best, (uint16_t)bd};
        unsigned s, ne, ev;
        len_sym(best, &s, &ne, &ev);
        lf[s]++, extra_bits += ne;
        dist_sym(bd, &s, &ne, &ev);
        df[s]++, extra_bits += ne;
        for (size_t k = i + 1, end = i + best; k < end && k <= last; k++) {
            uint32_t *f = b + ((load32(p + k) * 2654435761u) >> (32 - bits));
            *f = *f << 16 | (uint32_t)k;
        }
        i += best;
        lits = i;
    }
    for (; i < n; i++) lf[p[i]]++;
    *o++ = (pdfflate_seq){(uint16_t)(n - lits), 0, 0};
    lf[256]++;
    bitw w = {out, 0, 0, 0};
    codes c;
    int coded = block_begin(&w, p, n, final, lf, df, extra_bits, &c);
    if (coded) {
        const unsigned char *q = p;
        for (const pdfflate_seq *k = z->seq; k < o; k++) {
            /* the literals, with the writer's state in locals: out's bytes may alias it */
            uint64_t acc = w.acc;
            unsigned nbits = w.bits;
            unsigned char *op = w.out + w.n;
            const unsigned char *e = q + k->lits;
            for (; q + 2 <= e; q += 2) { /* two at a time: at most 30 bits, one test */
                uint32_t c1 = c.lit[q[0]], c2 = c.lit[q[1]];
                acc |= ((uint64_t)(c1 & 0xFFFF) | (uint64_t)(c2 & 0xFFFF) << (c1 >> 16)) << nbits;
                nbits += (c1 >> 16) + (c2 >> 16);
                if (nbits >= 32) {
                    store32(op, (uint32_t)acc);
                    op += 4, acc >>= 32, nbits -= 32;
                }
            }
            if (q < e) {
                uint32_t c1 = c.lit[*q++];
                acc |= (uint64_t)(c1 & 0xFFFF) << nbits;
                nbits += c1 >> 16;
                if (nbits >= 32) {
                    store32(op, (uint32_t)acc);
                    op += 4, acc >>= 32, nbits -= 32;
                }
            }
            w.acc = acc, w.bits = nbits, w.n = (size_t)(op - w.out);
            if (k->len) put_match(&w, &c, k->len, k->dist);
            q += k->len;
        }
        put_sym(&w, c.lit[256]);
        if (!final) { /* to the byte boundary: an empty stored block, not final */
            put(&w, 0, 3);
            align(&w);
            put(&w, 0xFFFF0000u, 32);
        }
    }
    align(&w);
    return w.n;
}
