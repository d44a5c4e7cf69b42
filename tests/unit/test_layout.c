/* Unit tests: style files and the block layout, measured on the display list. */
#include <math.h>
#include <string.h>

#include "typeset/blocks.h"
#include "typeset/layout.h"
#include "typeset/style.h"
#include "tap.h"
#include "base/util.h"

#define MM (72.0f / 25.4f)

static const char *STYLE =
    "# test\n"
    "[page]\n"
    "top = 37mm\n"
    "left = 28mm\n"
    "[grid]\n"
    "chars = 28\n"
    "lines = 22\n"
    "[fonts]\n"
    "body = AR PL UMing CN\n"
    "hei = WenQuanYi Zen Hei\n"
    "kai = AR PL UKai CN\n"
    "[paragraph]\n"
    "size = 16pt\n"
    "indent = 2\n";

/* Glyph text of a page's runs at baseline y (to 0.01 pt), concatenated in x order. */
static int count_baselines(const dlist_page *pg, float *ys, int max)
{
    int n = 0;
    for (size_t i = 0; i < pg->nops; i++) {
        if (pg->ops[i].kind != DL_TEXT) continue;
        float y = pg->ops[i].u.text.y;
        int seen = 0;
        for (int k = 0; k < n; k++) seen |= fabsf(ys[k] - y) < 0.01f;
        if (!seen && n < max) ys[n++] = y;
    }
    return n;
}

/* Handlers that count what the layout hands them (typeset_block_handlers, layout.h). */
static int seen_tables, seen_code_blocks, seen_inline_code, deepest;

static void count_table(layout *L, struct cmark_node *table)
{
    (void)L, (void)table;
    seen_tables++;
}

static int count_code_block(layout *L, struct cmark_node *code_block)
{
    (void)code_block;
    seen_code_blocks++;
    if (layout_nesting(L) > deepest) deepest = layout_nesting(L);
    if (layout_nesting(L) == 0) layout_markdown_nested(L, "```\ninner\n```\n", strlen("```\ninner\n```\n"));
    return 1;
}

static int count_inline_code(layout *L, paragraph *p, const char *literal, inl_style st, long line)
{
    (void)L, (void)p, (void)st, (void)line;
    seen_inline_code++;
    return !strcmp(literal, "mine");
}

/* The code points of all glyphs in a document, as UTF-8. */
static void doc_text(const dlist_doc *doc, ws_buf *out)
{
    for (size_t i = 0; i < doc->npages; i++)
        for (size_t g = 0; g < doc->pages[i].nglyphs; g++) {
            char u[4];
            ws_buf_put(out, u, ws_utf8_encode(doc->pages[i].glyphs[g].cp, u));
        }
}

static size_t messages_with(const diag *d, const char *what)
{
    size_t n = 0;
    for (size_t i = 0; i < diag_nmessages(d); i++) n += strstr(diag_message(d, i), what) != NULL;
    return n;
}

