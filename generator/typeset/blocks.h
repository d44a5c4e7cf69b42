/* blocks — the typeset stage's front door: a page layout that knows wenshu's tables and form
 * elements.
 *
 * layout.h lays out text and hands every table, fenced block and inline code span to a set of
 * handlers (typeset_block_handlers) so that it depends on none of their renderers; this module
 * is the only one that names the layout and the renderers together, which keeps the link graph
 * acyclic as well: blocks -> table, formel -> layout. */
#ifndef WENSHU_BLOCKS_H
#define WENSHU_BLOCKS_H

#include "typeset/layout.h"

/* Tables (table.c) and form elements (formel.c): the one set wenshu uses. */
extern const typeset_block_handlers typeset_blocks;

/* layout_new_with(st, fs, d, file, &typeset_blocks): what every command lays a document out with. */
layout *typeset_layout_new(const style *st, fonts_set *fs, diag *d, const char *file);

#endif
