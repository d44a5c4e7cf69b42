/* segment — ICU's word break iterator, opened once per process. */
#include "typeset/segment.h"

#include <pthread.h>
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/uclean.h>
#include <unicode/utypes.h>

#include "base/util.h"

static pthread_mutex_t segment_lock = PTHREAD_MUTEX_INITIALIZER;
static UBreakIterator *segment_iter;
static int segment_broken; /* ICU failed to open the iterator: do not try again per title */

/* At exit the iterator and ICU's caches (the dictionary) are freed, so that leak checkers
 * see nothing of them: ICU keeps pointers into the middle of its blocks, which valgrind
 * would report as possibly lost. */
static void segment_cleanup(void)
{
    if (segment_iter) ubrk_close(segment_iter);
    segment_iter = NULL;
    u_cleanup();
}

int segment_words(const uint32_t *cps, size_t n, unsigned char *at)
{
    for (size_t b = 1; b < n; b++) at[b] = 1;
    if (n < 2) return 0;
    /* UTF-16 for ICU, and for each code unit the code point it belongs to. */
    UChar *u = ws_xmalloc(2 * n * sizeof *u);
    size_t *cp_of = ws_xmalloc((2 * n + 1) * sizeof *cp_of);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;
        if (c >= 0x10000) {
            c -= 0x10000;
            cp_of[len] = i;
            u[len++] = (UChar)(0xD800 + (c >> 10));
            cp_of[len] = i;
            u[len++] = (UChar)(0xDC00 + (c & 0x3FF));
        } else {
            cp_of[len] = i;
            u[len++] = (UChar)c;
        }
    }
    cp_of[len] = n;
    int rc = -1;
    pthread_mutex_lock(&segment_lock);
    UErrorCode err = U_ZERO_ERROR;
    if (!segment_iter && !segment_broken) {
        segment_iter = ubrk_open(UBRK_WORD, "zh", NULL, 0, &err);
        if (U_FAILURE(err)) {
            segment_iter = NULL;
            segment_broken = 1;
        } else {
            atexit(segment_cleanup);
        }
    }
    err = U_ZERO_ERROR;
    if (segment_iter) ubrk_setText(segment_iter, u, (int32_t)len, &err);
    if (segment_iter && U_SUCCESS(err)) {
        for (size_t b = 1; b < n; b++) at[b] = 0;
        for (int32_t k = ubrk_first(segment_iter); k != UBRK_DONE; k = ubrk_next(segment_iter)) {
            size_t b = cp_of[k];
            if (b > 0 && b < n) at[b] = 1;
        }
        /* The iterator keeps a pointer to the text: it must not outlive u. */
        err = U_ZERO_ERROR;
        ubrk_setText(segment_iter, u, 0, &err);
        rc = 0;
    }
    pthread_mutex_unlock(&segment_lock);
    free(u);
    free(cp_of);
    return rc;
}
