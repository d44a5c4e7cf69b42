/* The command-line reading every subcommand shares (cli_opts.h): getopt_long over a table made
 * from the command's cli_option list, with the messages worded the same for every command. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_opts.h"
#include "base/diag.h"
#include "base/i18n.h"

/* The build's identity (build/build_id.stamp, written by the Makefile: git describe and a hash
 * of the generator's sources). A compile outside the Makefile (the fuzz harnesses) has none. */
#ifndef WENSHU_BUILD_ID
#define WENSHU_BUILD_ID "unknown"
#endif

/* Keys of the options every command has. KEY_VERSION is below CLI_LONG_ONLY and above every
 * letter, so it collides with no command's key. */
#define KEY_HELP 'h'
#define KEY_VERSION (CLI_LONG_ONLY - 1)

/* Builds the getopt_long tables: the letters string (":" first, so that a missing value is told
 * apart from an unknown option; "h" for help) and the long options, help and version last. */
static void cli_setup(cli_parser *p)
{
    size_t nl = 0, nlong = 0;
    p->letters[nl++] = ':';
    p->letters[nl++] = KEY_HELP;
    for (const cli_option *o = p->options; o && o->key; o++) {
        if (nlong >= CLI_MAX_OPTIONS) abort(); /* a programming error: raise CLI_MAX_OPTIONS */
        if (o->key < CLI_LONG_ONLY) {
            p->letters[nl++] = (char)o->key;
            if (o->takes_value) p->letters[nl++] = ':';
        }
        if (o->name)
            p->longs[nlong++] = (struct option){o->name, o->takes_value ? required_argument : no_argument, NULL, o->key};
    }
    p->letters[nl] = '\0';
    p->longs[nlong++] = (struct option){"help", no_argument, NULL, KEY_HELP};
    p->longs[nlong++] = (struct option){"version", no_argument, NULL, KEY_VERSION};
    p->longs[nlong] = (struct option){0};
    p->ready = 1;
    optind = 0; /* glibc: 0 starts getopt afresh, also when a process parses a second command line */
    opterr = 0; /* the messages are ours (cli_usage_error) */
}

static const cli_option *cli_find(const cli_parser *p, int key)
{
    for (const cli_option *o = p->options; o && o->key; o++)
        if (o->key == key) return o;
    return NULL;
}

/* The option the user wrote that getopt just failed on. A missing value is always at the end of
 * argv, so that element is argv[optind - 1]: "--name" (up to any "=") or a cluster like "-qo". */
static const char *cli_spelled_failure(cli_parser *p, char **argv, int key)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (!strncmp(arg, "--", 2)) snprintf(p->spelling, sizeof p->spelling, "%.*s", (int)strcspn(arg, "="), arg);
    else snprintf(p->spelling, sizeof p->spelling, "-%c", key < CLI_LONG_ONLY ? key : '?');
    return p->spelling;
}

/* Whether a long option getopt refused is the start of two or more names ("--s": --strict,
 * --style): getopt_long accepts any unique abbreviation and refuses the others alike. */
static int cli_ambiguous(const cli_parser *p, const char *arg)
{
    if (strncmp(arg, "--", 2)) return 0;
    size_t len = strcspn(arg + 2, "="), matches = 0;
    for (const struct option *o = p->longs; o->name; o++)
        if (!strncmp(o->name, arg + 2, len)) matches++;
    return matches > 1;
}

int cli_next(cli_parser *p, int argc, char **argv)
{
    if (!p->ready) cli_setup(p);
    int index = -1;
    int c = getopt_long(argc, argv, p->letters, p->longs, &index);
    p->value = optarg;
    p->current = NULL;
    if (c == -1) {
        p->first = optind;
        return CLI_END;
    }
    if (c == ':') {
        const cli_option *o = cli_find(p, optopt);
        cli_usage_error(p, _("%s needs %s"), cli_spelled_failure(p, argv, optopt), o && o->needs ? _(o->needs) : _("a value"));
        return CLI_STOP;
    }
    if (c == '?') {
        /* optopt is 0 for an unknown long option, the letter for an unknown short one, and the
         * key of a known long option given a value it does not take ("--strict=1"). */
        const cli_option *o = cli_find(p, optopt);
        if (optopt == 0)
            cli_usage_error(p, cli_ambiguous(p, optind > 0 ? argv[optind - 1] : "") ? _("ambiguous option '%s'") : _("unknown option '%s'"),
                            optind > 0 ? argv[optind - 1] : "");
        else if (o || optopt == KEY_HELP || optopt == KEY_VERSION)
            cli_usage_error(p, _("%s takes no value"), cli_spelled_failure(p, argv, optopt));
        else
            cli_usage_error(p, _("unknown option '-%c'"), optopt);
        return CLI_STOP;
    }
    if (c == KEY_HELP) {
        p->help(stdout);
        p->status = EXIT_OK;
        return CLI_STOP;
    }
    if (c == KEY_VERSION) {
        cli_print_version();
        p->status = EXIT_OK;
        return CLI_STOP;
    }
    p->current = cli_find(p, c);
    if (index >= 0) snprintf(p->spelling, sizeof p->spelling, "--%s", p->longs[index].name);
    else snprintf(p->spelling, sizeof p->spelling, "-%c", c);
    p->spelled = p->spelling;
    if (p->current && p->current->takes_value && !*p->value) {
        cli_usage_error(p, _("%s needs %s"), p->spelled, p->current->needs ? _(p->current->needs) : _("a value"));
        return CLI_STOP;
    }
    return c;
}

int cli_usage_error(cli_parser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "wenshu %s: ", p->command);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, _("\n%s\nTry 'wenshu %s --help' for more information.\n"), _(p->synopsis), p->command);
    p->status = EXIT_USAGE;
    return EXIT_USAGE;
}

int cli_bad_value(cli_parser *p)
{
    return cli_usage_error(p, _("%s needs %s, not '%s'"), p->spelled ? p->spelled : _("an option"),
                           p->current && p->current->needs ? _(p->current->needs) : _("another value"),
                           p->value ? p->value : "");
}

int cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    if (!s || !*s) return -1;
    unsigned long x = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9') return -1;
        unsigned d = (unsigned)(*c - '0');
        if (d > max || x > (max - d) / 10) return -1; /* x * 10 + d > max, without overflowing */
        x = x * 10 + d;
    }
    *out = x;
    return 0;
}

int cli_number(cli_parser *p, unsigned long min, unsigned long max, unsigned long *out)
{
    unsigned long x;
    if (cli_parse_uint(p->value, max, &x) || x < min) {
        cli_bad_value(p);
        return -1;
    }
    *out = x;
    return 0;
}

void cli_print_version(void) { printf("wenshu %s (%s)\n", WENSHU_VERSION, WENSHU_BUILD_ID); }

void cli_print_counts(const char *command, long files, long errors, long warnings, int nothing_written)
{
    char f[64], e[64], w[64];
    snprintf(f, sizeof f, P_("%ld file", "%ld files", files), files);
    snprintf(e, sizeof e, P_("%ld error", "%ld errors", errors), errors);
    snprintf(w, sizeof w, P_("%ld warning", "%ld warnings", warnings), warnings);
    fprintf(stderr, nothing_written ? _("wenshu %s: %s: %s, %s, nothing written\n") : _("wenshu %s: %s: %s, %s\n"), command, f,
            e, w);
}

const char *cli_program_identity(void) { return WENSHU_VERSION "+" WENSHU_BUILD_ID; }
