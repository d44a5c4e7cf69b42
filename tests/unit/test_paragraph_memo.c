/* Unit tests: the paragraph memo — a layout found again is the layout made afresh, byte for byte;
 * anything the result depends on (width, options, role, size, a blank's width, the font set's
 * chains) makes another key; a layout that reported a missing character is not kept; the memory
 * stays within its bound. */
#include <stdlib.h>
#include <string.h>

#include "typeset/paragraph.h"
#include "typeset/paragraph_memo.h"
#include "tap.h"

#define SIZE 16.0f

/* What paragraph_layout gave: the lines and glyphs, copied. */
typedef struct {
    size_t nl, ng;
    paragraph_line *lines;
    paragraph_glyph *g;
} result;

static result take(const paragraph *p)
{
    result r = {paragraph_nlines(p), 0, NULL, NULL};
    r.lines = calloc(r.nl ? r.nl : 1, sizeof *r.lines);
    for (size_t i = 0; i < r.nl; i++) r.lines[i] = *paragraph_line_at(p, i);
    if (r.nl) r.ng = r.lines[r.nl - 1].first + r.lines[r.nl - 1].count;
    r.g = calloc(r.ng ? r.ng : 1, sizeof *r.g);
    if (r.ng) memcpy(r.g, paragraph_glyphs(p), r.ng * sizeof *r.g);
    return r;
}

static int same_line(const paragraph_line *a, const paragraph_line *b)
{
    return a->first == b->first && a->count == b->count && !memcmp(&a->x0, &b->x0, sizeof a->x0) &&
           !memcmp(&a->x1, &b->x1, sizeof a->x1) && !memcmp(&a->ascent, &b->ascent, sizeof a->ascent) &&
           !memcmp(&a->descent, &b->descent, sizeof a->descent) && !memcmp(&a->size, &b->size, sizeof a->size);
}

/* The same lines and glyphs, bit for bit (paragraph_glyph has no padding: six 4-byte fields). */
static int same(result a, result b)
{
    if (a.nl != b.nl || a.ng != b.ng || memcmp(a.g, b.g, a.ng * sizeof *a.g)) return 0;
    for (size_t i = 0; i < a.nl; i++)
        if (!same_line(&a.lines[i], &b.lines[i])) return 0;
    return 1;
}

static void drop(result r)
{
    free(r.lines);
    free(r.g);
}

static paragraph_opts opts(float width)
{
    paragraph_opts o;
    memset(&o, 0, sizeof o);
    o.width = width;
    o.indent = 32;
    o.align = ALIGN_JUSTIFY;
    o.tracking = 0.1f;
    o.cjk_latin = 0.25f;
    o.normalise = 1;
    o.line_end_half = 1;
    return o;
}

/* A mixed paragraph: Han, Latin, digits, marks that squeeze, a soft break, a blank. */
static void fill(paragraph *p, fonts_role role, float size, float blank)
{
    static const char *a = "根据临江市第一批保持共产党员先进性教育活动的安排，党支部于2005年5月31日召开支部委员会，"
                           "对照《党章》(2004 edition)的要求：“肯定成绩、指出问题”——";
    static const char *b = "现将评议意见书面反馈如下。请于收到本通知书后3日内交回。";
    paragraph_clear(p);
    paragraph_text(p, a, strlen(a), (inl_style){role, size, 0}, 1);
    paragraph_softbreak(p, (inl_style){role, size, 0});
    paragraph_text(p, b, strlen(b), (inl_style){role, size, INL_UNDERLINE}, 2);
    paragraph_blank(p, blank, (inl_style){role, size, INL_UNDERLINE});
}

