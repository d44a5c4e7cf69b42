/* pdfdirect — see pdfdirect_int.h. Each writer below names the libharu 2.3.0 function whose
 * bytes it reproduces; where libharu has a special case (hidden objects, an empty binary, the
 * clamps of HPDF_IToA and HPDF_FToA), so does the writer, or it calls libharu's own helper. */
#include "pdf/pdfdirect_int.h"

#include <hpdf_consts.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <hpdf_utils.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdfdeflate_int.h"
#include "pdf/pdfpack_int.h"

static const char hex_digits[] = "0123456789ABCDEF";

static int write_value(ws_buf *b, void *obj);

/* HPDF_Stream_WriteEscapeName: at most HPDF_LIMIT_MAX_NAME_LEN bytes, #XX escapes. */
static void write_name(ws_buf *b, const char *name)
{
    char tmp[HPDF_LIMIT_MAX_NAME_LEN * 3 + 2], *t = tmp;
    size_t n = strnlen(name, HPDF_LIMIT_MAX_NAME_LEN);
    *t++ = '/';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (HPDF_NEEDS_ESCAPE(c)) {
            *t++ = '#';
            *t++ = hex_digits[c >> 4];
            *t++ = hex_digits[c & 15];
        } else {
            *t++ = (char)c;
        }
    }
    ws_buf_put(b, tmp, (size_t)(t - tmp));
}

/* HPDF_Stream_WriteEscapeText (a string without an encoder, no encryption): (…) with \ooo. */
static void write_text(ws_buf *b, const char *text)
{
    size_t n = text ? strnlen(text, HPDF_LIMIT_MAX_STRING_LEN) : 0;
    ws_buf_putc(b, '(');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (HPDF_NEEDS_ESCAPE(c)) {
            char e[4] = {'\\', (char)('0' + (c >> 6)), (char)('0' + ((c & 0x38) >> 3)), (char)('0' + (c & 7))};
            ws_buf_put(b, e, 4);
        } else {
            ws_buf_putc(b, (char)c);
        }
    }
    ws_buf_putc(b, ')');
}

/* HPDF_Binary_Write: <> when empty, else upper-case hex. */
static void write_binary(ws_buf *b, const HPDF_BYTE *p, HPDF_UINT len)
{
    if (!len) {
        ws_buf_put(b, "<>", 2);
        return;
    }
    ws_buf_putc(b, '<');
    for (HPDF_UINT i = 0; i < len; i++) {
        char h[2] = {hex_digits[p[i] >> 4], hex_digits[p[i] & 15]};
        ws_buf_put(b, h, 2);
    }
    ws_buf_putc(b, '>');
}

static void write_int(ws_buf *b, HPDF_INT32 v)
{
    char tmp[HPDF_INT_LEN + 1];
    char *e = HPDF_IToA(tmp, v, tmp + HPDF_INT_LEN);
    ws_buf_put(b, tmp, (size_t)(e - tmp));
}

/* HPDF_Obj_Write: nothing for a hidden object, "N G R" for a proxy, else the value. */
static int write_obj(ws_buf *b, void *obj)
{
    HPDF_Obj_Header *h = obj;
    if (h->obj_id & HPDF_OTYPE_HIDDEN) return 0;
    if (h->obj_class == HPDF_OCLASS_PROXY) {
        HPDF_Obj_Header *to = ((HPDF_Proxy)obj)->obj;
        write_int(b, (HPDF_INT32)(to->obj_id & 0x00FFFFFF));
        ws_buf_putc(b, ' ');
        write_int(b, to->gen_no);
        ws_buf_put(b, " R", 2);
        return 0;
    }
    return write_value(b, obj);
}

/* The bytes of a memory stream (HPDF_Stream_WriteToStream without a filter copies them). */
static int write_stream_bytes(ws_buf *b, HPDF_Stream s)
{
    if (s->type != HPDF_STREAM_MEMORY) return -1;
    HPDF_MemStreamAttr a = s->attr;
    size_t left = s->size;
    for (HPDF_UINT i = 0; left && i < a->buf->count; i++) {
        size_t n = left < a->buf_siz ? left : a->buf_siz;
        ws_buf_put(b, a->buf->obj[i], n);
        left -= n;
    }
    return left ? -1 : 0;
}

/* HPDF_Dict_Write, for what pdfdirect_int.h allows. */
static int write_dict(ws_buf *b, HPDF_Dict dict)
{
    ws_buf_put(b, "<<\012", 3);
    if (dict->before_write_fn && dict->before_write_fn(dict) != HPDF_OK) return -1;
    if (dict->stream) {
        if (dict->filter != HPDF_STREAM_FILTER_NONE) return -1;
        HPDF_Dict_RemoveElement(dict, "Filter");
    }
    for (HPDF_UINT i = 0; i < dict->list->count; i++) {
        HPDF_DictElement el = dict->list->obj[i];
        if (!el->value) return -1;
        if (((HPDF_Obj_Header *)el->value)->obj_id & HPDF_OTYPE_HIDDEN) continue;
        write_name(b, el->key);
        ws_buf_putc(b, ' ');
        if (write_obj(b, el->value) < 0) return -1;
        ws_buf_putc(b, '\012');
    }
    if (dict->write_fn) {
        if (!pdfdeflate_writes_filter(dict)) return -1;
        ws_buf_puts(b, PDFDEFLATE_FILTER_LINE);
    }
    ws_buf_put(b, ">>", 2);
    if (dict->stream) {
        HPDF_Number length = HPDF_Dict_GetItem(dict, "Length", HPDF_OCLASS_NUMBER);
        if (!length || !(length->header.obj_id & HPDF_OTYPE_INDIRECT)) return -1;
        ws_buf_put(b, "\012stream\015\012", 9);
        size_t at = b->len;
        if (write_stream_bytes(b, dict->stream) < 0) return -1;
        length->value = (HPDF_INT32)(b->len - at);
        ws_buf_put(b, "\012endstream", 10);
    }
    if (dict->after_write_fn && dict->after_write_fn(dict) != HPDF_OK) return -1;
    return 0;
}

