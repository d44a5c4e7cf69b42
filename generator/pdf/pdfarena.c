/* pdfarena — see pdfarena_int.h. */
#include "pdf/pdfarena_int.h"

#include <stddef.h>
#include <stdlib.h>

#define ARENA_BLOCK (64u << 10)
#define ARENA_ALIGN 16u

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} arena_block;

/* the blocks of this thread's document, newest first; NULL outside begin/end */
static _Thread_local arena_block *arena_head;

void pdfarena_begin(void)
{
    arena_head = NULL;
}

void *pdfarena_alloc(HPDF_UINT size)
{
    size_t n = ((size_t)size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (!n) n = ARENA_ALIGN;
    arena_block *b = arena_head;
    if (!b || b->size - b->used < n) {
        /* a large piece gets a block of its own, behind the current one so that its room stays in use */
        size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
        arena_block *nb = malloc(sizeof *nb + size);
        if (!nb) return NULL; /* libharu reports HPDF_FAILD_TO_ALLOC_MEM */
        nb->used = 0;
        nb->size = size;
        if (b && size != ARENA_BLOCK) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            arena_head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void pdfarena_free(void *p)
{
    (void)p; /* given back with the whole arena (pdfarena_end) */
}

void pdfarena_end(void)
{
    while (arena_head) {
        arena_block *next = arena_head->next;
        free(arena_head);
        arena_head = next;
    }
}
