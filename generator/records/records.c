/* records — the index over all input files: each file is read safely in pieces (records_stream.c),
 * each piece validated against the XSD, its ids and references collected, its
 * campaign/units/organisations copied into the index's own document, the campaign rules run
 * (records_rules.c), and its DOM freed before the next piece, so memory follows the largest
 * record, not the largest file. References are resolved at the end, across files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "base/i18n.h"
#include "records/records_int.h"


typedef enum { REC_CAMPAIGN, REC_UNIT, REC_ORG, REC_MEMBER, REC_KINDS } rec_kind;
static const char *const kind_names[REC_KINDS] = {"campaign", "unit", "organisation", "member"};
/* How messages name a kind of record (kind_names are the element names, matched as data). */
static const char *const kind_words[REC_KINDS] = {N_("campaign"), N_("unit"), N_("organisation"), N_("member")};
static const char *const kind_with_article[REC_KINDS] = {N_("a campaign"), N_("a unit"), N_("an organisation"),
                                                         N_("a member")};

typedef struct {
    char *id; /* NULL: empty slot */
    char *name; /* a member's <name>, for checking the names written beside its id; else NULL */
    int defined, bad;
    int lost; /* 1 + the file that could not be read whose bytes name this id; 0: none */
    int reason; /* why bad: RECORDS_SKIP_ERRORS or RECORDS_SKIP_CONSEQUENCE (the first that applied) */
    rec_kind kind;
    int file;
    long line, col;
    xmlNodePtr node; /* the copy in the index's document (campaign, unit, organisation) */
} id_entry;

typedef struct {
    char *from, *target, *what;
    char *name; /* the text of a person element beside @member (secretary, …), NULL otherwise */
    rec_kind want;
    int file;
    long line, col;
} id_ref;

/* A record that repeats an id defined earlier: skipped, while the first is kept when sound. */
typedef struct {
    int file;
    long line;
} id_repeat;

struct records_index {
    char **paths;
    size_t npaths;
    id_repeat *repeats;
    size_t nrepeats;
    char *unread;  /* unread[i]: input i could not be read or parsed, whole or after some pieces */
    /* The ids: their entries in the order first met (ents), found through an open-addressing
     * table of their positions + 1 (slots; 0: empty). 4 bytes a slot where a table of entries
     * took 64: for 100 000 members 1 + 6.5 MB, not 16.8 MB, in check and in every process of a
     * build. The slots are laid out as that table's entries were (same hash, probing and
     * growth), so walking them meets the ids in the same order. */
    id_entry *ents;
    size_t count, capents;
    uint32_t *slots;
    size_t cap;
    id_ref *refs;
    size_t nrefs, refcap;
    xmlDocPtr doc;
    xmlNodePtr root, campaign;
    /* Member summaries (records_members), serialised: as DOM nodes they cost ~6 KB a member. */
    char **member_xml, **member_org;
    size_t nmembers, capmembers;
    int no_members;        /* built without member summaries (records_index_finish) */
    /* The summaries last asked for, as nodes; kept until a different id is asked for, so that
     * the node-sets of one record's merge stay valid however often it reads $members. */
    char *scratch_id;
    xmlDocPtr scratch;
    xmlNodePtr *scratch_nodes;
    size_t scratch_n;
    campaign_facts facts;
    records_stats stats;
};

/* ------------------------------------------------------------------ id table (open addressing) */

