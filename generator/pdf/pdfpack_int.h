/* pdfpack's packing step on its own, for a writer that has the objects already (pdfdirect.c)
 * rather than a file to parse. Private to pdf/. */
#ifndef WENSHU_PDFPACK_INT_H
#define WENSHU_PDFPACK_INT_H

#include <stddef.h>

#include "base/util.h"

/* One object of the input, as libharu writes it ("N 0 obj\n", the value, "\nendobj\n"). */
typedef struct {
    size_t num;
    size_t off, end;  /* the object's bytes in the input, "N 0 obj" to the next object */
    const char *body; /* between "obj" and "endobj", trimmed: the value */
    size_t body_len;
    int stream;       /* the value is a stream (it ends with "endstream") */
} pdfpack_obj;

/* The packed file (pdfpack.h) of nobjs objects of text, in the order of their offsets, numbered
 * below size; trailer is the trailer dictionary's text ("<< … >>", its /Size left out of the
 * new one). What pdfpack_repack_level does once it has parsed its input: the same bytes for the
 * same objects. Returns 0, or -1 with nothing written. */
int pdfpack_objects(const char *text, const pdfpack_obj *objs, size_t nobjs, size_t size, const char *trailer,
                    size_t trailer_len, int level, ws_buf *out);

#endif
