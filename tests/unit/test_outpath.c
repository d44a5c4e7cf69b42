#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/outpath.h"
#include "tap.h"

/* tap.h's CHECK evaluates its condition twice; these conditions have side effects. */
#define CHECK_ONCE(cond, ...)       \
    do {                            \
        int once_ = !!(cond);       \
        CHECK(once_, __VA_ARGS__);  \
    } while (0)
#include "base/util.h"

/* Every property outpath.h promises, checked on one result. */
static int is_safe(const char *s)
{
    if (!s[0] || s[0] == '.' || s[0] == ' ') return 0;
    size_t n = strlen(s);
    if (s[n - 1] == '.' || s[n - 1] == ' ') return 0;
    if (strstr(s, "..") || strpbrk(s, "/\\<>:\"|?*")) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F) return 0;
    if (!ws_utf8_valid(s, n, NULL) || outpath_reserved(s) || n > OUTPATH_COMPONENT_MAX) return 0;
    char *again = outpath_component(s, NULL);
    int same = !strcmp(again, s);
    free(again);
    return same;
}

static void expect(const char *in, const char *want, const char *what)
{
    char *got = outpath_component(in, "M001");
    CHECK_ONCE(!strcmp(got, want) && is_safe(got), "%s: \"%s\"", what, got);
    free(got);
}