static size_t hash_id(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static uint32_t *find_slot(const records_index *ix, uint32_t *slots, size_t cap, const char *id)
{
    size_t i = hash_id(id) & (cap - 1);
    while (slots[i] && strcmp(ix->ents[slots[i] - 1].id, id)) i = (i + 1) & (cap - 1);
    return &slots[i];
}

static id_entry *entry_get(const records_index *ix, const char *id)
{
    if (!id || !ix->cap) return NULL;
    uint32_t *s = find_slot(ix, ix->slots, ix->cap, id);
    return *s ? &ix->ents[*s - 1] : NULL;
}

/* The entry of id, added when new. Like any entry pointer, valid until the next entry_put. */
static id_entry *entry_put(records_index *ix, const char *id)
{
    if ((ix->count + 1) * 2 > ix->cap) {
        size_t ncap = ix->cap ? ix->cap * 2 : 1024;
        uint32_t *ns = ws_xcalloc(ncap, sizeof *ns);
        for (size_t i = 0; i < ix->cap; i++)
            if (ix->slots[i]) *find_slot(ix, ns, ncap, ix->ents[ix->slots[i] - 1].id) = ix->slots[i];
        free(ix->slots);
        ix->slots = ns;
        ix->cap = ncap;
    }
    uint32_t *s = find_slot(ix, ix->slots, ix->cap, id);
    if (!*s) {
        if (ix->count == ix->capents)
            ix->ents = ws_xrealloc(ix->ents, (ix->capents = ix->capents ? ix->capents * 2 : 1024) * sizeof *ix->ents);
        ix->ents[ix->count] = (id_entry){.id = ws_xstrdup(id)};
        *s = (uint32_t)++ix->count;
    }
    return &ix->ents[*s - 1];
}

static void mark_bad_for(records_index *ix, const char *id, int reason)
{
    if (!id || !*id) return;
    id_entry *e = entry_put(ix, id);
    e->bad = 1;
    if (!e->reason) e->reason = reason;
}

static void mark_bad(void *ud, const char *id) { mark_bad_for(ud, id, RECORDS_SKIP_ERRORS); }

/* ------------------------------------------------------------------ collecting one file */

static const char *attr_value(xmlNodePtr n, const char *name)
{
    xmlAttrPtr a = xmlHasProp(n, BAD_CAST name);
    return a && a->children && a->children->content ? (const char *)a->children->content : NULL;
}

static void add_ref(records_index *ix, const records_src *src, int file, xmlNodePtr node, const char *attr,
                    rec_kind want)
{
    const char *target = attr_value(node, attr);
    if (!target) return;
    if (ix->nrefs == ix->refcap) {
        ix->refcap = ix->refcap ? ix->refcap * 2 : 256;
        ix->refs = ws_xrealloc(ix->refs, ix->refcap * sizeof *ix->refs);
    }
    diag_loc loc = records_locate(src, node, attr);
    id_ref *r = &ix->refs[ix->nrefs++];
    r->from = loc.record ? ws_xstrdup(loc.record) : NULL;
    r->target = ws_xstrdup(target);
    r->what = ws_xstrdup(attr);
    r->name = NULL;
    if (want == REC_MEMBER) {
        xmlChar *text = xmlNodeGetContent(node);
        if (text && *text) r->name = ws_xstrdup((const char *)text);
        xmlFree(text);
    }
    r->want = want;
    r->file = file;
    r->line = loc.line;
    r->col = loc.col;
}

static void add_person_refs(records_index *ix, const records_src *src, int file, xmlNodePtr parent)
{
    for (xmlNodePtr c = parent->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (!strcmp((const char *)c->name, "secretary") ||
                                            !strcmp((const char *)c->name, "committee-member") ||
                                            !strcmp((const char *)c->name, "person")))
            add_ref(ix, src, file, c, "member", REC_MEMBER);
}

static int kind_of(xmlNodePtr n)
{
    for (int k = 0; k < REC_KINDS; k++)
        if (!strcmp((const char *)n->name, kind_names[k])) return k;
    return -1;
}

static void define_record(records_index *ix, const records_src *src, int file, xmlNodePtr n, rec_kind kind,
                          diag *d)
{
    const char *id = attr_value(n, "id");
    if (!id) return; /* the schema has said so */
    diag_loc loc = records_locate(src, n, NULL);
    id_entry *e = entry_put(ix, id);
    if (e->defined) {
        /* Both records are named (this one by the message's place); only this one is skipped,
         * so that a sound first record is still built. */
        diag_report(d, DIAG_ERROR, loc,
                    _("the id %s is already used by the record at %s:%ld: give this record an id of its own; "
                      "it is not built (the first one is not affected)"),
                    id, ix->paths[e->file], e->line);
        ix->repeats = ws_xrealloc(ix->repeats, (ix->nrepeats + 1) * sizeof *ix->repeats);
        ix->repeats[ix->nrepeats++] = (id_repeat){file, loc.line};
        return;
    }
    e->defined = 1;
    e->kind = kind;
    if (kind == REC_MEMBER) {
        for (xmlNodePtr c = n->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "name")) {
                xmlChar *text = xmlNodeGetContent(c);
                if (text) e->name = ws_xstrdup((const char *)text);
                xmlFree(text);
                break;
            }
    }
    e->file = file;
    e->line = loc.line;
    e->col = loc.col;
}

/* Organisation forms (通报, 专题报告) speak about members that live in other files; a summary keeps
 * what they need at a fraction of the member's size: the long texts stay behind. */
