/* style — the style file parser (format: docs/styles.md). */
#include "typeset/style.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/i18n.h"

#define PT_PER_MM (72.0f / 25.4f)

static void block_init(block_style *b, fonts_role role, float size)
{
    memset(b, 0, sizeof *b);
    b->role = role;
    b->size = size;
    b->align = ALIGN_JUSTIFY;
}

/* Defaults are GB/T 9704 so that a style file only has to say what differs. */
static void style_defaults(style *s)
{
    s->page_w = 210 * PT_PER_MM;
    s->page_h = 297 * PT_PER_MM;
    s->top = 37 * PT_PER_MM;
    s->left = 28 * PT_PER_MM;
    s->block_w = 156 * PT_PER_MM;
    s->block_h = 225 * PT_PER_MM;
    s->grid_chars = 28;
    s->grid_lines = 22;
    s->line_pitch = 0;
    s->normalise_punctuation = 1;
    s->cjk_latin_space = 0.25f;
    s->line_end_half = 1; /* GB/T 15834 5.1.10 */
    block_init(&s->body, ROLE_BODY, 16);
    s->body.indent = 2;
    block_init(&s->title, ROLE_TITLE, 22);
    s->title.align = ALIGN_CENTRE;
    s->title.after = 1;
    s->title.balance = 1;
    block_init(&s->quote, ROLE_KAI, 16);
    s->quote.indent = 2;
    s->quote.left = 2;
    block_init(&s->list, ROLE_BODY, 16);
    block_init(&s->code, ROLE_MONO, 14);
    s->code.align = ALIGN_LEFT;
    static const fonts_role hroles[STYLE_HEADINGS] = {ROLE_HEI, ROLE_KAI, ROLE_BODY, ROLE_BODY, ROLE_BODY};
    for (int i = 0; i < STYLE_HEADINGS; i++) {
        block_init(&s->heading[i], hroles[i], 16);
        s->heading[i].indent = 2;
        s->heading[i].align = ALIGN_LEFT;
    }
    s->list_indent = 2;
    s->pn_role = ROLE_SONG;
    s->pn_size = 14;
    s->pn_format = ws_xstrdup("— {n} —");
    s->pn_below = 7 * PT_PER_MM;
    s->pn_side = PN_OUTSIDE;
    s->pn_indent = 1;
}

void style_free(style *s)
{
    if (!s) return;
    free(s->name);
    free(s->path);
    for (int r = 0; r < ROLE_COUNT; r++) {
        for (size_t i = 0; i < s->nfonts[r]; i++) free(s->fonts[r][i]);
        free(s->fonts[r]);
    }
    for (int r = 0; r <= ROLE_COUNT; r++) {
        for (size_t i = 0; i < s->nlatin[r]; i++) free(s->latin[r][i]);
        free(s->latin[r]);
    }
    free(s->pn_format);
    free(s);
}

/* ---- value parsers: each returns 0 or -1 with a reason in *why ---- */

static int parse_number(const char *v, float *out, const char **rest)
{
    errno = 0;
    char *end;
    double x = strtod(v, &end);
    if (end == v || errno || !isfinite(x)) return -1;
    *out = (float)x;
    *rest = end;
    return 0;
}

static int parse_length(const char *v, float *out, const char **why)
{
    const char *u;
    float x;
    if (parse_number(v, &x, &u) < 0 || x < 0) {
        *why = _("expected a length such as 37mm or 16pt");
        return -1;
    }
    if (!strcmp(u, "mm")) x *= PT_PER_MM;
    else if (!strcmp(u, "cm")) x *= 10 * PT_PER_MM;
    else if (!strcmp(u, "in")) x *= 72;
    else if (strcmp(u, "pt")) {
        *why = _("a length needs a unit: mm, cm, in or pt");
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_plain(const char *v, float *out, float lo, float hi, const char *unit, const char **why)
{
    const char *u;
    float x;
    if (parse_number(v, &x, &u) < 0 || (*u && strcmp(u, unit)) || x < lo || x > hi) {
        *why = _("number out of range or with a wrong unit");
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_int(const char *v, int *out, int lo, int hi, const char **why)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno || x < lo || x > hi) {
        *why = _("expected a whole number in range");
        return -1;
    }
    *out = (int)x;
    return 0;
}

static int parse_bool(const char *v, int *out, const char **why)
{
    if (!strcmp(v, "true") || !strcmp(v, "yes")) *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "no")) *out = 0;
    else {
        *why = _("expected true or false");
        return -1;
    }
    return 0;
}

