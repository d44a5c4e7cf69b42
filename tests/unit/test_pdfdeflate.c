/* pdfdeflate_into_split: a stream whose fixed middle is deflated once per process must decode to
 * the data, and be the same bytes whether the middle was deflated just now or kept from before.
 * pdfdeflate_into_kept likewise: the bytes libdeflate makes at the level, kept or not.
 * Whole documents are checked from the outside in tests/pdf/ (qpdf, poppler, mutool). */
#include <hpdf.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>
#include <zlib.h>

#include "pdf/pdfdeflate_int.h"
#include "tap.h"

static unsigned long long rng = 88172645463325252ULL;
static unsigned next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

/* Bytes like a CFF charstring's (mostly one-byte numbers, some repeats), or plain noise. */
static void fill(unsigned char *p, size_t n, int noise)
{
    for (size_t i = 0; i < n; i++) {
        if (!noise && i >= 16 && next() % 8 == 0) {
            size_t back = 1 + next() % 16, len = 3 + next() % 8;
            for (size_t k = 0; k < len && i < n; k++, i++) p[i] = p[i - back];
            i--;
            continue;
        }
        p[i] = (unsigned char)(noise ? next() : 107 + next() % 64);
    }
}

/* The stream's bytes after pdfdeflate_into_split (fixed_len 0: pdfdeflate_into), or with kept
 * (a level) after pdfdeflate_into_kept. */
static unsigned char *coded_kept(const unsigned char *data, size_t len, size_t off, size_t flen, int kept, size_t *out_len)
{
    HPDF_Doc pdf = HPDF_New(NULL, NULL);
    HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    int rc = kept   ? pdfdeflate_into_kept(s, data, len, kept)
             : flen ? pdfdeflate_into_split(s, data, len, off, flen, 1)
                    : pdfdeflate_into(s, data, len, 1);
    HPDF_UINT32 n = rc == 0 ? HPDF_Stream_Size(s->stream) : 0;
    unsigned char *z = malloc(n + 1);
    HPDF_UINT got = n;
    if (n && (HPDF_Stream_Seek(s->stream, 0, HPDF_SEEK_SET) != HPDF_OK || HPDF_Stream_Read(s->stream, z, &got) != HPDF_OK))
        got = 0;
    HPDF_Free(pdf);
    *out_len = got;
    return z;
}

static unsigned char *coded(const unsigned char *data, size_t len, size_t off, size_t flen, size_t *out_len)
{
    return coded_kept(data, len, off, flen, 0, out_len);
}

static int decodes_to(const unsigned char *z, size_t zlen, const unsigned char *data, size_t len)
{
    uLongf n = (uLongf)len + 16;
    unsigned char *back = malloc(n);
    int ok = uncompress(back, &n, z, (uLong)zlen) == Z_OK && n == len && !memcmp(back, data, len);
    free(back);
    return ok;
}

/* data deflated by libdeflate at level, as a zlib stream: what pdfdeflate_into_kept must write. */
static unsigned char *libdeflate_at(const unsigned char *data, size_t len, int level, size_t *out_len)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    size_t cap = libdeflate_zlib_compress_bound(c, len);
    unsigned char *z = malloc(cap);
    *out_len = libdeflate_zlib_compress(c, data, len, z, cap);
    libdeflate_free_compressor(c);
    return z;
}

