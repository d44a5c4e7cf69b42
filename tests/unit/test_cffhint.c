/* cffhint (hints out of Type 2 charstrings) on hand-made charstrings, and cffprog's whole
 * program for every glyph of FandolFang and FandolSong Bold (all five Fandol faces with
 * CFFHINT_ALL_FACES=1): FreeType reads the same outline points and advances
 * from it as from the face itself (skipped when FandolFang is not installed). */
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "fonts/cffhint_int.h"
#include "fonts/cffprog_int.h"
#include "fonts/fonts.h"
#include "fonts/fonts_int.h"
#include "fonts/subset.h"

/* a small integer operand */
#define N(v) (unsigned char)((v) + 139)

static int strips_to(const unsigned char *in, size_t inlen, const unsigned char *want, size_t wantlen)
{
    ws_buf out = {0};
    ws_buf_put(&out, "x", 1); /* appended after what is there */
    int ok = cffhint_strip(in, inlen, &out) == 0 && out.len == 1 + wantlen && !memcmp(out.data + 1, want, wantlen);
    ws_buf_free(&out);
    return ok;
}

static int refused(const unsigned char *in, size_t inlen)
{
    ws_buf out = {0};
    ws_buf_put(&out, "xy", 2);
    int ok = cffhint_strip(in, inlen, &out) < 0 && out.len == 2 && !memcmp(out.data, "xy", 2);
    ws_buf_free(&out);
    return ok;
}

static void synthetic(void)
{
    /* width 50; hstemhm 10 20; the implicit vstem 30 40 before hintmask (2 stems: 1 mask byte);
     * rmoveto; rlineto; a hint replacement mid-path; rlineto; endchar */
    const unsigned char a[] = {N(50), N(10), N(20), 18, N(30), N(40), 19, 0xC0, N(5), N(6), 21, N(7), N(8), 5,
                               19, 0x80, N(1), N(1), 5, 14};
    const unsigned char a2[] = {N(50), N(5), N(6), 21, N(7), N(8), 5, N(1), N(1), 5, 14};
    CHECK(strips_to(a, sizeof a, a2, sizeof a2), "stems, implicit vstems and hintmasks go; the width moves to rmoveto");

    /* no width: an even count at hstem, one operand at hmoveto */
    const unsigned char c[] = {N(10), N(20), 1, N(5), 22, N(7), N(8), 5, 14};
    const unsigned char c2[] = {N(5), 22, N(7), N(8), 5, 14};
    CHECK(strips_to(c, sizeof c, c2, sizeof c2), "without a width nothing is moved");

    /* 9 stems: the masks take 2 bytes, here bytes that read as operators (endchar, rmoveto) */
    const unsigned char d[] = {N(1), N(2), N(3), N(4), N(5), N(6), 18,                     /* 3 hstems */
                               N(1), N(2), N(3), N(4), N(5), N(6), N(7), N(8), N(9), N(10), N(11), N(12),
                               20, 14, 21,                                                 /* cntrmask, 9 stems */
                               N(0), N(0), 21, 19, 14, 21, N(1), N(0), 5, 14};
    const unsigned char d2[] = {N(0), N(0), 21, N(1), N(0), 5, 14};
    CHECK(strips_to(d, sizeof d, d2, sizeof d2), "mask bytes counted from the stems (9 stems: 2 bytes), never read as operators");

    /* the width at vstem, then endchar alone (an empty glyph) */
    const unsigned char e[] = {N(-100), N(10), N(20), 3, 14};
    const unsigned char e2[] = {N(-100), 14};
    CHECK(strips_to(e, sizeof e, e2, sizeof e2), "a width taken from vstem is kept for endchar");

    /* a width given at the moveto itself stays where it is */
    const unsigned char f[] = {N(10), N(20), 1, N(60), N(5), N(6), 21, 14};
    const unsigned char f2[] = {N(60), N(5), N(6), 21, 14};
    CHECK(strips_to(f, sizeof f, f2, sizeof f2), "a width at rmoveto (3 operands) stays");

    /* two-byte and 16-bit operands, escaped flex, and bytes after endchar left out */
    const unsigned char g[] = {28, 0x01, 0x00, 247, 0x10, 1, N(0), N(0), 21,
                               N(1), N(2), N(3), N(4), N(5), N(6), N(7), N(8), N(9), N(10), N(11), N(12), N(50), 12, 35,
                               14, 0x99};
    const unsigned char g2[] = {N(0), N(0), 21, N(1), N(2), N(3), N(4), N(5), N(6), N(7), N(8), N(9), N(10), N(11), N(12),
                                N(50), 12, 35, 14};
    CHECK(strips_to(g, sizeof g, g2, sizeof g2), "16-bit and two-byte stem operands go; flex (12 35) is kept");

    const unsigned char h[] = {N(10), N(20), 1, N(0), N(0), 21, N(3), 10, 14};
    CHECK(refused(h, sizeof h), "a subroutine call: refused, the buffer as it was");
    const unsigned char i[] = {N(0), N(0), 21, N(1), N(2), 12, 10, 14};
    CHECK(refused(i, sizeof i), "an arithmetic operator (12 10 add): refused");
    const unsigned char j[] = {N(1), N(1), 5, 14};
    CHECK(refused(j, sizeof j), "a path before any moveto: refused");
    const unsigned char k[] = {N(1), N(2), 1, N(3), N(4), 19};
    CHECK(refused(k, sizeof k), "a mask running past the end: refused");
    const unsigned char l[] = {N(0), N(0), 21, N(1), N(1), 5};
    CHECK(refused(l, sizeof l), "no endchar: refused");
    const unsigned char m[] = {N(0), N(0), 21, N(1), N(2), N(3), 1, 14};
    CHECK(refused(m, sizeof m), "an odd stem count after the first moveto: refused");
}

