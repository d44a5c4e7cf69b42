/* libFuzzer harness for style files: the input is a style (docs/styles.md). When it parses, its
 * fonts are resolved and a small fixed document using every block kind is laid out with it and
 * written as PDF bytes — so odd page sizes, margins, grids and font sizes reach the layout too.
 * Refusing the style is fine; crashes, sanitizer reports, leaks and hangs are not. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "typeset/dlist.h"
#include "fonts/fonts.h"
#include "typeset/blocks.h"
#include "typeset/layout.h"
#include "pdf/pdfout.h"
#include "typeset/style.h"
#include "base/util.h"
#include "fuzz_common.h"

static const char doc_md[] =
    "# 关于开展先进性教育活动的通知\n\n## 一、总体要求\n\n### （一）指导思想\n\n"
    "正文段落，含*强调*、**加粗**和 `code`，Latin text 123。正文段落需要足够长才能折行，"
    "这样行距、字距和网格都会用到。\n\n> 引文\n\n1. 第一项\n   - 子项\n\n"
    "| 序号 | 姓名 |\n|---|---|\n| 1 | 王𠀾 |\n\n```\n代码\n```\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag *d = diag_new(NULL);
    style *st = style_parse((const char *)data, size, "fuzz.style", d);
    if (st) {
        fonts_set *fs = fonts_new();
        if (style_apply_fonts(st, fs, d) == 0) fuzz_lay_out_and_render(st, fs, doc_md, strlen(doc_md), d);
        fonts_free(fs);
        style_free(st);
    }
    diag_free(d);
    return 0;
}
