/* housing.c — housing on day R (spec "Housing on day R"): occupancy per
 * location, overcrowding against capacity and the floor-area norm, tied
 * housing (the bed comes from the employer or agency), how many people each
 * provider houses, and the work-live matrix per municipality. */
#include "monitor/mon_internal.h"

#include <stdlib.h>
#include <string.h>

#define N_MUNI 10000
#define MUNI_UNKNOWN N_MUNI          /* dense index of "unknown" */

static size_t muni_index(int16_t m)
{
    return m == IB_MUNI_NONE ? MUNI_UNKNOWN : (size_t)m;
}

void ib_mhousing_opts_init(ib_mhousing_opts *o, ib_date at)
{
    o->at = at;
    o->m2_norm = 1200;
    o->cellkey = NULL;
}

/* Whether an earlier covering housing of the same person (in [from, i)) is
 * at the same location: a person counts once per location. */
static bool seen_location(const ib_mdata *d, uint32_t from, uint32_t i,
                          ib_date at)
{
    for (uint32_t j = from; j < i; j++)
        if (d->housings[j].location == d->housings[i].location &&
            ib_mcovers(d->housings[j].start, d->housings[j].end, at))
            return true;
    return false;
}

/* Occupancy per location and, when keys is not NULL, the cell key of each
 * (the sum of its occupants' record keys). Caller frees both. */
