/* wenshu — XML records to print-ready Chinese official-document PDFs. Command dispatch. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "diag.h"

#ifndef WENSHU_VERSION
#define WENSHU_VERSION "0.1.0"
#endif
#ifndef WENSHU_PREFIX
#define WENSHU_PREFIX "/usr/local"
#endif

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"check", cmd_check, "validate records against the schema and the campaign rules"},
    {"merge", cmd_merge, "print the Markdown a template makes for each record"},
    {"render", cmd_render, "typeset a Markdown file as a GB/T 9704 PDF"},
    {"build", cmd_build, "build every form for every record: PDFs, combined files, manifest"},
    {"verify", cmd_verify, "re-hash an output folder against its manifest"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: wenshu COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'wenshu COMMAND --help' describes a command; 'man wenshu' all of them.\n"
                 "exit status: 0 clean, 1 errors in the data, 2 usage or I/O failure\n");
}

const char *wenshu_datadir(void)
{
    static char dir[PATH_MAX];
    if (dir[0]) return dir;
    const char *env = getenv("WENSHU_DATADIR");
    if (env && *env) {
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    /* A source tree: the binary sits next to templates/ and schemas/. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            char probe[PATH_MAX + 32];
            for (int up = 0; up < 2; up++) {
                snprintf(probe, sizeof probe, "%s/schemas/campaign.xsd", exe);
                if (access(probe, R_OK) == 0) {
                    snprintf(dir, sizeof dir, "%s", exe);
                    return dir;
                }
                slash = strrchr(exe, '/'); /* build/wenshu: try the parent */
                if (!slash) break;
                *slash = 0;
            }
        }
    }
    snprintf(dir, sizeof dir, "%s/share/wenshu", WENSHU_PREFIX);
    return dir;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("wenshu %s\n", WENSHU_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "wenshu: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
