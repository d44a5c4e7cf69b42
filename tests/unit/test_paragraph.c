/* Unit tests: inline layout — the grid, 先挤进后推出, compression, justification, 孤字. */
#include <math.h>
#include <string.h>

#include "typeset/paragraph.h"
#include "typeset/linebreak.h"
#include "tap.h"
#include "base/util.h"

#define W 442.2f  /* 156 mm */
#define SIZE 16.0f
static const char *HAN = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙珠称夜光果珍李柰菜重芥姜海咸河淡鳞潜羽翔";

static fonts_set *fs;
static diag *d;
static paragraph *p;
static float track;

/* The first n characters of HAN. */
static const char *han(int n)
{
    static char buf[8][1024];
    static int slot;
    char *b = buf[slot++ % 8];
    const char *s = HAN;
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        uint32_t cp;
        int k = ws_utf8_decode(s, strlen(s), &cp);
        memcpy(b + o, s, (size_t)k);
        o += (size_t)k;
        s += k;
        if (!*s) s = HAN;
    }
    b[o] = 0;
    return b;
}

static paragraph_opts grid_opts(void)
{
    paragraph_opts o;
    memset(&o, 0, sizeof o);
    o.width = W;
    o.align = ALIGN_JUSTIFY;
    o.tracking = track;
    o.cjk_latin = 0.25f;
    o.normalise = 1;
    return o;
}

static size_t lay(const char *text, const paragraph_opts *o)
{
    paragraph_clear(p);
    inl_style st = {ROLE_BODY, SIZE, 0};
    paragraph_text(p, text, strlen(text), st, 1);
    return paragraph_layout(p, o);
}

static const paragraph_glyph *glyph(size_t line, size_t i)
{
    const paragraph_line *L = paragraph_line_at(p, line);
    return &paragraph_glyphs(p)[L->first + i];
}

static size_t count(size_t line) { return paragraph_line_at(p, line)->count; }
static uint32_t first_cp(size_t line) { return glyph(line, 0)->cp; }
static uint32_t last_cp(size_t line) { return glyph(line, count(line) - 1)->cp; }

static int no_faults(void)
{
    for (size_t i = 0; i < paragraph_nlines(p); i++) {
        if (i > 0 && linebreak_no_line_start(first_cp(i))) return 0;
        if (i + 1 < paragraph_nlines(p) && linebreak_no_line_end(last_cp(i))) return 0;
        if (paragraph_line_at(p, i)->x1 > W + 0.01f) return 0;
    }
    return 1;
}

