/* measure_memo — see measure_memo.h. */
#include "typeset/measure_memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "typeset/paragraph_memo.h"

typedef struct {
    unsigned char *key; /* NULL: empty */
    size_t len;
    float height;
    int pages;
} slot;

static slot slots[MEASURE_MEMO_SLOTS];
static size_t next_slot; /* the one replaced next */
static unsigned long hits;

/* The key: the style's bytes (every field a layout reads but the chains, which the font set's
 * serial stands for), the serial, the handlers, the nesting level, then the Markdown. */
static unsigned char *make_key(const layout *L, const char *md, size_t len, size_t *klen)
{
    size_t head = sizeof(style) + sizeof(unsigned long) + sizeof(void *) + sizeof(int);
    if (len > MEASURE_MEMO_MAX_KEY - head) return NULL;
    unsigned char *k = ws_xmalloc(head + len), *o = k;
    unsigned long serial = fonts_serial(layout_fonts(L));
    const void *h = layout_handlers(L);
    int nesting = layout_nesting(L);
    memcpy(o, layout_style(L), sizeof(style));
    o += sizeof(style);
    memcpy(o, &serial, sizeof serial);
    o += sizeof serial;
    memcpy(o, &h, sizeof h);
    o += sizeof h;
    memcpy(o, &nesting, sizeof nesting);
    o += sizeof nesting;
    memcpy(o, md, len);
    *klen = head + len;
    return k;
}

int measure_memo_get(const layout *L, const char *md, size_t len, float *height, int *pages)
{
    size_t klen;
    unsigned char *k = make_key(L, md, len, &klen);
    if (!k) return 0;
    int hit = 0;
    paragraph_memo_lock();
    for (size_t i = 0; i < MEASURE_MEMO_SLOTS && !hit; i++)
        if (slots[i].key && slots[i].len == klen && !memcmp(slots[i].key, k, klen)) {
            *height = slots[i].height;
            *pages = slots[i].pages;
            hit = 1;
            hits++;
        }
    paragraph_memo_unlock();
    free(k);
    return hit;
}

void measure_memo_put(const layout *L, const char *md, size_t len, float height, int pages)
{
    size_t klen;
    unsigned char *k = make_key(L, md, len, &klen);
    if (!k) return;
    paragraph_memo_lock();
    slot *s = &slots[next_slot];
    next_slot = (next_slot + 1) % MEASURE_MEMO_SLOTS;
    free(s->key);
    *s = (slot){k, klen, height, pages};
    paragraph_memo_unlock();
}

unsigned long measure_memo_hits(void)
{
    paragraph_memo_lock();
    unsigned long n = hits;
    paragraph_memo_unlock();
    return n;
}

void measure_memo_clear(void)
{
    paragraph_memo_lock();
    for (size_t i = 0; i < MEASURE_MEMO_SLOTS; i++) {
        free(slots[i].key);
        slots[i] = (slot){0};
    }
    next_slot = 0;
    hits = 0;
    paragraph_memo_unlock();
}
