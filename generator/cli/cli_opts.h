/* The command line of every wenshu subcommand, read the same way: getopt_long underneath, so
 * --opt=value and --opt value, -oFILE and -o FILE, bundled letters (-qj2), options mixed with
 * the positional arguments (GNU permutation) and "--" ending the options, for every command.
 *
 * A command describes its options in a cli_option table and loops over cli_next():
 *
 *     cli_parser p = {"verify", "usage: wenshu verify [-q] OUT", usage, verify_options};
 *     for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;)
 *         switch (c) {
 *         case 'q': quiet = 1; break;
 *         default: return p.status;              (CLI_STOP: help, version or a usage error)
 *         }
 *     positional arguments: argv[p.first] .. argv[argc - 1], in their order
 *
 * Every command answers -h/--help (its whole help text, on stdout) and --version. A usage error
 * (unknown option, missing or bad value) prints three lines on stderr: what is wrong, the
 * command's one-line synopsis, and where the help is; its exit status is EXIT_USAGE (2). */
#ifndef WENSHU_CLI_OPTS_H
#define WENSHU_CLI_OPTS_H
#include <getopt.h>
#include <stdio.h>

#ifndef WENSHU_VERSION
#define WENSHU_VERSION "0.1.0"
#endif

/* Keys from CLI_LONG_ONLY up name options that have no letter (e.g. --strict). */
#define CLI_LONG_ONLY 0x100
#define CLI_END (-1)  /* no more options: the positional arguments start at argv[p.first] */
#define CLI_STOP (-2) /* help or version printed, or a usage error reported: return p.status */
#define CLI_MAX_OPTIONS 24

typedef struct {
    const char *name;  /* long name without "--", or NULL for a letter only */
    int key;           /* the letter of the short option, or CLI_LONG_ONLY + n */
    int takes_value;   /* 1: the option needs a value (an empty one is refused too) */
    const char *needs; /* what the value is, for "-o needs an output folder" */
} cli_option;

typedef struct {
    const char *command;       /* "build": messages start "wenshu build: " */
    const char *synopsis;      /* one line, "usage: wenshu build ..." */
    void (*help)(FILE *out);   /* the whole --help text */
    const cli_option *options; /* ends with an entry whose key is 0 */
    /* Set by cli_next: */
    const char *value;         /* the value of the option just returned (never empty) */
    const char *spelled;       /* that option as written: "-j" or "--jobs" */
    int status;                /* after CLI_STOP: EXIT_OK (help, version) or EXIT_USAGE */
    int first;                 /* after CLI_END: index of the first positional argument */
    /* Private: the getopt_long tables made from options at the first call. */
    int ready;
    char letters[2 * CLI_MAX_OPTIONS + 4];
    struct option longs[CLI_MAX_OPTIONS + 3];
    const cli_option *current;
    char spelling[48];
} cli_parser;

/* The next option's key, CLI_END or CLI_STOP (see above). Options of a value-less kind given a
 * value ("--strict=1"), unknown options and missing values are usage errors. */
int cli_next(cli_parser *p, int argc, char **argv);

/* Prints "wenshu CMD: <message>", the synopsis and the hint to --help on stderr; sets p->status
 * and returns EXIT_USAGE. */
int cli_usage_error(cli_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The value of the current option refused: "-j needs <needs>, not 'x'" as a usage error. */
int cli_bad_value(cli_parser *p);

/* The value of the current option as a decimal number in [min, max]: 0, or -1 after reporting
 * it with cli_bad_value (digits only: no sign, no spaces, nothing after them). */
int cli_number(cli_parser *p, unsigned long min, unsigned long max, unsigned long *out);

/* s as a decimal number no larger than max: 0, or -1 (digits only, as above). */
int cli_parse_uint(const char *s, unsigned long max, unsigned long *out);

/* The version and the build's identity ("0.1.0+<git describe>+src.<hash of the sources>"): mixed
 * into every incremental-build key, so that another build of wenshu makes every file again. */
const char *cli_program_identity(void);

/* "wenshu 0.1.0 (<build id>)" on stdout: what --version prints for every command. */
void cli_print_version(void);

/* The summary line of import and export, on standard error like every message:
 * "wenshu import: 2 files: 1 error, 0 warnings, nothing written". */
void cli_print_counts(const char *command, long files, long errors, long warnings, int nothing_written);

#endif
