/* build_check — see build_check.h. */
#include "batch/build_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/keys.h"
#include "batch/plan.h"
#include "batch/volumes.h"

void build_check_run(build_plan *p, const build_options *o, const manifest *m, build_check_counts *c)
{
    *c = (build_check_counts){0};
    plan_assign_paths(p, 0, 0); /* the records; their volumes are judged by volumes.h */

    manifest planned = {0}; /* path → key of what the data make; "stale" marks keys that differ */
    build_options plain = *o, archive = *o;
    plain.archive = 0;
    archive.archive = 1;
    for (size_t i = 0; i < p->n; i++) {
        char kp[SHA256_HEX_LEN + 1], ka[SHA256_HEX_LEN + 1];
        keys_final(p, &plain, i, kp);
        keys_final(p, &archive, i, ka);
        const manifest_entry *e = manifest_find(m, p->items[i].relpath);
        manifest_entry n = {(char *)p->items[i].relpath, NULL, NULL, 0, 0, {0}, {0}, 0};
        if (!e) n.pages = 1;                                          /* missing */
        else if (strcmp(e->key, kp) && strcmp(e->key, ka)) n.pages = 2; /* stale */
        manifest_add(&planned, &n);
    }
    /* Combined volumes, with the records per volume they were made with: stale, up to date, or
     * (neither: not planned) orphaned; and those the records would make that are not built. */
    manifest missing = {0};
    volume_state *vs = volumes_judge(p, o, m, &missing);
    for (size_t i = 0; i < m->n; i++) {
        if (vs[i] != VOLUME_CURRENT && vs[i] != VOLUME_STALE) continue;
        manifest_entry n = {m->v[i].path, NULL, NULL, vs[i] == VOLUME_STALE ? 2 : 0, 0, {0}, {0}, 0};
        manifest_add(&planned, &n);
    }
    for (size_t i = 0; i < missing.n; i++) {
        manifest_entry n = {missing.v[i].path, NULL, NULL, 1, 0, {0}, {0}, 0};
        manifest_add(&planned, &n);
    }
    free(vs);
    manifest_free(&missing);
    manifest_sort(&planned);
    /* One pass in path order over both lists. */
    size_t i = 0, j = 0;
    while (i < planned.n || j < m->n) {
        int cmp = i == planned.n ? 1 : j == m->n ? -1 : strcmp(planned.v[i].path, m->v[j].path);
        if (cmp < 0) {
            if (planned.v[i].pages == 1) printf("missing: %s\n", planned.v[i].path), c->missing++;
            i++;
        } else if (cmp > 0) {
            printf("orphaned: %s\n", m->v[j].path), c->orphaned++;
            j++;
        } else {
            if (planned.v[i].pages == 2) printf("stale: %s\n", planned.v[i].path), c->stale++;
            i++, j++;
        }
    }
    manifest_free(&planned);
}