static xmlNodePtr copy_attributes_only(records_index *ix, xmlNodePtr n)
{
    xmlNodePtr copy = xmlDocCopyNode(n, ix->doc, 2);
    if (!copy) abort();
    return copy;
}

static void drop_namespaces(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        n->ns = NULL;
        if (n->nsDef) {
            xmlFreeNsList(n->nsDef);
            n->nsDef = NULL;
        }
        drop_namespaces(n->children);
    }
}

static void keep_member_summary(records_index *ix, xmlNodePtr member)
{
    xmlNodePtr sum = copy_attributes_only(ix, member);
    for (xmlNodePtr c = member->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const char *name = (const char *)c->name;
        xmlNodePtr copy = NULL;
        if (!strcmp(name, "name")) {
            copy = xmlDocCopyNode(c, ix->doc, 1); /* the one text forms quote */
            if (!copy) abort();
        } else if (!strcmp(name, "situation")) {
            /* kind, scope and where are counted and printed; the text is private (template_privacy.c)
             * and printed only on the member's own forms, which read the member's own record */
            copy = copy_attributes_only(ix, c);
        } else if (!strcmp(name, "opinions")) {
            copy = copy_attributes_only(ix, c); /* counted by channel, never quoted */
            for (xmlNodePtr o = c->children; o; o = o->next)
                if (o->type == XML_ELEMENT_NODE) xmlAddChild(copy, copy_attributes_only(ix, o));
        } else if (!strcmp(name, "study") || !strcmp(name, "evaluation")) {
            /* study sessions (their form: 送教上门) and the 回执 register are counted, never quoted */
            copy = copy_attributes_only(ix, c);
            for (xmlNodePtr o = c->children; o; o = o->next)
                if (o->type == XML_ELEMENT_NODE &&
                    (!strcmp((const char *)o->name, "session") || !strcmp((const char *)o->name, "receipt")))
                    xmlAddChild(copy, copy_attributes_only(ix, o));
        } else if (!strcmp(name, "analysis") || !strcmp(name, "rectification")) {
            copy = copy_attributes_only(ix, c);
        }
        if (copy) xmlAddChild(sum, copy);
    }
    drop_namespaces(sum);
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf) abort();
    xmlNodeDump(buf, ix->doc, sum, 0, 0);
    if (ix->nmembers == ix->capmembers) {
        ix->capmembers = ix->capmembers ? ix->capmembers * 2 : 64;
        ix->member_xml = ws_xrealloc(ix->member_xml, ix->capmembers * sizeof *ix->member_xml);
        ix->member_org = ws_xrealloc(ix->member_org, ix->capmembers * sizeof *ix->member_org);
    }
    const char *org = attr_value(member, "org");
    ix->member_xml[ix->nmembers] = ws_xstrdup((const char *)xmlBufferContent(buf));
    ix->member_org[ix->nmembers] = ws_xstrdup(org ? org : "");
    ix->nmembers++;
    xmlBufferFree(buf);
    xmlFreeNode(sum);
}

static void collect(records_index *ix, const records_src *src, int file, diag *d, records_safety *s)
{
    xmlNodePtr root = xmlDocGetRootElement(src->doc);
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        int kind = kind_of(n);
        if (kind < 0) continue;
        define_record(ix, src, file, n, (rec_kind)kind, d);
        switch (kind) {
        case REC_CAMPAIGN: {
            ix->stats.campaigns++;
            for (xmlNodePtr c = n->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "committee"))
                    add_person_refs(ix, src, file, c);
            if (ix->campaign) {
                id_entry *first = entry_get(ix, attr_value(ix->campaign, "id"));
                diag_report(d, DIAG_ERROR, records_locate(src, n, NULL),
                            _("a second campaign: the records of a run describe exactly one (the first is at %s:%ld)"),
                            first ? ix->paths[first->file] : "?", first ? first->line : 0L);
                continue;
            }
            break;
        }
        case REC_UNIT: ix->stats.units++; break;
        case REC_ORG:
            ix->stats.organisations++;
            add_ref(ix, src, file, n, "unit", REC_UNIT);
            add_ref(ix, src, file, n, "parent", REC_ORG);
            add_person_refs(ix, src, file, n);
            break;
        case REC_MEMBER:
            ix->stats.members++;
            add_ref(ix, src, file, n, "org", REC_ORG);
            if (!ix->no_members) keep_member_summary(ix, n); /* the member itself stays in its file */
            continue;
        }
        xmlNodePtr copy = xmlDocCopyNode(n, ix->doc, 1);
        if (!copy) abort();
        xmlAddChild(ix->root, copy);
        const char *id = attr_value(n, "id");
        id_entry *e = id ? entry_get(ix, id) : NULL;
        if (e && e->kind == (rec_kind)kind && !e->node) e->node = copy;
        if (kind == REC_CAMPAIGN) {
            ix->campaign = copy;
            records_rules_campaign_facts(copy, &ix->facts);
            records_rules_check_campaign(src, n, &ix->facts, d, mark_bad, ix);
        }
    }
    (void)s;
}