/* The outline of glyph g of face, in font units, as one comparable string. */
static int outline_of(FT_Face face, unsigned g, ws_buf *out)
{
    if (FT_Load_Glyph(face, g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING)) return -1;
    FT_Outline *o = &face->glyph->outline;
    ws_buf_printf(out, "adv %ld n %d c %d:", face->glyph->metrics.horiAdvance, o->n_points, o->n_contours);
    for (int i = 0; i < o->n_points; i++) ws_buf_printf(out, " %ld,%ld,%d", o->points[i].x, o->points[i].y, o->tags[i] & 3);
    return 0;
}

static void whole_face(const char *family)
{
    diag *d = diag_new(NULL);
    fonts_set *fs = fonts_new();
    const char *const fam[] = {family};
    if (fonts_set_chain(fs, ROLE_BODY, fam, 1, d) != 1 || !fonts_face(fs, 0)->cff) {
        printf("# %s not installed: its program is not checked\n", family);
        CHECK(1, "skipped: %s not installed", family);
        fonts_free(fs);
        diag_free(d);
        return;
    }
    hb_blob_t *table = hb_face_reference_table(fonts_hb_face(fs, 0), HB_TAG('C', 'F', 'F', ' '));
    unsigned count = cffprog_glyph_count(table);
    uint32_t *gids = malloc(count * sizeof *gids);
    for (unsigned g = 0; g < count; g++) gids[g] = g;
    unsigned char ok[1];
    cffprog_cache *cache = NULL;
    hb_blob_t *prog = cffprog_build(table, gids, count, NULL, NULL, 0, ok, &cache);
    CHECK(prog && count > 5000, "%s: a program of all %u glyphs", family, count);
    hb_blob_t *again = cffprog_build(table, gids, count, NULL, NULL, 0, ok, &cache);
    unsigned plen = 0, alen = 0, tlen = hb_blob_get_length(table);
    const char *pdata = prog ? hb_blob_get_data(prog, &plen) : NULL, *adata = again ? hb_blob_get_data(again, &alen) : NULL;
    CHECK(pdata && adata && plen == alen && !memcmp(pdata, adata, plen), "the same program again from the cache");
    /* FandolFang has hints (4 % of its charstrings); FandolSong and FandolKai have none */
    CHECK(plen && (strcmp(family, "FandolFang") ? plen <= tlen : plen < tlen * 97 / 100),
          "without hints: %u bytes, the face's CFF %u", plen, tlen);

    FT_Library lib;
    FT_Face src = NULL, sub = NULL;
    int ft = !FT_Init_FreeType(&lib);
    ft = ft && !FT_New_Face(lib, fonts_face(fs, 0)->file, 0, &src) && !FT_New_Memory_Face(lib, (const FT_Byte *)pdata, (FT_Long)plen, 0, &sub);
    CHECK(ft && sub->num_glyphs == (FT_Long)count, "FreeType reads the program (%ld glyphs)", ft ? sub->num_glyphs : 0L);
    unsigned same = 0, first_bad = 0;
    for (unsigned g = 0; ft && g < count; g++) {
        ws_buf a = {0}, b = {0};
        if (outline_of(src, g, &a) == 0 && outline_of(sub, g, &b) == 0 && a.len == b.len && !memcmp(a.data, b.data, a.len))
            same++;
        else if (!first_bad)
            first_bad = g;
        ws_buf_free(&a);
        ws_buf_free(&b);
    }
    CHECK(same == count, "every glyph's outline points and advance as in the face (%u of %u; first differing %u)", same, count,
          first_bad);
    if (sub) FT_Done_Face(sub);
    if (src) FT_Done_Face(src);
    if (ft) FT_Done_FreeType(lib);
    hb_blob_destroy(prog);
    hb_blob_destroy(again);
    hb_blob_destroy(table);
    cffprog_cache_free(cache);
    free(gids);
    fonts_free(fs);
    diag_free(d);
}

