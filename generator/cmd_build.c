/* Placeholder until the build command lands; replaced by its owner. */
#include <stdio.h>
#include "commands.h"
#include "diag.h"
int cmd_build(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("wenshu build: not available in this build\n", stderr);
    return EXIT_USAGE;
}
