/* volume_cache — the laid-out records of a combined volume, kept between runs, so that a volume
 * is remade from the layouts of its unchanged records instead of laying every record out again.
 *
 * Laying the records out is half of what a volume costs (500 notices: about 0.12 s of 0.25 s);
 * a clerk who corrects one record and builds again needs one record laid out, the other 499 are
 * read back. The cache of a volume is one file holding, for each of its records in volume order,
 * the record's input key (build_item.key: template, style, fonts, data — everything that decides
 * its document) and its display list (typeset/dlist_store.h). A record is taken from the cache
 * only when its key is the one stored with it and the file was written by this very program
 * (cli_program_identity: version and build), so what the cache gives is exactly what laying
 * the record out would give, and the volume is byte-identical either way.
 *
 * Where: $WENSHU_CACHE_DIR/layouts, else $XDG_CACHE_HOME/wenshu/layouts, else
 * ~/.cache/wenshu/layouts; WENSHU_CACHE_DIR set but empty turns the cache off. Not in OUT: OUT
 * holds what the manifest lists and what clerks hand on. One file per volume, named by a digest
 * of OUT's real path and the volume's path in it, rewritten (a temporary file renamed into
 * place) whenever the volume's records change, so the folder holds one file per volume ever made
 * (a volume of 500 notices: about 9 MB). The cache is only ever a shortcut: a file that is
 * missing, unreadable, damaged (its checksum, every length and index are checked) or from
 * another build is ignored, and a cache that cannot be written is not written, silently. */
#ifndef WENSHU_VOLUME_CACHE_H
#define WENSHU_VOLUME_CACHE_H

#include <stdint.h>

#include "base/sha256.h"
#include "typeset/dlist.h"

typedef struct volume_cache volume_cache;

/* The cache of the volume relpath (under OUT) for the program identity; NULL when there is no
 * cache folder. A missing or unusable file gives an empty cache. */
volume_cache *volume_cache_open(const char *out, const char *relpath, const char *identity);

/* The stored layout of the record with input key key (free it with dlist_doc_free), or NULL. */
dlist_doc *volume_cache_get(volume_cache *c, const uint8_t key[SHA256_LEN]);

/* Notes the layout of the volume's next record, in volume order: doc as volume_cache_get gave it
 * or as laid out. */
void volume_cache_note(volume_cache *c, const uint8_t key[SHA256_LEN], const dlist_doc *doc);

/* Writes the file anew when the noted records differ from those it held (and complete is set:
 * every record of the volume was noted); frees c. NULL is allowed. */
void volume_cache_close(volume_cache *c, int complete);

#endif
