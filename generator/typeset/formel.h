/* formel — form elements Markdown lacks, written in ways that stay valid CommonMark
 * (docs/form-elements.md):
 *
 *   ```signature [seal]   署名 lines and 成文日期, placed as GB/T 9704 §7.3.5 says
 *   ```pagebreak          the next content starts on a new page
 *   ```receipt            a dashed cut line, then the contents (Markdown) kept on one page
 *   ```keep               the contents (Markdown) kept on one page, with two lines before them
 *   ```lines N            N ruled lines for handwriting, one per grid line
 *   `blank:N`             an underlined blank N 字 wide (inline)
 *   `box`, `box:x`        a square to tick, empty or ticked, drawn with rules (inline)
 *
 * The block layout calls formel_block for every fenced code block and formel_inline_code for
 * every inline code span, through its handlers (typeset_block_handlers in layout.h, wired in
 * blocks.c: the layout does not know this module); each returns 0 when the text is not a
 * form element, and the layout prints it literally. A receipt's or kept block's contents go back into the
 * layout through layout_markdown_nested, which counts the nesting in the layout object and
 * caps it at LAYOUT_MAX_NESTING: a receipt deeper than that is printed as code. */
#ifndef WENSHU_FORMEL_H
#define WENSHU_FORMEL_H

#include "typeset/layout.h"
#include "typeset/paragraph.h"

struct cmark_node;

/* Lays out a fenced code block whose info string names a form element. Returns 1 when it
 * did (errors in it are reported), 0 when the block is ordinary code. */
int formel_block(layout *L, struct cmark_node *code_block);

/* Appends the inline element `literal` names (blank:N, box, box:x) to p in the style st.
 * Returns 1 when it did, 0 when the literal is ordinary inline code. line: for messages. */
int formel_inline_code(layout *L, paragraph *p, const char *literal, inl_style st, long line);

/* The width in pt of a `blank:N` literal at the given size, or -1 when literal is not a
 * blank; exposed for tests. char_pitch and body_size give one 字. */
float formel_blank_width(const char *literal, float size, float char_pitch, float body_size);

#endif