static int parse_role(const char *v, fonts_role *out, const char **why)
{
    int r = fonts_role_from_name(v);
    if (r < 0) {
        *why = _("expected a font role: body, title, hei, kai, song or mono");
        return -1;
    }
    *out = (fonts_role)r;
    return 0;
}

static int parse_align(const char *v, text_align *out, const char **why)
{
    static const char *names[] = {"justify", "left", "centre", "right"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(v, names[i])) {
            *out = (text_align)i;
            return 0;
        }
    if (!strcmp(v, "center")) {
        *out = ALIGN_CENTRE;
        return 0;
    }
    *why = _("expected justify, left, centre or right");
    return -1;
}

static void set_list(char ***list, size_t *nlist, const char *v)
{
    for (size_t i = 0; i < *nlist; i++) free((*list)[i]);
    free(*list);
    *list = NULL;
    *nlist = 0;
    const char *p = v;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        const char *a = p, *b = p + n;
        while (a < b && isspace((unsigned char)*a)) a++;
        while (b > a && isspace((unsigned char)b[-1])) b--;
        if (b > a) {
            *list = ws_xrealloc(*list, (*nlist + 1) * sizeof **list);
            (*list)[(*nlist)++] = ws_xstrndup(a, (size_t)(b - a));
        }
        p = comma ? comma + 1 : p + n;
    }
}

static void set_chain(style *s, fonts_role r, const char *v) { set_list(&s->fonts[r], &s->nfonts[r], v); }

static block_style *block_for_section(style *s, const char *sec)
{
    if (!strcmp(sec, "paragraph")) return &s->body;
    if (!strcmp(sec, "title")) return &s->title;
    if (!strcmp(sec, "quote")) return &s->quote;
    if (!strcmp(sec, "list")) return &s->list;
    if (!strcmp(sec, "code")) return &s->code;
    if (!strncmp(sec, "heading", 7) && sec[7] >= '2' && sec[7] <= '6' && !sec[8])
        return &s->heading[sec[7] - '2'];
    return NULL;
}

