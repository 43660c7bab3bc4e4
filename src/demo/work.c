/* work.c — the jobs of a demo person: when a job starts and ends, with
 * which contract (agency work first, permanent contracts later), employer,
 * agency, hours and wage. Wages are set relative to the statutory minimum
 * wage (WML), or for knowledge migrants relative to the IND salary
 * criterion, and follow those amounts year by year (rows.c writes one
 * employment row per calendar year of a job). */
#include <math.h>
#include <string.h>

#include "demo/demo_internal.h"

/* Contract mix (agency, temporary, permanent, self-employed) of labour
 * migrants' jobs by years since arrival: [0,1) [1,3) [3,6) 6+. After SEO:
 * 44 % of EU workers still work through an agency one year after arrival,
 * and only half have a permanent contract after ten years. */
static const double labour_contracts[4][4] = {
    {0.72, 0.18, 0.07, 0.03},
    {0.48, 0.25, 0.22, 0.05},
    {0.28, 0.24, 0.41, 0.07},
    {0.17, 0.20, 0.55, 0.08},
};

/* Mean job length in days by contract. */
static const double mean_days[4] = {240, 420, 1800, 1100};

static double years_in(const dstate *s, ib_date d)
{
    return (double)(d - s->arrival) / 365.25;
}

/* The contract of the job before, in this stay; -1 none. */
static int previous_contract(const dperson *p, const dstate *s)
{
    if (p->jobs.n == 0 || p->jobs.v[p->jobs.n - 1].start < s->arrival)
        return -1;
    return p->jobs.v[p->jobs.n - 1].contract;
}

/* Careers persist (SEO: half of those here after ten years still earn
 * under 130 % of WML, and only half have a permanent contract): who has a
 * permanent contract mostly keeps one, and the more skilled get one
 * sooner, the less skilled stay in agency and temporary work. */
static uint8_t pick_labour_contract(dperson *p, int b, int prev)
{
    drng *r = &p->rng;
    if (prev == IB_CONTRACT_PERMANENT && drng_chance(r, 0.8))
        return IB_CONTRACT_PERMANENT;
    double w[4];
    memcpy(w, labour_contracts[b], sizeof w);
    w[IB_CONTRACT_PERMANENT] *= 0.2 + 1.6 * p->skill;
    return (uint8_t)drng_pick(r, w, 4);
}

static uint8_t pick_contract(dperson *p, const dstate *s, ib_date d, bool first)
{
    drng *r = &p->rng;
    double y = years_in(s, d);
    int prev = previous_contract(p, s);
    switch (p->category) {
    case IB_CAT_LABOUR:
        return pick_labour_contract(p, y < 1 ? 0 : y < 3 ? 1 : y < 6 ? 2 : 3, prev);
    case IB_CAT_KNOWLEDGE: {
        /* Mostly hired on a permanent contract, and kept on one. */
        static const double w_first[] = {0, 0.20, 0.80, 0};
        static const double w_later[] = {0, 0.25, 0.70, 0.05};
        if (prev == IB_CONTRACT_PERMANENT && drng_chance(r, 0.85))
            return IB_CONTRACT_PERMANENT;
        return (uint8_t)drng_pick(r, first ? w_first : w_later, 4);
    }
    case IB_CAT_STUDENT: {
        static const double w[] = {0.4, 0.6, 0, 0};
        return (uint8_t)drng_pick(r, w, 4);
    }
    default: {
        static const double w[] = {0.38, 0.42, 0.17, 0.03};
        return (uint8_t)drng_pick(r, w, 4);
    }
    }
}

