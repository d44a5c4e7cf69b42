/* wenshu serve — the local workbench page (serve/serve.h): the command line only. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/diag.h"
#include "cli/cli_opts.h"
#include "cli/commands.h"
#include "serve/serve.h"
#include "base/i18n.h"

static void usage(FILE *out)
{
    fputs(_("usage: wenshu serve DATA... [--port N] [-o OUT]\n"
          "\n"
          "A workbench page in the browser, on this computer only: the organisation tree and its\n"
          "members with the forms each gets, the problems of every record where they are, and any\n"
          "form of any record previewed as PDF, stepping through the records with ◀ ▶. The page\n"
          "reloads when a template, style or DATA file is saved. With -o, its button 生成全部 runs\n"
          "'wenshu build DATA... -o OUT' and shows the progress.\n"
          "It listens on 127.0.0.1 only and prints the address to open: it holds a random token,\n"
          "and requests without it are refused. Ctrl-C (or SIGTERM) stops it.\n"
          "\n"
          "  --port N            the port (default: any free port)\n"
          "  -o, --output OUT    output folder for 生成全部 (without it, the page only shows)\n"
          "  -h, --help          this text\n"
          "  --version           the program's version\n"
          "\n"
          "exit status: 0 after Ctrl-C or SIGTERM, 2 usage, unreadable files or the port taken\n"),
          out);
}

enum { OPT_PORT = CLI_LONG_ONLY };
static const cli_option serve_options[] = {
    {"port", OPT_PORT, 1, N_("a port number from 1 to 65535")},
    {"output", 'o', 1, N_("an output folder")},
    {0},
};

int cmd_serve(int argc, char **argv)
{
    unsigned long port = 0;
    const char *out = NULL;
    cli_parser p = {.command = "serve", .synopsis = N_("usage: wenshu serve DATA... [--port N] [-o OUT]"), .help = usage,
                    .options = serve_options};
    for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;) {
        if (c == OPT_PORT) {
            if (cli_number(&p, 1, 65535, &port)) return p.status;
        } else if (c == 'o') {
            out = p.value;
        } else {
            return p.status;
        }
    }
    if (p.first >= argc) return cli_usage_error(&p, _("no records file given"));
    for (int f = p.first; f < argc; f++) {
        struct stat st;
        if (stat(argv[f], &st) != 0 || !S_ISREG(st.st_mode) || access(argv[f], R_OK) != 0) {
            diag *d = diag_new(stderr);
            diag_report(d, DIAG_ERROR, (diag_loc){argv[f], 0, 0, NULL}, _("cannot read: not a readable file"));
            diag_free(d);
            return EXIT_USAGE;
        }
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        perror("wenshu serve: /proc/self/exe");
        return EXIT_USAGE;
    }
    self[n] = 0;
    serve_config cfg = {argv + p.first, (size_t)(argc - p.first), out, (unsigned)port, cli_schema_path(), cli_datadir(), self};
    return serve_run(&cfg);
}
