/* paragraph_memo — see paragraph_memo.h: a bounded hash table of byte keys, LRU order. */
#include "typeset/paragraph_memo.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

enum { NBUCKETS = 1024 }; /* a power of two; a form has some dozens of distinct paragraphs */

/* One kept layout, in one block: the lines, then the glyphs, then the key's bytes (in that order
 * so that each part is aligned: a line holds size_t, a glyph 4-byte fields, the key is bytes). */
typedef struct entry {
    struct entry *chain;       /* the next entry of the bucket */
    struct entry *newer, *older; /* the LRU list */
    uint64_t hash;
    size_t klen, nl, ng, bytes;
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

/* A fork while another thread holds the lock would leave the child's copy locked for ever: the
 * lock is taken around every fork and released on both sides (registered on first use). */
static void fork_prepare(void) { pthread_mutex_lock(&lock); }
static void fork_release(void) { pthread_mutex_unlock(&lock); }
static void fork_register(void) { pthread_atfork(fork_prepare, fork_release, fork_release); }

void paragraph_memo_lock(void)
{
    pthread_once(&fork_once, fork_register);
    pthread_mutex_lock(&lock);
}

void paragraph_memo_unlock(void) { pthread_mutex_unlock(&lock); }
static entry *buckets[NBUCKETS];
static entry *newest, *oldest;
static size_t kept_bytes, kept_entries;
static unsigned long hits, misses;

static paragraph_line *lines_of(entry *e) { return (paragraph_line *)(e + 1); }
static paragraph_glyph *glyphs_of(entry *e) { return (paragraph_glyph *)(lines_of(e) + e->nl); }
static unsigned char *key_of(entry *e) { return (unsigned char *)(glyphs_of(e) + e->ng); }

static entry **slot_of(const paragraph_memo_key *k)
{
    entry **pp = &buckets[k->hash & (NBUCKETS - 1)];
    while (*pp && ((*pp)->hash != k->hash || (*pp)->klen != k->len || memcmp(key_of(*pp), k->bytes, k->len)))
        pp = &(*pp)->chain;
    return pp;
}

static void unlink_lru(entry *e)
{
    if (e->newer) e->newer->older = e->older;
    else newest = e->older;
    if (e->older) e->older->newer = e->newer;
    else oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(entry *e)
{
    e->older = newest;
    e->newer = NULL;
    if (newest) newest->newer = e;
    newest = e;
    if (!oldest) oldest = e;
}

static void drop(entry *e)
{
    entry **pp = &buckets[e->hash & (NBUCKETS - 1)];
    while (*pp != e) pp = &(*pp)->chain;
    *pp = e->chain;
    unlink_lru(e);
    kept_bytes -= e->bytes;
    kept_entries--;
    free(e);
}

int paragraph_memo_get(const paragraph_memo_key *k, paragraph_line **lines, size_t *nl, size_t *capl,
                       paragraph_glyph **g, size_t *ng, size_t *capg)
{
    paragraph_memo_lock();
    entry *e = *slot_of(k);
    if (!e) {
        misses++;
        pthread_mutex_unlock(&lock);
        return 0;
    }
    hits++;
    if (e != newest) {
        unlink_lru(e);
        push_newest(e);
    }
    if (*capl < e->nl) {
        *capl = e->nl;
        *lines = ws_xrealloc(*lines, *capl * sizeof **lines);
    }
    if (*capg < e->ng) {
        *capg = e->ng;
        *g = ws_xrealloc(*g, *capg * sizeof **g);
    }
    if (e->nl) memcpy(*lines, lines_of(e), e->nl * sizeof **lines);
    if (e->ng) memcpy(*g, glyphs_of(e), e->ng * sizeof **g);
    *nl = e->nl;
    *ng = e->ng;
    pthread_mutex_unlock(&lock);
    return 1;
}

void paragraph_memo_put(const paragraph_memo_key *k, const paragraph_line *lines, size_t nl, const paragraph_glyph *g,
                        size_t ng)
{
    size_t bytes = sizeof(entry) + nl * sizeof *lines + ng * sizeof *g + k->len;
    if (bytes > PARAGRAPH_MEMO_BYTES / 8) return; /* a long text: seldom repeated, and it would push out many */
    paragraph_memo_lock();
    entry **pp = slot_of(k);
    if (*pp) {
        pthread_mutex_unlock(&lock);
        return;
    }
    entry *e = ws_xmalloc(bytes);
    e->chain = NULL;
    e->hash = k->hash;
    e->klen = k->len;
    e->nl = nl;
    e->ng = ng;
    e->bytes = bytes;
    if (nl) memcpy(lines_of(e), lines, nl * sizeof *lines);
    if (ng) memcpy(glyphs_of(e), g, ng * sizeof *g);
    memcpy(key_of(e), k->bytes, k->len);
    *pp = e;
    push_newest(e);
    kept_bytes += bytes;
    kept_entries++;
    while (kept_bytes > PARAGRAPH_MEMO_BYTES && oldest != e) drop(oldest);
    pthread_mutex_unlock(&lock);
}

paragraph_memo_stats paragraph_memo_stat(void)
{
    paragraph_memo_lock();
    paragraph_memo_stats s = {hits, misses, kept_entries, kept_bytes};
    pthread_mutex_unlock(&lock);
    return s;
}

void paragraph_memo_clear(void)
{
    paragraph_memo_lock();
    while (oldest) drop(oldest);
    hits = misses = 0;
    pthread_mutex_unlock(&lock);
}
