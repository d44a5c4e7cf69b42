/* keys — see keys.h. */
#include "batch/keys.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/plan.h"

void batch_key_file_bytes(sha256_state *s, const char *path)
{
    uint8_t d[SHA256_LEN];
    char err[256];
    sha256_add_str(s, path);
    if (sha256_file(path, d, NULL, err, sizeof err) == 0) sha256_add(s, d, sizeof d);
    else sha256_add_str(s, "(absent)");
}

void batch_key_file_identity(sha256_state *s, const char *path)
{
    struct stat st;
    char line[128];
    sha256_add_str(s, path);
    if (stat(path, &st) == 0)
        snprintf(line, sizeof line, "%lld %lld.%09ld", (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                 st.st_mtim.tv_nsec);
    else
        snprintf(line, sizeof line, "(absent)");
    sha256_add_str(s, line);
}

void keys_final(const build_plan *p, const build_options *o, size_t i, char hex[SHA256_HEX_LEN + 1])
{
    const build_item *it = &p->items[i];
    sha256_state s;
    uint8_t d[SHA256_LEN];
    sha256_begin(&s);
    sha256_add_str(&s, "wenshu build key 1");
    sha256_add_str(&s, o->version ? o->version : "");
    sha256_add_str(&s, o->archive ? "archive" : "plain");
    sha256_add_str(&s, it->relpath);
    if (it->record[0]) {
        sha256_add(&s, it->key, SHA256_LEN);
    } else {
        sha256_add_str(&s, "combined");
        for (size_t j = 0; j < p->n; j++) {
            const build_item *m = &p->items[j];
            if (!plan_is_member(o, it, m)) continue;
            sha256_add_str(&s, m->relpath);
            sha256_add_str(&s, m->title ? m->title : m->name);
            sha256_add(&s, m->key, SHA256_LEN);
        }
    }
    sha256_end(&s, d);
    sha256_hex(d, hex);
}
