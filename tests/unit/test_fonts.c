#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "fonts/cpset.h"
#include "fonts/fonts.h"
#include "fonts/fonts_int.h"

static const char *const BODY[] = {"AR PL UMing CN", "HanaMinA", "HanaMinB"};

int main(void)
{
    CHECK(fonts_role_from_name("kai") == ROLE_KAI && !strcmp(fonts_role_name(ROLE_MONO), "mono"), "role names");
    CHECK(fonts_role_from_name("fangsong") == -1, "unknown role name is -1");

    diag *d = diag_new(NULL);
    fonts_set *fs = fonts_new();
    CHECK(fs != NULL, "fonts_set created");

    int n = fonts_set_chain(fs, ROLE_BODY, BODY, 3, d);
    CHECK(n == 3, "body chain resolves 3 faces (got %d)", n);
    const face_info *fi = fonts_face(fs, 0);
    CHECK(fi && !strcmp(fi->family, "AR PL UMing CN") && strstr(fi->file, "uming.ttc") && fi->index == 0,
          "UMing CN is uming.ttc index 0 (%s %s %d)", fi ? fi->family : "-", fi ? fi->file : "-", fi ? fi->index : -1);
    CHECK(fi && fi->upem == 1024 && fi->ascender > 500 && fi->descender < 0, "metrics: upem %u asc %d desc %d",
          fi ? fi->upem : 0, fi ? fi->ascender : 0, fi ? fi->descender : 0);

    const char *const missing[] = {"FZXiaoBiaoSong-B05 (not installed)", "AR PL UMing CN"};
    n = fonts_set_chain(fs, ROLE_TITLE, missing, 2, d);
    CHECK(n == 1 && diag_count(d, DIAG_WARNING) == 1, "a missing family is skipped with a warning, not replaced");
    CHECK(diag_nmessages(d) == 1 && strstr(diag_message(d, 0), "FZXiaoBiaoSong"), "warning names the family: %s",
          diag_nmessages(d) ? diag_message(d, 0) : "");
    CHECK(fonts_face_for(fs, ROLE_TITLE, 0x4E2D) == fonts_face_for(fs, ROLE_BODY, 0x4E2D),
          "roles resolving to the same file and index share a face");
    const char *const nothing[] = {"No Such Family"};
    CHECK(fonts_set_chain(fs, ROLE_SONG, nothing, 1, d) == 0, "a chain of missing families has 0 faces");

    int body = fonts_face_for(fs, ROLE_BODY, 0x4E2D);
    CHECK(body == 0, "中 comes from the first face");
    CHECK(fonts_advance(fs, body, 0x4E2D) == 1000, "中 is 1000/1000 em wide");
    CHECK(fonts_advance(fs, body, 'A') == 500 && fonts_advance(fs, body, 0xFF0C) == 1000,
          "Latin 500, full-width comma 1000");
    CHECK(fonts_face_for(fs, ROLE_BODY, 0x2003E) == 0, "𠀾 U+2003E is in UMing");
    int ji = fonts_face_for(fs, ROLE_BODY, 0x20BB7);
    CHECK(ji > 0 && strstr(fonts_face(fs, ji)->family, "HanaMin"), "𠮷 U+20BB7 falls through to HanaMin (face %d %s)",
          ji, ji >= 0 ? fonts_face(fs, ji)->family : "-");
    CHECK(ji >= 0 && fonts_advance(fs, ji, 0x20BB7) > 0 && fonts_glyph(fs, ji, 0x20BB7) > 0,
          "𠮷 has an advance and a glyph");
    const uint32_t rare[] = {0x5803, 0x5586, 0x8D5F, 0x36C3, 0x4DAE};
    int all = 1;
    for (size_t i = 0; i < 5; i++) {
        int f = fonts_face_for(fs, ROLE_BODY, rare[i]);
        all &= f >= 0 && fonts_glyph(fs, f, rare[i]) > 0;
    }
    CHECK(all, "堃喆赟㛃䶮 each have a face that draws them");

    /* the advance is floor(hmtx * 1000 / upem), as in libharu's /W */
    hb_font_t *font = hb_font_create(fonts_hb_face(fs, ji));
    long a = hb_font_get_glyph_h_advance(font, (hb_codepoint_t)fonts_glyph(fs, ji, 0x20BB7));
    CHECK(fonts_advance(fs, ji, 0x20BB7) == (int)(a * 1000 / fonts_face(fs, ji)->upem),
          "advance = floor(h_advance*1000/upem)");
    hb_font_destroy(font);

    /* ink, cap height and bounding box: HarfBuzz's numbers, behind fonts.h */
    hb_font_t *bf = hb_font_create(fonts_hb_face(fs, body));
    hb_codepoint_t g = (hb_codepoint_t)fonts_glyph(fs, body, 0xFF0C);
    hb_glyph_extents_t e = {0};
    fonts_ink ink;
    CHECK(fonts_glyph_ink(fs, body, 0xFF0C, &ink) == 1 && hb_font_get_glyph_extents(bf, g, &e) && ink.width > 0 &&
              ink.x_bearing == e.x_bearing && ink.y_bearing == e.y_bearing && ink.width == e.width &&
              ink.height == e.height && ink.advance == hb_font_get_glyph_h_advance(bf, g),
          "，: advance %d, ink x %d..%d, as HarfBuzz reads them", ink.advance, ink.x_bearing, ink.x_bearing + ink.width);
    hb_font_destroy(bf);
    CHECK(fonts_glyph_ink(fs, body, 0x10FFFD, &ink) == 0 && ink.advance == 0 && ink.width == 0,
          "no ink for a character the face lacks");
    int box[4] = {0}, cap = fonts_cap_height(fs, body);
    CHECK(fonts_bbox(fs, body, box) == 0 && box[0] < box[2] && box[1] < 0 && box[3] > 0 && cap > 0 && cap < box[3],
          "bounding box %d %d %d %d, cap height %d (1/1000 em)", box[0], box[1], box[2], box[3], cap);
    CHECK(fonts_bbox(fs, 999, box) < 0 && fonts_glyph_ink(fs, -1, 'A', &ink) == 0, "no metrics for a face not in the set");

    /* fonts_cpset: members in ascending order whatever the order they came in */
    fonts_cpset *s = fonts_cpset_new();
    const uint32_t vals[] = {0x4E2D, 'A', 0x87FFFFFFu, 0x2003E, 'A'};
    for (size_t i = 0; i < 5; i++) fonts_cpset_add(s, vals[i]);
    uint32_t seen[8], v = FONTS_CPSET_START;
    size_t nseen = 0;
    while (nseen < 8 && fonts_cpset_next(s, &v)) seen[nseen++] = v;
    CHECK(fonts_cpset_count(s) == 4 && nseen == 4 && seen[0] == 'A' && seen[1] == 0x4E2D && seen[2] == 0x2003E &&
              seen[3] == 0x87FFFFFFu && fonts_cpset_has(s, 0x2003E) && !fonts_cpset_has(s, 'B'),
          "cpset: 4 distinct members, iterated in ascending order");
    fonts_cpset_free(s);
    s = fonts_cpset_new();
    v = FONTS_CPSET_START;
    CHECK(fonts_cpset_count(s) == 0 && !fonts_cpset_next(s, &v), "an empty cpset iterates nothing");
    fonts_cpset_free(s);
    fonts_cpset_free(NULL);

    const char *const hei[] = {"WenQuanYi Zen Hei"}, *const mono[] = {"WenQuanYi Zen Hei Mono"};
    fonts_set_chain(fs, ROLE_HEI, hei, 1, d);
    fonts_set_chain(fs, ROLE_MONO, mono, 1, d);
    int h = fonts_face_for(fs, ROLE_HEI, 0x4E2D), m = fonts_face_for(fs, ROLE_MONO, 'x');
    CHECK(h >= 0 && m >= 0 && h != m && fonts_face(fs, h)->index == 0 && fonts_face(fs, m)->index == 1,
          "Zen Hei is index 0 and Zen Hei Mono index 1 of wqy-zenhei.ttc");

    /* fallback beyond the chain: a Latin-only chain still finds a face for 中 */
    const char *const latin[] = {"DejaVu Sans"};
    CHECK(fonts_set_chain(fs, ROLE_KAI, latin, 1, d) == 1, "DejaVu Sans resolves");
    int f = fonts_face_for(fs, ROLE_KAI, 0x4E2D);
    CHECK(f >= 0 && f != fonts_face_for(fs, ROLE_KAI, 'a') && fonts_glyph(fs, f, 0x4E2D) > 0,
          "中 outside a Latin chain comes from an installed fallback face");
    size_t before = fonts_nfaces(fs);
    CHECK(fonts_face_for(fs, ROLE_KAI, 0x10FFFD) == -1, "a character no font has gives -1");
    CHECK(fonts_face_for(fs, ROLE_KAI, 0x10FFFD) == -1 && fonts_nfaces(fs) == before, "and stays -1, no face added");
    CHECK(fonts_face_for(fs, ROLE_BODY, 0x110000) == -1 && fonts_advance(fs, 0, 0x110000) == 0,
          "out-of-range code points are refused");
    CHECK(fonts_subset_source(fs, 0) == fonts_hb_face(fs, 0), "the first subsets come from the face itself");
    fonts_prepare_subsetting(fs);
    hb_face_t *prepared = fonts_subset_source(fs, 0);
    CHECK(prepared != NULL && prepared != fonts_hb_face(fs, 0), "after preparing, subsets come from the prepared face");

    fonts_free(fs);
    diag_free(d);
    return TAP_DONE();
}
