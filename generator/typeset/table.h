/* table — GFM tables as a ruled grid whose cells are laid out by the paragraph engine.
 *
 * Column widths come from the cells' natural and minimum widths and fill the measure:
 * short cells (序号, names, dates, numbers) stay whole and their columns stay narrow, text
 * columns share the rest in proportion to how much text they hold. The header row is set in
 * 黑体 and repeated at the top of every page the table continues on; a row that is too tall
 * to move to the next page is split between lines. A table whose columns cannot fit the
 * measure even with every cell broken as far as it can be is reported and left out. The
 * text after the table returns to the grid. */
#ifndef WENSHU_TABLE_H
#define WENSHU_TABLE_H

#include "typeset/layout.h"

struct cmark_node;

/* Lays out a cmark-gfm "table" node at the cursor. The block layout calls it through its
 * handlers (typeset_block_handlers in layout.h, wired in blocks.c), so this header may include
 * layout.h but layout.h never includes this one. */
void table_layout(layout *L, struct cmark_node *table);

/* What one column needs, in pt (cell padding included):
 *   hard — the widest piece no line break can split (a word, a number, one character);
 *   keep — the widest cell that should stay on one line (short cells, dates, numbers);
 *   nat  — the widest cell set on one line;
 *   text — how much text the column holds (sum of its cells' natural widths): the share a
 *          wrapping column gets of the room left over.
 * A column of short cells under a long header (基本满意 over boxes) does not count as
 * wrapping: when everything fits, only text columns are widened. */
typedef struct {
    float hard, keep, nat, text;
    int wraps; /* some body cell is running text that may wrap (not a short cell, date, number) */
} table_col_need;

/* Distributes width W over n columns into w[]. Columns that need no wrapping get their
 * natural width; wrapping columns share the rest in proportion to their text, never below
 * their `keep` width and never above their natural width unless everything fits and the
 * table is stretched to the measure. When even the `keep` widths do not fit, cells break
 * where they must (down to `hard`). Returns 0, or -1 when even the `hard` widths exceed W
 * (w[] is then left proportional to `hard`, for a message). */
int table_distribute(const table_col_need *need, int n, float W, float *w);

#endif