/* ------------------------------------------------------------------ the build */

static xmlSchemaPtr load_schema(records_safety *s, diag *d, const char *path)
{
    if (access(path, R_OK) != 0) {
        diag_report(d, DIAG_ERROR, (diag_loc){.file = path},
                    _("cannot read the records schema (set WENSHU_DATADIR to the folder holding schemas/)"));
        return NULL;
    }
    records_vocab_load(path); /* the fields' labels, for the messages of the reading threads */
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
    if (!pc) return NULL;
    xmlSchemaSetParserStructuredErrors(pc, records_xml_error, s);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (!schema) diag_report(d, DIAG_ERROR, (diag_loc){.file = path}, _("the records schema is not usable"));
    return schema;
}

typedef struct {
    records_index *ix;
    int file;
} lost_ctx;

/* records_harvest_ids: an id that the file that could not be read names. */
static void note_lost(void *ud, const char *id)
{
    lost_ctx *l = ud;
    id_entry *e = entry_put(l->ix, id);
    if (!e->lost) e->lost = l->file + 1;
}

/* The references are needed only until check_references has judged them: freed then, as they
 * are one or more per member (~180 bytes each, 18 MB for 100 000 members) and a build plans
 * and forks its workers after the index is finished. */
static void free_refs(records_index *ix)
{
    for (size_t i = 0; i < ix->nrefs; i++) {
        free(ix->refs[i].from);
        free(ix->refs[i].target);
        free(ix->refs[i].what);
        free(ix->refs[i].name);
    }
    free(ix->refs);
    ix->refs = NULL;
    ix->nrefs = ix->refcap = 0;
}

static void check_references(records_index *ix, diag *d)
{
    /* A reference to an id defined nowhere but named in a file that could not be read is a
     * consequence of that file's error: said once per file, with the records it costs, not as
     * an error per record. */
    size_t *lost = ws_xcalloc(ix->npaths ? ix->npaths : 1, sizeof *lost);
    ws_buf *lost_ids = ws_xcalloc(ix->npaths ? ix->npaths : 1, sizeof *lost_ids);
    for (size_t i = 0; i < ix->nrefs; i++) {
        id_ref *r = &ix->refs[i];
        id_entry *t = entry_get(ix, r->target);
        diag_loc loc = {.file = ix->paths[r->file], .line = r->line, .col = r->col, .record = r->from};
        if (t && !t->defined && t->lost) {
            size_t f = (size_t)t->lost - 1;
            id_entry *from = r->from ? entry_get(ix, r->from) : NULL;
            if (r->from && !(from && from->bad)) {
                if (lost[f] < 20)
                    ws_buf_printf(&lost_ids[f], "%s%s%s%s", lost_ids[f].len ? " " : "", r->from,
                                  from && from->name ? " " : "", from && from->name ? from->name : "");
                lost[f]++;
                mark_bad_for(ix, r->from, RECORDS_SKIP_CONSEQUENCE);
            }
            continue;
        }
        if (!t || !t->defined) {
            diag_report(d, DIAG_ERROR, loc, _("@%s refers to '%s', but no %s has that id in any input"), r->what,
                        r->target, _(kind_words[r->want]));
        } else if (t->kind != r->want) {
            diag_report(d, DIAG_ERROR, loc, _("@%s refers to '%s', which is %s, not %s"), r->what, r->target,
                        _(kind_with_article[t->kind]), _(kind_with_article[r->want]));
        } else {
            /* a name written beside a member's id must be that member's: a mismatch means one of
             * the two is wrong, and the form would print the name with the wrong member's data */
            if (r->name && t->name && strcmp(r->name, t->name))
                diag_report(d, DIAG_WARNING, loc, _("\"%s\" is written beside the member id %s, but %s is %s: correct the name or the id"),
                            r->name, r->target, r->target, t->name);
            continue;
        }
        if (r->from) mark_bad(ix, r->from);
    }
    for (size_t f = 0; f < ix->npaths; f++) {
        if (lost[f])
            diag_report(d, DIAG_ERROR, (diag_loc){0},
                        P_("because %s could not be read, %zu record that refers to a record in it is not built: %s%s",
                           "because %s could not be read, the %zu records that refer to records in it are not "
                           "built: %s%s",
                           lost[f]),
                        ix->paths[f], lost[f], lost_ids[f].data, lost[f] > 20 ? " …" : "");
        ws_buf_free(&lost_ids[f]);
    }
    free(lost);
    free(lost_ids);
}