/* Wage level of a new job: relative to WML, or to K when j->refk. */
static void pick_wage(dperson *p, const dstate *s, djob *j, ib_date d, bool first)
{
    drng *r = &p->rng;
    double u = drng_unif(r), y = years_in(s, d);
    double level = 0.35 + 0.65 * p->skill;   /* who earns more, keeps doing so */
    j->hours = drng_chance(r, 0.5) ? 4000 : 3800;
    if (p->category == IB_CAT_KNOWLEDGE) {
        /* Above the salary criterion (a condition of the permit); now and
         * then a later job below it. */
        j->refk = first || !drng_chance(r, 0.08);
        j->ratio = (float)(j->refk ? 1.02 + 0.45 * u : 1.5 + 0.4 * u);
        return;
    }
    if (p->category == IB_CAT_STUDENT) {
        j->hours = (uint16_t)(100 * drng_range(r, 8, 20));
        j->ratio = (float)((double)j->hours / 3800.0 * (1.0 + 0.15 * u));
        return;
    }
    switch (j->contract) {
    case IB_CONTRACT_AGENCY:
        j->ratio = (float)(1.0 + 0.27 * u * level + 0.012 * y);
        break;
    case IB_CONTRACT_TEMPORARY:
        j->ratio = (float)(1.0 + 0.60 * u * level * level + 0.02 * y);
        break;
    case IB_CONTRACT_PERMANENT:
        j->ratio = (float)(1.05 + 1.00 * u * level + 0.03 * y);
        /* A few labour migrants earn a knowledge migrant's salary. */
        if (p->category == IB_CAT_LABOUR && p->skill > 0.95 && u > 0.5) {
            j->refk = true;
            j->ratio = (float)(1.0 + 0.3 * drng_unif(r));
        }
        break;
    default:
        j->ratio = (float)(1.1 + 0.8 * u);
        j->wage_unknown = drng_chance(r, 0.5);
        break;
    }
    if (p->category != IB_CAT_LABOUR) {
        j->ratio *= 0.9f;
    } else if (drng_chance(r, 0.12)) {
        /* Part-time: a lower monthly wage for the same hourly rate. */
        int hours = drng_range(r, 20, 32);
        j->ratio = (float)((double)j->ratio * (double)hours / 38.0);
        j->hours = (uint16_t)(100 * hours);
    }
}

static void start_job(dctx *c, dperson *p, dstate *s, ib_date d)
{
    drng *r = &p->rng;
    const dworld *w = &c->w;
    bool first = s->job < 0 && (p->jobs.n == 0 ||
                                p->jobs.v[p->jobs.n - 1].start < s->arrival);
    djob j = {0};
    j.start = d;
    j.agency = -1;
    j.contract = pick_contract(p, s, d, first);
    bool knowledge = p->category == IB_CAT_KNOWLEDGE;
    if (knowledge)
        j.employer = (int32_t)w->know_emp[drng_pick_cum(r, w->know_cum, w->n_know)];
    else
        j.employer = (int32_t)w->lab_emp[drng_pick_cum(r, w->lab_cum, w->n_lab)];
    if (j.contract == IB_CONTRACT_AGENCY)
        j.agency = (int32_t)drng_pick_cum(r, w->agency_cum, w->agencies);
    j.sector = w->orgs[j.employer].sector;
    pick_wage(p, s, &j, d, first);
    double mean = mean_days[j.contract];
    if (knowledge)
        mean *= 1.5;
    else if (p->category == IB_CAT_STUDENT)
        mean = 240;
    j.end = d + 14 + (ib_date)drng_exp(r, mean);
    DPUSH(p, p->jobs, j);
    if (p->oom)
        return;
    s->job = (int)(p->jobs.n - 1);
    home_after_job_start(c, p, s, d);
}

/* When the next job starts after job `ended` ended on e: straight on the
 * next day (an agency moves its worker from one hirer to the next), or
 * after a search. */
static ib_date next_job_after(dperson *p, const djob *ended, ib_date e)
{
    drng *r = &p->rng;
    double direct, gap;
    switch (p->category) {
    case IB_CAT_KNOWLEDGE: direct = 0.80; gap = 90; break;
    case IB_CAT_LABOUR:
        direct = ended->contract == IB_CONTRACT_AGENCY ? 0.75 : 0.60;
        gap = 100;
        break;
    case IB_CAT_STUDENT: direct = 0.30; gap = 150; break;
    default: direct = 0.40; gap = 200; break;
    }
    if (drng_chance(r, direct))
        return e + 1;
    return e + 1 + (ib_date)drng_exp(r, gap);
}

