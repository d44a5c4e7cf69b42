/* cpset — a set of 32-bit values (code points, or subset.h's VARIANT_KEYs) for the PDF writer
 * to collect what a document draws and hand it to subset_build.
 *
 * Adding and testing are what the writer does per glyph, so they are one call each into a
 * HarfBuzz set (a sorted array of bit pages), which stays hidden here. Iteration is in ascending
 * order, which subset_build relies on: CIDs follow the code points' order. */
#ifndef WENSHU_CPSET_H
#define WENSHU_CPSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct fonts_cpset fonts_cpset;

/* Where iteration starts (and what fonts_cpset_next leaves at the end); never a member. */
#define FONTS_CPSET_START UINT32_MAX

fonts_cpset *fonts_cpset_new(void);
void fonts_cpset_free(fonts_cpset *s); /* NULL is fine */
void fonts_cpset_add(fonts_cpset *s, uint32_t v);
int fonts_cpset_has(const fonts_cpset *s, uint32_t v);
size_t fonts_cpset_count(const fonts_cpset *s);

/* The next member after *v (the first when *v is FONTS_CPSET_START): stored in *v, returns 1;
 * returns 0 when there is none. Loop: for (uint32_t v = FONTS_CPSET_START; fonts_cpset_next(s, &v);) */
int fonts_cpset_next(const fonts_cpset *s, uint32_t *v);

#endif