static int occupancy_keyed(const ib_mdata *d, ib_date at, const ib_mcellkey *ck,
                           uint32_t **occ, uint32_t **keys, ib_err *err)
{
    size_t n = d->n_locations ? d->n_locations : 1;
    *occ = calloc(n, sizeof **occ);
    if (keys)
        *keys = calloc(n, sizeof **keys);
    if (!*occ || (keys && !*keys)) {
        free(*occ);
        if (keys)
            free(*keys);
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    for (uint32_t p = 0; p < d->n_persons; p++)
        for (uint32_t i = d->housing_off[p]; i < d->housing_off[p + 1]; i++) {
            const ib_mhousing *h = &d->housings[i];
            if (!ib_mcovers(h->start, h->end, at) ||
                seen_location(d, d->housing_off[p], i, at))
                continue;
            (*occ)[h->location]++;
            if (keys)
                (*keys)[h->location] += ib_mrecord_key(ck, d, p);
        }
    return IB_OK;
}

int ib_monitor_occupancy(const ib_mdata *d, ib_date at, uint32_t **occ,
                         ib_err *err)
{
    return occupancy_keyed(d, at, NULL, occ, NULL, err);
}

bool ib_location_is_overcrowded(const ib_mlocation *l, uint32_t occupancy,
                                int64_t m2_norm)
{
    if (l->capacity >= 0 && occupancy > (uint32_t)l->capacity)
        return true;
    /* floor area and norm both in hundredths of m2: exact */
    return l->floor_area != IB_CENTS_NONE &&
           l->floor_area < (int64_t)occupancy * m2_norm;
}

bool ib_housing_is_tied(const ib_mdata *d, uint32_t p, const ib_mhousing *h,
                        ib_date at)
{
    /* organisation indices stand for one KvK number; IB_MIDX_NONE is < 0 */
    for (uint32_t i = d->emp_off[p]; i < d->emp_off[p + 1]; i++) {
        const ib_memp *e = &d->emps[i];
        ib_tie_job j = {e->start, e->end, e->employer, e->agency};
        if (ib_tie_job_ties(&j, h->provided_by, at))
            return true;
    }
    return false;
}

/* ------------------------------------------------------------ per location */

/* With perturbation, occ is the published (perturbed) occupancy: what is
 * derived from it below then tells nothing the published count does not. */
static void location_row_values(ib_mtable *t, size_t r, const ib_mlocation *l,
                                uint32_t occ, int64_t norm)
{
    *ib_mtable_at(t, r, 0) = occ;
    *ib_mtable_at(t, r, 1) = l->capacity >= 0 ? l->capacity : IB_MVALUE_NONE;
    *ib_mtable_at(t, r, 2) =
        l->floor_area != IB_CENTS_NONE ? l->floor_area : IB_MVALUE_NONE;
    /* shown rounded half up; overcrowding is decided exactly, not on this */
    *ib_mtable_at(t, r, 3) = l->floor_area != IB_CENTS_NONE && occ
        ? (l->floor_area + occ / 2) / occ : IB_MVALUE_NONE;
    *ib_mtable_at(t, r, 4) = ib_location_is_overcrowded(l, occ, norm);
}

int ib_monitor_housing_locations(const ib_mdata *d, const ib_mhousing_opts *o,
                                 ib_mtable *out, ib_err *err)
{
    static const char *const keys[] = {"location_ref", "municipality", "kind"};
    static const ib_mcolumn cols[] = {
        {"occupancy", 0, true}, {"capacity", 0, false},
        {"floor_area_m2", 2, false}, {"m2_per_person", 2, false},
        {"overcrowded", 0, false}};
    uint32_t *occ, *okeys;
    if (occupancy_keyed(d, o->at, o->cellkey, &occ, &okeys, err))
        return err ? err->code : IB_ENOMEM;
    int rc = ib_mtable_init(out, "housing_locations", 3, keys, 5, cols, false,
                            false);
    for (size_t l = 0; !rc && l < d->n_locations; l++) {
        const ib_mlocation *loc = &d->locations[l];
        if (loc->merged)        /* another sender's record of this address counts */
            continue;
        char muni[7];
        const char *k[3] = {ib_mdata_str(d, loc->ref),
                            ib_muni_format(loc->municipality, muni),
                            ib_code_text(ib_location_kind_codes, loc->kind)};
        long r = ib_mtable_add_row(out, k);
        if (r < 0) {
            rc = IB_ENOMEM;
            break;
        }
        uint32_t shown = o->cellkey
            ? (uint32_t)ib_ptable_perturb(occ[l], okeys[l]) : occ[l];
        location_row_values(out, (size_t)r, loc, shown, o->m2_norm);
        *ib_mtable_key_at(out, (size_t)r, 0) = okeys[l];
    }
    free(occ);
    free(okeys);
    out->perturbed = o->cellkey != NULL;
    if (rc) {
        ib_mtable_free(out);
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    ib_mtable_sum(out);
    return IB_OK;
}

/* ------------------------------------------------------------ per municipality */

enum { MC_HOUSED, MC_OVERCROWDED, MC_TIED, MC_LOCATIONS, MC_LOC_OVER, MC_N };

/* Whether an earlier covering housing of the person (in [from, i)) lies in
 * municipality m: a person counts once per municipality. */
static bool seen_muni(const ib_mdata *d, uint32_t from, uint32_t i, size_t m,
                      ib_date at)
{
    for (uint32_t j = from; j < i; j++)
        if (ib_mcovers(d->housings[j].start, d->housings[j].end, at) &&
            muni_index(d->locations[d->housings[j].location].municipality) == m)
            return true;
    return false;
}

/* Adds person p's housing on R to the municipality counts: in each column a
 * person counts once per municipality. */
static void count_person_munis(const ib_mdata *d, uint32_t p,
                               const ib_mhousing_opts *o, const uint32_t *occ,
                               int64_t (*acc)[MC_N], uint32_t (*keys)[MC_N])
{
    uint32_t key = ib_mrecord_key(o->cellkey, d, p);
    uint32_t lo = d->housing_off[p], hi = d->housing_off[p + 1];
    for (uint32_t i = lo; i < hi; i++) {
        const ib_mhousing *h = &d->housings[i];
        size_t m = muni_index(d->locations[h->location].municipality);
        if (!ib_mcovers(h->start, h->end, o->at) || seen_muni(d, lo, i, m, o->at))
            continue;
        bool over = false, tied = false;
        for (uint32_t j = i; j < hi; j++) {      /* all covering, same muni */
            const ib_mhousing *x = &d->housings[j];
            if (!ib_mcovers(x->start, x->end, o->at) ||
                muni_index(d->locations[x->location].municipality) != m)
                continue;
            over |= ib_location_is_overcrowded(&d->locations[x->location],
                                               occ[x->location], o->m2_norm);
            tied |= ib_housing_is_tied(d, p, x, o->at);
        }
        acc[m][MC_HOUSED]++;
        acc[m][MC_OVERCROWDED] += over;
        acc[m][MC_TIED] += tied;
        keys[m][MC_HOUSED] += key;
        keys[m][MC_OVERCROWDED] += over ? key : 0;
        keys[m][MC_TIED] += tied ? key : 0;
    }
}

/* The location counts are counts too: perturbed with the locations'
 * keys, as the m2 norm at which one more location turns overcrowded would
 * otherwise point at that location's exact occupancy. */
static int muni_table(int64_t (*acc)[MC_N], uint32_t (*ckeys)[MC_N],
                      ib_mtable *out)
{
    static const char *const keys[] = {"municipality"};
    static const ib_mcolumn cols[MC_N] = {
        {"housed", 0, true}, {"in_overcrowded", 0, true}, {"tied", 0, true},
        {"locations_occupied", 0, true}, {"locations_overcrowded", 0, true}};
    int rc = ib_mtable_init(out, "housing_municipalities", 1, keys, MC_N, cols,
                            false, true);
    for (size_t m = 0; !rc && m <= N_MUNI; m++) {
        if (!acc[m][MC_HOUSED] && !acc[m][MC_LOCATIONS])
            continue;
        char buf[8];
        const char *k = m == MUNI_UNKNOWN ? "unknown"
                                          : ib_muni_format((int16_t)m, buf);
        long r = ib_mtable_add_row(out, &k);
        if (r < 0)
            return IB_ENOMEM;
        for (int c = 0; c < MC_N; c++) {
            *ib_mtable_at(out, (size_t)r, (size_t)c) = acc[m][c];
            *ib_mtable_key_at(out, (size_t)r, (size_t)c) = ckeys[m][c];
        }
    }
    if (!rc)
        ib_mtable_sum(out);
    return rc;
}

int ib_monitor_housing_municipalities(const ib_mdata *d,
                                      const ib_mhousing_opts *o,
                                      ib_mtable *out, ib_err *err)
{
    uint32_t *occ;
    if (ib_monitor_occupancy(d, o->at, &occ, err))
        return err ? err->code : IB_ENOMEM;
    int64_t (*acc)[MC_N] = calloc(N_MUNI + 1, sizeof *acc);
    uint32_t (*keys)[MC_N] = calloc(N_MUNI + 1, sizeof *keys);
    int rc = acc && keys ? IB_OK : IB_ENOMEM;
    for (size_t l = 0; !rc && l < d->n_locations; l++) {
        if (!occ[l])
            continue;
        size_t m = muni_index(d->locations[l].municipality);
        uint32_t key = ib_mlocation_key(o->cellkey, d, l);
        bool over = ib_location_is_overcrowded(&d->locations[l], occ[l],
                                               o->m2_norm);
        acc[m][MC_LOCATIONS]++;
        acc[m][MC_LOC_OVER] += over;
        keys[m][MC_LOCATIONS] += key;
        keys[m][MC_LOC_OVER] += over ? key : 0;
    }
    for (uint32_t p = 0; !rc && p < d->n_persons; p++)
        count_person_munis(d, p, o, occ, acc, keys);
    if (!rc)
        rc = muni_table(acc, keys, out);
    free(acc);
    free(keys);
    free(occ);
    if (rc) {
        ib_mtable_free(out);
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    return IB_OK;
}

/* ------------------------------------------------------------ providers */

/* Whether an earlier covering housing of the person has the same provider. */
static bool seen_provider(const ib_mdata *d, uint32_t from, uint32_t i,
                          ib_date at)
{
    for (uint32_t j = from; j < i; j++)
        if (d->housings[j].provided_by == d->housings[i].provided_by &&
            ib_mcovers(d->housings[j].start, d->housings[j].end, at))
            return true;
    return false;
}

static int provider_table(const ib_mdata *d, const int64_t (*acc)[2],
                          const uint32_t (*ckeys)[2], ib_mtable *out)
{
    static const char *const keys[] = {"org_ref", "name", "kind"};
    static const ib_mcolumn cols[] = {{"housed", 0, true}, {"tied", 0, true}};
    int rc = ib_mtable_init(out, "housing_providers", 3, keys, 2, cols, false,
                            true);
    for (size_t g = 0; !rc && g < d->n_orgs; g++) {
        if (!acc[g][0])
            continue;
        const ib_morg *org = &d->orgs[g];
        const char *k[3] = {ib_mdata_str(d, org->ref), ib_mdata_str(d, org->name),
                            ib_code_text(ib_org_kind_codes, org->kind)};
        long r = ib_mtable_add_row(out, k);
        if (r < 0)
            return IB_ENOMEM;
        for (size_t c = 0; c < 2; c++) {
            *ib_mtable_at(out, (size_t)r, c) = acc[g][c];
            *ib_mtable_key_at(out, (size_t)r, c) = ckeys[g][c];
        }
    }
    if (!rc)
        ib_mtable_sum(out);
    return rc;
}

int ib_monitor_housing_providers(const ib_mdata *d, const ib_mhousing_opts *o,
                                 ib_mtable *out, ib_err *err)
{
    int64_t (*acc)[2] = calloc(d->n_orgs + 1, sizeof *acc);
    uint32_t (*keys)[2] = calloc(d->n_orgs + 1, sizeof *keys);
    if (!acc || !keys) {
        free(acc);
        free(keys);
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    for (uint32_t p = 0; p < d->n_persons; p++) {
        uint32_t lo = d->housing_off[p], hi = d->housing_off[p + 1];
        uint32_t key = ib_mrecord_key(o->cellkey, d, p);
        for (uint32_t i = lo; i < hi; i++) {
            const ib_mhousing *h = &d->housings[i];
            if (h->provided_by == IB_MIDX_NONE ||
                !ib_mcovers(h->start, h->end, o->at) ||
                seen_provider(d, lo, i, o->at))
                continue;
            bool tied = ib_housing_is_tied(d, p, h, o->at);
            acc[h->provided_by][0]++;
            acc[h->provided_by][1] += tied;
            keys[h->provided_by][0] += key;
            keys[h->provided_by][1] += tied ? key : 0;
        }
    }
    int rc = provider_table(d, (const int64_t(*)[2])acc,
                            (const uint32_t(*)[2])keys, out);
    free(acc);
    free(keys);
    if (rc) {
        ib_mtable_free(out);
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    return IB_OK;
}

/* ------------------------------------------------------------ work-live */

#define WL_UNKNOWN N_MUNI            /* employer's municipality not known */
#define WL_NO_JOB (N_MUNI + 1)       /* no covering employment */
#define WL_N (N_MUNI + 2)
#define ORG_MUNI_NONE (-1)
#define ORG_MUNI_MIXED (-2)

/* Per organisation: the one municipality of the locations it provides, or
 * ORG_MUNI_NONE / ORG_MUNI_MIXED. Caller frees. */
static int16_t *org_municipalities(const ib_mdata *d)
{
    int16_t *m = malloc((d->n_orgs + 1) * sizeof *m);
    if (!m)
        return NULL;
    for (size_t g = 0; g < d->n_orgs; g++)
        m[g] = ORG_MUNI_NONE;
    for (size_t l = 0; l < d->n_locations; l++) {
        const ib_mlocation *loc = &d->locations[l];
        if (loc->provider == IB_MIDX_NONE || loc->municipality == IB_MUNI_NONE)
            continue;
        int16_t *x = &m[loc->provider];
        if (*x == ORG_MUNI_NONE)
            *x = loc->municipality;
        else if (*x != loc->municipality)
            *x = ORG_MUNI_MIXED;
    }
    return m;
}

/* The last (latest-starting) element covering R, or UINT32_MAX. */
static uint32_t latest_housing(const ib_mdata *d, uint32_t p, ib_date at)
{
    uint32_t best = UINT32_MAX;
    for (uint32_t i = d->housing_off[p]; i < d->housing_off[p + 1]; i++)
        if (ib_mcovers(d->housings[i].start, d->housings[i].end, at))
            best = i;
    return best;
}

static uint32_t latest_employment(const ib_mdata *d, uint32_t p, ib_date at)
{
    uint32_t best = UINT32_MAX;
    for (uint32_t i = d->emp_off[p]; i < d->emp_off[p + 1]; i++)
        if (ib_mcovers(d->emps[i].start, d->emps[i].end, at))
            best = i;
    return best;
}

/* Columns of the work-live matrix: the distinct column keys in order. */
static int worklive_columns(const ib_mpairs *ps, ib_mcolumn **cols,
                            size_t *colof, size_t *nc)
{
    bool *used = calloc(WL_N, sizeof *used);
    if (!used)
        return IB_ENOMEM;
    for (size_t i = 0; i < ps->n; i++)
        used[ps->v[i].col] = true;
    *nc = 0;
    for (size_t c = 0; c < WL_N; c++)
        *nc += used[c];
    *cols = calloc(*nc ? *nc : 1, sizeof **cols);
    if (!*cols) {
        free(used);
        return IB_ENOMEM;
    }
    size_t n = 0;
    for (size_t c = 0; c < WL_N; c++) {
        if (!used[c])
            continue;
        char buf[8];
        snprintf((*cols)[n].name, IB_MLABEL_MAX, "%s",
                 c == WL_UNKNOWN ? "unknown" : c == WL_NO_JOB
                     ? "no_employment" : ib_muni_format((int16_t)c, buf));
        (*cols)[n].is_count = true;
        colof[c] = n++;
    }
    free(used);
    return IB_OK;
}

static int cmp_pair(const void *a, const void *b)
{
    const ib_mpair *x = a, *y = b;
    if (x->row != y->row)
        return (x->row > y->row) - (x->row < y->row);
    return (x->col > y->col) - (x->col < y->col);
}

static int worklive_table(ib_mpairs *ps, ib_mtable *out)
{
    static const char *const keys[] = {"housing_municipality"};
    ib_mcolumn *cols = NULL;
    size_t *colof = calloc(WL_N, sizeof *colof), nc = 0;
    int rc = colof ? worklive_columns(ps, &cols, colof, &nc) : IB_ENOMEM;
    if (!rc)
        rc = ib_mtable_init(out, "worklive", 1, keys, nc, cols, true, true);
    if (!rc && ps->n)
        qsort(ps->v, ps->n, sizeof *ps->v, cmp_pair);
    long row = -1;
    for (size_t i = 0; !rc && i < ps->n; i++) {
        if (i == 0 || ps->v[i].row != ps->v[i - 1].row) {
            char buf[8];
            const char *k = ps->v[i].row == MUNI_UNKNOWN
                ? "unknown" : ib_muni_format((int16_t)ps->v[i].row, buf);
            if ((row = ib_mtable_add_row(out, &k)) < 0)
                rc = IB_ENOMEM;
        }
        if (!rc) {
            (*ib_mtable_at(out, (size_t)row, colof[ps->v[i].col]))++;
            *ib_mtable_key_at(out, (size_t)row, colof[ps->v[i].col]) += ps->v[i].key;
        }
    }
    if (!rc)
        ib_mtable_sum(out);
    free(cols);
    free(colof);
    return rc;
}

int ib_monitor_worklive(const ib_mdata *d, const ib_mhousing_opts *o,
                        ib_mtable *out, ib_err *err)
{
    int16_t *om = org_municipalities(d);
    ib_mpairs ps = {0};
    int rc = om ? IB_OK : IB_ENOMEM;
    for (uint32_t p = 0; !rc && p < d->n_persons; p++) {
        uint32_t h = latest_housing(d, p, o->at);
        if (h == UINT32_MAX)
            continue;
        size_t row = muni_index(d->locations[d->housings[h].location].municipality);
        uint32_t e = latest_employment(d, p, o->at);
        size_t col = WL_NO_JOB;
        if (e != UINT32_MAX) {
            int32_t org = d->emps[e].employer;
            int16_t m = org == IB_MIDX_NONE ? ORG_MUNI_NONE : om[org];
            col = m >= 0 ? (size_t)m : WL_UNKNOWN;
        }
        rc = ib_mpairs_add(&ps, (int32_t)row, (int32_t)col,
                           ib_mrecord_key(o->cellkey, d, p));
    }
    if (!rc)
        rc = worklive_table(&ps, out);
    free(om);
    free(ps.v);
    if (rc) {
        ib_mtable_free(out);
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    return IB_OK;
}
