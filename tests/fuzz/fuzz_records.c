/* libFuzzer harness for the record loader: the input is one records file, checked together with
 * the sample campaign (so that cross-file references and the campaign rules run too) exactly as
 * `wenshu check samples/campaign.xml INPUT` would, then parsed alone and unqualified as
 * `wenshu merge` does. Any crash, sanitizer report or leak is a bug; refusing the input is not. */
#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>

#include "base/diag.h"
#include "records/records.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_scratch_file(data, size);
    char *paths[2] = {WENSHU_ROOT "/samples/campaign.xml", (char *)path};

    diag *d = diag_new(NULL);
    records_index *ix = records_index_build(WENSHU_ROOT "/schemas/campaign.xsd", paths, 2, 1, d);
    if (ix) {
        /* The queries later stages make on whatever the index holds. */
        (void)records_campaign(ix);
        (void)records_lookup(ix, "U01");
        (void)records_is_bad(ix, "M01");
        records_index_free(ix);
    }
    xmlDocPtr doc = records_parse_file(path, d);
    if (doc) {
        records_unqualify(doc);
        xmlFreeDoc(doc);
    }
    diag_free(d);
    return 0;
}
