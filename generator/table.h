/* table — GFM tables as a ruled grid whose cells are laid out by the paragraph engine.
 *
 * A first working version (issue 5 extends it): column widths from the cells' natural and
 * minimum widths, filling the measure; header row in 黑体; rows never split, the header row
 * is repeated at the top of each page the table continues on; the text after the table
 * returns to the grid. */
#ifndef WENSHU_TABLE_H
#define WENSHU_TABLE_H

#include "layout.h"

struct cmark_node;

/* Lays out a cmark-gfm "table" node at the cursor. */
void table_layout(layout *L, struct cmark_node *table);

#endif
