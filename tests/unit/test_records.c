/* Unit tests of the records index (records.h) as `wenshu build` uses it: the shared context, lookups,
 * bad records, unqualified documents, schema defaults. (The Chinese character count `check` uses is
 * ws_count_han: tests/unit/test_unicode.c.) Run from the repository root (tests/run does). */
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>

#include "records/records.h"
#include "records/records_int.h"
#include "tap.h"

static const char *prop(xmlNodePtr n, const char *name)
{
    static char buf[256];
    xmlChar *v = n ? xmlGetProp(n, BAD_CAST name) : NULL;
    snprintf(buf, sizeof buf, "%s", v ? (const char *)v : "(none)");
    xmlFree(v);
    return buf;
}

static double xpath_number(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr xc = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, xc);
    double v = r ? xmlXPathCastToNumber(r) : -1;
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(xc);
    return v;
}

/* Tests run from the top of the source tree (tests/run). */
#define SCHEMA "schemas/campaign.xsd"

int main(void)
{

    /* the samples: clean, shared context resolved across files */
    char *samples[] = {"samples/members-mzj.xml", "samples/campaign.xml", "samples/members-fly.xml"};
    diag *d = diag_new(NULL);
    records_index *ix = records_index_build(SCHEMA, samples, 3, 1, d);
    CHECK(ix != NULL, "index built over the samples");
    CHECK(diag_count(d, DIAG_ERROR) == 0 && diag_count(d, DIAG_WARNING) == 0, "samples are clean (%s)",
          diag_nmessages(d) ? diag_message(d, 0) : "no message");
    xmlNodePtr c = records_campaign(ix);
    CHECK(c && !strcmp((const char *)c->name, "campaign") && c->ns == NULL, "campaign found, unqualified");
    CHECK(!strcmp(prop(c, "batch"), "第一批"), "campaign batch");
    xmlNodePtr zb4 = records_lookup(ix, "O-ZB4");
    CHECK(zb4 && !strcmp(prop(zb4, "unit"), "U-FLY"), "organisation looked up by id");
    CHECK(records_lookup(ix, "U-MZJ") != NULL, "unit looked up by id");
    CHECK(records_lookup(ix, "M01") == NULL, "members are not kept in the index");
    CHECK(records_lookup(ix, "nope") == NULL, "unknown id: NULL");
    CHECK(!records_is_bad(ix, "M01") && !records_is_bad(ix, "O-JG"), "clean records are not bad");
    CHECK(xpath_number(zb4->doc, "count(//organisation)") == 5, "the index document answers plain XPath");
    records_stats st;
    records_index_stats(ix, &st);
    CHECK(st.members == 30 && st.organisations == 5 && st.units == 2 && st.campaigns == 1, "stats count records");
    records_index_free(ix);
    diag_free(d);

    /* schema defaults are filled in: <targets/> in base.xml */
    char *base[] = {"tests/records/fixtures/base.xml", "tests/records/fixtures/rule-reference.xml"};
    d = diag_new(NULL);
    ix = records_index_build(SCHEMA, base, 2, 1, d);
    xmlNodePtr targets = NULL;
    for (xmlNodePtr n = records_campaign(ix) ? records_campaign(ix)->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "targets")) targets = n;
    CHECK(!strcmp(prop(targets, "study-hours"), "40") && !strcmp(prop(targets, "analysis-leader"), "4000") &&
              !strcmp(prop(targets, "analysis-member"), "2000"),
          "schema defaults of targets are filled in");
    CHECK(records_is_bad(ix, "M1") && records_is_bad(ix, "M2") && records_is_bad(ix, "O3"),
          "records with errors are bad");
    CHECK(!records_is_bad(ix, "O1") && !records_is_bad(ix, "O2"), "records without errors are not bad");
    CHECK(diag_count(d, DIAG_ERROR) == 5, "five reference errors (%ld)", diag_count(d, DIAG_ERROR));
    records_index_free(ix);
    diag_free(d);

    /* no schema: NULL, reported */
    d = diag_new(NULL);
    ix = records_index_build("/nonexistent/schemas/campaign.xsd", base, 1, 1, d);
    CHECK(ix == NULL && diag_count(d, DIAG_ERROR) == 1, "a missing schema gives NULL and one error");
    diag_free(d);

    /* records_parse_file + records_unqualify: templates see //member */
    d = diag_new(NULL);
    xmlDocPtr doc = records_parse_file("samples/members-fly.xml", d);
    CHECK(doc != NULL, "records_parse_file reads a sample");
    CHECK(xpath_number(doc, "count(//member)") == 0, "before unqualify, //member finds nothing (namespaced)");
    records_unqualify(doc);
    CHECK(xpath_number(doc, "count(//member)") == 6, "after unqualify, //member finds the members");
    CHECK(xpath_number(doc, "count(//member[@id='M25']/analysis/problem)") == 1, "nested elements unqualified too");
    xmlFreeDoc(doc);
    doc = records_parse_file("tests/records/fixtures/hostile-billion-laughs.xml", d);
    CHECK(doc == NULL && diag_count(d, DIAG_ERROR) == 1, "records_parse_file refuses a DOCTYPE");
    diag_free(d);

    CHECK(records_parse_date("2005-03-01") == 20050301 && records_parse_date("2005-3-1") == 0, "dates parsed strictly");
    CHECK(records_parse_date(" 2005-12-31") == 20051231 && records_parse_date("+005-03-01") == 0 &&
              records_parse_date("2005-+3-01") == 0 && records_parse_date("2005-13-01") == 0 &&
              records_parse_date("2005-03-0") == 0 && records_parse_date("") == 0,
          "dates: digits only, month and day in range, nothing short");
    /* The read-ahead reader gives what records_parse_file gives, file by file (a small file is one
     * piece), and says what is wrong with each file when the caller takes it — in order, as if
     * read there and then. */
    char *mixed[] = {"samples/campaign.xml", "tests/records/fixtures/not-wellformed.xml", "samples/members-mzj.xml",
                     "tests/records/fixtures/hostile-invalid-utf8.xml", "samples/members-fly.xml"};
    /* One helper, as `-j 1` reads; three, each taking every third file, as `-j 3` does. */
    for (unsigned threads = 1; threads <= 3; threads += 2) {
        diag *seq = diag_new(NULL), *ahead = diag_new(NULL);
        int same = 1;
        records_reader *rd = records_reader_open(mixed, 5, threads, ahead);
        for (size_t i = 0; i < 5; i++) {
            diag_report(seq, DIAG_NOTE, (diag_loc){0}, "file %zu", i);
            diag_report(ahead, DIAG_NOTE, (diag_loc){0}, "file %zu", i);
            records_piece pc;
            xmlDocPtr a = records_parse_file(mixed[i], seq);
            xmlDocPtr b = records_reader_next_piece(rd, &pc, ahead) ? pc.doc : NULL;
            if (a) records_unqualify(a);
            same &= !a == !b && pc.file == i && pc.piece == 0 && pc.last;
            if (a && b) {
                xmlChar *ta = NULL, *tb = NULL;
                int la = 0, lb = 0;
                xmlDocDumpMemory(a, &ta, &la);
                xmlDocDumpMemory(b, &tb, &lb);
                same &= la == lb && !memcmp(ta, tb, (size_t)la);
                xmlFree(ta);
                xmlFree(tb);
            }
            xmlFreeDoc(a);
            if (b) records_reader_done_piece(rd, &pc);
        }
        records_piece end;
        same &= !records_reader_next_piece(rd, &end, ahead);
        records_reader_close(rd);
        CHECK(same, "%u reading thread(s): the reader's documents are records_parse_file's, unqualified", threads);
        int msgs_same = diag_nmessages(seq) == diag_nmessages(ahead) && diag_count(seq, DIAG_ERROR) == 2 &&
                        diag_count(ahead, DIAG_ERROR) == 2;
        for (size_t i = 0; msgs_same && i < diag_nmessages(seq); i++)
            msgs_same = !strcmp(diag_message(seq, i), diag_message(ahead, i));
        CHECK(msgs_same, "%u reading thread(s): the messages come in the same order, each after its file's turn (%zu)",
              threads, diag_nmessages(ahead));
        diag_free(seq);
        diag_free(ahead);
    }
    /* An index read with two threads reports and holds what one read with one thread does. */
    char *four[] = {"samples/campaign.xml", "samples/members-mzj.xml", "tests/records/fixtures/not-wellformed.xml",
                    "samples/members-fly.xml"};
    diag *d1 = diag_new(NULL), *d2 = diag_new(NULL);
    records_index *ix1 = records_index_build(SCHEMA, four, 4, 1, d1), *ix2 = records_index_build(SCHEMA, four, 4, 2, d2);
    int index_same = ix1 && ix2 && diag_nmessages(d1) == diag_nmessages(d2) && diag_count(d1, DIAG_ERROR) == 1;
    for (size_t i = 0; index_same && i < diag_nmessages(d1); i++)
        index_same = !strcmp(diag_message(d1, i), diag_message(d2, i));
    xmlNodePtr *m1 = NULL, *m2 = NULL;
    size_t n1 = ix1 ? records_members(ix1, "U-MZJ", &m1) : 0;
    size_t n2 = ix2 ? records_members(ix2, "U-MZJ", &m2) : 0;
    index_same &= n1 == n2 && n1 > 0;
    for (size_t i = 0; index_same && i < n1; i++) {
        xmlChar *a = xmlGetProp(m1[i], BAD_CAST "id"), *b = xmlGetProp(m2[i], BAD_CAST "id");
        index_same = xmlStrEqual(a, b);
        xmlFree(a);
        xmlFree(b);
    }
    CHECK(index_same, "an index read with two threads equals one read with one (%zu members)", n1);
    /* In two steps and without member summaries (a build of member forms only): the same messages,
     * the same records, found bad or not. */
    diag *d3 = diag_new(NULL);
    records_index *ix3 = records_index_finish(records_index_begin(SCHEMA, four, 4, 2, d3), 0, d3);
    int steps_same = ix3 && diag_nmessages(d3) == diag_nmessages(d1) && records_lookup(ix3, "U-MZJ") &&
                     records_lookup(ix3, "O-JG") && records_campaign(ix3) &&
                     records_is_bad(ix3, "O-JG") == records_is_bad(ix1, "O-JG");
    for (size_t i = 0; steps_same && i < diag_nmessages(d1); i++)
        steps_same = !strcmp(diag_message(d1, i), diag_message(d3, i));
    CHECK(steps_same, "records_index_begin/finish without summaries: the same index and messages");
    records_index_free(ix3);
    diag_free(d3);
    free(m1);
    free(m2);
    records_index_free(ix1);
    records_index_free(ix2);
    diag_free(d1);
    diag_free(d2);

    /* A reader closed early frees what its threads read ahead (valgrind/ASan see the rest). */
    records_reader *rd = records_reader_open(mixed, 5, 3, d);
    records_piece first;
    CHECK(records_reader_next_piece(rd, &first, d) && first.doc != NULL, "a reader can be closed after one file");
    records_reader_done_piece(rd, &first);
    records_reader_close(rd);
    return TAP_DONE();
}
