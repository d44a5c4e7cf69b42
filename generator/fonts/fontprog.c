#include "fonts/fontprog_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

enum { T_HEAD, T_HHEA, T_MAXP, T_HMTX, T_LOCA, T_GLYF, NTABLES };

static const hb_tag_t table_tags[NTABLES] = {
    HB_TAG('h', 'e', 'a', 'd'), HB_TAG('h', 'h', 'e', 'a'), HB_TAG('m', 'a', 'x', 'p'),
    HB_TAG('h', 'm', 't', 'x'), HB_TAG('l', 'o', 'c', 'a'), HB_TAG('g', 'l', 'y', 'f'),
};

struct fontprog_source {
    hb_blob_t *blob[NTABLES];
    const unsigned char *t[NTABLES];
    unsigned len[NTABLES];
    unsigned nglyphs, nhm;
    int long_loca;
};

/* composite glyph flags (OpenType glyf) */
#define ARG_1_AND_2_ARE_WORDS 0x0001
#define ARGS_ARE_XY_VALUES 0x0002
#define WE_HAVE_A_SCALE 0x0008
#define MORE_COMPONENTS 0x0020
#define WE_HAVE_AN_X_AND_Y_SCALE 0x0040
#define WE_HAVE_A_TWO_BY_TWO 0x0080
#define WE_HAVE_INSTRUCTIONS 0x0100
#define VARIANT_LEN 16 /* a composite glyph of one component with byte offsets */

static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void wr16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v; }
static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

void fontprog_source_free(fontprog_source *src)
{
    if (!src) return;
    for (int i = 0; i < NTABLES; i++) hb_blob_destroy(src->blob[i]);
    free(src);
}

fontprog_source *fontprog_source_new(hb_face_t *face)
{
    fontprog_source *s = ws_xcalloc(1, sizeof *s);
    for (int i = 0; i < NTABLES; i++) {
        s->blob[i] = hb_face_reference_table(face, table_tags[i]);
        s->t[i] = (const unsigned char *)hb_blob_get_data(s->blob[i], &s->len[i]);
    }
    if (s->len[T_HEAD] < 54 || s->len[T_HHEA] < 36 || s->len[T_MAXP] < 6 || !s->len[T_GLYF]) goto bad;
    unsigned fmt = rd16(s->t[T_HEAD] + 50);
    s->long_loca = fmt == 1;
    s->nglyphs = rd16(s->t[T_MAXP] + 4);
    s->nhm = rd16(s->t[T_HHEA] + 34);
    if (fmt > 1 || !s->nglyphs || !s->nhm || s->nhm > s->nglyphs ||
        s->len[T_HMTX] < 4 * s->nhm + 2 * (s->nglyphs - s->nhm) ||
        s->len[T_LOCA] < (s->nglyphs + 1) * (s->long_loca ? 4u : 2u))
        goto bad;
    return s;
bad:
    fontprog_source_free(s);
    return NULL;
}

/* Where glyph gid's data lies in glyf; -1 when the loca entry is out of bounds. */
static int glyph_range(const fontprog_source *s, unsigned gid, uint32_t *off, uint32_t *len)
{
    if (gid >= s->nglyphs) return -1;
    const unsigned char *loca = s->t[T_LOCA];
    uint32_t a = s->long_loca ? rd32(loca + 4 * gid) : 2u * rd16(loca + 2 * gid);
    uint32_t b = s->long_loca ? rd32(loca + 4 * gid + 4) : 2u * rd16(loca + 2 * gid + 2);
    if (a > b || b > s->len[T_GLYF]) return -1;
    *off = a;
    *len = b - a;
    return 0;
}

static int is_composite(const unsigned char *g, uint32_t len) { return len >= 10 && (int16_t)rd16(g) < 0; }

/* Steps through the component records of a composite glyph. */
typedef struct {
    const unsigned char *g;
    uint32_t len, pos;
    int done, bad;
} comp_iter;