/* An organisation tree must be a tree: walking up through @parent must end. */
static void check_cycles(records_index *ix, diag *d)
{
    size_t orgs = ix->stats.organisations;
    for (size_t i = 0; i < ix->cap; i++) {
        if (!ix->slots[i]) continue;
        id_entry *e = &ix->ents[ix->slots[i] - 1];
        if (!e->defined || e->kind != REC_ORG || !e->node) continue;
        id_entry *cur = e;
        for (size_t steps = 0; steps <= orgs; steps++) {
            const char *parent = attr_value(cur->node, "parent");
            id_entry *p = parent ? entry_get(ix, parent) : NULL;
            if (!p || !p->defined || p->kind != REC_ORG || !p->node) break;
            if (p == e) {
                diag_report(d, DIAG_ERROR,
                            (diag_loc){.file = ix->paths[e->file], .line = e->line, .col = e->col, .record = e->id},
                            _("the @parent chain of organisation '%s' loops back to itself"), e->id);
                e->bad = 1;
                break;
            }
            cur = p;
        }
    }
}

/* An index pass under way: the files are being read ahead while the caller does other work. */
struct records_index_pass {
    records_safety s; /* where libxml2 reports to, for the whole pass: its address is registered */
    xmlSchemaPtr schema;
    records_index *ix;
    records_reader *rd;
};

records_index_pass *records_index_begin(const char *schema_path, char *const *paths, size_t n, unsigned threads,
                                        diag *d)
{
    LIBXML_TEST_VERSION

    records_index_pass *p = ws_xcalloc(1, sizeof *p);
    records_safety_begin(&p->s, d, schema_path);
    p->schema = load_schema(&p->s, d, schema_path);
    if (!p->schema) {
        records_safety_end(&p->s);
        free(p);
        return NULL;
    }
    records_index *ix = p->ix = ws_xcalloc(1, sizeof *ix);
    ix->paths = ws_xcalloc(n ? n : 1, sizeof *ix->paths);
    ix->npaths = n;
    for (size_t i = 0; i < n; i++) ix->paths[i] = ws_xstrdup(paths[i]);
    ix->doc = xmlNewDoc(BAD_CAST "1.0");
    ix->root = xmlNewDocNode(ix->doc, NULL, BAD_CAST "wenshu", NULL);
    xmlDocSetRootElement(ix->doc, ix->root);
    ix->stats.files = n;
    ix->unread = ws_xcalloc(n ? n : 1, 1);
    p->s.bad = mark_bad;
    p->s.ud = ix;
    /* Reading, parsing and validating run ahead on threads of their own (records_read.c). */
    p->rd = records_reader_open_validating(ix->paths, n, threads, p->schema, d);
    return p;
}

