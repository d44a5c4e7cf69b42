/* wenshu render — typesets one Markdown file as a PDF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "base/diag.h"
#include "fonts/fonts.h"
#include "typeset/blocks.h"
#include "typeset/layout.h"
#include "pdf/pdfout.h"
#include "typeset/style.h"
#include "base/util.h"

static const char usage_text[] =
    "usage: wenshu render IN.md -o OUT.pdf [--style NAME|FILE] [--strict] [--archive]\n"
    "\n"
    "Typesets a Markdown file on the GB/T 9704 page (or the page of another style).\n"
    "  -o, --output OUT.pdf  where to write the PDF (required)\n"
    "  --style NAME|FILE     a style from templates/styles (gbt9704, form) or a .style file\n"
    "  --strict              treat warnings (e.g. a character no font has) as errors\n"
    "  --archive             write a PDF/A-1b archive copy\n"
    "exit status: 0 clean, 1 problems in the input (or warnings with --strict), 2 usage or I/O\n";

int cmd_render(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *style_name = "gbt9704";
    int strict = 0, archive = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_text, stdout);
            return EXIT_OK;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(a, "--style") && i + 1 < argc) {
            style_name = argv[++i];
        } else if (!strncmp(a, "--style=", 8)) {
            style_name = a + 8;
        } else if (!strcmp(a, "--strict")) {
            strict = 1;
        } else if (!strcmp(a, "--archive")) {
            archive = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "wenshu render: unknown or incomplete option '%s'\n%s", a, usage_text);
            return EXIT_USAGE;
        } else if (!in) {
            in = a;
        } else {
            fprintf(stderr, "wenshu render: more than one input file ('%s')\n%s", a, usage_text);
            return EXIT_USAGE;
        }
    }
    if (!in || !out) {
        fprintf(stderr, "wenshu render: %s\n%s", !in ? "no input file" : "no output file (-o OUT.pdf)", usage_text);
        return EXIT_USAGE;
    }

    diag *d = diag_new(stderr);
    int status = EXIT_OK;
    style *st = NULL;
    fonts_set *fs = NULL;
    layout *L = NULL;
    dlist_doc *doc = NULL;
    ws_buf src = {0};
    char err[256];

    st = style_load(style_name, cli_datadir(), d);
    if (!st) {
        status = EXIT_USAGE;
        goto done;
    }
    fs = fonts_new();
    if (style_apply_fonts(st, fs, d) < 0) {
        status = EXIT_USAGE;
        goto done;
    }
    if (ws_read_file(in, 64u << 20, &src, err, sizeof err) < 0) {
        diag_loc loc = {in, 0, 0, NULL};
        diag_report(d, DIAG_ERROR, loc, "cannot read the input: %s", err);
        status = EXIT_USAGE;
        goto done;
    }
    size_t bad;
    if (!ws_utf8_valid(src.data ? src.data : "", src.len, &bad)) {
        long line = 1, col = 1;
        for (size_t i = 0; i < bad; i++) {
            if (src.data[i] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)src.data[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        diag_loc loc = {in, line, col, NULL};
        diag_report(d, DIAG_ERROR, loc, "invalid UTF-8 (byte 0x%02X); it is printed as U+FFFD",
                    (unsigned char)src.data[bad]);
    }
    L = typeset_layout_new(st, fs, d, in);
    if (layout_markdown(L, src.data ? src.data : "", src.len) < 0) {
        status = EXIT_DATA;
        goto done;
    }
    doc = layout_finish(L);
    pdfout_options opt = {archive, NULL};
    if (pdfout_write_file(doc, fs, &opt, out, d) < 0) {
        status = EXIT_USAGE;
        goto done;
    }
    if (diag_count(d, DIAG_ERROR) || (strict && diag_count(d, DIAG_WARNING))) status = EXIT_DATA;

done:
    dlist_doc_free(doc);
    layout_free(L);
    fonts_free(fs);
    style_free(st);
    ws_buf_free(&src);
    diag_free(d);
    return status;
}
