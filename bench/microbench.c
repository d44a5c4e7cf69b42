/* microbench — where one record's time goes inside wenshu, without process start, records
 * loading or file writing: layout, then the PDF writer, and inside the writer the font work
 * (subsets and deflating their programs), each in CPU time.
 *
 *   microbench STYLE REPEAT FILE.md...
 * (bench/bench.py builds it against build/libwenshu.a and feeds it merged records: `wenshu merge`
 * split per record). With MICROBENCH_TEMPLATE set to the form the records were merged with, the
 * writer gets what its fixed text draws (pdfout_options.first), as `wenshu build` gives it; the
 * font work below is then the programs' subsets and whole deflate, as without. Prints one line
 * of "key value" pairs, times in ms per record. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "serve/preview.h"
#include "template/template.h"
#include "fonts/cpset.h"
#include "typeset/blocks.h"
#include "typeset/layout.h"
#include "pdf/pdffont_int.h"
#include "pdf/pdfout.h"
#include "typeset/style.h"
#include "fonts/subset.h"
#include "base/util.h"

static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* What pdfout_render's font work is for doc: one subset per face used, and deflating its program. */
static void font_work(const dlist_doc *doc, fonts_set *fs, struct libdeflate_compressor **c, double *subset_ms, double *deflate_ms,
                      size_t *program_bytes)
{
    size_t nfaces = fonts_nfaces(fs);
    fonts_cpset **used = ws_xcalloc(nfaces + 1, sizeof *used);
    for (size_t p = 0; p < doc->npages; p++) {
        const dlist_page *pg = &doc->pages[p];
        for (size_t i = 0; i < pg->nops; i++) {
            const dlist_op *op = &pg->ops[i];
            if (op->kind != DL_TEXT || op->u.text.face < 0 || (size_t)op->u.text.face >= nfaces) continue;
            int f = op->u.text.face;
            if (!used[f]) used[f] = fonts_cpset_new();
            for (size_t k = 0; k < op->u.text.count && op->u.text.first + k < pg->nglyphs; k++) {
                uint32_t cp = pg->glyphs[op->u.text.first + k].cp;
                if (fonts_glyph(fs, f, cp) > 0) fonts_cpset_add(used[f], cp);
            }
        }
    }
    diag *d = diag_new(NULL);
    for (size_t f = 0; f < nfaces; f++) {
        if (!used[f]) continue;
        subset_font sf;
        double t0 = cpu_ms();
        int rc = subset_build(fs, (int)f, used[f], NULL, &sf, d);
        double t1 = cpu_ms();
        *subset_ms += t1 - t0;
        if (rc == 0) {
            struct libdeflate_compressor *cf = c[fonts_face(fs, (int)f)->cff ? 1 : 0];
            size_t cap = libdeflate_zlib_compress_bound(cf, sf.program_len);
            void *z = ws_xmalloc(cap);
            *program_bytes += libdeflate_zlib_compress(cf, sf.program, sf.program_len, z, cap);
            free(z);
            *deflate_ms += cpu_ms() - t1;
            subset_free(&sf);
        }
        fonts_cpset_free(used[f]);
    }
    diag_free(d);
    free(used);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: microbench STYLE REPEAT FILE.md...\n");
        return 2;
    }
    int repeat = atoi(argv[2]);
    diag *d = diag_new(NULL);
    style *st = style_load(argv[1], cli_datadir(), d);
    fonts_set *fs = fonts_new();
    if (!st || style_apply_fonts(st, fs, d) < 0) {
        fprintf(stderr, "microbench: cannot load style %s\n", argv[1]);
        return 2;
    }
    int nfiles = argc - 3;
    ws_buf *md = ws_xcalloc((size_t)nfiles, sizeof *md);
    for (int i = 0; i < nfiles; i++) {
        char err[256];
        if (ws_read_file(argv[3 + i], 64u << 20, &md[i], err, sizeof err) < 0) {
            fprintf(stderr, "microbench: %s\n", err);
            return 2;
        }
    }
    const char *tpath = getenv("MICROBENCH_TEMPLATE");
    template *t = tpath && *tpath ? template_load(tpath, NULL, d) : NULL;
    size_t nfirst = 0;
    fonts_cpset **first = t ? preview_fixed_faces(t, st, fs, &nfirst) : NULL;
    /* the levels pdffont.c uses: TrueType programs, CFF programs */
    struct libdeflate_compressor *c[2] = {libdeflate_alloc_compressor(PDFFONT_LEVEL_OF(0)),
                                          libdeflate_alloc_compressor(PDFFONT_LEVEL_OF(1))};
    double layout_ms = 0, render_ms = 0, subset_ms = 0, deflate_ms = 0;
    size_t bytes = 0, program_bytes = 0, pages = 0, records = 0;
    for (int r = 0; r < repeat; r++) {
        for (int i = 0; i < nfiles; i++) {
            double t0 = cpu_ms();
            layout *L = typeset_layout_new(st, fs, d, argv[3 + i]);
            layout_markdown(L, md[i].data ? md[i].data : "", md[i].len);
            dlist_doc *doc = layout_finish(L);
            layout_free(L);
            double t1 = cpu_ms();
            ws_buf pdf = {0};
            pdfout_options opt = {0, NULL, first, nfirst};
            pdfout_render(doc, fs, &opt, &pdf, d);
            double t2 = cpu_ms();
            layout_ms += t1 - t0;
            render_ms += t2 - t1;
            bytes += pdf.len;
            pages += doc->npages;
            records++;
            if (r == 0) font_work(doc, fs, c, &subset_ms, &deflate_ms, &program_bytes);
            ws_buf_free(&pdf);
            dlist_doc_free(doc);
        }
    }
    printf("records %zu layout_ms %.4f render_ms %.4f subset_ms %.4f deflate_ms %.4f pages %.2f pdf_bytes %.0f "
           "program_bytes %.0f\n",
           records, layout_ms / records, render_ms / records, subset_ms / nfiles, deflate_ms / nfiles,
           (double)pages / records, (double)bytes / records, (double)program_bytes / nfiles);
    libdeflate_free_compressor(c[0]);
    libdeflate_free_compressor(c[1]);
    for (int i = 0; i < nfiles; i++) ws_buf_free(&md[i]);
    free(md);
    pdfout_faces_free(first, nfirst);
    template_free(t);
    fonts_free(fs);
    style_free(st);
    diag_free(d);
    return 0;
}
