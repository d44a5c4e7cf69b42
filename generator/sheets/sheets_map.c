/* sheets_map — a string -> long hash table with open addressing (FNV-1a, linear probing, at most
 * half full), for the ids and names an import resolves references by. Keys are borrowed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "sheets/sheets_int.h"

static uint64_t map_hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot of key: where it is, or the empty slot where it would go. cap is a power of two. */
static size_t map_find(const sheets_map *m, const char *key)
{
    size_t i = (size_t)map_hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key)) i = (i + 1) & (m->cap - 1);
    return i;
}

static void map_grow(sheets_map *m)
{
    sheets_map bigger = {NULL, NULL, m->cap ? m->cap * 2 : 64, 0};
    bigger.keys = ws_xcalloc(bigger.cap, sizeof *bigger.keys);
    bigger.vals = ws_xcalloc(bigger.cap, sizeof *bigger.vals);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t j = map_find(&bigger, m->keys[i]);
            bigger.keys[j] = m->keys[i];
            bigger.vals[j] = m->vals[i];
            bigger.n++;
        }
    free(m->keys);
    free(m->vals);
    *m = bigger;
}

long *sheets_map_slot(sheets_map *m, const char *key)
{
    if (2 * (m->n + 1) > m->cap) map_grow(m);
    size_t i = map_find(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->vals[i] = -1;
        m->n++;
    }
    return &m->vals[i];
}

long sheets_map_get(const sheets_map *m, const char *key)
{
    if (!m->cap) return -1;
    size_t i = map_find(m, key);
    return m->keys[i] ? m->vals[i] : -1;
}

void sheets_map_free(sheets_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
