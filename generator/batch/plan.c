/* plan — see plan.h. */
#include "batch/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/outpath.h"
#include "base/i18n.h"

build_plan *batch_plan_new(void)
{
    return ws_xcalloc(1, sizeof(build_plan));
}

static size_t str_hash(const char *s)
{
    size_t h = 14695981039346656037u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The set's copy of s (made on first use). */
static const char *intern(plan_strset *t, const char *s)
{
    if ((t->n + 1) * 2 > t->cap) {
        plan_strset old = *t;
        t->cap = old.cap ? old.cap * 2 : 64;
        t->v = ws_xcalloc(t->cap, sizeof *t->v);
        for (size_t i = 0; i < old.cap; i++) {
            if (!old.v[i]) continue;
            size_t j = str_hash(old.v[i]) & (t->cap - 1);
            while (t->v[j]) j = (j + 1) & (t->cap - 1);
            t->v[j] = old.v[i];
        }
        free(old.v);
    }
    size_t j = str_hash(s) & (t->cap - 1);
    while (t->v[j] && strcmp(t->v[j], s)) j = (j + 1) & (t->cap - 1);
    if (!t->v[j]) {
        t->v[j] = ws_xstrdup(s);
        t->n++;
    }
    return t->v[j];
}

static void item_free(build_item *it)
{
    free((char *)it->record);
    free((char *)it->name);
    free((char *)it->title);
    free((char *)it->relpath);
}

void batch_plan_free(build_plan *p)
{
    if (!p) return;
    if (p->packed) free(p->packed);
    else
        for (size_t i = 0; i < p->n; i++) item_free(&p->items[i]);
    free(p->items);
    for (size_t i = 0; i < p->shared.cap; i++) free(p->shared.v[i]);
    free(p->shared.v);
    for (size_t i = 0; i < p->nskipped_lines; i++) free(p->skipped_lines[i]);
    free(p->skipped_lines);
    free(p);
}

/* Copies s (when not NULL) to *at, frees it, and returns the copy. */
static const char *pack_one(const char *s, char **at)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *c = memcpy(*at, s, n);
    *at += n;
    free((char *)s);
    return c;
}

void plan_pack(build_plan *p)
{
    if (p->packed || !p->n) return;
    size_t total = 0;
    for (size_t i = 0; i < p->n; i++) {
        const build_item *it = &p->items[i];
        const char *own[4] = {it->record, it->name, it->title, it->relpath};
        for (int k = 0; k < 4; k++) total += own[k] ? strlen(own[k]) + 1 : 0;
    }
    char *at = p->packed = ws_xmalloc(total ? total : 1);
    for (size_t i = 0; i < p->n; i++) {
        build_item *it = &p->items[i];
        it->record = pack_one(it->record, &at);
        it->name = pack_one(it->name, &at);
        it->title = pack_one(it->title, &at);
        it->relpath = pack_one(it->relpath, &at);
    }
}

static char *dup_or(const char *s, const char *otherwise)
{
    return s ? ws_xstrdup(s) : otherwise ? ws_xstrdup(otherwise) : NULL;
}

void batch_plan_add(build_plan *p, const build_item *it)
{
    if (p->n == p->cap) p->items = ws_xrealloc(p->items, (p->cap = p->cap ? p->cap * 2 : 64) * sizeof *p->items);
    build_item *c = &p->items[p->n];
    *c = *it;
    c->form = intern(&p->shared, it->form ? it->form : "");
    c->form_alias = it->form_alias ? intern(&p->shared, it->form_alias) : NULL;
    c->record = dup_or(it->record, "");
    c->org = intern(&p->shared, it->org ? it->org : "");
    c->name = dup_or(it->name, "");
    c->title = dup_or(it->title, NULL);
    c->relpath = NULL;
    c->index = p->n++;
}

void batch_plan_note_skipped(build_plan *p, size_t n)
{
    p->skipped += n;
}

void batch_plan_note_not_built(build_plan *p, const char *line, int is_record)
{
    p->skipped_lines = ws_xrealloc(p->skipped_lines, (p->nskipped_lines + 1) * sizeof *p->skipped_lines);
    p->skipped_lines[p->nskipped_lines++] = ws_xstrdup(line);
    if (is_record) p->skipped++;
}

size_t batch_plan_count(const build_plan *p)
{
    return p->n;
}

const build_item *batch_plan_item(const build_plan *p, size_t i)
{
    return i < p->n ? &p->items[i] : NULL;
}

unsigned plan_shard_of(const char *form, const char *record, unsigned n)
{
    sha256_state s;
    uint8_t d[SHA256_LEN];
    sha256_begin(&s);
    sha256_add_str(&s, form);
    sha256_add_str(&s, record);
    sha256_end(&s, d);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | d[i];
    return n ? (unsigned)(v % n) : 0;
}

/* ---- selection ---- */