/* A name-keyed CFF face with subroutines (TeX Gyre Termes, Debian's fonts-texgyre; skipped
 * without it): cffprog leaves such a face to hb-subset and rewrites hb-subset's CFF. Every CID
 * of the subset, width variants included, must draw its character's outline, and a variant have
 * the width asked for. */
static void subroutinized(void)
{
    diag *d = diag_new(NULL);
    fonts_set *fs = fonts_new();
    const char *const termes[] = {"TeX Gyre Termes:style=Regular"};
    if (fonts_set_chain(fs, ROLE_BODY, termes, 1, d) != 1 || !fonts_face(fs, 0)->cff) {
        printf("# TeX Gyre Termes (fonts-texgyre) not installed: the hb-subset path for CFF with subroutines is not checked\n");
        CHECK(1, "skipped: TeX Gyre Termes not installed");
        fonts_free(fs);
        diag_free(d);
        return;
    }
    const char *text = "Hamburgefonstiv,.;:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ()";
    fonts_cpset *cps = fonts_cpset_new(), *var = fonts_cpset_new();
    for (const char *p = text; *p; p++) fonts_cpset_add(cps, (unsigned char)*p);
    fonts_cpset_add(var, VARIANT_KEY(',', 200)); /* a comma given 0.2 em, a period 0.3 em */
    fonts_cpset_add(var, VARIANT_KEY('.', 300));
    /* the first subsets of a face come from the face itself, later ones from a prepared copy:
     * both are checked */
    for (int round = 0; round < 3; round++) {
        subset_font sf;
        int rc = subset_build(fs, 0, cps, var, &sf, d);
        CHECK(rc == 0 && sf.program, "round %d: TeX Gyre Termes subset by hb-subset (%zu bytes)", round, rc ? 0 : sf.program_len);
        if (rc) continue;
        FT_Library lib;
        FT_Face src = NULL, sub = NULL;
        int ft = !FT_Init_FreeType(&lib) && !FT_New_Face(lib, fonts_face(fs, 0)->file, 0, &src) &&
                 !FT_New_Memory_Face(lib, sf.program, (FT_Long)sf.program_len, 0, &sub);
        CHECK(ft && sub->num_glyphs == (FT_Long)sf.ncid, "round %d: FreeType reads it, a glyph per CID (%ld, %u CIDs)", round,
              ft ? sub->num_glyphs : 0L, sf.ncid);
        unsigned same = 0, mapped = 0, bad = 0, variants = 0;
        for (unsigned c = 1; ft && c < sf.ncid; c++) {
            if (!sf.unicode[c]) continue;
            mapped++;
            ws_buf a = {0}, b = {0};
            int ok = outline_of(src, FT_Get_Char_Index(src, sf.unicode[c]), &a) == 0 && outline_of(sub, sf.gid[c], &b) == 0;
            /* the outlines (after the advance) must match; the advance too except for a variant */
            const char *pa = ok ? strchr(a.data, 'n') : NULL, *pb = ok ? strchr(b.data, 'n') : NULL;
            ok = ok && pa && pb && !strcmp(pa, pb);
            unsigned w = (unsigned)(sub->glyph->metrics.horiAdvance * 1000 / sub->units_per_EM);
            if (ok && subset_variant_cid(&sf, sf.unicode[c], (unsigned)sf.width[c]) == c && (sf.unicode[c] == ',' || sf.unicode[c] == '.')) {
                variants++;
                ok = w == (unsigned)sf.width[c];
            } else if (ok) {
                ok = !strcmp(a.data, b.data);
            }
            if (ok) same++;
            else if (!bad) bad = c;
            ws_buf_free(&a);
            ws_buf_free(&b);
        }
        CHECK(ft && mapped >= strlen(text) && same == mapped,
              "round %d: every CID draws its character's outline (%u of %u; first wrong CID %u)", round, same, mapped, bad);
        CHECK(variants == 2, "round %d: the two width variants have the widths asked for (%u)", round, variants);
        if (sub) FT_Done_Face(sub);
        if (src) FT_Done_Face(src);
        if (ft) FT_Done_FreeType(lib);
        subset_free(&sf);
    }
    fonts_cpset_free(cps);
    fonts_cpset_free(var);
    fonts_free(fs);
    diag_free(d);
}

int main(void)
{
    subroutinized();
    synthetic();
    const char *faces[] = {"FandolFang", "FandolSong:style=Bold", "FandolHei:style=Regular", "FandolKai", "FandolSong:style=Regular"};
    const char *which = getenv("CFFHINT_ALL_FACES"); /* the two most used by default, all five on request */
    for (int i = 0; i < (which ? 5 : 2); i++) whole_face(faces[i]);
    return TAP_DONE();
}