int main(void)
{
    d = diag_new(NULL);
    fs = fonts_new();
    const char *body[] = {"AR PL UMing CN"}, *kai[] = {"AR PL UKai CN"}, *hei[] = {"WenQuanYi Zen Hei"};
    fonts_set_chain(fs, ROLE_BODY, body, 1, d);
    fonts_set_chain(fs, ROLE_KAI, kai, 1, d);
    fonts_set_chain(fs, ROLE_HEI, hei, 1, d);
    int face = fonts_face_for(fs, ROLE_BODY, 0x4E00);
    CHECK(face >= 0, "the body font is installed");
    if (face < 0) return TAP_DONE();
    float adv = (float)fonts_advance(fs, face, 0x4E00) * SIZE / 1000;
    track = (W - 28 * adv) / 27; /* the grid: 28 characters fill 442.2 pt */
    p = paragraph_new(fs, d, "t.md");
    paragraph_opts o = grid_opts();

    /* The grid: 56 Han characters are two full lines of 28, the last glyph's box ending
     * exactly at the measure's right edge. */
    char text[4096];
    snprintf(text, sizeof text, "%s", han(56));
    size_t nlines = lay(text, &o); /* CHECK evaluates its condition twice */
    CHECK(nlines == 2, "56 characters make 2 lines");
    CHECK(count(0) == 28 && count(1) == 28, "28 characters per line (%zu, %zu)", count(0), count(1));
    CHECK(fabsf(paragraph_line_at(p, 0)->x1 - W) < 0.01f, "a full line ends at the measure (%.3f)", paragraph_line_at(p, 0)->x1);
    CHECK(fabsf(glyph(0, 1)->x - glyph(0, 0)->x - (adv + track)) < 0.01f, "character pitch %.3f",
          glyph(0, 1)->x - glyph(0, 0)->x);

    /* First-line indent of 2 字: 26 characters on the first line. */
    o.indent = 2 * (adv + track);
    lay(han(60), &o);
    CHECK(count(0) == 26 && count(1) == 28, "indented first line holds 26 (%zu)", count(0));
    lay("\u3000\u3000天地玄黄", &o); /* 　　 typed for the indent is left out */
    CHECK(count(0) == 4 && fabsf(glyph(0, 0)->x - o.indent) < 0.01f, "leading 　　 dropped when the paragraph indents");
    o.indent = 0;

    /* 后推出: 。 at position 29 of a line of plain Han — the 28th character goes down with it. */
    snprintf(text, sizeof text, "%s。%s", han(28), han(10));
    lay(text, &o);
    CHECK(count(0) == 27 && first_cp(1) != 0x3002 && no_faults(), "。 at position 29 pushes a character down (%zu)",
          count(0));
    CHECK(fabsf(paragraph_line_at(p, 0)->x1 - W) < 0.01f, "the pushed line is stretched to the measure");

    static const char *closers[] = {"，", "」", "）", "》", "：", "！", "……", "——", "、", "”"};
    for (size_t i = 0; i < sizeof closers / sizeof *closers; i++) {
        snprintf(text, sizeof text, "%s%s%s", han(28), closers[i], han(12));
        lay(text, &o);
        CHECK(no_faults(), "%s at position 29: no line starts with it", closers[i]);
    }
    static const char *openers[] = {"（", "《", "“", "「"};
    for (size_t i = 0; i < sizeof openers / sizeof *openers; i++) {
        snprintf(text, sizeof text, "%s%s%s", han(27), openers[i], han(12));
        lay(text, &o);
        CHECK(no_faults() && count(0) == 27, "%s at position 28 goes to the next line (%zu)", openers[i], count(0));
    }

    /* 先挤进: with commas on the line, 。 at position 29 is squeezed onto it. */
    snprintf(text, sizeof text, "%s，%s，%s。%s", han(8), han(8), han(10), han(10));
    lay(text, &o);
    CHECK(count(0) == 29 && last_cp(0) == 0x3002 && paragraph_line_at(p, 0)->x1 <= W + 0.01f,
          "。 squeezed onto a line with commas (%zu glyphs, x1 %.2f)", count(0), paragraph_line_at(p, 0)->x1);

    /* Adjacent marks take 1.5 em together; ½ em is taken from their blanks. */
    lay("天地）。玄黄", &o);
    float pair = glyph(0, 4)->x - glyph(0, 2)->x;
    CHECK(pair < 2 * (adv + track) - 0.2f * SIZE && pair >= 1.5f * adv + 2 * track - 0.01f,
          "）。 together narrower than 2 em (%.2f pt)", pair);

    /* Han–Latin: ¼ em on each side of a digit run; none inside it. */
    lay("共2005人", &o);
    float gap = glyph(0, 1)->x - (glyph(0, 0)->x + adv + track);
    CHECK(fabsf(gap - 4.0f) < 0.01f, "¼ em between 共 and 2 (%.2f)", gap);
    CHECK(fabsf(glyph(0, 2)->x - glyph(0, 1)->x - glyph(0, 1)->w) < 0.01f, "no space inside 2005");

    /* The last line is not stretched, and no paragraph ends with a lone character. */
    snprintf(text, sizeof text, "%s%s", han(28), han(1));
    lay(text, &o);
    size_t n = paragraph_nlines(p);
    size_t last_visible = 0;
    for (size_t i = 0; i < count(n - 1); i++)
        if (!linebreak_no_line_start(glyph(n - 1, i)->cp)) last_visible++;
    CHECK(n == 2 && last_visible >= 2, "孤字: the last line holds %zu characters", last_visible);
    CHECK(fabsf(glyph(n - 1, 1)->x - glyph(n - 1, 0)->x - (adv + track)) < 0.01f, "the last line keeps its natural pitch");
    snprintf(text, sizeof text, "%s%s。", han(28), han(1));
    lay(text, &o);
    CHECK(paragraph_nlines(p) == 2 && count(1) >= 3 && no_faults(), "孤字 with its full stop: 2 characters + 。 on the last line");

    /* Latin words are not split: every line ends and starts with a whole word. */
    const char *words = " international cooperation and development of administrative regulations ";
    lay("中文中文 international cooperation and development of administrative regulations 中文", &o);
    int split = paragraph_nlines(p) < 2;
    for (size_t i = 0; i < paragraph_nlines(p); i++) {
        char w1[64] = " ", w2[64] = " ";
        size_t a = 1, b = 1;
        for (size_t k = count(i); k > 0 && linebreak_is_latin_alnum(glyph(i, k - 1)->cp) && a < 60; k--) a++;
        for (size_t k = count(i) - (a - 1), j = 1; k < count(i); k++) w1[j++] = (char)glyph(i, k)->cp;
        for (size_t k = 0; k < count(i) && linebreak_is_latin_alnum(glyph(i, k)->cp) && b < 60; k++) w2[b++] = (char)glyph(i, k)->cp;
        w1[a] = ' ';
        w2[b] = ' ';
        if ((a > 1 && !strstr(words, w1)) || (b > 1 && !strstr(words, w2))) split = 1;
    }
    CHECK(!split, "Latin words stay whole");

    /* Soft breaks: nothing between CJK, a space between words. */
    paragraph_clear(p);
    inl_style st = {ROLE_BODY, SIZE, 0};
    paragraph_text(p, "中文", strlen("中文"), st, 1);
    paragraph_softbreak(p, st);
    paragraph_text(p, "续行", strlen("续行"), st, 2);
    paragraph_layout(p, &o);
    CHECK(count(0) == 4 && fabsf(glyph(0, 2)->x - glyph(0, 1)->x - (adv + track)) < 0.01f, "soft break between CJK is nothing");

    /* A soft break inside a stretched line is not a gap: the pitch stays even. */
    paragraph_clear(p);
    paragraph_text(p, han(10), strlen(han(10)), st, 1);
    paragraph_softbreak(p, st);
    snprintf(text, sizeof text, "%s。%s", han(18), han(6));
    paragraph_text(p, text, strlen(text), st, 2);
    paragraph_layout(p, &o);
    float lo = 1e9f, hi = 0;
    for (size_t i = 1; i < count(0); i++) {
        float d = glyph(0, i)->x - glyph(0, i - 1)->x;
        if (d < lo) lo = d;
        if (d > hi) hi = d;
    }
    CHECK(count(0) == 27 && hi - lo < 0.01f, "a pushed line with a soft break is stretched evenly (%.3f..%.3f)", lo, hi);

    /* Normalisation: ASCII marks in Chinese text go full width, code keeps its own. */
    paragraph_clear(p);
    paragraph_text(p, "见\"通知\",即", strlen("见\"通知\",即"), st, 1);
    paragraph_text(p, "f(a,b)", 6, (inl_style){ROLE_MONO, SIZE, 0}, 1);
    paragraph_layout(p, &o);
    CHECK(glyph(0, 1)->cp == 0x201C && glyph(0, 4)->cp == 0x201D && glyph(0, 5)->cp == 0xFF0C, "“通知”，");
    CHECK(glyph(0, 8)->cp == '(' && glyph(0, 10)->cp == ',' && glyph(0, 12)->cp == ')', "code keeps f(a,b)");

    /* Emphasis in 楷体 and strong in 黑体 come from their roles' fonts. */
    paragraph_clear(p);
    paragraph_text(p, "正文", strlen("正文"), st, 1);
    paragraph_text(p, "强调", strlen("强调"), (inl_style){ROLE_KAI, SIZE, 0}, 1);
    paragraph_layout(p, &o);
    CHECK(glyph(0, 2)->face != glyph(0, 0)->face, "emphasis uses another face");

    /* A character no installed font has is reported with its code point and left out. */
    long before = diag_count(d, DIAG_WARNING);
    lay("缺字\xF4\x8F\xBF\xBD在此", &o);
    CHECK(diag_count(d, DIAG_WARNING) == before + 1 && count(0) == 4, "missing character reported and skipped");
    CHECK(strstr(diag_message(d, diag_nmessages(d) - 1), "U+10FFFD") != NULL, "message names U+10FFFD: %s",
          diag_message(d, diag_nmessages(d) - 1));

    paragraph_set_record(p, "M012");
    lay("又缺\xF4\x8F\xBF\xBC字", &o);
    CHECK(strstr(diag_message(d, diag_nmessages(d) - 1), "record M012: ") != NULL, "the message names the record: %s",
          diag_message(d, diag_nmessages(d) - 1));
    paragraph_set_record(p, NULL);

    /* A balanced title: two lines of similar length, neither a lone character. */
    paragraph_opts t = grid_opts();
    t.tracking = 0;
    t.align = ALIGN_CENTRE;
    t.balance = 1;
    paragraph_clear(p);
    const char *title = "关于在全市开展保持共产党员先进性教育活动的实施意见";
    paragraph_text(p, title, strlen(title), (inl_style){ROLE_BODY, 22, 0}, 1);
    paragraph_layout(p, &t);
    CHECK(paragraph_nlines(p) == 2 && (count(0) > count(1) ? count(0) - count(1) : count(1) - count(0)) <= 2,
          "balanced title: %zu + %zu", count(0), paragraph_nlines(p) > 1 ? count(1) : 0);

    /* A long title breaks between words, not inside 保持 or 委员会. */
    paragraph_clear(p);
    const char *title2 = "中共临江市社会福利院支部委员会保持共产党员先进性教育活动整改方案";
    paragraph_text(p, title2, strlen(title2), (inl_style){ROLE_BODY, 22, 0}, 1);
    paragraph_layout(p, &t);
    CHECK(paragraph_nlines(p) == 2 && count(0) == 15 && last_cp(0) == 0x4F1A, "title broken after 委员会 (%zu + %zu)",
          count(0), paragraph_nlines(p) > 1 ? count(1) : 0);

    /* Fill-in blanks and boxes draw rules, not glyphs. */
    paragraph_clear(p);
    paragraph_text(p, "姓名", strlen("姓名"), st, 1);
    paragraph_blank(p, 4 * SIZE, (inl_style){ROLE_BODY, SIZE, INL_UNDERLINE});
    paragraph_blank(p, 0.8f * SIZE, (inl_style){ROLE_BODY, SIZE, INL_BOX});
    paragraph_layout(p, &o);
    dlist_doc *doc = dlist_doc_new(595, 842);
    dlist_page *pg = dlist_page_add(doc);
    paragraph_draw_line(p, 0, pg, 0, 100);
    int lines = 0, rects = 0;
    for (size_t i = 0; i < pg->nops; i++) {
        lines += pg->ops[i].kind == DL_LINE;
        rects += pg->ops[i].kind == DL_RECT;
    }
    CHECK(lines == 1 && rects == 1 && pg->nglyphs == 2, "a blank is underlined, a box is a rectangle");
    dlist_doc_free(doc);

    paragraph_free(p);
    fonts_free(fs);
    diag_free(d);
    return TAP_DONE();
}
