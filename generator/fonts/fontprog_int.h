/* fontprog — the TrueType program of a subset, written directly from the face's glyf tables.
 * Private to fonts/ (fonts.c, subset.c; and the unit tests).
 *
 * A document's subset needs only what a PDF viewer reads from an embedded CIDFontType2
 * program: head, hhea, maxp, hmtx, loca and glyf, without hinting. Writing those from the
 * original tables is a copy of the glyphs' bytes (composite glyphs get their components' new
 * ids); the face's tables are looked up once per process, never parsed again per document.
 * That costs a few hundredths of a millisecond where a general subsetter (hb-subset) costs
 * about one, and needs no preprocessed copy of the face in memory.
 *
 * Glyph ids in the subset follow the original order (.notdef first), as hb-subset numbers
 * them, so the CIDs a document carries do not depend on which of the two made the program. */
#ifndef WENSHU_FONTPROG_INT_H
#define WENSHU_FONTPROG_INT_H

#include <stdint.h>

#include <hb.h>

typedef struct fontprog_source fontprog_source;

/* The tables of face, or NULL when they are not a glyf face this writer understands (the
 * caller then uses hb-subset). */
fontprog_source *fontprog_source_new(hb_face_t *face);
void fontprog_source_free(fontprog_source *src);

/* Adds to glyphs (original ids) every glyph a composite glyph in it refers to, at any depth,
 * and .notdef. Returns 0, or -1 when a glyph's data is malformed. */
int fontprog_closure(const fontprog_source *src, hb_set_t *glyphs);

/* The font program with the glyphs of gids (original ids, ascending; gids[k] becomes glyph k),
 * then n more glyphs: glyph ngids+k draws subset glyph var_src[k] (a composite of it alone) with
 * advance var_adv[k] (font units). Returns a blob, or NULL when the data is malformed. */
hb_blob_t *fontprog_build(const fontprog_source *src, const uint32_t *gids, unsigned ngids, const uint16_t *var_src,
                          const uint16_t *var_adv, unsigned n);

#endif
