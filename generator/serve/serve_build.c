/* serve_build — 生成全部: runs `wenshu build DATA... -o OUT` as a child process (the same binary),
 * so that a build's worker processes, its memory and a crash stay out of the server, and reads
 * its standard error: the progress lines ("progress N/M", which WENSHU_PROGRESS=1 asks for
 * when standard error is a pipe) become done/total, everything else the log the page shows. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve/serve_int.h"
#include "base/i18n.h"

extern char **environ;

/* One piece of standard error between \r and \n; lock held. */
static void take_line(serve_ctx *ctx, const char *line, size_t len)
{
    static const char mark[] = "progress ";
    const char *at = len > sizeof mark && !memcmp(line, mark, sizeof mark - 1) ? line : NULL;
    size_t done, total;
    if (at && sscanf(at + sizeof mark - 1, "%zu/%zu", &done, &total) == 2) {
        ctx->done = done;
        ctx->total = total;
    } else {
        /* escapes of the terminal line ("\033[K") are not the page's business */
        while (len && (line[0] == '\033' || line[0] == '[' || line[0] == 'K')) line++, len--;
        if (!len) return;
        ws_buf_put(&ctx->build_log, line, len);
        ws_buf_putc(&ctx->build_log, '\n');
    }
    ctx->build_seq++;
    pthread_cond_broadcast(&ctx->changed);
}

typedef struct {
    serve_ctx *ctx;
    int fd;
    pid_t pid;
} build_job;

static void *build_main(void *arg)
{
    build_job *job = arg;
    serve_ctx *ctx = job->ctx;
    ws_buf pending = {0};
    char buf[4096];
    for (;;) {
        ssize_t n = read(job->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        ws_buf_put(&pending, buf, (size_t)n);
        pthread_mutex_lock(&ctx->lock);
        size_t start = 0;
        for (size_t i = 0; i < pending.len; i++)
            if (pending.data[i] == '\r' || pending.data[i] == '\n') {
                take_line(ctx, pending.data + start, i - start);
                start = i + 1;
            }
        pthread_mutex_unlock(&ctx->lock);
        memmove(pending.data, pending.data + start, pending.len - start);
        pending.len -= start;
    }
    close(job->fd);
    int wstatus = 0;
    while (waitpid(job->pid, &wstatus, 0) < 0 && errno == EINTR) {}
    pthread_mutex_lock(&ctx->lock);
    if (pending.len) take_line(ctx, pending.data, pending.len);
    ctx->build_status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + (WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
    ctx->building = 0;
    ctx->build_pid = 0;
    ctx->build_seq++;
    pthread_cond_broadcast(&ctx->changed);
    pthread_mutex_unlock(&ctx->lock);
    ws_buf_free(&pending);
    free(job);
    return NULL;
}

int serve_build_start(serve_ctx *ctx)
{
    if (!ctx->cfg.out || ctx->building) return -1;
    if (ctx->build_thread_started) { /* the last build's thread has ended (building is 0): reap it */
        pthread_join(ctx->build_thread, NULL);
        ctx->build_thread_started = 0;
    }
    size_t argc = 0;
    char **argv = ws_xcalloc(ctx->cfg.ndata + 6, sizeof *argv);
    argv[argc++] = (char *)"wenshu";
    argv[argc++] = (char *)"build";
    argv[argc++] = (char *)"-o";
    argv[argc++] = (char *)ctx->cfg.out;
    argv[argc++] = (char *)"--";
    for (size_t i = 0; i < ctx->cfg.ndata; i++) argv[argc++] = ctx->cfg.data[i];
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        free(argv);
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    /* the environment with WENSHU_PROGRESS=1 (a copy: setenv is not safe beside other threads) */
    size_t nenv = 0;
    while (environ[nenv]) nenv++;
    char **envp = ws_xcalloc(nenv + 2, sizeof *envp);
    size_t e = 0;
    for (size_t i = 0; i < nenv; i++)
        if (strncmp(environ[i], "WENSHU_PROGRESS=", 16)) envp[e++] = environ[i];
    envp[e] = (char *)"WENSHU_PROGRESS=1";
    pid_t pid;
    int rc = posix_spawn(&pid, ctx->cfg.self, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    free(argv);
    free(envp);
    if (rc) {
        close(fds[0]);
        ws_buf_free(&ctx->build_log);
        ws_buf_printf(&ctx->build_log, _("cannot start the build: %s\n"), strerror(rc));
        ctx->build_status = 2;
        ctx->build_seq++;
        pthread_cond_broadcast(&ctx->changed);
        return 0;
    }
    build_job *job = ws_xmalloc(sizeof *job);
    *job = (build_job){ctx, fds[0], pid};
    ctx->building = 1;
    ctx->build_pid = pid;
    ctx->done = ctx->total = 0;
    ctx->build_status = -1;
    ws_buf_free(&ctx->build_log);
    ctx->build_seq++;
    pthread_create(&ctx->build_thread, NULL, build_main, job);
    ctx->build_thread_started = 1;
    pthread_cond_broadcast(&ctx->changed);
    return 0;
}

void serve_build_stop(serve_ctx *ctx)
{
    pthread_mutex_lock(&ctx->lock);
    if (ctx->building && ctx->build_pid > 0) kill(ctx->build_pid, SIGTERM);
    int started = ctx->build_thread_started;
    ctx->build_thread_started = 0;
    pthread_mutex_unlock(&ctx->lock);
    if (started) pthread_join(ctx->build_thread, NULL);
}

void serve_build_json(serve_ctx *ctx, ws_buf *out)
{
    ws_buf_printf(out, "{\"running\":%s,\"done\":%zu,\"total\":%zu,\"status\":%d,\"log\":", ctx->building ? "true" : "false",
                  ctx->done, ctx->total, ctx->build_status);
    serve_json_str(out, ctx->build_log.data ? ctx->build_log.data : "");
    ws_buf_puts(out, "}");
}
