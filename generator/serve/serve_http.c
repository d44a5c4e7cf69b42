/* serve_http — the HTTP side of `wenshu serve` (serve.h): libmicrohttpd, one thread per
 * connection (an event stream waits on its own thread), every route behind the token.
 *
 *   /TOKEN/                    the page (index.html), /TOKEN/app.js, /TOKEN/app.css
 *   /TOKEN/api/state           records, forms, problems and the build's state (serve_model.c)
 *   /TOKEN/api/pdf?form=F&record=R   that form of that record as PDF, made now
 *   /TOKEN/api/events          server-sent events: "reload" after a save, "build" as it runs
 *   /TOKEN/api/build           POST: starts 生成全部 into OUT
 *   /TOKEN/file/data/N         the N-th DATA file, as text
 *   /TOKEN/file/templates/REL  a file under the templates folder
 *   /TOKEN/file/out/REL        a file under OUT (what the build made)
 *
 * A file route's REL must be plain names (no "", ".", ".." or hidden component, after
 * libmicrohttpd has decoded %xx) and must resolve, symlinks followed, to a regular file inside
 * its folder; anything else is refused (403) before the file is opened. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/diag.h"
#include "serve/serve_assets.h"
#include "serve/serve_int.h"
#include "base/i18n.h"

#define TOKEN_BYTES 16
static char serve_token[2 * TOKEN_BYTES + 1];

/* Whether the n bytes at a equal those at b, in time independent of where they differ. */
static int token_equal(const char *a, const char *b, size_t n)
{
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++) diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned code, const char *mime, const void *data, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", mime);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; frame-src 'self'; object-src 'self'; frame-ancestors 'self'");
    enum MHD_Result rc = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned code, const char *text)
{
    return send_buf(c, code, "text/plain; charset=utf-8", text, strlen(text));
}

/* ---- files ---- */

/* Whether rel is plain names joined by "/": none empty, ".", ".." or starting with ".". */
static int plain_relpath(const char *rel)
{
    if (!*rel) return 0;
    for (const char *p = rel;;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || p[0] == '.' || memchr(p, '\\', n)) return 0;
        if (!p[n]) return 1;
        p += n + 1;
    }
}

static const char *mime_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strcmp(dot, ".pdf")) return "application/pdf";
    if (dot && (!strcmp(dot, ".md") || !strcmp(dot, ".xml") || !strcmp(dot, ".style") || !strcmp(dot, ".json") ||
                !strcmp(dot, ".csv") || !strcmp(dot, ".txt")))
        return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

/* Serves the regular file at path. */
static enum MHD_Result send_file_exact(struct MHD_Connection *c, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) return send_text(c, errno == ENOENT ? 404 : 403, errno == ENOENT ? _("no such file\n") : _("cannot read this file\n"));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return send_text(c, 403, _("forbidden: not a regular file\n"));
    }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd); /* closes fd */
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", mime_of(path));
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    enum MHD_Result rc = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return rc;
}

/* Serves root/rel when it resolves to a regular file inside root. */
static enum MHD_Result send_file_under(struct MHD_Connection *c, const char *root, const char *rel)
{
    if (!root || !plain_relpath(rel)) return send_text(c, 403, _("forbidden: the path is outside the folders allowed\n"));
    char real_root[PATH_MAX], real[PATH_MAX];
    ws_buf path = {0};
    ws_buf_printf(&path, "%s/%s", root, rel);
    int inside = realpath(root, real_root) && realpath(path.data, real);
    size_t rl = inside ? strlen(real_root) : 0;
    inside = inside && !strncmp(real, real_root, rl) && (real[rl] == '/' || (rl == 1 && real_root[0] == '/'));
    ws_buf_free(&path);
    if (!inside) return errno == ENOENT ? send_text(c, 404, _("no such file\n")) : send_text(c, 403, _("forbidden: the path is outside the folders allowed\n"));
    return send_file_exact(c, real);
}

/* ---- requests ---- */

static enum MHD_Result send_pdf(serve_ctx *ctx, struct MHD_Connection *c)
{
    const char *form = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "form");
    const char *record = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "record");
    if (!form) return send_text(c, 400, _("the parameter form is missing\n"));
    diag *d = diag_new(NULL);
    ws_buf pdf = {0};
    int rc = -1, known = 0;
    pthread_mutex_lock(&ctx->lock);
    for (size_t k = 0; k < preview_nforms(ctx->pv) && !known; k++)
        if (!strcmp(template_name(preview_form(ctx->pv, k)), form)) {
            known = 1;
            rc = preview_render(ctx->pv, k, record && *record ? record : NULL, &pdf, NULL, d);
        }
    pthread_mutex_unlock(&ctx->lock);
    enum MHD_Result r;
    if (!known) {
        r = send_text(c, 404, _("no such form\n"));
    } else if (rc || diag_count(d, DIAG_ERROR)) {
        ws_buf msg = {0};
        ws_buf_puts(&msg, _("cannot make the preview:\n\n"));
        for (size_t m = 0; m < diag_nmessages(d); m++) ws_buf_printf(&msg, "%s\n", diag_message(d, m));
        r = send_text(c, 422, msg.data);
        ws_buf_free(&msg);
    } else {
        r = send_buf(c, 200, "application/pdf", pdf.data, pdf.len);
    }
    ws_buf_free(&pdf);
    diag_free(d);
    return r;
}

