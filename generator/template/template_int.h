/* Internals shared by the template modules: template.c (sources, compiling, the object),
 * template_parse.c (tags, blocks, partials), template_front.c (front matter), template_lint.c
 * (checking XPath before libxml2 sees it) and template_eval.c (merging). Not for other modules:
 * use template.h. */
#ifndef WENSHU_TEMPLATE_IMPL_H
#define WENSHU_TEMPLATE_IMPL_H

#include <libxml/xpath.h>

#include "base/diag.h"
#include "template/template.h"

typedef enum { TN_TEXT, TN_VALUE, TN_RAW, TN_EACH, TN_IF, TN_PARTIAL } tnode_kind;

typedef struct tnode tnode;
typedef struct {
    tnode **v;
    size_t n, cap;
} tnode_list;

typedef struct tpartial tpartial;

struct tnode {
    tnode_kind kind;
    const char *file; /* owned by the template (t->files) */
    long line, col;   /* of the tag, or of the text's start */
    char *src;        /* TEXT: the literal; VALUE/RAW/EACH/IF: the expression; PARTIAL: the name */
    size_t len;
    xmlXPathCompExprPtr comp;
    int table;          /* VALUE: the template line is a table row */
    int literal;        /* VALUE: inside a fenced block that prints literally (no escapes) */
    tnode_list body;    /* EACH/IF: the block; */
    tnode_list alt;     /* and its {{else}} part */
    tpartial *partial;  /* PARTIAL */
    char *indent;       /* PARTIAL: whitespace before a standalone tag, repeated on each line */
};

struct tpartial {
    char *name;
    const char *file;
    tnode_list body;
    int loading, failed;
};

/* Where an expression may appear, which decides the variables it may use. */
typedef enum { SCOPE_RECORDS, SCOPE_RECORD, SCOPE_LOOP } xpath_scope;

enum { PDF_TITLE, PDF_SUBJECT, PDF_KEYWORDS, PDF_AUTHOR, PDF_DATE, PDF_NFIELDS };

#define TEMPLATE_MAX_LOOPS 64 /* nesting of {{#each}}/{{#if}}, and of partials */

struct template {
    char *path, *partials_dir;
    char *name, *title, *records_src, *style;
    int is_public; /* front matter public: true — private text may not be printed (template_privacy.c) */
    xmlXPathCompExprPtr records;
    long records_line, records_col;
    tnode_list output;            /* file-name pattern */
    tnode_list pdf[PDF_NFIELDS];  /* metadata patterns */
    int has_pdf[PDF_NFIELDS];
    tnode_list body;
    tpartial **partials;
    size_t npartials;
    char **files; /* every file name nodes point to */
    size_t nfiles;

    const records_index *ix;
    xmlXPathContextPtr xc;
    xmlDocPtr dummy; /* the empty document expressions are dry-run against */

    /* Evaluation state: the variables of the record being merged, and the open loops. */
    int dry;
    xmlNodePtr v_record, v_organisation, v_unit, v_campaign;
    int nloops;
    double loop_position[TEMPLATE_MAX_LOOPS], loop_count[TEMPLATE_MAX_LOOPS];
    /* The last XPath error, captured from libxml2. */
    int err_code;
    long err_offset;
    size_t max_output;
    /* Steps left for the record being merged (XPath operations and nodes visited, plus one per
     * template node rendered), shared by every expression, loop and partial of the record; 0 when
     * no record is being merged. A step is a fraction of a microsecond, so the budget bounds a
     * record's time whatever the template does. */
    unsigned long steps_left;
    int out_of_steps;
    int steps_exhausted; /* records of this template (in this process) that ran out of steps */
};

/* Steps per record (see steps_left). The largest form, report.md, takes 228 steps per member of
 * an organisation (228 625 for 1 000 members), so this allows some 17 000; an expression whose
 * node sets grow with every step (count(//x/preceding::*)) costs libxml2 time quadratic in its
 * steps, 1.5 s for 4 million. */
#define TEMPLATE_MAX_STEPS 4000000UL
/* After this many records of a template ran out of steps, the rest are refused at once: the same
 * runaway would cost the same time for each (1 000 records × 1.5 s). */
