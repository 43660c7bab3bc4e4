/* rules.c — the person rules of docs/signals.md on a reference date:
 * not_registered, job_and_bed, one_year_offer, information_moment and
 * no_address, over a linked person's records together, each signal named
 * by the record that delivered the person's stay (else the record that
 * raised it), with its key, municipality and the day it began. */
#include "signals/sig_internal.h"

#include <stdlib.h>
#include <string.h>

/* One person on one date, while its rules run. */
typedef struct person_run {
    const sig_data *d;
    const ib_signal_settings *s;
    ib_date at;
    uint32_t p;
    const sig_joined *stays;
    size_t n_stays;
    const sig_joined *open;            /* the stay open on at, or NULL */
    ib_signal_list *out;
    size_t first;                      /* this person's first signal in out */
    char municipality[7];
    bool muni_known;
} person_run;

#define EACH(run, kind, i)                                                    \
    for (uint32_t i = (run)->d->off[kind][(run)->p];                          \
         i < (run)->d->off[kind][(run)->p + 1]; i++)

int sig_list_add(ib_signal_list *l, const ib_active_signal *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        ib_active_signal *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *s;
    return IB_OK;
}

/* ------------------------------------------------------------ subject */

static bool record_before(const sig_data *d, uint32_t a, uint32_t b)
{
    const sig_record *x = &d->records[a], *y = &d->records[b];
    int c = strcmp(sig_str(d, d->senders[x->sender].ref),
                   sig_str(d, d->senders[y->sender].ref));
    return c ? c < 0 : strcmp(sig_str(d, x->ref), sig_str(d, y->ref)) < 0;
}

static void name_by_record(const sig_data *d, uint32_t r, ib_active_signal *sig)
{
    const sig_record *rec = &d->records[r];
    const sig_sender *snd = &d->senders[rec->sender];
    sig->subject_sender_id = snd->id;
    sig->subject_record_id = rec->id;
    ib_strlcpy(sig->subject_sender, sig_str(d, snd->ref), sizeof sig->subject_sender);
    ib_strlcpy(sig->subject_ref, sig_str(d, rec->ref), sizeof sig->subject_ref);
}

/* The person's municipality on at: the BRP registration covering it (the
 * latest start), else an RNI registration covering it, else the location
 * of the housing covering it, else the latest registration or housing
 * begun by then. */
static void person_municipality(person_run *r)
{
    const sig_data *d = r->d;
    const char *best[4] = {"", "", "", ""};   /* brp, rni, housing, latest */
    ib_date when[4] = {IB_DATE_NONE, IB_DATE_NONE, IB_DATE_NONE, IB_DATE_NONE};
    EACH(r, SIG_REG, i) {
        const sig_reg *g = &d->regs[i];
        if (!g->municipality[0] || g->start > r->at)
            continue;
        int slot = !sig_covers(g->start, g->end, r->at) ? -1
                   : g->kind == IB_REG_BRP ? 0 : 1;
        if (slot >= 0 && (when[slot] == IB_DATE_NONE || g->start > when[slot] ||
                          (g->start == when[slot] && strcmp(g->municipality, best[slot]) < 0))) {
            when[slot] = g->start;
            best[slot] = g->municipality;
        }
        if (when[3] == IB_DATE_NONE || g->start > when[3]) {
            when[3] = g->start;
            best[3] = g->municipality;
        }
    }
    EACH(r, SIG_HOUSING, i) {
        const sig_housing *h = &d->housings[i];
        const char *m = d->locations[d->locations[h->location].canon].municipality;
        if (!m[0] || h->start > r->at)
            continue;
        if (sig_covers(h->start, h->end, r->at) &&
            (when[2] == IB_DATE_NONE || h->start > when[2] ||
             (h->start == when[2] && strcmp(m, best[2]) < 0))) {
            when[2] = h->start;
            best[2] = m;
        }
        if (when[3] == IB_DATE_NONE || h->start > when[3]) {   /* tie: registration */
            when[3] = h->start;
            best[3] = m;
        }
    }
    int pick = 3;
    for (int i = 0; i < 3; i++)
        if (best[i][0]) {
            pick = i;
            break;
        }
    ib_strlcpy(r->municipality, best[pick], sizeof r->municipality);
    r->muni_known = true;
}

/* Adds a signal of the person, once per (kind, key): the same condition
 * raised by two records is one signal. named_by: the record that raised
 * it, used when the person has no stay open on at. */
