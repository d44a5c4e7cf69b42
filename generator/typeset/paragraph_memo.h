/* paragraph_memo — finished paragraph layouts kept for the process, found again by what they
 * were made from.
 *
 * Most paragraphs of a form are its template's own text, the same in every record (a heading,
 * 希望你正确对待评议意见……, a receipt's blanks), and a batch lays each out again for every
 * record. paragraph_layout (paragraph.c) keeps what it made — the lines and their glyphs, placed
 * relative to the measure's left edge — under a key that holds everything the result depends
 * on, and gives a copy back when the same key comes again.
 *
 * The key is made by paragraph.c, which alone knows what its result depends on; this module only
 * keeps bytes. Invariants:
 *  - a value is a pure function of its key: the key holds the font set's serial (fonts_serial),
 *    every option of paragraph_opts and, per item, its kind, code point, role, size, flags and
 *    (for a blank) width — never anything that depends on where the paragraph lands (page, y,
 *    numbering, what was placed before), which the layout (layout.c) decides after
 *    paragraph_layout from the lines alone;
 *  - a layout that reported anything (a character no font has) is not kept, so a hit never owes
 *    a message;
 *  - kept values are never changed; a hit copies them out, so the caller's lines are its own;
 *  - the memory is bounded: at most PARAGRAPH_MEMO_BYTES of keys and values, the least recently
 *    used going first.
 * One memo serves every thread of the process (the preview server lays out on several): a mutex
 * guards it, held only while looking up, copying out or storing, and taken around fork() so that
 * a child never starts with it held. A forked worker inherits the parent's memo, valid there too
 * (the same font sets, the same serials). */
#ifndef WENSHU_PARAGRAPH_MEMO_H
#define WENSHU_PARAGRAPH_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "typeset/paragraph.h"

enum { PARAGRAPH_MEMO_BYTES = 4 << 20 };

typedef struct {
    const void *bytes; /* the key, as paragraph.c encodes it */
    size_t len;
    uint64_t hash;     /* ws_hash64(bytes, len) */
} paragraph_memo_key;

/* On a hit, copies the kept lines and glyphs into *lines and *g (grown with ws_xrealloc as
 * needed, capacities in *capl and *capg), sets *nl and *ng and returns 1; else returns 0 and
 * touches nothing. */
int paragraph_memo_get(const paragraph_memo_key *k, paragraph_line **lines, size_t *nl, size_t *capl,
                       paragraph_glyph **g, size_t *ng, size_t *capg);

/* Keeps a copy of the layout under k (nothing when k is already there or the entry alone would
 * exceed the bound). */
void paragraph_memo_put(const paragraph_memo_key *k, const paragraph_line *lines, size_t nl, const paragraph_glyph *g,
                        size_t ng);

/* Counts for tests and measurements: lookups that hit and that missed, entries and bytes kept. */
typedef struct {
    unsigned long hits, misses;
    size_t entries, bytes;
} paragraph_memo_stats;
paragraph_memo_stats paragraph_memo_stat(void);

/* Forgets everything kept (tests). */
void paragraph_memo_clear(void);

/* The lock of the process's layout memos, this one and measure_memo's (their critical sections
 * are a look-up or a copy, so one lock serves both): taken around every fork, so that a child
 * never starts with it held. */
void paragraph_memo_lock(void);
void paragraph_memo_unlock(void);

#endif
