/* volumes — see volumes.h. */
#include "batch/volumes.h"

#include <stdlib.h>
#include <string.h>

#include "batch/keys.h"
#include "batch/plan.h"

static int is_combined(const manifest_entry *e)
{
    return !e->record || !*e->record;
}

/* The records per volume the manifest's volumes of form were made with; 0 when it lists none. */
static size_t volume_of_form(const manifest *old, const char *form)
{
    for (size_t i = 0; i < old->n; i++)
        if (is_combined(&old->v[i]) && old->v[i].form && !strcmp(old->v[i].form, form) && old->v[i].volume)
            return old->v[i].volume;
    return 0;
}

/* A plan holding copies of p's records and their combined volumes of per records each. */
static build_plan *replan(const build_plan *p, size_t per)
{
    build_plan *c = batch_plan_new();
    size_t nrec = p->nrecords ? p->nrecords : p->n;
    for (size_t i = 0; i < nrec; i++) batch_plan_add(c, &p->items[i]);
    plan_assign_paths(c, 1, per);
    return c;
}

volume_state *volumes_judge(const build_plan *p, const build_options *o, const manifest *old, manifest *missing)
{
    volume_state *st = ws_xcalloc(old->n ? old->n : 1, sizeof *st);
    size_t fallback = 0; /* the records per volume of any volume listed: for forms without one */
    int any = 0;
    for (size_t i = 0; i < old->n; i++) {
        if (!is_combined(&old->v[i])) continue;
        st[i] = VOLUME_UNKNOWN;
        any = 1;
        if (!fallback) fallback = old->v[i].volume;
    }
    if (!any) return st;
    if (!fallback) fallback = o->volume ? o->volume : BUILD_VOLUME_DEFAULT;

    /* Every volume is bound from all its records: the key a --combined run without filters gives. */
    build_options plain = *o, archive = *o;
    plain.nrecords = archive.nrecords = 0;
    plain.records = archive.records = NULL;
    plain.shard_n = archive.shard_n = plain.shard_k = archive.shard_k = 0;
    plain.archive = 0;
    archive.archive = 1;

    /* The distinct records per volume in use: one plan for each (almost always one). */
    size_t nrec = p->nrecords ? p->nrecords : p->n;
    size_t *pers = NULL, npers = 0;
    for (size_t i = 0; i < nrec; i++) {
        size_t per = volume_of_form(old, p->items[i].form);
        if (!per) per = fallback;
        size_t k = 0;
        while (k < npers && pers[k] != per) k++;
        if (k == npers) {
            pers = ws_xrealloc(pers, (npers + 1) * sizeof *pers);
            pers[npers++] = per;
        }
    }
    for (size_t k = 0; k < npers; k++) {
        build_plan *c = replan(p, pers[k]);
        for (size_t j = c->nrecords; j < c->n; j++) {
            const build_item *v = &c->items[j];
            size_t per = volume_of_form(old, v->form);
            if ((per ? per : fallback) != pers[k]) continue; /* planned with another number */
            const manifest_entry *e = manifest_find(old, v->relpath);
            if (!e) {
                if (missing) {
                    manifest_entry m = {(char *)v->relpath, NULL, NULL, 0, 0, {0}, {0}, 0};
                    manifest_add(missing, &m);
                }
                continue;
            }
            char kp[SHA256_HEX_LEN + 1], ka[SHA256_HEX_LEN + 1];
            keys_final(c, &plain, j, kp);
            keys_final(c, &archive, j, ka);
            st[e - old->v] = !strcmp(e->key, kp) || !strcmp(e->key, ka) ? VOLUME_CURRENT : VOLUME_STALE;
        }
        batch_plan_free(c);
    }
    free(pers);
    /* Volumes not planned again: gone when their form still has records, else unknown. */
    for (size_t i = 0; i < old->n; i++) {
        if (st[i] != VOLUME_UNKNOWN) continue;
        for (size_t j = 0; j < nrec; j++)
            if (old->v[i].form && !strcmp(p->items[j].form, old->v[i].form)) {
                st[i] = VOLUME_GONE;
                break;
            }
    }
    if (missing) manifest_sort(missing);
    return st;
}
