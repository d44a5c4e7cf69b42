/* wenshu render — typesets one Markdown file as a PDF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "cli/cli_opts.h"
#include "cli/commands.h"
#include "base/diag.h"
#include "fonts/fonts.h"
#include "typeset/blocks.h"
#include "typeset/layout.h"
#include "pdf/pdfout.h"
#include "typeset/style.h"
#include "base/util.h"
#include "base/i18n.h"

static const char usage_text[] =
    N_("usage: wenshu render IN.md [-o OUT.pdf] [--style NAME|FILE] [--strict] [--archive]\n"
       "\n"
       "Typesets a Markdown file on the GB/T 9704 page (or the page of another style).\n"
       "IN.md may be - for standard input (then -o is needed). A front matter at its start\n"
       "(between --- lines, as 'wenshu merge' writes it) may name the style: style: NAME.\n"
       "  -o, --output OUT.pdf  where to write the PDF (default: IN.pdf beside IN.md);\n"
       "                        - for standard output\n"
       "  --style NAME|FILE     a style from templates/styles (gbt9704, form) or a .style file;\n"
       "                        over the front matter's (default gbt9704)\n"
       "  --strict              treat warnings (e.g. a character no font has) as errors\n"
       "  --archive             write a PDF/A-1b archive copy\n"
       "  -h, --help            this text\n"
       "  --version             the program's version\n"
       "exit status: 0 clean, 1 problems in the input (or warnings with --strict), 2 usage or I/O\n");

static void usage(FILE *out) { fputs(_(usage_text), out); }

/* Standard input, up to max bytes. */
static int render_read_stdin(ws_buf *out, size_t max, char *err, size_t errlen)
{
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        if (out->len + n > max) {
            snprintf(err, errlen, _("file too large (the limit is %zu bytes)"), max);
            return -1;
        }
        ws_buf_put(out, buf, n);
    }
    if (ferror(stdin)) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    return 0;
}

/* A front matter at the very start ("---" line, "key: value" lines, "---" line), as wenshu merge
 * writes it: returns its style: value (malloc'd) or NULL, and blanks the front matter's bytes
 * (newlines kept) so that it is not typeset and the Markdown keeps its line numbers. Other keys
 * are ignored. */
static char *render_front_matter(ws_buf *src)
{
    if (src->len < 4 || memcmp(src->data, "---\n", 4)) return NULL;
    char *style = NULL;
    size_t pos = 4;
    while (pos < src->len) {
        char *nl = memchr(src->data + pos, '\n', src->len - pos);
        size_t end = nl ? (size_t)(nl - src->data) : src->len;
        const char *line = src->data + pos;
        size_t len = end - pos;
        if (len == 3 && !memcmp(line, "---", 3)) {
            for (size_t i = 0; i < end; i++)
                if (src->data[i] != '\n') src->data[i] = ' ';
            return style;
        }
        if (len > 6 && !memcmp(line, "style:", 6)) {
            size_t a = 6, b = len;
            while (a < b && (line[a] == ' ' || line[a] == '\t')) a++;
            while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' || line[b - 1] == '\r')) b--;
            if (b - a >= 2 && (line[a] == '"' || line[a] == '\'') && line[b - 1] == line[a]) a++, b--;
            free(style);
            style = b > a ? ws_xstrndup(line + a, b - a) : NULL;
        }
        pos = end + 1;
    }
    free(style); /* no closing line: not a front matter */
    return NULL;
}

enum { OPT_STYLE = CLI_LONG_ONLY, OPT_STRICT, OPT_ARCHIVE };
static const cli_option render_options[] = {
    {"output", 'o', 1, N_("the PDF to write")},
    {"style", OPT_STYLE, 1, N_("a style name or a .style file")},
    {"strict", OPT_STRICT, 0, NULL},
    {"archive", OPT_ARCHIVE, 0, NULL},
    {0},
};

int cmd_render(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *style_name = NULL;
    int strict = 0, archive = 0;
    cli_parser p = {.command = "render",
                    .synopsis = N_("usage: wenshu render IN.md [-o OUT.pdf] [--style NAME|FILE] [--strict] [--archive]"),
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
    if (p.first + 1 < argc) return cli_usage_error(&p, _("more than one input file ('%s')"), argv[p.first + 1]);
    if (!in) return cli_usage_error(&p, _("no input file"));
    ws_buf default_out = {0};
    if (!out) {
        /* Like Pandoc and Typst: IN.md makes IN.pdf beside it. */
        if (!strcmp(in, "-")) return cli_usage_error(&p, _("reading standard input needs -o OUT.pdf (or -o - for standard output)"));
        size_t len = strlen(in);
        if (len > 3 && !strcmp(in + len - 3, ".md")) len -= 3;
        ws_buf_printf(&default_out, "%.*s.pdf", (int)len, in);
        out = default_out.data;
    }
    if (!strcmp(out, "-") && isatty(1)) return cli_usage_error(&p, _("-o -: standard output is a terminal; redirect it to a file"));

    diag *d = diag_new(stderr);
    int status = EXIT_OK;
    style *st = NULL;
    fonts_set *fs = NULL;
    layout *L = NULL;
    dlist_doc *doc = NULL;
    ws_buf src = {0};
    char err[256];

    const char *shown = strcmp(in, "-") ? in : _("standard input");
    if ((strcmp(in, "-") ? ws_read_file(in, 64u << 20, &src, err, sizeof err) : render_read_stdin(&src, 64u << 20, err, sizeof err)) < 0) {
        diag_loc loc = {shown, 0, 0, NULL};
        diag_report(d, DIAG_ERROR, loc, _("cannot read the input: %s"), err);
        status = EXIT_USAGE;
        goto done;
    }
    char *front_style = render_front_matter(&src);
    st = style_load(style_name ? style_name : front_style ? front_style : "gbt9704", cli_datadir(), d);
    free(front_style);
    if (!st) {
        status = EXIT_USAGE;
        goto done;
    }
    fs = fonts_new();
    if (style_apply_fonts(st, fs, d) < 0) {
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
        diag_loc loc = {shown, line, col, NULL};
        diag_report(d, DIAG_ERROR, loc, _("invalid UTF-8 (byte 0x%02X); it is printed as U+FFFD"),
                    (unsigned char)src.data[bad]);
    }
    L = typeset_layout_new(st, fs, d, shown);
    if (layout_markdown(L, src.data ? src.data : "", src.len) < 0) {
        status = EXIT_DATA;
        goto done;
    }
    doc = layout_finish(L);
    pdfout_options opt = {archive, NULL, NULL, 0};
    if (!strcmp(out, "-")) {
        ws_buf pdf = {0};
        int rc = pdfout_render(doc, fs, &opt, &pdf, d);
        if (rc == 0 && (fwrite(pdf.data, 1, pdf.len, stdout) != pdf.len || fflush(stdout) != 0)) {
            fprintf(stderr, _("wenshu render: cannot write to standard output: %s\n"), strerror(errno));
            rc = -1;
        }
        ws_buf_free(&pdf);
        if (rc < 0) {
            status = EXIT_USAGE;
            goto done;
        }
    } else if (pdfout_write_file(doc, fs, &opt, out, d) < 0) {
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
    ws_buf_free(&default_out);
    diag_free(d);
    return status;
}
