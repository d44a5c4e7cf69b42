/* fontprog: subset programs written straight from the glyf tables must draw every glyph as the
 * original face does (composite glyphs with renumbered components included), carry its advance,
 * and keep no hinting. */
#include <stdlib.h>
#include <string.h>

#include <hb-ot.h>

#include "tap.h"
#include "fonts/cpset.h"
#include "fonts/fontprog_int.h"
#include "fonts/fonts.h"
#include "fonts/fonts_int.h"
#include "fonts/subset.h"

/* A hash of a glyph's outline as drawn (every command and point), to compare two faces. */
typedef struct {
    uint64_t h;
    unsigned ops;
} outline_hash;

static void mix(outline_hash *o, int op, float a, float b, float c, float d, float e, float f)
{
    float v[6] = {a, b, c, d, e, f};
    o->h = (o->h ^ (uint64_t)op) * 0x100000001b3ULL;
    for (int i = 0; i < 6; i++) o->h = (o->h ^ (uint64_t)(int64_t)(v[i] * 64)) * 0x100000001b3ULL;
    o->ops++;
}

static void move_to(hb_draw_funcs_t *df, void *o, hb_draw_state_t *st, float x, float y, void *u)
{
    (void)df, (void)st, (void)u;
    mix(o, 1, x, y, 0, 0, 0, 0);
}
static void line_to(hb_draw_funcs_t *df, void *o, hb_draw_state_t *st, float x, float y, void *u)
{
    (void)df, (void)st, (void)u;
    mix(o, 2, x, y, 0, 0, 0, 0);
}
static void quad_to(hb_draw_funcs_t *df, void *o, hb_draw_state_t *st, float cx, float cy, float x, float y, void *u)
{
    (void)df, (void)st, (void)u;
    mix(o, 3, cx, cy, x, y, 0, 0);
}
static void cubic_to(hb_draw_funcs_t *df, void *o, hb_draw_state_t *st, float c1x, float c1y, float c2x, float c2y,
                     float x, float y, void *u)
{
    (void)df, (void)st, (void)u;
    mix(o, 4, c1x, c1y, c2x, c2y, x, y);
}
static void close_path(hb_draw_funcs_t *df, void *o, hb_draw_state_t *st, void *u)
{
    (void)df, (void)st, (void)u;
    mix(o, 5, 0, 0, 0, 0, 0, 0);
}

static hb_draw_funcs_t *draw_funcs(void)
{
    hb_draw_funcs_t *df = hb_draw_funcs_create();
    hb_draw_funcs_set_move_to_func(df, move_to, NULL, NULL);
    hb_draw_funcs_set_line_to_func(df, line_to, NULL, NULL);
    hb_draw_funcs_set_quadratic_to_func(df, quad_to, NULL, NULL);
    hb_draw_funcs_set_cubic_to_func(df, cubic_to, NULL, NULL);
    hb_draw_funcs_set_close_path_func(df, close_path, NULL, NULL);
    return df;
}

static outline_hash outline(hb_font_t *font, hb_draw_funcs_t *df, hb_codepoint_t g)
{
    outline_hash o = {0xcbf29ce484222325ULL, 0};
    hb_font_get_glyph_shape(font, g, df, &o);
    return o;
}

/* Every glyph k of the program draws as gids[k] of the original, with its advance. */
static int same_glyphs(hb_font_t *orig, hb_font_t *sub, const uint32_t *gids, unsigned n, hb_draw_funcs_t *df,
                       unsigned *drawn)
{
    *drawn = 0;
    for (unsigned k = 0; k < n; k++) {
        outline_hash a = outline(orig, df, gids[k]), b = outline(sub, df, k);
        if (a.h != b.h || a.ops != b.ops) return 0;
        if (hb_font_get_glyph_h_advance(orig, gids[k]) != hb_font_get_glyph_h_advance(sub, k)) return 0;
        *drawn += a.ops > 0;
    }
    return 1;
}

static unsigned maxp_field(hb_face_t *face, unsigned offset)
{
    hb_blob_t *b = hb_face_reference_table(face, HB_TAG('m', 'a', 'x', 'p'));
    unsigned len;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(b, &len);
    unsigned v = offset + 2 <= len ? (unsigned)p[offset] << 8 | p[offset + 1] : 0xFFFFu;
    hb_blob_destroy(b);
    return v;
}

