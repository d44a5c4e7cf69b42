/* libFuzzer harness for Markdown -> layout -> PDF: the input is a Markdown document, laid out on
 * the GB/T 9704 page and written as PDF bytes in memory (font subsetting included), as `wenshu
 * render` does. The style and the fonts are set up once. Crashes, sanitizer reports and leaks
 * are bugs; the output is not checked. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "base/diag.h"
#include "typeset/dlist.h"
#include "fonts/fonts.h"
#include "typeset/blocks.h"
#include "typeset/layout.h"
#include "pdf/pdfout.h"
#include "typeset/style.h"
#include "base/util.h"
#define FUZZ_OWN_INITIALIZE
#include "fuzz_common.h"

static style *st;
static fonts_set *fs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_use_source_tree();
    diag *d = diag_new(stderr);
    st = style_load("gbt9704", cli_datadir(), d);
    if (!st) abort();
    fs = fonts_new();
    if (style_apply_fonts(st, fs, d) < 0) abort();
    diag_free(d);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag *d = diag_new(NULL);
    fuzz_lay_out_and_render(st, fs, (const char *)data, size, d);
    diag_free(d);
    return 0;
}
