/* rules — the campaign rules the XSD cannot express: dates inside their phases, complete and
 * timely rectification items, targets for study hours and analysis length, survey majorities,
 * batches. They run on unqualified documents and must survive any document the schema rejected
 * (missing or malformed values are skipped: the schema has reported them). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "records/records_int.h"
#include "base/unicode.h"

const char *const records_phase_names[PHASE_COUNT] = {"学习动员", "分析评议", "整改提高"};

typedef struct {
    const records_src *src;
    const campaign_facts *cf;
    diag *d;
    records_rules_mark_bad bad;
    void *ud;
} ctx;

/* ------------------------------------------------------------------ helpers */

static int is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name)) return c;
    return NULL;
}

static xmlNodePtr next_named(xmlNodePtr c, const char *name)
{
    for (; c; c = c->next)
        if (is(c, name)) return c;
    return NULL;
}
#define EACH(var, parent, name) \
    for (xmlNodePtr var = next_named((parent) ? (parent)->children : NULL, name); var; var = next_named(var->next, name))

static const char *attr(xmlNodePtr n, const char *name)
{
    xmlAttrPtr a = n ? xmlHasProp(n, BAD_CAST name) : NULL;
    return a && a->children && a->children->content ? (const char *)a->children->content : NULL;
}

/* The text of a simple element (its single text child), or NULL. */
static const char *simple_text(xmlNodePtr n)
{
    if (!n) return NULL;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE && c->content) return (const char *)c->content;
    return NULL;
}

/* A count from an attribute. The schema caps counts at 10 000 000, but the rules also run on
 * records that failed it: atol() is undefined past LONG_MAX and sums of such values overflow, so
 * values are read saturated and clamped far above anything valid. */
static long count_of(const char *s)
{
    const long limit = 1000000000L;
    long v = strtol(s, NULL, 10);
    return v > limit ? limit : v < -limit ? -limit : v;
}

long records_parse_date(const char *s)
{
    if (!s) return 0;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') s++;
    /* yyyy-mm-dd, digits only (sscanf was a tenth of the index pass, and let signs and spaces in) */
    static const char shape[] = "dddd-dd-dd";
    for (int i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != '-') return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > 31) return 0;
    return (long)y * 10000 + m * 100 + d;
}

static const char *fmt_date(long v, char buf[16])
{
    unsigned y = (unsigned)(v / 10000 % 10000), m = (unsigned)(v / 100 % 100), d = (unsigned)(v % 100);
    snprintf(buf, 16, "%04u-%02u-%02u", y % 10000u, m % 100u, d % 100u);
    return buf;
}

