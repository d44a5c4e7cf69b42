/* Placeholder until the check command lands; replaced by its owner. */
#include <stdio.h>
#include "commands.h"
#include "diag.h"
int cmd_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("wenshu check: not available in this build\n", stderr);
    return EXIT_USAGE;
}