int main(void)
{
    diag *d = diag_new(NULL);
    style *st = style_parse(STYLE, strlen(STYLE), "t.style", d);
    CHECK(st != NULL, "a valid style parses");
    if (!st) return TAP_DONE();
    CHECK(fabsf(st->top - 37 * MM) < 0.001f && fabsf(st->block_w - 156 * MM) < 0.001f, "mm converted, defaults kept");
    CHECK(st->nfonts[ROLE_SONG] == 1 && !strcmp(st->fonts[ROLE_SONG][0], "AR PL UMing CN"), "missing roles use the body chain");
    CHECK(style_heading(st, 3)->role == ROLE_KAI && style_heading(st, 2)->role == ROLE_HEI, "## 黑体, ### 楷体 by default");

    const char *bad = "[page]\ntop = 37\n[nosuch]\nx = 1\n[grid]\nlines = -3\n[paragraph]\nalign = sideways\nfoo = 1\n";
    diag *d2 = diag_new(NULL);
    style *refused = style_parse(bad, strlen(bad), "bad.style", d2); /* CHECK evaluates twice */
    CHECK(refused == NULL, "a bad style is refused");
    CHECK(diag_count(d2, DIAG_ERROR) == 6, "every problem reported (%ld)", diag_count(d2, DIAG_ERROR));
    int found_line = 0;
    for (size_t i = 0; i < diag_nmessages(d2); i++)
        found_line |= strstr(diag_message(d2, i), "bad.style:8:1: error: bad value 'sideways' for align") != NULL;
    CHECK(found_line, "messages carry file:line");
    diag_free(d2);

    const char *tight = "[fonts]\nbody = AR PL UMing CN\n[grid]\nlines = 60\n";
    diag *d3 = diag_new(NULL);
    style *refused2 = style_parse(tight, strlen(tight), "tight.style", d3);
    CHECK(refused2 == NULL && diag_nmessages(d3) == 1 && strstr(diag_message(d3, 0), "60 lines of 16pt do not fit"),
          "a grid that cannot fit the block is refused");
    diag_free(d3);

    fonts_set *fs = fonts_new();
    CHECK(style_apply_fonts(st, fs, d) == 0, "the style's fonts resolve");
    layout *L = typeset_layout_new(st, fs, d, "t.md");
    CHECK(fabsf(layout_char_pitch(L) * 27 + 16 - 156 * MM) < 0.01f, "28 characters span the block (pitch %.3f)",
          layout_char_pitch(L));
    int face = fonts_face_for(fs, ROLE_BODY, 0x4E00);
    const face_info *fi = fonts_face(fs, face);
    float glyph_h = (float)(fi->ascender - fi->descender) * 16 / 1000;
    CHECK(fabsf(layout_line_pitch(L) * 21 + glyph_h - 225 * MM) < 0.01f, "22 lines fill the block (pitch %.3f)",
          layout_line_pitch(L));

    /* Three pages of plain text: 22 baselines per full page, the first glyph tops at the block top. */
    ws_buf md = {0};
    ws_buf_puts(&md, "# 标题\n\n");
    for (int i = 0; i < 60; i++) ws_buf_puts(&md, "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳。\n\n");
    int rc = layout_markdown(L, md.data, md.len);
    CHECK(rc == 0, "markdown laid out");
    dlist_doc *doc = layout_finish(L);
    CHECK(doc->npages == 6, "60 two-line paragraphs and a title make 6 pages (%zu)", doc->npages);
    float ys[64];
    int n2 = count_baselines(&doc->pages[1], ys, 64);
    CHECK(n2 == 23, "page 2: 22 body baselines + the page number (%d)", n2);
    float top_y = st->page_h - st->top;
    float first = -1;
    for (int k = 0; k < n2; k++)
        if (ys[k] > first) first = ys[k];
    CHECK(fabsf(first + (float)fi->ascender * 16 / 1000 - top_y) < 0.01f, "the first line's glyph tops touch the block top");
    CHECK(doc->pages[0].number == 1 && doc->pages[1].number == 2, "pages numbered");
    CHECK(doc->noutlines == 1 && doc->outlines[0].level == 1 && !strcmp(doc->outlines[0].title, "标题"), "title outline");
    CHECK(doc->meta.title && !strcmp(doc->meta.title, "标题"), "meta title from the first # heading");

    /* Page number: odd right, even left, one 字 in from the block's edge; below the block. */
    for (size_t pgno = 0; pgno < 2; pgno++) {
        const dlist_page *pg = &doc->pages[pgno];
        const dlist_op *last = NULL;
        for (size_t i = 0; i < pg->nops; i++)
            if (pg->ops[i].kind == DL_TEXT) last = &pg->ops[i];
        CHECK(last && last->u.text.size == 14, "page %zu: the number is 14 pt", pgno + 1);
        if (!last) continue;
        const dlist_glyph *g0 = &pg->glyphs[last->u.text.first];
        const dlist_glyph *gn = &pg->glyphs[last->u.text.first + last->u.text.count - 1];
        float block_bottom = st->page_h - st->top - st->block_h;
        CHECK(last->u.text.y < block_bottom - 7 * MM, "page %zu: baseline below the block by more than 7 mm", pgno + 1);
        if (pgno == 0) {
            float right = gn->x + 14; /* — is 1 em */
            CHECK(fabsf(right - (st->left + st->block_w - layout_char_pitch(L))) < 0.05f, "odd page: right, 1 字 in (%.2f)", right);
        } else {
            CHECK(fabsf(g0->x - (st->left + layout_char_pitch(L))) < 0.05f, "even page: left, 1 字 in (%.2f)", g0->x);
        }
        CHECK(g0->cp == 0x2014 && gn->cp == 0x2014, "page %zu: — N —", pgno + 1);
    }

    dlist_doc_free(doc);

    /* Messages from paras that tables and form elements make name the record too. */
    {
        diag *dr = diag_new(NULL);
        layout *R = typeset_layout_new(st, fs, dr, "batch.md");
        layout_set_record(R, "M012");
        const char *rmd = "| 姓名 | 备注 |\n|---|---|\n| 王\xf0\xb1\x8d\x90 | 无 |\n\n"
                          "```signature\n\xf0\xb1\x8d\x90支部\n2005年4月18日\n```\n";
        layout_markdown(R, rmd, strlen(rmd));
        dlist_doc_free(layout_finish(R));
        size_t named = 0, missing = 0;
        for (size_t i = 0; i < diag_nmessages(dr); i++) {
            const char *m = diag_message(dr, i);
            if (!strstr(m, "U+31350")) continue;
            missing++;
            named += strstr(m, "record M012") != NULL;
        }
        CHECK(missing >= 2 && named == missing, "a missing character in a table cell and in a signature names the "
              "record (%zu of %zu)", named, missing);
        layout_free(R);
        diag_free(dr);
    }


    /* The layout reaches tables and form elements only through its handlers. */
    {
        static const typeset_block_handlers counting = {count_table, count_code_block, count_inline_code};
        const char *hmd = "| 甲 | 乙 |\n|---|---|\n| 丙 | 丁 |\n\n"
                          "正文`mine`和`box`。\n\n```receipt\n回执\n```\n";
        diag *dh = diag_new(NULL);
        layout *H = layout_new_with(st, fs, dh, "h.md", &counting);
        layout_markdown(H, hmd, strlen(hmd));
        CHECK(seen_tables == 1 && seen_code_blocks == 2 && seen_inline_code == 2,
              "the handlers get the table, both code blocks (one nested) and the code spans (%d %d %d)", seen_tables,
              seen_code_blocks, seen_inline_code);
        CHECK(deepest == 1 && layout_nesting(H) == 0, "nested Markdown runs one level deeper, then returns (%d)",
              deepest);
        dlist_doc *hd = layout_finish(H);
        ws_buf text = {0};
        doc_text(hd, &text);
        CHECK(!strstr(text.data, "mine") && strstr(text.data, "box") && !strstr(text.data, "\xe4\xb8\x99"),
              "what a handler took is its own; what it declined is printed as code");
        dlist_doc_free(hd);
        layout_free(H);

        /* No handlers: tables are left out, code is printed literally. */
        H = layout_new_with(st, fs, dh, "h.md", NULL);
        layout_markdown(H, hmd, strlen(hmd));
        hd = layout_finish(H);
        text.len = 0;
        doc_text(hd, &text);
        CHECK(!strstr(text.data, "\xe4\xb8\x99") && strstr(text.data, "mine") && strstr(text.data, "receipt") == NULL &&
                  strstr(text.data, "\xe5\x9b\x9e\xe6\x89\xa7"),
              "without handlers the table is left out and code blocks and spans are plain code");
        dlist_doc_free(hd);
        layout_free(H);
        ws_buf_free(&text);
        diag_free(dh);
    }

    /* Receipts nested ten deep: the nesting is counted in the layout and capped. */
    {
        ws_buf nm = {0};
        enum { DEEP = 10 };
        for (int i = 0; i < DEEP; i++) {
            for (int k = 0; k < 3 + DEEP - i; k++) ws_buf_putc(&nm, '`');
            ws_buf_puts(&nm, "receipt\n\xe5\x9b\x9e\xe6\x89\xa7\n\n");
        }
        for (int i = DEEP - 1; i >= 0; i--) {
            for (int k = 0; k < 3 + DEEP - i; k++) ws_buf_putc(&nm, '`');
            ws_buf_putc(&nm, '\n');
        }
        diag *dn = diag_new(NULL);
        layout *N = typeset_layout_new(st, fs, dn, "n.md");
        CHECK(layout_markdown(N, nm.data, nm.len) == 0 && layout_nesting(N) == 0, "nested receipts laid out");
        size_t inside = messages_with(dn, "inside a receipt"), capped = messages_with(dn, "nested more than 8 deep");
        CHECK(inside == LAYOUT_MAX_NESTING - 1 && capped == 1,
              "receipts 2..8 are printed inline, the 9th (at the cap) as code (%zu, %zu)", inside, capped);
        dlist_doc_free(layout_finish(N));
        layout_free(N);
        diag_free(dn);
        ws_buf_free(&nm);
    }
    ws_buf_free(&md);
    layout_free(L);
    fonts_free(fs);
    style_free(st);
    diag_free(d);
    return TAP_DONE();
}
