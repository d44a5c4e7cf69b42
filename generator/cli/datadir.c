/* Where the shipped templates, styles and schemas live. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"

#ifndef WENSHU_PREFIX
#define WENSHU_PREFIX "/usr/local"
#endif

/* The folder holding the running binary, into exe (PATH_MAX bytes): 1, or 0 where /proc/self/exe
 * cannot be read (then the callers fall back to PREFIX). */
static int exe_folder(char exe[PATH_MAX])
{
    ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX - 1);
    if (n <= 0) return 0;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    *slash = 0;
    return 1;
}

const char *cli_datadir(void)
{
    static char dir[PATH_MAX];
    static char env_dir[PATH_MAX];
    const char *env = getenv("WENSHU_DATADIR"); /* read every time: tests change it */
    if (env && *env) {
        snprintf(env_dir, sizeof env_dir, "%s", env);
        return env_dir;
    }
    if (dir[0]) return dir;
    /* A source tree: the binary sits next to templates/ and schemas/. */
    char exe[PATH_MAX];
    if (exe_folder(exe)) {
        char probe[PATH_MAX + 32];
        for (int up = 0; up < 2; up++) {
            snprintf(probe, sizeof probe, "%s/schemas/campaign.xsd", exe);
            if (access(probe, R_OK) == 0) {
                snprintf(dir, sizeof dir, "%s", exe);
                return dir;
            }
            char *slash = strrchr(exe, '/'); /* build/wenshu: try the parent */
            if (!slash) break;
            *slash = 0;
        }
    }
    snprintf(dir, sizeof dir, "%s/share/wenshu", WENSHU_PREFIX);
    return dir;
}

const char *cli_schema_path(void)
{
    static char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/schemas/campaign.xsd", cli_datadir());
    return path;
}

/* Where the message catalogues are: beside a binary in a build folder (build/wenshu ->
 * build/locale, made by the Makefile from generator/po/; build-asan/wenshu -> build-asan/locale),
 * for ./wenshu at a source tree's top build/locale, for an installed BIN/wenshu BIN/../share/locale
 * (so that a tree installed under DESTDIR or moved elsewhere still speaks Chinese), else
 * PREFIX/share/locale. WENSHU_LOCALEDIR overrides (tests). */
const char *cli_localedir(void)
{
    static char dir[PATH_MAX + 32];
    const char *env = getenv("WENSHU_LOCALEDIR");
    if (env && *env) {
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    char exe[PATH_MAX];
    if (exe_folder(exe)) {
        static const char *const below[] = {"locale", "build/locale", "../share/locale"};
        for (size_t i = 0; i < sizeof below / sizeof *below; i++) {
            char probe[PATH_MAX + 64];
            snprintf(probe, sizeof probe, "%s/%s/zh_CN/LC_MESSAGES/wenshu.mo", exe, below[i]);
            if (access(probe, R_OK) == 0) {
                snprintf(dir, sizeof dir, "%s/%s", exe, below[i]);
                return dir;
            }
        }
    }
    snprintf(dir, sizeof dir, "%s/share/locale", WENSHU_PREFIX);
    return dir;
}
