/* Builds a two-page display list by hand and renders it. With WENSHU_PDF_DIR set, also writes
 * plain.pdf and archive.pdf there (tests/pdf/ checks them with poppler, mutool and qpdf). */
#include <hb.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "typeset/dlist.h"
#include "fonts/fonts.h"
#include "fonts/cpset.h"
#include "pdf/pdffont_int.h"
#include "pdf/pdfmeta_int.h"
#include "pdf/pdfout.h"
#include "fonts/subset.h"

/* Appends a run of UTF-8 text at x, advancing by the fonts_set's widths; returns the end x. */
static float run(dlist_page *p, fonts_set *fs, fonts_role role, const char *s, float x, float y, float size)
{
    size_t len = strlen(s);
    int cur = -2;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int n = ws_utf8_decode(s + i, len - i, &cp);
        if (n < 0) abort();
        i += (size_t)n;
        int f = fonts_face_for(fs, role, cp);
        if (f < 0) continue;
        if (f != cur) dlist_text_begin(p, f, size, y);
        cur = f;
        dlist_glyph_add(p, cp, x);
        x += fonts_advance(fs, f, cp) * size / 1000.0f;
    }
    return x;
}

static const char *const LINE1 = "第一条 为了加强党员教育，保持先进性。";
static const char *const LINE1B = "「引号」《书名》——破折号……省略号";
static const char *const LINE2 = "Latin text 2005 年 6 月，堃喆赟㛃䶮，𠀾与𠮷。";
static const char *const LINE3 = "第二页：整改措施（一）";
static const char *const LINE4 = "从2005年1月开始，用半年左右时间。";

static int is_han(uint32_t cp) { return cp >= 0x3400 && cp < 0xA000; }
static int is_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

/* Sets s as layout does: ¼ em between Han and digits, the full-width comma compressed to ½ em. */
static void run_typeset(dlist_page *p, fonts_set *fs, const char *s, float x, float y, float size)
{
    size_t len = strlen(s);
    uint32_t prev = 0;
    int f = fonts_face_for(fs, ROLE_BODY, 0x4E2D);
    dlist_text_begin(p, f, size, y);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)ws_utf8_decode(s + i, len - i, &cp);
        if (prev && ((is_han(prev) && is_digit(cp)) || (is_digit(prev) && is_han(cp)))) x += size / 4;
        dlist_glyph_add(p, cp, x);
        x += fonts_advance(fs, f, cp) * size / 1000.0f;
        if (cp == 0xFF0C) x -= size / 2;
        prev = cp;
    }
}

static dlist_doc *build(fonts_set *fs)
{
    dlist_doc *doc = dlist_doc_new(595.28f, 841.89f);
    dlist_page *p = dlist_page_add(doc);
    p->number = 1;
    run(p, fs, ROLE_TITLE, "关于开展保持共产党员先进性教育活动的通知", 80, 740, 22);
    run(p, fs, ROLE_BODY, LINE1, 80, 710, 16);
    run(p, fs, ROLE_BODY, LINE1B, 80, 690, 16);
    /* justified: glyphs spread 0.5 pt apart, which the TJ numbers must carry */
    const char *spread = "间距调整测试";
    float x = 80;
    size_t len = strlen(spread);
    int f = fonts_face_for(fs, ROLE_BODY, 0x95F4);
    dlist_text_begin(p, f, 16, 670);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)ws_utf8_decode(spread + i, len - i, &cp);
        dlist_glyph_add(p, cp, x);
        x += 16.5f;
    }
    run(p, fs, ROLE_BODY, LINE2, 80, 640, 16);
    run(p, fs, ROLE_HEI, "一、黑体标题", 80, 610, 16);
    run_typeset(p, fs, LINE4, 300, 610, 16);
    dlist_line(p, 80, 590, 515, 590, 0.5f, 3);
    dlist_rect(p, 80, 540, 40, 30, 0.8f, 0);
    dlist_rect(p, 130, 540, 40, 30, 0, 1);
    dlist_page *p2 = dlist_page_add(doc);
    p2->number = 2;
    run(p2, fs, ROLE_BODY, LINE3, 80, 760, 16);
    run(p2, fs, ROLE_SONG, "— 2 —", 260, 60, 14);
    dlist_outline_add(doc, 1, "关于开展先进性教育活动的通知", 0, 760);
    dlist_outline_add(doc, 2, "一、黑体标题 & <符号>", 0, 626);
    dlist_outline_add(doc, 1, "第二页：整改措施𠮷", 1, 776);
    dlist_meta_set(&doc->meta.title, "关于开展先进性教育活动的通知 A&B <x>");
    dlist_meta_set(&doc->meta.subject, "先进性教育");
    dlist_meta_set(&doc->meta.author, "中共某某委员会");
    dlist_meta_set(&doc->meta.keywords, "通知, M001");
    dlist_meta_set(&doc->meta.creator, "wenshu render");
    dlist_meta_set(&doc->meta.date, "2005-06-05T09:30:00+08:00");
    return doc;
}

