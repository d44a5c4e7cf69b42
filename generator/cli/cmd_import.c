/* wenshu import — records from spreadsheets (XLSX, ODS, CSV): the layout is docs/spreadsheets.md,
 * the work is sheets/; this file is the command line. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "base/diag.h"
#include "sheets/sheets.h"

#ifndef WENSHU_VERSION
#define WENSHU_VERSION "0.1.0"
#endif

static const char usage_line[] = "usage: wenshu import FILE... -o DIR [--campaign FILE.xml] [--encoding NAME]\n";

static const char usage_text[] =
    "\n"
    "Reads workbooks in the layout of docs/spreadsheets.md (sheets 单位, 组织, 党员, 学习, 征求意见,\n"
    "评议, 整改; headers matched by name) from .xlsx (Excel, WPS), .ods (LibreOffice, WPS) and .csv\n"
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
    "  --help, --version\n"
    "\n"
    "exit status: 0 written, 1 errors in the data (nothing written), 2 usage or I/O failure\n";

int cmd_import(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"campaign", required_argument, NULL, 'c'},
        {"encoding", required_argument, NULL, 'e'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    sheets_options opt = {NULL, NULL, NULL};
    int quiet = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", options, NULL)) != -1) {
        switch (c) {
        case 'o': opt.out_dir = optarg; break;
        case 'c': opt.campaign = optarg; break;
        case 'e': opt.encoding = optarg; break;
        case 'q': quiet = 1; break;
        case 'h':
            fputs(usage_line, stdout);
            fputs(usage_text, stdout);
            return EXIT_OK;
        case 'V': printf("wenshu %s\n", WENSHU_VERSION); return EXIT_OK;
        default:
            fprintf(stderr, "wenshu import: bad option '%s'\n%s", argv[optind - 1], usage_line);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc || !opt.out_dir) {
        fprintf(stderr, "wenshu import: %s\n%s", optind >= argc ? "no input file" : "no output folder (-o DIR)", usage_line);
        return EXIT_USAGE;
    }
    diag *d = diag_new(stderr);
    int status = sheets_import(argv + optind, (size_t)(argc - optind), &opt, d);
    if (!quiet)
        printf("wenshu import: %d file(s): %ld error(s), %ld warning(s)%s\n", argc - optind, diag_count(d, DIAG_ERROR),
               diag_count(d, DIAG_WARNING), status ? ", nothing written" : "");
    diag_free(d);
    return status;
}
