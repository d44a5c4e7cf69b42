/* fonts_cache — what the PDF writer needs from a fonts_set beyond the public contract (fonts.h). */
#ifndef WENSHU_FONTS_CACHE_H
#define WENSHU_FONTS_CACHE_H

#include <stdint.h>

#include <hb.h>

#include "fonts/fontprog.h"
#include "fonts/fonts.h"

/* Glyph id of cp in face (from the cached cmap page), or -1 when the face lacks it. */
int fonts_glyph(fonts_set *fs, int face, uint32_t cp);

/* The face's tables for writing subset programs directly (fontprog.h), looked up on first use;
 * NULL when the face is not one fontprog handles (then hb-subset makes the subsets). */
fontprog_source *fonts_prog_source(fonts_set *fs, int face);

/* The face to subset from: the face itself for the first documents, then a copy prepared for
 * repeated subsetting (hb_subset_preprocess). Call once per subset made. Borrowed. */
hb_face_t *fonts_subset_source(fonts_set *fs, int face);

/* Prepares every face now in the set for repeated subsetting (about 50 ms a face). A batch
 * calls it once before forking its workers, so they share the prepared faces instead of each
 * preparing its own. Optional: without it each face is prepared on its third subset. */
void fonts_prepare_subsetting(fonts_set *fs);

#endif
