/* records_xsd_int — the schema as the messages see it (records_vocab.c) and the translation of
 * libxml2's schema validity errors into messages a clerk can act on (records_xsderr.c). Private
 * to records/; the public part (records_vocab_load and the name checks) is in records.h. */
#ifndef WENSHU_RECORDS_XSD_INT_H
#define WENSHU_RECORDS_XSD_INT_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* The declaration (in the schema document) of the records element inst, found from the root
 * down its ancestors; NULL when the schema declares no such element there or none is loaded. */
xmlNodePtr records_vocab_element(xmlNodePtr inst);
/* The element (attribute 0) or attribute (1) declaration called name that parent_decl allows. */
xmlNodePtr records_vocab_child(xmlNodePtr parent_decl, const char *name, int attribute);
/* The element or attribute declarations parent_decl allows, in schema order, at most max. */
size_t records_vocab_children(xmlNodePtr parent_decl, int attribute, xmlNodePtr *out, size_t max);
/* The declaration's @name. */
const char *records_vocab_name(xmlNodePtr decl);
/* The field's name for messages: its Chinese label when messages are Chinese, else its name
 * as written in the XML; fallback when decl is NULL. */
void records_vocab_label(xmlNodePtr decl, const char *fallback, char *out, size_t len);
/* The local name of the simple type of the declaration's value ("date", "Name", "Count", …),
 * through named types and simple content; NULL when it has none (element-only content). */
const char *records_vocab_value_type(xmlNodePtr decl);
/* The candidate nearest to name by edit distance (at most 1 edit for short names, 2 for names
 * of five letters or more), or NULL. */
const char *records_vocab_nearest_of(const char *name, const char *const *cands, size_t n);

/* Writes into out the message for a schema validity error (domain XML_FROM_SCHEMASV): the
 * field by its label, what is expected with an example, the value found, and the record's kind,
 * id and name. Codes it does not know get a generic sentence with libxml2's text. Returns 0 when
 * e is not a validity error (the caller keeps libxml2's wording), 1 when out is written. */
int records_xsderr_message(const xmlError *e, char *out, size_t len);

/* The attribute a schema error is about, as libxml2 names it in its text ("…, attribute
 * 'gender': …"), into attr; 0 when the text names none (or it does not fit). */
int records_xsderr_attribute(const char *msg, char *attr, size_t len);

/* The same for a well-formedness error (domain XML_FROM_PARSER), records_xmlerr.c: what is wrong
 * and what to type instead. Returns 0 when e is not a parser error. */
int records_xmlerr_message(const xmlError *e, char *out, size_t len);

#endif
