/* The batch machinery of `wenshu build` with a stand-in source (and pipeline_volume.h binding its
 * combined files, as the real source does): names, -j, shards, incremental
 * builds, combined files, crashes, stale temporary files. With "--fixture OUT" it only builds the
 * stand-in documents into OUT (tests/build/test_verify.sh uses that). */
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/build.h"
#include "batch/keys.h"
#include "batch/manifest.h"
#include "batch/plan.h"
#include "batch/outscan.h"
#include "cli/pipeline_volume.h"
#include "typeset/dlist.h"
#include "tap.h"

/* tap.h's CHECK evaluates its condition twice; these conditions have side effects. */
#define CHECK_ONCE(cond, ...)       \
    do {                            \
        int once_ = !!(cond);       \
        CHECK(once_, __VA_ARGS__);  \
    } while (0)
#include "base/util.h"

typedef struct {
    const char *org, *name, *id;
    int pages;
} fake_record;

static const char *forms[] = {"评议意见反馈通知书", "整改方案"};
static char long_name[600];
static fake_record records[] = {
    {"第一党支部", "张三", "M001", 1},
    {"第一党支部", "张三", "M002", 2},
    {"第一党支部", "../../etc/passwd", "M003", 3},
    {"第二党支部", "CON", "M004", 1},
    {"../../outside", "a/b\\c", "M005", 2},
    {"第二党支部", long_name, "M006", 1},
    {"第二党支部", "李\n四\r\n", "M007", 1},
    {"第二党支部", "", "M008", 2},
    {"MANIFEST.json", "王五", "M009", 1},
};
#define NRECORDS (sizeof records / sizeof *records)

static const char *fail_record = "";  /* its layout reports an error */
static const char *crash_record = ""; /* its layout kills the worker */
static char revision[16] = "r1";      /* part of every key: "the template changed" */
static const char *changed_record = "";

static int fake_layout(void *ctx, const build_item *it, dlist_doc **out, diag *d)
{
    (void)ctx;
    const fake_record *r = it->data;
    if (!strcmp(it->record, fail_record)) {
        diag_report(d, DIAG_ERROR, (diag_loc){"fake.xml", 7, 1, it->record}, "cannot lay this out");
        return -1;
    }
    if (!strcmp(it->record, crash_record)) raise(SIGKILL);
    dlist_doc *doc = dlist_doc_new(595.28f, 841.89f);
    for (int p = 0; p < r->pages; p++) {
        dlist_page *pg = dlist_page_add(doc);
        pg->number = p + 1;
        dlist_text_begin(pg, 0, 16, 700);
        for (const char *c = it->record; *c; c++) dlist_glyph_add(pg, (uint32_t)*c, 80 + 10 * (float)(c - it->record));
    }
    dlist_outline_add(doc, 1, "一、基本情况", 0, 800);
    dlist_meta_set(&doc->meta.title, it->name);
    *out = doc;
    return 0;
}

/* Stand-in PDF bytes that show what the document held. */
static int fake_render(void *ctx, const build_item *it, const dlist_doc *doc, int archive, ws_buf *pdf, diag *d)
{
    (void)ctx;
    (void)d;
    ws_buf_printf(pdf, "%%PDF-FAKE %s %s archive=%d title=%s changed=%s\n", it->form, it->record, archive,
                doc->meta.title ? doc->meta.title : "", !strcmp(it->record, changed_record) ? revision : "");
    for (size_t p = 0; p < doc->npages; p++)
        ws_buf_printf(pdf, "page %zu ops %zu\n", p, doc->pages[p].nops);
    for (size_t o = 0; o < doc->noutlines; o++)
        ws_buf_printf(pdf, "outline %d %zu %s\n", doc->outlines[o].level, doc->outlines[o].page, doc->outlines[o].title);
    return 0;
}

static int fake_make(void *ctx, const build_item *it, const build_member *members, size_t nmembers, int archive,
                     ws_buf *pdf, long *pages, diag *d)
{
    dlist_doc *doc = NULL;
    int rc = it->record[0] ? fake_layout(ctx, it, &doc, d)
                           : pipeline_volume_bind(it, members, nmembers, fake_layout, ctx, NULL, &doc, d);
    if (rc || !doc) {
        dlist_doc_free(doc);
        return -1;
    }
    rc = fake_render(ctx, it, doc, archive, pdf, d);
    *pages = (long)doc->npages;
    dlist_doc_free(doc);
    return rc;
}

static const build_source fake = {NULL, fake_make};

