/* template_fixed — the text a form prints whatever the record: see template.h. */
#include "template/template_int.h"

/* Partials nest at most this deep here too (a partial including itself fails at load). */
static void fixed_list(const tnode_list *l, ws_buf *out, int depth)
{
    if (depth > TEMPLATE_MAX_LOOPS) return;
    for (size_t i = 0; i < l->n; i++) {
        const tnode *n = l->v[i];
        if (n->kind == TN_TEXT) ws_buf_put(out, n->src, n->len);
        else if (n->kind == TN_PARTIAL && n->partial && !n->partial->failed) fixed_list(&n->partial->body, out, depth + 1);
        /* values, and blocks that a record may skip or repeat, are left out */
    }
}

void template_fixed_text(const template *t, ws_buf *out)
{
    fixed_list(&t->body, out, 0);
}