int main(void)
{
    expect("张三", "张三", "an ordinary name is kept");
    expect("../../etc/passwd", "__._etc_passwd", "a climbing path becomes one harmless name");
    expect("..", "M001", "'..' alone falls back to the record id");
    expect(".", "M001", "'.' alone falls back to the record id");
    expect("a/b\\c", "a_b_c", "separators are replaced");
    expect("CON", "_CON", "CON is prefixed");
    expect("con.txt", "_con.txt", "con.txt (any case, with extension) is prefixed");
    expect("Lpt9", "_Lpt9", "LPT9 is prefixed");
    expect("COM1 .pdf", "_COM1 .pdf", "COM1 with a space before the extension is prefixed");
    expect("CONSTANT", "CONSTANT", "a longer name that starts like CON is kept");
    expect("nul", "_nul", "nul is prefixed");
    expect("第一\n支部\r\n", "第一 支部", "newlines become one space, trailing ones go");
    expect("a<b>c:d\"e|f?g*h", "a_b_c_d_e_f_g_h", "Windows-illegal characters are replaced");
    expect("报告...", "报告", "trailing dots are removed");
    expect("  名字  ", "名字", "surrounding spaces are removed");
    expect(".hidden", "_hidden", "no hidden file");
    expect("x\x01y\x7fz", "x_y_z", "control characters are replaced");
    expect("gpj\xe2\x80\xae.exe", "gpj.exe", "a bidirectional override is dropped");
    expect("bad\xff\xfeutf8", "bad__utf8", "invalid UTF-8 bytes are replaced");
    expect("", "M001", "an empty name falls back to the record id");
    expect("\n\t ", "M001", "a blank name falls back to the record id");
    {
        char *got = outpath_component("", "");
        CHECK_ONCE(!strcmp(got, "未命名"), "with an empty fallback too: %s", got);
        free(got);
    }
    {
        char *got = outpath_component_n("a\0b", 3, NULL, 0);
        CHECK_ONCE(!strcmp(got, "a_b"), "an embedded NUL is replaced: %s", got);
        free(got);
    }
    {
        char *got = outpath_component("\\0\\n%00", NULL);
        CHECK_ONCE(is_safe(got), "escape-like text stays one safe name: %s", got);
        free(got);
    }
    /* 300 characters: 100 three-byte CJK characters then 200 ASCII letters. */
    {
        ws_buf b = {0};
        for (int i = 0; i < 100; i++) ws_buf_puts(&b, "党");
        for (int i = 0; i < 200; i++) ws_buf_putc(&b, 'a');
        char *got = outpath_component(b.data, NULL);
        size_t n = strlen(got);
        CHECK_ONCE(n == 120 && ws_utf8_valid(got, n, NULL), "a 300-character name is capped at 120 bytes: %zu", n);
        free(got);
        char *odd = outpath_component_n(b.data, b.len, NULL, 10);
        CHECK_ONCE(strlen(odd) == 9 && !strcmp(odd, "党党党"), "the cap falls on a character boundary: %s", odd);
        free(odd);
        ws_buf_free(&b);
    }

    CHECK_ONCE(outpath_rel_ok("支部/表/张三.pdf"), "a clean relative path is accepted");
    CHECK_ONCE(!outpath_rel_ok("../x.pdf"), "'..' is refused");
    CHECK_ONCE(!outpath_rel_ok("a/../x.pdf"), "'..' inside is refused");
    CHECK_ONCE(!outpath_rel_ok("/etc/passwd"), "an absolute path is refused");
    CHECK_ONCE(!outpath_rel_ok("a//b"), "an empty component is refused");
    CHECK_ONCE(!outpath_rel_ok("a/CON"), "a reserved name is refused");
    CHECK_ONCE(!outpath_rel_ok("a\\b"), "a backslash is refused");
    char *j = outpath_join("/tmp/out", "a/b.pdf");
    CHECK_ONCE(j && !strcmp(j, "/tmp/out/a/b.pdf"), "join");
    free(j);
    CHECK_ONCE(outpath_join("/tmp/out", "../b.pdf") == NULL, "join refuses to climb");

    /* A symbolic link planted in OUT must not redirect output. */
    char root[] = "/tmp/wenshu-outpath.XXXXXX";
    if (mkdtemp(root)) {
        char sub[256], link[256], err[512];
        snprintf(sub, sizeof sub, "%s/org", root);
        snprintf(link, sizeof link, "%s/evil", root);
        mkdir(sub, 0755);
        CHECK_ONCE(symlink("/etc", link) == 0, "made a link for the test");
        CHECK_ONCE(outpath_check_inside(root, sub, err, sizeof err) == 0, "a real folder inside OUT passes");
        CHECK_ONCE(outpath_check_inside(root, link, err, sizeof err) < 0 && strstr(err, "outside"),
              "a link leading out of OUT is caught: %s", err);
        CHECK_ONCE(outpath_make_dirs(root, "org/表/深", err, sizeof err) == 0, "makes nested folders %s", err);
        CHECK_ONCE(outpath_make_dirs(root, "evil/x", err, sizeof err) < 0 && strstr(err, "symbolic link"),
                   "refuses to create folders through a link: %s", err);
        CHECK_ONCE(outpath_make_dirs(root, "../x", err, sizeof err) < 0, "refuses a climbing folder");
        char deep[300];
        snprintf(deep, sizeof deep, "%s/org/表/深", root);
        rmdir(deep);
        snprintf(deep, sizeof deep, "%s/org/表", root);
        rmdir(deep);
        unlink(link);
        rmdir(sub);
        rmdir(root);
    }

    /* Collisions: every holder of a shared name gets its id, whatever the order. */
    outpath_req r[] = {
        {"一支部/通知书", "张三", "M002", NULL},
        {"一支部/通知书", "李四", "M003", NULL},
        {"一支部/通知书", "张三", "M001", NULL},
        {"二支部/通知书", "张三", "M004", NULL},
        {"一支部/通知书", "Zhang", "M005", NULL},
        {"一支部/通知书", "ZHANG", "M006", NULL},
        {"一支部/通知书", "王五", "M007", NULL},
        {"一支部/通知书", "王五", "M007", NULL},
        {"一支部/通知书", "CON", "", NULL},
    };
    size_t n = sizeof r / sizeof *r;
    outpath_resolve(r, n, ".pdf");
    CHECK_ONCE(!strcmp(r[0].result, "一支部/通知书/张三-M002.pdf"), "first of a pair gets its id: %s", r[0].result);
    CHECK_ONCE(!strcmp(r[2].result, "一支部/通知书/张三-M001.pdf"), "second of a pair gets its id: %s", r[2].result);
    CHECK_ONCE(!strcmp(r[1].result, "一支部/通知书/李四.pdf"), "a unique name is kept: %s", r[1].result);
    CHECK_ONCE(!strcmp(r[3].result, "二支部/通知书/张三.pdf"), "other folder, no collision: %s", r[3].result);
    CHECK_ONCE(!strcmp(r[4].result, "一支部/通知书/Zhang-M005.pdf") && !strcmp(r[5].result, "一支部/通知书/ZHANG-M006.pdf"),
          "names differing only in case collide (Windows): %s %s", r[4].result, r[5].result);
    CHECK_ONCE(!strcmp(r[6].result, "一支部/通知书/王五-M007.pdf") && !strcmp(r[7].result, "一支部/通知书/王五-M007-2.pdf"),
          "the same id twice gets a counter: %s %s", r[6].result, r[7].result);
    CHECK_ONCE(!strcmp(r[8].result, "一支部/通知书/_CON.pdf"), "a reserved stem stays safe: %s", r[8].result);
    for (size_t i = 0; i < n; i++) free(r[i].result);

    /* Order independence: the same requests reversed give the same names. */
    outpath_req a[] = {{"d", "x", "A", NULL}, {"d", "x", "B", NULL}};
    outpath_req b[] = {{"d", "x", "B", NULL}, {"d", "x", "A", NULL}};
    outpath_resolve(a, 2, ".pdf");
    outpath_resolve(b, 2, ".pdf");
    CHECK_ONCE(!strcmp(a[0].result, b[1].result) && !strcmp(a[1].result, b[0].result),
          "resolution does not depend on order: %s %s", a[0].result, a[1].result);
    for (int i = 0; i < 2; i++) free(a[i].result), free(b[i].result);

    /* A long stem with an id still fits. */
    ws_buf longname = {0};
    for (int i = 0; i < 60; i++) ws_buf_puts(&longname, "长");
    char *stem = outpath_component(longname.data, NULL);
    outpath_req l[] = {{"d", stem, "M123456", NULL}, {"d", stem, "M123457", NULL}};
    outpath_resolve(l, 2, ".pdf");
    const char *base = strrchr(l[0].result, '/') + 1;
    CHECK_ONCE(strlen(base) <= OUTPATH_COMPONENT_MAX && strstr(base, "-M123456.pdf") && ws_utf8_valid(base, strlen(base), NULL),
          "a long name keeps its id within the cap (%zu bytes)", strlen(base));
    free(l[0].result);
    free(l[1].result);
    free(stem);
    ws_buf_free(&longname);
    return TAP_DONE();
}