records_index *records_index_finish(records_index_pass *p, int members, diag *d)
{
    if (!p) return NULL;
    records_index *ix = p->ix;
    records_safety *s = &p->s;
    size_t n = ix->npaths;
    /* Without the member summaries (several MB for 10 000 members, and a tenth of this pass) when
     * no document will read them. */
    ix->no_members = !members;
    /* Per file, the pieces read before the campaign was found (their per-record rules need its
     * dates and targets): a run of the file's first pieces, checked again at the end. */
    size_t *deferred = ws_xcalloc(n ? n : 1, sizeof *deferred);
    unsigned char *seen = ws_xcalloc(n ? n : 1, 1);
    size_t loaded = 0;
    records_src src;
    size_t i;
    records_load_status st;
    while ((st = records_reader_next(p->rd, &src, &i, d, mark_bad, ix)) != LOAD_END) {
        if (st != LOAD_OK) {
            if (st == LOAD_IO_ERROR) ix->stats.io_failures++;
            else ix->stats.data_failures++;
            ix->unread[i] = 1;
            lost_ctx lc = {ix, (int)i};
            records_harvest_ids(ix->paths[i], note_lost, &lc);
            /* A file found not well-formed after some of its pieces were read: none of its
             * records is made, as when a file cannot be read at all. */
            for (size_t k = 0; seen[i] && k < ix->count; k++)
                if (ix->ents[k].defined && ix->ents[k].file == (int)i) {
                    if (!ix->ents[k].bad) ix->ents[k].reason = RECORDS_SKIP_ERRORS;
                    ix->ents[k].bad = 1;
                }
            records_reader_recycle(p->rd, &src);
            continue;
        }
        if (!seen[i]) loaded++;
        seen[i] = 1;
        s->src = &src;
        collect(ix, &src, (int)i, d, s);
        if (ix->facts.have) records_rules_check_records(&src, xmlDocGetRootElement(src.doc), &ix->facts, d, mark_bad, ix);
        else deferred[i] = src.piece + 1;
        s->src = NULL;
        records_reader_recycle(p->rd, &src);
    }
    free(seen);
    records_reader_close(p->rd);
    /* Pieces read before the campaign was found, read again (the file was read once: what the
     * reading says was said then). */
    for (size_t f = 0; f < n && ix->facts.have; f++) {
        if (!deferred[f] || ix->unread[f]) continue;
        diag *quiet = diag_new(NULL);
        records_safety qs = *s;
        qs.d = quiet;
        records_stream *rs = records_stream_open(ix->paths[f], RECORDS_PIECE_RECORDS, RECORDS_PIECE_BYTES);
        xmlSetStructuredErrorFunc(&qs, records_xml_error);
        while (records_stream_next(rs, &src, &qs) == LOAD_OK) {
            size_t piece = src.piece;
            if (piece < deferred[f]) {
                records_unqualify(src.doc);
                records_rules_check_records(&src, xmlDocGetRootElement(src.doc), &ix->facts, d, mark_bad, ix);
            }
            records_src_free(&src);
            if (piece + 1 >= deferred[f]) break;
        }
        records_stream_close(rs);
        xmlSetStructuredErrorFunc(s, records_xml_error);
        diag_free(quiet);
    }
    free(deferred);
    s->src = NULL;

    if (!ix->campaign && loaded) /* when nothing could be read, saying so is enough */
        diag_report(d, DIAG_ERROR, (diag_loc){0},
                    _("no <campaign> record in any input: a run needs exactly one (see samples/campaign.xml)"));
    check_references(ix, d);
    free_refs(ix);
    check_cycles(ix, d);

    xmlSchemaFree(p->schema);
    records_safety_end(s);
    free(p);
    return ix;
}

records_index *records_index_build(const char *schema, char *const *paths, size_t n, unsigned threads, diag *d)
{
    return records_index_finish(records_index_begin(schema, paths, n, threads, d), 1, d);
}

void records_index_free(records_index *ix)
{
    if (!ix) return;
    for (size_t i = 0; i < ix->npaths; i++) free(ix->paths[i]);
    free(ix->paths);
    free(ix->repeats);
    free(ix->unread);
    for (size_t i = 0; i < ix->count; i++) {
        free(ix->ents[i].id);
        free(ix->ents[i].name);
    }
    free(ix->ents);
    free(ix->slots);
    free_refs(ix);
    for (size_t i = 0; i < ix->nmembers; i++) {
        free(ix->member_xml[i]);
        free(ix->member_org[i]);
    }
    free(ix->member_xml);
    free(ix->member_org);
    free(ix->scratch_id);
    free(ix->scratch_nodes);
    if (ix->scratch) xmlFreeDoc(ix->scratch);
    if (ix->doc) xmlFreeDoc(ix->doc);
    free(ix);
}

xmlNodePtr records_campaign(const records_index *ix) { return ix ? ix->campaign : NULL; }

xmlNodePtr records_lookup(const records_index *ix, const char *id)
{
    id_entry *e = ix ? entry_get(ix, id) : NULL;
    return e && e->defined && (e->kind == REC_UNIT || e->kind == REC_ORG) ? e->node : NULL;
}

/* ------------------------------------------------------------------ the organisation tree */

static char *child_text(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) {
            xmlChar *v = xmlNodeGetContent(c);
            char *s = ws_xstrdup(v ? (const char *)v : "");
            xmlFree(v);
            return s;
        }
    return NULL;
}

xmlNodePtr records_organisation_of(const records_index *ix, xmlNodePtr rec, char **name)
{
    xmlChar *org = xmlGetProp(rec, (const xmlChar *)"org");
    if (org) {
        xmlNodePtr node = records_lookup(ix, (const char *)org);
        *name = node ? child_text(node, "name") : NULL;
        if (!*name) *name = ws_xstrdup((const char *)org);
        xmlFree(org);
        return node;
    }
    *name = child_text(rec, "name");
    if (!*name) *name = ws_xstrdup("");
    return rec;
}

