/* wenshu render — typesets one Markdown file as a PDF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_opts.h"
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
    "  -h, --help            this text\n"
    "  --version             the program's version\n"
    "exit status: 0 clean, 1 problems in the input (or warnings with --strict), 2 usage or I/O\n";

static void usage(FILE *out) { fputs(usage_text, out); }

enum { OPT_STYLE = CLI_LONG_ONLY, OPT_STRICT, OPT_ARCHIVE };
static const cli_option render_options[] = {
    {"output", 'o', 1, "the PDF to write"},
    {"style", OPT_STYLE, 1, "a style name or a .style file"},
    {"strict", OPT_STRICT, 0, NULL},
    {"archive", OPT_ARCHIVE, 0, NULL},
    {0},
};

int cmd_render(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *style_name = "gbt9704";
    int strict = 0, archive = 0;
    cli_parser p = {.command = "render",
                    .synopsis = "usage: wenshu render IN.md -o OUT.pdf [--style NAME|FILE] [--strict] [--archive]",
                    .help = usage,
                    .options = render_options};
    for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;) {
        if (c == 'o') out = p.value;
        else if (c == OPT_STYLE) style_name = p.value;
        else if (c == OPT_STRICT) strict = 1;
        else if (c == OPT_ARCHIVE) archive = 1;
        else return p.status;
    }
    if (p.first < argc) in = argv[p.first];
    if (p.first + 1 < argc) return cli_usage_error(&p, "more than one input file ('%s')", argv[p.first + 1]);
    if (!in || !out) return cli_usage_error(&p, "%s", !in ? "no input file" : "no output file (-o OUT.pdf)");

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
    pdfout_options opt = {archive, NULL, NULL};
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
