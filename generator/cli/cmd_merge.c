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
#include "base/i18n.h"

static void usage(FILE *out)
{
    fputs(_("usage: wenshu merge [--record ID] [-o FILE|-] TEMPLATE DATA...\n"
          "\n"
          "Merges the template (e.g. templates/feedback.md) with every record it selects in the\n"
          "DATA files (its front matter's records:) and prints the Markdown, each record after a line\n"
          "  <!-- record ID (FILE) -->\n"
          "The output starts with a front matter naming the template's style (style: NAME), which\n"
          "'wenshu render' follows: wenshu merge --record ID T.md DATA | wenshu render - -o ID.pdf\n"
          "With --record, prints only that record's Markdown, without the comment line, ready for\n"
          "'wenshu render'. The template is checked first: syntax, XPath, functions and variables\n"
          "are reported as TEMPLATE:line:col. The template language: docs/templates.md.\n"
          "\n"
          "  --record ID   only the record with this id\n"
          "  -o FILE       write the Markdown to FILE (only when complete); - or none: standard output\n"
          "  -h, --help    this text\n"
          "  --version     the program's version\n"
          "\n"
          "exit status: 0 clean, 1 errors in the data or while merging a record (other records are\n"
          "still printed), 2 usage, I/O failure or an error in the template\n"),
          out);
}

enum { OPT_RECORD = CLI_LONG_ONLY };
static const cli_option merge_options[] = {
    {"record", OPT_RECORD, 1, N_("an id")},
    {"output", 'o', 1, N_("a file to write, or - for standard output")},
    {0},
};

int cmd_merge(int argc, char **argv)
{
    const char *only = NULL, *out = "-";
    cli_parser p = {.command = "merge", .synopsis = N_("usage: wenshu merge [--record ID] [-o FILE|-] TEMPLATE DATA..."), .help = usage,
                    .options = merge_options};
    for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;) {
        if (c == OPT_RECORD) only = p.value;
        else if (c == 'o') out = p.value;
        else return p.status;
    }
    /* The positional arguments, TEMPLATE first: getopt_long has moved them to argv's end. */
    char **pos = argv + p.first;
    int npos = argc - p.first;
    if (npos < 2) return cli_usage_error(&p, npos ? _("no records file given") : _("no template given"));

    diag *d = diag_new(stderr);
    int status = EXIT_OK;
    /* An unreadable input is a usage problem (exit 2), not a data error. */
    for (int f = 0; f < npos; f++) {
        struct stat st;
        if (stat(pos[f], &st) != 0 || !S_ISREG(st.st_mode) || access(pos[f], R_OK) != 0) {
            diag_report(d, DIAG_ERROR, (diag_loc){pos[f], 0, 0, NULL}, _("cannot read: %s"),
                        stat(pos[f], &st) != 0 ? strerror(errno) : S_ISDIR(st.st_mode) ? _("is a directory") : _("not a readable file"));
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

    /* The output, written at the end: a file only when complete (never half-written), else
     * standard output. Its front matter carries the template's style, so that `wenshu render`
     * sets the merged Markdown as the build would (cmd_render.c reads it). */
    ws_buf md_out = {0};
    ws_buf_printf(&md_out, "---\nstyle: %s\n---\n\n", template_style(t) ? template_style(t) : "gbt9704");
    int found = 0, printed = 0;
    for (int f = 1; f < npos; f++) {
        /* The index build has read every file once and reported its problems; a file it could
         * not parse fails again here, quietly. */
        diag *quiet = diag_new(NULL);
        xmlDocPtr doc = records_parse_file(pos[f], quiet);
        if (!doc && diag_count(d, DIAG_ERROR) == 0)
            for (size_t m = 0; m < diag_nmessages(quiet); m++) fprintf(stderr, "%s\n", diag_message(quiet, m));
        if (!doc && !diag_count(d, DIAG_ERROR)) diag_report(d, DIAG_ERROR, (diag_loc){pos[f], 0, 0, NULL}, _("cannot be read"));
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
                                _("not merged: the record has errors (see above)"));
                    free(id);
                    continue;
                }
                ws_buf md = {0};
                if (template_merge(t, recs[i], &md, d) == 0) {
                    if (!only) ws_buf_printf(&md_out, "%s<!-- record %s (%s) -->\n\n", printed ? "\n" : "", id, pos[f]);
                    ws_buf_put(&md_out, md.data ? md.data : "", md.len);
                    if (md.len && md.data[md.len - 1] != '\n') ws_buf_putc(&md_out, '\n');
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
                    _("no record '%s' among those the template selects (records: %s)"), only, template_records(t));
    if (!strcmp(out, "-")) {
        if (printed) fwrite(md_out.data, 1, md_out.len, stdout);
        if (fflush(stdout) != 0) {
            fprintf(stderr, _("wenshu merge: cannot write to standard output: %s\n"), strerror(errno));
            status = EXIT_USAGE;
        }
    } else if (printed) {
        char err[512];
        if (ws_write_file_atomic(out, md_out.data, md_out.len, err, sizeof err) < 0) {
            diag_report(d, DIAG_ERROR, (diag_loc){out, 0, 0, NULL}, "%s", err);
            status = EXIT_USAGE;
        }
    }
    ws_buf_free(&md_out);

done:
    if (status == EXIT_OK && diag_count(d, DIAG_ERROR)) status = EXIT_DATA;
    template_free(t);
    records_index_free(ix);
    diag_free(d);
    return status;
}
