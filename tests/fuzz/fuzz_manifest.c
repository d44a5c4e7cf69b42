/* libFuzzer harness for manifest.json parsing (wenshu verify, incremental builds and the merge of
 * sharded manifests read it back from OUT, where anyone with write access could have edited it).
 * Besides crashes, two properties are checked, and their failure aborts:
 *  - every path accepted is safe (outpath_rel_ok): a tampered manifest cannot point outside OUT;
 *  - what is accepted survives a round trip: serialised and parsed again, it gives the same text. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/manifest.h"
#include "batch/outpath.h"
#include "base/util.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    manifest m = {0};
    char err[512];
    if (manifest_parse((const char *)data, size, &m, err, sizeof err) == 0) {
        for (size_t i = 0; i < m.n; i++)
            if (!outpath_rel_ok(m.v[i].path)) {
                fprintf(stderr, "unsafe path accepted: '%s'\n", m.v[i].path);
                abort();
            }
        ws_buf once = {0}, twice = {0};
        manifest_serialize(&m, &once);
        manifest again = {0};
        if (manifest_parse(once.data, once.len, &again, err, sizeof err) != 0) {
            fprintf(stderr, "a serialised manifest does not parse: %s\n%s\n", err, once.data);
            abort();
        }
        manifest_serialize(&again, &twice);
        if (once.len != twice.len || memcmp(once.data, twice.data, once.len) != 0) {
            fprintf(stderr, "round trip changed the manifest:\n%s\n---\n%s\n", once.data, twice.data);
            abort();
        }
        manifest_free(&again);
        ws_buf_free(&once);
        ws_buf_free(&twice);
    }
    manifest_free(&m);
    return 0;
}
