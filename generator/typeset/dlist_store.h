/* dlist_store — a display list (dlist.h) as bytes and back, for the layout cache of combined
 * volumes (cli/volume_cache.h): a volume is made of its records' display lists, and a record
 * whose inputs did not change need not be laid out again.
 *
 * The bytes are for the machine that wrote them (native byte order and float format; the cache
 * that holds them says which, and is thrown away on another), and reading gives back exactly the
 * document written: every float bit for bit, so a volume made from stored lists is byte-identical
 * to one made by laying the records out. Reading checks every count and index against the bytes
 * at hand and returns NULL for anything that does not fit: bad bytes never reach the PDF writer
 * as out-of-range glyph runs. */
#ifndef WENSHU_DLIST_STORE_H
#define WENSHU_DLIST_STORE_H

#include <stddef.h>

#include "base/util.h"
#include "typeset/dlist.h"

/* Appends doc (pages, outlines, metadata) to out. */
void dlist_store_put(ws_buf *out, const dlist_doc *doc);

/* The document stored in data[0..len) (exactly those bytes, nothing after), or NULL when they are
 * not one: free it with dlist_doc_free. */
dlist_doc *dlist_store_get(const void *data, size_t len);

#endif
