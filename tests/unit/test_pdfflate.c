/* pdfflate_fast: every output must decode (libdeflate's decompressor, which rejects an
 * over-subscribed or otherwise malformed code) to the input — empty, tiny, noise (stored),
 * one byte repeated (matches of 258 at distance 1), text, charstring-like bytes, inputs past the
 * 32 KB window, the 65 535-byte maximum, frequencies deep enough to need the 15-bit limit, a run
 * not final followed by a block made apart —, be within 1 % of libdeflate's level 1 on
 * charstring-like bytes, and not depend on what the encoder made before. Whole documents:
 * tests/pdf/ and tests/cli/. */
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdfflate_int.h"
#include "tap.h"

static unsigned long long rng = 88172645463325252ULL;
static unsigned next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

/* Bytes like a CFF charstring's (mostly one-byte numbers 32..246, some short repeats from far
 * back), as tests/unit/test_pdfdeflate.c makes them. */
static void charstrings(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i >= 64 && next() % 10 == 0) {
            size_t back = 1 + next() % (i < 20000 ? i : 20000), len = 4 + next() % 5;
            for (size_t k = 0; k < len && i < n; k++, i++) p[i] = p[i - back];
            i--;
            continue;
        }
        p[i] = (unsigned char)(107 + next() % 64);
    }
}

static pdfflate enc; /* one encoder for all, as pdfdeflate keeps one */
static struct libdeflate_decompressor *dec;

/* pdfflate_fast of p[0..n): its length when it decodes to p, else 0 (also when it refused). */
static size_t round_trip(const unsigned char *p, size_t n)
{
    unsigned char *z = malloc(PDFFLATE_BOUND(n)), *back = malloc(n + 1);
    size_t zn = pdfflate_fast(&enc, p, n, 1, z), got = 0;
    int ok = zn > 0 && libdeflate_deflate_decompress(dec, z, zn, back, n, &got) == LIBDEFLATE_SUCCESS && got == n &&
             !memcmp(back, p, n);
    free(z);
    free(back);
    return ok ? zn : 0;
}

static size_t libdeflate_1(const unsigned char *p, size_t n)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
    size_t cap = libdeflate_deflate_compress_bound(c, n);
    unsigned char *z = malloc(cap);
    size_t zn = libdeflate_deflate_compress(c, p, n, z, cap);
    free(z);
    libdeflate_free_compressor(c);
    return zn;
}

