#include "fonts/subset.h"

#include <hb-ot.h>
#include <hb-subset.h>
#include <stdlib.h>
#include <string.h>

#include "fonts/fontprog_int.h"
#include "fonts/cffprog_int.h"
#include "fonts/fonts_int.h"
#include "base/util.h"
#include "base/i18n.h"

struct subset_lookup {
    hb_map_t *cid_of;      /* code point -> CID */
    hb_map_t *variant_cid; /* VARIANT_KEY -> CID */
    hb_blob_t *program;    /* holds subset_font.program */
};

/* Tables a PDF viewer never reads from an embedded CIDFontType2 program: layout, vertical
 * metrics, bitmaps, and the cmap (CIDs select glyphs directly). */
static const hb_tag_t dropped_tables[] = {
    HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
    HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('v', 'h', 'e', 'a'),
    HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'), HB_TAG('g', 'a', 's', 'p'),
    HB_TAG('E', 'B', 'D', 'T'), HB_TAG('E', 'B', 'L', 'C'), HB_TAG('E', 'B', 'S', 'C'),
    HB_TAG('D', 'S', 'I', 'G'), HB_TAG('k', 'e', 'r', 'n'), HB_TAG('c', 'm', 'a', 'p'),
    HB_TAG('m', 'o', 'r', 't'), HB_TAG('m', 'o', 'r', 'x'), HB_TAG('L', 'T', 'S', 'H'),
    HB_TAG('h', 'd', 'm', 'x'), HB_TAG('V', 'D', 'M', 'X'), HB_TAG('P', 'C', 'L', 'T'),
};

/* The PostScript name, reduced to characters that need no escaping in a PDF name. */
static void postscript_name(hb_face_t *face, int index, char *out, size_t outlen)
{
    char raw[64];
    unsigned len = sizeof raw;
    len = hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, raw) ? len : 0;
    size_t n = 0;
    for (unsigned i = 0; i < len && n + 1 < outlen; i++) {
        unsigned char c = (unsigned char)raw[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
            out[n++] = (char)c;
    }
    out[n] = 0;
    if (!n) snprintf(out, outlen, "Face%d", index);
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void wr16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v; }
static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static hb_blob_t *blob_of(ws_buf *b)
{
    size_t len = b->len;
    char *data = ws_buf_steal(b);
    return hb_blob_create(data, (unsigned)len, HB_MEMORY_MODE_WRITABLE, data, free);
}

/* The subset font with n more glyphs: glyph nglyphs+k is a copy of glyph src[k] whose advance
 * is adv[k] font units. The outline is shared by value (composite glyphs keep pointing at
 * their components); only hmtx differs, so the font program agrees with /W, as PDF/A wants.
 * Returns NULL when the tables are not what hb-subset writes (the caller then goes without). */
