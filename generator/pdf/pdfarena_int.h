/* pdfarena — libharu's memory for one short document, taken from blocks and given back at once.
 *
 * libharu allocates some thousand small objects for a notice, each a malloc and a free. Its own
 * pool (HPDF_NewEx's mem_pool_buf_size) would save them but hands out addresses without
 * alignment (its HPDF_ALINMENT_SIZ is not set in Debian's build), which is undefined behaviour
 * for its structs. This arena aligns every piece to 16 bytes. libharu's allocation hooks take no
 * context, so the arena in use is per thread: pdfarena_begin before HPDF_NewEx, pdfarena_end
 * after HPDF_Free, in the same thread, not nested. Between them pdfarena_alloc and
 * pdfarena_free are the hooks; freeing is a no-op, so a document that frees and allocates much
 * (a volume's growing lists) must not use it. */
#ifndef WENSHU_PDF_PDFARENA_INT_H
#define WENSHU_PDF_PDFARENA_INT_H

#include <hpdf.h>

void pdfarena_begin(void);
void *pdfarena_alloc(HPDF_UINT size);
void pdfarena_free(void *p);
void pdfarena_end(void);

#endif
