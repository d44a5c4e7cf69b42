/* records_xmlerr — libxml2's well-formedness errors in words a clerk reads.
 *
 * A records file that a clerk edited by hand (or that a spreadsheet macro wrote) breaks in a few
 * ways again and again: a tag misspelt or not closed, an "&" typed in a name, a "<" in a value,
 * an attribute without quotes, text after </wenshu>. libxml2 words these for programmers
 * ("Opening and ending tag mismatch: name line 7 and nam", "EntityRef: expecting ';'"); here each
 * code it reports for them gets a sentence that says what is wrong and what to type instead. The
 * place (file:line:col) is the caller's, from the error itself. Codes not listed keep libxml2's
 * text inside a sentence that says it is an XML format error. */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "records/records_xsd_int.h"

/* libxml2's own text, without its trailing newline, for the fallback sentence. */
static void xmlerr_trim(const char *in, char *out, size_t len)
{
    snprintf(out, len, "%s", in ? in : "");
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' ')) out[--n] = 0;
}

int records_xmlerr_message(const xmlError *e, char *out, size_t len)
{
    if (!e || e->domain != XML_FROM_PARSER) return 0;
    const char *s1 = e->str1 ? e->str1 : "", *s2 = e->str2 ? e->str2 : "";
    const char *m = e->message ? e->message : "";
    switch (e->code) {
    case XML_ERR_TAG_NAME_MISMATCH:
        snprintf(out, len,
                 _("<%s> opened on line %d is closed here by </%s>: a start tag and its end tag must have the same "
                   "name (one of them is misspelt, or an end tag is missing)"),
                 s1, e->int1, s2);
        return 1;
    case XML_ERR_TAG_NOT_FINISHED:
        snprintf(out, len, _("the file ends before <%s> of line %d is closed: add </%s> where it ends"), s1, e->int1,
                 s1);
        return 1;
    case XML_ERR_DOCUMENT_END:
        snprintf(out, len, _("the XML does not end properly here: every tag opened must be closed (<member> … </member>), and "
                                "nothing may follow </wenshu>"));
        return 1;
    case XML_ERR_DOCUMENT_EMPTY:
        snprintf(out, len, _("the file has no XML in it"));
        return 1;
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
        snprintf(out, len, _("&%s; is not known: to write the character & itself, type &amp;"), s1);
        return 1;
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
        snprintf(out, len, _("an & in text starts a character reference in XML: to write & itself, type &amp;"));
        return 1;
    case XML_ERR_NAME_REQUIRED:
        if (strstr(m, "EntityRef"))
            snprintf(out, len, _("an & in text starts a character reference in XML: to write & itself, type &amp;"));
        else
            snprintf(out, len, _("a < must begin a tag: to write < itself in text, type &lt;"));
        return 1;
    case XML_ERR_LT_IN_ATTRIBUTE:
        snprintf(out, len, _("a value in quotes may not contain <: type &lt; instead"));
        return 1;
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
        snprintf(out, len, _("an attribute's value must be in quotes, as in gender=\"男\""));
        return 1;
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
        snprintf(out, len, _("the attribute %s has no value: write it as %s=\"…\""), s1, s1);
        return 1;
    case XML_ERR_ATTRIBUTE_REDEFINED:
        snprintf(out, len, _("the attribute %s is written twice in this tag: keep one"), s1);
        return 1;
    case XML_ERR_GT_REQUIRED:
        snprintf(out, len, _("this tag is not closed with >"));
        return 1;
    case XML_ERR_LTSLASH_REQUIRED:
        snprintf(out, len, _("an end tag </…> is expected here"));
        return 1;
    case XML_ERR_STRING_NOT_CLOSED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
        snprintf(out, len, _("a value's closing quote is missing"));
        return 1;
    default: {
        if (!strncmp(m, "Excessive depth", 15)) return 0; /* the nesting limit: records_load.c words it */
        char raw[600];
        xmlerr_trim(m, raw, sizeof raw);
        snprintf(out, len, _("the file is not well-formed XML here (%s): check the tags and quotes at this place"),
                 raw);
        return 1;
    }
    }
}