/* The offset of the next component record (its flags; the glyph index follows), or 0 at the
 * end; it->bad when the record runs past the glyph. */
static uint32_t comp_next(comp_iter *it, unsigned *flags)
{
    if (it->done) return 0;
    if (it->pos + 4 > it->len) {
        it->bad = it->done = 1;
        return 0;
    }
    unsigned f = rd16(it->g + it->pos);
    uint32_t size = 4 + (f & ARG_1_AND_2_ARE_WORDS ? 4 : 2) +
                    (f & WE_HAVE_A_SCALE ? 2 : f & WE_HAVE_AN_X_AND_Y_SCALE ? 4 : f & WE_HAVE_A_TWO_BY_TWO ? 8 : 0);
    if (it->pos + size > it->len) {
        it->bad = it->done = 1;
        return 0;
    }
    uint32_t at = it->pos;
    it->pos += size;
    if (!(f & MORE_COMPONENTS)) it->done = 1;
    *flags = f;
    return at;
}

int fontprog_closure(const fontprog_source *s, hb_set_t *glyphs)
{
    hb_set_add(glyphs, 0);
    unsigned cap = hb_set_get_population(glyphs) + 16, n = 0;
    uint32_t *todo = ws_xmalloc(cap * sizeof *todo);
    for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(glyphs, &g);) todo[n++] = g;
    int rc = 0;
    while (n && !rc) {
        uint32_t gid = todo[--n], off, len;
        if (glyph_range(s, gid, &off, &len) < 0) {
            rc = -1;
            break;
        }
        const unsigned char *g = s->t[T_GLYF] + off;
        if (!is_composite(g, len)) continue;
        comp_iter it = {g, len, 10, 0, 0};
        unsigned flags;
        for (uint32_t at; (at = comp_next(&it, &flags));) {
            unsigned c = rd16(g + at + 2);
            if (c >= s->nglyphs) it.bad = 1;
            if (it.bad || hb_set_has(glyphs, c)) continue;
            hb_set_add(glyphs, c);
            if (n == cap) todo = ws_xrealloc(todo, (cap *= 2) * sizeof *todo);
            todo[n++] = c;
        }
        if (it.bad) rc = -1;
    }
    free(todo);
    return rc;
}

static long new_id(const uint32_t *gids, unsigned n, uint32_t old)
{
    unsigned lo = 0, hi = n;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (gids[mid] < old) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && gids[lo] == old ? (long)lo : -1;
}

/* Copies glyph data without its instructions (the subset is unhinted, as viewers render CJK
 * at print sizes anyway), components renumbered. Returns the bytes written, or -1. */
static long copy_glyph(const unsigned char *g, uint32_t len, const uint32_t *gids, unsigned ngids, unsigned char *out)
{
    if (!len) return 0;
    if (len < 10) return -1;
    if (!is_composite(g, len)) {
        uint32_t p = 10 + 2 * rd16(g);
        if (p + 2 > len) return -1;
        uint32_t rest = p + 2 + rd16(g + p);
        if (rest > len) return -1;
        memcpy(out, g, p);
        out[p] = out[p + 1] = 0;
        memcpy(out + p + 2, g + rest, len - rest);
        return (long)(p + 2 + len - rest);
    }
    comp_iter it = {g, len, 10, 0, 0};
    unsigned flags;
    uint32_t at, end = 10;
    memcpy(out, g, 10);
    while ((at = comp_next(&it, &flags))) {
        long c = new_id(gids, ngids, rd16(g + at + 2));
        if (c < 0) return -1;
        memcpy(out + at, g + at, it.pos - at);
        wr16(out + at, flags & ~(unsigned)WE_HAVE_INSTRUCTIONS);
        wr16(out + at + 2, (unsigned)c);
        end = it.pos;
    }
    return it.bad ? -1 : (long)end;
}

