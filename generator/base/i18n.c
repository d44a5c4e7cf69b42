/* i18n — choosing the messages' language; see i18n.h for the rules. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"

/* The first non-empty of the variables that name the messages' locale, as POSIX orders them. */
static const char *i18n_requested(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return v;
    }
    return NULL;
}

static int i18n_is_c(const char *name)
{
    return !name || !*name || !strcmp(name, "C") || !strcmp(name, "POSIX");
}

void ws_i18n_init(const char *localedir)
{
    const char *wanted = i18n_requested();
    if (!setlocale(LC_MESSAGES, "") && !i18n_is_c(wanted)) {
        /* The locale is not generated. "zh_CN.UTF-8@x" -> LANGUAGE "zh_CN". */
        char lang[64];
        size_t n = strcspn(wanted, ".@");
        if (n >= sizeof lang) n = sizeof lang - 1;
        memcpy(lang, wanted, n);
        lang[n] = 0;
        if (setlocale(LC_MESSAGES, "C.UTF-8") || setlocale(LC_MESSAGES, "C.utf8")) {
            const char *language = getenv("LANGUAGE");
            if ((!language || !*language) && *lang) setenv("LANGUAGE", lang, 1);
        }
    }
    if (localedir) bindtextdomain(WS_TEXTDOMAIN, localedir);
    bind_textdomain_codeset(WS_TEXTDOMAIN, "UTF-8");
    /* strerror() and strsignal() are translated through the "libc" domain, converted to
     * LC_CTYPE's codeset — "C", ASCII, as LC_CTYPE is left alone — which turns Chinese into
     * "????"; they are woven into wenshu's messages, which are UTF-8. */
    bind_textdomain_codeset("libc", "UTF-8");
}

int ws_i18n_chinese(void)
{
    /* The catalogue translates its own header entry's key: a known msgid. */
    const char *probe = N_("wenshu");
    return dgettext(WS_TEXTDOMAIN, probe) != probe;
}
