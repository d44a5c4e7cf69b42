/* Internals shared by template.c (loading, compiling), template_lint.c (checking XPath before
 * libxml2 sees it) and template_eval.c (merging). Not for other modules: use template.h. */
#ifndef WENSHU_TEMPLATE_IMPL_H
#define WENSHU_TEMPLATE_IMPL_H

#include <libxml/xpath.h>

#include "template.h"

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

enum { PDF_TITLE, PDF_SUBJECT, PDF_KEYWORDS, PDF_AUTHOR, PDF_NFIELDS };

#define TEMPLATE_MAX_LOOPS 64 /* nesting of {{#each}}/{{#if}}, and of partials */

struct template {
    char *path, *partials_dir;
    char *name, *title, *records_src, *style;
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
};

void tnode_list_push(tnode_list *l, tnode *n);
void tnode_list_free(tnode_list *l);

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

#endif