/* Applies one key; returns 0, 1 for an unknown key, -1 for a bad value (why set). */
static int apply_key(style *s, const char *sec, const char *key, const char *v, const char **why)
{
    block_style *b = block_for_section(s, sec);
    if (b) {
        if (!strcmp(key, "role")) return parse_role(v, &b->role, why);
        if (!strcmp(key, "size")) {
            if (parse_length(v, &b->size, why) < 0) return -1;
            if (b->size < 4 || b->size > 72) return *why = _("font size must be 4pt..72pt"), -1;
            return 0;
        }
        if (!strcmp(key, "align")) return parse_align(v, &b->align, why);
        if (!strcmp(key, "indent")) return parse_plain(v, &b->indent, 0, 20, "", why);
        if (!strcmp(key, "left")) return parse_plain(v, &b->left, 0, 20, "", why);
        if (!strcmp(key, "space_before")) return parse_int(v, &b->before, 0, 10, why);
        if (!strcmp(key, "space_after")) return parse_int(v, &b->after, 0, 10, why);
        if (!strcmp(key, "balance")) return parse_bool(v, &b->balance, why);
        return 1;
    }
    if (!strcmp(sec, "page")) {
        float *f = !strcmp(key, "width")          ? &s->page_w
                   : !strcmp(key, "height")       ? &s->page_h
                   : !strcmp(key, "top")          ? &s->top
                   : !strcmp(key, "left")         ? &s->left
                   : !strcmp(key, "block_width")  ? &s->block_w
                   : !strcmp(key, "block_height") ? &s->block_h
                                                  : NULL;
        if (!f) return 1;
        if (parse_length(v, f, why) < 0) return -1;
        if (*f > 2000) return *why = _("length larger than any paper"), -1;
        return 0;
    }
    if (!strcmp(sec, "grid")) {
        if (!strcmp(key, "chars")) return parse_int(v, &s->grid_chars, 0, 200, why);
        if (!strcmp(key, "lines")) return parse_int(v, &s->grid_lines, 0, 200, why);
        if (!strcmp(key, "line_pitch")) return parse_length(v, &s->line_pitch, why);
        return 1;
    }
    if (!strcmp(sec, "fonts")) {
        size_t kl = strlen(key);
        if (!strcmp(key, "latin") || (kl > 6 && !strcmp(key + kl - 6, "_latin"))) {
            int lr = ROLE_COUNT;
            if (strcmp(key, "latin")) {
                char role[16];
                if (kl - 6 >= sizeof role) return 1;
                memcpy(role, key, kl - 6);
                role[kl - 6] = 0;
                if ((lr = fonts_role_from_name(role)) < 0) return 1;
            }
            set_list(&s->latin[lr], &s->nlatin[lr], v);
            if (!s->nlatin[lr]) return *why = _("expected a comma-separated list of font families"), -1;
            return 0;
        }
        int r = fonts_role_from_name(key);
        if (r < 0) return 1;
        set_chain(s, (fonts_role)r, v);
        if (!s->nfonts[r]) return *why = _("expected a comma-separated list of font families"), -1;
        return 0;
    }
    if (!strcmp(sec, "text")) {
        if (!strcmp(key, "normalise_punctuation")) return parse_bool(v, &s->normalise_punctuation, why);
        if (!strcmp(key, "cjk_latin_space")) return parse_plain(v, &s->cjk_latin_space, 0, 1, "em", why);
        if (!strcmp(key, "list_indent")) return parse_plain(v, &s->list_indent, 0, 10, "", why);
        if (!strcmp(key, "line_end_punctuation")) {
            if (!strcmp(v, "half")) s->line_end_half = 1;
            else if (!strcmp(v, "full")) s->line_end_half = 0;
            else return *why = _("expected half or full"), -1;
            return 0;
        }
        return 1;
    }
    if (!strcmp(sec, "page_number")) {
        if (!strcmp(key, "role")) return parse_role(v, &s->pn_role, why);
        if (!strcmp(key, "size")) return parse_length(v, &s->pn_size, why);
        if (!strcmp(key, "below")) return parse_length(v, &s->pn_below, why);
        if (!strcmp(key, "indent")) return parse_plain(v, &s->pn_indent, 0, 20, "", why);
        if (!strcmp(key, "format")) {
            if (!strstr(v, "{n}")) return *why = _("the format must contain {n}"), -1;
            free(s->pn_format);
            s->pn_format = ws_xstrdup(v);
            return 0;
        }
        if (!strcmp(key, "side")) {
            static const char *names[] = {"none", "outside", "centre", "right", "left"};
            for (int i = 0; i < 5; i++)
                if (!strcmp(v, names[i])) {
                    s->pn_side = (pn_side)i;
                    return 0;
                }
            return *why = _("expected outside, centre, left, right or none"), -1;
        }
        return 1;
    }
    return 2; /* unknown section: reported at the header */
}

static int known_section(const char *sec)
{
    static const char *names[] = {"page", "grid", "fonts", "text", "page_number", "paragraph", "title",
                                  "quote", "list", "code"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(sec, names[i])) return 1;
    return !strncmp(sec, "heading", 7) && sec[7] >= '2' && sec[7] <= '6' && !sec[8];
}