int main(void)
{
    diag *d = diag_new(NULL);
    fonts_set *fs = fonts_new();
    const char *body[] = {"AR PL UMing CN"}, *hei[] = {"WenQuanYi Zen Hei"};
    fonts_set_chain(fs, ROLE_BODY, body, 1, d);
    fonts_set_chain(fs, ROLE_HEI, hei, 1, d);
    CHECK(fonts_face_for(fs, ROLE_BODY, 0x4E00) >= 0 && fonts_face_for(fs, ROLE_HEI, 0x4E00) >= 0,
          "the fonts are installed");
    paragraph *p = paragraph_new(fs, d, "t.md"), *q = paragraph_new(fs, d, "t.md");
    paragraph_opts o = opts(300);

    /* The same content in another paragraph object: found, and the same bytes as made afresh. */
    paragraph_memo_clear();
    fill(p, ROLE_BODY, SIZE, 40);
    size_t n1 = paragraph_layout(p, &o);
    result fresh = take(p);
    paragraph_memo_stats s = paragraph_memo_stat();
    CHECK(n1 >= 3 && s.misses == 1 && s.hits == 0 && s.entries == 1, "made and kept (%zu lines, %lu misses, %zu kept)",
          n1, s.misses, s.entries);
    fill(q, ROLE_BODY, SIZE, 40);
    size_t n2 = paragraph_layout(q, &o);
    result found = take(q);
    s = paragraph_memo_stat();
    CHECK(s.hits == 1 && n2 == n1, "found again (%lu hits)", s.hits);
    CHECK(same(fresh, found), "the kept layout is the one made afresh, byte for byte");
    /* and made afresh once more with the memo emptied: the same again */
    paragraph_memo_clear();
    fill(q, ROLE_BODY, SIZE, 40);
    paragraph_layout(q, &o);
    result again = take(q);
    CHECK(same(fresh, again) && paragraph_memo_stat().misses == 1, "laid out again without the memo: the same");
    drop(found);
    drop(again);

    /* A paragraph laid out twice in one object (a table cell: widths measured first) is found too. */
    fill(p, ROLE_BODY, SIZE, 40);
    paragraph_natural_width(p, &o);
    paragraph_layout(p, &o);
    result twice = take(p);
    CHECK(same(fresh, twice), "after measuring (its text normalised: another key), the same layout");
    drop(twice);

    /* Anything the result depends on makes another key. */
    struct {
        const char *what;
        fonts_role role;
        float size, blank, width;
        int balance;
    } v[] = {
        {"another width", ROLE_BODY, SIZE, 40, 310, 0},
        {"another role", ROLE_HEI, SIZE, 40, 300, 0},
        {"another size", ROLE_BODY, 15, 40, 300, 0},
        {"another blank width", ROLE_BODY, SIZE, 41, 300, 0},
        {"balanced lines", ROLE_BODY, SIZE, 40, 300, 1},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        paragraph_memo_stats before = paragraph_memo_stat();
        paragraph_opts oi = opts(v[i].width);
        oi.balance = v[i].balance;
        fill(p, v[i].role, v[i].size, v[i].blank);
        paragraph_layout(p, &oi);
        result r = take(p);
        s = paragraph_memo_stat();
        CHECK(s.misses == before.misses + 1 && s.hits == before.hits && !same(fresh, r), "%s: not found, laid out anew",
              v[i].what);
        drop(r);
    }

    /* The font set's chains changed: what was kept for the old ones is not used. */
    unsigned long serial = fonts_serial(fs);
    fonts_set_chain(fs, ROLE_BODY, hei, 1, d);
    CHECK(fonts_serial(fs) != serial, "setting a chain renews the serial");
    paragraph_memo_stats before = paragraph_memo_stat();
    fill(p, ROLE_BODY, SIZE, 40);
    paragraph_layout(p, &o);
    result other = take(p);
    s = paragraph_memo_stat();
    CHECK(s.misses == before.misses + 1 && !same(fresh, other), "another body font: laid out anew, in it");
    drop(other);
    fonts_set_chain(fs, ROLE_BODY, body, 1, d);

    /* A character no installed font has is reported every time: that layout is not kept. */
    const char *lack = "天地\xf4\x8f\xbf\xbd玄黄"; /* U+10FFFD */
    long warnings = diag_count(d, DIAG_WARNING);
    for (int i = 0; i < 2; i++) {
        paragraph_clear(p);
        paragraph_text(p, lack, strlen(lack), (inl_style){ROLE_BODY, SIZE, 0}, 7);
        paragraph_layout(p, &o);
    }
    CHECK(diag_count(d, DIAG_WARNING) == warnings + 2, "a missing character is reported by each layout (%ld)",
          diag_count(d, DIAG_WARNING) - warnings);

    /* Bounded: many distinct paragraphs keep at most PARAGRAPH_MEMO_BYTES. */
    for (int i = 0; i < 3000; i++) {
        fill(p, ROLE_BODY, SIZE, 10 + (float)i * 0.01f);
        paragraph_layout(p, &o);
    }
    s = paragraph_memo_stat();
    CHECK(s.bytes <= PARAGRAPH_MEMO_BYTES && s.entries > 100 && s.entries < 3000,
          "at most %d bytes kept (%zu bytes, %zu entries)", PARAGRAPH_MEMO_BYTES, s.bytes, s.entries);
    /* the most recent is still there, the first ones went */
    before = paragraph_memo_stat();
    fill(p, ROLE_BODY, SIZE, 10 + 2999 * 0.01f);
    paragraph_layout(p, &o);
    fill(q, ROLE_BODY, SIZE, 40);
    paragraph_layout(q, &o);
    s = paragraph_memo_stat();
    CHECK(s.hits == before.hits + 1 && s.misses == before.misses + 1, "the least recently used went first");
    result last = take(q);
    CHECK(same(fresh, last), "and laid out anew it is the same");
    drop(last);

    drop(fresh);
    paragraph_memo_clear();
    paragraph_free(p);
    paragraph_free(q);
    fonts_free(fs);
    diag_free(d);
    return TAP_DONE();
}