static int add_person_signal(person_run *r, ib_signal_kind kind, const char *key,
                             ib_date since, ib_date date, uint32_t named_by)
{
    const sig_data *d = r->d;
    for (size_t i = r->first; i < r->out->n; i++) {
        ib_active_signal *x = &r->out->v[i];
        if (x->kind != kind || strcmp(x->key, key) != 0)
            continue;
        uint32_t cur = sig_record_by_id(d, x->subject_record_id);
        if (!r->open && cur != SIG_NONE && record_before(d, named_by, cur))
            name_by_record(d, named_by, x);
        return IB_OK;
    }
    if (!r->muni_known)
        person_municipality(r);
    ib_active_signal sig;
    memset(&sig, 0, sizeof sig);
    sig.kind = kind;
    sig.location = false;
    sig.subject_id = d->persons[r->p].id;
    name_by_record(d, r->open ? r->open->record : named_by, &sig);
    ib_strlcpy(sig.key, key, sizeof sig.key);
    ib_strlcpy(sig.municipality, r->municipality, sizeof sig.municipality);
    sig.since = since;
    sig.date = date;
    sig.occupancy = 0;
    sig.capacity = -1;
    sig.floor_area = IB_CENTS_NONE;
    return sig_list_add(r->out, &sig);
}

static int add_stay_signal(person_run *r, ib_signal_kind kind, ib_date since)
{
    char key[IB_DATE_STRLEN];
    return add_person_signal(r, kind, ib_date_format(r->open->arrival, key), since,
                             r->open->arrival, r->open->record);
}

/* ------------------------------------------------------------ the rules */

/* A stay open on R, arrival + registration_months <= R, no BRP
 * registration covering R (RNI does not count). */
static int rule_not_registered(person_run *r)
{
    if (!r->open)
        return IB_OK;
    ib_date due = sig_add_months(r->open->arrival, r->s->registration_months);
    if (due > r->at)
        return IB_OK;
    EACH(r, SIG_REG, i)
        if (r->d->regs[i].kind == IB_REG_BRP &&
            sig_covers(r->d->regs[i].start, r->d->regs[i].end, r->at))
            return IB_OK;
    return add_stay_signal(r, IB_SIG_NOT_REGISTERED, due);
}

/* A stay open on R, arrival + address_days <= R, no housing covering R. */
static int rule_no_address(person_run *r)
{
    if (!r->open)
        return IB_OK;
    ib_date due = r->open->arrival + r->s->address_days;
    if (due > r->at)
        return IB_OK;
    EACH(r, SIG_HOUSING, i)
        if (sig_covers(r->d->housings[i].start, r->d->housings[i].end, r->at))
            return IB_OK;
    return add_stay_signal(r, IB_SIG_NO_ADDRESS, due);
}

static bool has_contact(const person_run *r, ib_contact_kind kind, ib_date from,
                        ib_date to)
{
    EACH(r, SIG_CONTACT, i) {
        const sig_contact *c = &r->d->contacts[i];
        if (c->kind == kind && c->date >= from && c->date <= to)
            return true;
    }
    return false;
}

/* A stay open on R, arrival + offer_months <= R, and not both a language
 * course offer and a career offer dated in [arrival, R]. */
static int rule_one_year_offer(person_run *r)
{
    if (!r->open)
        return IB_OK;
    ib_date due = sig_add_months(r->open->arrival, r->s->offer_months);
    if (due > r->at)
        return IB_OK;
    if (has_contact(r, IB_CONTACT_LANGUAGE_COURSE_OFFER, r->open->arrival, r->at) &&
        has_contact(r, IB_CONTACT_CAREER_OFFER, r->open->arrival, r->at))
        return IB_OK;
    return add_stay_signal(r, IB_SIG_ONE_YEAR_OFFER, due);
}

static int information_trigger(person_run *r, const char *what, ib_date t,
                               uint32_t named_by)
{
    if (!(t <= r->at && t > r->at - r->s->information_days))
        return IB_OK;
    if (has_contact(r, IB_CONTACT_INFORMATION, t, r->at))
        return IB_OK;
    char key[IB_SIGNAL_KEY_MAX + 1], day[IB_DATE_STRLEN];
    snprintf(key, sizeof key, "%s|%s", what, ib_date_format(t, day));
    return add_person_signal(r, IB_SIG_INFORMATION_MOMENT, key, t, t, named_by);
}

/* A stay open on R and a trigger t with R - information_days < t <= R
 * without an information contact in [t, R]: the arrival of a stay, a new
 * partner, a child born, a home bought. */
static int rule_information_moment(person_run *r)
{
    if (!r->open)
        return IB_OK;
    int rc = IB_OK;
    for (size_t i = 0; rc == IB_OK && i < r->n_stays; i++)
        rc = information_trigger(r, "arrival", r->stays[i].arrival, r->stays[i].record);
    EACH(r, SIG_EVENT, i) {
        const sig_event *ev = &r->d->events[i];
        if (rc != IB_OK)
            break;
        if (ev->kind == IB_EVENT_PARTNER_START || ev->kind == IB_EVENT_CHILD_BIRTH ||
            ev->kind == IB_EVENT_HOME_PURCHASE)
            rc = information_trigger(r, ib_code_text(ib_event_codes, ev->kind),
                                     ev->date, r->open->record);
    }
    return rc;
}

/* Whether an employment of the person covering R has organisation o
 * (merged by KvK) as employer or agency. */
