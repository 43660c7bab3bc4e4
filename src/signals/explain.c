/* explain.c — what the inbox says about a signal, in plain Dutch and
 * English: why it is there and what to do (from the signal alone), and why
 * it lapsed (from the registry on the day it no longer held). */
#include "signals/sig_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ dates, areas */

char *sig_date_text(ib_date d, bool english, char out[SIG_DATE_TEXT])
{
    static const char *const months[2][12] = {
        {"januari", "februari", "maart", "april", "mei", "juni", "juli",
         "augustus", "september", "oktober", "november", "december"},
        {"January", "February", "March", "April", "May", "June", "July",
         "August", "September", "October", "November", "December"}};
    if (d == IB_DATE_NONE) {
        snprintf(out, SIG_DATE_TEXT, "%s", english ? "an unknown date" : "een onbekende datum");
        return out;
    }
    int y, m, day;
    ib_date_to_ymd(d, &y, &m, &day);
    /* m is 1..12; an unsigned index the optimiser can bound (-Warray-bounds) */
    unsigned i = (unsigned)(m - 1);
    snprintf(out, SIG_DATE_TEXT, "%d %s %d", day, months[english][i < 12 ? i : 0], y);
    return out;
}

/* Hundredths as "80", "80,5" or "80.25" (Dutch decimal comma). */
static char *hundredths_text(int64_t v, bool english, char *out, size_t size)
{
    int64_t whole = v / 100, frac = v % 100;
    if (frac == 0)
        snprintf(out, size, "%lld", (long long)whole);
    else if (frac % 10 == 0)
        snprintf(out, size, "%lld%c%lld", (long long)whole, english ? '.' : ',',
                 (long long)(frac / 10));
    else
        snprintf(out, size, "%lld%c%02lld", (long long)whole, english ? '.' : ',',
                 (long long)frac);
    return out;
}

/* The part of a key before '|' (the employer or trigger) into out. */
static void key_head(const char *key, char *out, size_t size)
{
    const char *bar = strrchr(key, '|');
    size_t n = bar ? (size_t)(bar - key) : strlen(key);
    if (n >= size)
        n = size - 1;
    memcpy(out, key, n);
    out[n] = '\0';
}