int main(void)
{
    diag *d = diag_new(NULL);
    fonts_set *fs = fonts_new();
    const char *const latin[] = {"DejaVu Sans"}, *const cjk[] = {"AR PL UMing CN"};
    int ok = fonts_set_chain(fs, ROLE_MONO, latin, 1, d) == 1 && fonts_set_chain(fs, ROLE_BODY, cjk, 1, d) == 1;
    CHECK(ok, "DejaVu Sans and UMing resolve");
    int dv = fonts_face_for(fs, ROLE_MONO, 0xE9), um = fonts_face_for(fs, ROLE_BODY, 0x4E2D);
    fontprog_source *src = fonts_prog_source(fs, dv);
    CHECK(src != NULL && fonts_prog_source(fs, dv) == src, "a glyf face has a source, made once");
    CHECK(fontprog_source_new(hb_face_get_empty()) == NULL, "a face without glyf tables has none");

    /* é, Å and ǻ are composites in DejaVu Sans: their components come along and are renumbered */
    hb_set_t *glyphs = hb_set_create();
    const uint32_t text[] = {'A', 0xE9, 0xC5, 0x1FB, 'x'};
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) hb_set_add(glyphs, (hb_codepoint_t)fonts_glyph(fs, dv, text[i]));
    unsigned asked = hb_set_get_population(glyphs);
    CHECK(fontprog_closure(src, glyphs) == 0 && hb_set_has(glyphs, 0) && hb_set_get_population(glyphs) > asked + 1,
          "closure adds .notdef and the components (%u glyphs for %u asked)", hb_set_get_population(glyphs), asked);
    unsigned n = 0;
    uint32_t gids[64];
    for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(glyphs, &g) && n < 64;) gids[n++] = g;

    hb_draw_funcs_t *df = draw_funcs();
    hb_font_t *orig = hb_font_create(fonts_hb_face(fs, dv));
    uint16_t vsrc[1] = {0}, vadv[1] = {333};
    for (unsigned k = 0; k < n; k++)
        if (gids[k] == (uint32_t)fonts_glyph(fs, dv, 0xE9)) vsrc[0] = (uint16_t)k;
    hb_blob_t *prog = fontprog_build(src, gids, n, vsrc, vadv, 1);
    CHECK(prog != NULL && hb_blob_get_length(prog) > 100, "program built (%u bytes)", prog ? hb_blob_get_length(prog) : 0);
    hb_face_t *pf = hb_face_create(prog, 0);
    hb_font_t *sub = hb_font_create(pf);
    unsigned drawn = 0;
    CHECK(hb_face_get_glyph_count(pf) == n + 1, "glyph count %u = %u + 1 variant", hb_face_get_glyph_count(pf), n);
    CHECK(same_glyphs(orig, sub, gids, n, df, &drawn) && drawn >= asked - 1,
          "every glyph draws exactly as in the face, composites included (%u with outlines)", drawn);
    outline_hash a = outline(sub, df, vsrc[0]), b = outline(sub, df, n);
    CHECK(vsrc[0] && a.h == b.h && a.ops && hb_font_get_glyph_h_advance(sub, n) == 333,
          "the variant draws as é with advance 333");
    CHECK(maxp_field(pf, 4) == n + 1 && maxp_field(pf, 26) == 0 && maxp_field(pf, 20) == 0,
          "maxp: numGlyphs, no instructions, no function definitions");
    /* A variant costs a one-component composite, not a copy of its outline. */
    hb_blob_t *plain = fontprog_build(src, gids, n, NULL, NULL, 0);
    unsigned grown = hb_blob_get_length(prog) - hb_blob_get_length(plain);
    CHECK(grown <= 16 + 4 + 4 + 3, "a variant adds %u bytes: 16 of glyph, its metrics and location", grown);
    hb_face_t *plain_face = hb_face_create(plain, 0);
    CHECK(maxp_field(pf, 30) == maxp_field(plain_face, 30) + 1 && maxp_field(pf, 28) >= 1,
          "maxp: one more level of components (%u)", maxp_field(pf, 30));
    hb_face_destroy(plain_face);
    hb_blob_destroy(plain);
    hb_blob_t *fpgm = hb_face_reference_table(pf, HB_TAG('f', 'p', 'g', 'm'));
    CHECK(hb_blob_get_length(fpgm) == 0, "no hinting tables");
    hb_blob_destroy(fpgm);
    hb_font_destroy(sub);
    hb_face_destroy(pf);
    hb_blob_destroy(prog);
    uint32_t bad[2] = {0, 0xFFF0};
    CHECK(fontprog_build(src, bad, 2, NULL, NULL, 0) == NULL, "a glyph id past the face is refused");
    hb_font_destroy(orig);
    hb_set_destroy(glyphs);

    /* the same through subset_build for UMing: each CID draws its character */
    fonts_cpset *cps = fonts_cpset_new();
    const uint32_t han[] = {0x4E2D, 0x6587, 0x515A, 0x5458, 0xFF0C, 0x3002, '2', '0', '5'};
    for (size_t i = 0; i < sizeof han / sizeof *han; i++) fonts_cpset_add(cps, han[i]);
    subset_font sf;
    int rc = subset_build(fs, um, cps, NULL, &sf, d);
    CHECK(rc == 0 && sf.ncid == 10 && sf.identity, "UMing subset: 9 characters, CIDs 1..9 (ncid %u)", sf.ncid);
    hb_blob_t *ub = hb_blob_create((const char *)sf.program, (unsigned)sf.program_len, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *uf = hb_face_create(ub, 0);
    hb_blob_destroy(ub);
    hb_font_t *usub = hb_font_create(uf), *uorig = hb_font_create(fonts_hb_face(fs, um));
    int all = rc == 0;
    for (size_t i = 0; all && i < sizeof han / sizeof *han; i++) {
        hb_codepoint_t cid = subset_cid_of(&sf, han[i]);
        outline_hash x = outline(uorig, df, (hb_codepoint_t)fonts_glyph(fs, um, han[i])), y = outline(usub, df, cid);
        all = x.h == y.h && x.ops == y.ops && x.ops > 0 && sf.width[cid] == fonts_advance(fs, um, han[i]);
    }
    CHECK(all, "every character's CID draws its outline in the subset, with the width layout measured");
    hb_font_destroy(usub);
    hb_font_destroy(uorig);
    hb_face_destroy(uf);
    subset_free(&sf);
    fonts_cpset_free(cps);

    hb_draw_funcs_destroy(df);
    fonts_free(fs);
    diag_free(d);
    return TAP_DONE();
}
