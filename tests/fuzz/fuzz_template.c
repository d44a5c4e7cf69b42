/* libFuzzer harness for the template engine: the input is a template file (front matter and body).
 * It is loaded against the index of the samples (partials from tests/templates/fixtures/partials),
 * and, when it loads, merged with a few records of both sample member files and the campaign file,
 * with its output names and PDF metadata — everything `wenshu merge` and `wenshu build` do with a
 * template. Rejecting the template is fine; crashes, sanitizer reports and leaks are not. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "base/diag.h"
#include "records/records.h"
#include "template/template.h"
#include "base/util.h"
#define FUZZ_OWN_INITIALIZE
#include "fuzz_common.h"

#define NDOCS 2
#define MAX_RECORDS_PER_DOC 3

static records_index *ix;
static xmlDocPtr docs[NDOCS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_use_source_tree();
    char *paths[] = {WENSHU_ROOT "/samples/campaign.xml", WENSHU_ROOT "/samples/members-mzj.xml",
                     WENSHU_ROOT "/samples/members-fly.xml"};
    diag *d = diag_new(stderr);
    ix = records_index_build(WENSHU_ROOT "/schemas/campaign.xsd", paths, 3, 1, d);
    for (int i = 0; i < NDOCS; i++) {
        docs[i] = records_parse_file(paths[i], d);
        if (!docs[i]) abort();
        records_unqualify(docs[i]);
    }
    if (!ix || diag_count(d, DIAG_ERROR)) abort(); /* the samples must be sound */
    diag_free(d);
    return 0;
}

static void merge_some(template *t, xmlDocPtr doc, diag *d)
{
    xmlNodePtr *recs = NULL;
    size_t n = 0;
    if (template_select(t, doc, &recs, &n, d) != 0) return;
    for (size_t i = 0; i < n && i < MAX_RECORDS_PER_DOC; i++) {
        ws_buf out = {0};
        if (i == 0) {
            long *lines = NULL;
            size_t nlines = 0;
            template_merge_lines(t, recs[i], &out, &lines, &nlines, d);
            free(lines);
        } else {
            template_merge(t, recs[i], &out, d);
        }
        ws_buf_free(&out);
        ws_buf name = {0};
        template_output_name(t, recs[i], &name, d);
        ws_buf_free(&name);
        template_pdfmeta meta = {0};
        if (template_pdf_meta(t, recs[i], &meta, d) == 0) template_pdfmeta_free(&meta);
        free(template_record_id(recs[i]));
    }
    free(recs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag *d = diag_new(NULL);
    template *t = template_load_string("fuzz.md", (const char *)data, size,
                                       WENSHU_ROOT "/tests/templates/fixtures/partials", ix, d);
    if (t) {
        (void)template_name(t);
        (void)template_title(t);
        (void)template_style(t);
        for (int i = 0; i < NDOCS; i++) merge_some(t, docs[i], d);
        template_free(t);
    }
    diag_free(d);
    return 0;
}
