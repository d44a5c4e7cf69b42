/* fonts_int — what the files of fonts/ (subset.c, cpset.c) and the unit tests reach inside a
 * fonts_set and a fonts_cpset: the HarfBuzz faces and sets, and the subsetting sources. Private to fonts/: HarfBuzz stays
 * behind fonts.h, subset.h and cpset.h, whose types are wenshu's own. */
#ifndef WENSHU_FONTS_INT_H
#define WENSHU_FONTS_INT_H

#include <stdint.h>

#include <hb.h>

#include "fonts/cffprog_int.h"
#include "fonts/cpset.h"
#include "fonts/fontprog_int.h"
#include "fonts/fonts.h"

/* The set behind a fonts_cpset: subset.c walks it with hb_set_next itself, as it did before the
 * set had a type of wenshu's own (a call less per member, three walks per subset). */
struct fonts_cpset {
    hb_set_t *set;
};

/* The face itself; borrowed, lives as long as fs. */
hb_face_t *fonts_hb_face(fonts_set *fs, int face);

/* The face's tables for writing subset programs directly (fontprog_int.h), looked up on first
 * use; NULL when the face is not one fontprog handles (then hb-subset makes the subsets). */
fontprog_source *fonts_prog_source(fonts_set *fs, int face);

/* Where the face's cache of rewritten CFF charstrings lives (made by cffprog_build on first
 * use, freed with fs); NULL for a face not in the set. */
cffprog_cache **fonts_cff_cache(fonts_set *fs, int face);

/* The face to subset from with hb-subset: the face itself for the first documents, then a copy
 * prepared for repeated subsetting (hb_subset_preprocess). Call once per subset made. Borrowed. */
hb_face_t *fonts_subset_source(fonts_set *fs, int face);

/* Prepares every face now in the set for repeated subsetting (about 50 ms a face) and looks up
 * its fontprog tables. Only the unit tests call it: wenshu itself writes the subsets of glyf
 * faces with fontprog, which needs no preparation, and a face that falls back to hb-subset is
 * prepared on its third subset (fonts_subset_source), in each process that subsets it. */
void fonts_prepare_subsetting(fonts_set *fs);

#endif
