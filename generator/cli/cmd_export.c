/* wenshu export — records as a workbook (XLSX) in the layout of docs/spreadsheets.md, or the
 * blank workbook to fill in; the work is sheets/, this file is the command line. */
#include <stdio.h>
#include <string.h>

#include "base/diag.h"
#include "cli/cli_opts.h"
#include "cli/commands.h"
#include "sheets/sheets.h"
#include "base/i18n.h"


static void usage(FILE *out)
{
    fputs(_("usage: wenshu export DATA... -o FILE.xlsx | wenshu export --blank -o FILE.xlsx\n"
          "\n"
          "Writes the records of the DATA files as one workbook in the layout of docs/spreadsheets.md\n"
          "(sheets 单位, 组织, 委员, 党员, 学习, 征求意见, 党性分析, 评议, 整改, 制度, 公布, 测评, 报告,\n"
          "报告正文, and 说明): dates as Excel dates, ids as text, drop-down lists for 性别, 党员类别,\n"
          "所在党组织 and the other fixed values. `wenshu import` of the workbook gives the same records.\n"
          "The records are checked first; with errors nothing is written. The campaign is not part of\n"
          "the workbook: give it to import with --campaign. The same records give the same bytes.\n"
          "\n"
          "  -o, --output FILE.xlsx   the workbook to write\n"
          "  --blank                  the empty workbook with headers, lists and the 说明 sheet\n"
          "  -q, --quiet              no summary line\n"
          "  -h, --help               this text\n"
          "  --version                the version of wenshu\n"
          "\n"
          "exit status: 0 written, 1 errors in the records (nothing written), 2 usage or I/O failure\n"),
          out);
}

enum { OPT_BLANK = CLI_LONG_ONLY };

static const cli_option export_options[] = {
    {"output", 'o', 1, N_("the workbook to write")},
    {"blank", OPT_BLANK, 0, NULL},
    {"quiet", 'q', 0, NULL},
    {NULL, 0, 0, NULL},
};

int cmd_export(int argc, char **argv)
{
    sheets_export_options opt = {NULL, cli_schema_path(), 0};
    int quiet = 0;
    cli_parser p = {.command = "export", .synopsis = N_("usage: wenshu export DATA... -o FILE.xlsx | wenshu export --blank -o FILE.xlsx"), .help = usage, .options = export_options};
    for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;) {
        switch (c) {
        case 'o': opt.out = p.value; break;
        case OPT_BLANK: opt.blank = 1; break;
        case 'q': quiet = 1; break;
        default: return p.status;
        }
    }
    int nfiles = argc - p.first;
    if (!opt.blank && nfiles <= 0) return cli_usage_error(&p, _("no records file given (or --blank for the empty workbook)"));
    if (opt.blank && nfiles > 0) return cli_usage_error(&p, _("--blank takes no records files"));
    if (!opt.out) return cli_usage_error(&p, _("no output file given: add -o FILE.xlsx"));
    size_t n = strlen(opt.out);
    if (n < 5 || strcmp(opt.out + n - 5, ".xlsx"))
        return cli_usage_error(&p, _("the output must be an .xlsx file: %s"), opt.out);
    diag *d = diag_new(stderr);
    int status = sheets_export(argv + p.first, (size_t)(opt.blank ? 0 : nfiles), &opt, d);
    if (!quiet)
        cli_print_counts("export", opt.blank ? 0 : nfiles, diag_count(d, DIAG_ERROR), diag_count(d, DIAG_WARNING), status != 0);
    diag_free(d);
    return status;
}