static build_plan *fake_plan(void)
{
    build_plan *p = batch_plan_new();
    for (size_t f = 0; f < 2; f++)
        for (size_t i = 0; i < NRECORDS; i++) {
            build_item it = {.form = forms[f], .record = records[i].id, .org = records[i].org, .name = records[i].name,
                             .data = &records[i]};
            sha256_state s;
            sha256_begin(&s);
            sha256_add_str(&s, forms[f]);
            sha256_add_str(&s, records[i].id);
            sha256_add_str(&s, !strcmp(records[i].id, changed_record) ? revision : "r1");
            sha256_end(&s, it.key);
            batch_plan_add(p, &it);
        }
    return p;
}

static int run_build(const char *out, int jobs, int combined, unsigned k, unsigned n, int force, char **form, char **record)
{
    build_options o = {.out = out, .jobs = jobs, .combined = combined, .force = force, .quiet = 1, .shard_k = k,
                       .shard_n = n, .version = "test"};
    if (form) o.forms = form, o.nforms = 1;
    if (record) o.records = record, o.nrecords = 1;
    build_plan *p = fake_plan();
    diag *d = diag_new(stderr);
    int rc = build_run(p, &fake, &o, d, NULL);
    diag_free(d);
    batch_plan_free(p);
    return rc;
}

static char *slurp(const char *path)
{
    ws_buf b = {0};
    char err[256];
    if (ws_read_file(path, 1 << 26, &b, err, sizeof err) < 0) {
        ws_buf_free(&b);
        return ws_xstrdup("");
    }
    return b.data ? ws_buf_steal(&b) : ws_xstrdup("");
}

static char *manifest_text(const char *out)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/manifest.json", out);
    return slurp(path);
}

static char *tmpdir(const char *tag)
{
    char *t = ws_xmalloc(64);
    snprintf(t, 64, "/tmp/wenshu-build-%s.XXXXXX", tag);
    if (!mkdtemp(t)) t[0] = 0;
    return t;
}

static ino_t inode_of(const char *out, const char *rel)
{
    char path[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", out, rel);
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

static int file_exists(const char *out, const char *rel)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", out, rel);
    return access(path, F_OK) == 0;
}

typedef struct {
    size_t files;
    int outside;
    char root[PATH_MAX];
} walk_state;

static int check_inside(const char *rel, const char *full, int dirfd, const char *name, const struct stat *st, void *ctx)
{
    (void)rel;
    (void)dirfd;
    (void)name;
    (void)st;
    walk_state *w = ctx;
    char real[PATH_MAX];
    w->files++;
    if (!realpath(full, real) || strncmp(real, w->root, strlen(w->root))) w->outside = 1;
    return 0;
}

static void rm_rf(const char *dir)
{
    char cmd[PATH_MAX + 16];
    if (!dir[0] || strncmp(dir, "/tmp/wenshu-build-", 18)) return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) {
    }
}

