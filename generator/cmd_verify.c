/* Placeholder until the verify command lands; replaced by its owner. */
#include <stdio.h>
#include "commands.h"
#include "diag.h"
int cmd_verify(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("wenshu verify: not available in this build\n", stderr);
    return EXIT_USAGE;
}