void work_start_stay(dctx *c, dperson *p, dstate *s)
{
    drng *r = &p->rng;
    ib_date a = s->arrival;
    switch (p->category) {
    case IB_CAT_LABOUR:
        /* Most are recruited before they come: work from day one. */
        s->next_job = drng_chance(r, 0.85) ? a : a + 1 + (ib_date)drng_exp(r, 75);
        break;
    case IB_CAT_KNOWLEDGE:
        /* The permit is for a job: it mostly starts on arrival. */
        s->next_job = drng_chance(r, 0.8) ? a : a + drng_int(r, 20);
        break;
    case IB_CAT_STATUS_HOLDER: s->next_job = a + 60 + (ib_date)drng_exp(r, 900); break;
    case IB_CAT_FAMILY:
        s->next_job = drng_chance(r, 0.45) ? a + (ib_date)drng_exp(r, 500)
                                           : IB_DATE_NONE;
        break;
    case IB_CAT_STUDENT:
        s->next_job = drng_chance(r, 0.35) ? a + (ib_date)drng_exp(r, 120)
                                           : IB_DATE_NONE;
        break;
    default: s->next_job = a + (ib_date)drng_exp(r, 120); break;
    }
    if (s->next_job == a)
        start_job(c, p, s, a);
}

void work_step(dctx *c, dperson *p, dstate *s, ib_date t, ib_date t1)
{
    (void)t;
    while (!p->oom) {
        if (s->job >= 0) {
            djob *j = &p->jobs.v[s->job];
            if (j->end > t1)
                return;
            int ended = s->job;
            ib_date e = j->end;
            s->job = -1;
            s->next_job = next_job_after(p, j, e);
            home_after_job_end(c, p, s, ended, e, t1);
        } else if (s->next_job != IB_DATE_NONE && s->next_job <= t1) {
            ib_date d = s->next_job;
            s->next_job = IB_DATE_NONE;
            start_job(c, p, s, d);
        } else {
            return;
        }
    }
}

void work_close(dperson *p, dstate *s, ib_date dep)
{
    if (s->job >= 0) {
        djob *j = &p->jobs.v[s->job];
        if (j->end > dep - 1)
            j->end = dep - 1;
        s->job = -1;
    }
    s->next_job = IB_DATE_NONE;
}

ib_date work_wage_from(const dctx *c, const dperson *p, const djob *j, ib_date d)
{
    ib_date seg = dcal_jan1(&c->cal, dcal_year(&c->cal, d));
    if (seg < j->start)
        seg = j->start;
    /* A knowledge migrant's wage rises to the higher criterion at 30 (the
     * permit asks for it), not only the next January. */
    if (j->refk && seg < p->turns_30 && p->turns_30 <= d)
        seg = p->turns_30;
    return seg;
}

int64_t work_wage(const dctx *c, const dperson *p, const djob *j, ib_date d)
{
    ib_date seg = work_wage_from(c, p, j, d);
    double ref = j->refk ? (double)dcal_knowledge(&c->cal,
                                                  seg < p->turns_30 ? 29 : 30, seg)
                         : (double)dcal_wml(&c->cal, seg);
    /* Raises with years in the job on top of the indexation. */
    double tenure = (double)(seg - j->start) / 365.25;
    double cents = j->ratio * ref * (1.0 + 0.012 * tenure);
    return (int64_t)floor(cents / 100.0 + 0.5) * 100;
}

bool work_is_tied(const dperson *p, const dstate *s)
{
    if (s->job < 0 || s->house < 0)
        return false;
    const djob *j = &p->jobs.v[s->job];
    int32_t by = p->houses.v[s->house].provider;
    return by >= 0 && (by == j->employer || by == j->agency);
}
