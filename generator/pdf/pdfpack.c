/* pdfpack — see pdfpack.h. */
#include "pdf/pdfpack.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "pdf/pdfdeflate_int.h"
#include "pdf/pdfpack_int.h"

/* Dictionaries are small and compress well; the object stream is a few KB per document and the
 * xref stream a few hundred bytes, so pdfpack_repack takes the strongest level that stays quick
 * (PDFPACK_LEVEL, 9). A combined volume's are far larger (1 000 pages and 3 000 bookmarks of 500
 * notices: 760 KB of objects, 54 KB of xref), where level 9 takes 120 ms on the objects, level 6
 * 15 ms and level 1 1.4–3.4 ms for 92, 97 and 109 KB, and level 9 some 15 ms on the xref: above
 * PACK_LARGE bytes, level 1 (1 % more of the volume). */
#define PACK_LEVEL_LARGE 1
#define PACK_LARGE (16 * 1024)

typedef pdfpack_obj pdf_obj;

static int is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0; }

static int ends_with(const char *s, size_t len, const char *tail)
{
    size_t n = strlen(tail);
    return len >= n && !memcmp(s + len - n, tail, n);
}

/* The last occurrence of needle in the final `window` bytes of s[0..len). */
static const char *find_last(const char *s, size_t len, const char *needle, size_t window)
{
    size_t n = strlen(needle);
    size_t from = len > window ? len - window : 0;
    for (size_t i = len >= n ? len - n + 1 : 0; i-- > from;)
        if (!memcmp(s + i, needle, n)) return s + i;
    return NULL;
}

/* An unsigned decimal at *p (after spaces), advancing *p; -1 when there is none. */
static long long read_uint(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\r' || **p == '\n')) (*p)++;
    if (*p >= end || **p < '0' || **p > '9') return -1;
    long long v = 0;
    while (*p < end && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        if (v > (1LL << 40)) return -1;
        (*p)++;
    }
    return v;
}

static int cmp_off(const void *a, const void *b)
{
    const pdf_obj *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

static int bytes_for(uint64_t v)
{
    int n = 1;
    while (n < 8 && v >> (8 * n)) n++;
    return n;
}

static void put_be(ws_buf *b, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) ws_buf_putc(b, (char)(v >> (8 * i) & 0xFF));
}

