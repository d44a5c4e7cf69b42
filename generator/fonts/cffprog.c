#include "fonts/cffprog_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "fonts/cffhint_int.h"

/* Operators, two-byte ones as 1200 + second byte (the CFF specification's "12 x"). */
enum {
    OP_CHARSET = 15, OP_ENCODING = 16, OP_CHARSTRINGS = 17, OP_PRIVATE = 18, OP_SUBRS = 19,
    OP_DEFAULT_WIDTH = 20, OP_NOMINAL_WIDTH = 21,
    OP_ROS = 1230, OP_CIDCOUNT = 1234, OP_FDARRAY = 1236, OP_FDSELECT = 1237,
};
#define MAX_OPERANDS 48
#define STANDARD_STRINGS 391 /* SIDs below this are the specification's standard strings */

typedef struct {
    const unsigned char *p;
    size_t len;
} span;

typedef struct {
    unsigned count;
    unsigned offsize;
    const unsigned char *offs, *data; /* data: one byte before the first object (offsets are 1-based) */
    size_t size;                      /* the whole INDEX, header included */
    unsigned last;                    /* the last offset: one past the data */
} cff_index;

static unsigned rdn(const unsigned char *p, unsigned n)
{
    unsigned v = 0;
    while (n--) v = v << 8 | *p++;
    return v;
}

/* The INDEX at off in t; -1 when it runs past the table. */
static int index_read(span t, size_t off, cff_index *ix)
{
    memset(ix, 0, sizeof *ix);
    if (off + 2 > t.len) return -1;
    ix->count = rdn(t.p + off, 2);
    if (!ix->count) {
        ix->size = 2;
        return 0;
    }
    if (off + 3 > t.len) return -1;
    ix->offsize = t.p[off + 2];
    if (ix->offsize < 1 || ix->offsize > 4) return -1;
    size_t head = 3 + (size_t)(ix->count + 1) * ix->offsize;
    if (off + head > t.len) return -1;
    ix->offs = t.p + off + 3;
    ix->data = t.p + off + head - 1;
    unsigned last = rdn(ix->offs + (size_t)ix->count * ix->offsize, ix->offsize);
    if (last < 1 || off + head + last - 1 > t.len) return -1;
    ix->last = last;
    ix->size = head + last - 1;
    return 0;
}

/* Object i (< count) of an INDEX. Its offsets are checked here, not all of them by index_read:
 * a CJK face's CharStrings INDEX has 30 000 of them and a subset reads a few hundred. */
static int index_get(const cff_index *ix, unsigned i, span *out)
{
    if (i >= ix->count) return -1;
    unsigned a = rdn(ix->offs + (size_t)i * ix->offsize, ix->offsize);
    unsigned b = rdn(ix->offs + (size_t)(i + 1) * ix->offsize, ix->offsize);
    if (a < 1 || a > b || b > ix->last) return -1;
    *out = (span){ix->data + a, b - a};
    return 0;
}

/* One operator of a DICT with its operands. */
typedef struct {
    int op;
    span bytes; /* operands and operator, as in the source */
    double v[MAX_OPERANDS];
    int n;
} dict_entry;

typedef struct {
    dict_entry *e;
    int n;
} dict;

static void dict_free(dict *d)
{
    free(d->e);
    d->e = NULL;
    d->n = 0;
}

static int real_operand(const unsigned char *p, const unsigned char *end, double *out, const unsigned char **next)
{
    char buf[64];
    size_t n = 0;
    for (; p < end; p++) {
        for (int half = 0; half < 2; half++) {
            unsigned nib = half ? (*p & 15) : (*p >> 4);
            if (nib == 15) {
                buf[n] = 0;
                *out = strtod(buf, NULL);
                *next = p + 1;
                return 0;
            }
            const char *s = nib < 10 ? (const char[]){(char)('0' + nib), 0} : nib == 10 ? "." : nib == 11 ? "E" : nib == 12 ? "E-" : nib == 14 ? "-" : "";
            size_t l = strlen(s);
            if (n + l >= sizeof buf) return -1;
            memcpy(buf + n, s, l);
            n += l;
        }
    }
    return -1;
}

