/* mdlimit — see mdlimit.h. */
#include "typeset/mdlimit.h"
#include "base/i18n.h"

#include <string.h>

int mdlimit_check(const char *md, size_t len, const char *file, diag *d)
{
    size_t run = 0;
    long line = 1, run_line = 1;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(md + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - md) : len;
        size_t k = i;
        while (k < end && (md[k] == ' ' || md[k] == '\t' || md[k] == '\r')) k++;
        if (k == end || md[k] == '|') {
            run = 0; /* a blank line ends a paragraph; table rows are laid out one by one */
        } else {
            if (!run) run_line = line;
            run += end - i + 1;
            if (run > MDLIMIT_PARAGRAPH) {
                diag_report(d, DIAG_ERROR, (diag_loc){file, run_line, 1, NULL},
                            _("the paragraph or heading that starts on this line is over %u MiB (the limit for one paragraph) and cannot be typeset: split it into paragraphs"), MDLIMIT_PARAGRAPH >> 20);
                return -1;
            }
        }
        i = end + 1;
        line++;
    }
    return 0;
}