static hb_blob_t *with_variant_glyphs(hb_face_t *sub, unsigned nglyphs, const uint16_t *src, const uint16_t *adv, unsigned n)
{
    static const hb_tag_t T_HEAD = HB_TAG('h', 'e', 'a', 'd'), T_MAXP = HB_TAG('m', 'a', 'x', 'p'),
                          T_HHEA = HB_TAG('h', 'h', 'e', 'a'), T_HMTX = HB_TAG('h', 'm', 't', 'x'),
                          T_LOCA = HB_TAG('l', 'o', 'c', 'a'), T_GLYF = HB_TAG('g', 'l', 'y', 'f');
    hb_blob_t *bl[6];
    const unsigned char *t[6];
    unsigned len[6];
    const hb_tag_t tags[6] = {T_HEAD, T_MAXP, T_HHEA, T_HMTX, T_LOCA, T_GLYF};
    for (int i = 0; i < 6; i++) {
        bl[i] = hb_face_reference_table(sub, tags[i]);
        t[i] = (const unsigned char *)hb_blob_get_data(bl[i], &len[i]);
    }
    hb_blob_t *result = NULL;
    const unsigned char *head = t[0], *maxp = t[1], *hhea = t[2], *hmtx = t[3], *loca = t[4], *glyf = t[5];
    unsigned total = nglyphs + n;
    if (len[0] < 54 || len[1] < 6 || len[2] < 36 || rd16(maxp + 4) != nglyphs || total > 0xFFFF) goto out;
    int long_loca = rd16(head + 50) != 0;
    unsigned nhm = rd16(hhea + 34);
    if (!nhm || nhm > nglyphs || len[4] < (nglyphs + 1) * (long_loca ? 4u : 2u) || len[3] < nhm * 4 + (nglyphs - nhm) * 2)
        goto out;

    uint32_t *off = ws_xmalloc((nglyphs + 1) * sizeof *off);
    for (unsigned g = 0; g <= nglyphs; g++) off[g] = long_loca ? rd32(loca + 4 * g) : 2 * rd16(loca + 2 * g);
    for (unsigned g = 0; g < nglyphs; g++)
        if (off[g] > off[g + 1] || off[g + 1] > len[5]) {
            free(off);
            goto out;
        }

    ws_buf nglyf = {0}, nloca = {0}, nhmtx = {0};
    unsigned char b4[4];
    ws_buf_put(&nglyf, glyf, off[nglyphs]);
    for (unsigned g = 0; g <= nglyphs; g++) {
        wr32(b4, off[g]);
        ws_buf_put(&nloca, b4, 4);
    }
    for (unsigned k = 0; k < n; k++) {
        ws_buf_put(&nglyf, glyf + off[src[k]], off[src[k] + 1] - off[src[k]]);
        while (nglyf.len % 4) ws_buf_putc(&nglyf, 0);
        wr32(b4, (uint32_t)nglyf.len);
        ws_buf_put(&nloca, b4, 4);
    }
    /* hmtx with a full (advance, lsb) pair for every glyph */
    for (unsigned g = 0; g < total; g++) {
        unsigned from = g < nglyphs ? g : src[g - nglyphs];
        unsigned a = rd16(hmtx + 4 * (from < nhm ? from : nhm - 1));
        unsigned lsb = from < nhm ? rd16(hmtx + 4 * from + 2) : rd16(hmtx + 4 * nhm + 2 * (from - nhm));
        if (g >= nglyphs) a = adv[g - nglyphs];
        wr16(b4, a);
        wr16(b4 + 2, lsb);
        ws_buf_put(&nhmtx, b4, 4);
    }
    free(off);

    ws_buf nhead = {0}, nmaxp = {0}, nhhea = {0};
    ws_buf_put(&nhead, head, len[0]);
    wr16((unsigned char *)nhead.data + 50, 1); /* long loca */
    wr32((unsigned char *)nhead.data + 8, 0);  /* checkSumAdjustment: no reader of an embedded font uses it */
    ws_buf_put(&nmaxp, maxp, len[1]);
    wr16((unsigned char *)nmaxp.data + 4, total);
    ws_buf_put(&nhhea, hhea, len[2]);
    wr16((unsigned char *)nhhea.data + 34, total);

    hb_face_t *builder = hb_face_builder_create();
    hb_blob_t *fresh[6] = {blob_of(&nhead), blob_of(&nmaxp), blob_of(&nhhea), blob_of(&nhmtx), blob_of(&nloca), blob_of(&nglyf)};
    for (int i = 0; i < 6; i++) {
        hb_face_builder_add_table(builder, tags[i], fresh[i]);
        hb_blob_destroy(fresh[i]);
    }
    hb_tag_t tag[64];
    unsigned ntags = 64;
    hb_face_get_table_tags(sub, 0, &ntags, tag);
    for (unsigned i = 0; i < ntags; i++) {
        int replaced = 0;
        for (int k = 0; k < 6; k++) replaced |= tag[i] == tags[k];
        if (replaced) continue;
        hb_blob_t *tb = hb_face_reference_table(sub, tag[i]);
        hb_face_builder_add_table(builder, tag[i], tb);
        hb_blob_destroy(tb);
    }
    result = hb_face_reference_blob(builder);
    hb_face_destroy(builder);
    if (!hb_blob_get_length(result)) {
        hb_blob_destroy(result);
        result = NULL;
    }
out:
    for (int i = 0; i < 6; i++) hb_blob_destroy(bl[i]);
    return result;
}

