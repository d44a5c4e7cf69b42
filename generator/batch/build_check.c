/* build_check — see build_check.h. */
#include "batch/build_check.h"

#include <stdio.h>
#include <string.h>

#include "batch/keys.h"
#include "batch/plan.h"

void build_check_run(build_plan *p, const build_options *o, const manifest *m, build_check_counts *c)
{
    *c = (build_check_counts){0};
    int combined = 0;
    for (size_t i = 0; i < m->n; i++)
        if (!m->v[i].record || !*m->v[i].record) combined = 1;
    plan_assign_paths(p, combined, o->volume);

    manifest planned = {0}; /* path → key of what the data make; "stale" marks keys that differ */
    build_options plain = *o, archive = *o;
    plain.archive = 0;
    archive.archive = 1;
    for (size_t i = 0; i < p->n; i++) {
        char kp[SHA256_HEX_LEN + 1], ka[SHA256_HEX_LEN + 1];
        keys_final(p, &plain, i, kp);
        keys_final(p, &archive, i, ka);
        const manifest_entry *e = manifest_find(m, p->items[i].relpath);
        manifest_entry n = {(char *)p->items[i].relpath, NULL, NULL, 0, 0, {0}, {0}};
        if (!e) n.pages = 1;                                          /* missing */
        else if (strcmp(e->key, kp) && strcmp(e->key, ka)) n.pages = 2; /* stale */
        manifest_add(&planned, &n);
    }
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
