/* sheets_emit — the imported records as records XML, one file per unit: the unit, the
 * organisations of the trees it heads in the order of the 组织 sheet (an organisation goes with
 * the unit of its highest ancestor in the workbook, so a branch of another unit placed under this
 * unit's committee is here), then the members of its own branches grouped by branch (branches in
 * the order of the 组织 sheet, members in the order of the 党员 sheet). Organisations of a unit
 * that is not in the workbook go to UNITID.xml; members of an organisation not in the workbook to
 * ORGID.xml. Element and attribute order follow the schema, so the bytes depend on the workbook
 * only: the same sheet gives the same files. */
#include <stdlib.h>
#include <string.h>

#include "records/records.h"
#include "sheets/sheets_int.h"

static void esc(ws_buf *b, const char *s, int attr)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': ws_buf_puts(b, "&amp;"); break;
        case '<': ws_buf_puts(b, "&lt;"); break;
        case '>': ws_buf_puts(b, "&gt;"); break;
        case '"': ws_buf_puts(b, attr ? "&quot;" : "\""); break;
        case '\n': ws_buf_puts(b, attr ? "&#10;" : "\n"); break;
        case '\t': ws_buf_puts(b, attr ? "&#9;" : "\t"); break;
        default: ws_buf_putc(b, *s);
        }
    }
}

static void attr(ws_buf *b, const char *name, const char *value)
{
    if (!value) return;
    ws_buf_printf(b, " %s=\"", name);
    esc(b, value, 1);
    ws_buf_putc(b, '"');
}

static void leaf(ws_buf *b, int indent, const char *name, const char *text)
{
    if (!text) return;
    ws_buf_printf(b, "%*s<%s>", indent, "", name);
    esc(b, text, 0);
    ws_buf_printf(b, "</%s>\n", name);
}

/* One element per line of a cell: several 肯定成绩 in one cell, one per line. */
static void leaves(ws_buf *b, int indent, const char *name, const char *text)
{
    if (!text) return;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = ws_xstrndup(p, len);
        sheets_trim(line);
        if (line[0]) leaf(b, indent, name, line);
        free(line);
        p = nl ? nl + 1 : p + len;
    }
}

/* Child rows chained per target, in sheet order: head[target], next[row]; (size_t)-1 ends. */
typedef struct {
    size_t *head, *next;
} chains;

static chains chain(const sheets_list *l, size_t ntargets, int to_org)
{
    chains c;
    c.head = ws_xmalloc((ntargets + 1) * sizeof *c.head);
    c.next = ws_xmalloc((l->n + 1) * sizeof *c.next);
    for (size_t i = 0; i <= ntargets; i++) c.head[i] = (size_t)-1;
    for (size_t i = l->n; i-- > 0;) {
        const sheets_rec *r = &l->r[i];
        if (!r->resolved || r->to_org != to_org || r->target >= ntargets) continue;
        c.next[i] = c.head[r->target];
        c.head[r->target] = i;
    }
    return c;
}

static void chains_free(chains *c)
{
    free(c->head);
    free(c->next);
}

#define EACH(c, t, i) for (size_t i = (c).head[t]; i != (size_t)-1; i = (c).next[i])

typedef struct {
    const sheets_model *m;
    chains study, mopinion, eval, mrect, oopinion, orect, analysis, committee, system, publication, survey, report,
        section, meeting, remedy;
} emitter;

static void person(ws_buf *b, const char *name, const char *role, const char *post, const char *member,
                   const char *text)
{
    ws_buf_printf(b, "    <%s", name);
    attr(b, "role", role);
    attr(b, "post", post);
    attr(b, "member", member);
    ws_buf_putc(b, '>');
    esc(b, text, 0);
    ws_buf_printf(b, "</%s>\n", name);
}

static void opinions(ws_buf *b, int indent, const sheets_list *l, chains c, size_t t)
{
    if (c.head[t] == (size_t)-1) return;
    ws_buf_printf(b, "%*s<opinions>\n", indent, "");
    EACH(c, t, i) {
        char **v = l->r[i].v;
        ws_buf_printf(b, "%*s<opinion", indent + 2, "");
        attr(b, "channel", v[P_CHANNEL]);
        attr(b, "from", v[P_FROM]);
        attr(b, "date", v[P_DATE]);
        ws_buf_putc(b, '>');
        esc(b, v[P_TEXT] ? v[P_TEXT] : "", 0);
        ws_buf_puts(b, "</opinion>\n");
    }
    ws_buf_printf(b, "%*s</opinions>\n", indent, "");
}