static int form_matches(const build_item *it, const char *name)
{
    return !strcmp(it->form, name) || (it->form_alias && !strcmp(it->form_alias, name));
}

static int form_selected(const build_options *o, const build_item *it)
{
    if (!o->nforms) return 1;
    for (size_t i = 0; i < o->nforms; i++)
        if (form_matches(it, o->forms[i])) return 1;
    return 0;
}

static int record_selected(const build_options *o, const char *record)
{
    if (!o->nrecords) return 1;
    for (size_t i = 0; i < o->nrecords; i++)
        if (!strcmp(o->records[i], record)) return 1;
    return 0;
}

int plan_is_member(const build_options *o, const build_item *comb, const build_item *it)
{
    return it->record[0] && !strcmp(it->form, comb->form) && it->ordinal >= comb->first && it->ordinal < comb->end &&
           record_selected(o, it->record);
}

int plan_selected(const build_plan *p, const build_options *o, size_t i)
{
    const build_item *it = &p->items[i];
    int sel = form_selected(o, it);
    if (i < p->nrecords) {
        sel = sel && record_selected(o, it->record);
    } else if (sel) { /* a combined file: when it has any member */
        int members = 0;
        for (size_t j = 0; j < p->nrecords && !members; j++) members = plan_is_member(o, it, &p->items[j]);
        sel = members;
    }
    if (sel && o->shard_n) sel = plan_shard_of(it->form, it->record, o->shard_n) == o->shard_k - 1;
    return sel;
}

void plan_keep_shard(build_plan *p, const build_options *o)
{
    if (!o->shard_n || p->packed) return;
    /* The combined files this shard makes: the records they bind stay too. */
    size_t *combs = NULL, ncombs = 0;
    for (size_t i = p->nrecords; i < p->n; i++)
        if (plan_selected(p, o, i)) {
            combs = ws_xrealloc(combs, (ncombs + 1) * sizeof *combs);
            combs[ncombs++] = i;
        }
    size_t k = 0, kept_records = 0;
    for (size_t i = 0; i < p->n; i++) {
        build_item *it = &p->items[i];
        int keep = i >= p->nrecords ? 1 : plan_shard_of(it->form, it->record, o->shard_n) == o->shard_k - 1;
        for (size_t c = 0; c < ncombs && !keep; c++) keep = plan_is_member(o, &p->items[combs[c]], it);
        if (!keep) {
            item_free(it);
            continue;
        }
        if (i < p->nrecords) kept_records++;
        p->items[k] = *it;
        p->items[k].index = k;
        k++;
    }
    free(combs);
    p->n = k;
    p->nrecords = kept_records;
    /* the array's unused end goes back (a large realloc shrinks in place or moves by mremap) */
    if (p->n) p->items = ws_xrealloc(p->items, (p->cap = p->n) * sizeof *p->items);
}

build_member *plan_members(const build_plan *p, const build_options *o, const build_item *comb, size_t *n)
{
    build_member *v = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t j = 0; j < p->n; j++) {
        const build_item *m = &p->items[j];
        if (!plan_is_member(o, comb, m)) continue;
        if (*n == cap) v = ws_xrealloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
        v[(*n)++] = (build_member){m, m->title ? m->title : m->name[0] ? m->name : m->record};
    }
    return v;
}


/* ---- naming ---- */

/* The index of the first item of each form among the first n, in plan order. Forms are few, so
 * this is linear in the items. */
static size_t *distinct_forms(const build_plan *p, size_t n, size_t *count)
{
    size_t *firsts = NULL, nf = 0;
    for (size_t i = 0; i < n; i++) {
        size_t f = 0;
        while (f < nf && strcmp(p->items[firsts[f]].form, p->items[i].form)) f++;
        if (f < nf) continue;
        firsts = ws_xrealloc(firsts, (nf + 1) * sizeof *firsts);
        firsts[nf++] = i;
    }
    *count = nf;
    return firsts;
}