#define TEMPLATE_MAX_EXHAUSTED 3

void tpl_tnode_list_push(tnode_list *l, tnode *n);
void tpl_tnode_list_free(tnode_list *l);

/* A libxml2 XPath error code as a sentence. */
const char *tpl_xpath_error_text(int code);

/* Evaluates comp with the current variables; NULL with t->err_code set on failure. */
xmlXPathObjectPtr tpl_eval(template *t, xmlXPathCompExprPtr comp, xmlNodePtr context);

/* Sets up the XPath context of a new template (functions, variables, error capture). */
int tpl_context_init(template *t);

/* Checks an expression before compiling: quotes, brackets, function names and argument counts,
 * namespace prefixes, variables. Returns 0, or -1 with a message and the byte offset of the
 * problem inside expr. */
int tpl_lint(template *t, const char *expr, size_t len, xpath_scope scope, char *msg, size_t msglen,
             size_t *offset);

/* ---- loading: template.c (sources, expressions), template_parse.c (tags, blocks, partials),
 * template_front.c (front matter) ---- */

#define TEMPLATE_MAX_FILE (1u << 20) /* a form is a few pages of Markdown */

/* A source file (or a quoted front matter value) with its line starts, for positions. */
typedef struct src {
    template *t;
    diag *d;
    const char *file; /* interned */
    const char *text;
    size_t len;
    size_t *lines; /* offset where each line starts */
    size_t nlines;
    int errors;
    const struct src *parent; /* a quoted front matter value: positions are those in the parent file */
    size_t parent_off;
} src;

const char *tpl_intern_file(template *t, const char *path);
void tpl_src_init(src *s, template *t, diag *d, const char *file, const char *text, size_t len);
/* 1-based line and character (not byte) column of a byte offset. */
void tpl_src_pos(const src *s, size_t off, long *line, long *col);
void tpl_src_error(src *s, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Compiles the expression at text[off, off+len) (a file offset), checking it first and dry-running
 * it against an empty document. `what` quotes the tag in messages. want_nodes: #each, records:. */
xmlXPathCompExprPtr tpl_compile_expr(src *s, size_t off, size_t len, xpath_scope scope, const char *what,
                                     int want_nodes);

typedef enum { TK_TEXT, TK_VALUE, TK_RAW, TK_EACH, TK_IF, TK_ELSE, TK_END_EACH, TK_END_IF, TK_PARTIAL, TK_COMMENT } tk_kind;

typedef struct {
    tk_kind kind;
    size_t start, end; /* the whole token */
    size_t arg, arglen; /* expression or partial name */
    int dropped, table, literal;
    size_t indent_len; /* standalone partial: whitespace before it */
} token;

typedef struct {
    token *v;
    size_t n, cap;
} tokens;

/* Splits text[from, to) into text and tags. values_only: front matter values (no blocks). Returns 0,
 * or -1 after reporting. */
int tpl_tokenize(src *s, size_t from, size_t to, tokens *tk, int values_only);
void tpl_quote_token(const src *s, const token *t, char *buf, size_t len);
tnode *tpl_new_node(const src *s, tnode_kind kind, size_t off);
/* Parses and compiles a body (a template's or a partial's); chain names the partials being loaded. */
int tpl_build_body(src *s, size_t from, size_t to, tnode_list *body, xpath_scope scope, const char **chain,
                   int chain_len);
/* A public template (is_public) may not print private text: reports each expression that would,
 * with its file and line, and returns how many (template_privacy.c). */
int tpl_privacy_check(template *t, diag *d);
/* The barrier behind the check: while a public template merges a record, tpl_privacy_hide(doc)
 * detaches the children (the text) of every private element of the record's document, and
 * tpl_privacy_show() puts them back. Elements and attributes stay. One document at a time. */
void tpl_privacy_hide(xmlDocPtr doc);
void tpl_privacy_show(void);
/* Reads the front matter into t; returns the offset where the body starts, or 0 after reporting. */
size_t tpl_parse_front_matter(src *s, size_t start);

#endif