static void rect_items(ws_buf *b, int indent, const sheets_list *l, chains c, size_t t, int org)
{
    EACH(c, t, i) {
        char **v = l->r[i].v;
        ws_buf_printf(b, "%*s<item", indent, "");
        if (org) attr(b, "category", v[R_CATEGORY]);
        attr(b, "status", v[R_STATUS]);
        attr(b, "completed", v[R_COMPLETED]);
        ws_buf_puts(b, ">\n");
        leaf(b, indent + 2, "problem", v[R_PROBLEM]);
        if (org) leaf(b, indent + 2, "goal", v[R_GOAL]);
        leaf(b, indent + 2, "measure", v[R_MEASURE]);
        leaf(b, indent + 2, "deadline", v[R_DEADLINE]);
        leaf(b, indent + 2, "leader", v[R_LEADER]);
        if (org) leaf(b, indent + 2, "department", v[R_DEPARTMENT]);
        leaf(b, indent + 2, "responsible", v[R_RESPONSIBLE]);
        leaf(b, indent + 2, "explanation", v[R_EXPLANATION]);
        ws_buf_printf(b, "%*s</item>\n", indent, "");
    }
}

static void write_unit(ws_buf *b, char **v)
{
    ws_buf_puts(b, "  <unit");
    attr(b, "id", v[U_ID]);
    attr(b, "kind", v[U_KIND]);
    attr(b, "batch", v[U_BATCH]);
    ws_buf_puts(b, ">\n");
    leaf(b, 4, "name", v[U_NAME]);
    leaf(b, 4, "short-name", v[U_SHORT]);
    leaf(b, 4, "address", v[U_ADDRESS]);
    ws_buf_puts(b, "  </unit>\n");
}

/* A 测评 or 补课 row of one organisation with its round, sorted by round then row. */
typedef struct {
    long round;
    size_t row;
} round_row;

