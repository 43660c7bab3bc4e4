/* home.c — where a demo person lives and is registered: tied beds of the
 * agency or employer (lost with the job), shared houses, rentals, shelters
 * and bought homes; BRP registration (following the municipality of the
 * home), RNI registration or none (about 40 % of EU workers never register
 * in the BRP, DOMAIN.md). */
#include "demo/demo_internal.h"

static int16_t muni_of_house(const dctx *c, const dperson *p, const dstate *s)
{
    if (s->house < 0)
        return -1;
    const dhouse *h = &p->houses.v[s->house];
    return h->loc == HOME_NEW ? h->muni : c->w.locs[h->loc].muni;
}

static int16_t any_muni(dperson *p)
{
    double w[64];
    for (size_t i = 0; i < demo_n_munis; i++)
        w[i] = demo_munis[i].weight;
    return (int16_t)drng_pick(&p->rng, w, demo_n_munis);
}

/* The BRP registration follows a move to another municipality. */
static void brp_follow(dctx *c, dperson *p, dstate *s, ib_date d)
{
    int16_t m = muni_of_house(c, p, s);
    if (s->brp < 0 || m < 0 || p->regs.v[s->brp].muni == m)
        return;
    dreg *r = &p->regs.v[s->brp];
    if (d <= r->start) {
        r->muni = m;
        return;
    }
    r->end = d - 1;
    dreg nr = {d, IB_DATE_NONE, IB_REG_BRP, m};
    DPUSH(p, p->regs, nr);
    if (!p->oom)
        s->brp = (int)(p->regs.n - 1);
}

/* Moves to location loc (HOME_NEW: a bought home in muni) on day d. */
static void move(dctx *c, dperson *p, dstate *s, ib_date d, int32_t loc,
                 int32_t provider, int16_t muni)
{
    if (s->house >= 0) {
        dhouse *h = &p->houses.v[s->house];
        if (h->loc == loc && h->provider == provider)
            return;
        if (d <= h->start) {
            h->loc = loc;
            h->provider = provider;
            h->muni = muni;
            brp_follow(c, p, s, d);
            return;
        }
        h->end = d - 1;
    }
    dhouse nh = {d, IB_DATE_NONE, loc, provider, muni};
    DPUSH(p, p->houses, nh);
    if (p->oom)
        return;
    s->house = (int)(p->houses.n - 1);
    brp_follow(c, p, s, d);
}

static void leave_house(dperson *p, dstate *s, ib_date d)
{
    if (s->house < 0)
        return;
    dhouse *h = &p->houses.v[s->house];
    if (d <= h->start)
        p->houses.n--;          /* never lived there: drop the episode */
    else
        h->end = d - 1;
    s->house = -1;
}

/* Moves to a location of the pool, housed by its provider. */
static void move_to(dctx *c, dperson *p, dstate *s, ib_date d, const dpool *pool)
{
    int32_t loc = (int32_t)world_pick(&c->w, pool, &p->rng);
    move(c, p, s, d, loc, c->w.locs[loc].provider, -1);
}

static bool has_family(const dperson *p)
{
    return p->partner || p->last_child != IB_DATE_NONE;
}

/* A home not tied to a job, by the person's situation. */
static void move_untied(dctx *c, dperson *p, dstate *s, ib_date d)
{
    drng *r = &p->rng;
    static const double student[POOL_COUNT] = {0.50, 0.25, 0.25, 0, 0, 0};
    static const double family[POOL_COUNT] = {0.20, 0, 0.50, 0.30, 0, 0};
    static const double refugee[POOL_COUNT] = {0, 0, 0.20, 0.80, 0, 0};
    static const double single[POOL_COUNT] = {0.45, 0.12, 0.25, 0.08, 0.10, 0};
    const double *w = single;
    if (p->category == IB_CAT_STATUS_HOLDER && s->house < 0)
        w = refugee;
    else if (p->category == IB_CAT_STUDENT)
        w = student;
    else if (has_family(p))
        w = family;
    move_to(c, p, s, d, &c->w.pools[drng_pick(r, w, POOL_COUNT)]);
}

/* Moves into a bed of org (agency or employer) when it has beds. */
static bool move_tied(dctx *c, dperson *p, dstate *s, ib_date d, int32_t org)
{
    const dpool *own = &c->w.own[org];
    if (own->n == 0)
        return false;
    int32_t loc = (int32_t)world_pick(&c->w, own, &p->rng);
    move(c, p, s, d, loc, org, -1);
    return true;
}

void home_start_stay(dctx *c, dperson *p, dstate *s)
{
    drng *r = &p->rng;
    ib_date a = s->arrival;
    bool worker = p->category == IB_CAT_LABOUR || p->category == IB_CAT_OTHER;
    double brp = p->eu ? (worker ? 0.47 : 0.90) : 0.97;
    if (p->category == IB_CAT_STATUS_HOLDER || p->category == IB_CAT_FAMILY)
        brp = 1.0;
    bool registers = drng_chance(r, brp);
    if (registers)
        s->brp_due = a + 3 + (ib_date)drng_exp(r, 35);
    if ((!registers && drng_chance(r, 0.5)) || (registers && drng_chance(r, 0.05))) {
        ib_date d = a + drng_int(r, 14);
        if (d <= c->at) {
            dreg rni = {d, IB_DATE_NONE, IB_REG_RNI, -1};
            DPUSH(p, p->regs, rni);
            if (!p->oom)
                s->rni = (int)(p->regs.n - 1);
        }
    }
    /* Some of the unregistered are nowhere on record. */
    if (s->house < 0 && (registers || !drng_chance(r, 0.15)))
        move_untied(c, p, s, a);
}

