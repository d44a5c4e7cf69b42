#include <string.h>
#include <stdlib.h>
#include "tap.h"
#include "base/util.h"
#include "base/diag.h"
#include "typeset/dlist.h"

int main(void)
{
    uint32_t cp;
    CHECK(ws_utf8_decode("\xe5\xa0\x83", 3, &cp) == 3 && cp == 0x5803, "decodes 堃");
    CHECK(ws_utf8_decode("\xf0\xa0\x80\xbe", 4, &cp) == 4 && cp == 0x2003E, "decodes 𠀾 (non-BMP)");
    CHECK(ws_utf8_decode("\xc0\xaf", 2, &cp) < 0, "rejects an overlong slash");
    CHECK(ws_utf8_decode("\xed\xa0\x80", 3, &cp) < 0, "rejects a surrogate");
    CHECK(ws_utf8_decode("\xe5\xa0", 2, &cp) < 0, "rejects a truncated sequence");
    char out[4];
    CHECK(ws_utf8_encode(0x20BB7, out) == 4 && !memcmp(out, "\xf0\xa0\xae\xb7", 4), "encodes 𠮷");
    size_t bad = 0;
    CHECK(!ws_utf8_valid("ab\xff", 3, &bad) && bad == 2, "finds the invalid byte");
    CHECK(ws_utf8_count("中文ab", 8) == 4, "counts scalar values");

    ws_buf b = {0};
    ws_buf_printf(&b, "%s-%d", "x", 42);
    ws_buf_puts(&b, "！");
    CHECK(b.len == 7 && !strcmp(b.data, "x-42！"), "buffer printf and puts");
    ws_buf_free(&b);
    /* printf formats into the room left and again when that was too small: lengths around the
     * capacity, each appended whole after what was there */
    char want[1200] = "", piece[301];
    int whole = 1;
    for (int n = 0; n <= 300 && whole; n += 7) {
        memset(piece, 'a' + n % 26, (size_t)n);
        piece[n] = 0;
        ws_buf_printf(&b, "%s|", piece);
        ws_buf_putc(&b, '.');
        if (strlen(want) + (size_t)n + 2 >= sizeof want) {
            whole = b.len == strlen(b.data) && !strncmp(b.data, want, strlen(want));
            ws_buf_free(&b);
            want[0] = 0;
            continue;
        }
        strcat(want, piece), strcat(want, "|.");
        whole = b.len == strlen(want) && !strcmp(b.data, want);
    }
    CHECK(whole, "buffer printf across the capacity");
    ws_buf_free(&b);

    char err[256];
    CHECK(ws_read_file("/", 100, &b, err, sizeof err) < 0 && strstr(err, "directory"), "refuses a directory: %s", err);
    CHECK(ws_read_file("/nonexistent/x", 100, &b, err, sizeof err) < 0, "reports a missing file");
    ws_buf_free(&b);

    diag *d = diag_new(NULL);
    diag_report(d, DIAG_ERROR, (diag_loc){"a.xml", 3, 7, "M001"}, "bad %s", "date");
    CHECK(diag_count(d, DIAG_ERROR) == 1, "counts errors");
    CHECK(!strcmp(diag_message(d, 0), "a.xml:3:7: error: record M001: bad date"), "formats: %s", diag_message(d, 0));
    diag_free(d);

    dlist_doc *doc = dlist_doc_new(595.28f, 841.89f);
    dlist_page *p = dlist_page_add(doc);
    dlist_text_begin(p, 0, 16, 700);
    dlist_glyph_add(p, 0x4E2D, 80);
    dlist_glyph_add(p, 0x6587, 96);
    dlist_outline_add(doc, 1, "标题", 0, 720);
    dlist_doc *all = dlist_doc_new(595.28f, 841.89f);
    dlist_doc_append(all, doc);
    size_t base = dlist_doc_append(all, doc);
    CHECK(all->npages == 2 && base == 1 && all->outlines[1].page == 1, "append shifts outlines");
    CHECK(all->pages[1].ops[0].u.text.count == 2 && all->pages[1].glyphs[1].cp == 0x6587, "append copies glyphs");
    dlist_doc_free(doc);
    dlist_doc_free(all);
    return TAP_DONE();
}
