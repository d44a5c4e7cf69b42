/* Placeholder until the merge command lands; replaced by its owner. */
#include <stdio.h>
#include "commands.h"
#include "diag.h"
int cmd_merge(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("wenshu merge: not available in this build\n", stderr);
    return EXIT_USAGE;
}