/* Whether the current home is a bed of an agency or employer. */
static bool in_job_bed(const dctx *c, const dperson *p, const dstate *s)
{
    if (s->house < 0)
        return false;
    int32_t by = p->houses.v[s->house].provider;
    return by >= 0 && (c->w.orgs[by].kind == IB_ORG_AGENCY ||
                       c->w.orgs[by].kind == IB_ORG_EMPLOYER);
}

void home_after_job_start(dctx *c, dperson *p, dstate *s, ib_date d)
{
    if (p->owner)
        return;
    const djob *j = &p->jobs.v[s->job];
    int32_t org = j->agency >= 0 ? j->agency : j->employer;
    double years = (double)(d - s->arrival) / 365.25;
    double tied = j->agency >= 0 ? (years < 2 ? 0.90 : 0.60) : 0.60;
    if (has_family(p))
        tied *= 0.5;
    if (s->house >= 0 && p->houses.v[s->house].provider == org)
        return;                 /* already in this organisation's bed */
    if (drng_chance(&p->rng, tied) && move_tied(c, p, s, d, org))
        return;
    if (s->house < 0 || in_job_bed(c, p, s))
        move_untied(c, p, s, d);
}

void home_after_job_end(dctx *c, dperson *p, dstate *s, int job, ib_date e,
                        ib_date limit)
{
    if (s->house < 0 || p->owner)
        return;
    const djob *j = &p->jobs.v[job];
    int32_t by = p->houses.v[s->house].provider;
    if (by < 0 || (by != j->employer && by != j->agency))
        return;
    /* Job lost, bed lost: out within two weeks, before the next job. */
    drng *r = &p->rng;
    ib_date d = e + 1 + drng_int(r, 14);
    if (s->next_job != IB_DATE_NONE && d >= s->next_job)
        d = s->next_job - 1;
    if (d > limit)
        d = limit;
    if (d <= e)
        d = e + 1;
    if (d > c->at)
        return;
    double u = drng_unif(r);
    if (u < 0.10)
        leave_house(p, s, d);                 /* sofa, car, street: unknown */
    else if (u < 0.20)
        move_to(c, p, s, d, &c->w.pools[POOL_OTHER]);  /* a shelter */
    else
        move_untied(c, p, s, d);
}

static void register_brp(dctx *c, dperson *p, dstate *s, ib_date d)
{
    int16_t m = muni_of_house(c, p, s);
    if (m < 0)
        m = any_muni(p);
    dreg reg = {d, IB_DATE_NONE, IB_REG_BRP, m};
    DPUSH(p, p->regs, reg);
    if (p->oom)
        return;
    s->brp = (int)(p->regs.n - 1);
    s->brp_due = IB_DATE_NONE;
    p->has_brp = true;
    if (s->rni >= 0) {
        dreg *rni = &p->regs.v[s->rni];
        rni->end = d > rni->start ? d - 1 : rni->start;
        s->rni = -1;
    }
}

void home_step(dctx *c, dperson *p, dstate *s, ib_date t, ib_date t1)
{
    drng *r = &p->rng;
    if (t1 <= t)
        return;
    if (s->brp_due != IB_DATE_NONE && s->brp_due <= t1)
        register_brp(c, p, s, s->brp_due > t ? s->brp_due : t + 1);
    else if (s->brp < 0 && s->brp_due == IB_DATE_NONE && t - s->arrival > 365 &&
             drng_chance(r, 0.007))
        s->brp_due = t + drng_range(r, 1, t1 - t);    /* settles, registers */
    if (s->house >= 0 && !p->owner && !work_is_tied(p, s) &&
        drng_chance(r, 1.0 / 40))
        move_untied(c, p, s, t + drng_range(r, 1, t1 - t));
}

void home_buy(dctx *c, dperson *p, dstate *s, ib_date d)
{
    int16_t m = muni_of_house(c, p, s);
    if (m < 0)
        m = any_muni(p);
    devent e = {d, IB_EVENT_HOME_PURCHASE};
    DPUSH(p, p->events, e);
    move(c, p, s, d, HOME_NEW, -1, m);
    p->owner = p->bought = true;
}

void home_family_move(dctx *c, dperson *p, dstate *s, ib_date d)
{
    if (s->house < 0 || p->owner || work_is_tied(p, s))
        return;
    uint8_t kind = c->w.locs[p->houses.v[s->house].loc].kind;
    if (kind != IB_LOC_PRIVATE_RENTAL && kind != IB_LOC_CORPORATION_RENTAL &&
        drng_chance(&p->rng, 0.5))
        move_untied(c, p, s, d);
}

void home_close(dctx *c, dperson *p, dstate *s, ib_date dep)
{
    if (p->owner && s->house >= 0) {
        ib_date bought = p->houses.v[s->house].start;
        ib_date sale = dep - drng_int(&p->rng, 60);
        devent e = {sale > bought ? sale : bought + 1, IB_EVENT_HOME_SALE};
        if (e.date <= c->at)
            DPUSH(p, p->events, e);
        p->owner = false;
    }
    leave_house(p, s, dep);
    if (s->brp >= 0)
        p->regs.v[s->brp].end = dep;
    if (s->rni >= 0 && p->regs.v[s->rni].start > dep)
        p->regs.n--;            /* left before the planned RNI registration */
    else if (s->rni >= 0)
        p->regs.v[s->rni].end = dep;
    s->brp = s->rni = -1;
    s->brp_due = IB_DATE_NONE;
}