/* v in decimal: "%zu" without vfprintf, some sixty times a notice */
static void put_size(ws_buf *b, size_t v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    do *--p = (char)('0' + v % 10);
    while (v /= 10);
    ws_buf_put(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* data deflated in the zlib format FlateDecode reads; NULL on failure. */
static char *deflated(const char *data, size_t len, int level, size_t *out_len)
{
    struct libdeflate_compressor *c = pdfdeflate_compressor(len > PACK_LARGE ? PACK_LEVEL_LARGE : level);
    size_t cap = libdeflate_zlib_compress_bound(c, len);
    char *z = ws_xmalloc(cap);
    *out_len = libdeflate_zlib_compress(c, data, len, z, cap);
    if (!*out_len) {
        free(z);
        return NULL;
    }
    return z;
}

/* Where a stream object's data begins: after "stream" and its end of line, the keyword found
 * after the dictionary's last ">>"; NULL when there is none. */
static const char *stream_data(const char *body, size_t len)
{
    const char *end = body + len;
    for (const char *p = body; p + 8 <= end; p++) {
        if (p[0] != '>' || p[1] != '>') continue;
        const char *q = p + 2;
        while (q < end && is_space(*q)) q++;
        if (end - q < 7 || memcmp(q, "stream", 6)) continue;
        q += 6;
        if (*q == '\r' && q + 1 < end && q[1] == '\n') return q + 2;
        if (*q == '\n') return q + 1;
    }
    return NULL;
}

/* The object number of the indirect "/Length N 0 R" in a stream's dictionary (body up to data),
 * -1 when it is not one. */
static long long length_ref(const char *body, const char *data)
{
    for (const char *p = body; p + 7 < data; p++) {
        if (memcmp(p, "/Length", 7) || (!is_space(p[7]))) continue;
        const char *q = p + 7;
        long long num = read_uint(&q, data), gen = read_uint(&q, data);
        while (q < data && is_space(*q)) q++;
        return num > 0 && gen == 0 && q < data && *q == 'R' ? num : -1;
    }
    return -1;
}

/* The trailer's entries other than /Size (which the xref stream gives anew), as text. */
static int trailer_entries(const char *t, const char *end, ws_buf *out)
{
    const char *open = NULL;
    for (const char *p = t; p + 1 < end; p++)
        if (p[0] == '<' && p[1] == '<') {
            open = p + 2;
            break;
        }
    const char *close = NULL;
    for (const char *p = end - 1; open && p > open; p--)
        if (p[0] == '>' && p[-1] == '>') {
            close = p - 1;
            break;
        }
    if (!open || !close) return -1;
    const char *p = open;
    while (p < close) {
        const char *size = NULL;
        for (const char *q = p; q + 5 <= close; q++)
            if (!memcmp(q, "/Size", 5) && (q + 5 == close || is_space(q[5]))) {
                size = q;
                break;
            }
        if (!size) {
            ws_buf_put(out, p, (size_t)(close - p));
            break;
        }
        ws_buf_put(out, p, (size_t)(size - p));
        const char *q = size + 5;
        if (read_uint(&q, close) < 0) return -1;
        p = q;
    }
    return 0;
}

int pdfpack_repack(const char *pdf, size_t len, ws_buf *out)
{
    return pdfpack_repack_level(pdf, len, PDFPACK_LEVEL, out);
}

int pdfpack_repack_level(const char *pdf, size_t len, int level, ws_buf *out)
{
    if (len < 64 || memcmp(pdf, "%PDF-1.", 7)) return -1;
    const char *sx = find_last(pdf, len, "startxref", 64);
    if (!sx) return -1;
    const char *p = sx + 9, *end = pdf + len;
    long long xref_off = read_uint(&p, end);
    if (xref_off <= 0 || (size_t)xref_off >= len || memcmp(pdf + xref_off, "xref", 4)) return -1;

    /* The classic table: subsections "first count", 20-byte entries. */
    pdf_obj *objs = NULL;
    size_t nobjs = 0, cap = 0, size = 0;
    p = pdf + xref_off + 4;
    const char *trailer = NULL;
    int rc = -1;
    for (;;) {
        while (p < sx && is_space(*p)) p++;
        if (p + 7 <= sx && !memcmp(p, "trailer", 7)) {
            trailer = p + 7;
            break;
        }
        long long first = read_uint(&p, sx), count = read_uint(&p, sx);
        if (first < 0 || count < 0 || first + count > (1LL << 24)) goto fail;
        while (p < sx && (*p == ' ' || *p == '\r' || *p == '\n')) p++;
        if ((size_t)(sx - p) < (size_t)count * 20) goto fail;
        for (long long i = 0; i < count; i++, p += 20) {
            const char *e = p;
            long long off = read_uint(&e, p + 10), gen = read_uint(&e, p + 16);
            char kind = p[17];
            if (off < 0 || gen < 0 || (kind != 'n' && kind != 'f')) goto fail;
            size_t num = (size_t)(first + i);
            if (num + 1 > size) size = num + 1;
            if (kind == 'f') continue;
            if (gen != 0 || num == 0 || off >= xref_off) goto fail;
            if (nobjs == cap) objs = ws_xrealloc(objs, (cap = cap ? cap * 2 : 64) * sizeof *objs);
            objs[nobjs++] = (pdf_obj){.num = num, .off = (size_t)off};
        }
    }
    if (!trailer || !nobjs) goto fail;

    /* Each object runs to the next one (or to the table); its body lies between "obj" and "endobj". */
    qsort(objs, nobjs, sizeof *objs, cmp_off);
    for (size_t i = 0; i < nobjs; i++) {
        pdf_obj *o = &objs[i];
        o->end = i + 1 < nobjs ? objs[i + 1].off : (size_t)xref_off;
        const char *q = pdf + o->off, *oe = pdf + o->end;
        if (o->end <= o->off || (size_t)read_uint(&q, oe) != o->num || read_uint(&q, oe) != 0) goto fail;
        while (q < oe && is_space(*q)) q++;
        if (oe - q < 3 || memcmp(q, "obj", 3)) goto fail;
        q += 3;
        size_t n = (size_t)(oe - q);
        while (n && is_space(q[n - 1])) n--;
        if (!ends_with(q, n, "endobj")) goto fail;
        n -= 6;
        while (n && is_space(q[n - 1])) n--;
        while (n && is_space(*q)) q++, n--;
        o->body = q;
        o->body_len = n;
        o->stream = ends_with(q, n, "endstream");
    }
    rc = pdfpack_objects(pdf, objs, nobjs, size, trailer, (size_t)(sx - trailer), level, out);
fail:
    free(objs);
    return rc;
}

int pdfpack_objects(const char *pdf, const pdfpack_obj *objs, size_t nobjs, size_t size, const char *trailer,
                    size_t trailer_len, int level, ws_buf *out)
{
    size_t start = out->len;
    ws_buf rest = {0};
    if (!nobjs || trailer_entries(trailer, trailer + trailer_len, &rest) < 0) {
        ws_buf_free(&rest);
        return -1;
    }
    /* Streams first, byte for byte — but for a placeholder (pdfdeflate_int.h), whose piece is
     * put in its place and whose length replaces the value of the stream's /Length object —;
     * then one object stream with everything else. */
    size_t objstm = size, xrefstm = size + 1, new_size = size + 2;
    uint64_t *where = ws_xcalloc(new_size, sizeof *where); /* type 1: offset; type 2: index */
    unsigned char *type = ws_xcalloc(new_size, 1);
    size_t *length_of = ws_xcalloc(new_size, sizeof *length_of); /* object -> its new value + 1 */
    ws_buf_puts(out, "%PDF-1.5\n%\xE2\xE3\xCF\xD3\n");
    for (size_t i = 0; i < nobjs; i++) {
        if (!objs[i].stream) continue;
        type[objs[i].num] = 1;
        where[objs[i].num] = out->len;
        const char *o = pdf + objs[i].off, *oe = pdf + objs[i].end;
        const char *data = stream_data(objs[i].body, objs[i].body_len);
        size_t ph_len = 0, piece_len = 0;
        const unsigned char *piece = data ? pdfdeflate_piece(data, (size_t)(oe - data), &ph_len, &piece_len) : NULL;
        long long length_obj = piece ? length_ref(objs[i].body, data) : -1;
        if (piece && (length_obj <= 0 || (size_t)length_obj >= size || length_of[length_obj])) goto fail_spliced;
        if (!piece) {
            ws_buf_put(out, o, (size_t)(oe - o));
            continue;
        }
        length_of[length_obj] = piece_len + 1;
        ws_buf_put(out, o, (size_t)(data - o));
        ws_buf_put(out, piece, piece_len);
        ws_buf_put(out, data + ph_len, (size_t)(oe - data - ph_len));
    }
    ws_buf head = {0}, bodies = {0};
    size_t packed = 0;
    for (size_t i = 0; i < nobjs; i++) {
        if (objs[i].stream) continue;
        type[objs[i].num] = 2;
        where[objs[i].num] = packed++;
        put_size(&head, objs[i].num);
        ws_buf_putc(&head, ' ');
        put_size(&head, bodies.len);
        ws_buf_putc(&head, ' ');
        if (length_of[objs[i].num]) put_size(&bodies, length_of[objs[i].num] - 1);
        else ws_buf_put(&bodies, objs[i].body, objs[i].body_len);
        ws_buf_putc(&bodies, '\n');
    }
    ws_buf_put(&head, bodies.data ? bodies.data : "", bodies.len);
    size_t zlen = 0;
    char *z = head.len ? deflated(head.data, head.len, level, &zlen) : NULL;
    int ok = z != NULL;
    if (ok) {
        type[objstm] = 1;
        where[objstm] = out->len;
        ws_buf_printf(out, "%zu 0 obj\n<< /Type /ObjStm /N %zu /First %zu /Filter /FlateDecode /Length %zu >>\nstream\n",
                    objstm, packed, head.len - bodies.len, zlen);
        ws_buf_put(out, z, zlen);
        ws_buf_puts(out, "\nendstream\nendobj\n");

        /* The cross-reference stream: type, offset or object-stream number, generation or index. */
        type[xrefstm] = 1;
        where[xrefstm] = out->len;
        int w2 = bytes_for(out->len > objstm ? out->len : objstm), w3 = bytes_for(packed > 65535 ? packed : 65535);
        ws_buf x = {0};
        for (size_t n = 0; n < new_size; n++) {
            put_be(&x, type[n], 1);
            put_be(&x, type[n] == 2 ? objstm : type[n] == 1 ? where[n] : 0, w2);
            put_be(&x, type[n] == 2 ? where[n] : n == 0 ? 65535 : 0, w3);
        }
        size_t xzlen = 0;
        char *xz = deflated(x.data, x.len, level, &xzlen);
        ok = xz != NULL;
        if (ok) {
            size_t at = out->len;
            ws_buf_printf(out, "%zu 0 obj\n<< /Type /XRef /Size %zu /W [ 1 %d %d ] /Filter /FlateDecode /Length %zu ",
                        xrefstm, new_size, w2, w3, xzlen);
            ws_buf_put(out, rest.data ? rest.data : "", rest.len);
            ws_buf_puts(out, " >>\nstream\n");
            ws_buf_put(out, xz, xzlen);
            ws_buf_printf(out, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", at);
        }
        free(xz);
        ws_buf_free(&x);
    }
    free(z);
    ws_buf_free(&head);
    ws_buf_free(&bodies);
    free(where);
    free(type);
    free(length_of);
    ws_buf_free(&rest);
    if (!ok) out->len = start;
    return ok ? 0 : -1;

fail_spliced:
    free(where);
    free(type);
    free(length_of);
    ws_buf_free(&rest);
    out->len = start;
    return -1;
}
