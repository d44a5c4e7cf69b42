#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/durable.h"
#include "tap.h"
#include "base/util.h"

static char dir[] = "/tmp/wenshu-durable.XXXXXX";

static char *path(const char *name)
{
    ws_buf b = {0};
    ws_buf_printf(&b, "%s/%s", dir, name);
    return ws_buf_steal(&b);
}

static void put(const char *name, const char *text)
{
    char *p = path(name);
    FILE *f = fopen(p, "w");
    if (f) fputs(text, f), fclose(f);
    free(p);
}

static int holds(const char *name, const char *text)
{
    char *p = path(name);
    char got[64] = "";
    FILE *f = fopen(p, "r");
    if (f) {
        size_t n = fread(got, 1, sizeof got - 1, f);
        got[n] = 0;
        fclose(f);
    }
    free(p);
    return f && !strcmp(got, text);
}

static int absent(const char *name)
{
    char *p = path(name);
    int gone = access(p, F_OK) != 0;
    free(p);
    return gone;
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    durable *d = durable_new(dir);
    size_t n = 99;
    CHECK(durable_wait(d, &n) == NULL && n == 0, "nothing in flight: wait returns NULL");

    put("a.tmp", "new a");
    put("b.tmp", "new b");
    put("a.pdf", "old a");
    char *a_tmp = path("a.tmp"), *a = path("a.pdf"), *b_tmp = path("b.tmp"), *b = path("b.pdf");
    char *c_tmp = path("c.tmp"), *c = path("missing-folder/c.pdf");
    put("c.tmp", "new c");
    durable_file batch1[] = {{a_tmp, a, -1}, {b_tmp, b, -1}, {c_tmp, c, -1}};
    durable_submit(d, batch1, 3);
    durable_file *got = durable_wait(d, &n);
    CHECK(got == batch1 && n == 3, "wait returns the batch submitted");
    CHECK(batch1[0].err == 0 && holds("a.pdf", "new a") && absent("a.tmp"), "a file replaces the old one");
    CHECK(batch1[1].err == 0 && holds("b.pdf", "new b") && absent("b.tmp"), "a new file takes its name");
    CHECK(batch1[2].err == ENOENT && holds("c.tmp", "new c"), "a rename that fails says why and leaves the temporary");

    /* A second batch while the first is in flight: submit waits for the first. */
    put("d.tmp", "new d");
    put("e.tmp", "new e");
    char *d_tmp = path("d.tmp"), *dd = path("d.pdf"), *e_tmp = path("e.tmp"), *e = path("e.pdf");
    durable_file batch2[] = {{d_tmp, dd, -1}}, batch3[] = {{e_tmp, e, -1}};
    durable_submit(d, batch2, 1);
    durable_submit(d, batch3, 1);
    CHECK(batch2[0].err == 0 && holds("d.pdf", "new d"), "the batch in flight finishes before the next starts");
    got = durable_wait(d, &n);
    CHECK(got == batch3 && n == 1 && batch3[0].err == 0 && holds("e.pdf", "new e"), "the last batch is the one waited for");

    /* Freed with a batch in flight: it still completes. */
    put("f.tmp", "new f");
    char *f_tmp = path("f.tmp"), *f = path("f.pdf");
    durable_file batch4[] = {{f_tmp, f, -1}};
    durable_submit(d, batch4, 1);
    durable_free(d);
    CHECK(holds("f.pdf", "new f"), "durable_free completes the batch in flight");

    durable *bad = durable_new("/nonexistent/folder");
    put("g.tmp", "new g");
    char *g_tmp = path("g.tmp"), *g = path("g.pdf");
    durable_file batch5[] = {{g_tmp, g, -1}};
    durable_submit(bad, batch5, 1);
    durable_wait(bad, &n);
    CHECK(batch5[0].err == ENOENT && absent("g.pdf") && holds("g.tmp", "new g"),
          "when the file system cannot be synced, nothing is renamed");
    durable_free(bad);

    char *all[] = {a_tmp, a, b_tmp, b, c_tmp, c, d_tmp, dd, e_tmp, e, f_tmp, f, g_tmp, g};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) unlink(all[i]), free(all[i]);
    rmdir(dir);
    return TAP_DONE();
}
