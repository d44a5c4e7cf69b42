/* Shared set-up of the libFuzzer harnesses: where the source tree is, and a scratch file for
 * the code paths that only take a path. Included by each fuzz_*.c (one translation unit each). */
#ifndef WENSHU_FUZZ_COMMON_H
#define WENSHU_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef WENSHU_ROOT
#error "build with -DWENSHU_ROOT=\"/path/to/the/source/tree\" (tests/fuzz/run.sh does)"
#endif

/* Templates, styles and the schema are looked up through the data folder: point it at the tree. */
static void fuzz_use_source_tree(void)
{
    setenv("WENSHU_DATADIR", WENSHU_ROOT, 1);
}

static char fuzz_scratch_path[256];

static void fuzz_scratch_unlink(void)
{
    if (fuzz_scratch_path[0]) unlink(fuzz_scratch_path);
}

/* Writes data into a per-process scratch file (rewritten for every input, removed at exit) and
 * returns its path: the record loader takes paths, not buffers. */
static const char *fuzz_scratch_file(const unsigned char *data, size_t size)
{
    if (!fuzz_scratch_path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(fuzz_scratch_path, sizeof fuzz_scratch_path, "%s/wenshu-fuzz-%ld.xml",
                 dir && *dir ? dir : "/tmp", (long)getpid());
        atexit(fuzz_scratch_unlink);
    }
    FILE *f = fopen(fuzz_scratch_path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
    return fuzz_scratch_path;
}

/* The set-up of a harness that needs only the source tree; one with more to set up defines
 * FUZZ_OWN_INITIALIZE before including this file and writes its own. */
#ifndef FUZZ_OWN_INITIALIZE
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_use_source_tree();
    return 0;
}
#endif

#if defined(WENSHU_LAYOUT_H) && defined(WENSHU_PDFOUT_H)
/* Lays out Markdown with a style and its fonts and writes the PDF (in memory, then dropped): the
 * whole way from text to bytes, for the harnesses that feed one end of it. */
static inline void fuzz_lay_out_and_render(style *st, fonts_set *fs, const char *md, size_t len, diag *d)
{
    layout *L = typeset_layout_new(st, fs, d, "fuzz.md");
    if (layout_markdown(L, md, len) == 0) {
        dlist_doc *doc = layout_finish(L);
        ws_buf pdf = {0};
        pdfout_options opt = {0, NULL, NULL};
        pdfout_render(doc, fs, &opt, &pdf, d);
        ws_buf_free(&pdf);
        dlist_doc_free(doc);
    }
    layout_free(L);
}
#endif

#endif