/* A fixed part (subset.h) is kept apart when it is at least this long and half its program, or
 * when it is nearly all of it (a face for a form's title and headings): otherwise its own
 * blocks cost more bytes (the stored bytes before it, the matches the rest of the program
 * could have found in it) than its stronger level saves. Every form for 200 members, against
 * commit 7662119: a 党性分析材料提纲 with 9 of its 80 KB apart came out 200 bytes larger, a
 * 民主评议情况通报 with 42 of 120 KB 1.3 KB larger, a 整改情况公布 with a 14 KB face 10 KB
 * apart 150 bytes larger; a notice, 67 of 100 KB, is 1 KB smaller. */
#define SUBSET_MIN_FIXED 32768

/* The CFF program of a CFF face's subset (sub, nglyphs glyphs), with a glyph for every CID past
 * them: the nv width variants first (their advance rewritten), then the characters sharing a
 * glyph (copies as they are). A variant whose advance cannot be rewritten is dropped from the
 * CID maps (drawn with TJ numbers, as when the font could not take it). Returns 0, -1, or 2 when
 * the first nfirst glyphs do not make a fixed part worth keeping apart (the caller then makes
 * the subset again without them in front). */
static int cff_program(hb_face_t *sub, const uint32_t *gids, unsigned nglyphs, unsigned nfirst, unsigned nv,
                       cffprog_cache **cache, subset_font *out)
{
    hb_blob_t *table = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
    unsigned n = out->ncid - nglyphs, upem = hb_face_get_upem(sub);
    uint16_t *src = ws_xcalloc(n + 1, sizeof *src);
    int *adv = ws_xcalloc(n + 1, sizeof *adv);
    unsigned char *ok = ws_xcalloc(n + 1, 1);
    for (unsigned k = 0; k < n; k++) {
        unsigned cid = nglyphs + k;
        src[k] = out->gid[cid]; /* the subset glyph it copies; from here on, CID = glyph id */
        out->gid[cid] = (uint16_t)cid;
        /* floor(adv * 1000 / upem) == width, as fonts.h measures */
        adv[k] = k < nv ? (int)(((unsigned long)out->width[cid] * upem + 999) / 1000) : -1;
    }
    int rc = -1;
    if (gids || cffprog_glyph_count(table) == nglyphs) {
        size_t fixed[2] = {0, 0};
        hb_blob_t *prog = cffprog_build_first(table, gids, nglyphs, gids ? nfirst : 0, src, adv, n, ok, gids ? cache : NULL, fixed);
        unsigned plen = prog ? hb_blob_get_length(prog) : 0;
        size_t rest = prog && plen >= fixed[0] + fixed[1] ? plen - fixed[0] - fixed[1] : 0;
        int worth = (fixed[1] >= SUBSET_MIN_FIXED && fixed[1] >= plen / 2) || (fixed[1] >= 1024 && rest <= 256);
        if (prog && nfirst && !worth) {
            hb_blob_destroy(prog); /* a fixed part not worth its own blocks: made again in glyph order */
            prog = NULL;
            rc = 2;
        }
        if (prog) {
            out->fixed_off = fixed[0];
            out->fixed_len = fixed[1];
            out->lookup->program = prog;
            rc = 0;
            for (unsigned k = 0; k < nv; k++)
                if (!ok[k]) {
                    unsigned cid = nglyphs + k;
                    hb_map_del(out->lookup->variant_cid, VARIANT_KEY(out->unicode[cid], (unsigned)out->width[cid]));
                    out->unicode[cid] = 0;
                }
        }
    }
    free(src);
    free(adv);
    free(ok);
    hb_blob_destroy(table);
    return rc;
}

