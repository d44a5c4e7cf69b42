/* keys — the input keys of the incremental cache: an output whose key, file and SHA-256 match the
 * manifest is not made again.
 *
 * A source gives each record's item the key of everything that decides its bytes (build_item.key);
 * it should cover the record's serialised XML (and the shared context it draws on), the template's
 * bytes and its partials', the style file's bytes, and each font file's identity — the helpers
 * below hash files the same way for every source. The machinery's final key adds the wenshu
 * version, the options that change bytes (--archive) and the output's path; a combined file's
 * covers each of its records' paths, bookmarks and keys. */
#ifndef WENSHU_KEYS_H
#define WENSHU_KEYS_H

#include "base/sha256.h"
#include "batch/build.h"

/* For sources. */
void batch_key_file_bytes(sha256_state *s, const char *path);    /* missing file: hashed as absent */
void batch_key_file_identity(sha256_state *s, const char *path); /* path, size, mtime (fonts) */

/* The final key of plan item i, as hex: what the manifest's "key" holds. After plan_assign_paths;
 * a combined file's depends on which records this run binds into it (plan_is_member). */
void keys_final(const build_plan *p, const build_options *o, size_t i, char hex[SHA256_HEX_LEN + 1]);

#endif