int main(void)
{
    enum { MAX = PDFFLATE_MAX };
    dec = libdeflate_alloc_decompressor();
    unsigned char *p = malloc(MAX + 1);

    /* empty and tiny inputs: every length up to 40, of text */
    int tiny_ok = round_trip((const unsigned char *)"", 0) > 0;
    for (size_t n = 1; n <= 40; n++) tiny_ok &= round_trip((const unsigned char *)"BT /F5 22 Tf 201.472 717 Td <0001> Tj ET BT", n) > 0;
    CHECK(tiny_ok, "the empty input and every length from 1 to 40 decode back");

    /* noise: stored, LEN and NLEN after a byte of header */
    for (size_t i = 0; i < 10000; i++) p[i] = (unsigned char)next();
    CHECK(round_trip(p, 10000) == 10000 + 5, "10 000 bytes of noise: one stored block, 10 005 bytes");

    /* one byte repeated: matches of 258 at distance 1, overlapping themselves */
    memset(p, 'A', 20000);
    size_t zn = round_trip(p, 20000);
    CHECK(zn > 0 && zn < 100, "20 000 times the same byte decodes back in %zu bytes", zn);

    /* text with many matches */
    size_t n = 0;
    while (n + 40 < 6000) n += (size_t)sprintf((char *)p + n, "%u 0 0 1 %u.%u %u Tm <%04X> Tj\n", next() % 3, next() % 600, next() % 1000, next() % 800, next() % 300);
    zn = round_trip(p, n);
    CHECK(zn > 0 && zn < n / 2, "%zu bytes of page content decode back in %zu bytes", n, zn);

    /* charstring-like bytes, the size of a notice's own glyphs: within 1 % of libdeflate's level 1
     * (the same look-ups in half as many buckets; a notice's real glyphs: 11 bytes of 24 500) */
    charstrings(p, 32000);
    zn = round_trip(p, 32000);
    size_t want = libdeflate_1(p, 32000);
    CHECK(zn > 0 && zn <= want + want / 100, "32 000 bytes of charstrings decode back in %zu bytes, libdeflate's level 1 %zu", zn, want);

    /* past the window: a repeat 32 768 back is used; 32 769 back cannot be (and must not be) */
    for (size_t i = 0; i < 40000; i++) p[i] = (unsigned char)next();
    memcpy(p + 32768, p, 600);
    zn = round_trip(p, 40000);
    CHECK(zn > 0 && zn < 40000 - 400, "a repeat exactly 32 768 back is used: %zu bytes for 40 000", zn);
    for (size_t i = 0; i < 40000; i++) p[i] = (unsigned char)next();
    memcpy(p + 32769, p, 600);
    zn = round_trip(p, 40000);
    CHECK(zn > 40000, "a repeat 32 769 back decodes back, not used: %zu bytes for 40 000", zn);

    /* the largest input, and one more byte is refused */
    charstrings(p, MAX + 1);
    CHECK(round_trip(p, MAX) > 0, "65 535 bytes of charstrings decode back");
    unsigned char *z = malloc(PDFFLATE_BOUND(MAX + 1));
    CHECK(pdfflate_fast(&enc, p, MAX + 1, 1, z) == 0, "65 536 bytes are refused (positions are 16 bits)");

    /* frequencies 1, 1, 2, 3, 5, 8, ... over 24 symbols: a Huffman code 23 bits deep, which
     * must be brought to 15 */
    n = 0;
    unsigned a = 1, b = 1;
    for (int s = 0; s < 24 && n < 60000; s++) {
        for (unsigned k = 0; k < a && n < 60000; k++) p[n++] = (unsigned char)(s * 10);
        unsigned c = a + b;
        a = b, b = c;
    }
    for (size_t i = n; i-- > 1;) { /* shuffled, so that they are literals, not runs */
        size_t j = next() % (i + 1);
        unsigned char t = p[i];
        p[i] = p[j], p[j] = t;
    }
    CHECK(round_trip(p, n) > 0, "%zu bytes with Fibonacci frequencies (codes limited to 15 bits) decode back", n);

    /* not final: a run of blocks that a separately made final one can follow, for every kind of
     * block (noise: stored; text: dynamic; a few bytes: fixed) */
    const char *kinds[] = {"noise", "charstrings", "a few bytes"};
    for (int k = 0; k < 3; k++) {
        size_t len = k == 2 ? 12 : 5000;
        if (k == 0)
            for (size_t i = 0; i < len; i++) p[i] = (unsigned char)next();
        else if (k == 1)
            charstrings(p, len);
        else
            memcpy(p, "0 0 1 rg 0 0", 12);
        memmove(p + len, p, 300); /* the final part repeats the first: no match may reach back */
        unsigned char *zz = malloc(PDFFLATE_BOUND(len) + PDFFLATE_BOUND(300)), *back = malloc(len + 300);
        size_t a = pdfflate_fast(&enc, p, len, 0, zz);
        size_t b2 = pdfflate_fast(&enc, p + len, 300, 1, zz + a), got = 0;
        int ok = a && b2 && libdeflate_deflate_decompress(dec, zz, a + b2, back, len + 300, &got) == LIBDEFLATE_SUCCESS &&
                 got == len + 300 && !memcmp(back, p, got);
        CHECK(ok, "%s not final, then a final block made apart: decodes to both", kinds[k]);
        free(zz);
        free(back);
    }

    /* the bytes do not depend on what the encoder made before */
    charstrings(p, 3000);
    unsigned char *z1 = malloc(PDFFLATE_BOUND(3000)), *z2 = malloc(PDFFLATE_BOUND(3000));
    pdfflate fresh = {0};
    size_t n1 = pdfflate_fast(&enc, p, 3000, 1, z1), n2 = pdfflate_fast(&fresh, p, 3000, 1, z2);
    CHECK(n1 == n2 && !memcmp(z1, z2, n1), "after 65 535 bytes, 3 000 come out as from a fresh encoder");
    pdfflate_free(&fresh);

    free(z1);
    free(z2);
    free(z);
    free(p);
    pdfflate_free(&enc);
    libdeflate_free_decompressor(dec);
    return TAP_DONE();
}
