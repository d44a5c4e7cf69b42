/* pipeline_volume — see pipeline_volume.h. */
#include "cli/pipeline_volume.h"
#include "base/i18n.h"

#include <string.h>

int pipeline_volume_bind(const build_item *volume, const build_member *members, size_t nmembers,
                         pipeline_layout_fn layout, void *ctx, volume_cache *cache, dlist_doc **out, diag *d)
{
    dlist_doc *all = NULL;
    /* Bookmarks by organisation, then record: a level-1 bookmark opens each run of records of one
     * organisation (in plan order, which keeps an organisation's records together), the records
     * are level 2 under it, their own headings below them. A volume whose records belong to no
     * organisation (or all to one) still gets the organisation's bookmark: the reader sees whose
     * records these are. */
    const char *cur_org = NULL;
    for (size_t j = 0; j < nmembers; j++) {
        const build_item *m = members[j].item;
        /* a record whose inputs did not change since the volume was last made: its stored layout */
        dlist_doc *doc = volume_cache_get(cache, m->key);
        if (!doc && (layout(ctx, m, &doc, d) || !doc)) {
            diag_report(d, DIAG_ERROR, (diag_loc){volume->relpath, 0, 0, m->record},
                        _("the combined file cannot be made without this record"));
            dlist_doc_free(doc);
            dlist_doc_free(all);
            return -1;
        }
        if (!all) {
            all = dlist_doc_new(doc->width, doc->height);
            dlist_meta_set(&all->meta.subject, doc->meta.subject);
            dlist_meta_set(&all->meta.author, doc->meta.author);
            dlist_meta_set(&all->meta.creator, doc->meta.creator);
            dlist_meta_set(&all->meta.date, doc->meta.date);
            ws_buf t = {0};
            ws_buf_puts(&t, volume->title ? volume->title : volume->form); /* "<form>（合订本[第N册]）", set by the batch (plan.h) */
            dlist_meta_set(&all->meta.title, t.data);
            dlist_meta_set(&all->meta.keywords, volume->form);
            ws_buf_free(&t);
        } else if (doc->width != all->width || doc->height != all->height) {
            diag_report(d, DIAG_ERROR, (diag_loc){volume->relpath, 0, 0, m->record},
                        _("page size differs from the other records of the form; cannot combine"));
            dlist_doc_free(doc);
            dlist_doc_free(all);
            return -1;
        }
        /* The author (the organisation) only when every record shares it. */
        volume_cache_note(cache, m->key, doc);
        const char *a = all->meta.author, *b = doc->meta.author;
        if (a && (!b || strcmp(a, b))) dlist_meta_set(&all->meta.author, NULL);
        if (all->npages % 2) dlist_page_add(all); /* start every record on an odd (right-hand) page */
        const char *org = m->org && *m->org ? m->org : NULL;
        int level = org ? 2 : 1;
        if (org && (!cur_org || strcmp(cur_org, org)))
            dlist_outline_add(all, 1, org, all->npages, doc->height);
        cur_org = org;
        size_t first_own = all->noutlines + 1;
        dlist_outline_add(all, level, members[j].title, all->npages, doc->height);
        dlist_doc_append(all, doc);
        for (size_t k = first_own; k < all->noutlines; k++) all->outlines[k].level += level;
        dlist_doc_free(doc);
    }
    if (!all) {
        diag_report(d, DIAG_ERROR, (diag_loc){volume->relpath, 0, 0, NULL}, _("no records to combine"));
        return -1;
    }
    *out = all;
    return 0;
}
