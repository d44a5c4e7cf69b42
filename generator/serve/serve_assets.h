/* serve_assets — the files of the workbench page (generator/serve/assets/), compiled into the
 * binary by the Makefile (embed_assets.py writes build/serve/serve_assets.c), so that `wenshu serve`
 * needs no installed web files and no network. */
#ifndef WENSHU_SERVE_ASSETS_H
#define WENSHU_SERVE_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *name; /* e.g. "app.js" */
    const char *mime; /* e.g. "text/javascript; charset=utf-8" */
    const unsigned char *data;
    size_t len;
} serve_asset;

/* The asset of this name; NULL when there is none. */
const serve_asset *serve_assets_find(const char *name);

#endif