static void kept_streams(void)
{
    enum { N = 6000 };
    unsigned char *data = malloc(N), *other = malloc(N);
    fill(data, N, 0);
    int levels[] = {1, 6, 12};
    for (int i = 0; i < 3; i++) {
        size_t n, again_n, want_n;
        unsigned char *z = coded_kept(data, N, 0, 0, levels[i], &n);
        unsigned char *again = coded_kept(data, N, 0, 0, levels[i], &again_n);
        unsigned char *want = libdeflate_at(data, N, levels[i], &want_n);
        CHECK(n > 0 && decodes_to(z, n, data, N), "kept at level %d: decodes to the data", levels[i]);
        CHECK(n == want_n && !memcmp(z, want, n), "kept at level %d: libdeflate's bytes at that level", levels[i]);
        CHECK(again_n == n && !memcmp(z, again, n), "kept at level %d: the same bytes the second time", levels[i]);
        free(z);
        free(again);
        free(want);
    }
    /* 100 other streams (more than are kept) and 5 of 1 MB (more than the 4 MB bound) in between */
    for (int k = 0; k < 100; k++) {
        fill(other, N, 0);
        size_t n;
        free(coded_kept(other, N, 0, 0, 6, &n));
    }
    unsigned char *big = malloc(1 << 20);
    for (int k = 0; k < 5; k++) {
        fill(big, 1 << 20, 0);
        size_t n;
        unsigned char *z = coded_kept(big, 1 << 20, 0, 0, 1, &n);
        if (k == 4) CHECK(n > 0 && decodes_to(z, n, big, 1 << 20), "a kept stream of 1 MB decodes to the data");
        free(z);
    }
    size_t n, want_n;
    unsigned char *z = coded_kept(data, N, 0, 0, 12, &n);
    unsigned char *want = libdeflate_at(data, N, 12, &want_n);
    CHECK(n == want_n && !memcmp(z, want, n), "deflated afresh after being dropped: the same bytes");
    free(z);
    free(want);
    free(big);
    free(other);
    free(data);
}

int main(void)
{
    enum { FIXED = 80000, MAX = 200000 };
    unsigned char *fixed = malloc(FIXED), *data = malloc(MAX);
    fill(fixed, FIXED, 0);
    size_t heads[] = {900, 0, 1200}, tails[] = {27000, 5, 0};
    unsigned char *first = NULL;
    size_t first_len = 0;
    for (int v = 0; v < 3; v++) {
        fill(data, heads[v], 0);
        memcpy(data + heads[v], fixed, FIXED);
        fill(data + heads[v] + FIXED, tails[v], 0);
        size_t len = heads[v] + FIXED + tails[v], zlen, again_len, whole_len;
        unsigned char *z = coded(data, len, heads[v], FIXED, &zlen); /* the first: the middle is deflated now */
        unsigned char *again = coded(data, len, heads[v], FIXED, &again_len);
        unsigned char *whole = coded(data, len, 0, 0, &whole_len);
        CHECK(zlen > 0 && decodes_to(z, zlen, data, len), "head %zu, tail %zu: the split stream decodes to the data", heads[v], tails[v]);
        CHECK(zlen == again_len && !memcmp(z, again, zlen), "head %zu: the same bytes with the middle kept from before", heads[v]);
        CHECK(zlen < whole_len + whole_len / 50, "head %zu: about the size of the whole at level 1 (%zu, %zu bytes)", heads[v], zlen, whole_len);
        if (v == 0) {
            first = z;
            first_len = zlen;
        } else {
            free(z);
        }
        free(again);
        free(whole);
    }
    /* Other fixed parts in between push the first out of the kept ones: still the same bytes. */
    unsigned char *other = malloc(5000);
    for (int k = 0; k < 20; k++) {
        fill(other, 5000, 0);
        size_t n;
        free(coded(other, 5000, 100, 4000, &n));
    }
    rng = 88172645463325252ULL; /* v = 0's data again, made in the same order */
    fill(fixed, FIXED, 0);
    fill(data, heads[0], 0);
    memcpy(data + heads[0], fixed, FIXED);
    fill(data + heads[0] + FIXED, tails[0], 0);
    size_t n;
    unsigned char *z = coded(data, heads[0] + FIXED + tails[0], heads[0], FIXED, &n);
    CHECK(n == first_len && !memcmp(z, first, n), "deflated afresh after being dropped: the same bytes");
    free(z);
    free(first);

    /* Incompressible data: libdeflate writes stored blocks (more than one past 64 KB). */
    fill(data, MAX, 1);
    z = coded(data, MAX, 1000, 150000, &n);
    CHECK(n > 0 && decodes_to(z, n, data, MAX), "noise with a 150 KB middle (stored blocks) decodes to the data");
    free(z);
    z = coded(data, 3000, 1000, 1, &n);
    CHECK(n > 0 && decodes_to(z, n, data, 3000), "a one-byte middle decodes to the data");
    free(z);
    z = coded(data, 3000, 2999, 1, &n);
    CHECK(n > 0 && decodes_to(z, n, data, 3000), "a middle at the very end decodes to the data");
    free(z);
    free(other);
    free(fixed);
    free(data);
    kept_streams();
    return TAP_DONE();
}