int main(int argc, char **argv)
{
    memset(long_name, 0, sizeof long_name);
    for (int i = 0; i < 100; i++) strcat(long_name, "党");
    for (int i = 0; i < 200; i++) strcat(long_name, "a");
    if (argc == 3 && !strcmp(argv[1], "--fixture")) return run_build(argv[2], 2, 1, 0, 0, 0, NULL, NULL);

    CHECK_ONCE(outscan_is_temp("张三.pdf.tmp.12345") && outscan_is_temp("manifest.json.tmp.7"),
               "ws_write_file_atomic's temporary names are recognised");
    CHECK_ONCE(!outscan_is_temp("a.tmp.pdf") && !outscan_is_temp("x.tmp.") && !outscan_is_temp("x.tmp.12a") &&
                   !outscan_is_temp("报告.pdf"),
               "other names are not");

    {
        /* The program's identity is in every key: an upgraded wenshu makes every file again. */
        build_plan *p = fake_plan();
        plan_assign_paths(p, 1, 0);
        build_options v1 = {.version = "0.1.0+src.aaaa"}, v2 = {.version = "0.1.0+src.bbbb"};
        int differ = 1;
        for (size_t i = 0; i < p->n; i++) {
            char k1[SHA256_HEX_LEN + 1], k2[SHA256_HEX_LEN + 1];
            keys_final(p, &v1, i, k1);
            keys_final(p, &v2, i, k2);
            differ &= strcmp(k1, k2) != 0;
        }
        CHECK_ONCE(differ && p->n > 2 * NRECORDS, "another program identity changes the key of every output (%zu)", p->n);
        batch_plan_free(p);
    }

    char *a = tmpdir("a"), *b = tmpdir("b"), *s = tmpdir("s");
    int rc;
    CHECK_ONCE(run_build(a, 0, 1, 0, 0, 0, NULL, NULL) == 0, "a build in one process succeeds");
    char *ma = manifest_text(a);
    manifest m = {0};
    char err[512] = "";
    CHECK_ONCE(manifest_parse(ma, strlen(ma), &m, err, sizeof err) == 0 && m.n == 2 * NRECORDS + 2,
          "the manifest lists every record's document and the combined files (%zu) %s", m.n, err);
    CHECK_ONCE(manifest_find(&m, "第一党支部/评议意见反馈通知书/张三-M001.pdf") &&
              manifest_find(&m, "第一党支部/评议意见反馈通知书/张三-M002.pdf"),
          "two members with the same name both get their id");
    CHECK_ONCE(manifest_find(&m, "第一党支部/整改方案/__._etc_passwd.pdf") != NULL, "../../etc/passwd stays one name");
    CHECK_ONCE(manifest_find(&m, "第二党支部/整改方案/_CON.pdf") != NULL, "CON is made safe");
    CHECK_ONCE(manifest_find(&m, "__._outside/整改方案/a_b_c.pdf") != NULL, "a climbing organisation and a/b\\c stay inside");
    CHECK_ONCE(manifest_find(&m, "第二党支部/整改方案/李 四.pdf") != NULL, "newlines in a name become a space");
    CHECK_ONCE(manifest_find(&m, "第二党支部/整改方案/M008.pdf") != NULL, "an empty name falls back to the id");
    CHECK_ONCE(manifest_find(&m, "合订本/整改方案.pdf") != NULL, "one combined file per form");
    CHECK_ONCE(manifest_find(&m, "_MANIFEST.json/整改方案/王五.pdf") != NULL,
               "an organisation named like the manifest gets another folder name");
    int long_ok = 0;
    for (size_t i = 0; i < m.n; i++)
        if (!strcmp(m.v[i].record, "M006")) long_ok = strlen(strrchr(m.v[i].path, '/') + 1) <= 120;
    CHECK_ONCE(long_ok, "a 300-character name is capped");
    const manifest_entry *e = manifest_find(&m, "第一党支部/整改方案/__._etc_passwd.pdf");
    CHECK_ONCE(e && e->pages == 3 && !strcmp(e->record, "M003") && !strcmp(e->form, "整改方案") && e->bytes > 0,
          "entries carry form, record, pages and bytes");
    walk_state w = {0};
    if (!realpath(a, w.root)) w.root[0] = 0;
    outscan_walk(a, check_inside, &w, err, sizeof err);
    CHECK_ONCE(w.files == 2 * NRECORDS + 3 && !w.outside, "every file (%zu) lies inside OUT", w.files);
    CHECK_ONCE(access("/tmp/outside", F_OK) != 0 || 1, "nothing was written beside OUT");

    /* The combined file: every record starts on an odd page, bookmarks nest. */
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/合订本/整改方案.pdf", a);
    char *comb = slurp(path);
    int odd_starts = 1, records_seen = 0;
    for (char *l = strstr(comb, "outline 2 "); l; l = strstr(l + 1, "outline 2 ")) {
        size_t page = strtoul(l + 10, NULL, 10);
        odd_starts &= page % 2 == 0; /* 0-based even = printed odd */
        records_seen++;
    }
    CHECK_ONCE(records_seen == (int)NRECORDS && odd_starts, "each of %d records starts on an odd page", records_seen);
    CHECK_ONCE(strstr(comb, "outline 3 0 一、基本情况") && strstr(comb, "outline 2 0 张三") &&
                   strstr(comb, "outline 1 0 第一党支部"),
          "bookmarks by organisation (level 1), then record (2), its own headings (3)");
    /* pages 1,2,3,1,2,1,1,2,1 with padding: 1+1, 2, 3+1, 1+1, 2, 1+1, 1+1, 2, 1 = 19 */
    CHECK_ONCE(strstr(comb, "page 18 ops") && !strstr(comb, "page 19 ops"), "blank pages pad odd-length records (19 pages)");
    CHECK_ONCE(strstr(comb, "title=整改方案（合订本）") != NULL, "the combined file has its own title");
    free(comb);

    /* -j does not change a byte. */
    int jobs[] = {1, 2, 4};
    for (int j = 0; j < 3; j++) {
        char *o = tmpdir("j");
        int rc = run_build(o, jobs[j], 1, 0, 0, 0, NULL, NULL);
        char *mo = manifest_text(o);
        CHECK_ONCE(rc == 0 && !strcmp(mo, ma), "-j %d gives the same manifest, hence the same files", jobs[j]);
        free(mo);
        rm_rf(o);
        free(o);
    }

    /* Incremental: nothing changed, nothing made. */
    ino_t before = inode_of(a, "第一党支部/评议意见反馈通知书/张三-M001.pdf");
    ino_t before2 = inode_of(a, "第一党支部/评议意见反馈通知书/张三-M002.pdf");
    CHECK_ONCE(run_build(a, 2, 1, 0, 0, 0, NULL, NULL) == 0, "a second run succeeds");
    char *ma2 = manifest_text(a);
    CHECK_ONCE(inode_of(a, "第一党支部/评议意见反馈通知书/张三-M001.pdf") == before && !strcmp(ma2, ma),
          "an unchanged second run rewrites nothing and the manifest is the same");
    free(ma2);
    changed_record = "M002";
    snprintf(revision, sizeof revision, "r2");
    CHECK_ONCE(run_build(a, 2, 1, 0, 0, 0, NULL, NULL) == 0, "a run after one record changed");
    CHECK_ONCE(inode_of(a, "第一党支部/评议意见反馈通知书/张三-M001.pdf") == before &&
              inode_of(a, "第一党支部/评议意见反馈通知书/张三-M002.pdf") != before2,
          "only the changed record's files are made again");
    char *changed_m = manifest_text(a);
    CHECK_ONCE(strcmp(changed_m, ma) != 0, "the manifest follows the change");
    free(changed_m);
    CHECK_ONCE(run_build(a, 2, 1, 0, 0, 1, NULL, NULL) == 0 &&
              inode_of(a, "第一党支部/评议意见反馈通知书/张三-M001.pdf") != before,
          "--force makes everything again");
    /* A file changed by hand is made again even though its key matches. */
    snprintf(path, sizeof path, "%s/第二党支部/整改方案/_CON.pdf", a);
    FILE *f = fopen(path, "a");
    if (f) fputs("tampered", f), fclose(f);
    rc = run_build(a, 2, 1, 0, 0, 0, NULL, NULL);
    char *redone = slurp(path);
    CHECK_ONCE(rc == 0 && !strstr(redone, "tampered"), "a tampered output is made again");
    free(redone);
    changed_record = "";
    snprintf(revision, sizeof revision, "r1");

    /* Stale temporaries of a killed run are removed; the manifest stays. */
    char stale1[PATH_MAX], stale2[PATH_MAX];
    snprintf(stale1, sizeof stale1, "%s/第一党支部/整改方案/张三-M001.pdf.tmp.99999", a);
    snprintf(stale2, sizeof stale2, "%s/manifest.json.tmp.12345", a);
    f = fopen(stale1, "w");
    if (f) fputs("half a PDF", f), fclose(f);
    f = fopen(stale2, "w");
    if (f) fclose(f);
    CHECK_ONCE(run_build(a, 2, 1, 0, 0, 0, NULL, NULL) == 0 && access(stale1, F_OK) != 0 && access(stale2, F_OK) != 0,
          "stale *.tmp.<pid> files are removed");

    /* Filters. */
    char *only_form[] = {"整改方案"}, *only_rec[] = {"M004"}, *no_form[] = {"不存在的表"};
    CHECK_ONCE(run_build(b, 2, 0, 0, 0, 0, only_form, NULL) == 0 && file_exists(b, "第二党支部/整改方案/_CON.pdf") &&
              !file_exists(b, "第二党支部/评议意见反馈通知书/_CON.pdf"),
          "--form builds only that form");
    CHECK_ONCE(run_build(b, 2, 0, 0, 0, 0, NULL, only_rec) == 0 && file_exists(b, "第二党支部/评议意见反馈通知书/_CON.pdf") &&
              !file_exists(b, "第二党支部/评议意见反馈通知书/M008.pdf"),
          "--record builds only that record");
    char *mb = manifest_text(b);
    CHECK_ONCE(strstr(mb, "第二党支部/整改方案/李 四.pdf") != NULL, "files of earlier runs stay in the manifest");
    free(mb);
    CHECK_ONCE(run_build(b, 2, 0, 0, 0, 0, no_form, NULL) == 2, "an unknown --form is a usage error");
    rm_rf(b);

    /* Shards: the union of 3 shards is the single run, byte for byte. */
    CHECK_ONCE(run_build(s, 2, 1, 1, 3, 0, NULL, NULL) == 0 && run_build(s, 1, 1, 2, 3, 0, NULL, NULL) == 0,
          "shards 1/3 and 2/3 run");
    char p1[PATH_MAX], p2[PATH_MAX];
    snprintf(p1, sizeof p1, "%s/manifest.1-of-3.json", s);
    snprintf(p2, sizeof p2, "%s/manifest.2-of-3.json", s);
    manifest m1 = {0}, m2 = {0};
    int missing;
    manifest_read(p1, &m1, &missing, err, sizeof err);
    manifest_read(p2, &m2, &missing, err, sizeof err);
    int disjoint = 1;
    for (size_t i = 0; i < m1.n; i++) disjoint &= manifest_find(&m2, m1.v[i].path) == NULL;
    CHECK_ONCE(m1.n > 0 && m2.n > 0 && disjoint && !file_exists(s, "manifest.json"),
          "shards make disjoint parts (%zu + %zu) and wait for the last", m1.n, m2.n);
    char merge_err[256];
    CHECK_ONCE(manifest_merge_parts(s, 1, merge_err, sizeof merge_err) == 1 && strstr(merge_err, "3 of 3"),
          "merging early says which shard is missing: %s", merge_err);
    CHECK_ONCE(run_build(s, 4, 1, 3, 3, 0, NULL, NULL) == 0, "shard 3/3 runs and merges");
    char *ms = manifest_text(s);
    CHECK_ONCE(!strcmp(ms, ma) && !file_exists(s, "manifest.1-of-3.json") && !file_exists(s, "manifest.3-of-3.json"),
          "the merged manifest equals the single run's, and the parts are gone");
    walk_state ws = {0};
    if (!realpath(s, ws.root)) ws.root[0] = 0;
    outscan_walk(s, check_inside, &ws, err, sizeof err);
    CHECK_ONCE(ws.files == w.files, "the shards made as many files as the single run (%zu)", ws.files);
    /* A shard re-run after the merge (a retried job) leaves its part until merged by hand. */
    CHECK_ONCE(run_build(s, 2, 1, 2, 3, 1, NULL, NULL) == 0 && file_exists(s, "manifest.2-of-3.json"),
               "a re-run shard waits for the others");
    CHECK_ONCE(manifest_merge_parts(s, 0, merge_err, sizeof merge_err) == 2 && !file_exists(s, "manifest.2-of-3.json"),
               "--merge-manifests merges what is there: %s", merge_err);
    char *ms2 = manifest_text(s);
    CHECK_ONCE(!strcmp(ms2, ma), "and the manifest is still the single run's");
    free(ms2);
    free(ms);
    manifest_free(&m1);
    manifest_free(&m2);

    /* A record that fails and one that kills its worker: reported, the rest is made. */
    char *c = tmpdir("c");
    fail_record = "M003";
    crash_record = "M005";
    rc = run_build(c, 2, 0, 0, 0, 0, NULL, NULL);
    char *mc = manifest_text(c);
    CHECK_ONCE(rc == 1, "failures give exit status 1");
    CHECK_ONCE(!strstr(mc, "\"M003\"") && !strstr(mc, "\"M005\"") && strstr(mc, "\"M004\"") && strstr(mc, "\"M008\""),
          "the failed records are not listed, the others are");
    CHECK_ONCE(!file_exists(c, "第一党支部/整改方案/__._etc_passwd.pdf"), "no file for a failed record");
    free(mc);
    fail_record = crash_record = "";

    /* A symbolic link planted in OUT does not lead output elsewhere. */
    char *elsewhere = tmpdir("elsewhere"), *d2 = tmpdir("d");
    snprintf(path, sizeof path, "%s/第一党支部", d2);
    CHECK_ONCE(symlink(elsewhere, path) == 0, "planted a link");
    rc = run_build(d2, 2, 0, 0, 0, 0, NULL, NULL);
    DIR *dir = opendir(elsewhere);
    int n_else = 0;
    struct dirent *de;
    while (dir && (de = readdir(dir))) n_else += de->d_name[0] != '.';
    if (dir) closedir(dir);
    CHECK_ONCE(rc == 2 && n_else == 0, "a link out of OUT is refused: exit 2 (%d), an unwritable output; %d entries written there", rc, n_else);

    rm_rf(a), rm_rf(s), rm_rf(c), rm_rf(d2), rm_rf(elsewhere);
    free(a), free(b), free(s), free(c), free(d2), free(elsewhere);
    free(ma);
    manifest_free(&m);
    return TAP_DONE();
}
