#include "fonts/cffhint_int.h"

#include <string.h>

#define MAX_ARGS 48 /* the Type 2 argument stack limit */

/* Operators (escaped ones as 1200 + the second byte) */
enum {
    CS_HSTEM = 1, CS_VSTEM = 3, CS_VMOVETO = 4, CS_RLINETO = 5, CS_HLINETO = 6, CS_VLINETO = 7,
    CS_RRCURVETO = 8, CS_CALLSUBR = 10, CS_RETURN = 11, CS_ESCAPE = 12, CS_ENDCHAR = 14,
    CS_HSTEMHM = 18, CS_HINTMASK = 19, CS_CNTRMASK = 20, CS_RMOVETO = 21, CS_HMOVETO = 22,
    CS_VSTEMHM = 23, CS_RCURVELINE = 24, CS_RLINECURVE = 25, CS_VVCURVETO = 26, CS_HHCURVETO = 27,
    CS_CALLGSUBR = 29, CS_VHCURVETO = 30, CS_HVCURVETO = 31,
    CS_HFLEX = 1234, CS_FLEX = 1235, CS_HFLEX1 = 1236, CS_FLEX1 = 1237,
};

/* The length of the number starting with byte b (28: 16-bit integer, 255: 16.16 fixed,
 * 32-246: one byte, 247-254: two bytes); 0 for an operator byte. */
static inline size_t number_len(unsigned b)
{
    return b >= 32 ? (b <= 246 ? 1 : b == 255 ? 5 : 2) : b == 28 ? 3 : 0;
}

int cffhint_strip(const unsigned char *cs, size_t len, ws_buf *out)
{
    const unsigned char *p = cs, *end = cs + len;
    const unsigned char *args = p;   /* the operands of the coming operator start here */
    int n = 0;                       /* ...and there are n of them */
    size_t first_len = 0;            /* the byte length of the first of them */
    const unsigned char *width = NULL; /* the width operand of a dropped hint operator, not yet written */
    size_t width_len = 0;
    int width_done = 0;              /* the first stack-clearing operator has been seen */
    unsigned stems = 0;
    int ended = 0;
    /* The result is never longer than cs (the width only moves forward over dropped hints), so
     * room for all of it is made once and the kept pieces are copied in place: a notice strips
     * 100 KB of charstrings, a call per operator would cost more than the walk. */
    size_t start = out->len;
    ws_buf_put(out, cs, len);
    unsigned char *w = (unsigned char *)out->data + start;

    while (p < end) {
        size_t l = number_len(*p);
        if (l) {
            if ((size_t)(end - p) < l || n == MAX_ARGS) goto bad;
            if (!n) first_len = l;
            n++;
            p += l;
            continue;
        }
        const unsigned char *op_at = p;
        int op = *p++;
        if (op == CS_ESCAPE) {
            if (p == end) goto bad;
            op = 1200 + *p++;
        }
        int has_width = 0, keep = 1;
        switch (op) {
        case CS_HSTEM: case CS_VSTEM: case CS_HSTEMHM: case CS_VSTEMHM:
        case CS_HINTMASK: case CS_CNTRMASK:
            /* operand pairs are stems (before a mask: the implicit vstems); an odd one out
             * is the width, and only at the first stack-clearing operator */
            if (n % 2) {
                if (width_done) goto bad;
                has_width = 1;
            }
            stems += (unsigned)n / 2;
            keep = 0;
            if (op == CS_HINTMASK || op == CS_CNTRMASK) {
                size_t mask = (stems + 7) / 8;
                if ((size_t)(end - p) < mask) goto bad;
                p += mask;
            }
            break;
        case CS_RMOVETO:
            has_width = !width_done && n > 2;
            break;
        case CS_HMOVETO: case CS_VMOVETO:
            has_width = !width_done && n > 1;
            break;
        case CS_ENDCHAR:
            has_width = !width_done && (n == 1 || n == 5);
            break;
        case CS_RLINETO: case CS_HLINETO: case CS_VLINETO: case CS_RRCURVETO: case CS_RCURVELINE:
        case CS_RLINECURVE: case CS_VVCURVETO: case CS_HHCURVETO: case CS_VHCURVETO: case CS_HVCURVETO:
        case CS_HFLEX: case CS_FLEX: case CS_HFLEX1: case CS_FLEX1:
            if (!width_done) goto bad; /* a path must start with a moveto */
            break;
        default: /* subroutines, arithmetic, storage, reserved */
            goto bad;
        }
        if (!width_done && has_width && !keep) {
            width = args; /* kept for the operator that stays */
            width_len = first_len;
        }
        if (keep) {
            if (width) { /* the width a dropped hint operator had, in front of the first kept one */
                memmove(w, width, width_len);
                w += width_len;
                width = NULL;
            }
            size_t l = (size_t)(op_at - args) + (op >= 1200 ? 2 : 1);
            memmove(w, args, l);
            w += l;
        }
        width_done = 1;
        args = p;
        n = 0;
        if (op == CS_ENDCHAR) {
            ended = 1;
            break; /* anything after it is never read */
        }
    }
    if (!ended) goto bad;
    out->len = start + (size_t)(w - ((unsigned char *)out->data + start));
    out->data[out->len] = 0;
    return 0;
bad:
    out->len = start;
    out->data[start] = 0;
    return -1;
}
