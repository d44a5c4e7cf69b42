/* wenshu import — records from spreadsheets (XLSX, ODS, CSV): the layout is docs/spreadsheets.md,
 * the work is sheets/; this file is the command line. */
#include <stdio.h>
#include <string.h>

#include "base/diag.h"
#include "cli/cli_opts.h"
#include "cli/commands.h"
#include "sheets/sheets.h"
#include "base/i18n.h"


static void usage(FILE *out)
{
    fputs(_("usage: wenshu import FILE... -o DIR [--campaign FILE.xml] [--encoding NAME]\n"
          "\n"
          "Reads workbooks in the layout of docs/spreadsheets.md (sheets 单位, 组织, 委员, 党员, 学习,\n"
          "征求意见, 党性分析, 评议, 整改, 制度, 公布, 测评, 报告, 报告正文; headers matched by name) from\n"
          ".xlsx (Excel, WPS), .ods (LibreOffice, WPS) and .csv\n"
          "files (one sheet each, named after it: 党员.csv), and writes records XML that `wenshu check`\n"
          "accepts: one file per unit, DIR/UNITID.xml. Every problem is printed as\n"
          "  FILE:SHEET!CELL: error|warning: message\n"
          "and nothing is written unless there is no error.\n"
          "\n"
          "  -o, --output DIR         where the records files go (made when missing)\n"
          "  --campaign FILE.xml      copy the <campaign> of this records file to DIR/campaign.xml\n"
          "  --encoding NAME          the encoding of CSV files (an iconv name, e.g. GBK); default: UTF-8\n"
          "                           (with or without BOM) when valid, else GB18030\n"
          "  -q, --quiet              no summary line\n"
          "  -h, --help               this text\n"
          "  --version                the version of wenshu\n"
          "\n"
          "exit status: 0 written, 1 errors in the data (nothing written), 2 usage or I/O failure\n"),
          out);
}

enum { OPT_CAMPAIGN = CLI_LONG_ONLY, OPT_ENCODING };

static const cli_option import_options[] = {
    {"output", 'o', 1, N_("the folder to write the records files into")},
    {"campaign", OPT_CAMPAIGN, 1, N_("a records file that holds the campaign")},
    {"encoding", OPT_ENCODING, 1, N_("an encoding name such as GBK")},
    {"quiet", 'q', 0, NULL},
    {NULL, 0, 0, NULL},
};

int cmd_import(int argc, char **argv)
{
    sheets_options opt = {NULL, NULL, NULL};
    int quiet = 0;
    cli_parser p = {.command = "import", .synopsis = N_("usage: wenshu import FILE... -o DIR [--campaign FILE.xml] [--encoding NAME]"), .help = usage, .options = import_options};
    for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;) {
        switch (c) {
        case 'o': opt.out_dir = p.value; break;
        case OPT_CAMPAIGN: opt.campaign = p.value; break;
        case OPT_ENCODING: opt.encoding = p.value; break;
        case 'q': quiet = 1; break;
        default: return p.status;
        }
    }
    if (p.first >= argc) return cli_usage_error(&p, _("no input file given"));
    if (!opt.out_dir) return cli_usage_error(&p, _("no output folder given: add -o DIR"));
    diag *d = diag_new(stderr);
    int status = sheets_import(argv + p.first, (size_t)(argc - p.first), &opt, d);
    if (!quiet)
        cli_print_counts("import", argc - p.first, diag_count(d, DIAG_ERROR), diag_count(d, DIAG_WARNING), status != 0);
    diag_free(d);
    return status;
}