xmlNodePtr records_unit_of(const records_index *ix, xmlNodePtr node)
{
    const char *unit = node ? attr_value(node, "unit") : NULL;
    return unit ? records_lookup(ix, unit) : NULL;
}

xmlNodePtr records_parent_of(const records_index *ix, xmlNodePtr org)
{
    const char *parent = org ? attr_value(org, "parent") : NULL;
    xmlNodePtr p = parent ? records_lookup(ix, parent) : NULL;
    return p && !strcmp((const char *)p->name, "organisation") ? p : NULL;
}

xmlNodePtr records_indexed(const records_index *ix, xmlNodePtr rec)
{
    const char *id = rec ? attr_value(rec, "id") : NULL;
    return id ? records_lookup(ix, id) : NULL;
}

/* The one walk up the organisation tree, shared by records_member_owners (which owners a
 * member's documents depend on) and records_members (which members an organisation or unit
 * lists), so that the two can never disagree — an incremental build would otherwise miss a
 * change. From the organisation org_id up through @parent, each level gives the organisation
 * and the unit its @unit names, each node once, nearest first, at most max. The walk is bounded
 * (64 levels): a cycle is an error reported by the rules, not a reason to hang here; a unit met
 * through @org or @parent (also an error) ends it. */
static size_t owners_of_org(const records_index *ix, const char *org_id, xmlNodePtr *owners, size_t max)
{
    size_t n = 0;
    xmlNodePtr o = org_id ? records_lookup(ix, org_id) : NULL;
    for (int depth = 0; o && depth < 64 && strcmp((const char *)o->name, "unit"); depth++) {
        xmlNodePtr here[2] = {o, records_unit_of(ix, o)};
        for (int k = 0; k < 2; k++) {
            if (!here[k]) continue;
            size_t seen = 0;
            while (seen < n && owners[seen] != here[k]) seen++;
            if (seen < n || n == max) continue; /* a cycle, or a unit named twice up the tree */
            owners[n++] = here[k];
        }
        const char *parent = attr_value(o, "parent");
        o = parent ? records_lookup(ix, parent) : NULL;
    }
    return n;
}

size_t records_member_owners(const records_index *ix, xmlNodePtr member, xmlNodePtr *owners, size_t max)
{
    return owners_of_org(ix, attr_value(member, "org"), owners, max);
}

/* Whether a member of organisation org_id is counted by `id` (records_member_owners). */
static int organisation_within(const records_index *ix, const char *org_id, const char *id)
{
    xmlNodePtr owners[RECORDS_MAX_OWNERS];
    size_t n = owners_of_org(ix, org_id, owners, RECORDS_MAX_OWNERS);
    for (size_t i = 0; i < n; i++) {
        const char *oid = attr_value(owners[i], "id");
        if (oid && !strcmp(oid, id)) return 1;
    }
    return 0;
}

/* Parses the summaries of the members within `id` into a fresh scratch document. */
static void materialise_members(records_index *ix, const char *id)
{
    free(ix->scratch_id);
    free(ix->scratch_nodes);
    if (ix->scratch) xmlFreeDoc(ix->scratch);
    ix->scratch_id = ws_xstrdup(id);
    ix->scratch = NULL;
    ix->scratch_nodes = NULL;
    ix->scratch_n = 0;

    ws_buf xml = {0};
    ws_buf_puts(&xml, "<members>");
    size_t n = 0;
    for (size_t i = 0; i < ix->nmembers; i++)
        if (organisation_within(ix, ix->member_org[i], id)) {
            ws_buf_puts(&xml, ix->member_xml[i]);
            n++;
        }
    ws_buf_puts(&xml, "</members>");
    if (n) {
        /* written by libxml2 itself from validated records: no DOCTYPE, no entities */
        ix->scratch = xmlReadMemory(xml.data, (int)xml.len, "members", "UTF-8", XML_PARSE_NONET | XML_PARSE_HUGE);
        if (!ix->scratch) abort();
        ix->scratch_nodes = ws_xmalloc(n * sizeof *ix->scratch_nodes);
        for (xmlNodePtr c = xmlDocGetRootElement(ix->scratch)->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE) ix->scratch_nodes[ix->scratch_n++] = c;
    }
    ws_buf_free(&xml);
}