/* How original glyph ids become subset ids: a list (fontprog, cffprog: position = new id) in two
 * sorted runs, [0, split) and [split, ngids), or hb-subset's plan. */
typedef struct {
    const uint32_t *gids;
    unsigned ngids, split;
    const hb_map_t *plan_map;
} gid_map;

static hb_codepoint_t find_gid(const uint32_t *gids, unsigned lo, unsigned hi, uint32_t old)
{
    unsigned end = hi;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (gids[mid] < old) lo = mid + 1;
        else hi = mid;
    }
    return lo < end && gids[lo] == old ? lo : HB_MAP_VALUE_INVALID;
}

static hb_codepoint_t new_gid(const gid_map *m, int old)
{
    if (old < 0) return HB_MAP_VALUE_INVALID;
    if (!m->gids) return hb_map_get(m->plan_map, (hb_codepoint_t)old);
    hb_codepoint_t g = find_gid(m->gids, 0, m->split, (uint32_t)old);
    return g != HB_MAP_VALUE_INVALID ? g : find_gid(m->gids, m->split, m->ngids, (uint32_t)old);
}

/* Makes the subset with fontprog (direct) or hb-subset. Returns 0, -1 after reporting, or 1
 * when fontprog cannot handle this face's data (the caller then tries hb-subset). */
