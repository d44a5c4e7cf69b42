/* The parts of `wenshu serve` (serve.h) and what they share: one context, one lock.
 *
 *   serve_http.c   the HTTP server: token, routes, files, server-sent events
 *   serve_model.c  what the page shows: records, forms, problems as JSON; reloads on change
 *   serve_build.c  生成全部: `wenshu build` run as a child process, its progress parsed
 *
 * Every field below the lock is read and written with it held; the preview (not thread-safe)
 * is only used with it held. Waiters (the event streams) sleep on `changed`, which is
 * broadcast whenever generation or build_seq moves, and when the server stops. */
#ifndef WENSHU_SERVE_INT_H
#define WENSHU_SERVE_INT_H

#include <pthread.h>

#include "base/util.h"
#include "serve/preview.h"
#include "serve/serve.h"

typedef struct {
    serve_config cfg;
    char *tpldir;               /* datadir/templates */

    pthread_mutex_t lock;
    pthread_cond_t changed;
    int stopping;
    preview *pv;
    ws_buf state;               /* JSON: forms, records, problems (serve_model_reload) */
    unsigned long generation;   /* moves on every reload */

    /* 生成全部 */
    int building;               /* a build child is running */
    size_t done, total;         /* its progress */
    int build_status;           /* its exit status once it ended; -1 none yet */
    ws_buf build_log;           /* its messages (standard error), the progress line excepted */
    unsigned long build_seq;    /* moves on every change of the above */
    pthread_t build_thread;
    int build_thread_started;
    int build_pid;
} serve_ctx;

/* Reads the records and every template again and rebuilds ctx->state; lock held. */
void serve_model_reload(serve_ctx *ctx);
/* Watches the DATA files, templates, partials and styles on a thread of its own, reloading and
 * broadcasting after each save, until ctx->stopping. Returns 0 or -1 (errno). */
int serve_model_watch(serve_ctx *ctx, pthread_t *thread);

/* Starts the build into cfg.out; lock held. Returns 0, or -1 when one is running or no OUT. */
int serve_build_start(serve_ctx *ctx);
/* Stops a running build (SIGTERM) and waits for its thread; lock not held. */
void serve_build_stop(serve_ctx *ctx);
/* The build's state as JSON ({"running":…,"done":…,"total":…,"status":…,"log":…}); lock held. */
void serve_build_json(serve_ctx *ctx, ws_buf *out);

/* s as a JSON string, quotes included. */
void serve_json_str(ws_buf *out, const char *s);

#endif
