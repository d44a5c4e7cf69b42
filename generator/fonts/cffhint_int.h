/* cffhint — a Type 2 charstring without its hints. Private to fonts/ (cffprog.c; and the unit
 * tests).
 *
 * Hints (stems, hint and counter masks) only help a rasteriser at small sizes on a screen: a
 * PDF viewer's renderer scales them away or ignores them (poppler, pdf.js), and print is far
 * above the sizes where they matter. In a Fandol glyph they are 4 % of the charstring, and a
 * CFF program, nearly incompressible, is most of a document's bytes.
 *
 * The rewrite is a walk over the tokens: hstem, vstem, hstemhm, vstemhm and their operands
 * go; hintmask and cntrmask go with their operands (the implicit vstems before the first
 * hintmask) and their mask bytes, whose length is (stems so far + 7) / 8; the width — the first
 * operand of the first stack-clearing operator, when the operand count says there is one — is
 * kept, moved in front of the first operator that stays (a moveto or endchar). Everything else
 * is copied byte for byte, so the outline is exactly the source's. */
#ifndef WENSHU_CFFHINT_INT_H
#define WENSHU_CFFHINT_INT_H

#include <stddef.h>

#include "base/util.h"

/* Appends cs (len bytes) without its hints to out and returns 0. Returns -1, with out as it
 * was, for a charstring the walk does not follow: a subroutine call (the hints of a
 * subroutinized glyph may be spread over its subroutines, and a mask's length depends on
 * stems counted there), an arithmetic or storage operator, a path before the first moveto,
 * or malformed data; the caller then keeps the charstring as it is. */
int cffhint_strip(const unsigned char *cs, size_t len, ws_buf *out);

#endif