static int build(fonts_set *fs, int face, const fonts_cpset *cps, const fonts_cpset *variants, const fonts_cpset *first,
                 int direct, subset_font *out, diag *d)
{
    memset(out, 0, sizeof *out);
    const face_info *fi = fonts_face(fs, face);
    int direct_cff = direct && fi && fi->cff; /* charstrings copied by cffprog, when it can */
    fontprog_source *prog = direct && !direct_cff ? fonts_prog_source(fs, face) : NULL;
    hb_face_t *src = direct ? NULL : fonts_subset_source(fs, face);
    if (!fi || (direct && !direct_cff && !prog) || (!direct && !src)) {
        if (direct && fi) return 1;
        diag_report(d, DIAG_ERROR, (diag_loc){0}, _("internal: no face %d in the font set"), face);
        return -1;
    }

    gid_map map = {0};
    hb_subset_plan_t *plan = NULL;
    hb_face_t *sub = NULL;
    unsigned nglyphs, nfirst = 0; /* nfirst: the front run's glyphs, .notdef included; 0: no front run */
    /* Each character with its glyph, in code point order: the glyph looked up once. */
    unsigned ncp = hb_set_get_population(cps->set);
    uint32_t *cpv = ws_xmalloc((ncp + 1) * sizeof *cpv);
    int *glv = ws_xmalloc((ncp + 1) * sizeof *glv), maxg = 0;
    ncp = 0;
    for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; hb_set_next(cps->set, &cp); ncp++) {
        cpv[ncp] = cp;
        glv[ncp] = fonts_glyph(fs, face, cp);
        if (glv[ncp] > maxg) maxg = glv[ncp];
    }
    if (direct) {
        /* The glyphs as bits (one word per 64 glyph ids up to the largest used), read back in
         * glyph order. */
        size_t nwords = (size_t)maxg / 64 + 1;
        uint64_t *bits = ws_xcalloc(nwords, sizeof *bits);
        for (unsigned i = 0; i < ncp; i++)
            if (glv[i] > 0) bits[glv[i] / 64] |= 1ULL << (glv[i] % 64);
        uint32_t *gids;
        unsigned n = 0, ngl = 0;
        if (direct_cff) {
            bits[0] |= 1; /* .notdef: CFF has no composite glyphs */
            gids = ws_xmalloc((ncp + 2) * sizeof *gids); /* at most one glyph a character, and .notdef */
            for (size_t w = 0; w < nwords; w++)
                for (uint64_t m = bits[w]; m; m &= m - 1) gids[n++] = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(m));
            ngl = n;
        } else {
            hb_set_t *glyphs = hb_set_create();
            for (size_t w = 0; w < nwords; w++)
                for (uint64_t m = bits[w]; m; m &= m - 1) hb_set_add(glyphs, (hb_codepoint_t)(w * 64 + (unsigned)__builtin_ctzll(m)));
            if (fontprog_closure(prog, glyphs) < 0) {
                hb_set_destroy(glyphs);
                free(bits);
                free(cpv);
                free(glv);
                return 1;
            }
            ngl = hb_set_get_population(glyphs);
            gids = ws_xmalloc((ngl + 1) * sizeof *gids);
            for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(glyphs, &g);) gids[n++] = g;
            hb_set_destroy(glyphs);
        }
        /* A CFF program can put the glyphs of first's characters in front, right after .notdef
         * (subset.h): both runs in glyph order. front: those glyphs as bits (all among the
         * glyphs above, so within nwords). */
        uint64_t *front = direct_cff && first ? ws_xcalloc(nwords, sizeof *front) : NULL;
        unsigned nfront = 0;
        for (uint32_t cp = FONTS_CPSET_START; front && fonts_cpset_next(first, &cp);) {
            int g = fonts_cpset_has(cps, cp) ? fonts_glyph(fs, face, cp) : -1;
            if (g <= 0) continue;
            uint64_t bit = 1ULL << (g % 64);
            if (!(front[g / 64] & bit)) nfront++;
            front[g / 64] |= bit;
        }
        /* see SUBSET_MIN_FIXED: too few in front (a few glyphs are under 1 KB) or less than half */
        if (front && (nfront < 4 || 2 * nfront < ngl)) {
            free(front);
            front = NULL;
        }
        if (front) {
            /* one pass: .notdef and the front glyphs keep their order, the others follow theirs */
            uint32_t *rest = ws_xmalloc((ngl + 1) * sizeof *rest);
            unsigned k = 0, r = 0;
            for (unsigned i = 0; i < n; i++) {
                uint32_t g = gids[i];
                if (!g || front[g / 64] >> (g % 64) & 1) gids[k++] = g;
                else rest[r++] = g;
            }
            memcpy(gids + k, rest, r * sizeof *rest);
            free(rest);
            nfirst = map.split = k;
        } else {
            map.split = n;
        }
        free(front);
        free(bits);
        map.gids = gids;
        map.ngids = n;
        nglyphs = n;
    } else {
        hb_subset_input_t *in = hb_subset_input_create_or_fail();
        if (!in) abort();
        hb_set_t *glyphs = hb_subset_input_glyph_set(in);
        for (unsigned i = 0; i < ncp; i++)
            if (glv[i] > 0) hb_set_add(glyphs, (hb_codepoint_t)glv[i]);
        hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
        for (size_t i = 0; i < sizeof dropped_tables / sizeof *dropped_tables; i++) hb_set_add(drop, dropped_tables[i]);
        hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);

        plan = hb_subset_plan_create_or_fail(src, in);
        sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
        hb_subset_input_destroy(in);
        if (!sub) {
            if (plan) hb_subset_plan_destroy(plan);
            free(cpv);
            free(glv);
            diag_report(d, DIAG_ERROR, (diag_loc){0}, _("cannot subset font %s (%s, face %d)"), fi->family, fi->file, fi->index);
            return -1;
        }
        nglyphs = hb_face_get_glyph_count(sub);
        map.plan_map = hb_subset_plan_old_to_new_glyph_mapping(plan);
    }

    /* CIDs: the subset glyph id for the first character of each glyph; then the width
     * variants, each a glyph of its own appended to the font; then one CID past those for each
     * further character sharing a glyph. */
    unsigned nvar = variants ? hb_set_get_population(variants->set) : 0;
    unsigned cap = nglyphs + hb_set_get_population(cps->set) + nvar + 1;
    out->unicode = ws_xcalloc(cap, sizeof *out->unicode);
    out->gid = ws_xcalloc(cap, sizeof *out->gid);
    out->width = ws_xcalloc(cap, sizeof *out->width);
    subset_lookup *L = out->lookup = ws_xcalloc(1, sizeof *out->lookup);
    L->cid_of = hb_map_create();
    L->variant_cid = hb_map_create();
    out->identity = 1;
    uint32_t *shared = ws_xcalloc(hb_set_get_population(cps->set) + 1, sizeof *shared);
    size_t nshared = 0;
    for (unsigned i = 0; i < ncp; i++) {
        uint32_t cp = cpv[i];
        int g = glv[i];
        if (g <= 0) continue;
        hb_codepoint_t ng = new_gid(&map, g);
        if (ng == HB_MAP_VALUE_INVALID || ng >= nglyphs) continue;
        if (out->unicode[ng]) {
            shared[nshared++] = cp;
            continue;
        }
        out->unicode[ng] = cp;
        out->gid[ng] = (uint16_t)ng;
        out->width[ng] = (int16_t)fonts_advance(fs, face, cp);
        hb_map_set(L->cid_of, cp, ng);
    }
    free(cpv);
    free(glv);
    out->ncid = nglyphs ? nglyphs : 1;

    uint16_t *vsrc = ws_xcalloc(nvar + 1, sizeof *vsrc), *vadv = ws_xcalloc(nvar + 1, sizeof *vadv);
    unsigned nv = 0;
    for (hb_codepoint_t key = HB_SET_VALUE_INVALID; variants && hb_set_next(variants->set, &key);) {
        hb_codepoint_t base = hb_map_get(L->cid_of, key >> 11);
        if (base == HB_MAP_VALUE_INVALID || nglyphs + nv >= 0xFFFF) continue; /* drawn with TJ numbers */
        unsigned w = key & VARIANT_MAX_WIDTH, cid = nglyphs + nv;
        vsrc[nv] = (uint16_t)base;
        vadv[nv] = (uint16_t)(((unsigned long)w * fi->upem + 999) / 1000); /* floor(adv*1000/upem) == w */
        out->unicode[cid] = key >> 11;
        out->gid[cid] = (uint16_t)(fi->cff ? base : cid); /* CFF: the glyph copied (cff_program) */
        out->width[cid] = (int16_t)w;
        hb_map_set(L->variant_cid, key, cid);
        nv++;
    }
    if (direct_cff) {
        /* built below, as for hb-subset's CFF */
    } else if (direct) {
        L->program = fontprog_build(prog, map.gids, map.ngids, vsrc, vadv, nv);
        free((void *)map.gids);
        if (!L->program) { /* malformed glyph data: hb-subset may still cope */
            free(vsrc);
            free(vadv);
            free(shared);
            subset_free(out);
            return 1;
        }
    } else if (fi->cff) {
        /* built below, once the characters sharing a glyph have their CIDs too */
    } else {
        L->program = nv ? with_variant_glyphs(sub, nglyphs, vsrc, vadv, nv) : NULL;
        if (nv && !L->program) { /* could not add glyphs: the variants fall back to TJ numbers */
            for (unsigned k = 0; k < nv; k++) out->unicode[nglyphs + k] = 0;
            hb_map_clear(L->variant_cid);
            nv = 0;
        }
        if (!L->program) L->program = hb_face_reference_blob(sub);
    }
    free(vsrc);
    free(vadv);
    out->ncid += nv;

    for (size_t i = 0; i < nshared; i++) {
        hb_codepoint_t ng = new_gid(&map, fonts_glyph(fs, face, shared[i]));
        if (out->ncid > 0xFFFF) { /* no 2-byte code left: drawn, but extracts as the first */
            hb_map_set(L->cid_of, shared[i], ng);
            continue;
        }
        unsigned cid = out->ncid++;
        out->identity = fi->cff; /* a CFF program gets a copy of the glyph (cff_program) */
        out->unicode[cid] = shared[i];
        out->gid[cid] = (uint16_t)ng;
        out->width[cid] = (int16_t)fonts_advance(fs, face, shared[i]);
        hb_map_set(L->cid_of, shared[i], cid);
    }
    free(shared);
    int made = fi->cff ? cff_program(direct_cff ? fonts_hb_face(fs, face) : sub, direct_cff ? map.gids : NULL, nglyphs,
                                     nfirst, nv, fonts_cff_cache(fs, face), out)
                       : 0;
    if (made == 2) {
        if (sub) hb_face_destroy(sub);
        if (plan) hb_subset_plan_destroy(plan);
        free((void *)map.gids);
        subset_free(out);
        return 2;
    }
    if (made < 0) {
        if (sub) hb_face_destroy(sub);
        if (plan) hb_subset_plan_destroy(plan);
        free((void *)map.gids);
        subset_free(out);
        if (direct_cff) return 1; /* subroutines, or data cffprog does not know: hb-subset */
        diag_report(d, DIAG_ERROR, (diag_loc){0}, _("cannot subset font %s (%s, face %d): unexpected CFF data"), fi->family,
                    fi->file, fi->index);
        return -1;
    }
    if (direct_cff) free((void *)map.gids);
    unsigned plen;
    out->program = (const unsigned char *)hb_blob_get_data(L->program, &plen);
    out->program_len = plen;
    if (sub) hb_face_destroy(sub);
    if (plan) hb_subset_plan_destroy(plan);

    /* The subset tag is derived from what the subset contains, so it is stable across runs. */
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, fi->file, strlen(fi->file));
    h = fnv1a(h, &fi->index, sizeof fi->index);
    for (unsigned c = 0; c < out->ncid; c++) {
        uint32_t k[3] = {c, out->unicode[c], (uint32_t)out->width[c]};
        if (out->unicode[c]) h = fnv1a(h, k, sizeof k);
    }
    char ps[64];
    postscript_name(fonts_hb_face(fs, face), fi->index, ps, sizeof ps);
    char tag[7];
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = 0;
    snprintf(out->base_font, sizeof out->base_font, "%s+%s", tag, ps);
    return 0;
}