static int round_row_cmp(const void *a, const void *b)
{
    const round_row *x = a, *y = b;
    if (x->round != y->round) return x->round < y->round ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* The rows of organisation o in list l chained by c, sorted by round: *n of them (free the array). */
static round_row *rows_by_round(const sheets_list *l, chains c, size_t o, int round_col, size_t *n)
{
    round_row *rows = NULL;
    size_t cap = 0;
    *n = 0;
    EACH(c, o, i) {
        if (*n == cap) rows = ws_xrealloc(rows, (cap = cap ? cap * 2 : 8) * sizeof *rows);
        const char *v = l->r[i].v[round_col];
        rows[(*n)++] = (round_row){v ? strtol(v, NULL, 10) : 1, i};
    }
    if (*n) qsort(rows, *n, sizeof *rows, round_row_cmp);
    return rows;
}

/* The survey rounds of organisation o, in the order of their 轮次 (1 when empty; the schema wants
 * them in date order, and wenshu check says when the dates disagree). A round is the head (date,
 * by, respondents) of its first row, the groups and then the questions of its rows in row order,
 * then the 补课 after it: the 补课 rows of the same round, the date of the first, a measure per
 * line. Sorting keeps this linear in the rows, however many rounds a hostile sheet has. */
static void write_surveys(const emitter *e, ws_buf *b, size_t o)
{
    const sheets_list *sv = &e->m->list[SHEET_SURVEY], *rm = &e->m->list[SHEET_REMEDY];
    size_t n, nr, k = 0;
    round_row *rows = rows_by_round(sv, e->survey, o, V_ROUND, &n);
    round_row *rem = rows_by_round(rm, e->remedy, o, K_ROUND, &nr);
    for (size_t a = 0, z; a < n; a = z) {
        long round = rows[a].round;
        for (z = a; z < n && rows[z].round == round;) z++;
        char **h = sv->r[rows[a].row].v;
        ws_buf_puts(b, "    <survey");
        attr(b, "date", h[V_DATE]);
        attr(b, "by", h[V_BY]);
        attr(b, "respondents", h[V_RESPONDENTS]);
        ws_buf_puts(b, ">\n");
        for (size_t j = a; j < z; j++) {
            char **v = sv->r[rows[j].row].v;
            if (!v[V_GROUP]) continue;
            ws_buf_puts(b, "      <group");
            attr(b, "name", v[V_GROUP]);
            attr(b, "count", v[V_GROUP_COUNT]);
            ws_buf_puts(b, "/>\n");
        }
        for (size_t j = a; j < z; j++) {
            char **v = sv->r[rows[j].row].v;
            if (!v[V_QUESTION]) continue;
            ws_buf_puts(b, "      <question");
            attr(b, "satisfied", v[V_SATISFIED]);
            attr(b, "basic", v[V_BASIC]);
            attr(b, "unsatisfied", v[V_UNSATISFIED]);
            ws_buf_putc(b, '>');
            esc(b, v[V_QUESTION], 0);
            ws_buf_puts(b, "</question>\n");
        }
        while (k < nr && rem[k].round < round) k++; /* none: the importer refuses 补课 without its round */
        if (k < nr && rem[k].round == round) {
            ws_buf_puts(b, "      <remedy");
            attr(b, "date", rm->r[rem[k].row].v[K_DATE]);
            ws_buf_puts(b, ">\n");
            for (; k < nr && rem[k].round == round; k++) leaves(b, 8, "measure", rm->r[rem[k].row].v[K_MEASURE]);
            ws_buf_puts(b, "      </remedy>\n");
        }
        ws_buf_puts(b, "    </survey>\n");
    }
    free(rows);
    free(rem);
}

static void write_report(const emitter *e, ws_buf *b, size_t o)
{
    const sheets_list *rp = &e->m->list[SHEET_REPORT], *sec = &e->m->list[SHEET_SECTION];
    if (e->report.head[o] == (size_t)-1) return;
    char **v = rp->r[e->report.head[o]].v;
    ws_buf_puts(b, "    <report");
    attr(b, "date", v[T_DATE]);
    attr(b, "members", v[T_MEMBERS]);
    attr(b, "participants", v[T_PARTICIPANTS]);
    attr(b, "opinions", v[T_OPINIONS]);
    attr(b, "problems", v[T_PROBLEMS]);
    attr(b, "completed", v[T_COMPLETED]);
    attr(b, "systems", v[T_SYSTEMS]);
    if (e->section.head[o] == (size_t)-1) {
        ws_buf_puts(b, "/>\n");
        return;
    }
    ws_buf_puts(b, ">\n");
    EACH(e->section, o, i) {
        ws_buf_puts(b, "      <section");
        attr(b, "title", sec->r[i].v[X_TITLE]);
        ws_buf_puts(b, ">\n");
        leaves(b, 8, "p", sec->r[i].v[X_TEXT]);
        ws_buf_puts(b, "      </section>\n");
    }
    ws_buf_puts(b, "    </report>\n");
}

/* 党性分析: problems one per line of 存在问题, each "方面：问题" (the importer checked the form). */
static void write_analysis(const emitter *e, ws_buf *b, size_t k)
{
    const sheets_list *an = &e->m->list[SHEET_ANALYSIS];
    if (e->analysis.head[k] == (size_t)-1) return;
    char **v = an->r[e->analysis.head[k]].v;
    ws_buf_puts(b, "    <analysis");
    attr(b, "date", v[A_DATE]);
    attr(b, "revised", v[A_REVISED]);
    ws_buf_puts(b, ">\n");
    leaf(b, 6, "title", v[A_TITLE]);
    for (const char *p = v[A_PROBLEM]; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = ws_xstrndup(p, len), aspect[32];
        sheets_trim(line);
        const char *text = line[0] ? sheets_aspect_split(line, aspect) : NULL;
        if (text) {
            ws_buf_puts(b, "      <problem");
            attr(b, "aspect", aspect);
            ws_buf_putc(b, '>');
            esc(b, text, 0);
            ws_buf_puts(b, "</problem>\n");
        }
        free(line);
        p = nl ? nl + 1 : p + len;
    }
    leaves(b, 6, "cause", v[A_CAUSE]);
    leaves(b, 6, "direction", v[A_DIRECTION]);
    if (v[A_TEXT]) {
        ws_buf_puts(b, "      <text>\n");
        leaves(b, 8, "p", v[A_TEXT]);
        ws_buf_puts(b, "      </text>\n");
    }
    ws_buf_puts(b, "    </analysis>\n");
}

static void write_org(const emitter *e, ws_buf *b, size_t o)
{
    char **v = e->m->list[SHEET_ORG].r[o].v;
    const sheets_list *rect = &e->m->list[SHEET_RECT];
    ws_buf_puts(b, "  <organisation");
    attr(b, "id", v[O_ID]);
    attr(b, "kind", v[O_KIND]);
    attr(b, "unit", v[O_UNIT]);
    attr(b, "parent", v[O_PARENT]);
    ws_buf_puts(b, ">\n");
    leaf(b, 4, "name", v[O_NAME]);
    if (v[O_SECRETARY]) person(b, "secretary", NULL, v[O_SECRETARY_POST], v[O_SECRETARY_ID], v[O_SECRETARY]);
    const sheets_list *committee = &e->m->list[SHEET_COMMITTEE];
    EACH(e->committee, o, i) {
        char **c = committee->r[i].v;
        person(b, "committee-member", c[C_ROLE], c[C_POST], c[C_MEMBER], c[C_NAME]);
    }
    if (v[O_MAILBOX] || v[O_PHONE] || v[O_ADDRESS]) {
        ws_buf_puts(b, "    <contact>\n");
        leaf(b, 6, "mailbox", v[O_MAILBOX]);
        leaf(b, 6, "phone", v[O_PHONE]);
        leaf(b, 6, "address", v[O_ADDRESS]);
        ws_buf_puts(b, "    </contact>\n");
    }
    opinions(b, 4, &e->m->list[SHEET_OPINION], e->oopinion, o);
    const sheets_list *meeting = &e->m->list[SHEET_MEETING];
    EACH(e->meeting, o, i) {
        char **g = meeting->r[i].v;
        ws_buf_puts(b, "    <meeting");
        attr(b, "kind", g[G_KIND]);
        attr(b, "date", g[G_DATE]);
        if (!g[G_TEXT]) {
            ws_buf_puts(b, "/>\n");
            continue;
        }
        ws_buf_putc(b, '>');
        esc(b, g[G_TEXT], 0);
        ws_buf_puts(b, "</meeting>\n");
    }
    if (e->orect.head[o] != (size_t)-1) {
        ws_buf_puts(b, "    <rectification-plan");
        attr(b, "date", rect->r[e->orect.head[o]].v[R_PLAN_DATE]);
        ws_buf_puts(b, ">\n");
        /* the focus points of all the plan's rows, in order, each once */
        EACH(e->orect, o, i) {
            const char *f = rect->r[i].v[R_FOCUS];
            int dup = 0;
            for (size_t j = e->orect.head[o]; f && j != i; j = e->orect.next[j])
                dup |= rect->r[j].v[R_FOCUS] && !strcmp(rect->r[j].v[R_FOCUS], f);
            if (!dup) leaves(b, 6, "focus", f);
        }
        rect_items(b, 6, rect, e->orect, o, 1);
        const sheets_list *sys = &e->m->list[SHEET_SYSTEM];
        EACH(e->system, o, i) {
            ws_buf_puts(b, "      <system");
            attr(b, "date", sys->r[i].v[Y_DATE]);
            ws_buf_putc(b, '>');
            esc(b, sys->r[i].v[Y_NAME], 0);
            ws_buf_puts(b, "</system>\n");
        }
        ws_buf_puts(b, "    </rectification-plan>\n");
    }
    const sheets_list *pub = &e->m->list[SHEET_PUBLICATION];
    EACH(e->publication, o, i) {
        char **p = pub->r[i].v;
        ws_buf_puts(b, "    <publication");
        attr(b, "subject", p[B_SUBJECT]);
        attr(b, "date", p[B_DATE]);
        attr(b, "channel", p[B_CHANNEL]);
        ws_buf_puts(b, ">\n");
        leaf(b, 6, "scope", p[B_SCOPE]);
        ws_buf_puts(b, "    </publication>\n");
    }
    write_surveys(e, b, o);
    write_report(e, b, o);
    ws_buf_puts(b, "  </organisation>\n");
}

static void write_member(const emitter *e, ws_buf *b, size_t k)
{
    char **v = e->m->list[SHEET_MEMBER].r[k].v;
    const sheets_list *study = &e->m->list[SHEET_STUDY], *ev = &e->m->list[SHEET_EVAL], *rect = &e->m->list[SHEET_RECT];
    ws_buf_puts(b, "  <member");
    attr(b, "id", v[M_ID]);
    attr(b, "org", v[M_ORG]);
    attr(b, "gender", v[M_GENDER]);
    attr(b, "ethnicity", v[M_ETHNICITY]);
    attr(b, "standing", v[M_STANDING]);
    if (v[M_LEADER] && !strcmp(v[M_LEADER], "true")) attr(b, "leader", "true");
    ws_buf_puts(b, ">\n");
    leaf(b, 4, "name", v[M_NAME]);
    leaf(b, 4, "birth", v[M_BIRTH]);
    leaf(b, 4, "joined", v[M_JOINED]);
    leaf(b, 4, "job", v[M_JOB]);
    leaf(b, 4, "post", v[M_POST]);
    if (v[M_SITUATION]) {
        ws_buf_puts(b, "    <situation");
        attr(b, "kind", v[M_SITUATION]);
        attr(b, "scope", v[M_SCOPE]);
        attr(b, "where", v[M_WHERE]);
        ws_buf_putc(b, '>');
        esc(b, v[M_SITUATION_TEXT] ? v[M_SITUATION_TEXT] : "", 0);
        ws_buf_puts(b, "</situation>\n");
    }
    int sessions = e->study.head[k] != (size_t)-1;
    if (v[M_HOURS] || sessions || v[M_NOTES]) {
        /* study/@hours is the 学时 column, or the sum of the sessions when it is empty */
        char sum[32];
        const char *hours = v[M_HOURS];
        if (!hours) {
            long tenths = 0;
            EACH(e->study, k, i) tenths += (long)(strtod(study->r[i].v[S_HOURS] ? study->r[i].v[S_HOURS] : "0", NULL) * 10 + 0.5);
            if (tenths % 10) snprintf(sum, sizeof sum, "%ld.%ld", tenths / 10, tenths % 10);
            else snprintf(sum, sizeof sum, "%ld", tenths / 10);
            hours = sum;
        }
        ws_buf_puts(b, "    <study");
        attr(b, "hours", hours);
        if (!sessions && !v[M_NOTES]) {
            ws_buf_puts(b, "/>\n");
        } else {
            ws_buf_puts(b, ">\n");
            EACH(e->study, k, i) {
                char **s = study->r[i].v;
                ws_buf_puts(b, "      <session");
                attr(b, "date", s[S_DATE]);
                attr(b, "hours", s[S_HOURS]);
                attr(b, "form", s[S_FORM]);
                ws_buf_putc(b, '>');
                esc(b, s[S_TEXT] ? s[S_TEXT] : "", 0);
                ws_buf_puts(b, "</session>\n");
            }
            leaf(b, 6, "notes", v[M_NOTES]);
            ws_buf_puts(b, "    </study>\n");
        }
    }
    opinions(b, 4, &e->m->list[SHEET_OPINION], e->mopinion, k);
    write_analysis(e, b, k);
    if (e->eval.head[k] != (size_t)-1) {
        char **s = ev->r[e->eval.head[k]].v;
        ws_buf_puts(b, "    <evaluation");
        attr(b, "date", s[E_DATE]);
        attr(b, "fed-back", s[E_FED_BACK]);
        ws_buf_puts(b, ">\n");
        leaves(b, 6, "strength", s[E_STRENGTH]);
        leaves(b, 6, "problem", s[E_PROBLEM]);
        leaves(b, 6, "direction", s[E_DIRECTION]);
        if (s[E_RETURNED]) {
            ws_buf_puts(b, "      <receipt");
            attr(b, "returned", s[E_RETURNED]);
            if (s[E_OPINION]) {
                ws_buf_putc(b, '>');
                esc(b, s[E_OPINION], 0);
                ws_buf_puts(b, "</receipt>\n");
            } else {
                ws_buf_puts(b, "/>\n");
            }
        }
        ws_buf_puts(b, "    </evaluation>\n");
    }
    if (e->mrect.head[k] != (size_t)-1) {
        ws_buf_puts(b, "    <rectification");
        attr(b, "date", rect->r[e->mrect.head[k]].v[R_PLAN_DATE]);
        ws_buf_puts(b, ">\n");
        rect_items(b, 6, rect, e->mrect, k, 0);
        ws_buf_puts(b, "    </rectification>\n");
    }
    ws_buf_puts(b, "  </member>\n");
}

static sheets_file *file_for(sheets_file **files, size_t *n, const char *key)
{
    for (size_t i = 0; i < *n; i++)
        if (!strncmp((*files)[i].name, key, strlen(key)) && !strcmp((*files)[i].name + strlen(key), ".xml")) return &(*files)[i];
    *files = ws_xrealloc(*files, (*n + 1) * sizeof **files);
    sheets_file *f = &(*files)[(*n)++];
    ws_buf name = {0};
    ws_buf_printf(&name, "%s.xml", key);
    f->name = ws_buf_steal(&name);
    memset(&f->xml, 0, sizeof f->xml);
    ws_buf_puts(&f->xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- wenshu import -->\n<wenshu xmlns=\"" WENSHU_NS "\">\n");
    return f;
}

size_t sheets_emit(const sheets_model *m, sheets_file **files)
{
    const sheets_list *units = &m->list[SHEET_UNIT], *orgs = &m->list[SHEET_ORG], *members = &m->list[SHEET_MEMBER];
    size_t nm = members->n, no = orgs->n;
    emitter e = {m,
                 chain(&m->list[SHEET_STUDY], nm, 0),
                 chain(&m->list[SHEET_OPINION], nm, 0),
                 chain(&m->list[SHEET_EVAL], nm, 0),
                 chain(&m->list[SHEET_RECT], nm, 0),
                 chain(&m->list[SHEET_OPINION], no, 1),
                 chain(&m->list[SHEET_RECT], no, 1),
                 chain(&m->list[SHEET_ANALYSIS], nm, 0),
                 chain(&m->list[SHEET_COMMITTEE], no, 1),
                 chain(&m->list[SHEET_SYSTEM], no, 1),
                 chain(&m->list[SHEET_PUBLICATION], no, 1),
                 chain(&m->list[SHEET_SURVEY], no, 1),
                 chain(&m->list[SHEET_REPORT], no, 1),
                 chain(&m->list[SHEET_SECTION], no, 1),
                 chain(&m->list[SHEET_MEETING], no, 1),
                 chain(&m->list[SHEET_REMEDY], no, 1)};
    size_t n = 0;
    *files = NULL;
    for (size_t u = 0; u < units->n; u++) write_unit(&file_for(files, &n, units->r[u].v[U_ID])->xml, units->r[u].v);
    sheets_map org_of = {0};
    for (size_t o = 0; o < no; o++) {
        long *slot = sheets_map_slot(&org_of, orgs->r[o].v[O_ID]);
        if (*slot < 0) *slot = (long)o;
    }
    /* Each organisation goes to the file of the unit heading its tree (its highest ancestor in
     * the workbook): a branch of another unit placed under this unit's committee (福利院's under
     * 民政局) stays with its tree. So one file holds the whole tree in the 组织 sheet's order,
     * whatever order the files are later read in: the forms that follow the tree (the 专题报告)
     * list it in that order, and a form that names the parent (整改方案) finds it in the file. */
    for (size_t o = 0; o < no; o++) {
        size_t top = o;
        for (size_t steps = 0; steps < no && orgs->r[top].v[O_PARENT]; steps++) {
            long p = sheets_map_get(&org_of, orgs->r[top].v[O_PARENT]);
            if (p < 0 || (size_t)p == o) break; /* outside the workbook, or a loop back */
            top = (size_t)p;
        }
        const char *unit = orgs->r[top].v[O_UNIT];
        write_org(&e, &file_for(files, &n, unit ? unit : orgs->r[top].v[O_ID])->xml, o);
    }
    /* members, branch by branch in the 组织 sheet's order (chained per organisation through the
     * hash of the organisations' ids), each in the file of its branch's own unit, then those of
     * organisations not in the workbook */
    size_t *head = ws_xmalloc((no + 1) * sizeof *head), *next = ws_xmalloc((nm + 1) * sizeof *next);
    for (size_t o = 0; o <= no; o++) head[o] = (size_t)-1;
    for (size_t k = nm; k-- > 0;) {
        const char *org = members->r[k].v[M_ORG];
        long o = org ? sheets_map_get(&org_of, org) : -1;
        if (o < 0) continue;
        next[k] = head[o];
        head[o] = k;
    }
    for (size_t o = 0; o < no; o++)
        for (size_t k = head[o]; k != (size_t)-1; k = next[k]) {
            const char *unit = orgs->r[o].v[O_UNIT];
            write_member(&e, &file_for(files, &n, unit ? unit : orgs->r[o].v[O_ID])->xml, k);
        }
    for (size_t k = 0; k < nm; k++) {
        const char *org = members->r[k].v[M_ORG];
        if (org && sheets_map_get(&org_of, org) < 0) write_member(&e, &file_for(files, &n, org)->xml, k);
    }
    free(head);
    free(next);
    sheets_map_free(&org_of);
    for (size_t i = 0; i < n; i++) ws_buf_puts(&(*files)[i].xml, "</wenshu>\n");
    chains *all[] = {&e.study, &e.mopinion, &e.eval, &e.mrect, &e.oopinion, &e.orect, &e.analysis,
                     &e.committee, &e.system, &e.publication, &e.survey, &e.report, &e.section, &e.meeting, &e.remedy};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) chains_free(all[i]);
    return n;
}