static int contains(const ws_buf *b, const char *needle)
{
    return memmem(b->data, b->len, needle, strlen(needle)) != NULL;
}

/* Reads a ToUnicode CMap as pdffont_tounicode writes it (bfrange blocks of arrays, one UTF-16
 * string per CID) into to[cid] (a code point; 0 for none). Returns the number of CIDs mapped, or
 * -1 when the CMap breaks a rule: a count that is not the block's, a block of more than 100, a range
 * across a high byte, or an array whose length is not the range's. */
static int read_tounicode(const char *cmap, uint32_t *to, unsigned maxcid)
{
    int mapped = 0;
    const char *p = cmap;
    while ((p = strstr(p, "beginbfrange"))) {
        const char *q = p;
        while (q > cmap && q[-1] != '\n') q--;
        unsigned count = (unsigned)strtoul(q, NULL, 10), seen = 0;
        p += strlen("beginbfrange");
        const char *end = strstr(p, "endbfrange");
        if (!end || count > 100) return -1;
        for (;;) {
            unsigned lo, hi;
            int used = 0;
            if (sscanf(p, " <%4x> <%4x> [%n", &lo, &hi, &used) != 2 || !used || p + used > end) break;
            p += used;
            if (hi < lo || hi >= maxcid || lo >> 8 != hi >> 8) return -1;
            for (unsigned c = lo; c <= hi; c++) {
                unsigned u1, u2;
                int n1 = 0, n2 = 0;
                if (sscanf(p, "<%4x%n%4x>%n", &u1, &n1, &u2, &n2) == 2 && n2) {
                    to[c] = 0x10000 + ((u1 - 0xD800) << 10) + (u2 - 0xDC00);
                    p += n2;
                } else if (sscanf(p, "<%4x>%n", &u1, &n1) == 1 && n1) {
                    to[c] = u1;
                    p += n1;
                } else {
                    return -1;
                }
                mapped++;
            }
            if (*p != ']') return -1;
            p++;
            seen++;
        }
        if (seen != count) return -1;
        p = end;
    }
    return mapped;
}

/* Whether the ToUnicode of sf gives back exactly sf->unicode, by the rules read_tounicode checks. */
static int tounicode_round_trips(const subset_font *sf, const ws_buf *tu)
{
    uint32_t *to = calloc(sf->ncid, sizeof *to);
    int mapped = read_tounicode(tu->data, to, sf->ncid), want = 0, same = 1;
    for (unsigned c = 0; c < sf->ncid; c++) {
        want += sf->unicode[c] != 0;
        same &= c == 0 || to[c] == sf->unicode[c];
    }
    free(to);
    return mapped == want && same;
}

