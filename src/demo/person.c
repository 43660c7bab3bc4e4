/* person.c — one demo person's life: who arrives (nationality, category,
 * age, family), and month by month until the reference date whether the
 * person leaves, by the departure hazard of docs/demo-data.md: a baseline
 * by origin (EU/EEA or not) and years since arrival, times the category,
 * times the binding effects SEO found (work, partner, children, home
 * ownership bind; agency work and tied housing less). Jobs and housing are
 * in work.c and home.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo_internal.h"

/* ------------------------------------------------------------ the model */

/* The departure model (docs/demo-data.md). Annual hazard at baseline
 * (working on a permanent contract, not in a tied bed, single, no
 * children, no home, income under 200 % of WML), by origin and band of
 * years since arrival [0,1) [1,3) [3,5) [5,10) 10+, calibrated to CBS's
 * cohort 2017; then hazard ratios for the category (labour, knowledge,
 * status_holder, family, student, other) and the binding effects. */
const dmodel demo_model_default = {
    .base = {{0.353, 0.269, 0.178, 0.125, 0.090},      /* EU/EEA */
             {0.313, 0.261, 0.214, 0.140, 0.100}},     /* other */
    .category = {1.00, 1.00, 0.40, 0.65, 1.70, 1.10},
    .not_working = 2.0,
    .agency = 1.25,
    .temporary = 0.90,
    .self_employed = 0.90,
    .tied_housing = 1.30,
    .income_200 = 0.75,
    .partner = 0.65,
    .children_eu = 0.50,
    .children_non_eu = 0.70,
    .home_owner = 0.35,
};

static int band_of(double years)
{
    return years < 1 ? 0 : years < 3 ? 1 : years < 5 ? 2 : years < 10 ? 3 : 4;
}

static bool has_child_under_18(const dperson *p, ib_date t)
{
    return p->last_child != IB_DATE_NONE && p->last_child <= t &&
           t < p->child_until;
}

/* Annual departure hazard of person p on day t of the current stay. */
static double hazard(const dctx *c, const dperson *p, const dstate *s,
                     ib_date t)
{
    const dmodel *fx = &c->model;
    double years = (double)(t - s->arrival) / 365.25;
    double h = fx->base[p->eu ? 0 : 1][band_of(years)] * fx->category[p->category];
    if (s->job >= 0) {
        const djob *j = &p->jobs.v[s->job];
        if (j->contract == IB_CONTRACT_AGENCY)
            h *= fx->agency;
        else if (j->contract == IB_CONTRACT_TEMPORARY)
            h *= fx->temporary;
        else if (j->contract == IB_CONTRACT_SELF_EMPLOYED)
            h *= fx->self_employed;
        if (!j->wage_unknown && work_wage(c, p, j, t) >= 2 * dcal_wml(&c->cal, t))
            h *= fx->income_200;
    } else if (p->category == IB_CAT_LABOUR || p->category == IB_CAT_KNOWLEDGE ||
               p->category == IB_CAT_OTHER) {
        h *= fx->not_working;
    }
    if (work_is_tied(p, s))
        h *= fx->tied_housing;
    if (p->partner)
        h *= fx->partner;
    if (has_child_under_18(p, t))
        h *= p->eu ? fx->children_eu : fx->children_non_eu;
    if (p->owner)
        h *= fx->home_owner;
    return h;
}

/* ------------------------------------------------------------ identity */

static int age_at_arrival(drng *r, uint8_t cat)
{
    switch (cat) {
    case IB_CAT_KNOWLEDGE: return drng_range(r, 24, 46);
    case IB_CAT_STUDENT: return drng_range(r, 18, 27);
    case IB_CAT_FAMILY: return drng_range(r, 20, 45);
    case IB_CAT_STATUS_HOLDER: return drng_range(r, 18, 55);
    default: break;
    }
    /* Labour: 40 % of EU arrivals are 18-24 (DOMAIN.md). */
    static const double w[] = {0.40, 0.30, 0.17, 0.10, 0.03};
    static const int lo[] = {18, 25, 35, 45, 55};
    size_t b = drng_pick(r, w, 5);
    return drng_range(r, lo[b], lo[b] + (b == 4 ? 9 : b == 0 ? 6 : 9));
}

static ib_date arrival_date(const dctx *c, drng *r)
{
    size_t y = drng_pick_cum(r, c->year_cum, (size_t)c->n_years);
    ib_date first = ib_date_from_ymd(2010 + (int)y, 1, 1);
    ib_date last = ib_date_from_ymd(2010 + (int)y, 12, 31);
    if (last > c->at)
        last = c->at;
    return first + drng_int(r, last - first + 1);
}