int subset_build_first(fonts_set *fs, int face, const fonts_cpset *cps, const fonts_cpset *variants, const fonts_cpset *first,
                       subset_font *out, diag *d)
{
    int rc = build(fs, face, cps, variants, first, 1, out, d);
    if (rc == 2) rc = build(fs, face, cps, variants, NULL, 1, out, d);
    return rc == 1 ? build(fs, face, cps, variants, NULL, 0, out, d) : rc;
}

int subset_build(fonts_set *fs, int face, const fonts_cpset *cps, const fonts_cpset *variants, subset_font *out, diag *d)
{
    return subset_build_first(fs, face, cps, variants, NULL, out, d);
}

void subset_free(subset_font *sf)
{
    if (!sf) return;
    if (sf->lookup) {
        hb_blob_destroy(sf->lookup->program);
        hb_map_destroy(sf->lookup->cid_of);
        hb_map_destroy(sf->lookup->variant_cid);
        free(sf->lookup);
    }
    free(sf->unicode);
    free(sf->gid);
    free(sf->width);
    memset(sf, 0, sizeof *sf);
}

uint32_t subset_cid_of(const subset_font *sf, uint32_t cp)
{
    /* HB_MAP_VALUE_INVALID is SUBSET_NO_CID: both are all ones */
    return sf->lookup ? hb_map_get(sf->lookup->cid_of, cp) : SUBSET_NO_CID;
}

uint32_t subset_variant_cid(const subset_font *sf, uint32_t cp, unsigned w)
{
    return sf->lookup ? hb_map_get(sf->lookup->variant_cid, VARIANT_KEY(cp, w)) : SUBSET_NO_CID;
}
