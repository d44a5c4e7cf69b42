/* mdlimit — the size cap on one Markdown paragraph or heading, checked before cmark parses it.
 *
 * A paragraph is laid out as one unit: its text, shaped glyphs and break candidates are all held
 * at once, about 50 bytes of memory per byte of text, so a 60 MiB one-paragraph file took 3.2 GB
 * before libharu gave up. No form needs a paragraph of more than a few thousand characters. */
#ifndef WENSHU_MDLIMIT_H
#define WENSHU_MDLIMIT_H

#include <stddef.h>

#include "base/diag.h"

/* Bytes in one paragraph or heading: consecutive non-blank lines, table rows (lines starting
 * with '|') not counted (tables are laid out row by row). 1 MiB is some 350 000 Chinese
 * characters. */
#define MDLIMIT_PARAGRAPH (1u << 20)

/* 0, or -1 after reporting the first paragraph over the cap with its file and line. */
int mdlimit_check(const char *md, size_t len, const char *file, diag *d);

#endif
