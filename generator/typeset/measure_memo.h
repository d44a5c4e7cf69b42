/* measure_memo — heights of Markdown laid out alone, kept for the process.
 *
 * A receipt (formel.c) is laid out twice: once alone from a page top, to learn how tall it is
 * and whether it fits below the text, then in place. Its Markdown is the same for every record
 * of an organisation and date (the organisation's name, the date it was fed back), so the first
 * pass is kept: the key is everything that pass depends on — the style's fields (its bytes), the
 * font set's serial (fonts_serial), the block handlers, the nesting level and the Markdown's
 * bytes — and the value its height and page count. A measuring pass reports nothing (its diag is
 * thrown away), so a hit owes no message. At most MEASURE_MEMO_SLOTS kept, the oldest replaced;
 * paragraph_memo's lock guards them (the preview server lays out on several threads; it is taken
 * around fork()). */
#ifndef WENSHU_MEASURE_MEMO_H
#define WENSHU_MEASURE_MEMO_H

#include <stddef.h>

#include "typeset/layout.h"

enum { MEASURE_MEMO_SLOTS = 32, MEASURE_MEMO_MAX_KEY = 16384 };

/* Looks up what laying md out alone in a layout like L gave: 1 and *height, *pages on a hit. */
int measure_memo_get(const layout *L, const char *md, size_t len, float *height, int *pages);
/* Keeps it (nothing when the key would exceed MEASURE_MEMO_MAX_KEY bytes). */
void measure_memo_put(const layout *L, const char *md, size_t len, float height, int pages);

/* Lookups that hit since the last clear (tests), and forgetting everything kept. */
unsigned long measure_memo_hits(void);
void measure_memo_clear(void);

#endif