static enum MHD_Result send_state(serve_ctx *ctx, struct MHD_Connection *c)
{
    ws_buf j = {0};
    pthread_mutex_lock(&ctx->lock);
    ws_buf_puts(&j, "{\"model\":");
    ws_buf_put(&j, ctx->state.data, ctx->state.len);
    ws_buf_puts(&j, ",\"build\":");
    serve_build_json(ctx, &j);
    ws_buf_puts(&j, "}");
    pthread_mutex_unlock(&ctx->lock);
    enum MHD_Result r = send_buf(c, 200, "application/json; charset=utf-8", j.data, j.len);
    ws_buf_free(&j);
    return r;
}

/* An event stream's position: what it has told its page. */
typedef struct {
    serve_ctx *ctx;
    unsigned long generation, build_seq;
    ws_buf pending; /* an event not yet sent whole */
    size_t sent;
    int started;
} sse_state;

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    sse_state *s = cls;
    serve_ctx *ctx = s->ctx;
    if (s->sent == s->pending.len) {
        s->pending.len = s->sent = 0;
        pthread_mutex_lock(&ctx->lock);
        if (!s->started) {
            ws_buf_puts(&s->pending, "retry: 1000\n\n");
            s->started = 1;
        }
        while (!s->pending.len && !ctx->stopping) {
            if (s->generation != ctx->generation) {
                s->generation = ctx->generation;
                ws_buf_printf(&s->pending, "event: reload\ndata: %lu\n\n", s->generation);
            } else if (s->build_seq != ctx->build_seq) {
                s->build_seq = ctx->build_seq;
                ws_buf_puts(&s->pending, "event: build\ndata: ");
                serve_build_json(ctx, &s->pending);
                ws_buf_puts(&s->pending, "\n\n");
            } else {
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_sec += 15;
                if (pthread_cond_timedwait(&ctx->changed, &ctx->lock, &until) == ETIMEDOUT)
                    ws_buf_puts(&s->pending, ": 保持连接\n\n"); /* a comment: finds a closed page */
            }
        }
        int stopping = ctx->stopping;
        pthread_mutex_unlock(&ctx->lock);
        if (!s->pending.len && stopping) return MHD_CONTENT_READER_END_OF_STREAM;
    }
    size_t n = s->pending.len - s->sent < max ? s->pending.len - s->sent : max;
    memcpy(buf, s->pending.data + s->sent, n);
    s->sent += n;
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    sse_state *s = cls;
    ws_buf_free(&s->pending);
    free(s);
}