size_t records_members(const records_index *cix, const char *id, xmlNodePtr **out)
{
    *out = NULL;
    if (!cix || !id) return 0;
    records_index *ix = (records_index *)cix; /* the cache is not part of the index's meaning */
    if (ix->no_members) {
        fputs("wenshu: internal error: member summaries asked for of an index built without them\n", stderr);
        abort();
    }
    if (!ix->scratch_id || strcmp(ix->scratch_id, id)) materialise_members(ix, id);
    if (!ix->scratch_n) return 0;
    *out = ws_xmalloc(ix->scratch_n * sizeof **out);
    memcpy(*out, ix->scratch_nodes, ix->scratch_n * sizeof **out);
    return ix->scratch_n;
}

size_t records_organisations(const records_index *ix, const char *id, xmlNodePtr **out)
{
    *out = NULL;
    if (!ix || !id || !ix->root) return 0;
    size_t n = 0, cap = 0, orgs = ix->stats.organisations;
    for (xmlNodePtr o = ix->root->children; o; o = o->next) {
        if (o->type != XML_ELEMENT_NODE || strcmp((const char *)o->name, "organisation")) continue;
        /* Up the @parent chain from o (bounded: a loop ends the walk); o counts when the chain
         * meets the organisation id, or an organisation of the unit id. */
        xmlNodePtr cur = o;
        int hit = 0;
        for (size_t steps = 0; cur && steps <= orgs && !hit; steps++) {
            const char *cid = attr_value(cur, "id"), *unit = attr_value(cur, "unit");
            hit = (cid && !strcmp(cid, id)) || (unit && !strcmp(unit, id));
            const char *parent = attr_value(cur, "parent");
            id_entry *p = parent ? entry_get(ix, parent) : NULL;
            cur = p && p->defined && p->kind == REC_ORG ? p->node : NULL;
        }
        if (!hit) continue;
        if (n == cap) *out = ws_xrealloc(*out, (cap = cap ? cap * 2 : 16) * sizeof **out);
        (*out)[n++] = o;
    }
    return n;
}

int records_is_bad(const records_index *ix, const char *id)
{
    id_entry *e = ix ? entry_get(ix, id) : NULL;
    return e && e->bad;
}

int records_skip_reason(const records_index *ix, const char *id, size_t file, long line)
{
    id_entry *e = ix ? entry_get(ix, id) : NULL;
    if (!e) return RECORDS_SKIP_NONE;
    if (e->bad) return e->reason ? e->reason : RECORDS_SKIP_ERRORS;
    for (size_t i = 0; i < ix->nrepeats; i++)
        if ((size_t)ix->repeats[i].file == file && ix->repeats[i].line == line) return RECORDS_SKIP_DUPLICATE;
    return RECORDS_SKIP_NONE;
}

const char *records_skip_reason_text(int reason)
{
    switch (reason) {
    case RECORDS_SKIP_ERRORS: return _("the record has errors (see above)");
    case RECORDS_SKIP_DUPLICATE: return _("its id is already used by an earlier record");
    case RECORDS_SKIP_CONSEQUENCE: return _("it refers to a record in a file that could not be read");
    default: return "";
    }
}

size_t records_unread(const records_index *ix, const char **paths, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; ix && i < ix->npaths; i++)
        if (ix->unread[i] && n < max) paths[n++] = ix->paths[i];
    return n;
}

char *records_name_of(xmlNodePtr rec)
{
    for (xmlNodePtr c = rec ? rec->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "name")) {
            xmlChar *v = xmlNodeGetContent(c);
            char *s = ws_xstrdup(v ? (const char *)v : "");
            xmlFree(v);
            return s;
        }
    return ws_xstrdup("");
}

void records_index_stats(const records_index *ix, records_stats *out)
{
    if (ix) *out = ix->stats;
    else memset(out, 0, sizeof *out);
}

/* Templates address elements by local name (//member); once the schema has vouched for the
 * namespace it carries no more information. */
void records_unqualify(xmlDocPtr doc)
{
    for (xmlNodePtr n = doc ? xmlDocGetRootElement(doc) : NULL; n; n = records_next_element(n))
        if (n->type == XML_ELEMENT_NODE) n->ns = NULL;
}

xmlNodePtr records_next_element(xmlNodePtr n)
{
    if (n->type == XML_ELEMENT_NODE && n->children) return n->children;
    while (n && !n->next) {
        n = n->parent;
        if (n && n->type != XML_ELEMENT_NODE) n = NULL;
    }
    return n ? n->next : NULL;
}