static int dict_parse(span s, dict *d)
{
    memset(d, 0, sizeof *d);
    const unsigned char *p = s.p, *end = s.p + s.len, *start = p;
    double v[MAX_OPERANDS];
    int n = 0;
    while (p < end) {
        unsigned b = *p;
        if (b <= 21) {
            int op = b;
            p++;
            if (b == 12) {
                if (p >= end) goto bad;
                op = 1200 + *p++;
            }
            /* room for 4, 8, 16... entries: grown when n reaches a power of two (4 or more) */
            if (!d->n || (d->n >= 4 && !(d->n & (d->n - 1))))
                d->e = ws_xrealloc(d->e, (size_t)(d->n ? 2 * d->n : 4) * sizeof *d->e);
            dict_entry *e = &d->e[d->n++];
            e->op = op;
            e->bytes = (span){start, (size_t)(p - start)};
            memcpy(e->v, v, (size_t)n * sizeof *v);
            e->n = n;
            n = 0;
            start = p;
            continue;
        }
        if (n == MAX_OPERANDS) goto bad;
        if (b == 28) {
            if (end - p < 3) goto bad;
            v[n++] = (int16_t)rdn(p + 1, 2);
            p += 3;
        } else if (b == 29) {
            if (end - p < 5) goto bad;
            v[n++] = (int32_t)rdn(p + 1, 4);
            p += 5;
        } else if (b == 30) {
            if (real_operand(p + 1, end, &v[n++], &p) < 0) goto bad;
        } else if (b >= 32 && b <= 246) {
            v[n++] = (int)b - 139;
            p++;
        } else if (b >= 247 && b <= 250) {
            if (end - p < 2) goto bad;
            v[n++] = ((int)b - 247) * 256 + p[1] + 108;
            p += 2;
        } else if (b >= 251 && b <= 254) {
            if (end - p < 2) goto bad;
            v[n++] = -((int)b - 251) * 256 - p[1] - 108;
            p += 2;
        } else {
            goto bad;
        }
    }
    if (n) goto bad; /* operands without an operator */
    return 0;
bad:
    dict_free(d);
    return -1;
}

static const dict_entry *dict_find(const dict *d, int op)
{
    for (int i = 0; i < d->n; i++)
        if (d->e[i].op == op) return &d->e[i];
    return NULL;
}

