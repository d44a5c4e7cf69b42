/* blocks — the wiring: which renderers lay out the blocks the page layout hands over.
 *
 * The only module that names the layout and the renderers together (layout.h: why the
 * layout calls them through handlers). A new block type is a renderer of its own, built on
 * the layout context, and a handler here; layout.c does not change. */
#include "typeset/blocks.h"
#include "typeset/formel.h"
#include "typeset/table.h"

const typeset_block_handlers typeset_blocks = {
    .table = table_layout,             /* GFM tables */
    .code_block = formel_block,        /* ```signature, ```pagebreak, ```receipt, ```keep, ```lines N */
    .inline_code = formel_inline_code, /* `blank:N`, `box`, `box:x` */
};

layout *typeset_layout_new(const style *st, fonts_set *fs, diag *d, const char *file)
{
    return layout_new_with(st, fs, d, file, &typeset_blocks);
}