static enum MHD_Result send_events(serve_ctx *ctx, struct MHD_Connection *c)
{
    sse_state *s = ws_xcalloc(1, sizeof *s);
    s->ctx = ctx;
    pthread_mutex_lock(&ctx->lock);
    s->generation = ctx->generation;
    s->build_seq = ctx->build_seq;
    pthread_mutex_unlock(&ctx->lock);
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, s, sse_free);
    if (!r) {
        sse_free(s);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result rc = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    serve_ctx *ctx = cls;
    int post = !strcmp(method, "POST");
    if (post && !*con_cls) { /* the first call, before any body: answer on the next */
        *con_cls = ctx;
        return MHD_YES;
    }
    if (post && *upload_size) { /* a body is not wanted: ignore it */
        *upload_size = 0;
        return MHD_YES;
    }
    /* The token: "/TOKEN/..." exactly, compared in constant time so that response timing tells
     * a local process nothing about how many of its characters were right. */
    size_t tl = strlen(serve_token);
    if (strncmp(url, "/", 1) || strlen(url) < tl + 1 || !token_equal(url + 1, serve_token, tl) ||
        (url[tl + 1] && url[tl + 1] != '/'))
        return send_text(c, 403, _("forbidden: use the whole address wenshu serve printed when it started (with its token)\n"));
    if (!url[tl + 1]) { /* "/TOKEN": the page's relative links need "/TOKEN/" */
        struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        char where[sizeof serve_token + 4];
        snprintf(where, sizeof where, "/%s/", serve_token);
        MHD_add_response_header(r, "Location", where);
        enum MHD_Result rc = MHD_queue_response(c, 302, r);
        MHD_destroy_response(r);
        return rc;
    }
    const char *rest = url + tl + 2;
    if (!post && strcmp(method, "GET") && strcmp(method, "HEAD")) return send_text(c, 405, _("request method not supported\n"));
    if (post) {
        if (strcmp(rest, "api/build")) return send_text(c, 405, _("request method not supported\n"));
        pthread_mutex_lock(&ctx->lock);
        int rc = ctx->cfg.out ? serve_build_start(ctx) : -1;
        int running = ctx->building;
        pthread_mutex_unlock(&ctx->lock);
        if (!ctx->cfg.out) return send_text(c, 400, _("no output folder was given at the start (-o OUT); cannot build\n"));
        if (rc < 0 && running) return send_text(c, 409, _("a build is running; wait for it to finish\n"));
        return send_text(c, 202, _("build started\n"));
    }
    if (!*rest || !strcmp(rest, "index.html") || !strcmp(rest, "app.js") || !strcmp(rest, "app.css")) {
        const serve_asset *a = serve_assets_find(*rest ? rest : "index.html");
        if (!a) return send_text(c, 404, _("no such file\n"));
        return send_buf(c, 200, a->mime, a->data, a->len);
    }
    if (!strcmp(rest, "api/state")) return send_state(ctx, c);
    if (!strcmp(rest, "api/pdf")) return send_pdf(ctx, c);
    if (!strcmp(rest, "api/events")) return send_events(ctx, c);
    if (!strncmp(rest, "file/data/", 10)) {
        char *end;
        errno = 0;
        unsigned long i = strtoul(rest + 10, &end, 10);
        if (!rest[10] || *end || errno || i >= ctx->cfg.ndata) return send_text(c, 404, _("no such file\n"));
        return send_file_exact(c, ctx->cfg.data[i]);
    }
    if (!strncmp(rest, "file/templates/", 15)) return send_file_under(c, ctx->tpldir, rest + 15);
    if (!strncmp(rest, "file/out/", 9)) return send_file_under(c, ctx->cfg.out, rest + 9);
    return send_text(c, 404, _("no such page\n"));
}

int serve_run(const serve_config *cfg)
{
    unsigned char raw[TOKEN_BYTES];
    for (size_t got = 0; got < sizeof raw;) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            fprintf(stderr, _("wenshu serve: cannot get random numbers: %s\n"), strerror(errno));
            return EXIT_USAGE;
        }
        got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof raw; i++) snprintf(serve_token + 2 * i, 3, "%02x", raw[i]);

    serve_ctx ctx = {.cfg = *cfg, .build_status = -1};
    ws_buf tpldir = {0};
    ws_buf_printf(&tpldir, "%s/templates", cfg->datadir);
    ctx.tpldir = ws_buf_steal(&tpldir);
    pthread_mutex_init(&ctx.lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_cond_init(&ctx.changed, &ca);
    pthread_condattr_destroy(&ca);
    ctx.pv = preview_new(cfg->schema, cfg->datadir, cfg->data, cfg->ndata);
    serve_model_reload(&ctx);

    /* SIGINT and SIGTERM are taken by sigwait below: blocked in every thread started from here. */
    sigset_t sigs, old;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, &old);
    signal(SIGPIPE, SIG_IGN);

    int status = EXIT_OK;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
                                                 NULL, handle, &ctx, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0, MHD_OPTION_END);
    pthread_t watcher;
    int watching = 0;
    if (!daemon) {
        fprintf(stderr, _("wenshu serve: cannot listen on 127.0.0.1:%u (is the port taken?)\n"), cfg->port);
        status = EXIT_USAGE;
        goto out;
    }
    watching = serve_model_watch(&ctx, &watcher) == 0;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    printf(_("wenshu serve: the workbench is running; open this address in the browser (Ctrl-C ends):\n"
             "http://127.0.0.1:%u/%s/\n"),
           info ? info->port : cfg->port, serve_token);
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, _("wenshu serve: stopped\n"));

out:
    pthread_mutex_lock(&ctx.lock);
    ctx.stopping = 1;
    pthread_cond_broadcast(&ctx.changed);
    pthread_mutex_unlock(&ctx.lock);
    serve_build_stop(&ctx);
    if (daemon) MHD_stop_daemon(daemon);
    if (watching) pthread_join(watcher, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    preview_free(ctx.pv);
    ws_buf_free(&ctx.state);
    ws_buf_free(&ctx.build_log);
    free(ctx.tpldir);
    pthread_cond_destroy(&ctx.changed);
    pthread_mutex_destroy(&ctx.lock);
    return status;
}