/* An operand as a 5-byte integer, so a DICT's size does not depend on the offsets it holds. */
static void put_int5(ws_buf *b, long v)
{
    unsigned char x[5] = {29, (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
    ws_buf_put(b, x, 5);
}

static void put_op(ws_buf *b, int op)
{
    if (op >= 1200) {
        ws_buf_putc(b, 12);
        ws_buf_putc(b, (char)(op - 1200));
    } else {
        ws_buf_putc(b, (char)op);
    }
}

static void put_index(ws_buf *b, const span *items, unsigned n)
{
    unsigned char h[4];
    h[0] = (unsigned char)(n >> 8), h[1] = (unsigned char)n;
    ws_buf_put(b, h, 2);
    if (!n) return;
    size_t total = 1;
    for (unsigned i = 0; i < n; i++) total += items[i].len;
    unsigned os = total <= 0xFF ? 1 : total <= 0xFFFF ? 2 : total <= 0xFFFFFF ? 3 : 4;
    ws_buf_putc(b, (char)os);
    size_t off = 1;
    for (unsigned i = 0; i <= n; i++) {
        for (unsigned k = 0; k < os; k++) h[k] = (unsigned char)(off >> (8 * (os - 1 - k)));
        ws_buf_put(b, h, os);
        if (i < n) off += items[i].len;
    }
    for (unsigned i = 0; i < n; i++) ws_buf_put(b, items[i].p, items[i].len);
}

static size_t index_size(const span *items, unsigned n)
{
    if (!n) return 2;
    size_t total = 1;
    for (unsigned i = 0; i < n; i++) total += items[i].len;
    unsigned os = total <= 0xFF ? 1 : total <= 0xFFFF ? 2 : total <= 0xFFFFFF ? 3 : 4;
    return 3 + (size_t)(n + 1) * os + total - 1;
}

/* A Type 2 charstring number. */
static void put_cs_number(ws_buf *b, double v)
{
    long i = lround(v);
    if (fabs(v - (double)i) > 1e-9 || i < -32768 || i > 32767) { /* 16.16 fixed */
        long f = lround(v * 65536.0);
        unsigned char x[5] = {255, (unsigned char)(f >> 24), (unsigned char)(f >> 16), (unsigned char)(f >> 8), (unsigned char)f};
        ws_buf_put(b, x, 5);
    } else if (i >= -107 && i <= 107) {
        ws_buf_putc(b, (char)(i + 139));
    } else if (i >= 108 && i <= 1131) {
        ws_buf_putc(b, (char)(247 + (i - 108) / 256));
        ws_buf_putc(b, (char)((i - 108) % 256));
    } else if (i <= -108 && i >= -1131) {
        ws_buf_putc(b, (char)(251 + (-i - 108) / 256));
        ws_buf_putc(b, (char)((-i - 108) % 256));
    } else {
        unsigned char x[3] = {28, (unsigned char)(i >> 8), (unsigned char)i};
        ws_buf_put(b, x, 3);
    }
}

/* cs with its advance set to adv: the width operand (the first number, when the operand count
 * at the first stack-clearing operator says there is one) is replaced, or added. Returns -1
 * when a subroutine call or the end comes first (the width cannot be located here). */
static int rewrite_width(span cs, double adv, double nominal, ws_buf *out)
{
    const unsigned char *p = cs.p, *end = cs.p + cs.len;
    int n = 0;
    size_t first_len = 0;
    while (p < end) {
        unsigned b = *p;
        size_t l = b == 28 ? 3 : b == 255 ? 5 : b >= 247 ? 2 : b >= 32 ? 1 : 0;
        if (l) {
            if ((size_t)(end - p) < l) return -1;
            if (!n) first_len = l;
            n++;
            p += l;
            continue;
        }
        int has_width;
        switch (b) {
        case 1: case 3: case 18: case 23: case 19: case 20: /* stems, hintmask, cntrmask */
            has_width = n % 2;
            break;
        case 21: /* rmoveto */
            has_width = n > 2;
            break;
        case 4: case 22: /* vmoveto, hmoveto */
            has_width = n > 1;
            break;
        case 14: /* endchar */
            has_width = n == 1 || n == 5;
            break;
        default: /* callsubr, callgsubr, or a path operator before any move: not located here */
            return -1;
        }
        put_cs_number(out, adv - nominal);
        size_t skip = has_width ? first_len : 0;
        ws_buf_put(out, cs.p + skip, cs.len - skip);
        return 0;
    }
    return -1;
}

/* One font dict of the output: its entries (Private left out) and its Private dict. */
typedef struct {
    dict fd;      /* empty for a name-keyed source */
    dict priv;
    span subrs;   /* the local subroutines INDEX, as bytes; len 0 for none */
    double nominal;
    int no_hints; /* every charstring lost its hints: the Private dict's hint values go too */
} font_dict;

static int read_private(span t, const dict_entry *pe, font_dict *f)
{
    if (!pe || pe->n != 2) return 0; /* no Private dict: allowed, nothing to copy */
    long size = (long)pe->v[0], off = (long)pe->v[1];
    if (size < 0 || off < 0 || (size_t)off + (size_t)size > t.len) return -1;
    if (dict_parse((span){t.p + off, (size_t)size}, &f->priv) < 0) return -1;
    const dict_entry *nw = dict_find(&f->priv, OP_NOMINAL_WIDTH);
    f->nominal = nw && nw->n == 1 ? nw->v[0] : 0;
    const dict_entry *s = dict_find(&f->priv, OP_SUBRS);
    if (s) {
        if (s->n != 1 || s->v[0] < 0) return -1;
        cff_index ix;
        if (index_read(t, (size_t)off + (size_t)s->v[0], &ix) < 0) return -1;
        f->subrs = (span){t.p + off + (long)s->v[0], ix.size};
    }
    return 0;
}

/* Whether a Private dict entry is written: Subrs is rewritten, and without hints the values only
 * a hinting rasteriser reads (blue zones, standard and snap stems, ForceBold, LanguageGroup,
 * ExpansionFactor, initialRandomSeed) are left out; defaultWidthX and nominalWidthX stay. */
static int private_keeps(const font_dict *f, int op)
{
    if (op == OP_SUBRS) return 0;
    if (!f->no_hints) return 1;
    return !((op >= 6 && op <= 11) || (op >= 1209 && op <= 1214) || (op >= 1217 && op <= 1219));
}

/* The Private dict as written: its entries kept, then Subrs pointing just past it. */
static size_t private_size(const font_dict *f)
{
    size_t n = 0;
    for (int i = 0; i < f->priv.n; i++)
        if (private_keeps(f, f->priv.e[i].op)) n += f->priv.e[i].bytes.len;
    return n + (f->subrs.len ? 6 : 0);
}

static void put_private(ws_buf *b, const font_dict *f)
{
    size_t size = private_size(f);
    for (int i = 0; i < f->priv.n; i++)
        if (private_keeps(f, f->priv.e[i].op)) ws_buf_put(b, f->priv.e[i].bytes.p, f->priv.e[i].bytes.len);
    if (f->subrs.len) {
        put_int5(b, (long)size);
        put_op(b, OP_SUBRS);
        ws_buf_put(b, f->subrs.p, f->subrs.len);
    }
}

struct cffprog_cache {
    unsigned count;      /* the face's glyphs */
    uint32_t *off, *len; /* of glyph g's rewritten charstring in data */
    unsigned char *state; /* 0: not yet rewritten; 1: without hints; 2: kept as it is */
    ws_buf data;
    /* The source's FDSelect, one font dict index per glyph, each below nfd: decoded and checked
     * once per face, not per document (a CJK face has 30 000 glyphs or more). NULL until then. */
    unsigned char *fdsel;
    unsigned nfd;
};

void cffprog_cache_free(cffprog_cache *c)
{
    if (!c) return;
    free(c->off);
    free(c->len);
    free(c->state);
    free(c->fdsel);
    ws_buf_free(&c->data);
    free(c);
}

/* Glyph g's charstring s as written, into c (rewritten now if it is not there yet); returns 1
 * when it went without its hints, 0 when it is kept as it is. */
static int cache_get(cffprog_cache *c, unsigned g, span s)
{
    if (!c->state[g]) {
        c->off[g] = (uint32_t)c->data.len;
        c->state[g] = cffhint_strip(s.p, s.len, &c->data) == 0 ? 1 : 2;
        if (c->state[g] == 2) ws_buf_put(&c->data, s.p, s.len);
        c->len[g] = (uint32_t)(c->data.len - c->off[g]);
    }
    return c->state[g] == 1;
}

unsigned cffprog_glyph_count(hb_blob_t *cff)
{
    unsigned len;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(cff, &len);
    span t = {p, len};
    cff_index name, top, strings, gsubrs, cs;
    dict td;
    span tp;
    if (len < 4 || index_read(t, p[2], &name) < 0 || index_read(t, p[2] + name.size, &top) < 0 || top.count != 1 ||
        index_get(&top, 0, &tp) < 0 || dict_parse(tp, &td) < 0)
        return 0;
    (void)strings, (void)gsubrs;
    const dict_entry *e = dict_find(&td, OP_CHARSTRINGS);
    unsigned n = e && e->n == 1 && e->v[0] >= 0 && index_read(t, (size_t)e->v[0], &cs) == 0 ? cs.count : 0;
    dict_free(&td);
    return n;
}

hb_blob_t *cffprog_build(hb_blob_t *cff, const uint32_t *gids, unsigned ngids, const uint16_t *src, const int *adv, unsigned n,
                         unsigned char *ok, cffprog_cache **cache)
{
    return cffprog_build_first(cff, gids, ngids, 0, src, adv, n, ok, cache, NULL);
}

/* The FDSelect at so (format 0 or 3) as one font dict index per glyph, each checked below nfd;
 * NULL if it is malformed. */
static unsigned char *fdselect_decode(span t, size_t so, unsigned count, unsigned nfd)
{
    const unsigned char *p = t.p;
    size_t len = t.len;
    unsigned char *sel = ws_xcalloc(count + 1, 1);
    if (so >= len) goto bad;
    if (p[so] == 0) {
        if (so + 1 + count > len) goto bad;
        memcpy(sel, p + so + 1, count);
    } else if (p[so] == 3) {
        if (so + 3 > len) goto bad;
        unsigned nr = rdn(p + so + 1, 2);
        if (!nr || so + 3 + 3 * (size_t)nr + 2 > len) goto bad;
        for (unsigned r = 0; r < nr; r++) {
            const unsigned char *rp = p + so + 3 + 3 * r;
            unsigned first = rdn(rp, 2), next = rdn(rp + 3, 2);
            if (first > next || next > count) goto bad;
            memset(sel + first, rp[2], next - first);
        }
    } else {
        goto bad;
    }
    for (unsigned g = 0; g < count; g++)
        if (sel[g] >= nfd) goto bad;
    return sel;
bad:
    free(sel);
    return NULL;
}

hb_blob_t *cffprog_build_first(hb_blob_t *cff, const uint32_t *gids, unsigned ngids, unsigned nfirst, const uint16_t *src,
                               const int *adv, unsigned n, unsigned char *ok, cffprog_cache **cache, size_t fixed[2])
{
    unsigned len;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(cff, &len);
    span t = {p, len};
    hb_blob_t *result = NULL;
    cff_index name, top, strings, gsubrs, cs, fdarray;
    dict td = {0};
    font_dict *fds = NULL;
    unsigned nfd = 0;
    unsigned char *fdsel = NULL, *fdsel_src = NULL;
    span *glyphs = NULL;
    ws_buf extra = {0}, out = {0}, body = {0};
    size_t *body_off = NULL;
    size_t *extra_off = NULL;

    if (len < 4 || p[0] != 1) return NULL;
    size_t at = p[2];
    if (index_read(t, at, &name) < 0) return NULL;
    at += name.size;
    if (index_read(t, at, &top) < 0 || top.count != 1) return NULL;
    at += top.size;
    if (index_read(t, at, &strings) < 0) return NULL;
    at += strings.size;
    if (index_read(t, at, &gsubrs) < 0) return NULL;
    span tp;
    if (index_get(&top, 0, &tp) < 0 || dict_parse(tp, &td) < 0) return NULL;

    const dict_entry *e_cs = dict_find(&td, OP_CHARSTRINGS), *e_ros = dict_find(&td, OP_ROS);
    if (!e_cs || e_cs->n != 1 || e_cs->v[0] < 0 || index_read(t, (size_t)e_cs->v[0], &cs) < 0 || !cs.count) goto out;
    const dict_entry *e_cstype = dict_find(&td, 1206);
    if (e_cstype && (e_cstype->n != 1 || e_cstype->v[0] != 2)) goto out; /* Type 2 charstrings only */
    unsigned nglyphs = gids ? ngids : cs.count, total = nglyphs + n;
    if (gids && gsubrs.count) goto out; /* a face with subroutines is cut by hb-subset */
    if (total > 0xFFFF) goto out;

    /* this face's cache, if there is one already (a cache of another face is refused below) */
    cffprog_cache *known = gids && cache && *cache && (*cache)->count == cs.count ? *cache : NULL;
    fdsel = ws_xcalloc(total + 1, 1);
    if (e_ros) { /* CID-keyed: font dicts and FDSelect from the source */
        const dict_entry *e_fa = dict_find(&td, OP_FDARRAY), *e_fs = dict_find(&td, OP_FDSELECT);
        if (!e_fa || !e_fs || e_fa->n != 1 || e_fs->n != 1 || e_fa->v[0] < 0 || e_fs->v[0] < 0 ||
            index_read(t, (size_t)e_fa->v[0], &fdarray) < 0 || !fdarray.count || fdarray.count > 255)
            goto out;
        nfd = fdarray.count;
        fds = ws_xcalloc(nfd, sizeof *fds);
        for (unsigned i = 0; i < nfd; i++)
            if (index_get(&fdarray, i, &tp) < 0 || dict_parse(tp, &fds[i].fd) < 0 || read_private(t, dict_find(&fds[i].fd, OP_PRIVATE), &fds[i]) < 0)
                goto out;
        if (!(known && known->fdsel && known->nfd == nfd) && !(fdsel_src = fdselect_decode(t, (size_t)e_fs->v[0], cs.count, nfd)))
            goto out;
    } else { /* name-keyed: one font dict holding the Top DICT's Private */
        nfd = 1;
        fds = ws_xcalloc(1, sizeof *fds);
        if (read_private(t, dict_find(&td, OP_PRIVATE), &fds[0]) < 0) goto out;
        if (!(known && known->fdsel && known->nfd == nfd)) fdsel_src = ws_xcalloc(cs.count + 1, 1);
    }

    for (unsigned i = 0; gids && i < nfd; i++)
        if (fds[i].subrs.len) goto out;
    /* The charstrings: the subset's (the chosen ones, each with its font dict), then the copies. */
    cffprog_cache *c = NULL;
    if (gids && cache) {
        if (*cache && (*cache)->count != cs.count) goto out; /* another face's cache */
        if (!*cache) {
            c = *cache = ws_xcalloc(1, sizeof **cache);
            c->count = cs.count;
            c->off = ws_xmalloc(cs.count * sizeof *c->off);
            c->len = ws_xmalloc(cs.count * sizeof *c->len);
            c->state = ws_xcalloc(cs.count, 1);
        }
        c = *cache;
        if (!c->fdsel || c->nfd != nfd) { /* checked above: kept for the face's next documents */
            free(c->fdsel);
            c->fdsel = fdsel_src;
            c->nfd = nfd;
            fdsel_src = NULL;
        }
    }
    /* the source's FDSelect: this call's own, or the face's checked one */
    const unsigned char *src_sel = fdsel_src ? fdsel_src : c->fdsel;
    glyphs = ws_xmalloc(total * sizeof *glyphs);
    body_off = ws_xmalloc((nglyphs + 1) * sizeof *body_off);
    int all_stripped = 1;
    for (unsigned g = 0; g < nglyphs; g++) {
        /* two runs of ascending ids: the first nfirst, then the rest */
        if (gids && (gids[g] >= cs.count || (g && g != nfirst && gids[g] <= gids[g - 1]))) goto out_body;
        span s;
        if (index_get(&cs, gids ? gids[g] : g, &s) < 0) goto out_body;
        fdsel[g] = src_sel[gids ? gids[g] : g];
        if (c) {
            all_stripped &= cache_get(c, gids[g], s);
            continue;
        }
        body_off[g] = body.len;
        if (cffhint_strip(s.p, s.len, &body) < 0) { /* kept with its hints (cffhint_int.h) */
            ws_buf_put(&body, s.p, s.len);
            all_stripped = 0;
        }
    }
    body_off[nglyphs] = body.len;
    /* the spans last: the buffers do not move any more */
    for (unsigned g = 0; g < nglyphs; g++)
        glyphs[g] = c ? (span){(const unsigned char *)c->data.data + c->off[gids[g]], c->len[gids[g]]}
                      : (span){(const unsigned char *)body.data + body_off[g], body_off[g + 1] - body_off[g]};
    free(body_off);
    body_off = NULL;
    /* Without a stem left, the Private dicts' hint values (blue zones, standard stems) serve nothing. */
    for (unsigned i = 0; all_stripped && i < nfd; i++) fds[i].no_hints = 1;
    extra_off = ws_xmalloc((n + 1) * sizeof *extra_off);
    for (unsigned k = 0; k < n; k++) {
        if (src[k] >= nglyphs) goto out;
        span s = glyphs[src[k]];
        fdsel[nglyphs + k] = fdsel[src[k]];
        extra_off[k] = extra.len;
        ok[k] = 1;
        if (adv[k] >= 0 && rewrite_width(s, adv[k], fds[fdsel[src[k]]].nominal, &extra) < 0) ok[k] = 0;
        if (adv[k] < 0 || !ok[k]) ws_buf_put(&extra, s.p, s.len);
    }
    extra_off[n] = extra.len;
    for (unsigned k = 0; k < n; k++)
        glyphs[nglyphs + k] = (span){(const unsigned char *)extra.data + extra_off[k], extra_off[k + 1] - extra_off[k]};

    /* Strings: the source's, plus "Adobe" and "Identity" for a name-keyed source's new ROS. */
    span *strs = ws_xmalloc((strings.count + 2) * sizeof *strs);
    unsigned nstr = strings.count;
    for (unsigned i = 0; i < nstr; i++)
        if (index_get(&strings, i, &strs[i]) < 0) {
            free(strs);
            goto out;
        }
    unsigned sid_adobe = 0, sid_identity = 0;
    if (!e_ros) {
        sid_adobe = STANDARD_STRINGS + nstr;
        strs[nstr++] = (span){(const unsigned char *)"Adobe", 5};
        sid_identity = STANDARD_STRINGS + nstr;
        strs[nstr++] = (span){(const unsigned char *)"Identity", 8};
    }

    /* The Top DICT: ROS first, the source's other entries, then the five offsets. */
    ws_buf topd = {0};
    if (e_ros) {
        ws_buf_put(&topd, e_ros->bytes.p, e_ros->bytes.len);
    } else {
        put_int5(&topd, sid_adobe);
        put_int5(&topd, sid_identity);
        ws_buf_putc(&topd, (char)139); /* supplement 0 */
        put_op(&topd, OP_ROS);
    }
    for (int i = 0; i < td.n; i++) {
        int op = td.e[i].op;
        if (op == OP_ROS || op == OP_CHARSET || op == OP_ENCODING || op == OP_CHARSTRINGS || op == OP_PRIVATE ||
            op == OP_FDARRAY || op == OP_FDSELECT || op == OP_CIDCOUNT)
            continue;
        ws_buf_put(&topd, td.e[i].bytes.p, td.e[i].bytes.len);
    }
    size_t top_fixed = topd.len + 5 * 5 + 2 + 1 + 2 + 1 + 2; /* CIDCount, charset, FDSelect, CharStrings, FDArray */

    /* FDSelect, format 3 */
    ws_buf sel = {0};
    {
        unsigned nr = 0;
        for (unsigned g = 0; g < total; g++)
            if (!g || fdsel[g] != fdsel[g - 1]) nr++;
        unsigned char h[3] = {3, (unsigned char)(nr >> 8), (unsigned char)nr};
        ws_buf_put(&sel, h, 3);
        for (unsigned g = 0; g < total; g++)
            if (!g || fdsel[g] != fdsel[g - 1]) {
                unsigned char r[3] = {(unsigned char)(g >> 8), (unsigned char)g, fdsel[g]};
                ws_buf_put(&sel, r, 3);
            }
        unsigned char s2[2] = {(unsigned char)(total >> 8), (unsigned char)total};
        ws_buf_put(&sel, s2, 2);
    }
    /* charset: CID = glyph id, one range of format 2 */
    unsigned char charset[5] = {2, 0, 1, (unsigned char)((total - 2) >> 8), (unsigned char)(total - 2)};
    size_t charset_len = total > 1 ? 5 : 1;
    if (total <= 1) charset[0] = 0;

    /* The font dicts: the source's entries without Private, then Private (size, offset). */
    ws_buf *fdbuf = ws_xcalloc(nfd, sizeof *fdbuf);
    span *fdspan = ws_xmalloc(nfd * sizeof *fdspan);
    size_t fd_fixed = 0;
    for (unsigned i = 0; i < nfd; i++) {
        for (int k = 0; k < fds[i].fd.n; k++)
            if (fds[i].fd.e[k].op != OP_PRIVATE) ws_buf_put(&fdbuf[i], fds[i].fd.e[k].bytes.p, fds[i].fd.e[k].bytes.len);
        fd_fixed += fdbuf[i].len + 11;
    }
    (void)fd_fixed;

    /* Layout: header, Name, Top DICT, String, GSubrs, charset, FDSelect, CharStrings, FDArray, Privates. */
    size_t o_top = 4 + name.size;
    span top_item = {NULL, top_fixed};
    size_t o_strings = o_top + index_size(&top_item, 1);
    size_t o_gsubrs = o_strings + index_size(strs, nstr);
    size_t o_charset = o_gsubrs + gsubrs.size;
    size_t o_fdsel = o_charset + charset_len;
    size_t o_cs = o_fdsel + sel.len;
    size_t o_fdarray = o_cs + index_size(glyphs, total);
    for (unsigned i = 0; i < nfd; i++) fdspan[i] = (span){NULL, fdbuf[i].len + 11};
    size_t o_priv = o_fdarray + index_size(fdspan, nfd);
    for (unsigned i = 0; i < nfd; i++) {
        size_t ps = private_size(&fds[i]);
        put_int5(&fdbuf[i], (long)ps);
        put_int5(&fdbuf[i], (long)o_priv);
        put_op(&fdbuf[i], OP_PRIVATE);
        fdspan[i] = (span){(const unsigned char *)fdbuf[i].data, fdbuf[i].len};
        o_priv += ps + fds[i].subrs.len;
    }
    put_int5(&topd, total);
    put_op(&topd, OP_CIDCOUNT);
    put_int5(&topd, (long)o_charset);
    put_op(&topd, OP_CHARSET);
    put_int5(&topd, (long)o_fdsel);
    put_op(&topd, OP_FDSELECT);
    put_int5(&topd, (long)o_cs);
    put_op(&topd, OP_CHARSTRINGS);
    put_int5(&topd, (long)o_fdarray);
    put_op(&topd, OP_FDARRAY);
    top_item = (span){(const unsigned char *)topd.data, topd.len};

    unsigned char hdr[4] = {1, 0, 4, 4};
    ws_buf_put(&out, hdr, 4);
    ws_buf_put(&out, p + p[2], name.size);
    put_index(&out, &top_item, 1);
    put_index(&out, strs, nstr);
    ws_buf_put(&out, p + at, gsubrs.size); /* at: the source's global subroutines */
    if (out.len != o_charset) goto layout_bad;
    ws_buf_put(&out, charset, charset_len);
    ws_buf_put(&out, sel.data, sel.len);
    put_index(&out, glyphs, total);
    put_index(&out, fdspan, nfd);
    for (unsigned i = 0; i < nfd; i++) put_private(&out, &fds[i]);
    if (out.len == o_priv) {
        if (fixed) { /* the charstrings of the first glyphs: the INDEX's data ends at FDArray */
            size_t data = 0, first = 0;
            for (unsigned g = 0; g < total; g++) data += glyphs[g].len;
            for (unsigned g = 0; g < nfirst && g < nglyphs; g++) first += glyphs[g].len;
            fixed[0] = o_fdarray - data;
            fixed[1] = first;
        }
        size_t olen = out.len;
        char *data = ws_buf_steal(&out);
        result = hb_blob_create(data, (unsigned)olen, HB_MEMORY_MODE_WRITABLE, data, free);
    }
layout_bad:
    ws_buf_free(&out);

    free(strs);
    for (unsigned i = 0; i < nfd; i++) ws_buf_free(&fdbuf[i]);
    free(fdbuf);
    free(fdspan);
    ws_buf_free(&topd);
    ws_buf_free(&sel);
out:
    for (unsigned i = 0; fds && i < nfd; i++) {
        dict_free(&fds[i].fd);
        dict_free(&fds[i].priv);
    }
    free(fds);
    dict_free(&td);
    free(fdsel);
    free(fdsel_src);
    free(glyphs);
    free(extra_off);
    ws_buf_free(&extra);
    ws_buf_free(&body);
    return result;
out_body:
    free(body_off);
    goto out;
}
