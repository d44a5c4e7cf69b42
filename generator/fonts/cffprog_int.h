/* cffprog — the bare CFF program a PDF embeds as /FontFile3 /Subtype /CIDFontType0C, rewritten
 * from the 'CFF ' table of an hb-subset subset. Private to fonts/ (subset.c; and the unit tests).
 *
 * A CIDFontType0 has no /CIDToGIDMap: a viewer finds the glyph of a CID through the CFF's own
 * charset. hb-subset keeps a CID-keyed face's original CIDs there (。 stays CID 98 of
 * Adobe-GB1 in FandolFang) and renumbers the glyphs, so its output cannot be used as it is by
 * subset.h, whose CIDs are subset glyph ids. This writer turns the program into what subset.h
 * needs, the same for CID-keyed and name-keyed (Latin) CFF faces:
 *   - always CID-keyed (ROS, FDArray, FDSelect: a name-keyed face gets one font dict holding its
 *     Private dict), with the charset the identity, CID = glyph id;
 *   - n more glyphs after the subset's: glyph nglyphs+k is a copy of the charstring of glyph
 *     src[k] (CFF has no composite glyphs), with its advance rewritten to adv[k] font units when
 *     adv[k] >= 0 — the width variants and the characters sharing a glyph of subset.h. A copy
 *     of a subroutinized charstring is mostly subroutine calls: a few bytes.
 * The Top DICT, global and local subroutines, Private dicts and outlines are copied as they
 * are; offsets are rewritten as 5-byte integers so every size is known before anything is
 * placed. */
#ifndef WENSHU_CFFPROG_INT_H
#define WENSHU_CFFPROG_INT_H

#include <stddef.h>

#include <hb.h>

/* The charstrings of one face as cffprog_build writes them (without hints: cffhint_int.h), by
 * glyph id, each rewritten on first use: the documents of a batch share most of their
 * characters, and the rewrite, a walk over every byte, cost as much as deflating them. It
 * grows with the glyphs used, at most the face's CharStrings (a few MB for a CJK face). */
typedef struct cffprog_cache cffprog_cache;
void cffprog_cache_free(cffprog_cache *c);

/* The CFF of the subset (cff: its 'CFF ' table) with n glyphs appended, as above. With gids
 * (original glyph ids, ascending, .notdef first), cff is the face's own table and the program
 * gets those glyphs only, as glyphs 0..ngids-1: the direct subset, a copy of charstrings, for a
 * face without subroutines (Fandol has none); NULL is returned for a face with some (then
 * hb-subset cuts them down first). Without gids, every glyph of cff is kept. ok[k] is set
 * to 0 when glyph k's advance could not be rewritten (its first stack-clearing operator lies
 * inside a subroutine): the glyph is still appended, with its source's advance, so later glyph
 * ids do not move, and the caller must not use it (it draws that variant with TJ adjustments).
 * Returns NULL when the table is malformed or uses something this writer does not know.
 * cache (with gids only; may be NULL): *cache is the face's cache, made here when NULL. */
hb_blob_t *cffprog_build(hb_blob_t *cff, const uint32_t *gids, unsigned ngids, const uint16_t *src, const int *adv, unsigned n,
                         unsigned char *ok, cffprog_cache **cache);

/* cffprog_build with gids in two runs, each ascending: the first nfirst (.notdef and the glyphs
 * a caller wants in front), then the rest. fixed (may be NULL) receives the offset and length
 * in the program of the first run's charstrings, bytes that depend on those glyphs alone. */
hb_blob_t *cffprog_build_first(hb_blob_t *cff, const uint32_t *gids, unsigned ngids, unsigned nfirst, const uint16_t *src,
                               const int *adv, unsigned n, unsigned char *ok, cffprog_cache **cache, size_t fixed[2]);

/* The number of glyphs of a CFF table (its CharStrings count), 0 when unreadable. */
unsigned cffprog_glyph_count(hb_blob_t *cff);

#endif