static uint32_t table_checksum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) sum += rd32(p + i);
    if (i < len) {
        unsigned char last[4] = {0, 0, 0, 0};
        memcpy(last, p + i, len - i);
        sum += rd32(last);
    }
    return sum;
}

hb_blob_t *fontprog_build(const fontprog_source *s, const uint32_t *gids, unsigned ngids, const uint16_t *var_src,
                          const uint16_t *var_adv, unsigned n)
{
    unsigned total = ngids + n;
    if (!ngids || total > 0xFFFF) return NULL;
    uint32_t *off = ws_xmalloc((total + 1) * sizeof *off), *glen = ws_xmalloc(ngids * sizeof *glen);
    size_t bound = 0;
    for (unsigned k = 0; k < ngids; k++) {
        uint32_t o, l;
        if (glyph_range(s, gids[k], &o, &l) < 0) {
            free(off);
            free(glen);
            return NULL;
        }
        off[k] = o;
        glen[k] = l;
        bound += l + 2; /* + 2: the instruction length of a composite that had none written */
    }
    bound += (size_t)n * VARIANT_LEN;

    /* One block for the whole program: the directory, then glyf (written in place, so its size
     * need not be known first), then the small tables after it. */
    const size_t dir = 12 + 16 * NTABLES;
    size_t small = s->len[T_HEAD] + s->len[T_HHEA] + s->len[T_MAXP] + 4 * (size_t)total + 4 * ((size_t)total + 1) + 5 * 4;
    unsigned char *f = ws_xmalloc(dir + bound + small + 4);
    unsigned char *glyf = f + dir;
    uint32_t *loca = off; /* the source offsets are read before each entry is overwritten */
    size_t pos = 0;
    int bad = 0;
    for (unsigned k = 0; k < ngids && !bad; k++) {
        uint32_t from = off[k];
        loca[k] = (uint32_t)pos;
        long w = copy_glyph(s->t[T_GLYF] + from, glen[k], gids, ngids, glyf + pos);
        if (w < 0) bad = 1;
        else pos += (size_t)w;
        if (pos % 2) glyf[pos++] = 0;
    }
    /* A variant is its source glyph as the one component of a composite, at offset 0: 16 bytes
     * instead of a copy of the outline. The copies sat far behind their sources (past deflate's
     * 32 KB window), so each cost its whole size: 3.7 KB of a 97 KB program in a notice. */
    for (unsigned k = 0; k < n && !bad; k++) {
        loca[ngids + k] = (uint32_t)pos;
        if (var_src[k] >= ngids) {
            bad = 1;
            break;
        }
        uint32_t from = loca[var_src[k]], to = loca[var_src[k] + 1];
        if (to - from < 10) continue; /* an empty glyph (a space): so is its variant */
        unsigned char *v = glyf + pos;
        memcpy(v, glyf + from, 10); /* the source's bounding box */
        wr16(v, 0xFFFF);            /* numberOfContours -1: composite */
        wr16(v + 10, ARGS_ARE_XY_VALUES);
        wr16(v + 12, var_src[k]);
        v[14] = v[15] = 0;          /* dx, dy as bytes */
        pos += VARIANT_LEN;
    }
    loca[total] = (uint32_t)pos;
    free(glen);
    if (bad) {
        free(off);
        free(f);
        return NULL;
    }
    int long_loca = pos > 0x1FFFE;

    size_t len[NTABLES], at[NTABLES];
    len[T_GLYF] = pos;
    len[T_HEAD] = s->len[T_HEAD];
    len[T_HHEA] = s->len[T_HHEA];
    len[T_MAXP] = s->len[T_MAXP];
    len[T_HMTX] = 4 * (size_t)total;
    len[T_LOCA] = (total + 1) * (size_t)(long_loca ? 4 : 2);
    static const int file_order[NTABLES] = {T_GLYF, T_HEAD, T_HHEA, T_MAXP, T_HMTX, T_LOCA};
    size_t size = dir;
    for (int i = 0; i < NTABLES; i++) {
        int t = file_order[i];
        at[t] = size;
        size_t padded = (len[t] + 3) & ~(size_t)3;
        memset(f + size + len[t], 0, padded - len[t]); /* table padding */
        size += padded;
    }

    unsigned char *head = f + at[T_HEAD];
    memcpy(head, s->t[T_HEAD], len[T_HEAD]);
    wr32(head + 8, 0); /* checkSumAdjustment: no reader of an embedded font uses it */
    wr16(head + 50, long_loca);

    unsigned max_adv = rd16(s->t[T_HHEA] + 10);
    for (unsigned k = 0; k < n; k++)
        if (var_adv[k] > max_adv) max_adv = var_adv[k];
    unsigned char *hhea = f + at[T_HHEA];
    memcpy(hhea, s->t[T_HHEA], len[T_HHEA]);
    wr16(hhea + 10, max_adv);
    wr16(hhea + 34, total);

    unsigned char *maxp = f + at[T_MAXP];
    memcpy(maxp, s->t[T_MAXP], len[T_MAXP]);
    wr16(maxp + 4, total);
    if (len[T_MAXP] >= 32 && rd32(maxp) == 0x00010000) { /* no hinting left: no zones, storage, functions */
        wr16(maxp + 14, 1);
        for (int o = 16; o <= 26; o += 2) wr16(maxp + o, 0);
        if (n) { /* variants: composites of any glyph, one level above it */
            if (rd16(maxp + 10) < rd16(maxp + 6)) wr16(maxp + 10, rd16(maxp + 6)); /* maxCompositePoints */
            if (rd16(maxp + 12) < rd16(maxp + 8)) wr16(maxp + 12, rd16(maxp + 8)); /* maxCompositeContours */
            if (rd16(maxp + 28) < 1) wr16(maxp + 28, 1);                           /* maxComponentElements */
            wr16(maxp + 30, rd16(maxp + 30) + 1);                                  /* maxComponentDepth */
        }
    }

    const unsigned char *hm = s->t[T_HMTX];
    unsigned nhm = s->nhm;
    unsigned char *hmtx = f + at[T_HMTX];
    for (unsigned k = 0; k < total; k++) {
        uint32_t o = k < ngids ? gids[k] : gids[var_src[k - ngids]];
        unsigned adv = rd16(hm + 4 * (o < nhm ? o : nhm - 1));
        unsigned lsb = o < nhm ? rd16(hm + 4 * o + 2) : rd16(hm + 4 * nhm + 2 * (o - nhm));
        if (k >= ngids) adv = var_adv[k - ngids];
        wr16(hmtx + 4 * k, adv);
        wr16(hmtx + 4 * k + 2, lsb);
    }

    unsigned char *lo = f + at[T_LOCA];
    for (unsigned k = 0; k <= total; k++) {
        if (long_loca) wr32(lo + 4 * k, loca[k]);
        else wr16(lo + 2 * k, loca[k] / 2);
    }
    free(off);

    /* offset table and directory, sorted by tag */
    wr32(f, 0x00010000);
    wr16(f + 4, NTABLES);
    wr16(f + 6, 64); /* searchRange: 16 * the largest power of 2 <= 6 */
    wr16(f + 8, 2);  /* entrySelector: log2(4) */
    wr16(f + 10, NTABLES * 16 - 64);
    static const int by_tag[NTABLES] = {T_GLYF, T_HEAD, T_HHEA, T_HMTX, T_LOCA, T_MAXP};
    for (int i = 0; i < NTABLES; i++) {
        int t = by_tag[i];
        unsigned char *e = f + 12 + 16 * i;
        wr32(e, table_tags[t]);
        wr32(e + 4, table_checksum(f + at[t], len[t]));
        wr32(e + 8, (uint32_t)at[t]);
        wr32(e + 12, (uint32_t)len[t]);
    }
    return hb_blob_create((const char *)f, (unsigned)size, HB_MEMORY_MODE_WRITABLE, f, free);
}