int main(void)
{
    diag *d = diag_new(stderr);
    fonts_set *fs = fonts_new();
    const char *const body[] = {"AR PL UMing CN", "HanaMinA", "HanaMinB"};
    const char *const hei[] = {"WenQuanYi Zen Hei", "HanaMinA", "HanaMinB"};
    fonts_set_chain(fs, ROLE_BODY, body, 3, d);
    fonts_set_chain(fs, ROLE_TITLE, body, 3, d);
    fonts_set_chain(fs, ROLE_SONG, body, 3, d);
    fonts_set_chain(fs, ROLE_HEI, hei, 3, d);

    char pd[32], xd[40];
    CHECK(pdfmeta_dates("2005-06-05T09:30:00+08:00", pd, xd) == 0 && !strcmp(pd, "D:20050605093000+08'00'") &&
              !strcmp(xd, "2005-06-05T09:30:00+08:00"), "ISO date to PDF and XMP: %s %s", pd, xd);
    CHECK(pdfmeta_dates("2005-06-05", pd, xd) == 0 && !strcmp(pd, "D:20050605000000"), "date only: %s", pd);
    CHECK(pdfmeta_dates("2005-06-05T09:30Z", pd, xd) == 0 && !strcmp(pd, "D:20050605093000Z") &&
              !strcmp(xd, "2005-06-05T09:30:00Z"), "UTC: %s %s", pd, xd);
    CHECK(pdfmeta_dates("2005-13-05", pd, xd) < 0 && pdfmeta_dates("yesterday", pd, xd) < 0, "bad dates refused");

    dlist_doc *doc = build(fs);
    ws_buf xmp = {0};
    pdfmeta_xmp(&doc->meta, &xmp);
    CHECK(contains(&xmp, "A&amp;B &lt;x&gt;") && contains(&xmp, "<pdfaid:part>1</pdfaid:part>") &&
              contains(&xmp, "<xmp:CreateDate>2005-06-05T09:30:00+08:00</xmp:CreateDate>"),
          "XMP escapes the title and carries part, conformance and date");
    ws_buf_free(&xmp);

    /* subset of one face: CIDs, widths and the ToUnicode entries */
    int uming = fonts_face_for(fs, ROLE_BODY, 0x4E2D);
    fonts_cpset *cps = fonts_cpset_new();
    fonts_cpset_add(cps, 0x4E2D);
    fonts_cpset_add(cps, 'A');
    fonts_cpset_add(cps, 0x2003E);
    subset_font sf;
    int built = subset_build(fs, uming, cps, NULL, &sf, d);
    CHECK(built == 0, "subset of 中A𠀾 built");
    uint32_t c1 = subset_cid_of(&sf, 0x4E2D), c2 = subset_cid_of(&sf, 0x2003E);
    CHECK(sf.ncid == 4 && c1 > 0 && c1 < 4 && c2 > 0 && c2 < 4 && sf.width[subset_cid_of(&sf, 'A')] == 500 &&
              subset_cid_of(&sf, 'B') == SUBSET_NO_CID,
          "3 characters get CIDs 1..3 (ncid %u), A is 500 wide", sf.ncid);
    CHECK(strlen(sf.base_font) > 7 && sf.base_font[6] == '+', "subset name has a tag: %s", sf.base_font);
    ws_buf tu = {0};
    pdffont_tounicode(&sf, &tu);
    CHECK(contains(&tu, "<D840DC3E>") && contains(&tu, "1 beginbfrange\n<0001> <0003> [") &&
              !contains(&tu, "cidrange") && tounicode_round_trips(&sf, &tu),
          "ToUnicode: CIDs 1..3 as one range, 𠀾 as a surrogate pair");
    ws_buf_free(&tu);
    subset_free(&sf);

    /* 400 characters: CIDs past 255, so ranges split where the high byte changes */
    fonts_cpset *many = fonts_cpset_new();
    for (uint32_t cp = 0x4E00; fonts_cpset_count(many) < 400; cp++)
        if (fonts_face_for(fs, ROLE_BODY, cp) == uming) fonts_cpset_add(many, cp);
    built = subset_build(fs, uming, many, NULL, &sf, d);
    pdffont_tounicode(&sf, &tu);
    CHECK(built == 0 && sf.ncid == 401 && tounicode_round_trips(&sf, &tu) && contains(&tu, "<0001> <00FF> [") &&
              contains(&tu, "<0100> <0190> ["),
          "400 characters: two ranges split at CID 256, read back as the subset maps them");
    ws_buf_free(&tu);
    subset_free(&sf);
    fonts_cpset_free(many);

    /* a width variant: the comma compressed to half an em becomes a glyph of its own */
    fonts_cpset_add(cps, 0xFF0C);
    fonts_cpset *var = fonts_cpset_new();
    fonts_cpset_add(var, VARIANT_KEY(0xFF0C, 500));
    built = subset_build(fs, uming, cps, var, &sf, d);
    uint32_t vc = subset_variant_cid(&sf, 0xFF0C, 500);
    hb_blob_t *blob = hb_blob_create((const char *)sf.program, (unsigned)sf.program_len, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *prog = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    hb_font_t *pf = hb_font_create(prog);
    CHECK(built == 0 && vc == sf.ncid - 1 && sf.width[vc] == 500 && sf.unicode[vc] == 0xFF0C && sf.identity,
          "variant CID %u is the last glyph, 500 wide, extracts as ，", vc);
    CHECK(hb_face_get_glyph_count(prog) == sf.ncid && hb_font_get_glyph_h_advance(pf, vc) == 512 &&
              hb_font_get_glyph_h_advance(pf, subset_cid_of(&sf, 0xFF0C)) == 1024 &&
              subset_variant_cid(&sf, 0xFF0C, 400) == SUBSET_NO_CID,
          "the font program has the copy with advance 512/1024 em, the original keeps 1024");
    hb_font_destroy(pf);
    hb_face_destroy(prog);
    subset_free(&sf);
    fonts_cpset_free(var);
    fonts_cpset_free(cps);

    ws_buf a = {0}, b = {0}, c = {0};
    pdfout_options plain = {0, NULL, NULL, 0}, archive = {1, NULL, NULL, 0};
    /* CHECK evaluates its condition twice: nothing with side effects inside it */
    int ra = pdfout_render(doc, fs, &plain, &a, d), rb = pdfout_render(doc, fs, &plain, &b, d);
    int rc = pdfout_render(doc, fs, &archive, &c, d);
    CHECK(ra == 0 && a.len > 1000 && !memcmp(a.data, "%PDF-", 5), "renders (%zu bytes)", a.len);
    CHECK(rb == 0 && a.len == b.len && !memcmp(a.data, b.data, a.len), "a second render is byte-identical");
    CHECK(!contains(&a, "/ID") && !contains(&a, "/Metadata"), "a plain PDF has no /ID and no XMP");
    CHECK(rc == 0 && contains(&c, "%PDF-1.4") && contains(&c, "/CIDSet") &&
              contains(&c, "/OutputIntents") && contains(&c, "/ID") && contains(&c, "pdfaid:conformance"),
          "archive copy: 1.4, CIDSet, OutputIntent, ID, XMP");
    CHECK(diag_count(d, DIAG_ERROR) == 0 && diag_count(d, DIAG_WARNING) == 0, "no diagnostics");

    const char *dir = getenv("WENSHU_PDF_DIR");
    if (dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/plain.pdf", dir);
        int w1 = pdfout_write_file(doc, fs, &plain, path, d);
        CHECK(w1 == 0, "wrote %s", path);
        snprintf(path, sizeof path, "%s/archive.pdf", dir);
        int w2 = pdfout_write_file(doc, fs, &archive, path, d);
        CHECK(w2 == 0, "wrote %s", path);
        /* a combined file: each copy numbered from 1 again, so page labels are written */
        dlist_doc *both = dlist_doc_new(doc->width, doc->height);
        dlist_doc_append(both, doc);
        dlist_doc_append(both, doc);
        dlist_meta_set(&both->meta.title, "合订本");
        snprintf(path, sizeof path, "%s/combined.pdf", dir);
        int w3 = pdfout_write_file(both, fs, &plain, path, d);
        CHECK(w3 == 0, "wrote %s", path);
        dlist_doc_free(both);
        snprintf(path, sizeof path, "%s/expected.txt", dir);
        FILE *t = fopen(path, "w");
        if (t) {
            fprintf(t, "%s\n%s\n%s\n%s\n%s\n", LINE1, LINE1B, LINE2, LINE3, LINE4);
            fclose(t);
        }
    }

    /* no date in the data: SOURCE_DATE_EPOCH, never the clock */
    dlist_meta_set(&doc->meta.date, NULL);
    ws_buf u1 = {0}, u2 = {0};
    unsetenv("SOURCE_DATE_EPOCH");
    int ru1 = pdfout_render(doc, fs, &archive, &u1, d);
    setenv("SOURCE_DATE_EPOCH", "1117935000", 1); /* 2005-06-05T01:30:00Z */
    int ru2 = pdfout_render(doc, fs, &archive, &u2, d);
    unsetenv("SOURCE_DATE_EPOCH");
    CHECK(ru1 == 0 && !contains(&u1, "CreationDate") && !contains(&u1, "xmp:CreateDate"), "undated: no date at all");
    CHECK(ru2 == 0 && contains(&u2, "(D:20050605013000Z)") && contains(&u2, "<xmp:CreateDate>2005-06-05T01:30:00Z<"),
          "SOURCE_DATE_EPOCH dates Info and XMP alike");
    ws_buf_free(&u1);
    ws_buf_free(&u2);

    dlist_doc *empty = dlist_doc_new(595.28f, 841.89f);
    diag *quiet = diag_new(NULL);
    ws_buf e = {0};
    int r1 = pdfout_render(empty, fs, &plain, &e, quiet);
    CHECK(r1 < 0 && diag_count(quiet, DIAG_ERROR) == 1, "a document without pages is refused");
    dlist_page *p = dlist_page_add(empty);
    dlist_text_begin(p, 99, 16, 700);
    dlist_glyph_add(p, 0x4E2D, 80);
    int r2 = pdfout_render(empty, fs, &plain, &e, quiet);
    CHECK(r2 < 0 && diag_count(quiet, DIAG_ERROR) == 2, "a run on an unknown face is an error, not a crash");
    dlist_doc *odd = dlist_doc_new(595.28f, 841.89f);
    p = dlist_page_add(odd);
    dlist_text_begin(p, -7, 16, 700); /* an empty run on a nonsense face: nothing to draw */
    dlist_line(p, 10, 10, 100, 10, 1, 0);
    int r3 = pdfout_render(odd, fs, &plain, &e, quiet);
    CHECK(r3 == 0 && diag_count(quiet, DIAG_ERROR) == 2, "an empty run on a nonsense face is skipped");
    dlist_doc_free(odd);

    /* a glyph the run's face lacks (layout should have chosen another face): warned, skipped */
    dlist_doc *lacking = dlist_doc_new(595.28f, 841.89f);
    p = dlist_page_add(lacking);
    dlist_text_begin(p, uming, 16, 700);
    dlist_glyph_add(p, 0x4E2D, 80);
    dlist_glyph_add(p, 0x20BB7, 96); /* 𠮷 is only in HanaMin */
    ws_buf lw = {0};
    int r4 = pdfout_render(lacking, fs, &plain, &lw, quiet);
    CHECK(r4 == 0 && diag_count(quiet, DIAG_WARNING) == 1 && strstr(diag_message(quiet, diag_nmessages(quiet) - 1), "U+20BB7"),
          "a character missing from the run's face is reported by code point, the rest drawn");
    int r5 = pdfout_write_file(lacking, fs, &plain, "/nonexistent-dir/x.pdf", quiet);
    CHECK(r5 < 0 && strstr(diag_message(quiet, diag_nmessages(quiet) - 1), "/nonexistent-dir/x.pdf"),
          "an unwritable path is an error naming the file");
    ws_buf_free(&lw);
    dlist_doc_free(lacking);
    ws_buf_free(&e);
    diag_free(quiet);
    dlist_doc_free(empty);

    ws_buf_free(&a);
    ws_buf_free(&b);
    ws_buf_free(&c);
    dlist_doc_free(doc);
    fonts_free(fs);
    diag_free(d);
    return TAP_DONE();
}
