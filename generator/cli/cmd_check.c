/* wenshu check — validates records (XSD + campaign rules) and says whether they are fit to build. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_opts.h"
#include "cli/commands.h"
#include "base/diag.h"
#include "records/records.h"
#include "base/i18n.h"

static void usage(FILE *out)
{
    fputs(_("usage: wenshu check [--strict] [-q] FILE...\n"
          "\n"
          "Validates campaign records against schemas/campaign.xsd and the campaign rules (unique ids,\n"
          "references across files, dates inside their phases, complete rectification items, study\n"
          "hours, analysis length, survey majorities, batches). Prints every problem as\n"
          "  file:line:col: error|warning: record ID: message\n"
          "then a one-line summary, both on standard error.\n"
          "\n"
          "  --strict      warnings make the check fail too\n"
          "  -q, --quiet   no summary line\n"
          "  -h, --help    this text\n"
          "  --version     the program's version\n"
          "\n"
          "exit status: 0 clean (warnings allowed unless --strict), 1 errors in the data (or warnings\n"
          "under --strict), 2 usage or I/O failure (missing or unreadable file, directory, no schema)\n"),
          out);
}

enum { OPT_STRICT = CLI_LONG_ONLY };
static const cli_option check_options[] = {
    {"strict", OPT_STRICT, 0, NULL},
    {"quiet", 'q', 0, NULL},
    {0},
};

int cmd_check(int argc, char **argv)
{
    int strict = 0, quiet = 0;
    cli_parser p = {.command = "check", .synopsis = N_("usage: wenshu check [--strict] [-q] FILE..."), .help = usage,
                    .options = check_options};
    for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;) {
        if (c == OPT_STRICT) strict = 1;
        else if (c == 'q') quiet = 1;
        else return p.status;
    }
    int first = p.first; /* the files: getopt_long has moved them after the options */
    if (first >= argc) return cli_usage_error(&p, _("no records file given"));

    diag *d = diag_new(stderr);
    records_index *ix = records_index_build(cli_schema_path(), argv + first, (size_t)(argc - first), 1, d);
    records_stats st;
    records_index_stats(ix, &st);
    long errors = diag_count(d, DIAG_ERROR), warnings = diag_count(d, DIAG_WARNING);
    if (!quiet) {
        size_t records = st.campaigns + st.units + st.organisations + st.members;
        char files[64], recs[64], camps[64], units[64], orgs[64], members[64], errs[64], warns[64];
        size_t nfiles = (size_t)(argc - first);
        snprintf(files, sizeof files, P_("%zu file", "%zu files", nfiles), nfiles);
        snprintf(recs, sizeof recs, P_("%zu record", "%zu records", records), records);
        snprintf(camps, sizeof camps, P_("%zu campaign", "%zu campaigns", st.campaigns), st.campaigns);
        snprintf(units, sizeof units, P_("%zu unit", "%zu units", st.units), st.units);
        snprintf(orgs, sizeof orgs, P_("%zu organisation", "%zu organisations", st.organisations), st.organisations);
        snprintf(members, sizeof members, P_("%zu member", "%zu members", st.members), st.members);
        snprintf(errs, sizeof errs, P_("%ld error", "%ld errors", errors), errors);
        snprintf(warns, sizeof warns, P_("%ld warning", "%ld warnings", warnings), warnings);
        /* A message like the others: on standard error (standard output is for data only). */
        fprintf(stderr, _("wenshu check: %s, %s (%s, %s, %s, %s): %s, %s\n"), files, recs, camps, units, orgs, members,
                errs, warns);
    }
    int status = EXIT_OK;
    if (!ix || st.io_failures) status = EXIT_USAGE;
    else if (errors || (strict && warnings)) status = EXIT_DATA;
    records_index_free(ix);
    diag_free(d);
    return status;
}
