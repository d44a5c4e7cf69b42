/* wenshu merge — prints the Markdown a template makes for each record: the form writer's view of a
 * template before typesetting. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_opts.h"
#include "cli/commands.h"
#include "base/diag.h"
#include "records/records.h"
#include "template/template.h"
#include "base/util.h"

static void usage(FILE *out)
{
    fputs("usage: wenshu merge [--record ID] TEMPLATE DATA...\n"
          "\n"
          "Merges the template (e.g. templates/feedback.md) with every record it selects in the\n"
          "DATA files (its front matter's records:) and prints the Markdown, each record after a line\n"
          "  <!-- record ID (FILE) -->\n"
          "With --record, prints only that record's Markdown, without the comment line, ready for\n"
          "'wenshu render'. The template is checked first: syntax, XPath, functions and variables\n"
          "are reported as TEMPLATE:line:col. The template language: docs/templates.md.\n"
          "\n"
          "  --record ID   only the record with this id\n"
          "  -h, --help    this text\n"
          "  --version     the program's version\n"
          "\n"
          "exit status: 0 clean, 1 errors in the data or while merging a record (other records are\n"
          "still printed), 2 usage, I/O failure or an error in the template\n",
          out);
}

enum { OPT_RECORD = CLI_LONG_ONLY };
static const cli_option merge_options[] = {
    {"record", OPT_RECORD, 1, "an id"},
    {0},
};

int cmd_merge(int argc, char **argv)
{
    const char *only = NULL;
    cli_parser p = {.command = "merge", .synopsis = "usage: wenshu merge [--record ID] TEMPLATE DATA...", .help = usage,
                    .options = merge_options};
    for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;) {
        if (c == OPT_RECORD) only = p.value;
        else return p.status;
    }
    /* The positional arguments, TEMPLATE first: getopt_long has moved them to argv's end. */
    char **pos = argv + p.first;
    int npos = argc - p.first;
    if (npos < 2) return cli_usage_error(&p, npos ? "no records file given" : "no template given");

    diag *d = diag_new(stderr);
    int status = EXIT_OK;
    /* An unreadable input is a usage problem (exit 2), not a data error. */
    for (int f = 0; f < npos; f++) {
        struct stat st;
        if (stat(pos[f], &st) != 0 || !S_ISREG(st.st_mode) || access(pos[f], R_OK) != 0) {
            diag_report(d, DIAG_ERROR, (diag_loc){pos[f], 0, 0, NULL}, "cannot read: %s",
                        stat(pos[f], &st) != 0 ? strerror(errno) : S_ISDIR(st.st_mode) ? "is a directory" : "not a readable file");
            status = EXIT_USAGE;
        }
    }
    if (status != EXIT_OK) {
        diag_free(d);
        return status;
    }
    records_index *ix = records_index_build(cli_schema_path(), pos + 1, (size_t)(npos - 1), 1, d);
    template *t = ix ? template_load(pos[0], ix, d) : NULL;
    if (!ix || !t) {
        status = EXIT_USAGE;
        goto done;
    }

    int found = 0, printed = 0;
    for (int f = 1; f < npos; f++) {
        /* The index build has read every file once and reported its problems; a file it could
         * not parse fails again here, quietly. */
        diag *quiet = diag_new(NULL);
        xmlDocPtr doc = records_parse_file(pos[f], quiet);
        if (!doc && diag_count(d, DIAG_ERROR) == 0)
            for (size_t m = 0; m < diag_nmessages(quiet); m++) fprintf(stderr, "%s\n", diag_message(quiet, m));
        if (!doc && !diag_count(d, DIAG_ERROR)) diag_report(d, DIAG_ERROR, (diag_loc){pos[f], 0, 0, NULL}, "cannot be read");
        diag_free(quiet);
        if (!doc) continue;
        records_unqualify(doc);
        xmlNodePtr *recs;
        size_t n;
        if (template_select(t, doc, &recs, &n, d) == 0) {
            for (size_t i = 0; i < n; i++) {
                char *id = template_record_id(recs[i]);
                if (only && strcmp(only, id)) {
                    free(id);
                    continue;
                }
                found++;
                if (records_skip_reason(ix, id, (size_t)(f - 1), xmlGetLineNo(recs[i])) != RECORDS_SKIP_NONE) {
                    diag_report(d, DIAG_ERROR, (diag_loc){pos[f], recs[i]->line, 0, id},
                                "not merged: the record has errors (see above)");
                    free(id);
                    continue;
                }
                ws_buf md = {0};
                if (template_merge(t, recs[i], &md, d) == 0) {
                    if (!only) printf("%s<!-- record %s (%s) -->\n\n", printed ? "\n" : "", id, pos[f]);
                    fwrite(md.data ? md.data : "", 1, md.len, stdout);
                    if (md.len && md.data[md.len - 1] != '\n') putchar('\n');
                    printed++;
                }
                ws_buf_free(&md);
                free(id);
            }
            free(recs);
        }
        xmlFreeDoc(doc);
    }
    if (only && !found)
        diag_report(d, DIAG_ERROR, (diag_loc){pos[0], 0, 0, NULL},
                    "no record '%s' among those the template selects (records: %s)", only, template_records(t));
    if (fflush(stdout) != 0) {
        perror("wenshu merge: standard output");
        status = EXIT_USAGE;
    }

done:
    if (status == EXIT_OK && diag_count(d, DIAG_ERROR)) status = EXIT_DATA;
    template_free(t);
    records_index_free(ix);
    diag_free(d);
    return status;
}
