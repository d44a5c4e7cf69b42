/* Placeholder until the render command lands; replaced by its owner. */
#include <stdio.h>
#include "commands.h"
#include "diag.h"
int cmd_render(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("wenshu render: not available in this build\n", stderr);
    return EXIT_USAGE;
}
