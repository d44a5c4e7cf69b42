/* fonts_face_for never takes 。，、；：！ from a face after the role's first one unless that face
 * draws them in the mainland position (fonts_mainland_mark, measured from the glyph's ink).
 * Faces: FandolFang (mainland), AR PL UMing CN (centred 。、), WenQuanYi Zen Hei (centred ，；：！),
 * Liberation Serif (none of the marks). Skipped when one of them is not installed. */
#include <string.h>

#include "tap.h"
#include "fonts/fonts.h"

static const uint32_t MARKS[] = {0x3002, 0xFF0C, 0x3001, 0xFF1B, 0xFF1A, 0xFF01};

static const char *family(fonts_set *fs, int face)
{
    const face_info *fi = fonts_face(fs, face);
    return fi ? fi->family : "-";
}

int main(void)
{
    diag *d = diag_new(NULL);
    fonts_set *fs = fonts_new();
    const char *const fang[] = {"FandolFang"}, *const uming[] = {"AR PL UMing CN"}, *const wqy[] = {"WenQuanYi Zen Hei"},
                      *const lib[] = {"Liberation Serif"};
    if (fonts_set_chain(fs, ROLE_SONG, fang, 1, d) != 1 || fonts_set_chain(fs, ROLE_SONG, uming, 1, d) != 1 ||
        fonts_set_chain(fs, ROLE_SONG, wqy, 1, d) != 1 || fonts_set_chain(fs, ROLE_SONG, lib, 1, d) != 1) {
        printf("# FandolFang, AR PL UMing CN, WenQuanYi Zen Hei or Liberation Serif missing: skipped\n");
        CHECK(1, "skipped");
        fonts_free(fs);
        diag_free(d);
        return TAP_DONE();
    }
    /* the measurement itself */
    const char *const f1[] = {"FandolFang"}, *const f2[] = {"AR PL UMing CN"}, *const f3[] = {"WenQuanYi Zen Hei"};
    fonts_set_chain(fs, ROLE_BODY, f1, 1, d);
    fonts_set_chain(fs, ROLE_TITLE, f2, 1, d);
    fonts_set_chain(fs, ROLE_HEI, f3, 1, d);
    int fa = fonts_face_for(fs, ROLE_BODY, 0x4E2D), um = fonts_face_for(fs, ROLE_TITLE, 0x4E2D),
        wq = fonts_face_for(fs, ROLE_HEI, 0x4E2D);
    int all = 1;
    for (int i = 0; i < 6; i++) all &= fonts_mainland_mark(fs, fa, MARKS[i]) == 1;
    CHECK(all, "FandolFang draws 。，、；：！ in the mainland position");
    CHECK(fonts_mainland_mark(fs, um, 0x3002) == 0 && fonts_mainland_mark(fs, um, 0x3001) == 0 &&
              fonts_mainland_mark(fs, um, 0xFF0C) == 1,
          "UMing: 。、 centred, ， in the lower left");
    CHECK(fonts_mainland_mark(fs, wq, 0x3002) == 1 && fonts_mainland_mark(fs, wq, 0xFF0C) == 0 &&
              fonts_mainland_mark(fs, wq, 0xFF1A) == 0 && fonts_mainland_mark(fs, wq, 0xFF01) == 0,
          "WenQuanYi Zen Hei: 。 lower left, ，：！ centred");
    CHECK(fonts_mainland_mark(fs, fa, 0xFF1F) == -1 && fonts_mainland_mark(fs, fa, 0x4E2D) == -1,
          "？ and 中 are not measured (GB faces centre ？ too)");

    /* A chain whose first face lacks the marks: each comes from the first later face that has its
     * mainland form, never from a centred one that comes earlier. */
    const char *const chain[] = {"Liberation Serif", "AR PL UMing CN", "WenQuanYi Zen Hei", "FandolFang"};
    fonts_set_chain(fs, ROLE_KAI, chain, 4, d);
    int f_period = fonts_face_for(fs, ROLE_KAI, 0x3002), f_comma = fonts_face_for(fs, ROLE_KAI, 0xFF0C),
        f_colon = fonts_face_for(fs, ROLE_KAI, 0xFF1A), f_pause = fonts_face_for(fs, ROLE_KAI, 0x3001);
    CHECK(f_period == wq, "。: UMing's is centred, WenQuanYi's in the lower left — WenQuanYi (%s)", family(fs, f_period));
    CHECK(f_comma == um, "，: UMing's is in the lower left — UMing (%s)", family(fs, f_comma));
    CHECK(f_colon == um, "：: UMing's is in the left half — UMing (%s)", family(fs, f_colon));
    CHECK(f_pause == wq, "、: WenQuanYi's lower left (%s)", family(fs, f_pause));
    CHECK(fonts_face_for(fs, ROLE_KAI, 0x4E2D) == um, "中 still from the first face that has it (UMing)");
    CHECK(fonts_face_for(fs, ROLE_KAI, 0xFF1F) == um, "？ from the first face that has it");

    /* the role's first face is the style's choice: kept even when centred (the -uming styles) */
    CHECK(fonts_face_for(fs, ROLE_TITLE, 0x3002) == um, "a first face's centred 。 is kept (UMing as chosen)");
    const char *const wq_first[] = {"WenQuanYi Zen Hei", "FandolFang"};
    fonts_set_chain(fs, ROLE_MONO, wq_first, 2, d);
    CHECK(fonts_face_for(fs, ROLE_MONO, 0xFF0C) == wq, "… and WenQuanYi's centred ， as the first face");

    /* only a centred face after the first: fontconfig's fallback is taken if it has the mainland
     * form, else the centred one that is there (a centred mark is better than none) */
    const char *const centred[] = {"Liberation Serif", "AR PL UMing CN"};
    fonts_set_chain(fs, ROLE_SONG, centred, 2, d);
    int f = fonts_face_for(fs, ROLE_SONG, 0x3002);
    CHECK(f >= 0 && (fonts_mainland_mark(fs, f, 0x3002) == 1 || f == um), "。 after a face without it and a centred one: %s",
          family(fs, f));
    fonts_free(fs);
    diag_free(d);
    return TAP_DONE();
}