static void report(ctx *c, diag_severity sev, xmlNodePtr n, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void report(ctx *c, diag_severity sev, xmlNodePtr n, const char *at, const char *fmt, ...)
{
    char msg[1800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_loc loc = records_locate(c->src, n, at);
    if (sev == DIAG_ERROR && loc.record && c->bad) c->bad(c->ud, loc.record);
    diag_report(c->d, sev, loc, "%s", msg);
}

/* The first characters of a text, to tell items apart in messages. */
static const char *excerpt(const char *s, char out[64])
{
    size_t o = 0, chars = 0;
    out[0] = 0;
    if (!s) return out;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') s++;
    while (*s && chars < 14 && o + 4 < 60) {
        size_t n = 1;
        while ((s[n] & 0xC0) == 0x80) n++;
        if (*s == '\n' || *s == '\r' || *s == '\t') {
            s += n;
            continue;
        }
        memcpy(out + o, s, n);
        o += n;
        s += n;
        chars++;
    }
    if (*s) {
        memcpy(out + o, "\xE2\x80\xA6", 3); /* … */
        o += 3;
    }
    out[o] = 0;
    return out;
}

/* The date checks run for every dated element of every record, and most dates are right: the
 * DATE_* macros test the date first and only then evaluate their message arguments, so that
 * the strings are translated and composed only for a date to report (gettext alone, called
 * eagerly for every date, was some 5 % of `wenshu check`'s instructions). The report_* functions
 * read the date again: that happens only on the way to a message. */

/* The date held by attribute at of n, or by n's text when at is NULL; 0 when there is none. */
static long date_of(xmlNodePtr n, const char *at)
{
    return records_parse_date(at ? attr(n, at) : simple_text(n));
}

/* Whether the date lies outside [lo, hi] (0 = open); a missing date is never outside. */
static int date_outside(xmlNodePtr n, const char *at, long lo, long hi)
{
    long v = date_of(n, at);
    return v && ((lo && v < lo) || (hi && v > hi));
}

/* Whether the date comes before floor (0 = none). */
static int date_before(xmlNodePtr n, const char *at, long floor)
{
    long v = date_of(n, at);
    return v && floor && v < floor;
}

/* A date outside [lo, hi]: said with what names it and window names the range. */
static void report_outside(ctx *c, xmlNodePtr n, const char *at, long lo, long hi, const char *what, const char *window)
{
    char a[16], b[16], x[16];
    report(c, DIAG_ERROR, n, at, _("%s %s is outside %s (%s to %s)"), what, fmt_date(date_of(n, at), x), window,
           lo ? fmt_date(lo, a) : "…", hi ? fmt_date(hi, b) : "…");
}

static void report_outside_phase(ctx *c, xmlNodePtr n, const char *at, int phase, const char *what)
{
    char window[64];
    snprintf(window, sizeof window, _("the %s phase"), records_phase_names[phase]);
    report_outside(c, n, at, c->cf->start[phase], c->cf->end[phase], what, window);
}

static void report_before(ctx *c, xmlNodePtr n, const char *at, long floor, const char *what, const char *floor_what)
{
    char a[16], b[16];
    report(c, DIAG_ERROR, n, at, _("%s %s is before %s %s"), what, fmt_date(date_of(n, at), a), floor_what,
           fmt_date(floor, b));
}

/* A date must lie in [lo, hi] (0 = open). */
#define DATE_WITHIN(c, n, at, lo, hi, what, window)                                                             \
    do {                                                                                                         \
        if (date_outside(n, at, lo, hi)) report_outside(c, n, at, lo, hi, what, window);                        \
    } while (0)
/* A date must lie in the campaign's phase. */
#define DATE_IN_PHASE(c, n, at, phase, what)                                                                     \
    do {                                                                                                         \
        if (date_outside(n, at, (c)->cf->start[phase], (c)->cf->end[phase]))                                    \
            report_outside_phase(c, n, at, phase, what);                                                         \
    } while (0)
/* A date must not come before floor. */
#define DATE_NOT_BEFORE(c, n, at, floor, what, floor_what)                                                       \
    do {                                                                                                         \
        if (date_before(n, at, floor)) report_before(c, n, at, floor, what, floor_what);                         \
    } while (0)

static void check_opinions(ctx *c, xmlNodePtr rec)
{
    EACH(o, child(rec, "opinions"), "opinion") DATE_IN_PHASE(c, o, "date", PHASE_REVIEW, _("opinion collected on"));
}

/* ------------------------------------------------------------------ rectification */

/* "rectification item k (the problem's first words)", into label; composed only for a message. */
static const char *item_label(xmlNodePtr item, int k, char label[140])
{
    char ex[64];
    snprintf(label, 140, _("rectification item %d (%s)"), k, excerpt(simple_text(child(item, "problem")), ex));
    return label;
}

/* One item's date against the plan's: what_fmt (a msgid) names it from the item's label. */
static void report_item_before(ctx *c, xmlNodePtr n, const char *at, long plan_date, xmlNodePtr item, int k,
                               const char *what_fmt)
{
    char label[140], what[160];
    snprintf(what, sizeof what, _(what_fmt), item_label(item, k, label));
    report_before(c, n, at, plan_date, what, _("the plan's date"));
}

/* own_items: a member's own measures, whose 责任人 is the member unless an item names another.
 * what is a msgid (N_), translated for a message only. */
static void check_plan(ctx *c, xmlNodePtr plan, const char *what, int own_items)
{
    if (!plan) return;
    DATE_IN_PHASE(c, plan, "date", PHASE_RECTIFY, _(what));
    long plan_date = records_parse_date(attr(plan, "date"));
    int k = 0;
    EACH(item, plan, "item") {
        k++;
        char label[140];
        static const char *const needed[] = {"measure", "deadline", "responsible"};
        static const char *const needed_en[] = {N_("measure (整改措施)"), N_("deadline (整改时限)"),
                                                N_("responsible person (责任人)")};
        for (int i = 0; i < 3 - own_items; i++)
            if (!child(item, needed[i]))
                report(c, DIAG_ERROR, item, NULL, _("%s has no %s"), item_label(item, k, label), _(needed_en[i]));
        xmlNodePtr deadline = child(item, "deadline");
        if (date_before(deadline, NULL, plan_date)) report_item_before(c, deadline, NULL, plan_date, item, k, N_("%s: deadline"));
        if (date_before(item, "completed", plan_date))
            report_item_before(c, item, "completed", plan_date, item, k, N_("%s: completed"));
        const char *status = attr(item, "status");
        if (status && !strcmp(status, "暂不能解决") && !child(item, "explanation"))
            report(c, DIAG_ERROR, item, "status",
                   _("%s is 暂不能解决 but has no explanation: the public must be told why (向群众作出说明)"),
                   item_label(item, k, label));
    }
}

/* ------------------------------------------------------------------ organisations */

/* One round; returns whether 不满意 is the majority of its answers (the round needs 补课). */
static int check_survey(ctx *c, xmlNodePtr sv, long *unsat_out, long *total_out)
{
    const campaign_facts *cf = c->cf;
    DATE_WITHIN(c, sv, "date", cf->start[PHASE_RECTIFY], cf->report_due, _("satisfaction survey on"),
                _("整改提高 up to the report's due date"));
    long respondents = attr(sv, "respondents") ? count_of(attr(sv, "respondents")) : -1;
    long groups = 0, any_group = 0;
    EACH(g, sv, "group") {
        any_group = 1;
        groups += attr(g, "count") ? count_of(attr(g, "count")) : 0;
    }
    if (any_group && respondents >= 0 && groups != respondents)
        report(c, DIAG_ERROR, sv, "respondents", _("the survey's groups add up to %ld, but respondents is %ld"), groups,
               respondents);
    long unsat = 0, total = 0;
    EACH(q, sv, "question") {
        long s = attr(q, "satisfied") ? count_of(attr(q, "satisfied")) : 0;
        long b = attr(q, "basic") ? count_of(attr(q, "basic")) : 0;
        long u = attr(q, "unsatisfied") ? count_of(attr(q, "unsatisfied")) : 0;
        if (respondents >= 0 && s + b + u > respondents) {
            char ex[64];
            report(c, DIAG_ERROR, q, NULL, _("survey question '%s' has %ld answers but only %ld respondents"),
                   excerpt(simple_text(q), ex), s + b + u, respondents);
        }
        unsat += u;
        total += s + b + u;
    }
    *unsat_out = unsat;
    *total_out = total;
    return total > 0 && unsat * 2 > total;
}

/* The rounds of the satisfaction survey: the first, then after 补课 (its remedy) a re-survey, in
 * date order. A round where 不满意 is the majority asks for 补课: a warning until the remedy and
 * the re-survey after it are recorded; a re-survey must come after the remedy it answers. */
static void check_surveys(ctx *c, xmlNodePtr org)
{
    xmlNodePtr prev = NULL;
    int prev_needs = 0;
    long unsat = 0, total = 0;
    long prev_after = 0; /* the day the previous round's 补课 measures were taken, else its date */
    EACH(sv, org, "survey") {
        if (!is(sv, "survey")) continue;
        int needs = check_survey(c, sv, &unsat, &total);
        long date = records_parse_date(attr(sv, "date"));
        xmlNodePtr rem = child(sv, "remedy");
        if (rem) DATE_NOT_BEFORE(c, rem, "date", date, _("补课 (remedy) on"), _("its survey's date"));
        if (rem && !needs)
            report(c, DIAG_WARNING, rem, NULL,
                   _("补课 recorded after a survey where 不满意 is not the majority: is this the right survey?"));
        if (prev) {
            if (prev_needs && !child(prev, "remedy"))
                report(c, DIAG_ERROR, sv, NULL,
                       _("a re-survey, but the survey before it (which needs 补课) records no 补课 measures "
                         "(remedy)"));
            else if (date && prev_after && date <= prev_after) {
                char a[16], b[16];
                report(c, DIAG_ERROR, sv, "date", _("the re-survey on %s is not after %s (%s)"), fmt_date(date, a),
                       fmt_date(prev_after, b), child(prev, "remedy") ? _("the 补课 measures") : _("the previous survey"));
            }
        }
        prev = sv;
        prev_needs = needs;
        prev_after = rem ? records_parse_date(attr(rem, "date")) : date;
    }
    if (prev && prev_needs)
        report(c, DIAG_WARNING, prev, NULL,
               child(prev, "remedy")
                   ? _("satisfaction survey: 不满意 is the majority (%ld of %ld answers); 补课 is recorded but no "
                       "re-survey after it yet")
                   : _("satisfaction survey: 不满意 is the majority (%ld of %ld answers): 必须及时补课 (the campaign "
                       "must be made up)"),
               unsat, total);
}

static void check_report(ctx *c, xmlNodePtr r)
{
    if (!r) return;
    long due = c->cf->report_due, v = records_parse_date(attr(r, "date"));
    if (due && v > due) {
        char a[16], b[16];
        report(c, DIAG_WARNING, r, "date", _("the report is dated %s, after the due date %s"), fmt_date(v, a),
               fmt_date(due, b));
    }
    long members = count_of(attr(r, "members") ? attr(r, "members") : "0");
    long part = count_of(attr(r, "participants") ? attr(r, "participants") : "0");
    long problems = count_of(attr(r, "problems") ? attr(r, "problems") : "0");
    long done = count_of(attr(r, "completed") ? attr(r, "completed") : "0");
    if (part > members)
        report(c, DIAG_ERROR, r, "participants", _("the report counts %ld participants but only %ld members"), part,
               members);
    if (done > problems)
        report(c, DIAG_ERROR, r, "completed", _("the report counts %ld items completed but only %ld problems found"),
               done, problems);
}

static void check_organisation(ctx *c, xmlNodePtr org)
{
    const campaign_facts *cf = c->cf;
    check_opinions(c, org);
    check_plan(c, child(org, "rectification-plan"), N_("rectification plan dated"), 0);
    EACH(mt, org, "meeting") {
        char what[80];
        snprintf(what, sizeof what, _("%s on"), attr(mt, "kind") ? attr(mt, "kind") : _("meeting"));
        DATE_IN_PHASE(c, mt, "date", PHASE_REVIEW, what);
    }
    EACH(p, org, "publication")
        DATE_WITHIN(c, p, "date", cf->start[PHASE_REVIEW], cf->report_due, _("publication on"),
                    _("分析评议 up to the report's due date"));
    check_surveys(c, org);
    check_report(c, child(org, "report"));
}

/* ------------------------------------------------------------------ members */

static void check_analysis(ctx *c, xmlNodePtr member, xmlNodePtr an)
{
    if (!an) return;
    DATE_IN_PHASE(c, an, "date", PHASE_REVIEW, _("analysis dated"));
    DATE_IN_PHASE(c, an, "revised", PHASE_REVIEW, _("analysis revised on"));
    DATE_NOT_BEFORE(c, an, "revised", records_parse_date(attr(an, "date")), _("analysis revised on"), _("its first date"));
    xmlNodePtr text = child(an, "text");
    if (!text) return;
    size_t han = 0;
    EACH(p, text, "p") {
        xmlChar *s = xmlNodeGetContent(p);
        han += ws_count_han((const char *)s, s ? strlen((const char *)s) : 0); /* the length unit, as w:han() counts */
        xmlFree(s);
    }
    const char *leader = attr(member, "leader");
    int is_leader = leader && (!strcmp(leader, "true") || !strcmp(leader, "1"));
    long target = is_leader ? c->cf->target_leader : c->cf->target_member;
    if (target > 0 && ((long)han * 2 < target || (long)han * 2 > target * 3))
        report(c, DIAG_WARNING, text, NULL,
               _("the analysis has %zu Chinese characters, far from the target of about %ld for %s"), han, target,
               is_leader ? _("a leading cadre (党员领导干部)") : _("an ordinary member (普通党员)"));
}

/* The study total against the sessions listed, where the two cannot both be true. Sessions are
 * examples, not a full list (a member may record 44 学时 and two sessions), so a total above
 * their sum is normal — except for a member taught only at home: the 提纲 prints "送教上门N次，
 * 共H学时", and H must then be the sessions' sum. A 年老体弱 member is the exception to the
 * exception: 帮扶结对 (the seed's other method for them) has no session form, so its hours may
 * make up the difference. A total below the sessions' sum is a contradiction for everyone. */
static void check_study_sum(ctx *c, xmlNodePtr m, xmlNodePtr study)
{
    const char *h = attr(study, "hours");
    if (!h) return;
    double hours = atof(h), sum = 0;
    int sessions = 0, at_home = 0, elderly = 0;
    EACH(sess, study, "session") {
        const char *sh = attr(sess, "hours"), *form = attr(sess, "form");
        sum += sh ? atof(sh) : 0;
        sessions++;
        if (form && !strcmp(form, "送教上门")) at_home++;
    }
    EACH(s, m, "situation")
        if (attr(s, "kind") && !strcmp(attr(s, "kind"), "年老体弱")) elderly = 1;
    if (!sessions) return;
    if (hours + 1e-9 < sum)
        report(c, DIAG_WARNING, study, "hours", _("the study record gives %g hours, fewer than the %d sessions listed add up to (%g hours): both "
                 "cannot be right, please check"),
               hours, sessions, sum);
    else if (at_home == sessions && !elderly && hours > sum + 1e-9)
        report(c, DIAG_WARNING, study, "hours",
               _("all study was taught at home (%d sessions, %g hours in all), but the study record gives %g "
                 "hours; the outline will print \"送教上门%d次，共%g学时\": set the hours to the sessions' sum, or "
                 "record the other study"),
               sessions, sum, hours, sessions, hours);
}

static void check_member(ctx *c, xmlNodePtr m)
{
    const campaign_facts *cf = c->cf;
    int exempt = 0; /* takes part elsewhere: no study record expected here */
    int home_taught = 0; /* taught at home (送教上门): the seed sets no hours for them */
    EACH(s, m, "situation") {
        const char *kind = attr(s, "kind");
        if (!kind) continue;
        if (!strcmp(kind, "流动党员")) {
            if (!attr(s, "scope") || !attr(s, "where"))
                report(c, DIAG_ERROR, s, NULL,
                       _("a 流动党员 needs scope (市内 or 市外) and where (the organisation they take part in)"));
            if (attr(s, "scope") && !strcmp(attr(s, "scope"), "市外")) exempt = 1;
        }
        if (!strcmp(kind, "现役军人")) exempt = 1;
        if (!strcmp(kind, "转出")) {
            exempt = 1;
            if (!attr(s, "where"))
                report(c, DIAG_ERROR, s, NULL, _("a member transferred out (转出) needs where (the organisation they take part in)"));
        }
        if (!strcmp(kind, "年老体弱")) home_taught = 1;
    }
    long birth = records_parse_date(simple_text(child(m, "birth")));
    long joined = records_parse_date(simple_text(child(m, "joined")));
    if (birth && joined && joined < birth + 180000)
        report(c, DIAG_ERROR, child(m, "joined"), NULL, _("joined the Party before the age of 18"));

    xmlNodePtr study = child(m, "study");
    if (study) {
        EACH(sess, study, "session") DATE_IN_PHASE(c, sess, "date", PHASE_STUDY, _("study session on"));
        EACH(sess, study, "session")
            if (attr(sess, "form") && !strcmp(attr(sess, "form"), "送教上门")) home_taught = 1;
        const char *h = attr(study, "hours");
        double hours = h ? atof(h) : 0;
        /* "对年老体弱、行动不便的党员，采取送教上门、帮扶结对的办法组织学习" (§三(一)2): the
         * 40 学时 of 集中学习 are not asked of them; nor of members taking part elsewhere, whose
         * hours here are those before they left (转出, 流动党员 市外, 现役军人). */
        if (h && cf->min_hours > 0 && hours < cf->min_hours && !home_taught && !exempt)
            report(c, DIAG_WARNING, study, "hours", _("study hours %g are under the minimum of %g"), hours, cf->min_hours);
        check_study_sum(c, m, study);
    } else if (!exempt && cf->min_hours > 0) {
        report(c, DIAG_WARNING, m, NULL, _("no study record (the minimum is %g hours)"), cf->min_hours);
    }
    check_opinions(c, m);
    check_analysis(c, m, child(m, "analysis"));
    xmlNodePtr ev = child(m, "evaluation");
    if (ev) {
        DATE_IN_PHASE(c, ev, "date", PHASE_REVIEW, _("evaluation dated"));
        DATE_IN_PHASE(c, ev, "fed-back", PHASE_REVIEW, _("evaluation fed back on"));
        DATE_NOT_BEFORE(c, ev, "fed-back", records_parse_date(attr(ev, "date")), _("evaluation fed back on"),
                        _("the evaluation's date"));
        xmlNodePtr rc = child(ev, "receipt");
        if (rc && !attr(ev, "fed-back"))
            report(c, DIAG_ERROR, rc, NULL, _("a receipt (回执) returned, but the evaluation has no fed-back date"));
        else if (rc)
            DATE_NOT_BEFORE(c, rc, "returned", records_parse_date(attr(ev, "fed-back")), _("receipt returned on"),
                            _("the feedback's date"));
    }
    check_plan(c, child(m, "rectification"), N_("individual rectification plan dated"), 1);
}

/* ------------------------------------------------------------------ campaign and entry points */

void records_rules_campaign_facts(xmlNodePtr campaign, campaign_facts *cf)
{
    memset(cf, 0, sizeof *cf);
    cf->target_leader = 4000;
    cf->target_member = 2000;
    cf->min_hours = 40;
    if (!campaign) return;
    cf->have = 1;
    EACH(ph, campaign, "phase") {
        const char *name = attr(ph, "name");
        for (int i = 0; name && i < PHASE_COUNT; i++)
            if (!strcmp(name, records_phase_names[i])) {
                cf->start[i] = records_parse_date(attr(ph, "start"));
                cf->end[i] = records_parse_date(attr(ph, "end"));
            }
    }
    cf->report_due = records_parse_date(simple_text(child(campaign, "report-due")));
    const char *b = attr(campaign, "batch");
    snprintf(cf->batch, sizeof cf->batch, "%s", b ? b : "");
    xmlNodePtr t = child(campaign, "targets");
    if (attr(t, "analysis-leader")) cf->target_leader = count_of(attr(t, "analysis-leader"));
    if (attr(t, "analysis-member")) cf->target_member = count_of(attr(t, "analysis-member"));
    if (attr(t, "study-hours")) cf->min_hours = atof(attr(t, "study-hours"));
}

void records_rules_check_campaign(const records_src *src, xmlNodePtr campaign, const campaign_facts *cf, diag *d,
                          records_rules_mark_bad bad, void *ud)
{
    ctx c = {src, cf, d, bad, ud};
    xmlNodePtr phase[PHASE_COUNT] = {0};
    EACH(ph, campaign, "phase") {
        const char *name = attr(ph, "name");
        for (int i = 0; name && i < PHASE_COUNT; i++)
            if (!strcmp(name, records_phase_names[i])) phase[i] = ph;
        long s = records_parse_date(attr(ph, "start")), e = records_parse_date(attr(ph, "end"));
        if (s && e && e < s) report(&c, DIAG_ERROR, ph, "end", _("phase %s ends before it starts"), name ? name : "?");
    }
    for (int i = 0; i + 1 < PHASE_COUNT; i++)
        if (phase[i + 1] && cf->end[i] && cf->start[i + 1] && cf->start[i + 1] <= cf->end[i])
            report(&c, DIAG_ERROR, phase[i + 1], "start", _("phase %s must start after %s ends"),
                   records_phase_names[i + 1], records_phase_names[i]);
    if (cf->report_due && cf->end[PHASE_RECTIFY] && cf->report_due < cf->end[PHASE_RECTIFY])
        report(&c, DIAG_ERROR, child(campaign, "report-due"), NULL, _("the report is due before 整改提高 ends"));
}

void records_rules_check_records(const records_src *src, xmlNodePtr root, const campaign_facts *cf, diag *d,
                         records_rules_mark_bad bad, void *ud)
{
    ctx c = {src, cf, d, bad, ud};
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next) {
        if (is(n, "member")) check_member(&c, n);
        else if (is(n, "organisation")) check_organisation(&c, n);
        else if (is(n, "unit")) {
            const char *b = attr(n, "batch");
            if (b && cf->batch[0] && strcmp(b, cf->batch))
                report(&c, DIAG_ERROR, n, "batch", _("the unit takes part in %s, but this campaign is %s"), b, cf->batch);
        }
    }
}