static char *trim(char *a)
{
    while (isspace((unsigned char)*a)) a++;
    char *b = a + strlen(a);
    while (b > a && isspace((unsigned char)b[-1])) *--b = 0;
    return a;
}

style *style_parse(const char *text, size_t len, const char *file, diag *d)
{
    style *s = ws_xcalloc(1, sizeof *s);
    style_defaults(s);
    s->path = ws_xstrdup(file ? file : "");
    long errors = 0, lineno = 0;
    char sec[64] = "";
    size_t pos = 0;
    while (pos < len) {
        size_t eol = pos;
        while (eol < len && text[eol] != '\n') eol++;
        char *line = ws_xstrndup(text + pos, eol - pos);
        pos = eol + 1;
        lineno++;
        diag_loc loc = {file, lineno, 1, NULL};
        char *t = trim(line);
        if (!*t || *t == '#') {
            free(line);
            continue;
        }
        if (*t == '[') {
            char *close = strchr(t, ']');
            if (!close || close[1]) {
                diag_report(d, DIAG_ERROR, loc, _("malformed section header '%s'"), t);
                errors++;
            } else {
                *close = 0;
                char *name = trim(t + 1);
                if (!known_section(name) || strlen(name) >= sizeof sec) {
                    diag_report(d, DIAG_ERROR, loc, _("unknown section [%s]"), name);
                    errors++;
                    sec[0] = 0;
                    snprintf(sec, sizeof sec, "?");
                } else {
                    snprintf(sec, sizeof sec, "%s", name);
                }
            }
            free(line);
            continue;
        }
        char *eq = strchr(t, '=');
        if (!eq) {
            diag_report(d, DIAG_ERROR, loc, "expected 'key = value', got '%s'", t);
            errors++;
            free(line);
            continue;
        }
        *eq = 0;
        char *key = trim(t), *val = trim(eq + 1);
        if (!sec[0]) {
            diag_report(d, DIAG_ERROR, loc, _("key '%s' outside any [section]"), key);
            errors++;
        } else if (strcmp(sec, "?")) {
            const char *why = "";
            int rc = apply_key(s, sec, key, val, &why);
            if (rc == 1) {
                diag_report(d, DIAG_ERROR, loc, _("unknown key '%s' in [%s]"), key, sec);
                errors++;
            } else if (rc < 0) {
                diag_report(d, DIAG_ERROR, loc, _("bad value '%s' for %s: %s"), val, key, why);
                errors++;
            }
        }
        free(line);
    }
    diag_loc floc = {file, 0, 0, NULL};
    if (!s->nfonts[ROLE_BODY]) {
        diag_report(d, DIAG_ERROR, floc, _("the style names no font for the body role ([fonts] body = ...)"));
        errors++;
    }
    if (s->left + s->block_w > s->page_w + 0.01f || s->top + s->block_h > s->page_h + 0.01f) {
        diag_report(d, DIAG_ERROR, floc, _("the text block does not fit on the page"));
        errors++;
    }
    if (s->block_w < 4 * s->body.size || s->block_h < 2 * s->body.size) {
        diag_report(d, DIAG_ERROR, floc, _("the text block is too small for %.4gpt body text"), s->body.size);
        errors++;
    }
    if (s->grid_chars > 0 && (s->block_w / (float)s->grid_chars < 0.75f * s->body.size ||
                              s->block_w / (float)s->grid_chars > 1.5f * s->body.size)) {
        diag_report(d, DIAG_ERROR, floc, _("%d characters of %.4gpt cannot fill a %.1fmm line"), s->grid_chars,
                    s->body.size, s->block_w / PT_PER_MM);
        errors++;
    }
    if (s->grid_lines > 0 && s->block_h / (float)s->grid_lines < 1.05f * s->body.size) {
        diag_report(d, DIAG_ERROR, floc, _("%d lines of %.4gpt do not fit in a %.1fmm block"), s->grid_lines,
                    s->body.size, s->block_h / PT_PER_MM);
        errors++;
    }
    if (s->grid_lines == 0 && s->line_pitch > 0 && s->line_pitch < s->body.size) {
        diag_report(d, DIAG_ERROR, floc, _("line_pitch is smaller than the body size"));
        errors++;
    }
    if (s->grid_lines == 0 && s->line_pitch <= 0) {
        diag_report(d, DIAG_ERROR, floc, _("without [grid] lines, line_pitch is required"));
        errors++;
    }
    if (errors) {
        style_free(s);
        return NULL;
    }
    /* Roles the file leaves out fall back to the body chain. */
    for (int r = 0; r < ROLE_COUNT; r++)
        if (!s->nfonts[r])
            for (size_t i = 0; i < s->nfonts[ROLE_BODY]; i++) {
                s->fonts[r] = ws_xrealloc(s->fonts[r], (s->nfonts[r] + 1) * sizeof *s->fonts[r]);
                s->fonts[r][s->nfonts[r]++] = ws_xstrdup(s->fonts[ROLE_BODY][i]);
            }
    /* `latin` is every role's but mono's (code keeps its monospaced face) unless it has its own. */
    for (int r = 0; r < ROLE_COUNT; r++)
        if (r != ROLE_MONO && !s->nlatin[r])
            for (size_t i = 0; i < s->nlatin[ROLE_COUNT]; i++) {
                s->latin[r] = ws_xrealloc(s->latin[r], (s->nlatin[r] + 1) * sizeof *s->latin[r]);
                s->latin[r][s->nlatin[r]++] = ws_xstrdup(s->latin[ROLE_COUNT][i]);
            }
    return s;
}