static void add_event(dperson *p, uint8_t kind, ib_date d)
{
    devent e = {d, kind};
    DPUSH(p, p->events, e);
    if (kind == IB_EVENT_CHILD_BIRTH) {
        p->last_child = d;
        p->child_until = ib_date_add_years(d, 18);
    }
    else if (kind == IB_EVENT_PARTNER_START)
        p->partner = true;
    else if (kind == IB_EVENT_PARTNER_END)
        p->partner = false;
    p->last_family_event = d;
}

/* A partner and children the person already has on arrival. */
static void family_before(dperson *p, ib_date arrival, int age)
{
    drng *r = &p->rng;
    double pp;
    switch (p->category) {
    case IB_CAT_FAMILY: pp = 1.0; break;
    case IB_CAT_KNOWLEDGE: pp = 0.5; break;
    case IB_CAT_STATUS_HOLDER: pp = 0.4; break;
    case IB_CAT_STUDENT: pp = 0.05; break;
    default: pp = age < 25 ? 0.10 : age < 35 ? 0.35 : 0.55; break;
    }
    if (!drng_chance(r, pp))
        return;
    ib_date adult = ib_date_add_years(p->birth, 19);
    ib_date since = adult < arrival ? adult + drng_int(r, arrival - adult) : arrival;
    add_event(p, IB_EVENT_PARTNER_START, since);
    if (age < 23 || !drng_chance(r, 0.55))
        return;
    /* One to three children, the eldest under 17 on arrival. */
    ib_date lo = ib_date_add_years(p->birth, 20);
    ib_date young = ib_date_add_years(arrival, -16);
    if (lo < young)
        lo = young;
    if (lo < since)
        lo = since;
    int n = drng_range(r, 1, 3);
    for (ib_date b = lo + drng_int(r, 700); n > 0 && b < arrival; n--) {
        add_event(p, IB_EVENT_CHILD_BIRTH, b);
        b += drng_range(r, 400, 1500);
    }
}

static void identity(dctx *c, dperson *p)
{
    drng *r = &p->rng;
    double w[64];
    for (size_t i = 0; i < demo_n_nations; i++)
        w[i] = demo_nations[i].weight;
    p->nation = drng_pick(r, w, demo_n_nations);
    const dnation *n = &demo_nations[p->nation];
    p->eu = ib_country_is_eu(n->code);
    p->category = (uint8_t)drng_pick(r, demo_category_mix[n->mix], 6);
    double male = p->category == IB_CAT_LABOUR ? 0.70
                  : p->category == IB_CAT_KNOWLEDGE ? 0.65 : 0.50;
    p->sex = drng_chance(r, male) ? IB_SEX_M : IB_SEX_V;
    p->family_name = drng_int(r, n->names->n_family);
    p->given_name = drng_int(r, p->sex == IB_SEX_M ? n->names->n_male
                                                   : n->names->n_female);
    p->skill = drng_unif(r);
    (void)c;
}

/* ------------------------------------------------------------ a stay */

/* Partner, child and home purchase in (t, t1]. */
static void family_step(dctx *c, dperson *p, dstate *s, ib_date t, ib_date t1)
{
    drng *r = &p->rng;
    if (t1 <= t || (p->last_family_event != IB_DATE_NONE &&
                    p->last_family_event > t - 31))
        return;
    ib_date d = t + drng_range(r, 1, t1 - t);
    const double month = 1.0 / 12;
    int age = (int)((double)(d - p->birth) / 365.25);
    if (!p->partner && age < 55 && drng_chance(r, 0.07 * month)) {
        add_event(p, IB_EVENT_PARTNER_START, d);
        home_family_move(c, p, s, d);
    } else if (p->partner && drng_chance(r, 0.03 * month)) {
        add_event(p, IB_EVENT_PARTNER_END, d);
    } else if (p->partner && age < 43 &&
               (p->last_child == IB_DATE_NONE || d - p->last_child > 400) &&
               drng_chance(r, 0.10 * month)) {
        add_event(p, IB_EVENT_CHILD_BIRTH, d);
        home_family_move(c, p, s, d);
    }
    if (p->bought || s->job < 0 || d - s->arrival < 365)
        return;
    const djob *j = &p->jobs.v[s->job];
    double rate = 0.022;
    if (p->partner)
        rate *= 2.0;
    if (has_child_under_18(p, d))
        rate *= 1.5;
    if (j->contract == IB_CONTRACT_PERMANENT)
        rate *= 1.6;
    if (!j->wage_unknown && 100 * work_wage(c, p, j, d) >= 130 * dcal_wml(&c->cal, d))
        rate *= 2.0;
    if (d - s->arrival < 2 * 365)
        rate *= 0.3;
    if (drng_chance(r, rate * month))
        home_buy(c, p, s, d);
}

static void close_stay(dctx *c, dperson *p, dstate *s, ib_date dep)
{
    work_close(p, s, dep);
    home_close(c, p, s, dep);
    p->stays.v[p->stays.n - 1].departure = dep;
}

/* Simulates one stay from arrival; returns the departure date, or
 * IB_DATE_NONE when the person is still here on R. */
