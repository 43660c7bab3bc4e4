/* world.c — the organisations and housing locations the demo persons work
 * and live in: agencies (several with their own beds: tied housing),
 * employers of labour and of knowledge migrants by sector, housing
 * providers, municipalities and welfare organisations; locations of every
 * kind in weighted pools, sized in proportion to the number of persons.
 * Owner-occupied homes are added as persons buy them. */
#include <stdlib.h>
#include <string.h>

#include "demo/demo_internal.h"

/* Streams of the world's random numbers (persons use their index). */
#define STREAM_WORLD (UINT64_C(1) << 62)

static int digits(int64_t n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

/* Zipf-like sizes: a few large organisations, many small ones. */
static double org_size(drng *r, size_t rank)
{
    return (0.5 + drng_unif(r)) / (double)(rank + 1) * 10.0 + 0.2;
}

static size_t pick_muni(drng *r)
{
    double w[64];
    for (size_t i = 0; i < demo_n_munis; i++)
        w[i] = demo_munis[i].weight;
    return drng_pick(r, w, demo_n_munis);
}

static char labour_sector(drng *r)
{
    static const char s[] = "ACHFGI";
    static const double w[] = {0.25, 0.22, 0.25, 0.10, 0.06, 0.12};
    return s[drng_pick(r, w, 6)];
}

static char knowledge_sector(drng *r)
{
    static const char s[] = "JMCQP";
    static const double w[] = {0.35, 0.25, 0.20, 0.12, 0.08};
    return s[drng_pick(r, w, 5)];
}

static int add_orgs(dworld *w, drng *r, int64_t persons)
{
    w->agencies = 8 + (size_t)(persons / 2000);
    w->employers = 20 + (size_t)(persons / 250);
    w->providers = 3 + (size_t)(persons / 10000);
    w->first_employer = w->agencies;
    w->first_provider = w->first_employer + w->employers;
    w->first_municipality = w->first_provider + w->providers;
    w->first_welfare = w->first_municipality + 3;
    w->n_orgs = w->first_welfare + 3;    /* 2 welfare, 1 other */
    w->orgs = calloc(w->n_orgs, sizeof *w->orgs);
    if (!w->orgs)
        return IB_ENOMEM;
    for (size_t i = 0; i < w->n_orgs; i++) {
        dorg *o = &w->orgs[i];
        o->home_muni = (int16_t)pick_muni(r);
        if (i < w->first_employer) {
            o->kind = IB_ORG_AGENCY;
            o->weight = org_size(r, i);
        } else if (i < w->first_provider) {
            o->kind = IB_ORG_EMPLOYER;
            o->knowledge = drng_chance(r, 0.25);
            o->sector = o->knowledge ? knowledge_sector(r) : labour_sector(r);
            o->weight = org_size(r, i - w->first_employer);
        } else if (i < w->first_municipality) {
            o->kind = IB_ORG_HOUSING_PROVIDER;
            o->weight = 1;
        } else if (i < w->first_welfare) {
            o->kind = IB_ORG_MUNICIPALITY;
            o->home_muni = (int16_t)(i - w->first_municipality);
        } else {
            o->kind = i + 1 < w->n_orgs ? IB_ORG_WELFARE : IB_ORG_OTHER;
        }
    }
    return IB_OK;
}

static int employer_tables(dworld *w)
{
    size_t n = w->employers;
    w->lab_emp = malloc(n * sizeof *w->lab_emp);
    w->know_emp = malloc(n * sizeof *w->know_emp);
    w->lab_cum = malloc(n * sizeof *w->lab_cum);
    w->know_cum = malloc(n * sizeof *w->know_cum);
    w->agency_cum = malloc(w->agencies * sizeof *w->agency_cum);
    if (!w->lab_emp || !w->know_emp || !w->lab_cum || !w->know_cum ||
        !w->agency_cum)
        return IB_ENOMEM;
    double sl = 0, sk = 0, sa = 0;
    for (size_t i = 0; i < w->agencies; i++)
        w->agency_cum[i] = sa += w->orgs[i].weight;
    for (size_t i = w->first_employer; i < w->first_provider; i++) {
        const dorg *o = &w->orgs[i];
        if (o->knowledge) {
            w->know_emp[w->n_know] = (uint32_t)i;
            w->know_cum[w->n_know++] = sk += o->weight;
        } else {
            w->lab_emp[w->n_lab] = (uint32_t)i;
            w->lab_cum[w->n_lab++] = sl += o->weight;
        }
    }
    /* Tiny runs may draw no employer of one kind: make the last one so. */
    if (w->n_know == 0 || w->n_lab == 0) {
        dorg *o = &w->orgs[w->first_provider - 1];
        o->knowledge = !o->knowledge;
        o->sector = o->knowledge ? 'J' : 'A';
        w->n_know = w->n_lab = 0;
        return employer_tables(w);
    }
    return IB_OK;
}

static int64_t add_loc(dworld *w, uint8_t kind, bool crowd, int16_t muni,
                       int32_t provider)
{
    if (w->n_locs == w->cap_locs) {
        size_t cap = w->cap_locs ? w->cap_locs * 2 : 1024;
        dloc *nl = realloc(w->locs, cap * sizeof *nl);
        if (!nl)
            return -1;
        w->locs = nl;
        w->cap_locs = cap;
    }
    dloc *l = &w->locs[w->n_locs];
    l->kind = kind;
    l->crowd = crowd;
    l->muni = muni;
    l->provider = provider;
    l->occupancy = 0;
    return (int64_t)w->n_locs++;
}

static int pool_add(dpool *p, size_t cap, uint32_t loc, double weight)
{
    if (!p->loc) {
        p->loc = malloc(cap * sizeof *p->loc);
        p->cum = malloc(cap * sizeof *p->cum);
        if (!p->loc || !p->cum)
            return IB_ENOMEM;
    }
    p->loc[p->n] = loc;
    p->cum[p->n] = (p->n ? p->cum[p->n - 1] : 0) + weight;
    p->n++;
    return IB_OK;
}

/* Relative chance that a person is placed at a location of this kind:
 * roughly its number of beds. */
static double loc_weight(drng *r, uint8_t kind, bool crowd)
{
    double base;
    switch (kind) {
    case IB_LOC_SHORT_STAY_FACILITY: base = 14; break;
    case IB_LOC_HOTEL_OR_RECREATION: base = 5; break;
    case IB_LOC_OTHER: base = 4; break;
    case IB_LOC_SHARED_HOUSE: base = 1.2; break;
    default: base = 0.5; break;
    }
    return base * (0.5 + drng_unif(r)) * (crowd ? 2.2 : 1.0);
}

/* The beds of agencies and of a third of the agricultural employers (the
 * greenhouse firms that house their own seasonal workers). */
static int add_owned(dworld *w, drng *r, int64_t persons)
{
    w->own = calloc(w->n_orgs, sizeof *w->own);
    if (!w->own)
        return IB_ENOMEM;
    double total = 0;
    for (size_t i = 0; i < w->first_provider; i++) {
        dorg *o = &w->orgs[i];
        bool houses = o->kind == IB_ORG_AGENCY ||
                      (o->sector == 'A' && drng_chance(r, 0.35));
        if (houses)
            total += o->weight;
        else
            o->weight = -o->weight;     /* marks "no own beds" below */
    }
    double beds = (double)persons / 40.0 + 6;
    for (size_t i = 0; i < w->first_provider; i++) {
        dorg *o = &w->orgs[i];
        if (o->weight < 0) {
            o->weight = -o->weight;
            continue;
        }
        size_t n = 1 + (size_t)(beds * o->weight / total);
        for (size_t k = 0; k < n; k++) {
            static const double kw[] = {0.65, 0.15, 0.20};
            static const uint8_t kinds[] = {IB_LOC_SHARED_HOUSE,
                IB_LOC_SHORT_STAY_FACILITY, IB_LOC_HOTEL_OR_RECREATION};
            uint8_t kind = kinds[drng_pick(r, kw, 3)];
            bool crowd = drng_chance(r, kind == IB_LOC_SHARED_HOUSE ? 0.30 : 0.15);
            double weight = loc_weight(r, kind, crowd);
            if (w->n_locs == 0) {
                /* L0001: a crowded shared house of the largest agency, the
                 * location `make run` suggests to look at. */
                kind = IB_LOC_SHARED_HOUSE;
                crowd = true;
                weight = 6;
            }
            int16_t muni = drng_chance(r, 0.7) ? o->home_muni
                                               : (int16_t)pick_muni(r);
            int64_t l = add_loc(w, kind, crowd, muni, (int32_t)i);
            if (l < 0 || pool_add(&w->own[i], n, (uint32_t)l, weight) != IB_OK)
                return IB_ENOMEM;
        }
    }
    return IB_OK;
}

static int add_pool(dworld *w, drng *r, int pool, uint8_t kind, size_t n,
                    double crowd_p)
{
    for (size_t k = 0; k < n; k++) {
        bool crowd = drng_chance(r, crowd_p);
        int32_t provider;
        if (kind == IB_LOC_OTHER)
            provider = (int32_t)(w->first_welfare + (size_t)drng_int(r, 2));
        else if (kind == IB_LOC_PRIVATE_RENTAL && drng_chance(r, 0.6))
            provider = -1;      /* a private landlord, not an organisation */
        else
            provider = (int32_t)(w->first_provider +
                                 (size_t)drng_int(r, (int32_t)w->providers));
        int64_t l = add_loc(w, kind, crowd, (int16_t)pick_muni(r), provider);
        if (l < 0 || pool_add(&w->pools[pool], n, (uint32_t)l,
                              loc_weight(r, kind, crowd)) != IB_OK)
            return IB_ENOMEM;
    }
    return IB_OK;
}

static int add_pools(dworld *w, drng *r, int64_t persons)
{
    size_t p = (size_t)persons;
    int rc = add_pool(w, r, POOL_SHARED, IB_LOC_SHARED_HOUSE, p / 70 + 2, 0.25);
    if (rc == IB_OK)
        rc = add_pool(w, r, POOL_SHORT_STAY, IB_LOC_SHORT_STAY_FACILITY,
                      p / 2500 + 1, 0.10);
    if (rc == IB_OK)
        rc = add_pool(w, r, POOL_PRIVATE, IB_LOC_PRIVATE_RENTAL, p / 22 + 2, 0.04);
    if (rc == IB_OK)
        rc = add_pool(w, r, POOL_CORPORATION, IB_LOC_CORPORATION_RENTAL,
                      p / 30 + 2, 0.02);
    if (rc == IB_OK)
        rc = add_pool(w, r, POOL_HOTEL, IB_LOC_HOTEL_OR_RECREATION,
                      p / 1500 + 1, 0.20);
    if (rc == IB_OK)
        rc = add_pool(w, r, POOL_OTHER, IB_LOC_OTHER, p / 4000 + 1, 0.15);
    return rc;
}

int world_build(dworld *w, uint64_t seed, int64_t persons, ib_err *err)
{
    memset(w, 0, sizeof *w);
    drng r;
    drng_seed(&r, seed, STREAM_WORLD);
    int rc = add_orgs(w, &r, persons);
    if (rc == IB_OK)
        rc = employer_tables(w);
    if (rc == IB_OK)
        rc = add_owned(w, &r, persons);
    if (rc == IB_OK)
        rc = add_pools(w, &r, persons);
    if (rc != IB_OK) {
        world_free(w);
        return ib_err_set(err, rc, "geen geheugen voor de demowereld");
    }
    w->n_pool_locs = w->n_locs;
    w->org_width = digits((int64_t)w->n_orgs) < 3 ? 3 : digits((int64_t)w->n_orgs);
    /* At most one bought home per person: the widest location ref. */
    int lw = digits((int64_t)w->n_locs + persons);
    w->loc_width = lw < 4 ? 4 : lw;
    w->person_width = digits(persons) < 6 ? 6 : digits(persons);
    return IB_OK;
}

void world_free(dworld *w)
{
    free(w->orgs);
    free(w->agency_cum);
    free(w->lab_emp);
    free(w->know_emp);
    free(w->lab_cum);
    free(w->know_cum);
    free(w->locs);
    for (int i = 0; i < POOL_COUNT; i++) {
        free(w->pools[i].loc);
        free(w->pools[i].cum);
    }
    if (w->own)
        for (size_t i = 0; i < w->n_orgs; i++) {
            free(w->own[i].loc);
            free(w->own[i].cum);
        }
    free(w->own);
    memset(w, 0, sizeof *w);
}

int64_t world_new_home(dworld *w, int16_t muni)
{
    return add_loc(w, IB_LOC_OWNER_OCCUPIED, false, muni, -1);
}

size_t world_pick(const dworld *w, const dpool *p, drng *r)
{
    (void)w;
    return p->loc[drng_pick_cum(r, p->cum, p->n)];
}
