/* Minimal TAP output for the C unit tests: each check prints "ok N - name" or "not ok N - name". */
#ifndef WENSHU_TAP_H
#define WENSHU_TAP_H
#include <stdio.h>
static int tap_n, tap_failed;
#define CHECK(cond, ...)                                                             \
    do {                                                                             \
        int tap_ok_ = !!(cond); /* evaluated once: conditions may have side effects */ \
        tap_n++;                                                                     \
        if (tap_ok_) {                                                                  \
            printf("ok %d - ", tap_n);                                               \
        } else {                                                                     \
            tap_failed++;                                                            \
            printf("not ok %d - ", tap_n);                                           \
        }                                                                            \
        printf(__VA_ARGS__);                                                         \
        if (!tap_ok_) printf("  (%s:%d: %s)", __FILE__, __LINE__, #cond);             \
        printf("\n");                                                                \
    } while (0)
/* The plan, "1..N", printed last; main returns TAP_DONE(). tests/run fails a test that prints no
 * plan (it crashed or returned early) or runs another number of checks than it planned. */
#define TAP_DONE() (printf("1..%d\n", tap_n), tap_failed ? 1 : 0)
#endif