static void put(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void put(char *buf, size_t len, const char *fmt, ...)
{
    if (!buf || !len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ why and what to do */

static void explain_overcrowded(const ib_active_signal *sig, bool en, char *why,
                                size_t why_len, char *todo, size_t todo_len)
{
    char since[SIG_DATE_TEXT], area[32], per[32];
    sig_date_text(sig->since, en, since);
    if (sig->capacity >= 0 && sig->occupancy > sig->capacity)
        put(why, why_len, en ? "Overcrowded since %s: %d occupants for %d beds."
                             : "Overbewoond sinds %s: %d bewoners op %d bedden.",
            since, sig->occupancy, sig->capacity);
    else if (sig->floor_area != IB_CENTS_NONE && sig->occupancy > 0)
        put(why, why_len,
            en ? "Overcrowded since %s: %d occupants on %s m², %s m² per person, "
                 "less than the norm."
               : "Overbewoond sinds %s: %d bewoners op %s m², %s m² per persoon, "
                 "minder dan de norm.",
            since, sig->occupancy, hundredths_text(sig->floor_area, en, area, sizeof area),
            hundredths_text(sig->floor_area / sig->occupancy, en, per, sizeof per));
    else
        put(why, why_len, en ? "Overcrowded since %s." : "Overbewoond sinds %s.", since);
    put(todo, todo_len, "%s",
        en ? "Plan an inspection of the location and hold the housing provider to "
             "the number of occupants the location allows."
           : "Plan een inspectie van de locatie en spreek de huisvester aan op het "
             "aantal bewoners dat de locatie toelaat.");
}

static void explain_information(const ib_active_signal *sig, bool en, char *why,
                                size_t why_len)
{
    char what[IB_SIGNAL_KEY_MAX + 1], day[SIG_DATE_TEXT];
    key_head(sig->key, what, sizeof what);
    sig_date_text(sig->date, en, day);
    const char *nl_t = "Aangekomen in Nederland op";
    const char *en_t = "Arrived in the Netherlands on";
    if (strcmp(what, "partner_start") == 0) {
        nl_t = "Een partner sinds";
        en_t = "A partner since";
    } else if (strcmp(what, "child_birth") == 0) {
        nl_t = "Een kind geboren op";
        en_t = "A child born on";
    } else if (strcmp(what, "home_purchase") == 0) {
        nl_t = "Een woning gekocht op";
        en_t = "A home bought on";
    }
    put(why, why_len, "%s %s%s", en ? en_t : nl_t, day,
        en ? ", and no information contact about rights and duties since."
           : ", en sindsdien geen informatiegesprek over rechten en plichten.");
}

void ib_signal_explain(const ib_active_signal *sig, bool en, char *why,
                       size_t why_len, char *todo, size_t todo_len)
{
    put(why, why_len, "%s", "");
    put(todo, todo_len, "%s", "");
    if (!sig)
        return;
    char date[SIG_DATE_TEXT], what[IB_SIGNAL_KEY_MAX + 1];
    sig_date_text(sig->date, en, date);
    switch (sig->kind) {
    case IB_SIG_NOT_REGISTERED:
        put(why, why_len, en ? "In the Netherlands since %s, not registered in the BRP."
                             : "In Nederland sinds %s, niet ingeschreven in de BRP.", date);
        put(todo, todo_len, "%s",
            en ? "Invite the person to register in the BRP, which is required for a "
                 "stay of more than four months; help with the appointment where needed."
               : "Nodig de persoon uit om zich in te schrijven in de BRP: dat is "
                 "verplicht bij een verblijf van meer dan vier maanden. Help zo nodig "
                 "bij de afspraak.");
        break;
    case IB_SIG_OVERCROWDED:
        explain_overcrowded(sig, en, why, why_len, todo, todo_len);
        break;
    case IB_SIG_JOB_AND_BED:
        key_head(sig->key, what, sizeof what);
        put(why, why_len,
            en ? "The job with %s ended on %s, and the bed comes from the same employer "
                 "or agency: work and home may be lost together."
               : "Het werk bij %s eindigde op %s, en het bed komt van dezelfde werkgever "
                 "of hetzelfde uitzendbureau: werk en woning kunnen samen verdwijnen.",
            what, date);
        put(todo, todo_len, "%s",
            en ? "Contact the person soon: explain the rights after dismissal (notice "
                 "period of the housing, unemployment benefit) and help with other work "
                 "or a place to stay."
               : "Neem snel contact op: leg de rechten na ontslag uit (opzegtermijn van "
                 "de huisvesting, WW) en help bij ander werk of onderdak.");
        break;
    case IB_SIG_ONE_YEAR_OFFER:
        put(why, why_len,
            en ? "In the Netherlands since %s, a year or longer, without a recorded offer "
                 "of both a language course and career guidance."
               : "In Nederland sinds %s, een jaar of langer, zonder vastgelegd aanbod van "
                 "zowel een taalcursus als loopbaanbegeleiding.", date);
        put(todo, todo_len, "%s",
            en ? "Offer a language course and career guidance, and record both offers "
                 "as contacts."
               : "Bied een taalcursus en loopbaanbegeleiding aan, en leg beide aanbiedingen "
                 "vast als contact.");
        break;
    case IB_SIG_INFORMATION_MOMENT:
        explain_information(sig, en, why, why_len);
        put(todo, todo_len, "%s",
            en ? "Offer an information contact about rights and duties, in a language "
                 "the person understands, and record it as a contact."
               : "Bied een informatiegesprek aan over rechten en plichten, in een taal "
                 "die de persoon begrijpt, en leg het vast als contact.");
        break;
    case IB_SIG_NO_ADDRESS:
        put(why, why_len, en ? "In the Netherlands since %s, without a known address."
                             : "In Nederland sinds %s, zonder bekend adres.", date);
        put(todo, todo_len, "%s",
            en ? "Find out where the person lives, help with a place to stay, and see "
                 "that the address is recorded."
               : "Zoek uit waar de persoon woont, help aan onderdak en zorg dat het adres "
                 "wordt vastgelegd.");
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------ why it lapsed */

typedef struct ended {
    const sig_data *d;
    const ib_active_signal *was;
    ib_date at;
    const ib_signal_settings *s;
    uint32_t p;                        /* the person, SIG_NONE */
    char *nl, *en;
    size_t nl_len, en_len;
    bool said;
} ended;

/* tmpl with its one "%s" replaced by text, into out. */
static void fill(char *out, size_t len, const char *prefix, const char *tmpl,
                 const char *text)
{
    const char *at = strstr(tmpl, "%s");
    int head = at ? (int)(at - tmpl) : (int)strlen(tmpl);
    put(out, len, "%s%.*s%s%s", prefix, head, tmpl, at ? text : "", at ? at + 2 : "");
}

/* Writes the sentence in both languages, each with one date where the
 * template says %s. */
static void say(ended *x, const char *nl, const char *en, ib_date day)
{
    char a[SIG_DATE_TEXT], b[SIG_DATE_TEXT];
    fill(x->nl, x->nl_len, "vervallen: ", nl, sig_date_text(day, false, a));
    fill(x->en, x->en_len, "lapsed: ", en, sig_date_text(day, true, b));
    x->said = true;
}

#define EACH_OF(x, kind, i)                                                   \
    for (uint32_t i = (x)->d->off[kind][(x)->p]; i < (x)->d->off[kind][(x)->p + 1]; i++)

/* The joined stay that arrived on the signal's arrival day has ended by
 * at: the person left. */
static bool left(ended *x, ib_date arrival)
{
    sig_joined *stays;
    size_t n;
    if (sig_person_stays(x->d, x->p, x->at, &stays, &n) != IB_OK)
        return false;
    ib_date departed = IB_DATE_NONE;
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        bool is_open = stays[i].departure == IB_DATE_NONE || stays[i].departure > x->at;
        open = open || is_open;
        if (!is_open && stays[i].arrival <= arrival && arrival <= stays[i].departure &&
            (departed == IB_DATE_NONE || stays[i].departure > departed))
            departed = stays[i].departure;
    }
    if (!open && departed == IB_DATE_NONE)
        for (size_t i = 0; i < n; i++)          /* the latest departure */
            if (departed == IB_DATE_NONE || stays[i].departure > departed)
                departed = stays[i].departure;
    free(stays);
    if (open || departed == IB_DATE_NONE)
        return false;
    say(x, "vertrokken uit Nederland op %s", "left the Netherlands on %s", departed);
    return true;
}

static void why_not_registered(ended *x)
{
    ib_date since = IB_DATE_NONE;
    EACH_OF(x, SIG_REG, i) {
        const sig_reg *g = &x->d->regs[i];
        if (g->kind == IB_REG_BRP && sig_covers(g->start, g->end, x->at) &&
            (since == IB_DATE_NONE || g->start < since))
            since = g->start;
    }
    if (since != IB_DATE_NONE)
        say(x, "ingeschreven in de BRP op %s", "registered in the BRP on %s", since);
    else
        left(x, x->was->date);
}

static void why_no_address(ended *x)
{
    ib_date since = IB_DATE_NONE;
    EACH_OF(x, SIG_HOUSING, i) {
        const sig_housing *h = &x->d->housings[i];
        if (sig_covers(h->start, h->end, x->at) && (since == IB_DATE_NONE || h->start < since))
            since = h->start;
    }
    if (since != IB_DATE_NONE)
        say(x, "een bed op een bekend adres sinds %s", "a bed at a known address since %s",
            since);
    else
        left(x, x->was->date);
}

static ib_date first_contact(const ended *x, ib_contact_kind kind, ib_date from)
{
    ib_date first = IB_DATE_NONE;
    EACH_OF(x, SIG_CONTACT, i) {
        const sig_contact *c = &x->d->contacts[i];
        if (c->kind == kind && c->date >= from && c->date <= x->at &&
            (first == IB_DATE_NONE || c->date < first))
            first = c->date;
    }
    return first;
}

static void why_information(ended *x)
{
    ib_date t = x->was->date;
    ib_date held = first_contact(x, IB_CONTACT_INFORMATION, t);
    if (held != IB_DATE_NONE) {
        say(x, "informatiegesprek gehouden op %s", "information contact held on %s", held);
        return;
    }
    if (left(x, IB_DATE_NONE))
        return;
    if (t <= x->at - x->s->information_days) {
        char nl[96], en[96];
        snprintf(nl, sizeof nl, "de termijn van %d dagen na %%s is voorbij",
                 x->s->information_days);
        snprintf(en, sizeof en, "the %d days after %%s have passed", x->s->information_days);
        say(x, nl, en, t);
    }
}

static void why_one_year_offer(ended *x)
{
    ib_date arrival = x->was->date;
    ib_date course = first_contact(x, IB_CONTACT_LANGUAGE_COURSE_OFFER, arrival);
    ib_date career = first_contact(x, IB_CONTACT_CAREER_OFFER, arrival);
    if (course != IB_DATE_NONE && career != IB_DATE_NONE) {
        char c1[SIG_DATE_TEXT], c2[SIG_DATE_TEXT], nl[160], en[160];
        snprintf(nl, sizeof nl, "taalcursus aangeboden op %s en loopbaanbegeleiding "
                 "aangeboden op %%s", sig_date_text(course, false, c1));
        snprintf(en, sizeof en, "language course offered on %s and career guidance "
                 "offered on %%s", sig_date_text(course, true, c2));
        say(x, nl, en, career);
        return;
    }
    left(x, arrival);
}

/* The ended employment the key names (employer ref and start). */
static const sig_emp *ended_job(const ended *x)
{
    char employer[IB_SIGNAL_KEY_MAX + 1];
    key_head(x->was->key, employer, sizeof employer);
    const char *bar = strrchr(x->was->key, '|');
    ib_date start;
    if (!bar || ib_date_parse(bar + 1, strlen(bar + 1), &start, NULL) != IB_OK)
        return NULL;
    EACH_OF(x, SIG_EMP, i) {
        const sig_emp *e = &x->d->emps[i];
        if (e->start == start &&
            strcmp(sig_str(x->d, x->d->orgs[e->employer].ref), employer) == 0)
            return e;
    }
    return NULL;
}

static bool is_org(const sig_data *d, uint32_t idx, uint32_t canon)
{
    return idx != SIG_NONE && canon != SIG_NONE && d->orgs[idx].canon == canon;
}

static void why_job_and_bed(ended *x)
{
    const sig_data *d = x->d;
    const sig_emp *job = ended_job(x);
    if (!job)
        return;
    uint32_t employer = d->orgs[job->employer].canon;
    uint32_t agency = job->agency != SIG_NONE ? d->orgs[job->agency].canon : SIG_NONE;
    ib_date again = IB_DATE_NONE, bed_end = IB_DATE_NONE;
    bool bed = false;
    EACH_OF(x, SIG_EMP, i) {
        const sig_emp *e = &d->emps[i];
        bool same = is_org(d, e->employer, employer) || is_org(d, e->employer, agency) ||
                    is_org(d, e->agency, employer) || is_org(d, e->agency, agency);
        if (same && sig_covers(e->start, e->end, x->at) &&
            (again == IB_DATE_NONE || e->start < again))
            again = e->start;
    }
    if (again != IB_DATE_NONE) {
        say(x, "weer aan het werk bij dezelfde werkgever of hetzelfde uitzendbureau sinds %s",
            "working again for the same employer or agency since %s", again);
        return;
    }
    EACH_OF(x, SIG_HOUSING, i) {
        const sig_housing *h = &d->housings[i];
        if (!is_org(d, h->provided_by, employer) && !is_org(d, h->provided_by, agency))
            continue;
        if (sig_covers(h->start, h->end, x->at))
            bed = true;
        else if (h->end != IB_DATE_NONE && h->end < x->at &&
                 (bed_end == IB_DATE_NONE || h->end > bed_end))
            bed_end = h->end;
    }
    if (!bed && bed_end != IB_DATE_NONE) {
        say(x, "het bed van de werkgever of het uitzendbureau eindigde op %s",
            "the bed from the employer or agency ended on %s", bed_end);
        return;
    }
    if (job->end < x->at - x->s->job_loss_days) {
        char nl[96], en[96];
        snprintf(nl, sizeof nl, "meer dan %d dagen na het einde van het werk op %%s",
                 x->s->job_loss_days);
        snprintf(en, sizeof en, "more than %d days after the job ended on %%s",
                 x->s->job_loss_days);
        say(x, nl, en, job->end);
    }
}

static void why_overcrowded(ended *x)
{
    const sig_data *d = x->d;
    uint32_t loc = SIG_NONE;
    for (size_t i = 0; i < d->n_locations && loc == SIG_NONE; i++)
        if (d->locations[i].id == x->was->subject_id)
            loc = d->locations[i].canon;
    if (loc == SIG_NONE)
        return;
    int64_t occ = 0;
    for (x->p = 0; x->p < d->n_persons; x->p++) {
        bool here = false;
        EACH_OF(x, SIG_HOUSING, i) {
            const sig_housing *h = &d->housings[i];
            here = here || (d->locations[h->location].canon == loc &&
                            sig_covers(h->start, h->end, x->at));
        }
        occ += here;
    }
    x->p = SIG_NONE;
    char nl[160], en[160];
    snprintf(nl, sizeof nl, "op %%s weer binnen de grenzen: %lld %s", (long long)occ,
             occ == 1 ? "bewoner" : "bewoners");
    snprintf(en, sizeof en, "within limits again on %%s: %lld %s", (long long)occ,
             occ == 1 ? "occupant" : "occupants");
    say(x, nl, en, x->at);
}

/* The person the signal was about: by its id, else (linked into another
 * since) by the record that named it. */
static uint32_t person_of(const sig_data *d, const ib_active_signal *was)
{
    uint32_t p = sig_person_index(d, was->subject_id);
    if (p != SIG_NONE)
        return p;
    uint32_t r = sig_record_by_id(d, was->subject_record_id);
    if (r == SIG_NONE && was->subject_ref[0])
        r = sig_record_index(d, was->subject_sender_id, was->subject_ref);
    return r == SIG_NONE ? SIG_NONE : d->records[r].person;
}

/* Whether the same signal (kind, subject, key) is active on at. */
static int still_active(const sig_data *d, const ib_active_signal *was, ib_date at,
                        const ib_signal_settings *s, uint32_t p, bool *active,
                        ib_err *err)
{
    ib_signal_list l = {0};
    int rc = was->location ? sig_overcrowded(d, at, s, &l, err)
                           : sig_evaluate_person(d, p, at, s, &l);
    *active = false;
    for (size_t i = 0; rc == IB_OK && i < l.n; i++)
        *active = *active || (l.v[i].kind == was->kind &&
                              strcmp(l.v[i].key, was->key) == 0 &&
                              (was->location ? l.v[i].subject_id == was->subject_id
                                             : true));
    ib_signal_list_free(&l);
    if (rc && err && !err->code)
        ib_err_set(err, rc, "geheugen vol bij de signalen");
    return rc;
}

int sig_ended_why(const sig_data *d, const ib_active_signal *was, ib_date at,
                  const ib_signal_settings *s, char *nl, size_t nl_len,
                  char *en, size_t en_len, ib_err *err)
{
    ib_err_clear(err);
    put(nl, nl_len, "%s", "");
    put(en, en_len, "%s", "");
    int rc = sig_settings_check(s, err);
    if (rc)
        return rc;
    ended x = {.d = d, .was = was, .at = at, .s = s, .p = SIG_NONE, .nl = nl,
               .en = en, .nl_len = nl_len, .en_len = en_len};
    if (!was->location)
        x.p = person_of(d, was);
    if (was->location || x.p != SIG_NONE) {
        bool active;
        if ((rc = still_active(d, was, at, s, x.p, &active, err)) != IB_OK)
            return rc;
        if (active)
            return ib_err_set(err, IB_ECONFLICT, "het signaal geldt nog op deze datum");
    }
    if (was->location)
        why_overcrowded(&x);
    else if (x.p != SIG_NONE) {
        switch (was->kind) {
        case IB_SIG_NOT_REGISTERED: why_not_registered(&x); break;
        case IB_SIG_NO_ADDRESS: why_no_address(&x); break;
        case IB_SIG_INFORMATION_MOMENT: why_information(&x); break;
        case IB_SIG_ONE_YEAR_OFFER: why_one_year_offer(&x); break;
        case IB_SIG_JOB_AND_BED: why_job_and_bed(&x); break;
        default: break;
        }
    }
    if (!x.said)
        say(&x, "de voorwaarde geldt niet meer op %s",
            "the condition no longer holds on %s", at);
    return IB_OK;
}
