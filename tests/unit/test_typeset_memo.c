/* Unit tests: a document laid out with the process's memos warm (paragraph_memo.h: paragraph
 * layouts; measure_memo.h: a receipt's measured height) is byte for byte the document laid out
 * with them empty, and a style that differs is laid out anew, not taken from them. */
#include <string.h>

#include "typeset/blocks.h"
#include "typeset/dlist_store.h"
#include "typeset/measure_memo.h"
#include "typeset/paragraph_memo.h"
#include "typeset/style.h"
#include "tap.h"

static const char *STYLE =
    "# test\n[page]\ntop = 37mm\nleft = 28mm\n[grid]\nchars = 28\nlines = 22\n"
    "[fonts]\nbody = AR PL UMing CN\nhei = WenQuanYi Zen Hei\nkai = AR PL UKai CN\n"
    "[paragraph]\nsize = 16pt\nindent = 2\n";

static const char *DOC =
    "# 评议意见反馈通知书\n\n张三同志：\n\n"
    "根据临江市第一批保持共产党员先进性教育活动的安排，党支部于2005年5月31日召开支部委员会，"
    "对你提出了评议意见。现将评议意见书面反馈如下。\n\n## 一、肯定成绩\n\n团结同志，群众评价较好。\n\n"
    "```signature\n中共临江市民政局支部委员会\n2005年6月2日\n```\n\n"
    "```receipt\n# 回　执\n\n中共临江市民政局支部委员会：\n\n本人已收到党支部反馈的评议意见。\n\n"
    "本人意见：`blank:20`\n\n党员签名：`blank:6`　　日期：`blank:8`\n```\n";

/* The document's bytes as the layout cache stores them (every float bit for bit). */
static void lay(const style *st, fonts_set *fs, ws_buf *out)
{
    diag *d = diag_new(NULL);
    layout *L = typeset_layout_new(st, fs, d, "t.md");
    layout_markdown(L, DOC, strlen(DOC));
    dlist_doc *doc = layout_finish(L);
    out->len = 0;
    dlist_store_put(out, doc);
    dlist_doc_free(doc);
    layout_free(L);
    diag_free(d);
}

static int same(const ws_buf *a, const ws_buf *b) { return a->len == b->len && !memcmp(a->data, b->data, a->len); }

int main(void)
{
    diag *d = diag_new(NULL);
    style *st = style_parse(STYLE, strlen(STYLE), "t.style", d);
    fonts_set *fs = fonts_new();
    CHECK(st && style_apply_fonts(st, fs, d) == 0, "the style and its fonts");
    if (!st) return TAP_DONE();

    ws_buf cold = {0}, warm = {0}, other = {0}, other_cold = {0};
    paragraph_memo_clear();
    measure_memo_clear();
    lay(st, fs, &cold);
    CHECK(cold.len > 1000 && measure_memo_hits() == 0, "laid out with the memos empty (%zu bytes)", cold.len);
    lay(st, fs, &warm);
    paragraph_memo_stats s = paragraph_memo_stat();
    CHECK(s.hits >= 5, "the second time, paragraphs are found (%lu hits, %lu misses)", s.hits, s.misses);
    CHECK(measure_memo_hits() == 1, "and the receipt's height (%lu)", measure_memo_hits());
    CHECK(same(&cold, &warm), "the same document, byte for byte");

    /* Another body size: nothing of the first style's is taken. */
    style big = *st;
    big.body.size = 15;
    lay(&big, fs, &other);
    CHECK(!same(&cold, &other) && measure_memo_hits() == 1, "another style: laid out anew");
    paragraph_memo_clear();
    measure_memo_clear();
    lay(&big, fs, &other_cold);
    CHECK(same(&other, &other_cold), "and as with the memos empty");

    ws_buf_free(&cold);
    ws_buf_free(&warm);
    ws_buf_free(&other);
    ws_buf_free(&other_cold);
    paragraph_memo_clear();
    measure_memo_clear();
    fonts_free(fs);
    style_free(st);
    diag_free(d);
    return TAP_DONE();
}
