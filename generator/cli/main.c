/* wenshu — XML records to print-ready Chinese official-document PDFs. Command dispatch. */
#include <stdio.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "cli/cli_opts.h"
#include "cli/commands.h"
#include "base/diag.h"
#include "base/i18n.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"check", cmd_check, N_("validate records against the schema and the campaign rules")},
    {"merge", cmd_merge, N_("print the Markdown a template makes for each record")},
    {"render", cmd_render, N_("typeset a Markdown file as a GB/T 9704 PDF")},
    {"build", cmd_build, N_("build every form for every record: PDFs, combined files, manifest")},
    {"verify", cmd_verify, N_("re-hash an output folder against its manifest")},
    {"import", cmd_import, N_("records XML from spreadsheets (XLSX, ODS, CSV)")},
    {"export", cmd_export, N_("records as a workbook (XLSX), or the blank workbook to fill in")},
    {"watch", cmd_watch, N_("make one record's PDF again whenever its template or records are saved")},
    {"serve", cmd_serve, N_("a local web page: the records, their problems and every form, previewed")},
};

static void usage(FILE *out)
{
    fputs(_("usage: wenshu COMMAND [ARGS...]\n\ncommands:\n"), out);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
    fputs(_("\n'wenshu COMMAND --help' describes a command; 'man wenshu' all of them.\n"
                 "'wenshu --version' prints the version.\n"
                 "exit status: 0 clean, 1 errors in the data, 2 usage or I/O failure\n"), out);
}

int main(int argc, char **argv)
{
#if defined(__GLIBC__)
    /* Blocks of 64 KiB and more (file buffers, DOM text, growing arrays) get pages of their own,
     * given back when freed. glibc otherwise raises this threshold after the first such free and
     * takes them from the heap, where a build's freed DOMs leave holes among the plan's data:
     * worker processes forked from it then write into those half-used pages, and every such page
     * is copied. Measured on 10 000 members at -j 2: 120 MB -> 102 MB for the processes together,
     * and no slower (bench/PROFILE.md). */
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
    /* No fast bins: a freed small chunk is merged with its free neighbours at once. Reading
     * records frees whole DOMs (tens of thousands of nodes a piece) between allocations of a
     * KiB and more, each of which otherwise merges every chunk in the fast bins first
     * (malloc_consolidate, 7-9 % of `wenshu check`'s CPU). Measured on 2 000 members: check
     * 182 -> 161 ms of CPU; the workers neither gain nor lose (bench/PROFILE.md, eighth round). */
    mallopt(M_MXFAST, 0);
#endif
    ws_i18n_init(cli_localedir());
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        cli_print_version();
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    /* The short form of a usage error, as every command words it (cli_usage_error). */
    fprintf(stderr,
            argv[1][0] == '-' ? _("wenshu: unknown option '%s'\nusage: wenshu COMMAND [ARGS...]\nTry 'wenshu --help' for more information.\n")
                              : _("wenshu: unknown command '%s'\nusage: wenshu COMMAND [ARGS...]\nTry 'wenshu --help' for more information.\n"),
            argv[1]);
    return EXIT_USAGE;
}