style *style_load(const char *name_or_path, const char *datadir, diag *d)
{
    char path[4096];
    size_t n = strlen(name_or_path);
    int is_path = strchr(name_or_path, '/') || (n > 6 && !strcmp(name_or_path + n - 6, ".style"));
    if (is_path)
        snprintf(path, sizeof path, "%s", name_or_path);
    else
        snprintf(path, sizeof path, "%s/templates/styles/%s.style", datadir ? datadir : ".", name_or_path);
    ws_buf buf = {0};
    char err[256];
    if (ws_read_file(path, 1 << 20, &buf, err, sizeof err) < 0) {
        diag_loc loc = {path, 0, 0, NULL};
        diag_report(d, DIAG_ERROR, loc, _("cannot read style '%s': %s"), name_or_path, err);
        ws_buf_free(&buf);
        return NULL;
    }
    style *s = style_parse(buf.data ? buf.data : "", buf.len, path, d);
    ws_buf_free(&buf);
    if (!s) return NULL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t bl = strlen(base);
    if (bl > 6 && !strcmp(base + bl - 6, ".style")) bl -= 6;
    s->name = ws_xstrndup(base, bl);
    return s;
}

int style_apply_fonts(const style *s, fonts_set *fs, diag *d)
{
    int rc = 0;
    for (int r = 0; r < ROLE_COUNT; r++) {
        int n = fonts_set_chain(fs, (fonts_role)r, (const char *const *)s->fonts[r], s->nfonts[r], d);
        fonts_set_latin_chain(fs, (fonts_role)r, (const char *const *)s->latin[r], s->nlatin[r], d);
        if (n == 0) {
            diag_loc loc = {s->path, 0, 0, NULL};
            diag_report(d, DIAG_ERROR, loc, _("no installed font for the %s role (tried: %s%s)"),
                        fonts_role_name((fonts_role)r), s->nfonts[r] ? s->fonts[r][0] : _("nothing"),
                        s->nfonts[r] > 1 ? ", ..." : "");
            rc = -1;
        }
    }
    return rc;
}

const block_style *style_heading(const style *s, int level)
{
    if (level < 2) level = 2;
    if (level > 6) level = 6;
    return &s->heading[level - 2];
}