/* HPDF_Array_Write: "[ ", each element and a space, "]". */
static int write_array(ws_buf *b, HPDF_Array a)
{
    ws_buf_put(b, "[ ", 2);
    for (HPDF_UINT i = 0; i < a->list->count; i++) {
        if (write_obj(b, a->list->obj[i]) < 0) return -1;
        ws_buf_putc(b, ' ');
    }
    ws_buf_putc(b, ']');
    return 0;
}

/* HPDF_Obj_WriteValue. */
static int write_value(ws_buf *b, void *obj)
{
    HPDF_Obj_Header *h = obj;
    switch (h->obj_class & HPDF_OCLASS_ANY) {
    case HPDF_OCLASS_NAME:
        write_name(b, ((HPDF_Name)obj)->value);
        return 0;
    case HPDF_OCLASS_NUMBER:
        write_int(b, ((HPDF_Number)obj)->value);
        return 0;
    case HPDF_OCLASS_REAL: {
        char tmp[HPDF_REAL_LEN + 1];
        char *e = HPDF_FToA(tmp, ((HPDF_Real)obj)->value, tmp + HPDF_REAL_LEN);
        ws_buf_put(b, tmp, (size_t)(e - tmp));
        return 0;
    }
    case HPDF_OCLASS_STRING:
        if (((HPDF_String)obj)->encoder) return -1;
        write_text(b, (const char *)((HPDF_String)obj)->value);
        return 0;
    case HPDF_OCLASS_BINARY:
        write_binary(b, ((HPDF_Binary)obj)->value, ((HPDF_Binary)obj)->len);
        return 0;
    case HPDF_OCLASS_ARRAY:
        return write_array(b, obj);
    case HPDF_OCLASS_DICT:
        return write_dict(b, obj);
    case HPDF_OCLASS_BOOLEAN:
        ws_buf_puts(b, ((HPDF_Boolean)obj)->value ? "true" : "false");
        return 0;
    case HPDF_OCLASS_NULL:
        ws_buf_put(b, "null", 4);
        return 0;
    default:
        return -1;
    }
}

static int is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0; }

int pdfdirect_pack(HPDF_Doc pdf, int level, ws_buf *out)
{
    HPDF_Xref xref = pdf->xref;
    if (pdf->encrypt_on || !xref || xref->prev || xref->start_offset != 0 || !pdf->catalog || !pdf->info) return -1;
    /* PrepareTrailer and WriteTrailer (hpdf_doc.c, hpdf_xref.c) */
    HPDF_Dict trailer = xref->trailer;
    if (HPDF_Dict_Add(trailer, "Root", pdf->catalog) != HPDF_OK || HPDF_Dict_Add(trailer, "Info", pdf->info) != HPDF_OK ||
        HPDF_Dict_AddNumber(trailer, "Size", xref->entries->count) != HPDF_OK)
        return -1;

    size_t n = xref->entries->count;
    pdfpack_obj *objs = ws_xcalloc(n ? n : 1, sizeof *objs);
    size_t *body_off = ws_xcalloc(n ? n : 1, sizeof *body_off);
    ws_buf text = {0};
    size_t nobjs = 0;
    int rc = -1;
    /* HPDF_Xref_WriteToStream: "N G obj", the value, "endobj"; entry 0 is the free head */
    for (size_t i = 1; i < n; i++) {
        HPDF_XrefEntry e = xref->entries->obj[i];
        if (e->entry_typ != HPDF_IN_USE_ENTRY || e->gen_no != 0 || !e->obj) goto done;
        pdfpack_obj *o = &objs[nobjs];
        o->num = i;
        o->off = text.len;
        write_int(&text, (HPDF_INT32)i);
        ws_buf_put(&text, " 0 obj\012", 7);
        body_off[nobjs] = text.len;
        if (write_value(&text, e->obj) < 0) goto done;
        o->body_len = text.len - body_off[nobjs];
        ws_buf_put(&text, "\012endobj\012", 8);
        o->end = text.len;
        nobjs++;
    }
    size_t trailer_at = text.len;
    if (write_dict(&text, trailer) < 0) goto done;
    /* the bodies as pdfpack_repack_level finds them: trimmed, a stream when it ends so */
    for (size_t k = 0; k < nobjs; k++) {
        const char *q = text.data + body_off[k];
        size_t len = objs[k].body_len;
        while (len && is_space(q[len - 1])) len--;
        while (len && is_space(*q)) q++, len--;
        objs[k].body = q;
        objs[k].body_len = len;
        objs[k].stream = len >= 9 && !memcmp(q + len - 9, "endstream", 9);
    }
    rc = pdfpack_objects(text.data, objs, nobjs, n, text.data + trailer_at, text.len - trailer_at, level, out);
done:
    ws_buf_free(&text);
    free(body_off);
    free(objs);
    return rc;
}