static ib_date run_stay(dctx *c, dperson *p, ib_date arrival)
{
    dstay st = {arrival, IB_DATE_NONE};
    DPUSH(p, p->stays, st);
    dstate s = {arrival, -1, IB_DATE_NONE, -1, -1, -1, IB_DATE_NONE};
    work_start_stay(c, p, &s);
    home_start_stay(c, p, &s);
    for (ib_date t = arrival;; t += 30) {
        ib_date t1 = t + 30 < c->at ? t + 30 : c->at;
        double h = hazard(c, p, &s, t);
        if (drng_unif(&p->rng) < 1.0 - exp(-h * 30.0 / 365.25)) {
            ib_date dep = t + drng_range(&p->rng, 1, 30);
            if (dep <= c->at) {
                close_stay(c, p, &s, dep);
                return dep;
            }
        }
        work_step(c, p, &s, t, t1);
        family_step(c, p, &s, t, t1);
        home_step(c, p, &s, t, t1);
        if (t1 >= c->at)
            return IB_DATE_NONE;
    }
}

/* Circular migration: some EU workers come back after months to years. */
static ib_date return_date(const dctx *c, dperson *p, ib_date dep)
{
    if (!p->eu || p->category != IB_CAT_LABOUR || p->stays.n >= 3 ||
        !drng_chance(&p->rng, 0.15))
        return IB_DATE_NONE;
    ib_date back = dep + drng_range(&p->rng, 90, 900);
    return back <= c->at ? back : IB_DATE_NONE;
}

static void live(dctx *c, dperson *p)
{
    identity(c, p);
    ib_date arrival = arrival_date(c, &p->rng);
    int age = age_at_arrival(&p->rng, p->category);
    p->birth = ib_date_add_years(arrival, -age) - drng_int(&p->rng, 365);
    p->turns_30 = ib_date_add_years(p->birth, 30);
    family_before(p, arrival, age);
    for (;;) {
        ib_date dep = run_stay(c, p, arrival);
        if (dep == IB_DATE_NONE || p->oom)
            return;
        arrival = return_date(c, p, dep);
        if (arrival == IB_DATE_NONE)
            return;
    }
}

static void reset(dperson *p, dctx *c, int64_t idx, uint64_t attempt)
{
    p->idx = idx;
    drng_seed(&p->rng, c->seed, (uint64_t)idx | (attempt << 40));
    p->partner = p->owner = p->bought = p->has_brp = false;
    p->last_child = p->last_family_event = IB_DATE_NONE;
    p->jobs.n = p->houses.n = p->regs.n = p->events.n = p->stays.n = 0;
}

/* P000001 is the person `make run` suggests to look at: present on R with
 * a job, a home and a BRP registration (and some history), in a bed of the
 * agency that employs it. */
static bool is_showcase(const dctx *c, const dperson *p)
{
    if (p->stays.n != 1 || p->stays.v[0].departure != IB_DATE_NONE ||
        p->category != IB_CAT_LABOUR || p->jobs.n < 2 || p->houses.n < 2)
        return false;
    const djob *j = &p->jobs.v[p->jobs.n - 1];
    if (j->agency < 0 || p->houses.v[p->houses.n - 1].provider != j->agency)
        return false;
    return p->jobs.v[p->jobs.n - 1].end > c->at &&
           p->houses.v[p->houses.n - 1].end == IB_DATE_NONE &&
           p->regs.n > 0 && p->regs.v[p->regs.n - 1].end == IB_DATE_NONE &&
           p->regs.v[p->regs.n - 1].kind == IB_REG_BRP;
}

void person_generate(dctx *c, dperson *p, int64_t idx)
{
    for (uint64_t attempt = 0;; attempt++) {
        reset(p, c, idx, attempt);
        live(c, p);
        if (idx != 0 || attempt >= 10000 || p->oom)
            return;
        if (is_showcase(c, p)) {
            /* ... and in L0001, the crowded shared house of agency O001 that
             * `make run` suggests: move the current tied bed there. */
            dhouse *h = &p->houses.v[p->houses.n - 1];
            p->jobs.v[p->jobs.n - 1].agency = 0;
            h->loc = 0;
            h->provider = 0;
            dreg *r = &p->regs.v[p->regs.n - 1];
            if (r->start >= h->start)
                r->muni = c->w.locs[0].muni;
            return;
        }
    }
}

void person_free(dperson *p)
{
    free(p->jobs.v);
    free(p->houses.v);
    free(p->regs.v);
    free(p->events.v);
    free(p->stays.v);
    free(p->contacts.v);
    memset(p, 0, sizeof *p);
}

void *dvec_grow(void *v, size_t *cap, size_t size, bool *oom)
{
    size_t n = *cap ? *cap * 2 : 16;
    void *nv = realloc(v, n * size);
    if (!nv) {
        *oom = true;
        return NULL;
    }
    *cap = n;
    return nv;
}
