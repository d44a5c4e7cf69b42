#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "batch/manifest.h"
#include "base/sha256.h"
#include "tap.h"

/* tap.h's CHECK evaluates its condition twice; these conditions have side effects. */
#define CHECK_ONCE(cond, ...)       \
    do {                            \
        int once_ = !!(cond);       \
        CHECK(once_, __VA_ARGS__);  \
    } while (0)
#include "base/util.h"

static manifest_entry entry(const char *path, const char *record, long pages, uint64_t bytes, char fill)
{
    manifest_entry e = {(char *)path, (char *)"评议意见反馈通知书", (char *)record, pages, bytes, {0}, {0}, 0};
    memset(e.sha256, fill, SHA256_HEX_LEN);
    memset(e.key, 'a', SHA256_HEX_LEN);
    return e;
}

static int parse_fails(const char *text, const char *why_contains)
{
    manifest m = {0};
    char err[256] = "";
    int rc = manifest_parse(text, strlen(text), &m, err, sizeof err);
    manifest_free(&m);
    return rc < 0 && strstr(err, why_contains);
}

int main(void)
{
    uint8_t d[SHA256_LEN];
    char hex[SHA256_HEX_LEN + 1];
    sha256_bytes("abc", 3, d);
    sha256_hex(d, hex);
    CHECK_ONCE(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "SHA-256 of abc (FIPS 180-2)");
    sha256_bytes("", 0, d);
    sha256_hex(d, hex);
    CHECK_ONCE(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "SHA-256 of nothing");

    /* Two manifests with the same entries added in different orders serialise identically. */
    manifest a = {0}, b = {0};
    manifest_entry e1 = entry("一支部/通知书/张三.pdf", "M001", 2, 48213, '1');
    manifest_entry e2 = entry("一支部/通知书/李四.pdf", "M002", 1, 1000, '2');
    manifest_entry e3 = entry("合订本/通知书.pdf", "", 6, 99999999999ull, '3');
    manifest_entry e4 = entry("a b.pdf", "M\"\x01\\X", 1, 1, '4');
    manifest_add(&a, &e1), manifest_add(&a, &e2), manifest_add(&a, &e3), manifest_add(&a, &e4);
    manifest_add(&b, &e4), manifest_add(&b, &e3), manifest_add(&b, &e2), manifest_add(&b, &e1);
    ws_buf ta = {0}, tb = {0};
    manifest_serialize(&a, &ta);
    manifest_serialize(&b, &tb);
    CHECK_ONCE(ta.len == tb.len && !memcmp(ta.data, tb.data, ta.len), "serialisation does not depend on insertion order");
    CHECK_ONCE(a.n == 4 && strcmp(a.v[0].path, a.v[1].path) < 0 && strcmp(a.v[1].path, a.v[2].path) < 0 &&
              strcmp(a.v[2].path, a.v[3].path) < 0, "entries are sorted by path");
    CHECK_ONCE(strstr(ta.data, "\"record\": \"M\\\"\\u0001\\\\X\"") != NULL, "control characters are escaped");

    /* Roundtrip. */
    manifest c = {0};
    char err[256] = "";
    int rc = manifest_parse(ta.data, ta.len, &c, err, sizeof err);
    CHECK_ONCE(rc == 0, "parses its own output %s", err);
    ws_buf tc = {0};
    manifest_serialize(&c, &tc);
    CHECK_ONCE(tc.len == ta.len && !memcmp(tc.data, ta.data, ta.len), "write, read, write gives the same bytes");
    const manifest_entry *f = manifest_find(&c, "合订本/通知书.pdf");
    CHECK_ONCE(f && f->pages == 6 && f->bytes == 99999999999ull && f->sha256[0] == '3' && !strcmp(f->record, ""),
          "fields survive the roundtrip");
    CHECK_ONCE(manifest_find(&c, "a b.pdf") && !strcmp(manifest_find(&c, "a b.pdf")->record, "M\"\x01\\X"),
          "escaped strings survive the roundtrip");
    CHECK_ONCE(manifest_find(&c, "nope.pdf") == NULL, "find misses what is not there");

    /* The last of duplicate paths wins. */
    manifest_entry e1b = entry("一支部/通知书/张三.pdf", "M001", 3, 5, '9');
    manifest_add(&c, &e1b);
    manifest_sort(&c);
    f = manifest_find(&c, "一支部/通知书/张三.pdf");
    CHECK_ONCE(c.n == 4 && f && f->pages == 3 && f->sha256[0] == '9', "a re-added path replaces the old entry");

    /* Atomic write and read back from disk. */
    char dir[] = "/tmp/wenshu-manifest.XXXXXX";
    if (mkdtemp(dir)) {
        char path[128];
        snprintf(path, sizeof path, "%s/manifest.json", dir);
        CHECK_ONCE(manifest_write(&a, path, err, sizeof err) == 0, "writes %s", err);
        manifest r = {0};
        int missing = 0;
        CHECK_ONCE(manifest_read(path, &r, &missing, err, sizeof err) == 0 && r.n == 4, "reads it back %s", err);
        manifest_free(&r);
        char nothere[160];
        snprintf(nothere, sizeof nothere, "%s/none.json", dir);
        CHECK_ONCE(manifest_read(nothere, &r, &missing, err, sizeof err) == -2 && missing, "a missing manifest is told apart");
        /* The union of two manifests, written a piece at a time (~750 KB of text, several
         * pieces): the bytes that merging them into one and writing it gives; written again
         * unchanged, the file is left alone (same inode); one entry changed, it is replaced. */
        manifest big = {0}, old = {0}, merged = {0};
        char p[64], id[16];
        for (int i = 0; i < 3000; i++) {
            snprintf(p, sizeof p, "支部%02d/通知书/党员%05d.pdf", i % 37, i);
            snprintf(id, sizeof id, "M%05d", i);
            manifest_entry e = entry(p, id, 2, 40000u + (unsigned)i, (char)('0' + i % 10));
            manifest_add(i % 3 ? &big : &old, &e);
            if (i % 5 == 0 && i % 3) manifest_add(&old, &e); /* also in old: big's wins */
        }
        for (size_t i = 0; i < big.n; i++) manifest_add(&merged, &big.v[i]);
        manifest_merge_carry_over(&merged, &old, NULL);
        ws_buf want = {0}, got = {0};
        manifest_serialize(&merged, &want);
        CHECK_ONCE(manifest_write_union_if_changed(&big, &old, path, err, sizeof err) == 0, "writes the union %s", err);
        CHECK_ONCE(ws_read_file(path, 8u << 20, &got, err, sizeof err) == 0 && want.len > (512u << 10) &&
                       got.len == want.len && !memcmp(got.data, want.data, want.len),
                   "the union's bytes are the merged manifest's (%zu bytes)", want.len);
        struct stat st1, st2;
        stat(path, &st1);
        CHECK_ONCE(manifest_write_union_if_changed(&big, &old, path, err, sizeof err) == 0, "writes it again %s", err);
        stat(path, &st2);
        CHECK_ONCE(st1.st_ino == st2.st_ino, "an unchanged manifest is not rewritten");
        big.v[big.n - 1].pages = 9;
        CHECK_ONCE(manifest_write_union_if_changed(&big, &old, path, err, sizeof err) == 0, "a change %s", err);
        stat(path, &st2);
        ws_buf_free(&got);
        CHECK_ONCE(st1.st_ino != st2.st_ino && ws_read_file(path, 8u << 20, &got, err, sizeof err) == 0 &&
                       got.len == want.len && memcmp(got.data, want.data, want.len),
                   "a changed one is replaced");
        /* Read back a window at a time (~750 KB, windows of 256 KB): the same entries as the text
         * whole; damage past the first windows is told at its line, as in the text whole; an entry
         * larger than a window (a 600 000-byte record) is read whole. */
        char path2[160];
        snprintf(path2, sizeof path2, "%s/m2.json", dir);
        manifest back2 = {0};
        ws_buf again = {0};
        err[0] = 0;
        CHECK_ONCE(ws_write_file_atomic(path2, want.data, want.len, err, sizeof err) == 0 &&
                       manifest_read(path2, &back2, NULL, err, sizeof err) == 0 && back2.n == merged.n,
                   "a manifest of several windows reads back (%zu entries) %s", back2.n, err);
        manifest_serialize(&back2, &again);
        CHECK_ONCE(again.len == want.len && !memcmp(again.data, want.data, want.len), "with the same entries");
        manifest_free(&back2);
        char *sha = strstr(want.data, "党员02915.pdf");
        sha = sha ? strstr(sha, "\"sha256\": \"") : NULL;
        long line = 1;
        for (const char *q = want.data; sha && q < sha; q++) line += *q == '\n';
        if (sha) memcpy(sha + 11, "XYZ", 3);
        char want_err[64], whole_err[256] = "";
        snprintf(want_err, sizeof want_err, "line %ld: ", line);
        CHECK_ONCE(sha && ws_write_file_atomic(path2, want.data, want.len, err, sizeof err) == 0 &&
                       manifest_read(path2, &back2, NULL, err, sizeof err) == -1 && strstr(err, want_err) &&
                       manifest_parse(want.data, want.len, &back2, whole_err, sizeof whole_err) == -1 &&
                       !strcmp(strstr(err, want_err), whole_err),
                   "damage at line %ld is told there (%s)", line, err);
        manifest_free(&back2);
        ws_buf huge = {0};
        ws_buf_puts(&huge, "{\"format\": \"wenshu-manifest-1\", \"files\": [\n{\"path\": \"a.pdf\", \"record\": \"");
        for (int i = 0; i < 600000; i++) ws_buf_putc(&huge, 'x');
        ws_buf_puts(&huge, "\", \"sha256\": \"");
        for (int i = 0; i < SHA256_HEX_LEN; i++) ws_buf_putc(&huge, 'a');
        ws_buf_puts(&huge, "\"},\n{\"path\": \"b.pdf\", \"sha256\": \"");
        for (int i = 0; i < SHA256_HEX_LEN; i++) ws_buf_putc(&huge, 'b');
        ws_buf_puts(&huge, "\"}\n]}\n");
        err[0] = 0;
        CHECK_ONCE(ws_write_file_atomic(path2, huge.data, huge.len, err, sizeof err) == 0 &&
                       manifest_read(path2, &back2, NULL, err, sizeof err) == 0 && back2.n == 2 &&
                       strlen(back2.v[0].record) == 600000 && !strcmp(back2.v[1].path, "b.pdf"),
                   "an entry larger than a window is read whole %s", err);
        manifest_free(&back2);
        ws_buf_free(&huge), ws_buf_free(&again);
        unlink(path2);
        ws_buf_free(&want), ws_buf_free(&got);
        manifest_free(&big), manifest_free(&old), manifest_free(&merged);
        unlink(path);
        rmdir(dir);
    }

    /* Hostile or broken manifests are refused with a line number, never trusted. */
    CHECK_ONCE(parse_fails("", "line 1"), "empty text");
    CHECK_ONCE(parse_fails("{\"format\": \"wenshu-manifest-1\", \"files\": [\n{\"path\": \"../../etc/passwd\", \"sha256\": "
                      "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}]}",
                      "line 2: unsafe path"),
          "a path climbing out of OUT");
    CHECK_ONCE(parse_fails("{\"format\": \"wenshu-manifest-1\", \"files\": [{\"path\": \"/etc/passwd\", \"sha256\": "
                      "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}]}",
                      "unsafe path"),
          "an absolute path");
    CHECK_ONCE(parse_fails("{\"format\": \"other\", \"files\": []}", "format"), "another format");
    CHECK_ONCE(parse_fails("{\"format\": \"wenshu-manifest-1\", \"files\": [{\"path\": \"a.pdf\", \"sha256\": \"xyz\"}]}", "hex"),
          "a bad digest");
    CHECK_ONCE(parse_fails("{\"format\": \"wenshu-manifest-1\", \"files\": [{\"path\": \"a.pdf\"", "line 1"), "truncated text");
    CHECK_ONCE(parse_fails("{\"format\": \"wenshu-manifest-1\", \"files\": [{\"path\": \"a\\u0000b.pdf\"}]}", "escape"),
          "an escaped NUL");
    CHECK_ONCE(parse_fails("{\"format\": \"wenshu-manifest-1\", \"files\": []} x", "after"), "trailing text");
    CHECK_ONCE(parse_fails("{\"format\": \"wenshu-manifest-1\", \"files\": [{\"path\": \"a.pdf\", \"pages\": 99999999999999999999999}]}",
                      "too large"),
          "a huge number");
    manifest empty = {0};
    ws_buf te = {0};
    manifest_serialize(&empty, &te);
    manifest back = {0};
    CHECK_ONCE(manifest_parse(te.data, te.len, &back, err, sizeof err) == 0 && back.n == 0, "an empty manifest roundtrips");

    manifest_free(&a), manifest_free(&b), manifest_free(&c), manifest_free(&back);
    ws_buf_free(&ta), ws_buf_free(&tb), ws_buf_free(&tc), ws_buf_free(&te);
    return TAP_DONE();
}
