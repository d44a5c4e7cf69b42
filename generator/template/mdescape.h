/* mdescape — putting data into Markdown so that it stays data.
 *
 * A value from the records must never change the structure of the document it lands in: a member
 * called "**张三**" is printed with the asterisks, an opinion starting "1. " is not a list. Every
 * Markdown character that could mean something is backslash-escaped (CommonMark lets any ASCII
 * punctuation be escaped), and the escaping depends on where the value lands:
 *
 *   - inline text: \ ` * _ [ ] < > ! # | ~ & are escaped, and ":" before "//" and the "." of "www."
 *     so that the autolink extension does not turn URLs into links;
 *   - the start of a block (a line start, possibly after list markers or ">"): also a leading
 *     - + = and the "." or ")" after leading digits, so the value cannot open a list, a heading or a
 *     setext underline;
 *   - a table cell: like inline text; line breaks become a single space, since a cell is one line.
 *
 * Line breaks inside a value: each line of the value is trimmed (spaces, tabs, U+3000) and empty
 * lines are dropped; in running text each line becomes its own paragraph, continued inside the same
 * list item or block quote; in a heading or table cell the lines are joined with one space.
 * E-mail addresses may still be recognised by the autolink extension (their text is unchanged).
 *
 * Inside a fenced block whose contents print literally (```signature, ```lines, code: see
 * docs/form-elements.md) backslashes would show, so values go in unescaped, joined into one line;
 * the only thing that could change structure there — a line starting with ``` or ~~~ that closes
 * the fence — is defused by writing its first character full-width (｀ or ～). A ```receipt or
 * ```keep holds Markdown, so values in it are escaped as anywhere else (but literally again in a
 * ```signature fenced inside it). */
#ifndef WENSHU_MDESCAPE_H
#define WENSHU_MDESCAPE_H

#include <stddef.h>

#include "base/util.h"

typedef enum { MD_PLACE_TEXT, MD_PLACE_TABLE_CELL } mdescape_place;

/* Appends value (UTF-8, len bytes) to out, the Markdown built so far, escaped for where it lands;
 * looks at the end of out to see whether the value starts a block. */
void mdescape_insert(ws_buf *out, const char *value, size_t len, mdescape_place place);

/* Appends value to out for a literal fenced block (see above). */
void mdescape_insert_literal(ws_buf *out, const char *value, size_t len);

/* Whether the contents of a fenced block with this info string are Markdown (```receipt, ```keep) rather
 * than literal text. */
int mdescape_fence_is_markdown(const char *info, size_t len);

/* One line of text, escaped; at_block_start adds the line-start rules. */
void mdescape_escape_line(ws_buf *out, const char *s, size_t len, int at_block_start);

/* Looks at the last line of buf: returns 1 when only container markers (indentation, "> ", list
 * markers) precede the end, so that text appended now starts a block. Fills continuation (may be
 * NULL) with the prefix that keeps a following line inside the same containers, and *heading (may
 * be NULL) with whether the line is an ATX heading. */
int mdescape_at_block_start(const char *buf, size_t len, ws_buf *continuation, int *heading);

/* Plain text for file names and PDF metadata: whitespace runs become one space, ends trimmed. */
void mdescape_plain(ws_buf *out, const char *s, size_t len);

#endif