/* An organisation folder must not take a name wenshu uses at the top of OUT. */
static char *org_folder(const char *org)
{
    char *c = outpath_component(org, "未署单位");
    char *lower = ws_xstrdup(c);
    for (char *p = lower; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    size_t n = strlen(lower);
    int taken = !strcmp(c, BUILD_COMBINED_DIR) ||
                (!strncmp(lower, "manifest.", 9) && (n >= 5 && (!strcmp(lower + n - 5, ".json") ||
                                                                strstr(lower, ".json.") != NULL)));
    free(lower);
    if (!taken) return c;
    char *p = ws_xmalloc(strlen(c) + 2);
    p[0] = '_';
    strcpy(p + 1, c);
    free(c);
    return p;
}

/* Names every output: records by organisation and form, then one combined file per form. */
void plan_assign_paths(build_plan *p, int combined, size_t volume)
{
    size_t nrec = p->nrecords = p->n;
    outpath_req *reqs = ws_xcalloc(nrec ? nrec : 1, sizeof *reqs);
    char **dirs = ws_xcalloc(nrec ? nrec : 1, sizeof *dirs), **stems = ws_xcalloc(nrec ? nrec : 1, sizeof *stems);
    for (size_t i = 0; i < nrec; i++) {
        build_item *it = &p->items[i];
        /* org and form are interned: an item of the previous item's organisation and form (most
         * are, in plan order) shares its folder's name, made once. */
        if (i && it->org == p->items[i - 1].org && it->form == p->items[i - 1].form) {
            dirs[i] = dirs[i - 1];
        } else {
            char *org = org_folder(it->org);
            char *form = outpath_component(it->form, "表单");
            ws_buf dir = {0};
            ws_buf_printf(&dir, "%s/%s", org, form);
            dirs[i] = ws_buf_steal(&dir);
            free(org);
            free(form);
        }
        stems[i] = outpath_component(it->name, it->record);
        reqs[i] = (outpath_req){dirs[i], stems[i], it->record, NULL};
    }
    outpath_resolve(reqs, nrec, ".pdf");
    for (size_t i = 0; i < nrec; i++) {
        p->items[i].relpath = reqs[i].result;
        if (i + 1 == nrec || dirs[i + 1] != dirs[i]) free(dirs[i]);
        free(stems[i]);
    }
    free(reqs);
    free(dirs);
    free(stems);
    if (!combined) return;
    size_t nforms;
    size_t *firsts = distinct_forms(p, nrec, &nforms);
    size_t *count = ws_xcalloc(nforms ? nforms : 1, sizeof *count);
    for (size_t i = 0; i < nrec; i++) {
        size_t f = 0;
        while (f + 1 < nforms && strcmp(p->items[firsts[f]].form, p->items[i].form)) f++;
        p->items[i].ordinal = count[f]++;
    }
    size_t per = volume ? volume : BUILD_VOLUME_DEFAULT;
    for (size_t f = 0; f < nforms; f++) {
        size_t i = firsts[f], nvol = (count[f] + per - 1) / per;
        for (size_t v = 0; v < nvol; v++) {
            ws_buf title = {0};
            if (nvol > 1) ws_buf_printf(&title, "%s（合订本第%zu册）", p->items[i].form, v + 1);
            else ws_buf_printf(&title, "%s（合订本）", p->items[i].form);
            build_item c = {.form = p->items[i].form, .form_alias = p->items[i].form_alias, .record = "", .org = "",
                            .name = p->items[i].form, .title = title.data, .data = p->items[i].data};
            batch_plan_add(p, &c);
            ws_buf_free(&title);
            build_item *added = &p->items[p->n - 1];
            added->first = v * per;
            added->end = v + 1 < nvol ? (v + 1) * per : count[f];
            char *form = outpath_component(added->form, "表单");
            ws_buf rel = {0};
            if (nvol > 1) ws_buf_printf(&rel, "%s/%s（第%zu册）.pdf", BUILD_COMBINED_DIR, form, v + 1);
            else ws_buf_printf(&rel, "%s/%s.pdf", BUILD_COMBINED_DIR, form);
            free(form);
            added->relpath = ws_buf_steal(&rel);
        }
    }
    free(count);
    free(firsts);
}

/* ---- the filters ---- */

int plan_check_filters(const build_plan *p, const build_options *o, diag *d)
{
    int bad = 0;
    for (size_t f = 0; f < o->nforms; f++) {
        int found = 0;
        for (size_t i = 0; i < p->n && !found; i++) found = form_matches(&p->items[i], o->forms[f]);
        if (found) continue;
        ws_buf known = {0};
        size_t nforms;
        size_t *firsts = distinct_forms(p, p->n, &nforms);
        for (size_t k = 0; k < nforms; k++) {
            const build_item *it = &p->items[firsts[k]];
            ws_buf_printf(&known, "%s%s", known.len ? "、" : "", it->form);
            if (it->form_alias) ws_buf_printf(&known, "（%s）", it->form_alias);
        }
        free(firsts);
        if (known.len)
            diag_report(d, DIAG_ERROR, (diag_loc){0}, _("--form %s: no record has this document (forms with documents: %s)"),
                        o->forms[f], known.data);
        else
            diag_report(d, DIAG_ERROR, (diag_loc){0}, _("--form %s: no record has this document"), o->forms[f]);
        ws_buf_free(&known);
        bad = 1;
    }
    for (size_t r = 0; r < o->nrecords; r++) {
        int found = 0;
        for (size_t i = 0; i < p->n && !found; i++) found = !strcmp(p->items[i].record, o->records[r]);
        if (!found) {
            diag_report(d, DIAG_ERROR, (diag_loc){0},
                        o->nforms ? _("--record %s: no sound record with this id has a document of the forms chosen with --form")
                                  : _("--record %s: no sound record with this id has a document"),
                        o->records[r]);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}