static bool works_for(const person_run *r, uint32_t o)
{
    const sig_data *d = r->d;
    EACH(r, SIG_EMP, i) {
        const sig_emp *e = &d->emps[i];
        if (!sig_covers(e->start, e->end, r->at))
            continue;
        if (d->orgs[e->employer].canon == o ||
            (e->agency != SIG_NONE && d->orgs[e->agency].canon == o))
            return true;
    }
    return false;
}

/* Whether a housing covering R is provided by the employer or agency of
 * the ended employment e, and the person no longer works for that
 * organisation. */
static bool bed_from_lost_job(const person_run *r, const sig_emp *e)
{
    const sig_data *d = r->d;
    uint32_t employer = d->orgs[e->employer].canon;
    uint32_t agency = e->agency != SIG_NONE ? d->orgs[e->agency].canon : SIG_NONE;
    EACH(r, SIG_HOUSING, i) {
        const sig_housing *h = &d->housings[i];
        if (h->provided_by == SIG_NONE || !sig_covers(h->start, h->end, r->at))
            continue;
        uint32_t o = d->orgs[h->provided_by].canon;
        if ((o == employer || o == agency) && !works_for(r, o))
            return true;
    }
    return false;
}

/* An employment ended on e with R - job_loss_days <= e < R, a housing
 * covering R provided by its employer or agency, and no employment
 * covering R with that organisation. */
static int rule_job_and_bed(person_run *r)
{
    const sig_data *d = r->d;
    EACH(r, SIG_EMP, i) {
        const sig_emp *e = &d->emps[i];
        if (e->end == IB_DATE_NONE || e->start > r->at || e->end >= r->at ||
            e->end < r->at - r->s->job_loss_days || !bed_from_lost_job(r, e))
            continue;
        char key[IB_SIGNAL_KEY_MAX + 1], day[IB_DATE_STRLEN];
        snprintf(key, sizeof key, "%s|%s", sig_str(d, d->orgs[e->employer].ref),
                 ib_date_format(e->start, day));
        int rc = add_person_signal(r, IB_SIG_JOB_AND_BED, key, e->end + 1, e->end,
                                   e->record);
        if (rc)
            return rc;
    }
    return IB_OK;
}

/* ------------------------------------------------------------ per person */

int sig_evaluate_person(const sig_data *d, uint32_t p, ib_date at,
                        const ib_signal_settings *s, ib_signal_list *out)
{
    sig_joined *stays;
    size_t n;
    int rc = sig_person_stays(d, p, at, &stays, &n);
    if (rc)
        return rc;
    person_run r = {.d = d, .s = s, .at = at, .p = p, .stays = stays,
                    .n_stays = n, .out = out, .first = out->n};
    for (size_t i = 0; i < n; i++)
        if (stays[i].departure == IB_DATE_NONE || stays[i].departure > at)
            if (!r.open || stays[i].arrival > r.open->arrival)
                r.open = &stays[i];
    rc = rule_not_registered(&r);
    if (!rc) rc = rule_job_and_bed(&r);
    if (!rc) rc = rule_one_year_offer(&r);
    if (!rc) rc = rule_information_moment(&r);
    if (!rc) rc = rule_no_address(&r);
    free(stays);
    return rc;
}

int sig_settings_check(const ib_signal_settings *s, ib_err *err)
{
    if (!s)
        return ib_err_set(err, IB_EINVAL, "geen instellingen voor de signalen");
    struct {
        const char *name;
        int64_t v, max;
    } v[] = {
        {"registration_months", s->registration_months, 1200},
        {"min_area_m2", s->min_area_m2, 100000},
        {"job_loss_days", s->job_loss_days, 36500},
        {"offer_months", s->offer_months, 1200},
        {"information_days", s->information_days, 36500},
        {"address_days", s->address_days, 36500},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        if (v[i].v < 0 || v[i].v > v[i].max)
            return ib_err_set(err, IB_EINVAL, "instelling %s: %lld ligt niet tussen 0 en %lld",
                              v[i].name, (long long)v[i].v, (long long)v[i].max);
    return IB_OK;
}

static int cmp_signal(const void *a, const void *b)
{
    const ib_active_signal *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    int c = strcmp(x->subject_sender, y->subject_sender);
    if (!c) c = strcmp(x->subject_ref, y->subject_ref);
    if (!c) c = strcmp(x->key, y->key);
    return c;
}

int sig_evaluate(const sig_data *d, ib_date at, const ib_signal_settings *s,
                 ib_signal_list *out, ib_err *err)
{
    ib_err_clear(err);
    memset(out, 0, sizeof *out);
    int rc = sig_settings_check(s, err);
    if (rc)
        return rc;
    for (uint32_t p = 0; rc == IB_OK && p < d->n_persons; p++)
        rc = sig_evaluate_person(d, p, at, s, out);
    if (rc == IB_OK)
        rc = sig_overcrowded(d, at, s, out, err);
    if (rc) {
        ib_signal_list_free(out);
        return err && err->code ? err->code
                                : ib_err_set(err, IB_ENOMEM, "geheugen vol bij de signalen");
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_signal);
    return IB_OK;
}
