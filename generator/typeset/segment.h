/* segment — where the words of a Chinese text begin and end, by ICU's dictionary-based word
 * break iterator for "zh" (UAX #29 with ICU's CJK dictionary).
 *
 * Used only where a line break must fall between words and the text is short: titles,
 * headings, the 署名 (GB/T 9704 §7.3.1: 回行时要做到词意完整, 排列对称). Body text breaks by
 * character (CLREQ), so the segmenter never runs on it: one dictionary lookup per title is
 * cheap, one per paragraph of a 3 000-character analysis would not be. */
#ifndef WENSHU_SEGMENT_H
#define WENSHU_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

/* For each position b in 1..n-1 (between cps[b-1] and cps[b]) sets at[b] to 1 when a word
 * boundary falls there, 0 inside a word; at[0] and at[n] are left alone. Returns 0, or -1
 * when ICU could not segment (then every position counts as a boundary). One iterator is
 * opened on first use and reused for the life of the process (guarded by a mutex: the
 * layout may run on several threads). */
int segment_words(const uint32_t *cps, size_t n, unsigned char *at);

#endif
