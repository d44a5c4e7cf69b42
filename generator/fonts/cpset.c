/* cpset — fonts_cpset over hb_set_t (struct in fonts_int.h). The struct only wraps the pointer:
 * HarfBuzz's type does not appear in cpset.h, and the set costs one more call per operation. */
#include "fonts/cpset.h"

#include <hb.h>
#include <stdlib.h>

#include "base/util.h"
#include "fonts/fonts_int.h"

fonts_cpset *fonts_cpset_new(void)
{
    fonts_cpset *s = ws_xmalloc(sizeof *s);
    s->set = hb_set_create();
    return s;
}

void fonts_cpset_free(fonts_cpset *s)
{
    if (!s) return;
    hb_set_destroy(s->set);
    free(s);
}

void fonts_cpset_add(fonts_cpset *s, uint32_t v) { hb_set_add(s->set, v); }

int fonts_cpset_has(const fonts_cpset *s, uint32_t v) { return hb_set_has(s->set, v) != 0; }

size_t fonts_cpset_count(const fonts_cpset *s) { return hb_set_get_population(s->set); }

int fonts_cpset_next(const fonts_cpset *s, uint32_t *v)
{
    hb_codepoint_t c = *v; /* FONTS_CPSET_START == HB_SET_VALUE_INVALID: both are all ones */
    int more = hb_set_next(s->set, &c) != 0;
    *v = c;
    return more;
}
