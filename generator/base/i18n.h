/* i18n — the language of what wenshu says to people.
 *
 * Every message a user reads (diagnostics, summaries, progress, usage, --help) is written in the
 * sources in English and wrapped in _() (or N_() where it is only marked, in a static table, and
 * _() is applied where it is printed). The Chinese text is in generator/po/zh_CN.po, compiled to
 * wenshu.mo and installed as PREFIX/share/locale/zh_CN/LC_MESSAGES/wenshu.mo (and zh_SG).
 *
 * Data — the PDFs, merged Markdown, manifests, XML — never goes through _(): forms are Chinese
 * whatever the locale, and output must not depend on who ran the command. */
#ifndef WENSHU_I18N_H
#define WENSHU_I18N_H

#include <libintl.h>

#define WS_TEXTDOMAIN "wenshu"
#define _(msgid) dgettext(WS_TEXTDOMAIN, msgid)
#define N_(msgid) (msgid)
/* Plural forms: ngettext with the domain (Chinese has one form; English two). */
#define P_(one, many, n) dngettext(WS_TEXTDOMAIN, one, many, n)

/* Chooses the messages' language as GNU tools do — LANGUAGE, then LC_ALL, LC_MESSAGES, LANG — and
 * binds the catalogue found under localedir (…/locale/zh_CN/LC_MESSAGES/wenshu.mo). Only
 * LC_MESSAGES is set from the environment: LC_NUMERIC stays "C" so that numbers in PDFs and
 * manifests keep their decimal point, and LC_CTYPE is untouched (the catalogue is bound as UTF-8).
 *
 * Where the locale the environment names is not generated (a fresh Debian has only C, C.UTF-8
 * and POSIX), setlocale fails and glibc would speak English. A clerk who set LANG=zh_CN.UTF-8
 * still expects Chinese, so then LC_MESSAGES becomes C.UTF-8 (which, unlike "C", lets gettext
 * honour LANGUAGE) and, when LANGUAGE is unset, LANGUAGE is set to the requested language.
 * Call once, first thing in main(), before any thread starts. */
void ws_i18n_init(const char *localedir);

/* 1 when messages are being given in Chinese (the catalogue was found and is in use). For the
 * few places that must pick between two wordings that are not messages (e.g. a separator). */
int ws_i18n_chinese(void);

#endif
